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
pub mod pattern;
pub(crate) mod raw;
pub mod schedule;
pub mod traps;
pub mod write;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use indexmap::IndexMap;
use regex::Regex;

pub use dtmf::DtmfKey;
pub use load::{LoadOutcome, load_menu, load_menu_text};
pub(crate) use lower::display_dir;
pub(crate) use lower::normalize as normalize_path;
pub(crate) use lower::{duration_at, parse_duration};
pub use pattern::KeyPattern;
pub use schedule::Schedule;

/// The JSON Schema of a priority (a named level or a level 1 to 9), for other formats that
/// name one (scenario expectations).
pub fn raw_priority_schema(s: &mut schemars::Schema) {
    raw::schema::priority(s);
}

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
    /// Per-queue settings (`queues:`), in file order; transfers carry a copy of theirs.
    pub queues: IndexMap<String, QueueSettings>,
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
            let transfer: Vec<&Prompt> = match &n.kind {
                NodeKind::Transfer(t) => {
                    fn plan(p: Option<&NoOperator>) -> Option<&Prompt> {
                        match p {
                            Some(NoOperator::Hold { prompt, .. }) => prompt.as_ref(),
                            Some(NoOperator::Message { prompt }) => Some(prompt),
                            _ => None,
                        }
                    }
                    let reasons = NoOperatorReason::ALL
                        .into_iter()
                        .filter_map(|r| plan(t.settings.plans.get(r)));
                    t.hold
                        .prompt
                        .iter()
                        .chain(t.hold.expected_wait.as_ref().and_then(|e| e.prompt.as_ref()))
                        .chain(t.hold.periodic.as_ref().map(|p| &p.prompt))
                        .chain(plan(t.when_no_operator.as_ref()))
                        .chain(reasons)
                        .collect()
                }
                _ => Vec::new(),
            };
            n.kind
                .prompt()
                .into_iter()
                .chain(listen.into_iter().flat_map(|l| {
                    l.short_prompt
                        .as_deref()
                        .into_iter()
                        .chain(&l.no_input)
                        .chain(&l.no_match)
                }))
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
    /// Warnings `check` does not report for this node (`lint_allow:`).
    pub lint_allow: Vec<crate::diag::Code>,
    /// Variables set when the call enters the node (`set:`).
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
#[allow(clippy::large_enum_variant)]
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

/// A retry limit (`max_no_input`, `max_no_match`): a number of failures, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retries {
    /// The n-th failure of the kind goes to the fallback (1 to [`MAX_RETRIES`]).
    Limit(u32),
    /// `unlimited`: the prompt is played again for ever (VoiceXML forms, Twilio Studio
    /// self-loops); only the call's maximum length (`engine::MAX_CALL_LENGTH`) ends it.
    Unlimited,
}

/// Largest retry limit written as a number: a caller who fails 1,000 times at one node has
/// been on the line for hours (at the 5 s default timeout, 83 minutes); larger is `unlimited`.
pub const MAX_RETRIES: u32 = 1000;

impl Retries {
    /// The limit as a number, `None` when unlimited.
    pub fn limit(self) -> Option<u32> {
        match self {
            Retries::Limit(n) => Some(n),
            Retries::Unlimited => None,
        }
    }

    /// Whether a count of `n` failures reaches the limit.
    pub fn reached(self, n: u32) -> bool {
        self.limit().is_some_and(|max| n >= max)
    }
}

impl fmt::Display for Retries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Retries::Limit(n) => write!(f, "{n}"),
            Retries::Unlimited => f.write_str("unlimited"),
        }
    }
}

