//! Corral: a self-hosted customer-data server.
//!
//! One binary keeps models, takes records synced over HTTP (wire-compatible with Gather's
//! records API) and serves them, all from one data directory. `main.rs` only parses the
//! command line; everything else lives here so tests can run the real app in-process.
#![forbid(unsafe_code)]

pub mod app;
pub mod clock;
pub mod commands;
pub mod config;
pub mod http;
pub mod index;
pub mod keys;
pub mod models;
pub mod query;
pub mod records;
pub mod store;
pub mod stripe;
pub mod ui;
pub mod users;
pub mod views;
