//! Integration tests: each drives the real HTTP app, in-process or as a real process.

mod support;

mod batch;
mod browser;
mod cli;
mod docs;
mod durability;
mod harness;
mod keys;
mod models;
mod northwind;
mod records;
mod session;
mod stripe;
mod views;
