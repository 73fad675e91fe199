//! Prints the worked numbers of chapter 3, gradient descent.

use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(argument) = std::env::args().nth(1) {
        eprintln!("error: unexpected argument {argument:?}; ch03 takes no arguments, run `cargo run -p ch03`");
        return ExitCode::FAILURE;
    }
    match ch03::report() {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: could not compute the chapter's numbers: {error:#}");
            ExitCode::FAILURE
        }
    }
}
