//! Building a [`Menu`] from nodes and references, with the findings of the menu format.
//!
//! [`MenuBuilder`] is the one way a menu is made: the YAML loader ([`super::load`]) is one
//! client, translating what it read into builder calls; importers of other formats are
//! others. Every item is given with its place, a [`Span`]: a byte range of a file, or a JSON
//! pointer into one ([`Sources::pointer`](crate::source::Sources::pointer)), so findings
//! point into the file the menu came from. The builder makes the checks that do not depend
//! on how a menu is written (each with the code and message the YAML loader has always
//! reported):
//!
//! - node ids: empty (E016), used twice (E005);
//! - references (`entry`, `to`, `next`, `fallback`, `default`, `operator`, …), resolved in
//!   [`MenuBuilder::finish`], so a node may be named before it is added: unknown ids (E006,
//!   with "did you mean"); an id that was declared but never added (a node the client could
//!   not read) is [`Target::Unreadable`], without a finding;
//! - menu options: the same key twice (E008), spoken keywords (normalised; empty, without a
//!   letter or digit or of only digits, which a caller's line reads as keys: E016;
//!   twice: E008), an option's language (E016);
//! - value ranges: durations (zero, over 24 hours), counts of at least 1, `digits` of a
//!   collect, hold announcement spacing (E016); global keys on one key (E008); languages,
//!   schedules and dispositions named twice (E016); blank prompt texts (E004); clip paths that
//!   leave `audio_dir` (E013).
//!
//! Defaults (`defaults:` of the format) are merged into the nodes in `finish`, so they may be
//! given before or after the nodes. Syntax findings (unknown fields, wrong types, unparsable
//! durations or keys) stay with the client that reads the syntax; it passes them to
//! [`MenuBuilder::report`] so that all findings come out in the order they were made.
//!
//! ```
//! use std::path::Path;
//! use ivrsim::menu::build::{At, MenuBuilder, NodeSpec, OptionSpec};
//! use ivrsim::menu::{DtmfKey, HangupNode, NodeKind, Prompt, Target};
//! use ivrsim::source::Sources;
//!
//! let mut sources = Sources::new();
//! let file = sources.add("flow.json", r#"{"Actions": []}"#);
//! let at = |sources: &mut Sources, pointer: &str| sources.pointer(file, pointer);
//!
//! let mut b = MenuBuilder::new(Path::new("flow.json"), "Hotline", at(&mut sources, ""));
//! let entry = b.reference("main", at(&mut sources, "/StartAction"));
//! b.entry(entry);
//! // `main` names `bye` before `bye` is added, and `nowhere`, which is never added.
//! let options = vec![
//!     OptionSpec::new(
//!         At::new(DtmfKey::parse("1").unwrap(), at(&mut sources, "/Actions/0/Conditions/0")),
//!         b.reference("bye", at(&mut sources, "/Actions/0/Conditions/0/NextAction")),
//!     ),
//!     OptionSpec::new(
//!         At::new(DtmfKey::parse("2").unwrap(), at(&mut sources, "/Actions/0/Conditions/1")),
//!         b.reference("nowhere", at(&mut sources, "/Actions/0/Conditions/1/NextAction")),
//!     ),
//! ];
//! let main = at(&mut sources, "/Actions/0");
//! b.add_node(
//!     At::new("main".into(), main),
//!     None,
//!     NodeSpec::menu(Prompt::text_only("Press 1 to hang up."), options),
//! );
//! let bye = at(&mut sources, "/Actions/1");
//! b.add_node(
//!     At::new("bye".into(), bye),
//!     None,
//!     NodeSpec::Hangup(HangupNode { prompt: None, reason: "done".into() }),
//! );
//! let (menu, findings) = b.finish();
//!
//! let main = menu.find("main").unwrap();
//! let NodeKind::Menu(m) = &menu.node(main).kind else { panic!() };
//! assert_eq!(m.options[0].to.target, Target::Node(menu.find("bye").unwrap()));
//! assert_eq!(m.options[1].to.target, Target::Missing);
//! let shown = ivrsim::diag::render_plain(&sources, &findings);
//! assert!(shown.contains("error[E006]: no node `nowhere`"), "{shown}");
//! assert!(shown.contains("--> flow.json: /Actions/0/Conditions/1/NextAction"), "{shown}");
//! ```

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use indexmap::IndexMap;
use regex::Regex;

use super::load::suggest;
use super::lower::{
    DEFAULT_INTER_DIGIT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_COLLECT_DIGITS, MAX_DURATION,
    MIN_HOLD_EVERY, display_dir, is_language_tag, normalize,
};
use super::*;
use crate::diag::{Code, Diagnostic};
use crate::rules::Keyword;
use crate::source::Span;

/// A value and the place it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub at: Span,
}

impl<T> At<T> {
    /// `value`, written at `at`.
    pub fn new(value: T, at: Span) -> Self {
        At { value, at }
    }
}

/// The timing and retry settings of a node that waits for the caller, or of the menu's
/// defaults, as given: each `None` is taken from the defaults (for the defaults: from the
/// built-in values of `docs/menu-format.md`: a 5 s timeout, 3 s between digits, 3 retries) when
/// the menu is finished.
#[derive(Clone, Debug, Default)]
pub struct ListenSpec {
    /// `timeout`: more than zero, at most 24 hours.
    pub timeout: Option<At<Duration>>,
    /// `inter_digit_timeout`: more than zero, at most 24 hours.
    pub inter_digit_timeout: Option<At<Duration>>,
    /// `max_no_input`: at least 1, or unlimited.
    pub max_no_input: Option<At<Retries>>,
    /// `max_no_match`: at least 1, or unlimited.
    pub max_no_match: Option<At<Retries>>,
    /// `counting` (built-in: per visit).
    pub counting: Option<At<Counting>>,
    /// `fallback`: the one-line form of both fallbacks.
    pub fallback: Option<NodeRef>,
    /// `fallback_no_input`.
    pub fallback_no_input: Option<NodeRef>,
    /// `fallback_no_match`.
    pub fallback_no_match: Option<NodeRef>,
    /// `short_prompt` (nodes only; `defaults` has none).
    pub short_prompt: Option<Box<Prompt>>,
    /// `no_input` re-prompts.
    pub no_input: Option<Vec<Prompt>>,
    /// `no_match` re-prompts.
    pub no_match: Option<Vec<Prompt>>,
    /// `barge_in` (built-in: yes).
    pub barge_in: Option<bool>,
    /// `type_ahead` (built-in: no).
    pub type_ahead: Option<bool>,
    /// `key_match` (built-in: early); its `digit_len` is the field below.
    pub key_match: Option<At<KeyMatchPolicy>>,
    /// `digit_len` of `key_match: full_length`: 1 to [`pattern::MAX_ENTRY`] keys.
    pub digit_len: Option<At<u32>>,
}

/// Hold announcements as given (`hold:`): each `None` is taken from the defaults.
#[derive(Clone, Debug, Default)]
pub struct HoldSpec {
    /// `every`: at least 5 seconds, at most 24 hours.
    pub every: Option<At<Duration>>,
    /// The announcement.
    pub prompt: Option<Prompt>,
    /// `expected_wait`.
    pub expected_wait: Option<Box<super::ExpectedWait>>,
    /// `periodic` (its `every` checked like `every`'s).
    pub periodic: Option<Box<super::Periodic>>,
    /// `exit`.
    pub exit: Option<Box<super::HoldExit>>,
}

/// One queue's settings as given (`queues: { NAME: … }`), checked by
/// [`MenuBuilder::add_queue`].
#[derive(Clone, Debug, Default)]
pub struct QueueSpec {
    /// `max_waiting` (≥ 1).
    pub max_waiting: Option<At<u32>>,
    /// `hours`: a schedule name.
    pub hours: Option<At<String>>,
    /// `max_wait`.
    pub max_wait: Option<At<Duration>>,
    /// `join_empty` (built-in: no).
    pub join_empty: Option<bool>,
    /// `leave_when_empty` (built-in: yes).
    pub leave_when_empty: Option<bool>,
    /// The plans per reason.
    pub plans: super::ReasonPlans,
    /// Where each plan is written.
    pub plan_spans: Vec<(super::NoOperatorReason, Span)>,
}

/// One option of a menu node, as given.
#[derive(Clone, Debug)]
pub struct OptionSpec {
    /// The key; `None` when the client could not read it (it said why): the option is then
    /// checked but left out of the menu.
    pub key: Option<At<DtmfKey>>,
    /// Where the option is written (for findings about it when the key is not given).
    pub at: Span,
    /// Where it leads (from [`MenuBuilder::reference`]).
    pub to: NodeRef,
    /// Spoken keywords as written; normalised by the builder.
    pub say: Vec<At<String>>,
    /// Short name for reports.
    pub label: Option<String>,
    /// Language the call switches to; one of the menu's languages.
    pub language: Option<At<String>>,
    /// Instead of `key`: a pattern of keys ([`KeyPattern`]); one that matches no entry is an
    /// error (E021) and the option is left out.
    pub pattern: Option<At<KeyPattern>>,
    /// Variable the keys dialled are stored in.
    pub store: Option<String>,
    /// Variables set when the option is taken.
    pub set: Vec<SetVar>,
}

