//! Failures at a node that waits for the caller (rule 5 of `docs/call-semantics.md`): what the
//! n-th no-input or no-match does ([`after_failure`], which the engine acts on), and so which
//! failure edges a node has ([`failure_edges`], which the graph draws, coverage counts and
//! `scenarios generate` aims at).

use serde::{Deserialize, Serialize};

use crate::menu::{Counting, Listen, NodeRef, Prompt, Retries};

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
    /// then the node's prompt again (its `short_prompt` if it has one).
    Reprompt(Option<&'m Prompt>),
    /// The limit is reached: the call goes to the fallback of that kind, no re-prompt.
    Fallback(&'m NodeRef),
    /// The limit is reached and there is no fallback of that kind, or (`counting: call`) it
    /// was reached before in this call: `defaults.goodbye` (if any), then the call ends
    /// (`retries_exhausted`).
    Exhausted,
}

/// The failures counted at a node: what the engine keeps, by the node's [`Counting`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// No-inputs counted.
    pub no_input: u32,
    /// No-matches counted.
    pub no_match: u32,
}

impl Counts {
    /// The counts with one more failure of `kind`.
    pub fn with_one_more(self, kind: FailureKind) -> Counts {
        match kind {
            FailureKind::NoInput => Counts {
                no_input: self.no_input.saturating_add(1),
                ..self
            },
            FailureKind::NoMatch => Counts {
                no_match: self.no_match.saturating_add(1),
                ..self
            },
        }
    }

    /// The count of a failure of `kind` by `counting`: its own kind's count, or (`shared`,
    /// Kazoo) both kinds together.
    pub fn of(self, kind: FailureKind, counting: Counting) -> u32 {
        match (counting, kind) {
            (Counting::Shared, _) => self.no_input.saturating_add(self.no_match),
            (_, FailureKind::NoInput) => self.no_input,
            (_, FailureKind::NoMatch) => self.no_match,
        }
    }
}

/// How the call came to a node, as far as counting goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// By `back` or `main_menu`: returning to a menu visited before (FreeSWITCH resumes it).
    Return,
    /// Any other way (an option, `next`, a route, a fallback, a `goto`).
    Other,
}

/// The counts a node starts from when the call enters it (rule 5): zero, or (`call`; and
/// `freeswitch` when the call returns) those `kept` from before in this call.
pub fn counts_on_entry(counting: Counting, kept: Option<Counts>, arrival: Arrival) -> Counts {
    match counting {
        Counting::Visit | Counting::Shared => Counts::default(),
        Counting::Call => kept.unwrap_or_default(),
        Counting::FreeSwitch if arrival == Arrival::Return => kept.unwrap_or_default(),
        Counting::FreeSwitch => Counts::default(),
    }
}

/// The counts after a valid entry at the node (an option, a global key, a collected value):
/// `freeswitch` sets the no-match count to zero (`errs = 0` on a match in
/// `switch_ivr_menu_execute`), every other policy keeps both.
pub fn counts_after_choice(counting: Counting, counts: Counts) -> Counts {
    match counting {
        Counting::FreeSwitch => Counts { no_match: 0, ..counts },
        _ => counts,
    }
}

/// The counts to keep for the node when the call leaves it by its fallback: `call` keeps
/// them (the limit stays reached); under `freeswitch` the menu's run ends there, so a later
/// visit starts afresh.
pub fn counts_after_fallback(counting: Counting, counts: Counts) -> Counts {
    match counting {
        Counting::Call => counts,
        _ => Counts::default(),
    }
}

/// The limit of `kind` at a node.
pub fn limit(listen: &Listen, kind: FailureKind) -> Retries {
    match kind {
        FailureKind::NoInput => listen.max_no_input,
        FailureKind::NoMatch => listen.max_no_match,
    }
}

/// The fallback of `kind` at a node (`fallback_no_input` / `fallback_no_match`, else
/// `fallback`).
pub fn fallback(listen: &Listen, kind: FailureKind) -> Option<&NodeRef> {
    match kind {
        FailureKind::NoInput => listen.fallback_no_input.as_ref().or(listen.fallback.as_ref()),
        FailureKind::NoMatch => listen.fallback_no_match.as_ref().or(listen.fallback.as_ref()),
    }
}

/// What a failure of `kind` whose count is `n` (from 1, by [`Counts::of`]) does at a node
/// with `listen` (rule 5).
pub fn after_failure(listen: &Listen, kind: FailureKind, n: u32) -> FailureStep<'_> {
    let list = match kind {
        FailureKind::NoInput => &listen.no_input,
        FailureKind::NoMatch => &listen.no_match,
    };
    if let Some(max) = limit(listen, kind).limit() {
        if n > max && listen.counting == Counting::Call {
            return FailureStep::Exhausted;
        }
        if n >= max {
            return match fallback(listen, kind) {
                Some(f) => FailureStep::Fallback(f),
                None => FailureStep::Exhausted,
            };
        }
    }
    let i = (n.max(1) as usize - 1).min(list.len().saturating_sub(1));
    FailureStep::Reprompt(list.get(i))
}

