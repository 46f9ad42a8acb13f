//! The "Sync Stripe charges" task: pages through Stripe's charges list API with the secret
//! key (newest first, `starting_after` the last id of each page) and stores every charge;
//! webhooks keep them current afterwards.

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value as Json;

use super::{apply_snapshot, settings, StripeError};
use crate::store::Store;

/// Charges asked for per page (Stripe's maximum).
const PAGE: usize = 100;

/// Where the last sync stands.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct SyncStatus {
    pub running: bool,
    /// Charges stored by the last (or current) run.
    pub charges: usize,
    /// Pages read by the last (or current) run.
    pub pages: usize,
    /// Why the last run stopped early, if it did.
    pub error: Option<String>,
    /// When the last run finished (RFC 3339).
    pub finished_at: Option<String>,
}

/// Runs one sync to the end, reporting progress into `status`.
pub fn run(store: &Store, status: &Mutex<SyncStatus>) -> Result<usize, StripeError> {
    let settings = settings(store)?;
    let Some(key) = settings.secret_key.clone() else {
        return Err(StripeError::BadInput(
            "no secret key is set; set it in Settings › Integrations or with --stripe-secret-key"
                .into(),
        ));
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}/v1/charges", settings.api_base().trim_end_matches('/'));
    let mut after: Option<String> = None;
    let mut stored = 0;
    loop {
        let mut request = agent.get(&url).query("limit", PAGE.to_string());
        if let Some(last) = &after {
            request = request.query("starting_after", last);
        }
        let mut reply = request
            .header("Authorization", format!("Bearer {key}"))
            .call()
            .map_err(|e| StripeError::Api(e.to_string()))?;
        let body: Json =
            reply.body_mut().read_json().map_err(|e| StripeError::Api(e.to_string()))?;
        if !reply.status().is_success() {
            let message = body["error"]["message"].as_str().unwrap_or("no message");
            return Err(StripeError::Api(format!("{}: {message}", reply.status())));
        }
        let charges = body["data"].as_array().cloned().unwrap_or_default();
        for charge in &charges {
            apply_snapshot(store, charge)?;
            stored += 1;
        }
        store.commit_blocking()?;
        after = charges.last().and_then(|c| c["id"].as_str()).map(String::from);
        if let Ok(mut status) = status.lock() {
            status.charges = stored;
            status.pages += 1;
        }
        if body["has_more"] != true || after.is_none() {
            return Ok(stored);
        }
    }
}