impl OptionSpec {
    /// An option of `key` leading to `to`, with no keywords, label or language.
    pub fn new(key: At<DtmfKey>, to: NodeRef) -> Self {
        OptionSpec {
            at: key.at,
            key: Some(key),
            to,
            say: Vec::new(),
            label: None,
            language: None,
            pattern: None,
            store: None,
            set: Vec::new(),
        }
    }
}

/// How many digits a collect takes (`digits:`), as given.
#[derive(Clone, Debug)]
pub struct DigitsSpec {
    /// Where `digits` is written.
    pub at: Span,
    /// Fewest digits (default 1; at least 1).
    pub min: Option<At<u32>>,
    /// Most digits (required; at least `min`, at most 64).
    pub max: Option<At<u32>>,
    /// Key that ends entry: `#` or `*`.
    pub terminator: Option<At<DtmfKey>>,
    /// The keys that are data (`keys:`, e.g. `"0123456789*#"`); digits always are.
    pub keys: Option<At<String>>,
}

/// What a node does, as given to [`MenuBuilder::add_node`]: the kinds of [`NodeKind`], with
/// the settings that defaults complete left open.
#[derive(Clone, Debug)]
pub enum NodeSpec {
    /// A `menu` node.
    Menu {
        /// The menu prompt.
        prompt: Prompt,
        /// The choices, in order.
        options: Vec<OptionSpec>,
        /// Timing and retries.
        listen: ListenSpec,
    },
    /// A `message` node.
    Message {
        /// What the caller hears.
        prompt: Prompt,
        /// Where the call goes next.
        next: NodeRef,
        /// Whether a key stops the prompt (default: that of the defaults).
        barge_in: Option<bool>,
    },
    /// A `collect` node.
    Collect {
        /// The request.
        prompt: Prompt,
        /// How many digits, and the terminator.
        digits: DigitsSpec,
        /// Pattern the value must match.
        pattern: Option<Regex>,
        /// Variable the value is stored in.
        store: String,
        /// Where the call goes with the value.
        next: NodeRef,
        /// Timing and retries (`type_ahead` does not apply).
        listen: ListenSpec,
    },
    /// A `route` node.
    Route(RouteNode),
    /// A `transfer` node.
    Transfer {
        /// Queue name.
        queue: String,
        /// Priority in the queue.
        priority: Priority,
        /// What the caller hears while transferred.
        prompt: Option<Prompt>,
        /// Variables passed on; `None`: all.
        context: Option<Vec<String>>,
        /// Hold announcements; `None`: those of the defaults.
        hold: Option<HoldSpec>,
        /// What happens when no call-taker can take the call: `None` takes the defaults';
        /// `Some(None)` is none (also when the client could not read the one given).
        when_no_operator: Option<Option<NoOperator>>,
    },
    /// A `hangup` node.
    Hangup(HangupNode),
    /// An `external` node.
    External(ExternalNode),
    /// A `callback` node.
    Callback(CallbackNode),
    /// A `record` node.
    Record {
        /// The node; its `timeout` is replaced by that of the defaults when `timeout` is
        /// `None`.
        record: RecordNode,
        /// The node's own `timeout`, if it gives one.
        timeout: Option<Duration>,
    },
}

impl NodeSpec {
    /// A menu node with `options` and the default timing and retries.
    pub fn menu(prompt: Prompt, options: Vec<OptionSpec>) -> Self {
        NodeSpec::Menu {
            prompt,
            options,
            listen: ListenSpec::default(),
        }
    }
}

/// A finding, or the place of a reference's finding, decided in `finish`.
enum Finding {
    Made(Diagnostic),
    /// The reference `refs[i]`: E006 if nothing by its name is declared.
    Reference(usize),
}

/// A node added, before defaults are merged in.
struct Draft {
    id: String,
    span: Span,
    description: Option<String>,
    spec: NodeSpec,
}

/// Builds a [`Menu`], collecting the findings about it (see the module documentation).
pub struct MenuBuilder {
    name: String,
    path: PathBuf,
    top: Span,
    audio_dir: PathBuf,
    entry: Option<NodeRef>,
    languages: Vec<String>,
    schedules: IndexMap<String, Schedule>,
    schedule_spans: HashMap<String, Span>,
    queues: IndexMap<String, super::QueueSettings>,
    keys: GlobalKeys,
    operator: Option<NodeRef>,
    main_menu: Option<NodeRef>,
    goodbye: Option<Prompt>,
    listen: ListenSpec,
    hold: HoldSpec,
    when_no_operator: Option<NoOperator>,
    lint: LintSettings,
    dispositions: Vec<Disposition>,
    /// `lint_allow` of nodes, by id.
    lint_allow: HashMap<String, Vec<Code>>,
    /// Node ids declared, with the place of the first declaration.
    declared: HashMap<String, Span>,
    nodes: Vec<Draft>,
    ids: HashMap<String, NodeId>,
    refs: Vec<(String, Span)>,
    findings: Vec<Finding>,
    /// `set:` of nodes, by node id.
    node_sets: HashMap<String, Vec<SetVar>>,
    self_service: bool,
    preset_variables: Vec<String>,
}

impl MenuBuilder {
    /// A builder of the menu `name` read from `path`; `top` is the place of the menu as a
    /// whole (findings about what it lacks point there). Clips are looked for next to `path`
    /// until [`MenuBuilder::audio_dir`] says otherwise.
    pub fn new(path: &Path, name: impl Into<String>, top: Span) -> Self {
        let audio_dir = normalize(path.parent().unwrap_or(Path::new("")));
        MenuBuilder {
            name: name.into(),
            path: path.to_owned(),
            top,
            audio_dir,
            entry: None,
            languages: vec!["en".into()],
            schedules: IndexMap::new(),
            queues: IndexMap::new(),
            schedule_spans: HashMap::new(),
            keys: GlobalKeys::default(),
            operator: None,
            main_menu: None,
            goodbye: None,
            listen: ListenSpec::default(),
            hold: HoldSpec::default(),
            when_no_operator: None,
            lint: LintSettings::default(),
            dispositions: Vec::new(),
            lint_allow: HashMap::new(),
            declared: HashMap::new(),
            nodes: Vec::new(),
            ids: HashMap::new(),
            refs: Vec::new(),
            findings: Vec::new(),
            node_sets: HashMap::new(),
            self_service: false,
            preset_variables: Vec::new(),
        }
    }

    /// The menu's display name.
    pub fn name(&mut self, name: impl Into<String>) {
        self.name = name.into();
    }

    /// Adds a finding of the client's own (about the syntax it reads), in order with the
    /// builder's.
    pub fn report(&mut self, d: Diagnostic) {
        self.findings.push(Finding::Made(d));
    }

    /// The folder of the clips (already resolved against the menu's folder).
    pub fn audio_dir(&mut self, dir: PathBuf) {
        self.audio_dir = dir;
    }

