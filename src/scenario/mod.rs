//! Scripted scenarios: a scenario file names a menu and holds scenarios of caller actions
//! and expectations, run by [`runner`] on the call engine in virtual time
//! (`docs/scenario-format.md`).

pub mod coverage;
pub mod expect;
pub(crate) mod format;
pub mod generate;
pub mod line;
pub mod load;
pub mod report;
pub mod runner;
pub mod script;
pub mod timeline;

use std::path::PathBuf;
use std::time::Duration;

pub use load::load_scenarios;

use crate::engine::CallStart;
use crate::source::Span;

/// A loaded scenario file.
#[derive(Debug)]
pub struct ScenarioFile {
    /// The file.
    pub path: PathBuf,
    /// The menu it tests (resolved against the file's folder).
    pub menu: PathBuf,
    /// Where `menu:` is written.
    pub menu_span: Span,
    /// Its scenarios, in file order.
    pub scenarios: Vec<Scenario>,
}

/// One scenario: a call from its start, step by step.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Its name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// How the call starts.
    pub start: CallStart,
    /// `operator: busy` (with `waiting: N`): on the operator line, a handed-off call joins its
    /// queue behind this many callers, a call-taker logged in but never free, instead of
    /// hearing that no call-taker can take it (`operator: unavailable`).
    pub busy: Option<usize>,
    /// `operator: full` or `operator: { staffed, waiting }`: how the queue takes the handed-off
    /// call (see [`line::LineStart`]); `None`: as `busy` says, else `unavailable`.
    pub line: Option<line::LineStart>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// Where `start.language` is written, when it is: checked against the menu's languages
    /// once the menu is loaded ([`timeline::menu_findings`]).
    pub language_at: Option<Span>,
}

/// One step and where it is written.
#[derive(Clone, Debug)]
pub struct Step {
    /// Where.
    pub span: Span,
    /// What.
    pub kind: StepKind,
}

/// A caller action or an expectation.
#[derive(Clone, Debug)]
pub enum StepKind {
    /// Press keys: by default once the prompt has finished; `at` is from the current prompt's
    /// start (to barge in); `gap` between keys (0: pressed together).
    Press {
        /// The keys.
        keys: String,
        /// When, from the start of the prompt playing.
        at: Option<Duration>,
        /// Between two keys.
        gap: Duration,
    },
    /// Say words: by default once the prompt has finished; `at` from the prompt's start.
    Say {
        /// The words.
        words: String,
        /// When, from the start of the prompt playing.
        at: Option<Duration>,
    },
    /// Stay silent this long, or (`None`) until the line's next time-out fires.
    Silence(Option<Duration>),
    /// Hang up: by default once the prompt has finished; `at` from the prompt's start.
    Hangup {
        /// When, from the start of the prompt playing.
        at: Option<Duration>,
    },
    /// Check the call's state (boxed: an expectation is many times the size of an action, and
    /// a suite of 100,000 scenarios keeps a million steps until they have run).
    Expect(Box<Expect>),
    /// What the call-taker side does, at a time (see [`line::OperatorStep`]).
    Operator(line::OperatorStep),
}

/// What must hold; every field given is checked, at the current instant of the call's clock
/// (after playing the prompts to the caller's turn with `listen`, and after moving the clock
/// on to the latest time a timed expectation names).
#[derive(Clone, Debug, Default)]
pub struct Expect {
    /// `listen: true`: play the prompts to the caller's turn before checking.
    pub listen: bool,
    /// `at_node`: the call is at this node now.
    pub at_node: Option<String>,
    /// `passed` (or its old name `node`): the call is at, or has passed since the caller's
    /// last key or word, this node.
    pub node: Option<String>,
    /// Timed expectations: events of the call at given times (`prompt_stopped`, `reprompt`, …).
    pub events: Vec<timeline::EventExpect>,
    /// Every node id the expectation names, with the field and where it is written (checked
    /// against the menu at load: E006).
    pub names: Vec<(&'static str, String, Span)>,
    /// The latest prompt's text contains this, or its clip is named this.
    pub prompt: Option<String>,
    /// Variables with these values.
    pub vars: Vec<(String, String)>,
    /// The call was transferred with these.
    pub transfer: Option<TransferExpect>,
    /// The call ended at a hang-up (with this reason, if given).
    pub hangup: Option<Option<String>>,
    /// The call was handed to this external target (an `external` node's `target`).
    pub external: Option<String>,
    /// Bounds of the call time so far.
    pub elapsed: (Option<Duration>, Option<Duration>),
    /// Bounds of the keypresses so far.
    pub keys: (Option<u32>, Option<u32>),
    /// The operator side: the queue the call waits in, its outcome, who answered when, the
    /// disposition (see [`line::LineExpect`]); `None` when none of them is given (boxed: most
    /// expectations have none).
    pub line: Option<Box<line::LineExpect>>,
}

/// `expect: { transfer: … }`.
#[derive(Clone, Debug, Default)]
pub struct TransferExpect {
    /// Queue.
    pub queue: Option<String>,
    /// Priority name.
    pub priority: Option<String>,
    /// Reason name (`chosen`, `operator_key`, `max_no_input`, `max_no_match`).
    pub reason: Option<String>,
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests_timed;
