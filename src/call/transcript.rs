//! The call's timeline as JSON (`call --transcript FILE.json`), and atomic file writing.

use std::path::Path;

use serde::Serialize;

use crate::engine::{Effect, Summary};

/// What `--transcript` writes.
#[derive(Debug, Serialize)]
pub struct Transcript<'a> {
    /// Format version of this file.
    pub version: u32,
    /// The menu's name.
    pub menu: &'a str,
    /// The menu file.
    pub file: String,
    /// The call's local clock at its start (ISO 8601, no zone).
    pub started: String,
    /// Every effect of the call, in order, each with its time in milliseconds (`at_ms`).
    pub events: &'a [Effect],
    /// Effects not kept (past [`super::session::MAX_LOG_EFFECTS`]); absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub left_out: u64,
    /// The end of the call, if it ended (absent when the trainee quit mid-call).
    pub summary: Option<&'a Summary>,
}

/// Writes `bytes` to `path` atomically (see [`crate::atomic`]).
///
/// # Errors
/// Any I/O error; the target is then untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::atomic::write(path, bytes)
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
