//! The `ivrsim` binary: parses the command line and hands over to [`ivrsim::cli::run`].

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

/// mimalloc, not the system allocator: `ivrsim test` on a suite of 100,000 scenarios keeps
/// hundreds of thousands of small live allocations while each run makes and frees many
/// more, and glibc's malloc then spends about 40 % of the time searching its bins (measured
/// with `perf` on `scripts/bench-test.sh`'s largest suite; issue 14).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("IVRSIM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    ivrsim::cli::run(ivrsim::cli::Cli::parse())
}