/// How a node counts its failures against `max_no_input` and `max_no_match` (`counting`).
/// Rule 5 of `docs/call-semantics.md`; each policy is the one of the platform named.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Counting {
    /// `visit` (default): no-inputs and no-matches counted apart, both from zero at every
    /// entry to the node (Amazon Connect, Twilio Studio: a block's counters are its run's).
    #[default]
    Visit,
    /// `shared`: one budget for both kinds, per visit: a failure's count is the no-inputs
    /// plus the no-matches so far (Kazoo `cf_menu.erl`: `retries`, decremented by a timeout
    /// and by an invalid entry alike, default 3).
    Shared,
    /// `freeswitch`: counted apart; a valid entry (an option or a global key) sets the
    /// no-match count back to zero, never the no-input count; the counts are kept when the
    /// call comes back to the node with `back` or `main_menu` (FreeSWITCH
    /// `src/switch_ivr_menu.c`, `switch_ivr_menu_execute`: `errs = 0` on a match, `timeouts`
    /// never reset, a menu resumed after `menu-back`/`menu-top` keeps both); any other entry
    /// starts from zero (`menu-sub` runs the menu afresh).
    FreeSwitch,
    /// `call`: counted apart and kept for the whole call, across re-entries of the node; once
    /// a limit has been reached, a further failure of that kind there ends the call
    /// (`retries_exhausted`) instead of taking the fallback again.
    Call,
}

impl Counting {
    /// Every policy with its name in the file.
    pub const ALL: [(Counting, &'static str); 4] = [
        (Counting::Visit, "visit"),
        (Counting::Shared, "shared"),
        (Counting::FreeSwitch, "freeswitch"),
        (Counting::Call, "call"),
    ];

    /// The name in the file: `visit`, `shared`, `freeswitch`, `call`.
    pub fn name(self) -> &'static str {
        Counting::ALL
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("visit", |(_, n)| n)
    }
}

/// Timing and retry settings of a node that waits for the caller, with defaults applied.
#[derive(Clone, Debug)]
pub struct Listen {
    /// No-input timeout, from the end of the prompt.
    pub timeout: Duration,
    /// Longest pause between two digits.
    pub inter_digit_timeout: Duration,
    /// No-input events allowed (≥ 1, or unlimited), counted by `counting`; the last goes to
    /// the no-input fallback.
    pub max_no_input: Retries,
    /// Invalid entries allowed (≥ 1, or unlimited), counted by `counting`; the last goes to
    /// the no-match fallback.
    pub max_no_match: Retries,
    /// `fallback` as written (on the node, else in `defaults`): the one-line form of both
    /// fallbacks below.
    pub fallback: Option<NodeRef>,
    /// `fallback_no_input` where it wins over `fallback` (the node's, else the defaults' when
    /// the node has no `fallback`). Read the no-input fallback with
    /// `rules::failures::fallback`: this, else `fallback`; neither ends the call.
    pub fallback_no_input: Option<NodeRef>,
    /// `fallback_no_match` where it wins over `fallback`, likewise.
    pub fallback_no_match: Option<NodeRef>,
    /// How failures are counted (`counting`, default [`Counting::Visit`]).
    pub counting: Counting,
    /// `short_prompt`: played instead of the prompt after a failure or `repeat` (FreeSWITCH
    /// `greet-short`); `None`: the prompt again. Boxed: few nodes have one, and a large menu
    /// should not carry an empty prompt's room in every node.
    pub short_prompt: Option<Box<Prompt>>,
    /// Re-prompts for silence (the n-th failure plays the n-th; the last repeats).
    pub no_input: Vec<Prompt>,
    /// Re-prompts for invalid input.
    pub no_match: Vec<Prompt>,
    /// Whether a key stops the prompt.
    pub barge_in: bool,
    /// Whether keys pressed before the prompt carry over.
    pub type_ahead: bool,
    /// When a menu acts on the keys entered (`key_match`, `digit_len`; collects ignore it).
    pub key_match: KeyMatchPolicy,
}

