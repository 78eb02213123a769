//! Importing W3C VoiceXML 2.0 / 2.1 documents (`<vxml>`): static menus and forms of DTMF
//! input, as a hotline writes them.
//!
//! "§" numbers are of VoiceXML 2.0 (W3C Recommendation, 16 March 2004,
//! <https://www.w3.org/TR/voicexml20/>), which VoiceXML 2.1 (W3C Recommendation, 19 June
//! 2007, <https://www.w3.org/TR/voicexml21/>) keeps and extends. `docs/import.md`
//! ("VoiceXML 2.0 / 2.1") has the mapping table with every source; this is the summary.
//!
//! **Documents.** The document named is read with [`parse_xml`](super::parse_xml) (no DTD
//! is expanded; a `<!DOCTYPE vxml …>` naming the VoiceXML DTD without an internal subset is
//! blanked out first, keeping lines and columns). A `<goto>`, `<choice>` or `<link>` whose
//! `next` names another document (`other.vxml#dialog`), and `<vxml application>`, are read
//! as companions ([`Cx::companion`]: `ivrsim import --with`, else beside the document naming
//! it), at most [`load::MAX_DOCUMENTS`]; one that cannot be found becomes an `external` node
//! (`app: flow`, the call leaves for that document) with a W027. Execution starts at the
//! first dialog of the document named (§1.5.1).
//!
//! **Node ids.** A `<menu id>` keeps its id; a form item is `form_item` (its `name`, else
//! its element and position: `welcome_block1`), the one item of a form the form's id; nodes
//! of another document start with its file stem. Nodes the import adds (the prompts of a `<filled>` or a handler, a route for an
//! `<if>`, a hang-up for `<exit>`) are named after their item. Every node's description
//! names its element, and its place is the element's start tag.
//!
//! **Mapping** (what each construct becomes; anything else is a W027 finding at its place,
//! saying what ivrsim does instead):
//!
//! - `<menu>` (§2.2) → a `menu` node: each `<choice>` an option with its `dtmf` key (spaces
//!   dropped), its text as spoken keyword and label; `dtmf="true"` numbers the first nine
//!   choices without a `dtmf` 1 to 9 in document order (§2.2.1). `<enumerate>` (§2.2.4) is
//!   expanded into the prompt text, its template once per choice with `_prompt` and `_dtmf`.
//! - `<field>` (§2.3.1) with `type="digits"` (its `minlength`, `maxlength`, `length`
//!   parameters, App. P) or a `builtin:dtmf/digits` grammar → a `collect` node storing the
//!   field's name, `termchar` as terminator; `type="boolean"` (DTMF 1 yes, 2 no, App. P) or
//!   `<option dtmf value>` (§2.3.1.3) or an inline SRGS DTMF grammar of literal `<item>`s → a
//!   `menu` node whose options set the field's variable to the value. The other built-in
//!   types (`number`, `currency`, `date`, `time`, `phone`) are collects of their DTMF shapes,
//!   with a W027.
//! - `<filled>` (§2.4), `<block>` (§2.3.2) and handlers: their prompts become a `message`
//!   (or the prompt of the `hangup`/`external` they end in), `<goto>` (§5.3.7) the next
//!   node; falling off the end goes to the next form item in document order, as the form
//!   interpretation algorithm (FIA, §2.1.6, App. C) selects the next unfilled item, and
//!   after the last one to a `hangup` (the FIA's implicit exit). An `<if>` whose conditions
//!   compare a variable with a literal (`x == 'v'`, `x > 3`, joined by `&&`, or `||` of
//!   equalities) → a `route` node; other conditions are ECMAScript, taken as false (W027).
//! - `<noinput>`/`<nomatch>`/`<catch>` with `count` (§5.2.2, §5.2.4): for each item and event
//!   the handler the spec selects for the n-th event (the highest `count` not above the
//!   counter, the item's handlers before the form's, the document's and the application
//!   root's, in document order) is worked out for n = 1, 2, …; the handlers that stay
//!   (`<reprompt/>`, or no transfer of control) are the n-th re-prompts, the first that
//!   leaves sets `max_no_input`/`max_no_match` to its n and is the fallback. If none leaves,
//!   the retries are `unlimited` (VoiceXML has no retry limit of its own: the default
//!   handlers of §5.2.5 re-prompt for ever) and `check` reports the loop (W016). Counting is
//!   [`Counting::Visit`](crate::menu::Counting::Visit): VoiceXML keeps a counter per form
//!   item, reset when its form is entered (§5.2.2) and when the item is cleared, not when a
//!   failure is followed by a re-prompt; `visit` counts the same, per entry of the node. The
//!   one difference, an item entered again by `<goto nextitem>` without `<clear>` (counters
//!   kept in VoiceXML), is a W027 at the `<goto>`.
//! - Properties (§6.3): `timeout`, `interdigittimeout`, `termchar`, `bargein`, the innermost
//!   scope first, and `<prompt timeout|bargein>`. VoiceXML leaves `timeout` and
//!   `interdigittimeout` to the platform (§6.3.3, §6.3.4): without them ivrsim's
//!   [`DEFAULT_TIMEOUT`] and [`DEFAULT_INTER_DIGIT_TIMEOUT`] apply, with a W027 naming other
//!   platforms' values. `termchar` defaults to [`DEFAULT_TERMCHAR`]. Typed-ahead keys are
//!   kept where barge-in is on (§4.1.8): `type_ahead` follows `barge_in`.
//! - `<transfer dest>` (§2.3.7) → a `transfer` node, its queue the `dest` without its
//!   `tel:`/`sip:` scheme; `<record>` (§2.3.6) → a `record` node (`beep` defaults to false,
//!   [`RECORD_BEEP`]; `dtmfterm` true: any key ends it; the `noinput` handler is `no_speech`);
//!   `<exit>`, `<disconnect>` (§5.3.9, §5.3.11) → a `hangup` node; `<submit>` (§5.3.8),
//!   `<subdialog>` (§2.3.4) and `<object>` → `external` nodes (W027: they run elsewhere).
//! - `<prompt>`, `<audio>`, `<value>` (§4.1): the words, `<value expr="x"/>` read back as
//!   `{x}` (`{x:digits}` inside `<say-as interpret-as="digits">`). A prompt that is one
//!   `<audio src>` plays that clip when a `.wav` of that name lies beside the document;
//!   otherwise its fallback text is read, or a caption `[audio: name.wav]` stands in, with a
//!   W027 (the clip is not played, and the prompt is timed from its words).
//! - A document-level `<link dtmf next>` → a global key: to the first dialog, `main_menu`;
//!   otherwise `operator`.
//!
//! **Not importable** (W027, with the stand-in said): ECMAScript (`<script>`, `<var>`,
//! `<assign>`, `expr`/`cond` beyond the comparisons above), SRGS grammars other than DTMF
//! lists of literals and built-in DTMF types, speech grammars, `<initial>`, events other than
//! `noinput` and `nomatch` (`help`, `error`, `connection.*`), bridged transfer outcomes.
//! Malformed XML, a DTD with entities, a root other than `<vxml>` and values that cannot be
//! read (a time designation, a key) are E022.

