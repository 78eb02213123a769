//! The call's timeline as JSON (`call --transcript FILE.json`), and atomic file writing.

use std::io::Write as _;
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
    /// The end of the call, if it ended (absent when the trainee quit mid-call).
    pub summary: Option<&'a Summary>,
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same folder, then
/// renamed over `path`, so a crash or Ctrl-C never leaves a half-written file.
///
/// # Errors
/// Any I/O error creating, writing or renaming the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
    }
}