/// When a menu acts on the keys entered (`key_match:`, docs/call-semantics.md rule 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyMatchPolicy {
    /// `early` (the default; Asterisk): an entry that matches one key and cannot grow into
    /// another acts at once; one that could waits the inter-digit timeout.
    #[default]
    Early,
    /// `full_length` (FreeSWITCH `digit-len`, `src/switch_ivr_menu.c`): every entry waits
    /// until it has `digit_len` keys (or the longest option key, if longer) or for the
    /// inter-digit timeout, then is matched exactly.
    FullLength {
        /// `digit_len` as given (`None`: the longest option key), 1 to 32 keys.
        digit_len: Option<u32>,
    },
}

impl KeyMatchPolicy {
    /// The name as written in `key_match:`.
    pub fn name(self) -> &'static str {
        match self {
            KeyMatchPolicy::Early => "early",
            KeyMatchPolicy::FullLength { .. } => "full_length",
        }
    }
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
    /// A pattern of keys the option takes (`pattern:`); `key` is then the shortest entry it
    /// takes at its node (what maps show and generated scenarios press). `None`: `key` alone.
    pub pattern: Option<KeyPattern>,
    /// Variable the keys dialled are stored in when the option is taken (`store:`).
    pub store: Option<String>,
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
    /// The keys that are data (`digits.keys`): always `0`-`9`, and `*`/`#` when the menu says
    /// so (then they are neither the terminator nor part of a global key here).
    pub data_keys: DataKeys,
    /// Regular expression the value must match.
    pub pattern: Option<Regex>,
    /// Variable the value is stored in.
    pub store: String,
    /// Where the call goes with the value.
    pub next: NodeRef,
    /// Timing and retries.
    pub listen: Listen,
}

/// The keys a collect takes as data (`digits.keys`): the digits, and `*` or `#` when given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DataKeys {
    /// `*` is data.
    pub star: bool,
    /// `#` is data.
    pub hash: bool,
}

impl DataKeys {
    /// Whether `key` is part of a value.
    pub fn contains(self, key: char) -> bool {
        key.is_ascii_digit() || (key == '*' && self.star) || (key == '#' && self.hash)
    }
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

/// How urgent a transferred call is: a level from 1 (answered first) to 9 (answered last),
/// Amazon Connect's convention ("Change routing priority / age": 1 is the highest, new
/// contacts get 5; <https://docs.aws.amazon.com/connect/latest/adminguide/change-routing-priority.html>).
/// The named levels of menu format v1 are aliases: `urgent` = 1, `high` = 3, `normal` = 5
/// (the default), `low` = 7.
///
/// Ordering (`Ord`) is by urgency: a priority that is answered earlier is *greater*
/// (`Priority::Urgent > Priority::Low`), so every place that orders calls (the console's
/// queues, `:queue`, training, reports) sorts by this one ordering. Asterisk's `QUEUE_PRIO`
/// (an integer, higher first, default 0; `apps/app_queue.c`) maps to level `5 - QUEUE_PRIO`,
/// clamped to 1..=9; a Connect priority above 9 maps to 9.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Priority(u8);

#[allow(non_upper_case_globals)]
impl Priority {
    /// Level 1, the highest.
    pub const Urgent: Priority = Priority(1);
    /// Level 3.
    pub const High: Priority = Priority(3);
    /// Level 5, the default (Amazon Connect's default for new contacts).
    pub const Normal: Priority = Priority(5);
    /// Level 7.
    pub const Low: Priority = Priority(7);
    /// The highest level (answered first).
    pub const HIGHEST: u8 = 1;
    /// The lowest level (answered last).
    pub const LOWEST: u8 = 9;
    /// Every level, lowest first (9 down to 1).
    pub const ALL: [Priority; 9] = [
        Priority(9),
        Priority(8),
        Priority(7),
        Priority(6),
        Priority(5),
        Priority(4),
        Priority(3),
        Priority(2),
        Priority(1),
    ];
    /// The named aliases with their levels.
    pub const NAMED: [(&'static str, Priority); 4] = [
        ("urgent", Priority::Urgent),
        ("high", Priority::High),
        ("normal", Priority::Normal),
        ("low", Priority::Low),
    ];

    /// The priority of `level` (1 highest ..= 9 lowest), if in range.
    pub fn from_level(level: u64) -> Option<Priority> {
        (u64::from(Self::HIGHEST)..=u64::from(Self::LOWEST))
            .contains(&level)
            .then_some(Priority(level as u8))
    }

    /// The level: 1 (highest) to 9 (lowest).
    pub fn level(self) -> u8 {
        self.0
    }

    /// Reads a priority as written: a named alias (`urgent`, `high`, `normal`, `low`) or a
    /// level `1`..`9`.
    pub fn parse(text: &str) -> Option<Priority> {
        let t = text.trim();
        if let Some((_, p)) = Self::NAMED.iter().find(|(n, _)| *n == t) {
            return Some(*p);
        }
        if t.is_empty() || t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse::<u64>().ok().and_then(Self::from_level)
    }

    /// The alias when the level has one, else the level (`normal`, `4`).
    pub fn name(self) -> std::borrow::Cow<'static, str> {
        match Self::NAMED.iter().find(|(_, p)| *p == self) {
            Some((n, _)) => (*n).into(),
            None => self.0.to_string().into(),
        }
    }