mod flow;
mod items;
mod listen;
mod load;
mod said;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use roxmltree::Node;

use super::{Cx, node_id, parse_xml};
use crate::menu::LoadOutcome;
use crate::menu::build::MenuBuilder;
use crate::source::{FileId, Span};

pub use load::MAX_DOCUMENTS;

/// The VoiceXML namespace (VoiceXML 2.0 §1.5.1).
pub const VXML_NAMESPACE: &str = "http://www.w3.org/2001/vxml";

/// The no-input timeout when no `timeout` property or `<prompt timeout>` applies: 5 s,
/// ivrsim's built-in default (docs/menu-format.md, `defaults.timeout`). VoiceXML 2.0 §6.3.4
/// leaves it to the platform (JVoiceXML `DtmfRecognizerProperties.java`: 30 s; Plum:
/// 3 s, <https://docs.plumvoice.com/dev/voicexml/properties/timeout>; Nuance Recognizer:
/// 7 s), so a document that relies on it gets a W027.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The inter-digit timeout when no `interdigittimeout` property applies: 3 s, ivrsim's
/// built-in default (docs/menu-format.md). VoiceXML 2.0 §6.3.3 leaves it to the platform
/// (JVoiceXML 3 s, `DtmfRecognizerProperties.java`), so a document that relies on it gets a
/// W027.
pub const DEFAULT_INTER_DIGIT_TIMEOUT: Duration = Duration::from_secs(3);

