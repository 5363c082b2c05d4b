//! Folio: a static site generator for localized playbooks.
//!
//! The pipeline, one module per stage: [`config`] → [`content`] →
//! [`markdown`] → [`site`] → [`check`] and [`render`] → [`serve`].
//! See `ARCHITECTURE.md` for where things live.

pub mod config;
pub mod content;
pub mod diagnostic;
pub mod i18n;
pub mod markdown;
pub mod paths;