    /// Index from 0 (lowest, level 9) to 8 (highest, level 1): the rank in [`Priority::ALL`].
    pub fn rank(self) -> usize {
        usize::from(Self::LOWEST - self.0.clamp(Self::HIGHEST, Self::LOWEST))
    }
}

impl Default for Priority {
    fn default() -> Self {
        Priority::Normal
    }
}

impl PartialOrd for Priority {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Priority {
    /// Greater = more urgent = a lower level.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.cmp(&self.0)
    }
}

impl serde::Serialize for Priority {
    /// The alias when the level has one (as menu format v1 and protocol v1 wrote it), else
    /// the level as a number.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match Self::NAMED.iter().find(|(_, p)| p == self) {
            Some((n, _)) => s.serialize_str(n),
            None => s.serialize_u8(self.0),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Priority {
    /// A name (`normal`) or a level (`4` or `"4"`).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Priority;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a priority: `urgent`, `high`, `normal`, `low` or a level 1 to 9")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Priority, E> {
                Priority::parse(v).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(v), &self))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Priority, E> {
                Priority::from_level(v).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Priority, E> {
                u64::try_from(v)
                    .ok()
                    .and_then(Priority::from_level)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
            }
        }
        d.deserialize_any(V)
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
    /// The one-line form for every reason: a plan the queue gives for one reason
    /// ([`QueueSettings::plans`]) wins over it, see [`TransferNode::plan`].
    pub when_no_operator: Option<NoOperator>,
    /// The settings of the queue (`queues:` of the menu; the built-in ones when the queue is
    /// not listed there), copied here so that the engine, the graph and the maps read one
    /// transfer.
    pub settings: Box<QueueSettings>,
}

impl TransferNode {
    /// The plan for `reason`: the queue's own plan for it (`queues.NAME.when_full`, …), else
    /// the transfer's `when_no_operator` (itself defaulting to `defaults.when_no_operator`).
    /// This is the one rule the engine, the graph and the checks use.
    pub fn plan(&self, reason: NoOperatorReason) -> Option<&NoOperator> {
        self.settings.plans.get(reason).or(self.when_no_operator.as_ref())
    }

    /// Every plan the transfer may run, with the reasons it runs for, each plan once (in the
    /// order of [`NoOperatorReason::ALL`]).
    pub fn plans(&self) -> Vec<(Vec<NoOperatorReason>, &NoOperator)> {
        let mut out: Vec<(Vec<NoOperatorReason>, &NoOperator)> = Vec::new();
        for r in NoOperatorReason::ALL {
            if !self.settings.can_happen(r) {
                continue;
            }
            let Some(p) = self.plan(r) else { continue };
            match out.iter_mut().find(|(_, q)| std::ptr::eq(*q, p)) {
                Some((rs, _)) => rs.push(r),
                None => out.push((vec![r], p)),
            }
        }
        out
    }
}