    /// The menu's languages, the first the default (E016: not a BCP 47 tag, listed twice,
    /// none at all; `at` is where the list is written). Without this call: `[en]`. Give them
    /// before prompts, options and routes that name languages.
    pub fn languages(&mut self, tags: Vec<At<String>>, at: Span) {
        let mut out: Vec<String> = Vec::new();
        for l in tags {
            if !is_language_tag(&l.value) {
                self.report(
                    Diagnostic::new(Code::InvalidValue, l.at, format!("`{}` is not a language tag", l.value))
                        .label("expected a tag such as `en`, `es` or `pt-BR` (BCP 47)"),
                );
            } else if out.contains(&l.value) {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        l.at,
                        format!("language `{}` is listed twice", l.value),
                    )
                    .label("repeated"),
                );
            } else {
                out.push(l.value);
            }
        }
        if out.is_empty() {
            self.report(
                Diagnostic::new(Code::InvalidValue, at, "`languages` is empty")
                    .label("list at least one language, e.g. `[en]`"),
            );
            out.push("en".into());
        }
        self.languages = out;
    }

    /// The menu's languages so far (`[en]` until [`MenuBuilder::languages`]).
    pub fn language_tags(&self) -> &[String] {
        &self.languages
    }

    /// Whether `tag` is one of the menu's languages; E016 at its place if not.
    pub fn known_language(&mut self, tag: &At<String>) -> bool {
        if self.language_tags().contains(&tag.value) {
            return true;
        }
        let d = Diagnostic::new(
            Code::InvalidValue,
            tag.at,
            format!("`{}` is not one of the menu's languages", tag.value),
        )
        .label(format!("`languages` is [{}]", self.language_tags().join(", ")));
        self.report(d);
        false
    }

    /// Whether `tag` may be a prompt's translation: one of the menu's languages other than
    /// the default; E016 at its place if not.
    pub fn translation_language(&mut self, tag: &At<String>) -> bool {
        let languages = self.language_tags();
        if languages[1..].contains(&tag.value) {
            return true;
        }
        let mut d = Diagnostic::new(
            Code::InvalidValue,
            tag.at,
            format!("`{}` is not one of the menu's other languages", tag.value),
        );
        d = if languages.first() == Some(&tag.value) {
            d.label("this is the default language: write it in the prompt's own `text`")
        } else {
            d.label(format!("`languages` is [{}]", languages.join(", ")))
        };
        if let Some(h) = suggest(
            &tag.value,
            languages.iter().map(String::as_str).chain(["text", "audio"]),
        ) {
            d = d.help(h);
        }
        self.report(d);
        false
    }

    /// Claims the schedule name `name`: `false` (E016) when a schedule has it already.
    pub fn declare_schedule(&mut self, name: &At<String>) -> bool {
        if let Some(first) = self.schedule_spans.get(&name.value) {
            if *first == name.at {
                return true;
            }
            let d = Diagnostic::new(
                Code::InvalidValue,
                name.at,
                format!("schedule `{}` is defined twice", name.value),
            )
            .label("defined again here")
            .with_secondary(*first, "first defined here");
            self.report(d);
            return false;
        }
        self.schedule_spans.insert(name.value.clone(), name.at);
        true
    }

    /// Adds the schedule `name` (declaring it, if [`MenuBuilder::declare_schedule`] did not).
    pub fn add_schedule(&mut self, name: At<String>, schedule: Schedule) {
        if self.declare_schedule(&name) {
            self.schedules.insert(name.value, schedule);
        }
    }

    /// Adds the settings of queue `name` (`queues:`): `max_waiting` of 0 and a `max_wait`
    /// out of range are reported (E016) and dropped, `hours` must name a schedule (E016,
    /// so add schedules first), a queue named twice is reported (E016) and the first kept.
    pub fn add_queue(&mut self, name: At<String>, spec: QueueSpec) {
        if let Some(first) = self.queues.get(&name.value).and_then(|q| q.span) {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    name.at,
                    format!("queue `{}` is described twice", name.value),
                )
                .label("described again here")
                .with_secondary(first, "first described here"),
            );
            return;
        }
        let max_waiting = spec.max_waiting.and_then(|m| {
            if m.value == 0 {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        m.at,
                        "`max_waiting: 0`: no caller could ever wait in this queue",
                    )
                    .label("at least 1")
                    .help("leave `max_waiting` out for a queue without a limit"),
                );
                None
            } else {
                Some(m.value)
            }
        });
        let max_wait = spec.max_wait.and_then(|d| self.duration("max_wait", &d));
        let hours = spec.hours.filter(|h| self.known_schedule(h)).map(|h| h.value);
        let settings = super::QueueSettings {
            max_waiting,
            hours,
            max_wait,
            join_empty: spec.join_empty.unwrap_or(false),
            leave_when_empty: spec.leave_when_empty.unwrap_or(true),
            plans: spec.plans,
            plan_spans: spec.plan_spans,
            span: Some(name.at),
        };
        self.queues.insert(name.value, settings);
    }

    /// Whether the schedule `name` is defined; E016 at its place if not.
    pub fn known_schedule(&mut self, name: &At<String>) -> bool {
        if self.schedules.contains_key(&name.value) {
            return true;
        }
        let mut d = Diagnostic::new(Code::InvalidValue, name.at, format!("no schedule `{}`", name.value))
            .label("not defined under `schedules`");
        if let Some(help) = suggest(&name.value, self.schedules.keys().map(String::as_str)) {
            d = d.help(help);
        }
        self.report(d);
        false
    }

    /// A reference to the node `name`, written at `at`; resolved in [`MenuBuilder::finish`]
    /// (E006 there when no node of that id is declared).
    pub fn reference(&mut self, name: impl Into<String>, at: Span) -> NodeRef {
        let name = name.into();
        self.findings.push(Finding::Reference(self.refs.len()));
        self.refs.push((name.clone(), at));
        NodeRef {
            name,
            span: at,
            target: Target::Missing,
        }
    }

    /// Where the call starts. Without it, `finish` reports E004 at the menu's place.
    pub fn entry(&mut self, to: NodeRef) {
        self.entry = Some(to);
    }

    /// Claims the node id `id`: `false` when it is empty (E016) or already used (E005). A
    /// node declared and never added is one the client could not read: references to it
    /// are [`Target::Unreadable`], without a finding of their own.
    pub fn declare(&mut self, id: &At<String>) -> bool {
        if let Some(first) = self.declared.get(id.value.as_str()) {
            if *first == id.at {
                return true;
            }
            let d = Diagnostic::new(
                Code::DuplicateNode,
                id.at,
                format!("node id `{}` is used twice", id.value),
            )
            .label("second node with this id")
            .with_secondary(*first, "first defined here")
            .help("rename one of the nodes; ids must be unique across the menu and its includes");
            self.report(d);
            return false;
        }
        self.declared.insert(id.value.clone(), id.at);
        if id.value.trim().is_empty() {
            self.report(Diagnostic::new(Code::InvalidValue, id.at, "empty node id").label("give the node an id"));
            return false;
        }
        true
    }

    /// Warnings `check` does not report for node `id` (its `lint_allow:`).
    pub fn node_lint_allow(&mut self, id: &str, codes: Vec<Code>) {
        if !codes.is_empty() {
            self.lint_allow.entry(id.to_owned()).or_default().extend(codes);
        }
    }

    /// Adds the node `id` (declaring it, if [`MenuBuilder::declare`] did not; a node whose id
    /// is refused is left out), checking its options, digits and value ranges.
    pub fn add_node(&mut self, id: At<String>, description: Option<String>, spec: NodeSpec) {
        if !self.declare(&id) || self.ids.contains_key(&id.value) {
            return;
        }
        let spec = match spec {
            NodeSpec::Menu {
                prompt,
                options,
                listen,
            } => {
                let options = self.options(&id.value, options);
                NodeSpec::Menu {
                    prompt,
                    options,
                    listen: self.checked_listen(listen),
                }
            }
            NodeSpec::Collect {
                prompt,
                digits,
                pattern,
                store,
                next,
                listen,
            } => {
                let digits = self.digits(digits);
                NodeSpec::Collect {
                    prompt,
                    digits,
                    pattern,
                    store,
                    next,
                    listen: self.checked_listen(listen),
                }
            }
            NodeSpec::Transfer {
                queue,
                priority,
                prompt,
                context,
                hold,
                when_no_operator,
            } => NodeSpec::Transfer {
                queue,
                priority,
                prompt,
                context,
                hold: hold.map(|h| self.checked_hold(h)),
                when_no_operator,
            },
            other => other,
        };
        self.ids.insert(id.value.clone(), NodeId(self.nodes.len() as u32));
        self.nodes.push(Draft {
            id: id.value,
            span: id.at,
            description,
            spec,
        });
    }

    /// Variables set when the call enters node `id` (`set:`), in order; for a node added with
    /// [`MenuBuilder::add_node`] (others are ignored).
    pub fn node_set(&mut self, id: &str, set: Vec<SetVar>) {
        if self.ids.contains_key(id) {
            self.node_sets.entry(id.to_owned()).or_default().extend(set);
        }
    }

    /// `self_service:` the menu is self-service by design (no E014).
    pub fn self_service(&mut self, yes: bool) {
        self.self_service = yes;
    }

    /// `variables:` names of variables a call may bring with it.
    pub fn preset_variables(&mut self, names: Vec<String>) {
        self.preset_variables = names;
    }

    /// The settings of `defaults` for waiting nodes, checked as a node's are.
    pub fn listen_defaults(&mut self, listen: ListenSpec) {
        self.listen = self.checked_listen(listen);
    }

    /// The hold announcements of `defaults`.
    pub fn hold_defaults(&mut self, hold: HoldSpec) {
        self.hold = self.checked_hold(hold);
    }

    /// What transfers do when no call-taker can take the call, unless they say.
    pub fn no_operator_default(&mut self, plan: NoOperator) {
        self.when_no_operator = Some(plan);
    }

    /// The global key of `action` (E008 when another global key has the same key: it is then
    /// left out).
    pub fn global_key(&mut self, action: GlobalAction, key: At<DtmfKey>) {
        let same = self
            .keys
            .iter()
            .find(|(_, g)| g.key == key.value)
            .map(|(a, g)| (a, g.span));
        if let Some((other, first)) = same {
            let d = Diagnostic::new(
                Code::DuplicateKey,
                key.at,
                format!(
                    "global keys `{}` and `{}` are both `{}`",
                    other.name(),
                    action.name(),
                    key.value
                ),
            )
            .label("same key")
            .with_secondary(first, format!("`{}` is defined here", other.name()));
            self.report(d);
            return;
        }
        let slot = match action {
            GlobalAction::Operator => &mut self.keys.operator,
            GlobalAction::Repeat => &mut self.keys.repeat,
            GlobalAction::Back => &mut self.keys.back,
            GlobalAction::MainMenu => &mut self.keys.main_menu,
        };
        *slot = Some(GlobalKey {
            key: key.value,
            span: key.at,
        });
    }

    /// Where the operator key leads (default: the defaults' `fallback`).
    pub fn operator(&mut self, to: NodeRef) {
        self.operator = Some(to);
    }

    /// Where the main-menu key leads (default: `entry`).
    pub fn main_menu(&mut self, to: NodeRef) {
        self.main_menu = Some(to);
    }

    /// Played when a retry limit ends the call.
    pub fn goodbye(&mut self, prompt: Prompt) {
        self.goodbye = Some(prompt);
    }

    /// Lint thresholds (their ranges checked by the client with [`MenuBuilder::at_least_one`]
    /// and [`MenuBuilder::duration`]).
    pub fn lint(&mut self, lint: LintSettings) {
        self.lint = lint;
    }

    /// Adds a wrap-up code (E016 when it is not made of letters, digits, `_` and `-`, or
    /// listed twice: it is then left out).
    pub fn disposition(&mut self, code: At<String>, description: String) {
        let ok = !code.value.is_empty()
            && code
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    code.at,
                    format!("`{}` is not a disposition code", code.value),
                )
                .label("letters, digits, `_` and `-` only")
                .help("a call-taker types it after `:end`, e.g. `report_taken`"),
            );
            return;
        }
        if let Some(first) = self.dispositions.iter().find(|d| d.code == code.value) {
            let d = Diagnostic::new(
                Code::InvalidValue,
                code.at,
                format!("disposition `{}` is listed twice", code.value),
            )
            .label("second one")
            .with_secondary(first.span, "first one");
            self.report(d);
            return;
        }
        self.dispositions.push(Disposition {
            code: code.value,
            description,
            span: code.at,
        });
    }

    /// A prompt written at `at` that says `text` (E004 when it is blank), with the clip
    /// `audio` (see [`MenuBuilder::clip`]) and no translations yet (add them to
    /// [`Prompt::translations`], their languages checked with
    /// [`MenuBuilder::translation_language`] and their texts with [`MenuBuilder::prompt_text`]).
    pub fn prompt(&mut self, at: Span, text: &At<String>, audio: Option<&At<String>>) -> Prompt {
        let said = self.prompt_text(text);
        let audio = audio.and_then(|a| self.clip(a));
        Prompt {
            text: said,
            audio,
            translations: IndexMap::new(),
            span: at,
            text_span: text.at,
        }
    }

    /// The words of a prompt; E004 (and an empty text) when they are blank.
    pub fn prompt_text(&mut self, text: &At<String>) -> String {
        if text.value.trim().is_empty() {
            self.report(
                Diagnostic::new(Code::MissingField, text.at, "prompt `text` is empty")
                    .label("write what the caller hears"),
            );
            return String::new();
        }
        text.value.clone()
    }

    /// A clip named `name` under the menu's `audio_dir`; `None` (E004 empty, E013 outside
    /// `audio_dir`) when it cannot be used. Whether the file exists is checked later, with
    /// the clips.
    pub fn clip(&mut self, name: &At<String>) -> Option<ClipRef> {
        if name.value.trim().is_empty() {
            self.report(
                Diagnostic::new(Code::MissingField, name.at, "`audio` is empty")
                    .label("name a clip under `audio_dir`, or remove `audio`"),
            );
            return None;
        }
        let p = Path::new(&name.value);
        let mut depth = 0i32;
        let mut escapes = false;
        for c in p.components() {
            match c {
                Component::Normal(_) => depth += 1,
                Component::CurDir => {}
                Component::ParentDir => {
                    depth -= 1;
                    if depth < 0 {
                        escapes = true;
                    }
                }
                Component::RootDir | Component::Prefix(_) => escapes = true,
            }
        }
        if escapes || depth <= 0 {
            self.report(
                Diagnostic::new(
                    Code::ClipEscapes,
                    name.at,
                    format!("clip path `{}` leaves `audio_dir`", name.value),
                )
                .label("refused")
                .note(format!(
                    "clips are read only from inside `audio_dir` ({})",
                    display_dir(&self.audio_dir)
                ))
                .help("name a file inside `audio_dir`, e.g. `welcome.wav`"),
            );
            return None;
        }
        Some(ClipRef {
            name: name.value.clone(),
            path: self.audio_dir.join(p),
            span: name.at,
        })
    }

    /// `d` if it is more than zero and at most 24 hours; otherwise `None` with E016 naming
    /// `field`.
    pub fn duration(&mut self, field: &str, d: &At<Duration>) -> Option<Duration> {
        if d.value.is_zero() {
            self.report(
                Diagnostic::new(Code::InvalidValue, d.at, format!("`{field}` must be longer than zero")).label("zero"),
            );
            return None;
        }
        if d.value > MAX_DURATION {
            self.report(
                Diagnostic::new(Code::InvalidValue, d.at, format!("`{field}` is longer than 24 hours"))
                    .label("no line waits that long"),
            );
            return None;
        }
        Some(d.value)
    }

    /// `n` if it is at least 1; otherwise `None` with E016 naming `field`.
    pub fn at_least_one(&mut self, field: &str, n: &At<u32>) -> Option<u32> {
        if n.value != 0 {
            return Some(n.value);
        }
        self.report(
            Diagnostic::new(Code::InvalidValue, n.at, format!("`{field}` must be at least 1")).label(
                if field.starts_with("max_no_") {
                    "0 would send every caller to the fallback before they could answer"
                } else if field.starts_with("max_options") || field.starts_with("max_operator_keys") {
                    "0 would flag every menu"
                } else {
                    "0 is none at all"
                },
            ),
        );
        None
    }

    /// `listen` with each value out of range reported and dropped (the default applies).
    fn checked_listen(&mut self, mut listen: ListenSpec) -> ListenSpec {
        listen.timeout = listen.timeout.filter(|d| self.duration("timeout", d).is_some());
        listen.inter_digit_timeout = listen
            .inter_digit_timeout
            .filter(|d| self.duration("inter_digit_timeout", d).is_some());
        listen.max_no_input = listen.max_no_input.filter(|n| self.retry_limit("max_no_input", n));
        listen.max_no_match = listen.max_no_match.filter(|n| self.retry_limit("max_no_match", n));
        if let (Some(f), Some(i), Some(m)) = (&listen.fallback, &listen.fallback_no_input, &listen.fallback_no_match) {
            // Both kinds have their own: the one-line form is never taken (a contradiction
            // in the file, reported rather than silently ignored).
            self.report(
                Diagnostic::new(Code::InvalidValue, f.span, "`fallback` is never taken here")
                    .label("both `fallback_no_input` and `fallback_no_match` are set beside it")
                    .with_secondary(i.span, "no-input fallback")
                    .with_secondary(m.span, "no-match fallback")
                    .help("remove `fallback`, or one of the two it stands for"),
            );
        }
        // A kind's own fallback beside `unlimited` retries of that kind is never taken.
        for (limit, fallback, kind) in [
            (&listen.max_no_input, &listen.fallback_no_input, "no_input"),
            (&listen.max_no_match, &listen.fallback_no_match, "no_match"),
        ] {
            if let (Some(l), Some(f)) = (limit, fallback)
                && l.value == Retries::Unlimited
            {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        f.span,
                        format!("`fallback_{kind}` is never taken here"),
                    )
                    .label(format!(
                        "`max_{kind}` is `unlimited`: the prompt plays again after every failure"
                    ))
                    .with_secondary(l.at, "unlimited retries")
                    .help(format!("give `max_{kind}` a limit, or remove `fallback_{kind}`")),
                );
            }
        }
        listen.digit_len = listen.digit_len.filter(|n| {
            if n.value == 0 || n.value as usize > pattern::MAX_ENTRY {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        n.at,
                        format!("`digit_len` must be 1 to {} keys", pattern::MAX_ENTRY),
                    )
                    .label(if n.value == 0 {
                        "0 keys is no entry"
                    } else {
                        "too large"
                    }),
                );
                return false;
            }
            true
        });
        if let (Some(d), Some(m)) = (&listen.digit_len, &listen.key_match)
            && m.value == KeyMatchPolicy::Early
        {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    d.at,
                    "`digit_len` is for `key_match: full_length`, but this says `key_match: early`",
                )
                .label("two policies at once")
                .with_secondary(m.at, "early match acts on the keys without a length")
                .help("drop `digit_len`, or write `key_match: full_length`"),
            );
            listen.digit_len = None;
        }
        listen
    }

    /// Whether a retry limit is in range (a number of at least 1, or unlimited); E016 when not.
    fn retry_limit(&mut self, field: &str, n: &At<Retries>) -> bool {
        match n.value {
            Retries::Unlimited => true,
            Retries::Limit(v) => self.at_least_one(field, &At::new(v, n.at)).is_some(),
        }
    }

    /// `hold` with an `every` out of range reported and dropped.
    fn checked_hold(&mut self, mut hold: HoldSpec) -> HoldSpec {
        hold.every = hold.every.filter(|e| {
            if self.duration("hold.every", e).is_none() {
                return false;
            }
            if e.value < MIN_HOLD_EVERY {
                self.report(
                    Diagnostic::new(Code::InvalidValue, e.at, "`hold.every` is shorter than 5 seconds")
                        .label("announcements this close would talk over each other")
                        .help("announce every 20 to 60 seconds, e.g. `every: 30s`"),
                );
                return false;
            }
            true
        });
        hold.periodic = hold.periodic.filter(|p| {
            if p.every < MIN_HOLD_EVERY {
                let at = p.prompt.span;
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        at,
                        "`hold.periodic.every` is shorter than 5 seconds",
                    )
                    .label("announcements this close would talk over each other")
                    .help("e.g. `every: 60s`"),
                );
                return false;
            }
            true
        });
        hold
    }

    /// The options of menu `id`: duplicate keys and keywords, keyword normalisation, languages.
    fn options(&mut self, id: &str, options: Vec<OptionSpec>) -> Vec<OptionSpec> {
        let mut out = Vec::new();
        let mut keys: HashMap<DtmfKey, Span> = HashMap::new();
        let mut words: HashMap<Keyword, Span> = HashMap::new();
        for mut o in options {
            if let Some(key) = &o.key {
                if let Some(first) = keys.get(&key.value) {
                    let d = Diagnostic::new(
                        Code::DuplicateKey,
                        key.at,
                        format!("key `{}` is used twice in menu `{id}`", key.value),
                    )
                    .label("second use")
                    .with_secondary(*first, "first use")
                    .help("give each option its own key");
                    self.report(d);
                } else {
                    keys.insert(key.value.clone(), key.at);
                }
            }
            let mut say = Vec::new();
            for w in std::mem::take(&mut o.say) {
                let Some(word) = Keyword::new(&w.value) else {
                    let message = if w.value.trim().is_empty() {
                        "empty spoken keyword"
                    } else {
                        "a spoken keyword needs a letter or digit"
                    };
                    self.report(Diagnostic::new(Code::InvalidValue, w.at, message).label("write a word or phrase"));
                    continue;
                };
                if word.is_typed_as_keys() {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            w.at,
                            "a spoken keyword of only digits is typed as keys",
                        )
                        .label("a line of only 0-9, * and # is keys, so this cannot be said")
                        .help("write the number in words (`forty two`), or put a word with it (`line 42`)"),
                    );
                    continue;
                }
                if let Some(first) = words.get(&word) {
                    let d = Diagnostic::new(
                        Code::DuplicateKey,
                        w.at,
                        format!("keyword `{word}` is used twice in menu `{id}`"),
                    )
                    .label("second use")
                    .with_secondary(*first, "first use");
                    self.report(d);
                    continue;
                }
                say.push(At::new(word.as_str().to_owned(), w.at));
                words.insert(word, w.at);
            }
            o.say = say;
            if let Some(l) = &o.language {
                self.known_language(l);
            }
            if let Some(p) = &o.pattern
                && p.value.sample().is_none()
            {
                self.report(
                    Diagnostic::new(
                        Code::EmptyPattern,
                        p.at,
                        format!("pattern `{}` matches no keys a caller can press", p.value),
                    )
                    .label(format!(
                        "no entry of 0-9, * and # (at most {} keys) matches it",
                        pattern::MAX_ENTRY
                    ))
                    .note(format!("the option to `{}` can never be taken", o.to.name))
                    .help("write the keys it should take, e.g. `_7XXX` or `/^7[0-9]{3}$/`"),
                );
                continue;
            }
            if o.key.is_some() || o.pattern.is_some() {
                out.push(o);
            }
        }
        out
    }

    /// `digits` with its ranges checked; out-of-range values are replaced by usable ones.
    fn digits(&mut self, d: DigitsSpec) -> DigitsSpec {
        let min = d.min.as_ref().map_or(1, |m| m.value);
        let max = match &d.max {
            Some(m) => m.value,
            None => {
                self.report(
                    Diagnostic::new(Code::MissingField, d.at, "`digits` has no `max`")
                        .label("add `max: <most digits>`"),
                );
                min.max(1)
            }
        };
        let mut ok = true;
        if min == 0 {
            let s = d.min.as_ref().map_or(d.at, |m| m.at);
            self.report(
                Diagnostic::new(Code::InvalidValue, s, "`min` must be at least 1")
                    .label("an empty entry is a no-input, never a value"),
            );
            ok = false;
        }
        let max_at = d.max.as_ref().map_or(d.at, |m| m.at);
        if max < min {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    max_at,
                    format!("`max` ({max}) is less than `min` ({min})"),
                )
                .label("too small"),
            );
            ok = false;
        }
        if max > MAX_COLLECT_DIGITS {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    max_at,
                    format!("`max` is more than {MAX_COLLECT_DIGITS} digits"),
                )
                .label("no caller types that many"),
            );
            ok = false;
        }
        let terminator = d.terminator.filter(|t| {
            if t.value.len() != 1 || t.value.has_digit() {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        t.at,
                        format!("terminator `{}` must be `#` or `*`", t.value),
                    )
                    .label("a digit (or several keys) cannot end an entry of digits"),
                );
                return false;
            }
            true
        });
        let (min, max) = if ok {
            (min, max)
        } else {
            (min.max(1), max.max(min).clamp(1, MAX_COLLECT_DIGITS))
        };
        let keys = d.keys.filter(|k| {
            if let Some(c) = k.value.chars().find(|c| !matches!(c, '0'..='9' | '*' | '#')) {
                self.report(
                    Diagnostic::new(Code::InvalidValue, k.at, format!("`{c}` is not a DTMF key"))
                        .label("`keys` lists keys of 0-9, * and #"),
                );
                return false;
            }
            true
        });
        let data = DataKeys {
            star: keys.as_ref().is_some_and(|k| k.value.contains('*')),
            hash: keys.as_ref().is_some_and(|k| k.value.contains('#')),
        };
        let terminator = terminator.filter(|t| {
            let Some(c) = t.value.as_str().chars().next() else {
                return true;
            };
            if !data.contains(c) {
                return true;
            }
            let mut d = Diagnostic::new(
                Code::InvalidValue,
                t.at,
                format!("terminator `{c}` is also a data key of this collect"),
            )
            .label("two meanings for one key")
            .help(format!("drop `{c}` from `keys`, or the terminator"));
            if let Some(k) = &keys {
                d = d.with_secondary(k.at, format!("`{c}` is data here"));
            }
            self.report(d);
            false
        });
        DigitsSpec {
            at: d.at,
            min: Some(At::new(min, d.min.map_or(d.at, |m| m.at))),
            max: Some(At::new(max, max_at)),
            terminator,
            keys,
        }
    }

    /// The menu, with defaults merged into the nodes and every reference resolved, and
    /// every finding made, in the order made.
    pub fn finish(mut self) -> (Menu, Vec<Diagnostic>) {
        let entry = match self.entry.take() {
            Some(e) => e,
            None => {
                self.report(
                    Diagnostic::new(Code::MissingField, self.top, "missing field `entry`")
                        .label("the menu needs an `entry` node"),
                );
                NodeRef {
                    name: String::new(),
                    span: self.top,
                    target: Target::Missing,
                }
            }
        };
        let ld = &self.listen;
        let listen = |l: ListenSpec| Listen {
            timeout: l
                .timeout
                .or_else(|| ld.timeout.clone())
                .map_or(DEFAULT_TIMEOUT, |d| d.value),
            inter_digit_timeout: l
                .inter_digit_timeout
                .or_else(|| ld.inter_digit_timeout.clone())
                .map_or(DEFAULT_INTER_DIGIT_TIMEOUT, |d| d.value),
            max_no_input: l
                .max_no_input
                .or_else(|| ld.max_no_input.clone())
                .map_or(Retries::Limit(DEFAULT_MAX_RETRIES), |n| n.value),
            max_no_match: l
                .max_no_match
                .or_else(|| ld.max_no_match.clone())
                .map_or(Retries::Limit(DEFAULT_MAX_RETRIES), |n| n.value),
            counting: l
                .counting
                .or_else(|| ld.counting.clone())
                .map_or(Counting::Visit, |c| c.value),
            // The node's own settings before the defaults', the kind's own before `fallback`;
            // kept only where it is not `fallback` (no copy per node in the usual menu).
            fallback_no_input: l
                .fallback_no_input
                .clone()
                .or_else(|| l.fallback.is_none().then(|| ld.fallback_no_input.clone()).flatten()),
            fallback_no_match: l
                .fallback_no_match
                .clone()
                .or_else(|| l.fallback.is_none().then(|| ld.fallback_no_match.clone()).flatten()),
            fallback: l.fallback.or_else(|| ld.fallback.clone()),
            short_prompt: l.short_prompt,
            no_input: l.no_input.or_else(|| ld.no_input.clone()).unwrap_or_default(),
            no_match: l.no_match.or_else(|| ld.no_match.clone()).unwrap_or_default(),
            barge_in: l.barge_in.or(ld.barge_in).unwrap_or(true),
            type_ahead: l.type_ahead.or(ld.type_ahead).unwrap_or(false),
            key_match: match l.key_match.as_ref().or(ld.key_match.as_ref()).map(|m| m.value) {
                Some(KeyMatchPolicy::FullLength { .. }) => KeyMatchPolicy::FullLength {
                    digit_len: l.digit_len.as_ref().or(ld.digit_len.as_ref()).map(|d| d.value),
                },
                _ => KeyMatchPolicy::Early,
            },
        };
        let base_hold = Hold {
            every: self.hold.every.as_ref().map_or(DEFAULT_HOLD_EVERY, |e| e.value),
            prompt: self.hold.prompt.clone(),
            expected_wait: self.hold.expected_wait.clone(),
            periodic: self.hold.periodic.clone(),
            exit: self.hold.exit.clone(),
        };
        let mut nodes: Vec<Node> = Vec::with_capacity(self.nodes.len());
        for d in std::mem::take(&mut self.nodes) {
            let kind = match d.spec {
                NodeSpec::Menu {
                    prompt,
                    options,
                    listen: l,
                } => NodeKind::Menu(MenuNode {
                    prompt,
                    options: {
                        let keys = pattern_keys(&options, &self.keys);
                        options
                            .into_iter()
                            .zip(keys)
                            .filter_map(|(o, key)| {
                                let key = o.key.or(key)?;
                                let (say, say_spans) = o
                                    .say
                                    .into_iter()
                                    .filter_map(|w| Some((Keyword::new(&w.value)?, w.at)))
                                    .unzip();
                                Some(MenuOption {
                                    key: key.value,
                                    key_span: key.at,
                                    to: o.to,
                                    say,
                                    say_spans,
                                    label: o.label,
                                    language: o.language.map(|l| l.value),
                                    pattern: o.pattern.map(|p| p.value),
                                    store: o.store,
                                    set: o.set,
                                })
                            })
                            .collect()
                    },
                    listen: listen(l),
                }),
                NodeSpec::Message { prompt, next, barge_in } => NodeKind::Message(MessageNode {
                    prompt,
                    next,
                    barge_in: barge_in.or(ld.barge_in).unwrap_or(true),
                }),
                NodeSpec::Collect {
                    prompt,
                    digits,
                    pattern,
                    store,
                    next,
                    listen: l,
                } => NodeKind::Collect(CollectNode {
                    prompt,
                    min: digits.min.map_or(1, |m| m.value),
                    max: digits.max.map_or(1, |m| m.value),
                    terminator: digits.terminator.map(|t| t.value),
                    data_keys: DataKeys {
                        star: digits.keys.as_ref().is_some_and(|k| k.value.contains('*')),
                        hash: digits.keys.as_ref().is_some_and(|k| k.value.contains('#')),
                    },
                    pattern,
                    store,
                    next,
                    listen: listen(l),
                }),
                NodeSpec::Route(r) => NodeKind::Route(r),
                NodeSpec::Transfer {
                    queue,
                    priority,
                    prompt,
                    context,
                    hold,
                    when_no_operator,
                } => NodeKind::Transfer(TransferNode {
                    priority,
                    prompt,
                    context,
                    hold: match hold {
                        Some(h) => Hold {
                            every: h.every.map_or(base_hold.every, |e| e.value),
                            prompt: h.prompt.or_else(|| base_hold.prompt.clone()),
                            expected_wait: h.expected_wait.or_else(|| base_hold.expected_wait.clone()),
                            periodic: h.periodic.or_else(|| base_hold.periodic.clone()),
                            exit: h.exit.or_else(|| base_hold.exit.clone()),
                        },
                        None => base_hold.clone(),
                    },
                    when_no_operator: when_no_operator.unwrap_or_else(|| self.when_no_operator.clone()),
                    settings: Box::new(self.queues.get(&queue).cloned().unwrap_or_default()),
                    queue,
                }),
                NodeSpec::Hangup(h) => NodeKind::Hangup(h),
                NodeSpec::External(e) => NodeKind::External(e),
                NodeSpec::Callback(c) => NodeKind::Callback(c),
                NodeSpec::Record { mut record, timeout } => {
                    record.timeout = timeout
                        .or_else(|| ld.timeout.as_ref().map(|t| t.value))
                        .unwrap_or(DEFAULT_TIMEOUT);
                    NodeKind::Record(record)
                }
            };
            let lint_allow = self.lint_allow.remove(&d.id).unwrap_or_default();
            let set = self.node_sets.remove(&d.id).unwrap_or_default();
            nodes.push(Node {
                lint_allow,
                id: d.id,
                span: d.span,
                description: d.description,
                kind,
                set,
            });
        }
        let fallback = self.listen.fallback.clone();
        let inter_digit_timeout = self
            .listen
            .inter_digit_timeout
            .as_ref()
            .map_or(DEFAULT_INTER_DIGIT_TIMEOUT, |d| d.value);
        let defaults = Defaults {
            keys: std::mem::take(&mut self.keys),
            operator: self.operator.take().or_else(|| fallback.clone()),
            main_menu: self.main_menu.take(),
            goodbye: self.goodbye.take(),
            fallback,
            inter_digit_timeout,
        };
        let mut menu = Menu {
            name: self.name,
            path: self.path,
            entry,
            audio_dir: self.audio_dir,
            languages: self.languages,
            defaults,
            schedules: self.schedules,
            queues: std::mem::take(&mut self.queues),
            lint: self.lint,
            dispositions: self.dispositions,
            nodes,
            ids: self.ids,
            self_service: self.self_service,
            variables: self.preset_variables,
        };

        // References: resolved by name, each reported where it was made.
        let declared = self.declared;
        let target = |ids: &HashMap<String, NodeId>, name: &str| match ids.get(name) {
            Some(&id) => Target::Node(id),
            None if !name.trim().is_empty() && declared.contains_key(name) => Target::Unreadable,
            None => Target::Missing,
        };
        let ids = menu.ids.clone();
        let mut known: Vec<&str> = ids.keys().map(String::as_str).collect();
        known.sort_unstable();
        let reported: HashSet<(&str, Span)> = self.refs.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        let mut unreported = Vec::new();
        let mut diagnostics = Vec::with_capacity(self.findings.len());
        for f in self.findings {
            match f {
                Finding::Made(d) => diagnostics.push(d),
                Finding::Reference(i) => {
                    let (name, span) = &self.refs[i];
                    if target(&ids, name) == Target::Missing {
                        diagnostics.push(unknown_target(name, *span, &known));
                    }
                }
            }
        }
        for_each_ref(&mut menu, &mut |r: &mut NodeRef| {
            r.target = target(&ids, &r.name);
            if r.target == Target::Missing && !r.name.is_empty() && !reported.contains(&(r.name.as_str(), r.span)) {
                unreported.push((r.name.clone(), r.span));
            }
        });
        // References made without `reference` are resolved too, and never go unreported.
        unreported.dedup();
        diagnostics.extend(unreported.iter().map(|(n, s)| unknown_target(n, *s, &known)));
        (menu, diagnostics)
    }
}

