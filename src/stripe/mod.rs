//! The Stripe integration: the built-in `stripe_charge` model, kept current by signed
//! webhooks, a backfill from a list export, and a paging sync against Stripe's API.
//!
//! Invariants: charge records are written only here (the records API refuses them); an
//! event is applied at most once; an event older than the last one applied to a charge
//! does not roll the charge back; the secrets are never answered in full or logged.

pub mod signature;
pub mod sync;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::models::{self, Model};
use crate::records::{self, RecordInput, Value};
use crate::store::{codec, Store, StoreError};

/// Fixed id of the Stripe Charge model.
pub const CHARGE_MODEL: &str = "stripe_charge";
/// Where the settings live in the meta tree.
const SETTINGS_KEY: &[u8] = b"stripe_settings";
/// Stripe's API, unless a setting points elsewhere.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// The fields of a charge object that become traits.
const CHARGE_FIELDS: [&str; 17] = [
    "amount",
    "amount_captured",
    "amount_refunded",
    "currency",
    "status",
    "paid",
    "captured",
    "refunded",
    "disputed",
    "customer",
    "description",
    "payment_intent",
    "failure_code",
    "failure_message",
    "metadata",
    "receipt_url",
    "livemode",
];

/// Why a Stripe operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    #[error("{0}")]
    BadInput(String),
    #[error(
        "no webhook signing secret is set; set it in Settings › Integrations or with \
         --stripe-webhook-secret"
    )]
    NoSecret,
    #[error(transparent)]
    Signature(#[from] signature::SignatureError),
    #[error("Stripe's API answered: {0}")]
    Api(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

crate::store::store_error_conversions!(StripeError);

impl From<records::RecordError> for StripeError {
    fn from(e: records::RecordError) -> Self {
        match e {
            records::RecordError::Store(e) => StripeError::Store(e),
            other => StripeError::BadInput(other.to_string()),
        }
    }
}

/// The integration's settings, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Signing secrets (`whsec_...`); more than one while a secret is rolled.
    pub webhook_secrets: Vec<String>,
    /// The secret API key (`sk_...`) for the sync task.
    pub secret_key: Option<String>,
    /// Where Stripe's API is; a local stand-in in tests.
    pub api_base: Option<String>,
}

impl Settings {
    pub fn api_base(&self) -> &str {
        self.api_base.as_deref().unwrap_or(DEFAULT_API_BASE)
    }
}

/// Shows the end of a secret only: `…abcd`.
pub fn hint(secret: &str) -> String {
    let tail: String = secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("…{tail}")
}

/// The stored settings.
pub fn settings(store: &Store) -> Result<Settings, StripeError> {
    Ok(match store.meta.get(SETTINGS_KEY)? {
        Some(bytes) => codec::decode(&bytes)?,
        None => Settings::default(),
    })
}

/// Replaces the stored settings.
pub fn save_settings(store: &Store, settings: &Settings) -> Result<(), StripeError> {
    store.meta.insert(SETTINGS_KEY, codec::encode(settings)?)?;
    Ok(())
}

/// The built-in Stripe Charge model, with its trait types.
pub fn charge_model(now: i64) -> Model {
    let spec = |kind| models::TraitSpec { kind, currency: None };
    use models::TraitType::{Boolean, Datetime, Integer, Text};
    let mut traits = models::TraitSpecs::new();
    for (name, kind) in [
        ("amount", Integer),
        ("amount_captured", Integer),
        ("amount_refunded", Integer),
        ("currency", Text),
        ("status", Text),
        ("paid", Boolean),
        ("captured", Boolean),
        ("refunded", Boolean),
        ("disputed", Boolean),
        ("customer", Text),
        ("created", Datetime),
        ("description", Text),
        ("payment_intent", Text),
        ("failure_code", Text),
        ("failure_message", Text),
    ] {
        traits.insert(name.to_string(), spec(kind));
    }
    Model {
        id: CHARGE_MODEL.into(),
        name: "Stripe Charge".into(),
        kind: models::ModelKind::Integration,
        relations: Vec::new(),
        traits,
        created_at: now,
        updated_at: now,
    }
}

fn unix_to_text(seconds: i64) -> Option<String> {
    jiff::Timestamp::from_second(seconds).ok().map(|t| t.to_string())
}

/// The traits a charge object becomes.
fn charge_traits(charge: &Json) -> Result<(String, Vec<(String, Value)>), StripeError> {
    let id = charge["id"].as_str().filter(|id| id.starts_with("ch_") || id.starts_with("py_"));
    let Some(id) = id else {
        return Err(StripeError::BadInput("a charge object needs an id like ch_...".into()));
    };
    let mut traits = Vec::new();
    for field in CHARGE_FIELDS {
        if let Some(value) = charge.get(field) {
            traits.push((field.to_string(), Value::from_json(value.clone())));
        }
    }
    if let Some(created) = charge["created"].as_i64().and_then(unix_to_text) {
        traits.push(("created".into(), Value::Text(created)));
    }
    Ok((id.to_string(), traits))
}

fn write(store: &Store, id: &str, traits: Vec<(String, Value)>) -> Result<(), StripeError> {
    let model =
        models::get(store, CHARGE_MODEL).map_err(|e| StripeError::BadInput(e.to_string()))?;
    let input = RecordInput { id: id.to_string(), traits: traits.into_iter().collect() };
    records::sync(store, &model, input)?;
    Ok(())
}

/// Stores a charge object as its record.
pub fn apply_charge(store: &Store, charge: &Json) -> Result<String, StripeError> {
    let (id, traits) = charge_traits(charge)?;
    write(store, &id, traits)?;
    Ok(id)
}

/// The creation time of the last event applied under `key`, if any.
fn version(store: &Store, key: &str) -> Result<Option<i64>, StripeError> {
    Ok(store.stripe_versions.get(key)?.map(|bytes| {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(&bytes[..8.min(bytes.len())]);
        i64::from_be_bytes(buf)
    }))
}

/// Stores a charge event's object; a dispute event newer than it keeps its say on
/// `disputed`.
fn apply_charge_event(store: &Store, charge: &Json, created: i64) -> Result<(), StripeError> {
    let (id, mut traits) = charge_traits(charge)?;
    if version(store, &format!("dispute:{id}"))?.is_some_and(|at| at > created) {
        traits.retain(|(name, _)| name != "disputed");
    }
    write(store, &id, traits)
}

/// Stores a charge from a snapshot (an export or the list API) unless webhook events have
/// already reached it: events are at least as fresh, and a snapshot must not clear what
/// they recorded, such as a dispute. Answers whether it was stored.
pub fn apply_snapshot(store: &Store, charge: &Json) -> Result<bool, StripeError> {
    let id = charge["id"].as_str().unwrap_or_default();
    let touched = store.stripe_versions.contains_key(id)?
        || store.stripe_versions.contains_key(format!("dispute:{id}"))?;
    if touched {
        return Ok(false);
    }
    apply_charge(store, charge)?;
    Ok(true)
}

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventOutcome {
    Applied,
    /// Seen before: nothing changed.
    Duplicate,
    /// Older than what the charge already shows: nothing changed.
    Outdated,
    /// Not a charge event: nothing to do.
    Ignored,
}

/// Applies one webhook event (already verified).
pub fn apply_event(store: &Store, event: &Json) -> Result<EventOutcome, StripeError> {
    let Some(event_id) = event["id"].as_str().filter(|id| !id.is_empty()) else {
        return Err(StripeError::BadInput("the event has no id".into()));
    };
    if store.stripe_events.contains_key(event_id)? {
        return Ok(EventOutcome::Duplicate);
    }
    let kind = event["type"].as_str().unwrap_or_default();
    let created = event["created"].as_i64().unwrap_or(0);
    let object = &event["data"]["object"];
    let outcome = if kind.starts_with("charge.dispute.") {
        let charge = object["charge"].as_str().unwrap_or_default().to_string();
        if charge.is_empty() {
            return Err(StripeError::BadInput("the dispute names no charge".into()));
        }
        apply_if_newer(store, &format!("dispute:{charge}"), created, || {
            let status = object["status"].clone();
            let traits = vec![
                ("disputed".to_string(), Value::Bool(true)),
                ("dispute_status".to_string(), Value::from_json(status)),
            ];
            write(store, &charge, traits)
        })?
    } else if kind.starts_with("charge.") && object["object"] == "charge" {
        let id = object["id"].as_str().unwrap_or_default().to_string();
        apply_if_newer(store, &id, created, || apply_charge_event(store, object, created))?
    } else {
        EventOutcome::Ignored
    };
    store.stripe_events.insert(event_id, &created.to_be_bytes())?;
    Ok(outcome)
}

/// Runs `apply` unless a newer event already reached `key`; records `created` when it runs.
fn apply_if_newer(
    store: &Store,
    key: &str,
    created: i64,
    apply: impl FnOnce() -> Result<(), StripeError>,
) -> Result<EventOutcome, StripeError> {
    if version(store, key)?.is_some_and(|last| last > created) {
        return Ok(EventOutcome::Outdated);
    }
    apply()?;
    store.stripe_versions.insert(key, &created.to_be_bytes())?;
    Ok(EventOutcome::Applied)
}

/// The charge objects of a list export: one list page, an array of pages or of charges,
/// or one page or charge a line.
pub fn charges_in_export(text: &str) -> Result<Vec<Json>, StripeError> {
    let documents: Vec<Json> = match serde_json::from_str::<Json>(text) {
        Ok(Json::Array(items)) => items,
        Ok(single) => vec![single],
        Err(_) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .map_err(|e| StripeError::BadInput(format!("the file is not Stripe JSON: {e}")))?,
    };
    let mut charges = Vec::new();
    for document in documents {
        match document["object"].as_str() {
            Some("list") => {
                charges.extend(document["data"].as_array().cloned().unwrap_or_default())
            }
            Some("charge") => charges.push(document),
            _ => {
                return Err(StripeError::BadInput(
                    "expected list pages ({\"object\": \"list\", ...}) or charge objects".into(),
                ))
            }
        }
    }
    Ok(charges)
}
