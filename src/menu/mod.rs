//! The menu model: what a hotline menu file means, after loading and validation.
//!
//! Files are read by [`load`] into the serde types of `raw` (every value with its place),
//! then lowered into the types here through [`build::MenuBuilder`], which other formats'
//! importers use too; the graph, the checks and the call engine use the result.
//! Durations are [`std::time::Duration`]; every node and reference keeps its [`Span`] so
//! later findings can point at the file.

pub mod build;
pub mod dtmf;
pub(crate) mod indent;
pub mod load;
mod lower;
pub(crate) mod raw;
pub mod schedule;
pub mod traps;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use indexmap::IndexMap;
use regex::Regex;

pub use dtmf::DtmfKey;
pub use load::{LoadOutcome, load_menu, load_menu_text};
pub(crate) use lower::display_dir;
pub(crate) use lower::normalize as normalize_path;
pub(crate) use lower::{duration_at, parse_duration};
pub use schedule::Schedule;

use crate::source::Span;

/// Index of a node in [`Menu::nodes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A reference to a node by id, as written (`to: report`), and what it resolved to.
#[derive(Clone, Debug)]
pub struct NodeRef {
    /// The id as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// What the id resolved to.
    pub target: Target,
}

impl NodeRef {
    /// The node referred to, if it exists and could be read.
    pub fn node(&self) -> Option<NodeId> {
        match self.target {
            Target::Node(id) => Some(id),
            _ => None,
        }
    }
}

/// What a [`NodeRef`] resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A node of the menu.
    Node(NodeId),
    /// No node has that id (reported as E006).
    Missing,
    /// A node with that id exists but could not be read (its own finding says why).
    /// Graph checks give such references the benefit of the doubt, so one broken node
    /// does not cascade into many findings.
    Unreadable,
}

/// A loaded menu.
///
/// Made only by [`build::MenuBuilder`] (the YAML loader is one of its clients), so that a menu
/// never skips the findings of its format. The fields are public to read; `#[non_exhaustive]`
/// keeps code outside this crate (importers, tests, benches) from writing a `Menu { .. }` of
/// its own.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Menu {
    /// Display name (`name:`).
    pub name: String,
    /// The menu file, as given.
    pub path: PathBuf,
    /// Where the call starts.
    pub entry: NodeRef,
    /// Folder of the clips (resolved against the menu file's folder).
    pub audio_dir: PathBuf,
    /// Language tags; the first is the default language.
    pub languages: Vec<String>,
    /// Call-wide settings.
    pub defaults: Defaults,
    /// Named weekly opening hours.
    pub schedules: IndexMap<String, Schedule>,
    /// Lint thresholds given in the file (`lint:`).
    pub lint: LintSettings,
    /// Wrap-up codes for call-takers (`dispositions:`), in file order; empty: the built-in ones.
    pub dispositions: Vec<Disposition>,
    /// The nodes, in file order (included files after the including file's own nodes).
    pub nodes: Vec<Node>,
    /// Node id to index.
    pub ids: HashMap<String, NodeId>,
    /// `self_service: true`: the menu is self-service by design (no call is meant to reach a
    /// person), so `check` does not ask for a way to a `transfer` (E014); its traps and loops
    /// (W002, …) are still reported.
    pub self_service: bool,
    /// `variables:`: names of variables a call may bring with it (preset by the telephony
    /// platform, `call --var`, a scenario's `start.variables`), besides those the menu sets
    /// (collects' `store`, `set`, external steps' `store`). Read by the unset-variable check
    /// (W021).
    pub variables: Vec<String>,
}

impl Menu {
    /// The node with index `id`.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// Looks a node up by its id.
    pub fn find(&self, name: &str) -> Option<NodeId> {
        self.ids.get(name).copied()
    }

