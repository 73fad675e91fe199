//! Prints the worked numbers of chapter 1, mean squared error.

use std::process::ExitCode;

fn main() -> ExitCode {
    match ch01::report() {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: failed to compute the chapter 1 report: {err:#}");
            ExitCode::FAILURE
        }
    }
}
