//! `congso`: the electronic public office in one binary.
//!
//! `congso` (no arguments) is `congso serve`: migrations run, an empty database gets the demo, and
//! the portal is served at http://127.0.0.1:8080.

mod calendar;
mod cli;
mod config;
mod index766;
mod report;
mod serve;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("congso: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("congso: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