/// E006 for a reference to `name`, with "did you mean" among `known` ids.
fn unknown_target(name: &str, span: Span, known: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::new(Code::UnknownTarget, span, format!("no node `{name}`")).label("unknown node id");
    if let Some(h) = suggest(name, known.iter().copied()) {
        d = d.help(h);
    }
    d
}

/// Calls `f` on the fallbacks of a waiting node.
fn listen_refs(l: &mut Listen, f: &mut dyn FnMut(&mut NodeRef)) {
    for r in [&mut l.fallback, &mut l.fallback_no_input, &mut l.fallback_no_match]
        .into_iter()
        .flatten()
    {
        f(r);
    }
}

/// Calls `f` on every node reference of `menu`.
fn for_each_ref(menu: &mut Menu, f: &mut dyn FnMut(&mut NodeRef)) {
    f(&mut menu.entry);
    let d = &mut menu.defaults;
    for r in [&mut d.operator, &mut d.main_menu, &mut d.fallback]
        .into_iter()
        .flatten()
    {
        f(r);
    }
    for n in &mut menu.nodes {
        match &mut n.kind {
            NodeKind::Menu(m) => {
                m.options.iter_mut().for_each(|o| f(&mut o.to));
                listen_refs(&mut m.listen, f);
            }
            NodeKind::Message(m) => f(&mut m.next),
            NodeKind::Collect(c) => {
                f(&mut c.next);
                listen_refs(&mut c.listen, f);
            }
            NodeKind::Route(r) => {
                r.routes.iter_mut().for_each(|r| f(&mut r.to));
                f(&mut r.default);
            }
            NodeKind::Transfer(t) => {
                if let Some(NoOperator::Callback { to } | NoOperator::Goto { to }) = &mut t.when_no_operator {
                    f(to);
                }
                for r in super::NoOperatorReason::ALL {
                    if let Some(NoOperator::Callback { to } | NoOperator::Goto { to }) = t.settings.plans.slot_mut(r) {
                        f(to);
                    }
                }
                if let Some(exit) = &mut t.hold.exit {
                    f(&mut exit.to);
                }
            }
            NodeKind::Hangup(_) => {}
            NodeKind::External(e) => {
                if let Some(on) = &mut e.on {
                    f(&mut on.success);
                    f(&mut on.error);
                }
            }
            NodeKind::Callback(c) => f(&mut c.next),
            NodeKind::Record(r) => {
                f(&mut r.next);
                r.no_speech.iter_mut().for_each(&mut *f);
            }
        }
    }
}