    /// Every prompt of the menu: each node's prompt and re-prompts, a transfer's hold
    /// announcement and no-operator message, and `defaults.goodbye`. Prompts inherited from
    /// `defaults` appear once per node that uses them.
    pub fn prompts(&self) -> impl Iterator<Item = &Prompt> {
        self.defaults.goodbye.iter().chain(self.nodes.iter().flat_map(|n| {
            let listen = n.kind.listen();
            let transfer = match &n.kind {
                NodeKind::Transfer(t) => {
                    let plan = match &t.when_no_operator {
                        Some(NoOperator::Hold { prompt, .. }) => prompt.as_ref(),
                        Some(NoOperator::Message { prompt }) => Some(prompt),
                        _ => None,
                    };
                    t.hold.prompt.iter().chain(plan)
                }
                _ => None.iter().chain(None),
            };
            n.kind
                .prompt()
                .into_iter()
                .chain(listen.into_iter().flat_map(|l| l.no_input.iter().chain(&l.no_match)))
                .chain(transfer)
        }))
    }

    /// All node indices.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len() as u32).map(NodeId)
    }
}

/// Call-wide settings (`defaults:`), already merged into each node's [`Listen`].
#[derive(Clone, Debug)]
pub struct Defaults {
    /// Global keys.
    pub keys: GlobalKeys,
    /// Node the global operator key leads to (default: `fallback`).
    pub operator: Option<NodeRef>,
    /// Node the global main-menu key leads to (default: `entry`).
    pub main_menu: Option<NodeRef>,
    /// Played when a call ends because a retry limit was reached with no fallback.
    pub goodbye: Option<Prompt>,
    /// Where `defaults.fallback` is written, if it is.
    pub fallback: Option<NodeRef>,
    /// `defaults.inter_digit_timeout` (built-in 3 s): how long a message with barge-in waits
    /// for the rest of a global key of several keys (menus and collects have their own, in
    /// [`Listen`]).
    pub inter_digit_timeout: Duration,
}

/// A wrap-up code a call-taker ends a call with (`dispositions:`), e.g. `report_taken`.
#[derive(Clone, Debug)]
pub struct Disposition {
    /// The code, as typed at `:end`.
    pub code: String,
    /// What it means.
    pub description: String,
    /// Where it is written.
    pub span: Span,
}

/// A global key and where it is defined.
#[derive(Clone, Debug)]
pub struct GlobalKey {
    /// The key.
    pub key: DtmfKey,
    /// Where it is defined.
    pub span: Span,
}

/// The global keys of `defaults.keys`.
#[derive(Clone, Debug, Default)]
pub struct GlobalKeys {
    /// Transfer to an operator.
    pub operator: Option<GlobalKey>,
    /// Replay the current prompt.
    pub repeat: Option<GlobalKey>,
    /// Return to the previous menu.
    pub back: Option<GlobalKey>,
    /// Go to the main menu.
    pub main_menu: Option<GlobalKey>,
}

/// What a global key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GlobalAction {
    /// Transfer to an operator.
    Operator,
    /// Replay the current prompt.
    Repeat,
    /// Return to the previous menu.
    Back,
    /// Go to the main menu.
    MainMenu,
}

impl GlobalAction {
    /// The name used in the menu file (`operator`, `repeat`, `back`, `main_menu`).
    pub fn name(self) -> &'static str {
        match self {
            GlobalAction::Operator => "operator",
            GlobalAction::Repeat => "repeat",
            GlobalAction::Back => "back",
            GlobalAction::MainMenu => "main_menu",
        }
    }
}

impl GlobalKeys {
    /// The defined keys with their actions.
    pub fn iter(&self) -> impl Iterator<Item = (GlobalAction, &GlobalKey)> {
        [
            (GlobalAction::Operator, &self.operator),
            (GlobalAction::Repeat, &self.repeat),
            (GlobalAction::Back, &self.back),
            (GlobalAction::MainMenu, &self.main_menu),
        ]
        .into_iter()
        .filter_map(|(a, k)| k.as_ref().map(|k| (a, k)))
    }
}

/// Lint thresholds from the menu's `lint:` section (`None`: not set in the file).
#[derive(Clone, Debug, Default)]
pub struct LintSettings {
    /// `lint.max_options`.
    pub max_options: Option<u32>,
    /// `lint.max_operator_keys`.
    pub max_operator_keys: Option<u32>,
    /// `lint.max_prompt`.
    pub max_prompt: Option<Duration>,
    /// `lint.allow`: warning codes not to report.
    pub allow: Vec<crate::diag::Code>,
}