/// Why no call-taker can take a call: each may have its own plan in `queues:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoOperatorReason {
    /// Nobody is logged in to take it (or no console can be reached, or the console went
    /// away): `when_unstaffed`.
    Unstaffed,
    /// The queue holds its `max_waiting` callers already (Amazon Connect's
    /// `QueueAtCapacity` branch of "Transfer to queue"): `when_full`.
    Full,
    /// The queue is outside its opening hours (`hours:`): `when_closed`.
    Closed,
    /// The caller waited `max_wait` in the queue: `when_waited_too_long`.
    WaitedTooLong,
}

impl NoOperatorReason {
    /// Every reason.
    pub const ALL: [NoOperatorReason; 4] = [
        NoOperatorReason::Unstaffed,
        NoOperatorReason::Full,
        NoOperatorReason::Closed,
        NoOperatorReason::WaitedTooLong,
    ];

    /// The field of `queues.NAME` that gives its plan (`when_unstaffed`, …).
    pub fn field(self) -> &'static str {
        match self {
            NoOperatorReason::Unstaffed => "when_unstaffed",
            NoOperatorReason::Full => "when_full",
            NoOperatorReason::Closed => "when_closed",
            NoOperatorReason::WaitedTooLong => "when_waited_too_long",
        }
    }

    /// In words, for captions and the path (`the queue is full`).
    pub fn words(self) -> &'static str {
        match self {
            NoOperatorReason::Unstaffed => "no call-taker is logged in",
            NoOperatorReason::Full => "the queue is full",
            NoOperatorReason::Closed => "the queue is closed",
            NoOperatorReason::WaitedTooLong => "the caller waited too long",
        }
    }
}

/// A plan per [`NoOperatorReason`] (`None`: the transfer's `when_no_operator`).
#[derive(Clone, Debug, Default)]
pub struct ReasonPlans {
    /// `when_unstaffed`.
    pub unstaffed: Option<NoOperator>,
    /// `when_full`.
    pub full: Option<NoOperator>,
    /// `when_closed`.
    pub closed: Option<NoOperator>,
    /// `when_waited_too_long`.
    pub waited_too_long: Option<NoOperator>,
}

impl ReasonPlans {
    /// The plan given for `reason`.
    pub fn get(&self, reason: NoOperatorReason) -> Option<&NoOperator> {
        self.slot(reason).as_ref()
    }

    fn slot(&self, reason: NoOperatorReason) -> &Option<NoOperator> {
        match reason {
            NoOperatorReason::Unstaffed => &self.unstaffed,
            NoOperatorReason::Full => &self.full,
            NoOperatorReason::Closed => &self.closed,
            NoOperatorReason::WaitedTooLong => &self.waited_too_long,
        }
    }

    /// The plan given for `reason`, to change.
    pub fn slot_mut(&mut self, reason: NoOperatorReason) -> &mut Option<NoOperator> {
        match reason {
            NoOperatorReason::Unstaffed => &mut self.unstaffed,
            NoOperatorReason::Full => &mut self.full,
            NoOperatorReason::Closed => &mut self.closed,
            NoOperatorReason::WaitedTooLong => &mut self.waited_too_long,
        }
    }
}