/// What failures of one kind do at a node when the caller keeps failing that way (silence,
/// or wrong keys), by [`after_failure`] and the counting policy: the question behind
/// "endless loop" (W016).
#[derive(Clone, Copy, Debug)]
pub enum Persisting<'m> {
    /// The limit is unlimited: the prompt plays again for ever, the call stays at the node.
    Stays,
    /// The limit leads to this fallback; `again` is false when the node cannot send the
    /// call there a second time in one call (`counting: call`: the next time the limit is
    /// already reached and the call ends).
    Fallback {
        /// The fallback of the kind.
        to: &'m NodeRef,
        /// Whether every visit can take it again.
        again: bool,
    },
    /// The limit ends the call (no fallback of that kind).
    Ends,
}

/// What a caller who fails only by `kind` meets at a node with `listen` (see [`Persisting`]).
pub fn persisting(listen: &Listen, kind: FailureKind) -> Persisting<'_> {
    if limit(listen, kind).limit().is_none() {
        return Persisting::Stays;
    }
    match fallback(listen, kind) {
        Some(to) => Persisting::Fallback {
            to,
            again: listen.counting != Counting::Call,
        },
        None => Persisting::Ends,
    }
}

/// Whether a caller's failures can end the call at a node (W011, the graph's "ends the
/// call"): a kind with a limit and no fallback, or `counting: call` with a limit (reached a
/// second time in the call, it ends it).
pub fn can_end_call(listen: &Listen) -> Option<FailureKind> {
    [FailureKind::NoInput, FailureKind::NoMatch].into_iter().find(|&kind| {
        limit(listen, kind).limit().is_some() && (fallback(listen, kind).is_none() || listen.counting == Counting::Call)
    })
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
/// when the first failure of that kind re-prompts (its limit is above 1, or unlimited), and
/// the fallback of a kind when it has a limit and a fallback (an unlimited kind never takes
/// its fallback). Re-prompts first, no-input before no-match. The same under every counting
/// policy: each changes how soon the limit comes, not which steps there are.
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
        let Some(max) = limit(listen, kind).limit() else {
            continue;
        };
        if matches!(after_failure(listen, kind, max), FailureStep::Fallback(_)) {
            edges.push(edge);
        }
    }
    edges
}

/// The failure edges a scenario can be seen to take at a node with `listen`: the
/// [`failure_edges`], less a re-prompt of a kind the node has no re-prompt for (there the
/// prompt simply plays again, and nothing tells that failure's re-prompt apart). What
/// coverage counts as targets and `scenarios generate` aims at, so that every target can be
/// reached (issue 14: "targets are only what can happen").
pub fn coverage_edges(listen: &Listen) -> Vec<FailureEdge> {
    failure_edges(listen)
        .into_iter()
        .filter(|e| match e {
            FailureEdge::NoInputReprompt => !listen.no_input.is_empty(),
            FailureEdge::NoMatchReprompt => !listen.no_match.is_empty(),
            FailureEdge::NoInputFallback | FailureEdge::NoMatchFallback => true,
        })
        .collect()
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

    #[test]
    fn kinds_have_their_own_fallbacks_and_limits() {
        let m = menu(
            r#"
name: T
entry: a
defaults: { fallback: op }
nodes:
  a: { kind: menu, prompt: { text: "a" }, max_no_input: unlimited, max_no_match: 2, fallback_no_match: b, options: [{ key: "1", to: b }] }
  b: { kind: menu, prompt: { text: "b" }, counting: call, max_no_input: 1, options: [{ key: "1", to: op }] }
  op: { kind: transfer, queue: q }
"#,
        );
        let listen = |id: &str| m.node(m.find(id).unwrap()).kind.listen().unwrap().clone();
        let (a, b) = (listen("a"), listen("b"));
        // Unlimited silence: a re-prompt every time, never the fallback (no edge).
        assert!(matches!(
            after_failure(&a, FailureKind::NoInput, 1_000_000),
            FailureStep::Reprompt(None)
        ));
        assert!(matches!(after_failure(&a, FailureKind::NoMatch, 2), FailureStep::Fallback(f) if f.name == "b"));
        assert_eq!(
            failure_edges(&a),
            vec![
                FailureEdge::NoInputReprompt,
                FailureEdge::NoMatchReprompt,
                FailureEdge::NoMatchFallback
            ]
        );
        assert_eq!(can_end_call(&a), None);
        // `counting: call`: the limit goes to the fallback once; past it, the call ends.
        assert!(matches!(
            after_failure(&b, FailureKind::NoInput, 1),
            FailureStep::Fallback(_)
        ));
        assert!(matches!(
            after_failure(&b, FailureKind::NoInput, 2),
            FailureStep::Exhausted
        ));
        assert_eq!(can_end_call(&b), Some(FailureKind::NoInput));
        // Counting: `shared` adds both kinds; `freeswitch` resets no-matches on a choice.
        let c = Counts {
            no_input: 2,
            no_match: 1,
        };
        assert_eq!(c.of(FailureKind::NoMatch, Counting::Shared), 3);
        assert_eq!(c.of(FailureKind::NoMatch, Counting::Visit), 1);
        assert_eq!(
            counts_after_choice(Counting::FreeSwitch, c),
            Counts {
                no_input: 2,
                no_match: 0
            }
        );
        assert_eq!(
            counts_on_entry(Counting::FreeSwitch, Some(c), Arrival::Other),
            Counts::default()
        );
        assert_eq!(counts_on_entry(Counting::FreeSwitch, Some(c), Arrival::Return), c);
        assert_eq!(counts_on_entry(Counting::Call, Some(c), Arrival::Other), c);
        assert_eq!(
            counts_on_entry(Counting::Visit, Some(c), Arrival::Return),
            Counts::default()
        );
    }
}
