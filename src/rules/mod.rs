//! The rules of `docs/call-semantics.md` that more than one part of ivrsim needs, each in one
//! place, as pure functions of the menu: which keys act at a node and what an entry of keys
//! means there ([`keys`], rules 3, 4, 6 and 8), how a spoken keyword is normalised and matched
//! ([`keyword`], spoken input), which failure edges a node has and what a failure does
//! ([`failures`], rule 5), and the limits that keep a call from going round without end
//! ([`MAX_INSTANT_STEPS`], rule 9; [`MAX_PROMPTS_WITHOUT_A_TURN`]).
//!
//! The engine (`crate::engine`) acts on these answers; the graph (`crate::graph`), the checks
//! (`crate::check`), the line editor's completion (`crate::repl::editor`), coverage targets
//! (`crate::scenario::coverage`) and generation (`crate::scenario::generate`) read the same
//! answers, so a drawn edge is a move the engine makes and the converse (the edge-walk test,
//! `tests/it/edges.rs`, holds them to it).

pub mod failures;
pub mod keys;
pub mod keyword;
pub mod queue;
pub mod vars;

pub use failures::{
    Arrival, Counts, FailureEdge, FailureKind, FailureStep, Persisting, after_failure, can_end_call,
    counts_after_choice, counts_after_fallback, counts_on_entry, failure_edges, persisting,
};
pub use keys::{
    CollectKey, KeyAction, KeyMatch, active_global_keys, collect_key, collect_parts, full_length, inter_digit_timeout,
    key_wait, match_entry, match_keys, node_keys, option_takes, prefix_pairs,
};
pub use keyword::{Keyword, Said, is_word_char, normalize, options_said, takes_alone};

/// Most nodes entered at one instant (routes, or messages whose clips last no time) before
/// the engine decides the call goes round without end and ends it as failed (rule 9: "more
/// than 1,000 routes in a row without time passing").
pub const MAX_INSTANT_STEPS: u32 = 1000;

/// Most prompts played in a row without a turn for the caller, for one caller action of a
/// driver in virtual time (the pipe, scenarios, `scenarios generate`, training callers):
/// after that many the next input is taken during the prompt, since a menu whose messages
/// lead round in a loop never pauses (docs/call-semantics.md, "The driver from a pipe").
pub const MAX_PROMPTS_WITHOUT_A_TURN: usize = 200;