/// One queue's settings (`queues: { NAME: … }`); [`Default`] is how a queue not listed
/// behaves (menu format v1: no limit, always open, no wait limit, the plan at once when
/// nobody is logged in).
#[derive(Clone, Debug)]
pub struct QueueSettings {
    /// Most callers waiting at once (`max_waiting`, ≥ 1); one more is refused with reason
    /// [`NoOperatorReason::Full`]. `None`: no limit. See [`crate::rules::queue::has_room`].
    pub max_waiting: Option<u32>,
    /// The schedule (a name under `schedules:`) outside of which the queue is closed
    /// (`hours`). `None`: always open.
    pub hours: Option<String>,
    /// Longest time a caller waits in the queue (`max_wait`), from joining it; then
    /// [`NoOperatorReason::WaitedTooLong`]. `None`: no limit. Asterisk's `timeout` argument
    /// of `Queue()`; Amazon Connect's "time in queue" check of a customer queue flow.
    pub max_wait: Option<Duration>,
    /// Whether a caller may join (and wait in) the queue while nobody is logged in
    /// (`join_empty`; Asterisk's `joinempty`). Default `false`: the plan runs at once.
    pub join_empty: bool,
    /// Whether a waiting caller is taken out when the last call-taker logs out
    /// (`leave_when_empty`; Asterisk's `leavewhenempty`). Default `true`.
    pub leave_when_empty: bool,
    /// The plans per reason.
    pub plans: ReasonPlans,
    /// Where each plan of [`QueueSettings::plans`] is written, by reason.
    pub plan_spans: Vec<(NoOperatorReason, Span)>,
    /// Where the queue is described under `queues:` (`None`: not listed).
    pub span: Option<Span>,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            max_waiting: None,
            hours: None,
            max_wait: None,
            join_empty: false,
            leave_when_empty: true,
            plans: ReasonPlans::default(),
            plan_spans: Vec::new(),
            span: None,
        }
    }
}

impl QueueSettings {
    /// Whether `reason` can happen for this queue: `full` needs `max_waiting`, `closed`
    /// needs `hours`, `waited_too_long` needs `max_wait`; nobody staffed can always happen
    /// (no console, or the console gone).
    pub fn can_happen(&self, reason: NoOperatorReason) -> bool {
        match reason {
            NoOperatorReason::Unstaffed => true,
            NoOperatorReason::Full => self.max_waiting.is_some(),
            NoOperatorReason::Closed => self.hours.is_some(),
            NoOperatorReason::WaitedTooLong => self.max_wait.is_some(),
        }
    }
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
    /// The expected-wait announcement after each position announcement (`expected_wait`).
    pub expected_wait: Option<Box<ExpectedWait>>,
    /// A second announcement with its own period (`periodic`).
    pub periodic: Option<Box<Periodic>>,
    /// The key that takes a waiting caller out of the queue (`exit`).
    pub exit: Option<Box<HoldExit>>,
}

impl Default for Hold {
    fn default() -> Self {
        Hold {
            every: DEFAULT_HOLD_EVERY,
            prompt: None,
            expected_wait: None,
            periodic: None,
            exit: None,
        }
    }
}

/// `hold.expected_wait`: how the expected wait is estimated and said
/// ([`crate::rules::queue::expected_wait`]).
#[derive(Clone, Debug)]
pub struct ExpectedWait {
    /// Average handle time of one call.
    pub handle_time: Duration,
    /// Call-takers answering the queue (≥ 1).
    pub call_takers: u32,
    /// The announcement (`{wait}` in whole minutes); `None`: the built-in one.
    pub prompt: Option<Prompt>,
}

/// `hold.periodic`: a second announcement, first `every` after joining, then every `every`
/// (start to start).
#[derive(Clone, Debug)]
pub struct Periodic {
    /// Period, start to start (≥ 5 s).
    pub every: Duration,
    /// The announcement.
    pub prompt: Prompt,
}

/// `hold.exit`: a key that takes a waiting caller out of the queue to `to`.
#[derive(Clone, Debug)]
pub struct HoldExit {
    /// The key (one DTMF character).
    pub key: char,
    /// Where the key is written.
    pub key_span: Span,
    /// Where the caller goes.
    pub to: NodeRef,
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