/// The key that ends a DTMF entry when no `termchar` property applies: `#` (VoiceXML 2.0
/// §6.3.3; OpenVXI `src/VXI/defaults.xml`; JVoiceXML `DtmfRecognizerProperties.java`).
pub const DEFAULT_TERMCHAR: &str = "#";

/// Whether `<record>` plays a beep when `beep` is not given: no (VoiceXML 2.0 §2.3.6, the
/// `beep` attribute defaults to false; ivrsim's own default is true).
pub const RECORD_BEEP: bool = false;

/// How many choices `<menu dtmf="true">` numbers: the first nine without a `dtmf` of their
/// own get 1 to 9 (VoiceXML 2.0 §2.2.1).
pub const MAX_NUMBERED_CHOICES: u32 = 9;

/// Most digits a `digits` field takes when its grammar gives no `maxlength` (App. P: any
/// number): 32, as docs/import.md says; an entry ends earlier at `termchar` or the
/// inter-digit timeout, as in VoiceXML.
pub const OPEN_DIGITS_MAX: u32 = 32;

/// Deepest nesting of elements the importer walks (prompts in `<if>`s in handlers …); deeper
/// content is an E022 finding, so a hostile document cannot exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Most re-prompts the import writes in all (each node's `no_input` and `no_match` lists
/// together): a document whose handlers have `count`s in the thousands on many items would
/// otherwise copy a prompt per count per item. Past it, lists are cut with an E022.
pub const MAX_REPROMPTS: usize = 100_000;

/// One document of the import, parsed.
struct Doc<'d> {
    /// Its id in the sources.
    pub file: FileId,
    /// Its `<vxml>` element.
    pub root: Node<'d, 'd>,
    /// Its text.
    pub text: &'d str,
    /// Prefix of its node ids (empty for the document imported).
    pub key: String,
    /// Its folder relative to the imported document's (for clips).
    pub rel_dir: PathBuf,
    /// Its dialogs (`<form>`, `<menu>`), in document order.
    pub dialogs: Vec<Node<'d, 'd>>,
    /// Each dialog id to its index in `dialogs` (the first, when an id is used twice), so a
    /// `<goto next="#id">` is found in constant time.
    pub dialog_ids: std::collections::HashMap<&'d str, usize>,
    /// Its application root document, when it names one that was read.
    pub app: Option<usize>,
    /// Whether it was read (a document that could not be read has no dialogs).
    pub ok: bool,
}

/// The handlers and the `<property>` elements written directly in a scope element.
type ScopeParts<'d> = (Vec<Node<'d, 'd>>, Vec<Node<'d, 'd>>);

/// An element of a document: the document's index and the element.
type El<'d> = (usize, Node<'d, 'd>);