/// What the caller hears: a caption text and, optionally, a clip.
#[derive(Clone, Debug)]
pub struct Prompt {
    /// The words, in the menu's default language.
    pub text: String,
    /// The clip, if any.
    pub audio: Option<ClipRef>,
    /// The same prompt in other languages, by tag.
    pub translations: IndexMap<String, PromptText>,
    /// Where the prompt is written.
    pub span: Span,
    /// Where its `text` is written.
    pub text_span: Span,
}

/// A prompt in one language.
#[derive(Clone, Debug)]
pub struct PromptText {
    /// The words.
    pub text: String,
    /// The clip, if any.
    pub audio: Option<ClipRef>,
}

impl Prompt {
    /// A prompt of text only (no clip, no translations, no place in a file): the engine's
    /// built-in announcements.
    pub fn text_only(text: &str) -> Self {
        Prompt {
            text: text.to_owned(),
            audio: None,
            translations: IndexMap::new(),
            span: Span::default(),
            text_span: Span::default(),
        }
    }

    /// The prompt in `language`, falling back to the default language.
    pub fn in_language(&self, language: &str) -> (&str, Option<&ClipRef>) {
        match self.translations.get(language) {
            Some(t) => (&t.text, t.audio.as_ref()),
            None => (&self.text, self.audio.as_ref()),
        }
    }

    /// Every clip of the prompt with its language tag (`None` for the default language).
    pub fn clips(&self) -> impl Iterator<Item = (Option<&str>, &ClipRef)> {
        self.audio.iter().map(|c| (None, c)).chain(
            self.translations
                .iter()
                .filter_map(|(l, t)| t.audio.as_ref().map(|c| (Some(l.as_str()), c))),
        )
    }
}

/// A clip named by a prompt's `audio:`.
#[derive(Clone, Debug)]
pub struct ClipRef {
    /// The name as written, relative to `audio_dir`.
    pub name: String,
    /// The file: `audio_dir` joined with `name`.
    pub path: PathBuf,
    /// Where `audio:` is written.
    pub span: Span,
}

/// One node of the menu.
#[derive(Clone, Debug)]
pub struct Node {
    /// The node's id (its key under `nodes:`).
    pub id: String,
    /// Where the id is written.
    pub span: Span,
    /// Free text for designers.
    pub description: Option<String>,
    /// What the node does.
    pub kind: NodeKind,
    /// Variables set when the call enters the node (`set:`), in file order, before its prompt.
    pub set: Vec<SetVar>,
}

/// One entry of a `set:` (on a node or a menu option): a variable and what it becomes.
#[derive(Clone, Debug)]
pub struct SetVar {
    /// The variable's name.
    pub var: String,
    /// Its new value.
    pub value: SetValue,
    /// Where the entry is written.
    pub span: Span,
}

/// What a `set:` entry gives its variable (rule: `crate::rules::vars::apply_set`).
#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    /// Text, with `{name}` filled in from the call's variables as they are at that moment
    /// (`"{case_number}"` copies a collected value; plain text is a constant).
    Text(String),
    /// `+N` or `-N`: the variable as a whole number (unset or not a number: 0) plus `N`.
    Add(i64),
}

/// The kinds of node.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// Plays a prompt and waits for a key or keyword.
    Menu(MenuNode),
    /// Plays a prompt and goes on.
    Message(MessageNode),
    /// Collects digits into a variable.
    Collect(CollectNode),
    /// Decides instantly from variables, language and clock.
    Route(RouteNode),
    /// Hands the call to an operator.
    Transfer(TransferNode),
    /// Ends the call.
    Hangup(HangupNode),
    /// Hands the call to something that is not a person (voicemail, an application, another
    /// flow): it ends the IVR part of the call by design, or, with `on`, comes back with a
    /// result and goes on.
    External(ExternalNode),
    /// Records a message from the caller (voicemail, "leave your report after the tone").
    Record(RecordNode),
    /// Requests a callback the caller chose, with the number in a variable, and goes on.
    Callback(CallbackNode),
}

