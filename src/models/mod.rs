//! Models: the built-in Account and User, custom models, their relations and trait types.
//!
//! Invariants: the built-in models always exist and keep their fixed ids; a relation always
//! points at a model that exists; a model that another model relates to cannot be deleted
//! until that relation is removed.

pub mod types;

use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock;
use crate::store::{codec, IndexChange, Store, StoreError};
pub use types::{TraitSpec, TraitSpecs, TraitType};

/// Fixed id of the built-in Account model.
pub const ACCOUNT: &str = "account";
/// Fixed id of the built-in User model.
pub const USER: &str = "user";

/// The longest model name accepted, in characters.
const MAX_NAME_CHARS: usize = 100;

/// Where a model comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Account and User: always there, fixed ids.
    Builtin,
    /// Made by a user.
    Custom,
    /// Written by an integration only, such as Stripe Charge.
    Integration,
}

/// "Trait `trait` of this model holds the id of a record of `model`."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Relation {
    /// The trait that holds the related record's id, such as `account_id`.
    #[serde(rename = "trait")]
    pub trait_name: String,
    /// The related model's id, such as `account`.
    pub model: String,
    /// The name used in paths (`account.country`); the related model's id by default.
    pub name: String,
}

/// A model as stored and as answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Model {
    /// The Model ID used in record URLs.
    pub id: String,
    pub name: String,
    pub kind: ModelKind,
    pub relations: Vec<Relation>,
    /// Declared trait types; traits not declared here are kept as sent.
    #[schema(value_type = std::collections::BTreeMap<String, TraitSpec>)]
    pub traits: TraitSpecs,
    /// RFC 3339, UTC.
    #[serde(with = "clock::micros")]
    #[schema(value_type = String)]
    pub created_at: i64,
    #[serde(with = "clock::micros")]
    #[schema(value_type = String)]
    pub updated_at: i64,
}

/// A relation as a client declares it; `name` is optional.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RelationInput {
    #[serde(rename = "trait")]
    pub trait_name: String,
    pub model: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// A declared trait type, either `"number"` or `{"type": "currency", "currency": "USD"}`.
#[derive(Debug, Clone, ToSchema)]
#[serde(untagged)]
pub enum TraitSpecInput {
    Short(TraitType),
    Full(TraitSpec),
}

impl<'de> Deserialize<'de> for TraitSpecInput {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        const TYPES: &str = "text, number, integer, boolean, datetime, email, url or currency";
        let value = serde_json::Value::deserialize(deserializer)?;
        let shown = value.to_string();
        let kind = match &value {
            serde_json::Value::String(_) => {
                serde_json::from_value(value).map(TraitSpecInput::Short)
            }
            serde_json::Value::Object(_) => serde_json::from_value(value).map(TraitSpecInput::Full),
            _ => return Err(D::Error::custom(format!("a trait type is {shown}; use {TYPES}"))),
        };
        kind.map_err(|_| D::Error::custom(format!("unknown trait type {shown}; use {TYPES}")))
    }
}

/// What `POST /models` takes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewModel {
    pub name: String,
    #[serde(default)]
    pub relations: Vec<RelationInput>,
    #[serde(default)]
    #[schema(value_type = std::collections::BTreeMap<String, TraitSpecInput>)]
    pub traits: std::collections::BTreeMap<String, TraitSpecInput>,
}

/// What `PATCH /models/{id}` takes: each field given replaces the old one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelChanges {
    pub name: Option<String>,
    pub relations: Option<Vec<RelationInput>>,
    #[schema(value_type = Option<std::collections::BTreeMap<String, TraitSpecInput>>)]
    pub traits: Option<std::collections::BTreeMap<String, TraitSpecInput>>,
}