/// The importer's state while it builds the menu.
struct Importer<'d, 'c> {
    pub cx: Cx<'c>,
    pub b: MenuBuilder,
    pub docs: &'d [Doc<'d>],
    pub links: &'d HashMap<(usize, String), Option<usize>>,
    /// Node ids given so far.
    pub taken: HashSet<String>,
    /// The node id of each dialog and form item, given before any node is built.
    pub ids: HashMap<(usize, roxmltree::NodeId), String>,
    /// Nodes built for an element in a context (see `flow`), by key.
    pub memo: HashMap<String, String>,
    /// Items being resolved (a block that only jumps, …), to find loops.
    pub resolving: HashSet<(usize, roxmltree::NodeId)>,
    /// Items whose node is built (or being built).
    pub built: HashSet<(usize, roxmltree::NodeId)>,
    /// Findings made once per place.
    pub reported: HashSet<(FileId, u32, u8)>,
    /// Re-prompts written so far (bounded by [`MAX_REPROMPTS`]).
    pub reprompts: usize,
    /// Whether the re-prompts were cut (reported once).
    pub reprompts_cut: bool,
    /// Waiting nodes that take no `timeout` from the document, and those with no
    /// `interdigittimeout` where it matters, for the one W027 each.
    pub no_timeout: Vec<Span>,
    pub no_interdigit: Vec<Span>,
    /// Items that rely on the platform's default `nomatch` handler (§5.2.5).
    pub default_nomatch: Vec<Span>,
    /// Events a `<throw>` or `<choice event>` raised (their handlers run).
    pub thrown_events: HashSet<String>,
    /// What follows each `<if>` landed so far (see `flow::Pending`).
    pub pending: Vec<flow::Pending<'d>>,
    /// The handlers and properties of each scope element, read once (see `scope_parts`).
    pub scopes: HashMap<(usize, roxmltree::NodeId), ScopeParts<'d>>,
    /// Names of jumps to nothing (`#nowhere`), with where the jump is written: references
    /// to them are placed there, so E006 points at the `next`.
    pub missing: HashMap<String, Span>,
}

/// Imports the file of `cx` as a VoiceXML document, with the documents it leads to.
pub fn import(mut cx: Cx<'_>) -> LoadOutcome {
    let Some(lib) = load::load(&mut cx) else {
        return cx.nothing();
    };
    let parsed: Vec<Option<roxmltree::Document<'_>>> = lib
        .docs
        .iter()
        .map(|d| if d.ok { parse_xml(d.file, &d.text).ok() } else { None })
        .collect();
    let Some(first) = parsed.first().and_then(Option::as_ref) else {
        return cx.nothing();
    };
    let mut docs: Vec<Doc<'_>> = Vec::new();
    for (i, (loaded, xml)) in lib.docs.iter().zip(&parsed).enumerate() {
        let Some(xml) = xml else {
            // Documents that could not be read keep their place (the references to them
            // say so), with no dialogs.
            docs.push(Doc {
                file: loaded.file,
                root: first.root_element(),
                text: &loaded.text,
                key: loaded.key.clone(),
                rel_dir: loaded.rel_dir.clone(),
                dialogs: Vec::new(),
                dialog_ids: std::collections::HashMap::new(),
                app: None,
                ok: false,
            });
            continue;
        };
        let root = xml.root_element();
        let dialogs: Vec<Node<'_, '_>> = root
            .children()
            .filter(|n| n.is_element() && matches!(n.tag_name().name(), "form" | "menu"))
            .collect();
        let mut dialog_ids = std::collections::HashMap::new();
        for (i, d) in dialogs.iter().enumerate() {
            if let Some(id) = d.attribute("id") {
                dialog_ids.entry(id).or_insert(i);
            }
        }
        let app = root
            .attribute("application")
            .and_then(load::file_part)
            .and_then(|u| lib.links.get(&(i, u.to_owned())).copied().flatten());
        docs.push(Doc {
            file: loaded.file,
            root,
            text: &loaded.text,
            key: loaded.key.clone(),
            rel_dir: loaded.rel_dir.clone(),
            dialogs,
            dialog_ids,
            app,
            ok: true,
        });
    }
    let top = cx.bytes(cx.file, tag_range(docs[0].text, docs[0].root.range()));
    if docs[0].dialogs.is_empty() {
        cx.unreadable(
            top,
            "the document has no `<form>` or `<menu>`: there is nothing to import",
        );
        return cx.nothing();
    }
    let name = cx
        .path
        .file_name()
        .map_or_else(|| "VoiceXML document".to_owned(), |n| n.to_string_lossy().into_owned());
    let b = MenuBuilder::new(&cx.path.clone(), name, top);
    let mut imp = Importer {
        cx,
        b,
        docs: &docs,
        links: &lib.links,
        taken: HashSet::new(),
        ids: HashMap::new(),
        memo: HashMap::new(),
        resolving: HashSet::new(),
        built: HashSet::new(),
        reported: HashSet::new(),
        reprompts: 0,
        reprompts_cut: false,
        no_timeout: Vec::new(),
        no_interdigit: Vec::new(),
        default_nomatch: Vec::new(),
        thrown_events: HashSet::new(),
        missing: HashMap::new(),
        scopes: HashMap::new(),
        pending: Vec::new(),
    };
    imp.run();
    let Importer { cx, b, .. } = imp;
    cx.finish(b)
}