impl NodeKind {
    /// The kind's name as written in `kind:`.
    pub fn name(&self) -> &'static str {
        match self {
            NodeKind::Menu(_) => "menu",
            NodeKind::Message(_) => "message",
            NodeKind::Collect(_) => "collect",
            NodeKind::Route(_) => "route",
            NodeKind::Transfer(_) => "transfer",
            NodeKind::Hangup(_) => "hangup",
            NodeKind::External(_) => "external",
            NodeKind::Record(_) => "record",
            NodeKind::Callback(_) => "callback",
        }
    }

    /// The node's main prompt, if it has one.
    pub fn prompt(&self) -> Option<&Prompt> {
        match self {
            NodeKind::Menu(m) => Some(&m.prompt),
            NodeKind::Message(m) => Some(&m.prompt),
            NodeKind::Collect(c) => Some(&c.prompt),
            NodeKind::Route(_) => None,
            NodeKind::Transfer(t) => t.prompt.as_ref(),
            NodeKind::Hangup(h) => h.prompt.as_ref(),
            NodeKind::External(e) => e.prompt.as_ref(),
            NodeKind::Record(r) => r.prompt.as_ref(),
            NodeKind::Callback(c) => c.prompt.as_ref(),
        }
    }

    /// Whether the IVR's part of a call ends here by handing it over: a `transfer` (to a
    /// person) or an `external` node without `on` (voicemail, an application, another flow).
    /// `check` counts reaching either as a way out by design (E014).
    pub fn hands_over(&self) -> bool {
        match self {
            NodeKind::Transfer(_) => true,
            NodeKind::External(e) => e.on.is_none(),
            _ => false,
        }
    }

    /// Whether reaching the node fulfils the call by design, for E014: it [hands the call
    /// over](NodeKind::hands_over), or it records the caller's message (`record`: the message
    /// is delivered; the nodes after it are its thank-you and goodbye).
    pub fn ends_by_design(&self) -> bool {
        self.hands_over() || matches!(self, NodeKind::Record(_) | NodeKind::Callback(_))
    }

    /// The retry and timing settings of a node that waits for input.
    pub fn listen(&self) -> Option<&Listen> {
        match self {
            NodeKind::Menu(m) => Some(&m.listen),
            NodeKind::Collect(c) => Some(&c.listen),
            _ => None,
        }
    }
}

/// Timing and retry settings of a node that waits for the caller, with defaults applied.
#[derive(Clone, Debug)]
pub struct Listen {
    /// No-input timeout, from the end of the prompt.
    pub timeout: Duration,
    /// Longest pause between two digits.
    pub inter_digit_timeout: Duration,
    /// No-input events allowed per visit (≥ 1); the last goes to `fallback`.
    pub max_no_input: u32,
    /// Invalid entries allowed per visit (≥ 1); the last goes to `fallback`.
    pub max_no_match: u32,
    /// Where the call goes when a limit is reached; `None` ends the call.
    pub fallback: Option<NodeRef>,
    /// Re-prompts for silence (the n-th failure plays the n-th; the last repeats).
    pub no_input: Vec<Prompt>,
    /// Re-prompts for invalid input.
    pub no_match: Vec<Prompt>,
    /// Whether a key stops the prompt.
    pub barge_in: bool,
    /// Whether keys pressed before the prompt carry over.
    pub type_ahead: bool,
}

/// A `menu` node.
#[derive(Clone, Debug)]
pub struct MenuNode {
    /// The menu prompt.
    pub prompt: Prompt,
    /// The choices, in file order.
    pub options: Vec<MenuOption>,
    /// Timing and retries.
    pub listen: Listen,
}

/// One choice of a menu.
#[derive(Clone, Debug)]
pub struct MenuOption {
    /// The DTMF key.
    pub key: DtmfKey,
    /// Where the key is written.
    pub key_span: Span,
    /// Where the option leads.
    pub to: NodeRef,
    /// Spoken keywords, normalised ([`crate::rules::Keyword`]).
    pub say: Vec<crate::rules::Keyword>,
    /// Where each keyword of `say` is written, in the same order.
    pub say_spans: Vec<Span>,
    /// Short name for reports.
    pub label: Option<String>,
    /// Language the call switches to when the option is taken.
    pub language: Option<String>,
    /// Variables set when the option is taken (`set:`), before the call moves on.
    pub set: Vec<SetVar>,
}

/// A `message` node.
#[derive(Clone, Debug)]
pub struct MessageNode {
    /// What the caller hears.
    pub prompt: Prompt,
    /// Where the call goes next.
    pub next: NodeRef,
    /// Whether a key stops the prompt.
    pub barge_in: bool,
}