/// The key each pattern option of a menu is shown and pressed with (maps, generated scenarios,
/// the edge walk): the shortest entry it matches that no other key of the menu takes (an option
/// key, a global key, an earlier pattern: they win over it); the shortest entry at all when
/// every one is taken (`check` warns, W018). `None` for options with a key, in order.
fn pattern_keys(options: &[OptionSpec], globals: &GlobalKeys) -> Vec<Option<At<DtmfKey>>> {
    let literal: Vec<&str> = options
        .iter()
        .filter_map(|o| o.key.as_ref().map(|k| k.value.as_str()))
        .chain(globals.iter().map(|(_, g)| g.key.as_str()))
        .collect();
    options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            if o.key.is_some() {
                return None;
            }
            let p = o.pattern.as_ref()?;
            let (samples, _) = p.value.samples(64);
            let earlier = |e: &str| {
                options[..i]
                    .iter()
                    .any(|x| x.key.is_none() && x.pattern.as_ref().is_some_and(|q| q.value.matches(e)))
            };
            let key = samples
                .iter()
                .find(|e| !literal.contains(&e.as_str()) && !earlier(e))
                .or(samples.first())?;
            Some(At::new(DtmfKey::parse(key).ok()?, p.at))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::source::Sources;

    /// What a menu does, without places: ids, kinds, keys and where they lead, settings.
    fn shape(menu: &Menu) -> String {
        let name = |r: &NodeRef| match r.target {
            Target::Node(id) => menu.node(id).id.clone(),
            other => format!("{other:?}({})", r.name),
        };
        let listen = |l: &Listen| {
            format!(
                "timeout {:?} idt {:?} ni {} nm {} fallback {:?} no_input {:?} no_match {:?} barge_in {} type_ahead {}",
                l.timeout,
                l.inter_digit_timeout,
                l.max_no_input,
                l.max_no_match,
                l.fallback.as_ref().map(name),
                l.no_input.iter().map(|p| &p.text).collect::<Vec<_>>(),
                l.no_match.iter().map(|p| &p.text).collect::<Vec<_>>(),
                l.barge_in,
                l.type_ahead
            )
        };
        let mut out = format!(
            "{} entry {} languages {:?} operator {:?} keys {:?}\n",
            menu.name,
            name(&menu.entry),
            menu.languages,
            menu.defaults.operator.as_ref().map(name),
            menu.defaults
                .keys
                .iter()
                .map(|(a, k)| (a, k.key.to_string()))
                .collect::<Vec<_>>(),
        );
        for n in &menu.nodes {
            let _ = write!(out, "{} {}: ", n.id, n.kind.name());
            let _ = match &n.kind {
                NodeKind::Menu(m) => writeln!(
                    out,
                    "{:?} {:?} {}",
                    m.prompt.text,
                    m.options
                        .iter()
                        .map(|o| (o.key.to_string(), name(&o.to), o.say.clone()))
                        .collect::<Vec<_>>(),
                    listen(&m.listen)
                ),
                NodeKind::Message(m) => {
                    writeln!(out, "{:?} -> {} barge_in {}", m.prompt.text, name(&m.next), m.barge_in)
                }
                NodeKind::Collect(c) => writeln!(
                    out,
                    "{}..{} {:?} {} -> {} {}",
                    c.min,
                    c.max,
                    c.terminator.as_ref().map(ToString::to_string),
                    c.store,
                    name(&c.next),
                    listen(&c.listen)
                ),
                NodeKind::Route(r) => writeln!(out, "{} routes, default {}", r.routes.len(), name(&r.default)),
                NodeKind::Transfer(t) => writeln!(
                    out,
                    "{} {:?} every {:?} plan {:?}",
                    t.queue,
                    t.priority,
                    t.hold.every,
                    t.when_no_operator.as_ref().map(|p| (p.name(), p.target().map(name)))
                ),
                NodeKind::Hangup(h) => writeln!(out, "{}", h.reason),
                NodeKind::External(e) => writeln!(out, "{} {}", e.app.name(), e.name),
                NodeKind::Record(r) => writeln!(out, "record -> {}", r.next.name),
                NodeKind::Callback(c) => writeln!(out, "callback {} -> {}", c.queue, c.next.name),
            };
        }
        out
    }

    const YAML: &str = r##"name: Small
entry: welcome
defaults:
  timeout: 4s
  max_no_input: 2
  fallback: operator
  keys: { operator: "0", repeat: "*" }
  no_input: [{ text: "Sorry?" }]
  when_no_operator: { action: goto, to: bye }
nodes:
  welcome:
    kind: message
    prompt: { text: "Welcome." }
    next: main
  main:
    kind: menu
    prompt: { text: "Press 1 or 2." }
    options:
      - { key: "1", to: case, say: [" Report "] }
      - { key: "2", to: operator }
    max_no_match: 5
  case:
    kind: collect
    prompt: { text: "Your case number?" }
    digits: { min: 4, max: 8, terminator: "#" }
    store: case
    next: operator
  operator:
    kind: transfer
    queue: desk
  bye:
    kind: hangup
"##;

    /// The menu of [`YAML`], built with the builder, each item at a JSON pointer.
    fn built(sources: &mut Sources) -> (Menu, Vec<Diagnostic>) {
        let file = sources.add("small.json", "{}");
        let mut at = |p: &str| sources.pointer(file, p);
        let key = |k: &str| DtmfKey::parse(k).unwrap();
        let text = Prompt::text_only;
        let mut b = MenuBuilder::new(Path::new("small.json"), "Small", at(""));
        // Nodes first, defaults last: the builder merges them in `finish`.
        let next = b.reference("main", at("/nodes/0/next"));
        b.add_node(
            At::new("welcome".into(), at("/nodes/0")),
            None,
            NodeSpec::Message {
                prompt: text("Welcome."),
                next,
                barge_in: None,
            },
        );
        let mut report = OptionSpec::new(
            At::new(key("1"), at("/nodes/1/options/0")),
            b.reference("case", at("/x")),
        );
        report.say = vec![At::new(" Report ".into(), at("/nodes/1/options/0/say/0"))];
        let options = vec![
            report,
            OptionSpec::new(
                At::new(key("2"), at("/nodes/1/options/1")),
                b.reference("operator", at("/nodes/1/options/1/to")),
            ),
        ];
        let listen = ListenSpec {
            max_no_match: Some(At::new(Retries::Limit(5), at("/nodes/1/max_no_match"))),
            ..ListenSpec::default()
        };
        b.add_node(
            At::new("main".into(), at("/nodes/1")),
            None,
            NodeSpec::Menu {
                prompt: text("Press 1 or 2."),
                options,
                listen,
            },
        );
        let next = b.reference("operator", at("/nodes/2/next"));
        b.add_node(
            At::new("case".into(), at("/nodes/2")),
            None,
            NodeSpec::Collect {
                prompt: text("Your case number?"),
                digits: DigitsSpec {
                    at: at("/nodes/2/digits"),
                    min: Some(At::new(4, at("/nodes/2/digits/min"))),
                    max: Some(At::new(8, at("/nodes/2/digits/max"))),
                    terminator: Some(At::new(key("#"), at("/nodes/2/digits/terminator"))),
                    keys: None,
                },
                pattern: None,
                store: "case".into(),
                next,
                listen: ListenSpec::default(),
            },
        );
        b.add_node(
            At::new("operator".into(), at("/nodes/3")),
            None,
            NodeSpec::Transfer {
                queue: "desk".into(),
                priority: Priority::Normal,
                prompt: None,
                context: None,
                hold: None,
                when_no_operator: None,
            },
        );
        b.add_node(
            At::new("bye".into(), at("/nodes/4")),
            None,
            NodeSpec::Hangup(HangupNode {
                prompt: None,
                reason: "self-service".into(),
            }),
        );
        let entry = b.reference("welcome", at("/entry"));
        b.entry(entry);
        let fallback = b.reference("operator", at("/defaults/fallback"));
        b.listen_defaults(ListenSpec {
            timeout: Some(At::new(Duration::from_secs(4), at("/defaults/timeout"))),
            max_no_input: Some(At::new(Retries::Limit(2), at("/defaults/max_no_input"))),
            fallback: Some(fallback),
            no_input: Some(vec![text("Sorry?")]),
            ..ListenSpec::default()
        });
        b.global_key(GlobalAction::Operator, At::new(key("0"), at("/defaults/keys/operator")));
        b.global_key(GlobalAction::Repeat, At::new(key("*"), at("/defaults/keys/repeat")));
        let to = b.reference("bye", at("/defaults/when_no_operator/to"));
        b.no_operator_default(NoOperator::Goto { to });
        b.finish()
    }

    #[test]
    fn a_built_menu_is_the_yaml_one() {
        let mut sources = Sources::new();
        let yaml = crate::menu::load_menu_text(Path::new("small.yaml"), YAML, &mut sources);
        assert!(
            yaml.diagnostics.is_empty(),
            "{}",
            crate::diag::render_plain(&sources, &yaml.diagnostics)
        );
        let (menu, findings) = built(&mut sources);
        assert!(
            findings.is_empty(),
            "{}",
            crate::diag::render_plain(&sources, &findings)
        );
        let yaml = yaml.menu.unwrap();
        assert_eq!(shape(&menu), shape(&yaml));
        // Spot checks of what the shape compares, so that it cannot be empty.
        let main = menu.node(menu.find("main").unwrap());
        let NodeKind::Menu(m) = &main.kind else {
            panic!("{main:?}")
        };
        assert_eq!(m.options[0].say, [crate::rules::Keyword::new("report").unwrap()]);
        assert_eq!(
            (m.listen.timeout, m.listen.max_no_input, m.listen.max_no_match),
            (Duration::from_secs(4), Retries::Limit(2), Retries::Limit(5))
        );
        assert_eq!(m.listen.no_input.len(), 1);
        assert!(
            shape(&menu).contains("case collect: 4..8 Some(\"#\") case -> operator"),
            "{}",
            shape(&menu)
        );
    }

    /// The findings of `b`, rendered.
    fn rendered(sources: &Sources, findings: &[Diagnostic]) -> String {
        crate::diag::render_plain(sources, findings)
    }

    /// A builder of a menu in `flow.json` whose nodes are at `/Actions/N`.
    fn flow(sources: &mut Sources) -> (FileId, MenuBuilder) {
        let file = sources.add("flow.json", "{\"Actions\": []}");
        let top = sources.pointer(file, "");
        (file, MenuBuilder::new(Path::new("flow.json"), "Flow", top))
    }

    use crate::source::FileId;

    fn hangup() -> NodeSpec {
        NodeSpec::Hangup(HangupNode {
            prompt: None,
            reason: "done".into(),
        })
    }

    #[test]
    fn a_missing_target_is_shown_at_its_json_pointer() {
        let mut sources = Sources::new();
        let (file, mut b) = flow(&mut sources);
        let at = sources.pointer(file, "/Actions/3/Transitions/NextAction");
        let next = b.reference("goodbye", at);
        let node = sources.pointer(file, "/Actions/3");
        b.add_node(
            At::new("hello".into(), node),
            None,
            NodeSpec::Message {
                prompt: Prompt::text_only("Hello."),
                next,
                barge_in: None,
            },
        );
        let entry = b.reference("hello", sources.pointer(file, "/StartAction"));
        b.entry(entry);
        b.add_node(
            At::new("goodby".into(), sources.pointer(file, "/Actions/4")),
            None,
            hangup(),
        );
        let (menu, findings) = b.finish();
        assert_eq!(
            rendered(&sources, &findings),
            "error[E006]: no node `goodbye`\n  --> flow.json: /Actions/3/Transitions/NextAction\n   = note: unknown node id\n   = help: did you mean `goodby`?\n\n"
        );
        let json = serde_json::to_value(crate::diag::to_json(&sources, &findings[0])).unwrap();
        assert_eq!(json["pointer"], "/Actions/3/Transitions/NextAction");
        assert_eq!(json["file"], "flow.json");
        assert!(json.get("line").is_none(), "{json}");
        let hello = menu.node(menu.find("hello").unwrap());
        let NodeKind::Message(m) = &hello.kind else { panic!() };
        assert_eq!(m.next.target, Target::Missing);
    }

    #[test]
    fn references_may_come_before_the_node() {
        let mut sources = Sources::new();
        let (file, mut b) = flow(&mut sources);
        let entry = b.reference("later", sources.pointer(file, "/StartAction"));
        b.entry(entry);
        // Declared but never added: a node the importer could not read.
        let unread = sources.pointer(file, "/Actions/1");
        assert!(b.declare(&At::new("unread".into(), unread)));
        let next = b.reference("unread", sources.pointer(file, "/Actions/0/next"));
        let later = sources.pointer(file, "/Actions/0");
        b.add_node(
            At::new("later".into(), later),
            None,
            NodeSpec::Message {
                prompt: Prompt::text_only("Hi."),
                next,
                barge_in: None,
            },
        );
        let (menu, findings) = b.finish();
        assert!(findings.is_empty(), "{}", rendered(&sources, &findings));
        assert_eq!(menu.entry.target, Target::Node(menu.find("later").unwrap()));
        let NodeKind::Message(m) = &menu.node(menu.find("later").unwrap()).kind else {
            panic!()
        };
        assert_eq!(m.next.target, Target::Unreadable);
    }

    #[test]
    fn duplicate_ids_are_refused_at_their_pointers() {
        let mut sources = Sources::new();
        let (file, mut b) = flow(&mut sources);
        let first = sources.pointer(file, "/Actions/0");
        let second = sources.pointer(file, "/Actions/2");
        b.add_node(At::new("a".into(), first), None, hangup());
        b.add_node(
            At::new("a".into(), second),
            None,
            NodeSpec::Hangup(HangupNode {
                prompt: None,
                reason: "second".into(),
            }),
        );
        let entry = b.reference("a", sources.pointer(file, "/StartAction"));
        b.entry(entry);
        let (menu, findings) = b.finish();
        assert_eq!(
            rendered(&sources, &findings),
            "error[E005]: node id `a` is used twice\n  --> flow.json: /Actions/2\n   = note: second node with this id\n   = note: flow.json: /Actions/0: first defined here\n   = help: rename one of the nodes; ids must be unique across the menu and its includes\n\n"
        );
        assert_eq!(menu.nodes.len(), 1);
        let NodeKind::Hangup(h) = &menu.nodes[0].kind else {
            panic!()
        };
        assert_eq!(h.reason, "done");
    }

    #[test]
    fn the_builder_checks_keys_keywords_ranges_and_unreported_references() {
        let mut sources = Sources::new();
        let (file, mut b) = flow(&mut sources);
        let mut at = |p: &str| sources.pointer(file, p);
        let key = |k: &str| DtmfKey::parse(k).unwrap();
        let mut one = OptionSpec::new(At::new(key("1"), at("/o/0")), b.reference("m", at("/o/0/to")));
        one.say = vec![At::new("Report".into(), at("/o/0/say"))];
        let mut again = OptionSpec::new(At::new(key("1"), at("/o/1")), b.reference("m", at("/o/1/to")));
        again.say = vec![At::new(" report ".into(), at("/o/1/say"))];
        // A reference made by hand, not through `reference`: still reported.
        let by_hand = NodeRef {
            name: "ghost".into(),
            span: at("/o/2/to"),
            target: Target::Node(NodeId(0)),
        };
        let third = OptionSpec::new(At::new(key("3"), at("/o/2")), by_hand);
        let prompt = b.prompt(
            at("/m/prompt"),
            &At::new(" ".into(), at("/m/prompt/text")),
            Some(&At::new("../out.wav".into(), at("/m/prompt/audio"))),
        );
        b.add_node(
            At::new("m".into(), at("/m")),
            None,
            NodeSpec::Menu {
                prompt,
                options: vec![one, again, third],
                listen: ListenSpec {
                    timeout: Some(At::new(Duration::ZERO, at("/m/timeout"))),
                    ..ListenSpec::default()
                },
            },
        );
        let entry = b.reference("m", at("/start"));
        b.entry(entry);
        let (menu, findings) = b.finish();
        let codes: Vec<(&str, &str)> = findings.iter().map(|d| (d.code.as_str(), d.message.as_str())).collect();
        assert_eq!(
            codes,
            [
                ("E004", "prompt `text` is empty"),
                ("E013", "clip path `../out.wav` leaves `audio_dir`"),
                ("E008", "key `1` is used twice in menu `m`"),
                ("E008", "keyword `report` is used twice in menu `m`"),
                ("E016", "`timeout` must be longer than zero"),
                ("E006", "no node `ghost`"),
            ]
        );
        let NodeKind::Menu(m) = &menu.nodes[0].kind else {
            panic!()
        };
        assert_eq!(m.listen.timeout, DEFAULT_TIMEOUT);
        assert_eq!(m.options[2].to.target, Target::Missing);
    }
}
