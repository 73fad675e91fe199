//! Prints chapter 2's worked numbers in the order the page explains them.

use std::process::ExitCode;

fn main() -> ExitCode {
    match ch02::report() {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