/// A `collect` node.
#[derive(Clone, Debug)]
pub struct CollectNode {
    /// The request.
    pub prompt: Prompt,
    /// Fewest digits accepted (≥ 1).
    pub min: u32,
    /// Most digits accepted (≥ `min`); entry ends when reached.
    pub max: u32,
    /// Key that ends entry (not part of the value).
    pub terminator: Option<DtmfKey>,
    /// Regular expression the value must match.
    pub pattern: Option<Regex>,
    /// Variable the value is stored in.
    pub store: String,
    /// Where the call goes with the value.
    pub next: NodeRef,
    /// Timing and retries.
    pub listen: Listen,
}

/// A `route` node.
#[derive(Clone, Debug)]
pub struct RouteNode {
    /// Tried in order.
    pub routes: Vec<Route>,
    /// Taken when no route holds.
    pub default: NodeRef,
}

/// One `{ when, to }` of a route node.
#[derive(Clone, Debug)]
pub struct Route {
    /// All must hold.
    pub when: Vec<Test>,
    /// Where the call goes.
    pub to: NodeRef,
}

/// One test of a `when`.
#[derive(Clone, Debug)]
pub enum Test {
    /// `var` equals the value.
    Equals {
        /// Variable name.
        var: String,
        /// Value.
        value: String,
    },
    /// `var` matches the regex.
    Matches {
        /// Variable name.
        var: String,
        /// Pattern.
        pattern: Regex,
    },
    /// `var` is one of the values.
    OneOf {
        /// Variable name.
        var: String,
        /// Values.
        values: Vec<String>,
    },
    /// The call's clock is inside the schedule's open hours.
    Hours(String),
    /// The call's language is this tag.
    Language(String),
    /// `var` read as a number compares with `value` (`less_than`, `at_most`, `greater_than`,
    /// `at_least`); a variable unset or not a number never holds.
    Compare {
        /// Variable name.
        var: String,
        /// The comparison.
        op: CompareOp,
        /// The number compared with.
        value: f64,
    },
    /// `between: [low, high]`: `var` read as a number is in `low..=high` (both included).
    Between {
        /// Variable name.
        var: String,
        /// Lowest value that holds.
        low: f64,
        /// Highest value that holds.
        high: f64,
    },
}

/// A numeric comparison of a route's `when` (`Test::Compare`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `less_than`: `<`.
    Less,
    /// `at_most`: `<=`.
    AtMost,
    /// `greater_than`: `>`.
    Greater,
    /// `at_least`: `>=`.
    AtLeast,
}

impl CompareOp {
    /// The YAML name: `less_than`, `at_most`, `greater_than`, `at_least`.
    pub fn name(self) -> &'static str {
        match self {
            CompareOp::Less => "less_than",
            CompareOp::AtMost => "at_most",
            CompareOp::Greater => "greater_than",
            CompareOp::AtLeast => "at_least",
        }
    }

    /// Whether `a OP b` holds.
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            CompareOp::Less => a < b,
            CompareOp::AtMost => a <= b,
            CompareOp::Greater => a > b,
            CompareOp::AtLeast => a >= b,
        }
    }
}

