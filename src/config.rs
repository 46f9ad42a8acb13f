//! Configuration: the command line, with an environment variable for every server setting.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::app::Settings;
use crate::store::StoreOptions;

/// Corral: a self-hosted customer-data server.
#[derive(Debug, Parser)]
#[command(name = "corral", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Manage the people who sign in to the web UI (while the server is stopped).
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The Stripe integration's backfill (while the server is stopped).
    Stripe {
        #[command(subcommand)]
        command: StripeCommand,
    },
    /// Rebuild the search index from the stored records (while the server is stopped).
    Reindex {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Create, list and revoke API keys while the server is stopped.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it alone on stdout (it is shown only this once).
    Create {
        /// What will use the key, such as nightly-sync.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// List keys: id, name, prefix, created, last used.
    List {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Revoke a key by its id.
    Revoke {
        /// The key's id, as `keys list` shows it.
        id: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin who signs in to the web UI with an e-mail address and a password.
    Create {
        #[arg(long)]
        email: String,
        /// The password; read from one line of standard input when left out.
        #[arg(long, env = "CORRAL_ADMIN_PASSWORD")]
        password: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum StripeCommand {
    /// Load a Stripe list export: list pages of charge objects as the list API returns them
    /// (one page, a JSON array of pages, or one page a line).
    Import {
        /// The export file.
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// The data directory; created on first start.
    #[arg(long, env = "CORRAL_DATA_DIR", default_value = "./corral-data")]
    pub data_dir: PathBuf,
    /// sled's page cache, in MiB.
    #[arg(long, env = "CORRAL_CACHE_MB", default_value_t = 256)]
    pub cache_mb: u64,
}

impl DataArgs {
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions { dir: self.data_dir.clone(), cache_bytes: self.cache_mb * 1024 * 1024 }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address and port to listen on; port 0 picks a free one.
    #[arg(long, env = "CORRAL_BIND", default_value = "127.0.0.1:8750")]
    pub bind: String,
    /// The largest request body accepted, in MiB.
    #[arg(long, env = "CORRAL_MAX_BODY_MB", default_value_t = 16)]
    pub max_body_mb: usize,
    /// HTTP worker threads; 0 means one per core.
    #[arg(long, env = "CORRAL_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Stripe webhook signing secrets (whsec_...), comma separated; stored in the data
    /// directory, replacing those set before.
    #[arg(long, env = "CORRAL_STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<String>,
    /// Stripe secret key (sk_...) for the charge sync; stored in the data directory.
    #[arg(long, env = "CORRAL_STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<String>,
    /// Stripe's API address (a local stand-in in tests).
    #[arg(long, env = "CORRAL_STRIPE_API_BASE")]
    pub stripe_api_base: Option<String>,
}

impl ServeArgs {
    pub fn settings(&self) -> Settings {
        Settings { body_limit: self.max_body_mb.max(1) * 1024 * 1024, workers: self.workers }
    }
}
