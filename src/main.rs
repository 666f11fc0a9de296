//! `privacy-lens`: the command-line front-end. It reads files into the core and prints the
//! report; every number comes from the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
