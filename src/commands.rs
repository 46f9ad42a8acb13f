//! What each command-line command does.

use actix_web::web;

use crate::app::{Corral, OpenError};
use crate::config::{AdminCommand, Command, DataArgs, KeysCommand, ServeArgs, StripeCommand};
use crate::index::SearchIndex;
use crate::store::Store;
use crate::store::{LockError, StoreError};
use crate::{clock, http, keys, users};

/// A command that failed; the text says what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CommandError(String);

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        CommandError(e.to_string())
    }
}

impl From<OpenError> for CommandError {
    fn from(e: OpenError) -> Self {
        CommandError(e.to_string())
    }
}

impl From<crate::index::IndexError> for CommandError {
    fn from(e: crate::index::IndexError) -> Self {
        CommandError(e.to_string())
    }
}

impl From<users::UserError> for CommandError {
    fn from(e: users::UserError) -> Self {
        CommandError(e.to_string())
    }
}

impl From<crate::stripe::StripeError> for CommandError {
    fn from(e: crate::stripe::StripeError) -> Self {
        CommandError(e.to_string())
    }
}

impl From<keys::KeyError> for CommandError {
    fn from(e: keys::KeyError) -> Self {
        CommandError(e.to_string())
    }
}

impl From<std::io::Error> for CommandError {
    fn from(e: std::io::Error) -> Self {
        CommandError(e.to_string())
    }
}

/// Runs one command.
pub fn run(command: Command) -> Result<(), CommandError> {
    match command {
        Command::Serve(args) => serve(&args),
        Command::Keys { command } => run_keys(command),
        Command::Reindex { data } => reindex(&data),
        Command::Stripe { command: StripeCommand::Import { file, data } } => {
            import_charges(&data, &file)
        }
        Command::Admin { command: AdminCommand::Create { email, password, data } } => {
            create_admin(&data, &email, password)
        }
    }
}

/// Runs the server until SIGINT or SIGTERM, then finishes requests in flight and flushes.
pub fn serve(args: &ServeArgs) -> Result<(), CommandError> {
    let corral = Corral::open(&args.data.store_options(), args.settings())?;
    apply_stripe_flags(&corral, args)?;
    let setup_token = users::new_setup_token(&corral.store)?;
    corral.store.commit_blocking()?;
    let corral = web::Data::new(corral);

    actix_web::rt::System::new().block_on(async {
        let (server, addrs) = http::server(corral.clone(), &args.bind)?;
        // Made only once the address is bound: a key made by a start that then failed
        // would never be shown.
        let first_key = if keys::any(&corral.store) {
            None
        } else {
            let created =
                keys::create(&corral.store, "first key").map_err(std::io::Error::other)?;
            corral.store.commit_blocking().map_err(std::io::Error::other)?;
            Some(created.1)
        };
        let addr = addrs.first().map(ToString::to_string).unwrap_or_else(|| args.bind.clone());
        tracing::info!(%addr, dir = %corral.store.dir().display(), "corral is serving");
        println!("Corral {} is listening on http://{addr}", env!("CARGO_PKG_VERSION"));
        println!("Data directory: {}", corral.store.dir().display());
        if let Some(secret) = first_key {
            println!("\nCreated the first API key. It is shown only this once; keep it safe:\n");
            println!("    {secret}\n");
        }
        if let Some(token) = setup_token {
            println!("Create the first admin of the web UI by opening this one-time link:\n");
            println!("    http://{addr}/app/setup?token={token}\n");
        } else {
            println!("Web UI: http://{addr}/app/");
        }
        println!("API reference: http://{addr}/docs");
        server.await
    })?;

    tracing::info!("shutting down: flushing the data directory");
    corral.close()?;
    Ok(())
}

/// Opens the store alone, for commands that run while the server is stopped.
fn open_store(data: &DataArgs) -> Result<Store, CommandError> {
    Store::open(&data.store_options()).map_err(|e| match e {
        StoreError::Lock(LockError::Held { dir, pid }) => CommandError(format!(
            "a running corral server (pid {pid}) holds {}; stop it first. While it runs, keys \
             are managed through its API (POST /keys) and Stripe charges arrive by webhook or \
             with POST /integrations/stripe/sync",
            dir.display()
        )),
        other => other.into(),
    })
}

