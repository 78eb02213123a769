//! Failures at a node that waits for the caller (rule 5 of `docs/call-semantics.md`): what the
//! n-th no-input or no-match does ([`after_failure`], which the engine acts on), and so which
//! failure edges a node has ([`failure_edges`], which the graph draws, coverage counts and
//! `scenarios generate` aims at).

use serde::{Deserialize, Serialize};

use crate::menu::{Listen, NodeRef, Prompt};

/// The two kinds of failed turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The caller said nothing (or pressed only a collect's terminator) before the timeout.
    NoInput,
    /// The caller's entry or words matched nothing.
    NoMatch,
}

/// What the n-th failure of a kind at a node does.
#[derive(Clone, Copy, Debug)]
pub enum FailureStep<'m> {
    /// Below the limit: this re-prompt (if the node has any of that kind; the last repeats),
    /// then the node's prompt again.
    Reprompt(Option<&'m Prompt>),
    /// The limit is reached: the call goes to the node's fallback, no re-prompt.
    Fallback(&'m NodeRef),
    /// The limit is reached and there is no fallback: `defaults.goodbye` (if any), then the
    /// call ends (`retries_exhausted`).
    Exhausted,
}

/// What the `n`-th failure (from 1) of `kind` does at a node with `listen` (rule 5).
pub fn after_failure(listen: &Listen, kind: FailureKind, n: u32) -> FailureStep<'_> {
    let (max, list) = match kind {
        FailureKind::NoInput => (listen.max_no_input, &listen.no_input),
        FailureKind::NoMatch => (listen.max_no_match, &listen.no_match),
    };
    if n >= max {
        return match &listen.fallback {
            Some(f) => FailureStep::Fallback(f),
            None => FailureStep::Exhausted,
        };
    }
    let i = (n.max(1) as usize - 1).min(list.len().saturating_sub(1));
    FailureStep::Reprompt(list.get(i))
}

/// A failure edge of a node that waits for the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureEdge {
    /// A no-input re-prompt played (the node's prompt again, with the re-prompt if any).
    NoInputReprompt,
    /// A no-match re-prompt played.
    NoMatchReprompt,
    /// The fallback after the last allowed no-input was taken.
    NoInputFallback,
    /// The fallback after the last allowed no-match was taken.
    NoMatchFallback,
}

impl FailureEdge {
    /// The edge in words: `no-input re-prompt`, `fallback after the last no-match`, …
    pub fn describe(self) -> &'static str {
        match self {
            FailureEdge::NoInputReprompt => "no-input re-prompt",
            FailureEdge::NoMatchReprompt => "no-match re-prompt",
            FailureEdge::NoInputFallback => "fallback after the last no-input",
            FailureEdge::NoMatchFallback => "fallback after the last no-match",
        }
    }

    /// The kind of failure that takes the edge.
    pub fn kind(self) -> FailureKind {
        match self {
            FailureEdge::NoInputReprompt | FailureEdge::NoInputFallback => FailureKind::NoInput,
            FailureEdge::NoMatchReprompt | FailureEdge::NoMatchFallback => FailureKind::NoMatch,
        }
    }

    /// Whether the edge leaves the node (to its fallback).
    pub fn is_fallback(self) -> bool {
        matches!(self, FailureEdge::NoInputFallback | FailureEdge::NoMatchFallback)
    }
}

/// The failure edges of a node with `listen`, by [`after_failure`]: a re-prompt of a kind
/// when the first failure of that kind re-prompts (its limit is above 1), and the fallbacks
/// when the node has a fallback. Re-prompts first, no-input before no-match.
pub fn failure_edges(listen: &Listen) -> Vec<FailureEdge> {
    let mut edges = Vec::new();
    for (kind, edge) in [
        (FailureKind::NoInput, FailureEdge::NoInputReprompt),
        (FailureKind::NoMatch, FailureEdge::NoMatchReprompt),
    ] {
        if matches!(after_failure(listen, kind, 1), FailureStep::Reprompt(_)) {
            edges.push(edge);
        }
    }
    for (kind, edge) in [
        (FailureKind::NoInput, FailureEdge::NoInputFallback),
        (FailureKind::NoMatch, FailureEdge::NoMatchFallback),
    ] {
        let max = match kind {
            FailureKind::NoInput => listen.max_no_input,
            FailureKind::NoMatch => listen.max_no_match,
        };
        if matches!(after_failure(listen, kind, max), FailureStep::Fallback(_)) {
            edges.push(edge);
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::NodeKind;
    use crate::menu::testing::menu;

    #[test]
    fn edges_follow_what_the_failures_do() {
        let m = menu(
            r#"
name: T
entry: a
defaults: { no_match: [{ text: "nm" }] }
nodes:
  a: { kind: menu, prompt: { text: "a" }, max_no_input: 1, fallback: op, options: [{ key: "1", to: b }] }
  b: { kind: menu, prompt: { text: "b" }, max_no_match: 2, options: [{ key: "1", to: op }] }
  op: { kind: transfer, queue: q }
"#,
        );
        let listen = |id: &str| match &m.node(m.find(id).unwrap()).kind {
            NodeKind::Menu(menu) => menu.listen.clone(),
            _ => unreachable!(),
        };
        let (a, b) = (listen("a"), listen("b"));
        // `a`: the first silence goes to the fallback; wrong keys re-prompt first.
        assert!(matches!(
            after_failure(&a, FailureKind::NoInput, 1),
            FailureStep::Fallback(_)
        ));
        assert!(matches!(
            after_failure(&a, FailureKind::NoMatch, 1),
            FailureStep::Reprompt(Some(_))
        ));
        assert_eq!(
            failure_edges(&a),
            vec![
                FailureEdge::NoMatchReprompt,
                FailureEdge::NoInputFallback,
                FailureEdge::NoMatchFallback
            ]
        );
        // `b`: no fallback: the limit ends the call; no no-input re-prompt to play, the
        // prompt again.
        assert!(matches!(
            after_failure(&b, FailureKind::NoMatch, 2),
            FailureStep::Exhausted
        ));
        assert!(matches!(
            after_failure(&b, FailureKind::NoInput, 1),
            FailureStep::Reprompt(None)
        ));
        assert_eq!(
            failure_edges(&b),
            vec![FailureEdge::NoInputReprompt, FailureEdge::NoMatchReprompt]
        );
    }
}