/// Whether `s` is a language tag as the menu format takes it (BCP 47 as
/// `menu::lower` checks it: a primary subtag of 2-3 letters, then subtags of 1-8 letters or
/// digits).
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()))
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The range of the start tag of the element at `range` in `text`: from its `<` to the `>`
/// that ends it (quotes respected), so a finding about an element shows its first line, not
/// all of it.
pub(super) fn tag_range(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let Some(rest) = text.get(range.clone()) else {
        return range;
    };
    let mut quote: Option<char> = None;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return range.start..range.start + i + 1,
            _ => {}
        }
    }
    range
}

impl<'d> Importer<'d, '_> {
    /// The place of element `n` of document `doc`: its start tag.
    pub fn at(&self, doc: usize, n: Node<'d, 'd>) -> Span {
        let d = &self.docs[doc];
        self.cx.bytes(d.file, tag_range(d.text, n.range()))
    }

    /// The place of attribute `name` of `n` (the whole `name="value"`), else of `n`.
    pub fn attr_at(&self, doc: usize, n: Node<'d, 'd>, name: &str) -> Span {
        match n.attribute_node(name) {
            Some(a) => self.cx.bytes(self.docs[doc].file, a.range()),
            None => self.at(doc, n),
        }
    }

    /// A W027 at `at`, made once per place and `kind` (a document-level handler is imported
    /// for every item it serves; its finding is made once).
    pub fn approx_once(&mut self, at: Span, kind: u8, what: impl Into<String>, caller: impl Into<String>) {
        if self.reported.insert((at.file, at.start, kind)) {
            self.cx.approx(at, what, caller);
        }
    }

    /// An E022 at `at`, made once per place and `kind`.
    pub fn unreadable_once(&mut self, at: Span, kind: u8, what: impl Into<String>) {
        if self.reported.insert((at.file, at.start, kind)) {
            self.cx.unreadable(at, what);
        }
    }

    /// A new node id made from `name` (see [`node_id`]).
    pub fn fresh_id(&mut self, name: &str) -> String {
        node_id(name, "node", &mut self.taken)
    }

    /// A reference to node `name` written at `at` (at the jump, for a jump to nothing).
    pub fn reference(&mut self, name: String, at: Span) -> crate::menu::NodeRef {
        let at = self.missing.get(&name).copied().unwrap_or(at);
        self.b.reference(name, at)
    }

    /// The folder of the imported document (where clips are looked for).
    pub fn root_dir(&self) -> PathBuf {
        self.cx.path.parent().unwrap_or(Path::new("")).to_owned()
    }

    /// Gives every dialog and form item its node id, in document order, then builds every
    /// dialog, the entry, the global keys and the document-wide findings.
    fn run(&mut self) {
        self.version_findings();
        self.assign_ids();
        self.language();
        for doc in 0..self.docs.len() {
            for dialog in self.docs[doc].dialogs.clone() {
                self.dialog(doc, dialog);
            }
            self.document_elements(doc);
        }
        // `import` refuses a document without dialogs before building.
        if let Some(first) = self.docs[0].dialogs.first().copied() {
            let to = self.dialog_landing(0, first);
            let at = self.at(0, first);
            let entry = self.reference(to, at);
            self.b.entry(entry);
        }
        self.links(0);
        self.unused_handlers();
        self.summary_findings();
    }

    /// W027 for a `version` other than 2.0 or 2.1 and for an `xml:base`.
    fn version_findings(&mut self) {
        for doc in 0..self.docs.len() {
            let root = self.docs[doc].root;
            if !self.docs[doc].ok {
                continue;
            }
            match root.attribute("version") {
                Some("2.0" | "2.1") => {}
                Some(v) => {
                    let at = self.attr_at(doc, root, "version");
                    self.cx.approx(
                        at,
                        format!("VoiceXML version `{v}` is read by the rules of VoiceXML 2.1"),
                        "constructs that differ in that version may behave as 2.1 says",
                    );
                }
                None => {
                    let at = self.at(doc, root);
                    self.cx.approx(
                        at,
                        "`<vxml>` has no `version` (VoiceXML 2.0 §1.5.1 requires one): it is read as VoiceXML 2.1",
                        "nothing, if the document was written for VoiceXML 2.0 or 2.1",
                    );
                }
            }
            if root
                .attribute(("http://www.w3.org/XML/1998/namespace", "base"))
                .is_some()
            {
                let at = self.at(doc, root);
                self.cx.approx(
                    at,
                    "`xml:base` is not used: other documents and clips are looked for beside this one",
                    "a document or clip found elsewhere than the platform would fetch it",
                );
            }
            if let Some(app) = root.attribute("application")
                && self.docs[doc].app.is_none()
            {
                let at = self.attr_at(doc, root, "application");
                self.cx.approx(
                    at,
                    format!(
                        "the application root document `{app}` was not found: its handlers, properties and links are not imported (give it with `--with`)"
                    ),
                    "the root document's handlers (what a caller hears after silence or a wrong key) and its settings are missing",
                );
            }
        }
    }

    /// The node ids of every dialog and form item, in document order.
    fn assign_ids(&mut self) {
        for doc in 0..self.docs.len() {
            let key = self.docs[doc].key.clone();
            for (i, dialog) in self.docs[doc].dialogs.clone().into_iter().enumerate() {
                let tag = dialog.tag_name().name();
                let dialog_name = dialog
                    .attribute("id")
                    .map_or_else(|| format!("{tag}{}", i + 1), str::to_owned);
                let prefix = if key.is_empty() {
                    dialog_name.clone()
                } else {
                    format!("{key} {dialog_name}")
                };
                if tag == "menu" {
                    let id = self.fresh_id(&prefix);
                    self.ids.insert((doc, dialog.id()), id);
                    continue;
                }
                let single = form_items(dialog).count() == 1;
                for (j, item) in form_items(dialog).enumerate() {
                    let item_name = item
                        .attribute("name")
                        .map_or_else(|| format!("{}{}", item.tag_name().name(), j + 1), str::to_owned);
                    // The one item of a form is the form, for whoever reads the map.
                    let id = if single {
                        self.fresh_id(&prefix)
                    } else {
                        self.fresh_id(&format!("{prefix} {item_name}"))
                    };
                    self.ids.insert((doc, item.id()), id);
                }
            }
        }
    }

    /// `languages` from the document's `xml:lang` (a BCP 47 tag; the default `en` otherwise).
    fn language(&mut self) {
        let root = self.docs[0].root;
        if let Some(lang) = root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")) {
            let tag = lang.trim().to_owned();
            if is_language_tag(&tag) {
                let at = self.attr_at(0, root, "lang");
                self.b
                    .languages(vec![crate::menu::build::At::new(tag, at)], self.at(0, root));
            }
        }
    }

    /// The findings made once for the whole import: timeouts the platform decides, the
    /// platform's default `nomatch` audio.
    fn summary_findings(&mut self) {
        let top = self.at(0, self.docs[0].root);
        let first = |spans: &[Span]| spans.first().copied();
        if let Some(at) = first(&self.no_timeout) {
            let d = crate::diag::Diagnostic::new(
                crate::diag::Code::ImportApproximated,
                top,
                format!(
                    "no `timeout` property for {} waiting node(s): VoiceXML leaves the no-input timeout to the platform (§6.3.4); ivrsim waits {} s",
                    self.no_timeout.len(),
                    DEFAULT_TIMEOUT.as_secs()
                ),
            )
            .label("imported differently")
            .with_secondary(at, "the first such node")
            .note("a caller would notice: silence ends in a no-input after 5 s, where platforms differ (JVoiceXML 30 s, Plum 3 s, Nuance 7 s)")
            .help("set it: `<property name=\"timeout\" value=\"5s\"/>` in the document");
            self.cx.diags.push(d);
        }
        if let Some(at) = first(&self.no_interdigit) {
            let d = crate::diag::Diagnostic::new(
                crate::diag::Code::ImportApproximated,
                top,
                format!(
                    "no `interdigittimeout` property for {} node(s) taking several keys: VoiceXML leaves it to the platform (§6.3.3); ivrsim waits {} s between keys",
                    self.no_interdigit.len(),
                    DEFAULT_INTER_DIGIT_TIMEOUT.as_secs()
                ),
            )
            .label("imported differently")
            .with_secondary(at, "the first such node")
            .note("a caller would notice: an entry ends 3 s after the last key, where platforms differ (JVoiceXML 3 s, Plum 1 s)")
            .help("set it: `<property name=\"interdigittimeout\" value=\"3s\"/>` in the document");
            self.cx.diags.push(d);
        }
        if !self.default_nomatch.is_empty() {
            let mut d = crate::diag::Diagnostic::new(
                crate::diag::Code::ImportApproximated,
                top,
                format!(
                    "{} node(s) rely on the platform's default `nomatch` handler (§5.2.5: the platform's own message, then the prompt again); ivrsim plays only the prompt again",
                    self.default_nomatch.len()
                ),
            )
            .label("imported differently");
            for at in self.default_nomatch.iter().take(8) {
                d = d.with_secondary(*at, "no `nomatch` handler for some counts");
            }
            d = d
                .note("a caller would notice: no apology after a wrong key, where the platform plays one")
                .help("write a `<nomatch>` handler in the document");
            self.cx.diags.push(d);
        }
    }
}

/// The form items of `form` in document order (§2.1.2: `<block>`, `<field>`, `<record>`,
/// `<transfer>`, `<subdialog>`, `<object>`; `<initial>` is not imported).
pub(super) fn form_items<'d>(form: Node<'d, 'd>) -> impl Iterator<Item = Node<'d, 'd>> {
    form.children().filter(|n| is_form_item(*n))
}

/// Whether `n` is a form item the import reads (see [`form_items`]).
pub(super) fn is_form_item(n: Node<'_, '_>) -> bool {
    n.is_element()
        && matches!(
            n.tag_name().name(),
            "block" | "field" | "record" | "transfer" | "subdialog" | "object"
        )
}

/// A VoiceXML time designation (§6.5): a non-negative real number and `s` or `ms`
/// (`2.5s`, `500ms`), to the millisecond; `None` for anything else.
pub(super) fn parse_time(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    let number = number.trim();
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') || number.matches('.').count() > 1 {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    // Anything longer than a day is out of range for ivrsim anyway (the builder says so).
    let ms = (value * scale).round().min(1e12);
    Some(Duration::from_millis(ms as u64))
}
