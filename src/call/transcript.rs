//! The call's timeline as JSON (`call --transcript FILE.json`), and atomic file writing.

use std::path::Path;

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use crate::engine::{CallTime, Effect, Summary, Via};
use crate::menu::Menu;

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
    pub events: Events<'a>,
    /// Effects not kept (past [`super::session::MAX_LOG_EFFECTS`]); absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub left_out: u64,
    /// The end of the call, if it ended (absent when the trainee quit mid-call).
    pub summary: Option<&'a Summary>,
}

/// A call's effects as the transcript writes them: as [`Effect`] serializes, except that a
/// move names its nodes (the engine gives their indices in `menu`).
#[derive(Debug)]
pub struct Events<'a> {
    /// The call's menu.
    pub menu: &'a Menu,
    /// The effects, in order.
    pub effects: &'a [Effect],
}

/// `Effect::Moved` with its nodes named: `{"effect": "moved", "at_ms", "from", "via", "to"}`.
#[derive(Serialize)]
struct Moved<'a> {
    effect: &'static str,
    #[serde(serialize_with = "crate::engine::ms_ser")]
    at_ms: &'a CallTime,
    from: Option<&'a str>,
    via: &'a Via,
    to: &'a str,
}

impl Serialize for Events<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.effects.len()))?;
        for e in self.effects {
            match e {
                Effect::Moved { at, from, via, to } => seq.serialize_element(&Moved {
                    effect: "moved",
                    at_ms: at,
                    from: from.map(|f| self.menu.node(f).id.as_str()),
                    via,
                    to: &self.menu.node(*to).id,
                })?,
                other => seq.serialize_element(other)?,
            }
        }
        seq.end()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Call, CallStart};
    use crate::timing::PromptTimings;

    /// The engine's moves carry node indices; the transcript names them, in the field order
    /// a transcript has always had (`effect`, `at_ms`, `from`, `via`, `to`).
    #[test]
    fn moves_are_written_with_node_names() {
        let m = crate::menu::testing::menu(
            r#"
name: t
entry: main
nodes:
  main:
    kind: menu
    prompt: { text: "Press 1." }
    options:
      - { key: "1", to: bye }
  bye:
    kind: hangup
"#,
        );
        let timings = PromptTimings::text_only();
        let mut call = Call::new(&m, &timings, CallStart::default());
        call.handle_keys(std::time::Duration::ZERO, "1");
        let effects: Vec<Effect> = std::iter::from_fn(|| call.poll_effect()).collect();
        let json = serde_json::to_string(&Events {
            menu: &m,
            effects: &effects,
        })
        .unwrap();
        assert!(
            json.contains(r#"{"effect":"moved","at_ms":0,"from":null,"via":{"kind":"start"},"to":"main"}"#),
            "{json}"
        );
        assert!(
            json.contains(r#"{"effect":"moved","at_ms":0,"from":"main","via":{"kind":"option","index":0},"to":"bye"}"#),
            "{json}"
        );
    }
}