/// Why a model operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("no model has the id `{0}`; list models with GET /models")]
    NotFound(String),
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("a model named `{0}` exists already; choose another name")]
    NameTaken(String),
    #[error("`{0}` is a built-in model; it cannot be {1}")]
    BuiltIn(String, &'static str),
    #[error(
        "model `{model}` relates to this one through `{trait_name}`; remove that relation first"
    )]
    InUse { model: String, trait_name: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

crate::store::store_error_conversions!(ModelError);

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ModelError {
    ModelError::Invalid { field: field.into(), message: message.into() }
}

/// Creates the built-in models when they are missing.
pub fn ensure_builtins(store: &Store) -> Result<(), StoreError> {
    let now = clock::now_micros();
    let builtin = |id: &str, name: &str, relations| Model {
        id: id.into(),
        name: name.into(),
        kind: ModelKind::Builtin,
        relations,
        traits: TraitSpecs::new(),
        created_at: now,
        updated_at: now,
    };
    let user_relation =
        Relation { trait_name: "account_id".into(), model: ACCOUNT.into(), name: ACCOUNT.into() };
    let charges = crate::stripe::charge_model(now);
    for model in
        [builtin(ACCOUNT, "Account", vec![]), builtin(USER, "User", vec![user_relation]), charges]
    {
        let bytes = codec::encode(&model)?;
        let _ = store.models.compare_and_swap(model.id.as_bytes(), None::<&[u8]>, Some(bytes))?;
    }
    Ok(())
}

/// Every model, built-in ones first, then by name.
pub fn list(store: &Store) -> Result<Vec<Model>, ModelError> {
    let mut models = Vec::new();
    for entry in store.models.iter() {
        let (_, bytes) = entry?;
        models.push(codec::decode::<Model>(&bytes)?);
    }
    models.sort_by(|a, b| {
        (a.kind == ModelKind::Custom, a.name.to_lowercase())
            .cmp(&(b.kind == ModelKind::Custom, b.name.to_lowercase()))
    });
    Ok(models)
}

/// One model by id.
pub fn get(store: &Store, id: &str) -> Result<Model, ModelError> {
    match store.models.get(id.as_bytes())? {
        Some(bytes) => Ok(codec::decode(&bytes)?),
        None => Err(ModelError::NotFound(id.to_string())),
    }
}

/// Creates a custom model.
pub fn create(store: &Store, input: NewModel) -> Result<Model, ModelError> {
    let name = check_name(&input.name)?;
    let existing = list(store)?;
    ensure_name_free(&existing, &name, None)?;
    let traits = check_traits(input.traits)?;
    let relations = check_relations(store, input.relations)?;
    let now = clock::now_micros();
    let mut model = Model {
        id: String::new(),
        name,
        kind: ModelKind::Custom,
        relations,
        traits,
        created_at: now,
        updated_at: now,
    };
    loop {
        model.id = new_model_id(&model.name);
        let bytes = codec::encode(&model)?;
        let swapped =
            store.models.compare_and_swap(model.id.as_bytes(), None::<&[u8]>, Some(bytes))?;
        if swapped.is_ok() {
            return Ok(model);
        }
    }
}

/// Applies a change to a model.
pub fn update(store: &Store, id: &str, changes: ModelChanges) -> Result<Model, ModelError> {
    let mut model = get(store, id)?;
    if model.kind == ModelKind::Integration {
        return Err(ModelError::BuiltIn(model.id, "changed: its integration defines it"));
    }
    if let Some(name) = changes.name {
        let name = check_name(&name)?;
        if model.kind != ModelKind::Custom && name != model.name {
            return Err(ModelError::BuiltIn(model.id, "renamed"));
        }
        ensure_name_free(&list(store)?, &name, Some(id))?;
        model.name = name;
    }
    if let Some(relations) = changes.relations {
        model.relations = check_relations(store, relations)?;
    }
    if let Some(traits) = changes.traits {
        model.traits = check_traits(traits)?;
    }
    model.updated_at = clock::now_micros();
    store.models.insert(id.as_bytes(), codec::encode(&model)?)?;
    // Related traits live in each document, so every record is rebuilt.
    store.enqueue(&IndexChange::Model { model: id.to_string() })?;
    Ok(model)
}

/// Deletes a custom model and all of its records.
pub fn delete(store: &Store, id: &str) -> Result<Model, ModelError> {
    let model = get(store, id)?;
    if model.kind != ModelKind::Custom {
        return Err(ModelError::BuiltIn(model.id, "deleted"));
    }
    for other in list(store)? {
        if let Some(rel) = other.relations.iter().find(|r| r.model == id && other.id != id) {
            return Err(ModelError::InUse { model: other.id, trait_name: rel.trait_name.clone() });
        }
    }
    store.models.remove(id.as_bytes())?;
    crate::records::delete_all(store, id)?;
    crate::views::delete_for_model(store, id).map_err(|e| match e {
        crate::views::ViewError::Store(e) => ModelError::Store(e),
        other => ModelError::Invalid { field: "views".into(), message: other.to_string() },
    })?;
    Ok(model)
}

fn check_name(raw: &str) -> Result<String, ModelError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(invalid("name", "`name` is empty; give the model a name such as Orders"));
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            format!(
                "`name` must be at most {MAX_NAME_CHARS} characters, without control characters"
            ),
        ));
    }
    Ok(name.to_string())
}