fn run_keys(command: KeysCommand) -> Result<(), CommandError> {
    match command {
        KeysCommand::Create { name, data } => {
            let store = open_store(&data)?;
            let (_, secret) = keys::create(&store, &name)?;
            store.commit_blocking()?;
            println!("{secret}");
        }
        KeysCommand::List { data } => {
            let store = open_store(&data)?;
            println!("{:<18} {:<24} {:<12} {:<28} LAST USED", "ID", "NAME", "PREFIX", "CREATED");
            for key in keys::list(&store)? {
                let last =
                    key.last_used_at.map(clock::format_micros).unwrap_or_else(|| "never".into());
                let created = clock::format_micros(key.created_at);
                println!(
                    "{:<18} {:<24} {:<12} {:<28} {last}",
                    key.id, key.name, key.prefix, created
                );
            }
        }
        KeysCommand::Revoke { id, data } => {
            let store = open_store(&data)?;
            let key = keys::revoke(&store, &id)?;
            store.commit_blocking()?;
            eprintln!("revoked {} ({})", key.id, key.name);
        }
    }
    Ok(())
}

/// Rebuilds the search index from the store, with a progress bar.
fn reindex(data: &DataArgs) -> Result<(), CommandError> {
    let store = open_store(data)?;
    crate::models::ensure_builtins(&store)?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing [{bar:40}] {pos}/{len} records ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    SearchIndex::reindex(&store, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish();
    store.close()?;
    eprintln!("the search index of {} is rebuilt", data.data_dir.display());
    Ok(())
}

/// Adds an admin of the web UI; the password comes from the flag or one line of stdin.
fn create_admin(
    data: &DataArgs,
    email: &str,
    password: Option<String>,
) -> Result<(), CommandError> {
    let password = match password {
        Some(password) => password,
        None => {
            eprintln!("password for {email} (at least {} characters):", users::MIN_PASSWORD_CHARS);
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let store = open_store(data)?;
    let user = users::create(&store, email, &password, users::Role::Admin)?;
    store.commit_blocking()?;
    store.close()?;
    eprintln!("created admin {} ({})", user.email, user.id);
    Ok(())
}

/// Stores the Stripe settings given on the command line or in the environment.
fn apply_stripe_flags(corral: &Corral, args: &ServeArgs) -> Result<(), CommandError> {
    let mut settings = crate::stripe::settings(&corral.store)?;
    let before = settings.clone();
    if let Some(secrets) = &args.stripe_webhook_secret {
        settings.webhook_secrets =
            secrets.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    }
    if let Some(key) = &args.stripe_secret_key {
        settings.secret_key = Some(key.trim().to_string()).filter(|k| !k.is_empty());
    }
    if let Some(base) = &args.stripe_api_base {
        settings.api_base = Some(base.trim().trim_end_matches('/').to_string());
    }
    if settings != before {
        crate::stripe::save_settings(&corral.store, &settings)?;
        corral.store.commit_blocking()?;
    }
    Ok(())
}

/// Loads a Stripe list export into the Stripe Charge model, with a progress bar.
fn import_charges(data: &DataArgs, file: &std::path::Path) -> Result<(), CommandError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CommandError(format!("could not read {}: {e}", file.display())))?;
    let charges = crate::stripe::charges_in_export(&text)?;
    let store = open_store(data)?;
    crate::models::ensure_builtins(&store)?;
    let bar = indicatif::ProgressBar::new(charges.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} importing [{bar:40}] {pos}/{len} charges",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut skipped = 0;
    for charge in &charges {
        if !crate::stripe::apply_snapshot(&store, charge)? {
            skipped += 1;
        }
        bar.inc(1);
    }
    store.commit_blocking()?;
    bar.finish();
    store.close()?;
    eprintln!(
        "imported {} charges ({skipped} kept as webhooks last left them); views show them once \
         the server has started",
        charges.len() - skipped
    );
    Ok(())
}