/// How urgent a transferred call is, lowest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Low.
    Low,
    /// Normal (the default).
    #[default]
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl Priority {
    /// All priorities, lowest first.
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];

    /// The name as written.
    pub fn name(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

/// A `transfer` node.
#[derive(Clone, Debug)]
pub struct TransferNode {
    /// Queue name.
    pub queue: String,
    /// Priority in the queue.
    pub priority: Priority,
    /// What the caller hears while transferred.
    pub prompt: Option<Prompt>,
    /// Variables passed on; `None` means all.
    pub context: Option<Vec<String>>,
    /// What a caller waiting in the queue hears, and how often.
    pub hold: Hold,
    /// What happens when no call-taker can take the call (none connected or logged in, or
    /// the queue full); `None`: the built-in message, then the line hangs up (`check` warns, W014).
    pub when_no_operator: Option<NoOperator>,
}

/// Longest wait between two hold announcements when a menu does not say: 30 seconds, a
/// common ACD default (callers who hear nothing for longer tend to think they were cut off).
pub const DEFAULT_HOLD_EVERY: Duration = Duration::from_secs(30);

/// The hold announcements of a transfer (`hold:`, or `defaults.hold`).
#[derive(Clone, Debug)]
pub struct Hold {
    /// Time from the start of one announcement to the start of the next.
    pub every: Duration,
    /// The announcement; `{position}` and `{queue}` in its text are filled in. `None`: the
    /// built-in one ("You are number 2 in the queue. …").
    pub prompt: Option<Prompt>,
}

impl Default for Hold {
    fn default() -> Self {
        Hold {
            every: DEFAULT_HOLD_EVERY,
            prompt: None,
        }
    }
}

/// What a transfer does when no call-taker can take the call (`when_no_operator:`).
#[derive(Clone, Debug)]
pub enum NoOperator {
    /// `action: hold`: the caller holds (in the queue, when it has a place) up to `max_wait`;
    /// a call-taker who logs in meanwhile can answer. Then `prompt`, and the line hangs up.
    Hold {
        /// Longest wait.
        max_wait: Duration,
        /// Said when the wait ends unanswered; `None`: the built-in message.
        prompt: Option<Prompt>,
    },
    /// `action: message`: a voicemail-style message, then the line hangs up.
    Message {
        /// The message.
        prompt: Prompt,
    },
    /// `action: callback`: the call goes to `to`, a `collect` node that takes the number to
    /// call back; the number is handed to the call-takers as a callback request.
    Callback {
        /// The collect node.
        to: NodeRef,
    },
    /// `action: goto`: the call goes on at `to` (another menu, another transfer, …).
    Goto {
        /// The node.
        to: NodeRef,
    },
}

impl NoOperator {
    /// The node the call goes to, for `callback` and `goto`.
    pub fn target(&self) -> Option<&NodeRef> {
        match self {
            NoOperator::Callback { to } | NoOperator::Goto { to } => Some(to),
            NoOperator::Hold { .. } | NoOperator::Message { .. } => None,
        }
    }

    /// The action's name as written.
    pub fn name(&self) -> &'static str {
        match self {
            NoOperator::Hold { .. } => "hold",
            NoOperator::Message { .. } => "message",
            NoOperator::Callback { .. } => "callback",
            NoOperator::Goto { .. } => "goto",
        }
    }
}

/// A `hangup` node.
#[derive(Clone, Debug)]
pub struct HangupNode {
    /// Goodbye.
    pub prompt: Option<Prompt>,
    /// Why the call ends.
    pub reason: String,
}

/// What an `external` node hands the call to (`app:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExternalApp {
    /// A voicemail box (Asterisk `VoiceMail()`, FreeSWITCH `voicemail`).
    Voicemail,
    /// An application: an echo test, a payment system, a function (FreeSWITCH
    /// `menu-exec-app`, Amazon Connect `InvokeLambdaFunction`, Twilio Studio `run-function`).
    Application,
    /// Another flow or document (Asterisk `Goto` to another context, VoiceXML `<goto>` or
    /// `<submit>` to another document, Amazon Connect `TransferToFlow`).
    Flow,
}

impl ExternalApp {
    /// All apps, as written.
    pub const ALL: [ExternalApp; 3] = [ExternalApp::Voicemail, ExternalApp::Application, ExternalApp::Flow];

    /// The name as written in `app:`.
    pub fn name(self) -> &'static str {
        match self {
            ExternalApp::Voicemail => "voicemail",
            ExternalApp::Application => "application",
            ExternalApp::Flow => "flow",
        }
    }
}

/// The result of an external step with `on:` branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExternalResult {
    /// `success`.
    Success,
    /// `error`.
    Error,
}

impl ExternalResult {
    /// The name: `success` or `error` (also the value stored in the node's variable).
    pub fn name(self) -> &'static str {
        match self {
            ExternalResult::Success => "success",
            ExternalResult::Error => "error",
        }
    }
}

/// Variable an external step reads its result from, and stores it in, when the node gives
/// none (`store:`).
pub const DEFAULT_EXTERNAL_STORE: &str = "external_result";