fn ensure_name_free(models: &[Model], name: &str, except: Option<&str>) -> Result<(), ModelError> {
    let taken = models
        .iter()
        .any(|m| Some(m.id.as_str()) != except && m.name.to_lowercase() == name.to_lowercase());
    if taken {
        return Err(ModelError::NameTaken(name.to_string()));
    }
    Ok(())
}

fn check_traits(
    input: std::collections::BTreeMap<String, TraitSpecInput>,
) -> Result<TraitSpecs, ModelError> {
    let mut specs = TraitSpecs::new();
    for (name, spec) in input {
        if name.trim().is_empty() || name == "id" {
            return Err(invalid("traits", "trait types need a trait name other than `id`"));
        }
        let spec = match spec {
            TraitSpecInput::Short(kind) => TraitSpec { kind, currency: None },
            TraitSpecInput::Full(spec) => spec,
        };
        if let Some(code) = &spec.currency {
            let valid = code.len() == 3 && code.chars().all(|c| c.is_ascii_alphabetic());
            if spec.kind != TraitType::Currency || !valid {
                return Err(invalid(
                    format!("traits.{name}.currency"),
                    "`currency` goes with type `currency` and is a three-letter code such as USD",
                ));
            }
        }
        let currency = spec.currency.map(|c| c.to_ascii_uppercase());
        specs.insert(name, TraitSpec { currency, ..spec });
    }
    Ok(specs)
}

fn check_relations(store: &Store, input: Vec<RelationInput>) -> Result<Vec<Relation>, ModelError> {
    let mut relations: Vec<Relation> = Vec::new();
    for (i, rel) in input.into_iter().enumerate() {
        let field = format!("relations[{i}]");
        let trait_name = rel.trait_name.trim().to_string();
        if trait_name.is_empty() || trait_name == "id" {
            return Err(invalid(
                format!("{field}.trait"),
                "name the trait that holds the related id",
            ));
        }
        let target = get(store, rel.model.trim()).map_err(|_| {
            invalid(format!("{field}.model"), format!("no model has the id `{}`", rel.model))
        })?;
        let name = match rel.name {
            Some(name) => name.trim().to_string(),
            None => target.id.clone(),
        };
        if name.is_empty() || name.contains(['.', ' ']) {
            return Err(invalid(format!("{field}.name"), "a relation name has no dots or spaces"));
        }
        if relations.iter().any(|r| r.trait_name == trait_name || r.name == name) {
            return Err(invalid(
                field,
                format!("the trait `{trait_name}` or the name `{name}` is used by two relations"),
            ));
        }
        relations.push(Relation { trait_name, model: target.id, name });
    }
    Ok(relations)
}

/// A readable, unique-enough id: the name's slug and eight random characters.
fn new_model_id(name: &str) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let slug: String = slug.chars().take(24).collect();
    let suffix = Alphanumeric.sample_string(&mut rand::rng(), 8).to_lowercase();
    if slug.is_empty() {
        format!("m_{suffix}")
    } else {
        format!("{slug}_{suffix}")
    }
}
