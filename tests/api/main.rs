//! Integration tests: each drives the real HTTP app, in-process or as a real process.

mod support;

mod cli;
mod docs;
mod durability;
mod keys;
mod models;
mod records;
mod batch;
mod northwind;