/// An `external` node.
#[derive(Clone, Debug)]
pub struct ExternalNode {
    /// What kind of thing takes the call.
    pub app: ExternalApp,
    /// Which one (`target:`): the voicemail box, the application or the flow, as the
    /// platform names it.
    pub name: String,
    /// What the caller hears before the handoff.
    pub prompt: Option<Prompt>,
    /// `on: { success, error }`: the step comes back with a result and the call goes on
    /// there. `None`: the IVR part of the call ends here by design.
    pub on: Option<ExternalBranches>,
    /// The variable the result is read from (when the call already has it, preset or set,
    /// as `success` or `error`) and stored in (rule: `crate::rules::vars::external_result`).
    pub store: String,
}

/// Where an external step goes on, by its result.
#[derive(Clone, Debug)]
pub struct ExternalBranches {
    /// After `success`.
    pub success: NodeRef,
    /// After `error`.
    pub error: NodeRef,
}

impl ExternalBranches {
    /// The branch of `result`.
    pub fn of(&self, result: ExternalResult) -> &NodeRef {
        match result {
            ExternalResult::Success => &self.success,
            ExternalResult::Error => &self.error,
        }
    }
}

/// A `callback` node: the caller chose to be called back (after confirming the number a
/// variable holds, `caller_id`, or entering another with a collect); the request goes to the
/// call-takers as a `when_no_operator` callback's does. Rule: docs/call-semantics.md,
/// "A callback the caller chooses".
#[derive(Clone, Debug)]
pub struct CallbackNode {
    /// The queue whose call-takers call back.
    pub queue: String,
    /// The variable holding the number to call.
    pub number: String,
    /// The request's priority.
    pub priority: Priority,
    /// What the caller hears ("we will call you back").
    pub prompt: Option<Prompt>,
    /// Where the call goes on.
    pub next: NodeRef,
}

/// How long the beep before a recording lasts: 500 ms. ivrsim's choice (VoiceXML 2.1
/// §2.3.6 `<record beep="true">` leaves the tone to the platform); the recording starts at
/// its end.
pub const BEEP_LENGTH: Duration = Duration::from_millis(500);
/// A recording's longest length when the node does not say (`max_length`): 2 minutes.
pub const DEFAULT_MAX_RECORDING: Duration = Duration::from_secs(120);
/// Silence after speech that ends a recording when the node does not say (`final_silence`):
/// 3 seconds.
pub const DEFAULT_FINAL_SILENCE: Duration = Duration::from_secs(3);
/// Variable a recording's length is stored in when the node does not say (`store`).
pub const DEFAULT_RECORDING_STORE: &str = "recording_length";

/// A `record` node: the caller leaves a message (VoiceXML `<record>`, Asterisk `Record()`).
/// Rule: docs/call-semantics.md, "Recording a message".
#[derive(Clone, Debug)]
pub struct RecordNode {
    /// What the caller hears first ("leave your report after the tone").
    pub prompt: Option<Prompt>,
    /// Whether a beep ([`BEEP_LENGTH`]) plays after the prompt.
    pub beep: bool,
    /// Longest recording (VoiceXML `maxtime`).
    pub max_length: Duration,
    /// Silence after the caller's speech that ends the recording (VoiceXML `finalsilence`).
    pub final_silence: Duration,
    /// No speech at all within this time of the recording's start is "no speech" (VoiceXML
    /// `noinput`).
    pub timeout: Duration,
    /// The key that ends the recording; `None`: any key (VoiceXML `dtmfterm="true"`).
    pub terminator: Option<DtmfKey>,
    /// Variable the recorded length is stored in, in seconds with milliseconds (`12.345`).
    pub store: String,
    /// Where the call goes after a recording.
    pub next: NodeRef,
    /// Where the call goes when the caller said nothing; `None`: `next` (with a length 0).
    pub no_speech: Option<NodeRef>,
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::source::Sources;

    /// Loads `yaml` as `test.yaml` and panics with the rendered findings if it has errors.
    pub fn menu(yaml: &str) -> Menu {
        let mut sources = Sources::new();
        let out = load_menu_text(std::path::Path::new("test.yaml"), yaml, &mut sources);
        let errors: Vec<_> = out
            .diagnostics
            .iter()
            .filter(|d| d.severity() == crate::diag::Severity::Error)
            .cloned()
            .collect();
        assert!(errors.is_empty(), "{}", crate::diag::render_plain(&sources, &errors));
        out.menu.expect("menu")
    }
}
