use clap::Parser;
use tracing_subscriber::EnvFilter;

/// mimalloc instead of the system allocator: request handling, sled and tantivy allocate
/// many short-lived buffers from several threads, where glibc's malloc spent a fifth of the
/// CPU of a durable single-record ingest. Built without its transparent-huge-page advice
/// (`no_thp`), which kept an idle server at 65 MiB resident instead of 20.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = corral::config::Cli::parse();
    let filter = EnvFilter::try_from_env("CORRAL_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tantivy=warn,tracing_actix_web=error"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .init();

    match corral::commands::run(cli.command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
