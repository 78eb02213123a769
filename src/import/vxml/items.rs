//! Dialogs and form items: `<menu>`, `<field>`, `<record>`, `<transfer>`, `<subdialog>`,
//! `<object>`, `<block>`; their prompts (§4.1.6; the properties and handlers are read in
//! `listen`); document-level `<link>`s.

use std::collections::BTreeMap;
use std::time::Duration;

use roxmltree::Node;

use super::flow::{Base, Ctx, Dest, End, Hint, Seq, catch_events, is_catch};
use super::listen::Outcome;
use super::said::{Choice, Said, collapse};
use super::{Importer, MAX_NUMBERED_CHOICES, OPEN_DIGITS_MAX, RECORD_BEEP, form_items, parse_time};
use crate::menu::build::{At, DigitsSpec, NodeSpec, OptionSpec};
use crate::menu::{
    DEFAULT_FINAL_SILENCE, DEFAULT_MAX_RECORDING, DEFAULT_RECORDING_STORE, DtmfKey, ExternalApp, ExternalBranches,
    ExternalNode, GlobalAction, NoOperator, Priority, Prompt, RecordNode, SetValue, SetVar,
};
use crate::source::Span;

/// Properties whose effect ivrsim has nothing to model: fetching (a rehearsal fetches
/// nothing), speech recognition tuning (ivrsim matches whole words), logging.
const NO_EFFECT_PROPERTIES: &[&str] = &[
    "audiofetchhint",
    "audiomaxage",
    "audiomaxstale",
    "documentfetchhint",
    "documentmaxage",
    "documentmaxstale",
    "grammarfetchhint",
    "grammarmaxage",
    "grammarmaxstale",
    "objectfetchhint",
    "objectmaxage",
    "objectmaxstale",
    "scriptfetchhint",
    "scriptmaxage",
    "scriptmaxstale",
    "fetchaudio",
    "fetchaudiodelay",
    "fetchaudiominimum",
    "fetchtimeout",
    "datafetchhint",
    "datamaxage",
    "datamaxstale",
    "confidencelevel",
    "sensitivity",
    "speedvsaccuracy",
    "completetimeout",
    "incompletetimeout",
    "maxspeechtimeout",
    "maxnbest",
    "recordutterance",
    "recordutterancetype",
];

/// Properties the import reads (§6.3.2-§6.3.4).
const READ_PROPERTIES: &[&str] = &[
    "timeout",
    "interdigittimeout",
    "termchar",
    "termtimeout",
    "bargein",
    "bargeintype",
];

/// What a field takes.
enum Input {
    /// DTMF choices, each with the value it gives the field.
    Choices(Vec<Opt>),
    /// Digits (`*` too when `star`), `min` to `max` of them.
    Digits {
        /// Fewest.
        min: u32,
        /// Most.
        max: u32,
        /// Whether `*` is part of the value (a decimal point, an extension).
        star: bool,
    },
}

/// One choice of a field.
struct Opt {
    key: Option<At<DtmfKey>>,
    value: String,
    text: String,
    at: Span,
}

/// A DTMF key from `text` (spaces dropped: `"1 2"` is `12`, JVoiceXML `Choice.java`).
fn key_of(text: &str) -> Option<DtmfKey> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    DtmfKey::parse(&compact).ok()
}

/// The value an SRGS `<tag>` gives: `out = 'flood';`, `out="flood"`, `'flood'` or `flood`.
fn tag_value(tag: &str) -> Option<String> {
    let t = tag.trim().trim_end_matches(';').trim();
    let t = match t.strip_prefix("out") {
        Some(rest) if rest.trim_start().starts_with('=') => rest.trim_start()[1..].trim(),
        Some(_) => return None,
        None => t,
    };
    let unquoted =
        if t.len() >= 2 && ((t.starts_with('\'') && t.ends_with('\'')) || (t.starts_with('"') && t.ends_with('"'))) {
            &t[1..t.len() - 1]
        } else {
            t
        };
    (!unquoted.is_empty() && unquoted.chars().all(|c| c.is_alphanumeric() || "_-. ".contains(c)))
        .then(|| unquoted.to_owned())
}

impl<'d> Importer<'d, '_> {
    /// Builds dialog `dialog` of document `doc`.
    pub fn dialog(&mut self, doc: usize, dialog: Node<'d, 'd>) {
        if dialog.tag_name().name() == "menu" {
            self.menu(doc, dialog);
            return;
        }
        for item in form_items(dialog) {
            self.ensure_item(doc, dialog, item);
        }
        for c in dialog.children().filter(|c| c.is_element()) {
            let at = self.at(doc, c);
            match c.tag_name().name() {
                "block" | "field" | "record" | "transfer" | "subdialog" | "object" | "property" | "filled" => {}
                _ if is_catch(c) => {}
                "var" if c.attribute("expr").is_none() => {}
                "initial" => self.approx_once(
                    at,
                    60,
                    "`<initial>` (mixed initiative, §2.3.3) is not imported: the form's fields are asked one by one",
                    "the open question is never asked; the fields' own prompts are",
                ),
                "grammar" => self.approx_once(
                    at,
                    61,
                    "a form-level grammar (mixed initiative) is not imported: each field takes only its own input",
                    "saying or keying several fields at once is a no-match",
                ),
                "link" => self.approx_once(
                    at,
                    62,
                    "a `<link>` inside a dialog is not imported (only the document's links become global keys)",
                    "its key does nothing here",
                ),
                "var" | "script" => self.approx_once(
                    at,
                    23,
                    format!(
                        "`<{}>` is ECMAScript, which ivrsim does not run: it is left out",
                        c.tag_name().name()
                    ),
                    "nothing, unless a prompt or a condition reads what it sets",
                ),
                other => self.approx_once(
                    at,
                    63,
                    format!("`<{other}>` is not part of a form ivrsim imports: it is left out"),
                    "whatever it does does not happen",
                ),
            }
        }
    }

    /// Builds form item `item`, once.
    fn ensure_item(&mut self, doc: usize, form: Node<'d, 'd>, item: Node<'d, 'd>) {
        if !self.built.insert((doc, item.id())) {
            return;
        }
        match item.tag_name().name() {
            "field" => self.field(doc, form, item),
            "record" => self.record(doc, form, item),
            "transfer" => self.transfer(doc, form, item),
            "subdialog" | "object" => self.stand_in_item(doc, form, item),
            _ => {
                self.item_landing(doc, form, item);
            }
        }
        self.item_attributes(doc, item);
    }

    /// W027 for the attributes of a form item that ivrsim does not model.
    fn item_attributes(&mut self, doc: usize, item: Node<'d, 'd>) {
        if let Some(cond) = item.attribute("cond") {
            let at = self.attr_at(doc, item, "cond");
            self.approx_once(
                at,
                64,
                format!("the guard `{cond}` is ECMAScript that ivrsim does not run: the item is always visited"),
                "this item also where the platform would skip it",
            );
        }
        if let Some(expr) = item.attribute("expr") {
            let at = self.attr_at(doc, item, "expr");
            self.approx_once(
                at,
                65,
                format!("the initial value `{expr}` is ECMAScript, which ivrsim does not run: the item is visited"),
                "this item, which the platform would skip when the value is defined",
            );
        }
    }

    /// A `<block>` that says something: a `message` node.
    pub fn block(&mut self, doc: usize, form: Node<'d, 'd>, item: Node<'d, 'd>, seq: Seq<'d>) {
        let id = self.ids.get(&(doc, item.id())).cloned().unwrap_or_default();
        let at = self.at(doc, item);
        let what = self.describe(doc, item);
        let hint = Hint {
            id: id.clone(),
            what: what.clone(),
        };
        let barge_in = seq
            .said
            .iter()
            .find_map(|s| s.barge_in.as_ref().map(|b| b.value))
            .or_else(|| self.bool_property(Ctx::item(doc, form, item), "bargein"));
        let rest = Seq {
            said: Vec::new(),
            ..seq.clone()
        };
        match (&seq.end, self.prompt_of(&seq.said)) {
            (End::Exit(_), Some(p)) => {
                self.b.add_node(
                    At::new(id, at),
                    Some(format!("{what}: its prompts, then the call ends")),
                    NodeSpec::Hangup(crate::menu::HangupNode {
                        prompt: Some(p),
                        reason: "self-service".into(),
                    }),
                );
            }
            (_, Some(p)) => {
                let next_name = self.land(&rest, &Base::After(doc, form, item), &hint);
                let next = self.reference(next_name, at);
                self.b.add_node(
                    At::new(id, at),
                    Some(what),
                    NodeSpec::Message {
                        prompt: p,
                        next,
                        barge_in,
                    },
                );
            }
            (_, None) => {
                // Only whitespace after all: where the block leads stands in for it.
                let to = self.land(&rest, &Base::After(doc, form, item), &hint);
                let next = self.reference(to, at);
                let p = self.stand_in_prompt(at);
                self.b.add_node(
                    At::new(id, at),
                    Some(what),
                    NodeSpec::Message {
                        prompt: p,
                        next,
                        barge_in,
                    },
                );
            }
        }
    }

    /// The prompts of a dialog or item: its `<prompt>`s and bare content, in order.
    fn item_prompts(&mut self, doc: usize, n: Node<'d, 'd>, choices: Option<&[Choice]>) -> Vec<Said> {
        let mut out = Vec::new();
        let mut bare: Vec<Node<'d, 'd>> = Vec::new();
        for c in n.children() {
            let is_bare = (c.is_text() && !c.text().unwrap_or("").trim().is_empty())
                || (c.is_element() && matches!(c.tag_name().name(), "audio" | "value" | "enumerate"));
            if is_bare {
                bare.push(c);
                continue;
            }
            if !c.is_element() {
                continue;
            }
            if !bare.is_empty() {
                out.extend(self.said_bare(doc, &bare, choices));
                bare.clear();
            }
            if c.tag_name().name() == "prompt" {
                out.push(self.said_prompt(doc, c, choices));
            }
        }
        if !bare.is_empty() {
            out.extend(self.said_bare(doc, &bare, choices));
        }
        out
    }

    /// The prompt (the lowest `count`) and the short prompt (the next `count`, played after a
    /// failure: VoiceXML's prompt counter is then 2, §4.1.6) of `saids`; further counts are a
    /// W027. A stand-in when nothing is said.
    fn split_prompts(&mut self, at: Span, saids: &[Said]) -> (Prompt, Option<Box<Prompt>>) {
        let mut groups: BTreeMap<u32, Vec<Said>> = BTreeMap::new();
        for s in saids {
            groups.entry(s.count).or_default().push(s.clone());
        }
        let mut groups = groups.into_iter();
        let prompt = groups.next().and_then(|(_, g)| self.prompt_of(&g));
        let short = groups.next().and_then(|(_, g)| self.prompt_of(&g)).map(Box::new);
        for (count, g) in groups {
            if let Some(first) = g.first() {
                self.approx_once(
                    first.at,
                    66,
                    format!("a prompt for the {count}th visit: ivrsim has one prompt and one short prompt, so the short one plays again"),
                    "the second prompt again where the platform plays this one",
                );
            }
        }
        let prompt = match prompt {
            Some(p) => p,
            None => self.stand_in_prompt(at),
        };
        (prompt, short)
    }

    /// A prompt for an element that says nothing (ivrsim's waiting nodes and messages need
    /// one): the caption `[no prompt]`, with a W027.
    fn stand_in_prompt(&mut self, at: Span) -> Prompt {
        self.approx_once(
            at,
            67,
            "nothing is said here, and ivrsim needs a prompt: the caption `[no prompt]` stands in",
            "a short pause (two words' time, 0.8 s) with that caption",
        );
        self.b.prompt(at, &At::new("[no prompt]".into(), at), None)
    }

    /// `<menu>` element `menu` (§2.2): a `menu` node.
    fn menu(&mut self, doc: usize, menu: Node<'d, 'd>) {
        let id = self.ids.get(&(doc, menu.id())).cloned().unwrap_or_default();
        let at = self.at(doc, menu);
        let ctx = Ctx {
            doc,
            home: doc,
            dialog: Some(menu),
            item: None,
        };
        let numbered = menu.attribute("dtmf").is_some_and(|d| d.trim() == "true");
        let mut next_number = 0u32;
        let mut choices: Vec<(Node<'d, 'd>, Option<At<DtmfKey>>, String)> = Vec::new();
        for c in menu
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "choice")
        {
            let text = collapse(
                &c.children()
                    .filter(|x| x.is_text())
                    .map(|x| x.text().unwrap_or(""))
                    .collect::<String>(),
            );
            let c_at = self.at(doc, c);
            let key = match c.attribute("dtmf") {
                Some(k) => {
                    let k_at = self.attr_at(doc, c, "dtmf");
                    match key_of(k) {
                        Some(key) => Some(At::new(key, k_at)),
                        None => {
                            self.unreadable_once(k_at, 77, format!("`dtmf=\"{k}\"` is not a DTMF key (0-9, * and #)"));
                            None
                        }
                    }
                }
                None if numbered && next_number < MAX_NUMBERED_CHOICES => {
                    next_number += 1;
                    DtmfKey::parse(&next_number.to_string()).ok().map(|k| At::new(k, c_at))
                }
                None => {
                    self.approx_once(
                        c_at,
                        78,
                        if numbered {
                            "a choice after the ninth without `dtmf` has no key (§2.2.1 numbers nine), and ivrsim's options need one: it is left out"
                        } else {
                            "a choice without `dtmf` can only be spoken, and ivrsim's options need a key: it is left out"
                        },
                        "saying this choice is a no-match",
                    );
                    None
                }
            };
            if c.children().any(|x| x.is_element() && x.tag_name().name() == "grammar") {
                self.approx_once(
                    c_at,
                    79,
                    "the choice's own grammar is not imported: its `dtmf` key and its text are",
                    "other words or keys the grammar takes are a no-match",
                );
            }
            choices.push((c, key, text));
        }
        if menu.attribute("accept").is_some_and(|a| a.trim() == "approximate")
            || choices
                .iter()
                .any(|(c, _, _)| c.attribute("accept").is_some_and(|a| a.trim() == "approximate"))
        {
            self.approx_once(
                at,
                80,
                "`accept=\"approximate\"` (a part of the choice's words matches, §2.2.1) is not modelled: the whole spoken keyword must be said",
                "saying only some of a choice's words is a no-match",
            );
        }
        if menu.attribute("scope").is_some_and(|s| s.trim() == "document") {
            self.approx_once(
                at,
                81,
                "`scope=\"document\"`: the menu's choices are not active in the document's other dialogs",
                "its keys do nothing outside the menu",
            );
        }
        let listing: Vec<Choice> = choices
            .iter()
            .map(|(_, k, text)| Choice {
                text: text.clone(),
                key: k.as_ref().map(|k| k.value.to_string()).unwrap_or_default(),
            })
            .collect();
        let saids = self.item_prompts(doc, menu, Some(&listing));
        let (prompt, short) = self.split_prompts(at, &saids);
        let multi_key = choices
            .iter()
            .any(|(_, k, _)| k.as_ref().is_some_and(|k| k.value.len() > 1));
        self.menu_termchar(
            ctx,
            &choices.iter().filter_map(|(_, k, _)| k.clone()).collect::<Vec<_>>(),
            at,
        );
        let mut options = Vec::new();
        for (c, key, text) in choices {
            let Some(key) = key else { continue };
            let c_at = self.at(doc, c);
            let Some(to) = self.choice_target(ctx, &id, c) else {
                continue;
            };
            let mut o = OptionSpec::new(key, self.reference(to, c_at));
            o.at = c_at;
            if text.chars().any(char::is_alphabetic) {
                o.say = vec![At::new(text.clone(), c_at)];
            }
            if !text.is_empty() {
                o.label = Some(text);
            }
            options.push(o);
        }
        let mut listen = self.listen(ctx, &id, &saids, multi_key);
        listen.short_prompt = short;
        let what = self.describe(doc, menu);
        self.b.add_node(
            At::new(id, at),
            Some(what),
            NodeSpec::Menu {
                prompt,
                options,
                listen,
            },
        );
    }

    /// W027 when a menu has keys that start longer keys and a `termchar`: VoiceXML takes the
    /// shorter key at the termchar at once (App. D), ivrsim waits the inter-digit timeout.
    fn menu_termchar(&mut self, ctx: Ctx<'d>, keys: &[At<DtmfKey>], at: Span) {
        let prefix = keys.iter().any(|a| {
            keys.iter()
                .any(|b| b.value.len() > a.value.len() && b.value.as_str().starts_with(a.value.as_str()))
        });
        if prefix && let Some(t) = self.termchar(ctx) {
            self.approx_once(
                at,
                82,
                format!(
                    "a key that starts a longer one is taken in VoiceXML at once when `{}` (termchar) follows it; ivrsim reads `{}` as a key and waits the inter-digit timeout",
                    t.value, t.value
                ),
                "the shorter choice comes after the inter-digit timeout, not at the termchar",
            );
        }
    }

    /// Where `<choice>` element `c` of menu `id` leads.
    fn choice_target(&mut self, ctx: Ctx<'d>, id: &str, c: Node<'d, 'd>) -> Option<String> {
        let c_at = self.at(ctx.doc, c);
        let hint = Hint {
            id: format!("{id} choice"),
            what: format!("a `<choice>` of {}", self.describe(ctx.doc, ctx.dialog.unwrap_or(c))),
        };
        if let Some(next) = c.attribute("next") {
            let end = self.jump(ctx.doc, next, self.attr_at(ctx.doc, c, "next"));
            let seq = Seq { end, ..Seq::empty() };
            return Some(self.land(&seq, &Base::Node(id.to_owned()), &hint));
        }
        if c.attribute("event").is_some() {
            let seq = self.thrown(ctx, c);
            return Some(self.land(&seq, &Base::Node(id.to_owned()), &hint));
        }
        if let Some(expr) = c.attribute("expr") {
            self.approx_once(
                c_at,
                26,
                format!("the target is the ECMAScript expression `{expr}`, which ivrsim does not run: an `external` node stands in"),
                "the call ends there instead of going on where the expression leads",
            );
            let seq = Seq {
                end: End::Leave {
                    app: ExternalApp::Flow,
                    target: expr.to_owned(),
                    at: c_at,
                },
                ..Seq::empty()
            };
            return Some(self.land(&seq, &Base::Node(id.to_owned()), &hint));
        }
        self.unreadable_once(
            c_at,
            83,
            "a `<choice>` with no `next`, `expr` or `event` leads nowhere: it is left out",
        );
        None
    }

    /// `<field>` element `field` (§2.3.1): a `menu` (choices) or `collect` (digits) node.
    fn field(&mut self, doc: usize, form: Node<'d, 'd>, field: Node<'d, 'd>) {
        let id = self.ids.get(&(doc, field.id())).cloned().unwrap_or_default();
        let at = self.at(doc, field);
        let ctx = Ctx::item(doc, form, field);
        let name = field.attribute("name").unwrap_or(&id).to_owned();
        let input = self.field_input(doc, field);
        let listing: Option<Vec<Choice>> = match &input {
            Input::Choices(opts) => Some(
                opts.iter()
                    .map(|o| Choice {
                        text: o.text.clone(),
                        key: o.key.as_ref().map(|k| k.value.to_string()).unwrap_or_default(),
                    })
                    .collect(),
            ),
            Input::Digits { .. } => None,
        };
        let saids = self.item_prompts(doc, field, listing.as_deref());
        let (prompt, short) = self.split_prompts(at, &saids);
        let next = self.filled_landing(doc, form, field, &id);
        self.item_children(doc, field);
        let what = self.describe(doc, field);
        match input {
            Input::Choices(opts) => {
                let multi_key = opts.iter().any(|o| o.key.as_ref().is_some_and(|k| k.value.len() > 1));
                let mut options = Vec::new();
                for o in opts {
                    let Some(key) = o.key else {
                        self.approx_once(
                            o.at,
                            84,
                            "an option without `dtmf` can only be spoken (there is no automatic numbering of options, §2.3.1.3), and ivrsim's options need a key: it is left out",
                            "saying it is a no-match",
                        );
                        continue;
                    };
                    let mut spec = OptionSpec::new(key, self.reference(next.clone(), o.at));
                    spec.at = o.at;
                    if o.text.chars().any(char::is_alphabetic) {
                        spec.say = vec![At::new(o.text.clone(), o.at)];
                    }
                    spec.label = Some(if o.text.is_empty() {
                        o.value.clone()
                    } else {
                        o.text.clone()
                    });
                    spec.set = vec![SetVar {
                        var: name.clone(),
                        value: SetValue::Text(o.value.replace('{', "(").replace('}', ")")),
                        span: o.at,
                    }];
                    options.push(spec);
                }
                let mut listen = self.listen(ctx, &id, &saids, multi_key);
                listen.short_prompt = short;
                self.b.add_node(
                    At::new(id, at),
                    Some(what),
                    NodeSpec::Menu {
                        prompt,
                        options,
                        listen,
                    },
                );
            }
            Input::Digits { min, max, star } => {
                let mut listen = self.listen(ctx, &id, &saids, max > 1);
                listen.short_prompt = short;
                let terminator = self.termchar(ctx).filter(|t| !(star && t.value.as_str() == "*"));
                let digits = DigitsSpec {
                    at,
                    min: Some(At::new(min, at)),
                    max: Some(At::new(max, at)),
                    terminator,
                    keys: star.then(|| At::new("0123456789*".to_owned(), at)),
                };
                let next = self.reference(next, at);
                self.b.add_node(
                    At::new(id, at),
                    Some(what),
                    NodeSpec::Collect {
                        prompt,
                        digits,
                        pattern: None,
                        store: name,
                        next,
                        listen,
                    },
                );
            }
        }
    }

    /// Where a call goes once `item` is filled: its `<filled>`, else the next item.
    fn filled_landing(&mut self, doc: usize, form: Node<'d, 'd>, item: Node<'d, 'd>, id: &str) -> String {
        let key = format!("filled:{doc}:{}", item.id().get());
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        let filled = item
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == "filled");
        let seq = match filled {
            Some(f) => self.seq(Ctx::item(doc, form, item), f),
            None => Seq::empty(),
        };
        let hint = Hint {
            id: format!("{id} filled"),
            what: format!("the `<filled>` of {}", self.describe(doc, item)),
        };
        let to = self.land(&seq, &Base::After(doc, form, item), &hint);
        self.memo.insert(key, to.clone());
        to
    }

    /// W027 for the children of an input item that are not imported.
    fn item_children(&mut self, doc: usize, item: Node<'d, 'd>) {
        for c in item.children().filter(|c| c.is_element()) {
            let at = self.at(doc, c);
            match c.tag_name().name() {
                "prompt" | "audio" | "value" | "enumerate" | "property" | "filled" | "grammar" | "option" => {}
                _ if is_catch(c) => {}
                "link" => self.approx_once(
                    at,
                    62,
                    "a `<link>` inside a dialog is not imported (only the document's links become global keys)",
                    "its key does nothing here",
                ),
                "var" | "script" | "assign" => self.approx_once(
                    at,
                    23,
                    format!(
                        "`<{}>` is ECMAScript, which ivrsim does not run: it is left out",
                        c.tag_name().name()
                    ),
                    "nothing, unless a prompt or a condition reads what it sets",
                ),
                other => self.approx_once(
                    at,
                    85,
                    format!("`<{other}>` is not imported here: it is left out"),
                    "whatever it does does not happen",
                ),
            }
        }
    }

    /// What field `field` takes: its `<option>`s, its `type`, or its DTMF `<grammar>`.
    fn field_input(&mut self, doc: usize, field: Node<'d, 'd>) -> Input {
        let at = self.at(doc, field);
        let options: Vec<Node<'d, 'd>> = field
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "option")
            .collect();
        if !options.is_empty() {
            let opts = options
                .into_iter()
                .map(|o| {
                    let o_at = self.at(doc, o);
                    let text = collapse(
                        &o.children()
                            .filter(|x| x.is_text())
                            .map(|x| x.text().unwrap_or(""))
                            .collect::<String>(),
                    );
                    let key = o.attribute("dtmf").and_then(|k| {
                        let k_at = self.attr_at(doc, o, "dtmf");
                        match key_of(k) {
                            Some(key) => Some(At::new(key, k_at)),
                            None => {
                                self.unreadable_once(
                                    k_at,
                                    77,
                                    format!("`dtmf=\"{k}\"` is not a DTMF key (0-9, * and #)"),
                                );
                                None
                            }
                        }
                    });
                    // The value defaults to the option's text, else its dtmf (§2.3.1.3).
                    let value = o
                        .attribute("value")
                        .map(|v| v.trim().to_owned())
                        .or_else(|| (!text.is_empty()).then(|| text.clone()))
                        .or_else(|| key.as_ref().map(|k| k.value.to_string()))
                        .unwrap_or_default();
                    Opt {
                        key,
                        value,
                        text,
                        at: o_at,
                    }
                })
                .collect();
            return Input::Choices(opts);
        }
        if let Some(t) = field.attribute("type") {
            let t_at = self.attr_at(doc, field, "type");
            return self.builtin(t, t_at);
        }
        let mut found = None;
        for g in field
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "grammar")
        {
            let g_at = self.at(doc, g);
            let src = g.attribute("src").map(str::trim);
            let mode = g.attribute("mode").map(str::trim);
            let input = match src {
                Some(s) if s.starts_with("builtin:dtmf/") => Some(self.builtin(&s["builtin:dtmf/".len()..], g_at)),
                Some(s) if s.starts_with("builtin:") => {
                    self.speech_grammar(g_at);
                    None
                }
                Some(s) => {
                    self.approx_once(
                        g_at,
                        86,
                        format!("the grammar `{s}` is another file, which ivrsim does not read"),
                        "keys the grammar would take are a no-match, unless another grammar of the field takes them",
                    );
                    None
                }
                None if mode == Some("dtmf") => self.srgs_choices(doc, g),
                None => {
                    self.speech_grammar(g_at);
                    None
                }
            };
            if found.is_none() {
                found = input;
            }
        }
        match found {
            Some(input) => input,
            None => {
                self.approx_once(
                    at,
                    87,
                    "no DTMF grammar ivrsim can read: any 1 to 32 digits are taken here",
                    "digits are accepted that the platform's grammar might refuse",
                );
                Input::Digits {
                    min: 1,
                    max: OPEN_DIGITS_MAX,
                    star: false,
                }
            }
        }
    }

    fn speech_grammar(&mut self, at: Span) {
        self.approx_once(
            at,
            88,
            "a speech grammar is not imported: ivrsim's callers speak a menu's keywords only",
            "saying an answer here is a no-match",
        );
    }

    /// A built-in type or `builtin:dtmf/` grammar (App. P), e.g. `digits?minlength=4;maxlength=6`.
    fn builtin(&mut self, spec: &str, at: Span) -> Input {
        let (name, params) = spec.trim().split_once('?').unwrap_or((spec.trim(), ""));
        let param = |key: &str, this: &mut Self| -> Option<u32> {
            let v = params
                .split(';')
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim() == key)
                .map(|(_, v)| v.trim())?;
            match v.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    this.unreadable_once(at, 89, format!("`{key}={v}` is not a whole number"));
                    None
                }
            }
        };
        match name {
            "digits" => {
                let length = param("length", self);
                let min = length.or_else(|| param("minlength", self)).unwrap_or(1);
                let max = length
                    .or_else(|| param("maxlength", self))
                    .unwrap_or(OPEN_DIGITS_MAX.max(min));
                Input::Digits { min, max, star: false }
            }
            "boolean" => {
                let key = |p: &str, default: &str| -> String {
                    params
                        .split(';')
                        .filter_map(|x| x.split_once('='))
                        .find(|(k, _)| k.trim() == p)
                        .map_or(default.to_owned(), |(_, v)| v.trim().to_owned())
                };
                let (y, n) = (key("y", "1"), key("n", "2"));
                let mut opts = Vec::new();
                for (k, value, text) in [(y, "true", "yes"), (n, "false", "no")] {
                    let key = match key_of(&k) {
                        Some(key) => Some(At::new(key, at)),
                        None => {
                            self.unreadable_once(at, 77, format!("`{k}` is not a DTMF key (0-9, * and #)"));
                            None
                        }
                    };
                    opts.push(Opt {
                        key,
                        value: value.into(),
                        text: text.into(),
                        at,
                    });
                }
                Input::Choices(opts)
            }
            "number" | "currency" | "phone" | "date" | "time" => {
                let (min, max, star, shape) = match name {
                    "date" => (8, 8, false, "eight digits, yyyymmdd"),
                    "time" => (4, 4, false, "four digits, hhmm"),
                    "phone" => (1, OPEN_DIGITS_MAX, true, "1 to 32 digits, `*` for an extension"),
                    _ => (1, OPEN_DIGITS_MAX, true, "1 to 32 digits, `*` for the decimal point"),
                };
                self.approx_once(
                    at,
                    90,
                    format!("the built-in `{name}` grammar is read as {shape}; the platform's own DTMF rules for it may differ"),
                    "entries the platform would refuse (or take) differently",
                );
                Input::Digits { min, max, star }
            }
            other => {
                self.approx_once(
                    at,
                    91,
                    format!("`{other}` is not a built-in type ivrsim knows: any 1 to 32 digits are taken"),
                    "digits are accepted that the platform's grammar might refuse",
                );
                Input::Digits {
                    min: 1,
                    max: OPEN_DIGITS_MAX,
                    star: false,
                }
            }
        }
    }

    /// The choices of an inline SRGS DTMF grammar (`<grammar mode="dtmf">`) that lists
    /// literal `<item>`s in its root rule, with the values of their `<tag>`s; `None` (W027)
    /// for any other grammar.
    fn srgs_choices(&mut self, doc: usize, g: Node<'d, 'd>) -> Option<Input> {
        let at = self.at(doc, g);
        let rules: Vec<Node<'d, 'd>> = g
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "rule")
            .collect();
        let root = match g.attribute("root") {
            Some(r) => rules.iter().find(|x| x.attribute("id") == Some(r)).copied(),
            None => rules.first().copied(),
        };
        let items: Option<Vec<Node<'d, 'd>>> = root.and_then(|rule| {
            let elements: Vec<Node<'d, 'd>> = rule.children().filter(|c| c.is_element()).collect();
            match elements.as_slice() {
                [one] if one.tag_name().name() == "one-of" => {
                    Some(one.children().filter(|c| c.is_element()).collect::<Vec<_>>())
                }
                [one] if one.tag_name().name() == "item" => Some(vec![*one]),
                _ => None,
            }
        });
        let mut opts = Vec::new();
        let readable = items.is_some_and(|items| {
            items.iter().all(|item| {
                if item.tag_name().name() != "item" || item.attribute("repeat").is_some() {
                    return false;
                }
                if item.children().any(|c| c.is_element() && c.tag_name().name() != "tag") {
                    return false;
                }
                let text: String = item
                    .children()
                    .filter(|c| c.is_text())
                    .map(|c| c.text().unwrap_or(""))
                    .collect();
                let Some(key) = key_of(&text) else { return false };
                let value = item
                    .children()
                    .find(|c| c.is_element() && c.tag_name().name() == "tag")
                    .and_then(|t| tag_value(t.text().unwrap_or("")))
                    .unwrap_or_else(|| key.to_string());
                let i_at = self.at(doc, *item);
                opts.push(Opt {
                    key: Some(At::new(key, i_at)),
                    value,
                    text: String::new(),
                    at: i_at,
                });
                true
            })
        });
        if readable && !opts.is_empty() {
            return Some(Input::Choices(opts));
        }
        self.approx_once(
            at,
            92,
            "this DTMF grammar is not a list of literal keys ivrsim can read (rule references, repeats, nested alternatives)",
            "keys it would take are a no-match, unless another grammar of the field takes them",
        );
        None
    }

    /// `<record>` element `rec` (§2.3.6): a `record` node.
    fn record(&mut self, doc: usize, form: Node<'d, 'd>, rec: Node<'d, 'd>) {
        let id = self.ids.get(&(doc, rec.id())).cloned().unwrap_or_default();
        let at = self.at(doc, rec);
        let ctx = Ctx::item(doc, form, rec);
        let saids = self.item_prompts(doc, rec, None);
        let prompt = self.prompt_of(&saids);
        let next_name = self.filled_landing(doc, form, rec, &id);
        self.item_children(doc, rec);
        let beep = match rec.attribute("beep").map(str::trim) {
            Some("true") => true,
            Some("false") | None => RECORD_BEEP,
            Some(other) => {
                let a = self.attr_at(doc, rec, "beep");
                self.unreadable_once(a, 93, format!("`beep=\"{other}\"` is neither `true` nor `false`"));
                RECORD_BEEP
            }
        };
        let time = |this: &mut Self, attr: &str| -> Option<Duration> {
            let v = rec.attribute(attr)?;
            let a = this.attr_at(doc, rec, attr);
            match parse_time(v) {
                Some(d) if !d.is_zero() && d <= Duration::from_secs(24 * 3600) => Some(d),
                _ => {
                    this.unreadable_once(
                        a,
                        93,
                        format!(
                            "`{attr}=\"{v}\"` is not a time designation of more than zero, at most 24 hours (§6.5)"
                        ),
                    );
                    None
                }
            }
        };
        let max_length = time(self, "maxtime");
        let final_silence = time(self, "finalsilence");
        let mut missing = Vec::new();
        if max_length.is_none() {
            missing.push(format!("`maxtime` ({} s)", DEFAULT_MAX_RECORDING.as_secs()));
        }
        if final_silence.is_none() {
            missing.push(format!("`finalsilence` ({} s)", DEFAULT_FINAL_SILENCE.as_secs()));
        }
        if !missing.is_empty() {
            self.approx_once(
                at,
                94,
                format!(
                    "{} left to the platform (§2.3.6): ivrsim's defaults apply",
                    missing.join(" and ")
                ),
                "a recording that ends at other lengths or silences than the platform's",
            );
        }
        if rec.attribute("dtmfterm").is_some_and(|d| d.trim() == "false") {
            let a = self.attr_at(doc, rec, "dtmfterm");
            self.approx_once(
                a,
                95,
                "`dtmfterm=\"false\"` (keys do not end the recording) is not modelled: any key ends it",
                "a key pressed while recording ends the recording",
            );
        }
        let timeout = self.time_property(ctx, "timeout");
        if timeout.is_none() {
            self.no_timeout.push(at);
        }
        // Nothing said: the first `noinput` handler (§2.3.6).
        let handlers = self.handlers(ctx, "noinput");
        let first_count = handlers.iter().map(|h| h.2).filter(|c| *c <= 1).max();
        let chosen = first_count
            .and_then(|c| handlers.iter().find(|h| h.2 == c))
            .map(|h| (h.0, h.1));
        // Later counts matter only when the first handler keeps the caller at the item.
        let first_stays = match chosen {
            None => true,
            Some((hdoc, h)) => matches!(self.outcome(ctx, hdoc, h), Outcome::Stay { .. }),
        };
        if first_stays && let Some(&(hdoc, h, _)) = handlers.iter().find(|h| h.2 > 1) {
            let h_at = self.at(hdoc, h);
            self.approx_once(
                h_at,
                96,
                "a recording has no retries in ivrsim: nothing recorded always runs the first `noinput` handler",
                "the same handling each time nothing is said",
            );
        }
        let no_speech = match chosen {
            None => {
                // The default handler re-prompts: the recording starts again.
                Some(id.clone())
            }
            Some((hdoc, h)) => {
                let hint = self.handler_hint(ctx, hdoc, h, &id);
                match self.outcome(ctx, hdoc, h) {
                    Outcome::Stay { said, .. } => {
                        let seq = Seq {
                            said,
                            end: End::Continue,
                            reprompt: true,
                        };
                        Some(self.land(&seq, &Base::Node(id.clone()), &hint))
                    }
                    Outcome::Leave(seq) => Some(self.land(&seq, &Base::Node(id.clone()), &hint)),
                }
            }
        };
        let store = rec
            .attribute("name")
            .map_or(DEFAULT_RECORDING_STORE.to_owned(), str::to_owned);
        let next = self.reference(next_name, at);
        let no_speech = no_speech.map(|n| self.reference(n, at));
        let what = self.describe(doc, rec);
        self.b.add_node(
            At::new(id, at),
            Some(what),
            NodeSpec::Record {
                record: RecordNode {
                    prompt,
                    beep,
                    max_length: max_length.unwrap_or(DEFAULT_MAX_RECORDING),
                    final_silence: final_silence.unwrap_or(DEFAULT_FINAL_SILENCE),
                    timeout: timeout.as_ref().map_or(super::DEFAULT_TIMEOUT, |t| t.value),
                    terminator: None,
                    store,
                    next,
                    no_speech,
                },
                timeout: timeout.map(|t| t.value),
            },
        );
    }

    /// `<transfer>` element `tr` (§2.3.7): a `transfer` node to the queue named by `dest`.
    fn transfer(&mut self, doc: usize, form: Node<'d, 'd>, tr: Node<'d, 'd>) {
        let id = self.ids.get(&(doc, tr.id())).cloned().unwrap_or_default();
        let at = self.at(doc, tr);
        let saids = self.item_prompts(doc, tr, None);
        let prompt = self.prompt_of(&saids);
        self.item_children(doc, tr);
        let queue = match tr.attribute("dest").map(str::trim).filter(|d| !d.is_empty()) {
            Some(dest) => {
                let lower = dest.to_ascii_lowercase();
                let q = ["tel:", "sips:", "sip:"]
                    .iter()
                    .find(|s| lower.starts_with(*s))
                    .map_or(dest, |s| &dest[s.len()..]);
                q.split(';').next().unwrap_or(q).to_owned()
            }
            None => {
                let name = tr.attribute("name").unwrap_or("transfer").to_owned();
                if let Some(expr) = tr.attribute("destexpr") {
                    let a = self.attr_at(doc, tr, "destexpr");
                    self.approx_once(
                        a,
                        97,
                        format!("the destination is the ECMAScript expression `{expr}`, which ivrsim does not run: the queue is named `{name}`"),
                        "every such call goes to one queue",
                    );
                }
                name
            }
        };
        let bridge = tr.attribute("bridge").is_some_and(|b| b.trim() == "true")
            || tr
                .attribute("type")
                .is_some_and(|t| matches!(t.trim(), "bridge" | "consultation"));
        let mut when_no_operator = None;
        if bridge {
            let filled = tr.children().any(|c| c.is_element() && c.tag_name().name() == "filled");
            self.approx_once(
                at,
                98,
                if filled {
                    "a bridged transfer comes back to the document when the far end hangs up or does not answer (`<filled>` reads the outcome, §2.3.7); ivrsim ends the call at the handoff, and takes the `<filled>` as what happens when no call-taker can take the call"
                } else {
                    "a bridged transfer comes back to the document when the far end hangs up (§2.3.7); ivrsim ends the call at the handoff"
                },
                "the call ends with the handoff instead of going on in the document afterwards (`connecttimeout` and `maxtime` are not modelled)",
            );
            if filled {
                let to = self.filled_landing(doc, form, tr, &id);
                when_no_operator = Some(Some(NoOperator::Goto {
                    to: self.reference(to, at),
                }));
            }
        }
        if tr.attribute("transferaudio").is_some() {
            let a = self.attr_at(doc, tr, "transferaudio");
            self.approx_once(
                a,
                99,
                "`transferaudio` (played while the far end rings) is not played: the caller hears the hold announcements",
                "hold announcements instead of the ringing audio",
            );
        }
        let what = match tr.attribute("dest") {
            Some(dest) => format!("{} to `{dest}`", self.describe(doc, tr)),
            None => self.describe(doc, tr),
        };
        self.b.add_node(
            At::new(id, at),
            Some(what),
            NodeSpec::Transfer {
                queue,
                priority: Priority::Normal,
                prompt,
                context: None,
                hold: None,
                when_no_operator,
            },
        );
    }

    /// `<subdialog>` or `<object>` element `item`: an `external` node that comes back to the
    /// item's `<filled>` (W027: what it runs is not imported).
    fn stand_in_item(&mut self, doc: usize, form: Node<'d, 'd>, item: Node<'d, 'd>) {
        let id = self.ids.get(&(doc, item.id())).cloned().unwrap_or_default();
        let at = self.at(doc, item);
        let tag = item.tag_name().name();
        let (app, target) = if tag == "subdialog" {
            (
                ExternalApp::Flow,
                item.attribute("src")
                    .or(item.attribute("srcexpr"))
                    .unwrap_or("subdialog"),
            )
        } else {
            (
                ExternalApp::Application,
                item.attribute("classid").or(item.attribute("data")).unwrap_or("object"),
            )
        };
        self.approx_once(
            at,
            100,
            format!("`<{tag}>` runs `{target}`, which is not imported: an `external` step stands in, and the call goes on with the item's `<filled>` whatever it returns"),
            "none of what it says or asks, and the same way on whatever it would return",
        );
        let saids = self.item_prompts(doc, item, None);
        let prompt = self.prompt_of(&saids);
        let next = self.filled_landing(doc, form, item, &id);
        let what = self.describe(doc, item);
        let on = ExternalBranches {
            success: self.reference(next.clone(), at),
            error: self.reference(next, at),
        };
        self.b.add_node(
            At::new(id, at),
            Some(what),
            NodeSpec::External(ExternalNode {
                app,
                name: target.to_owned(),
                prompt,
                on: Some(on),
                store: crate::menu::DEFAULT_EXTERNAL_STORE.into(),
            }),
        );
    }

    /// The document's `<link>`s (§2.5) with a DTMF key and a `next` in the documents read:
    /// global keys. A link to the first dialog is `main_menu`; the first other link is
    /// `operator`. Others are W027.
    pub fn links(&mut self, doc: usize) {
        let root = self.docs[doc].root;
        let first = self.docs[doc].dialogs.first().copied();
        let mut operator = false;
        let mut main_menu = false;
        for link in root
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "link")
        {
            let at = self.at(doc, link);
            let key = link.attribute("dtmf").and_then(key_of).or_else(|| {
                let g = link.children().find(|c| {
                    c.is_element() && c.tag_name().name() == "grammar" && c.attribute("mode") == Some("dtmf")
                })?;
                match self.srgs_choices(doc, g) {
                    Some(Input::Choices(opts)) if opts.len() == 1 => opts.into_iter().next()?.key.map(|k| k.value),
                    _ => None,
                }
            });
            let Some(key) = key else {
                self.approx_once(
                    at,
                    101,
                    "a `<link>` without a DTMF key ivrsim can read is not imported (speech links are not)",
                    "its words do nothing",
                );
                continue;
            };
            let Some(next) = link.attribute("next") else {
                self.approx_once(
                    at,
                    102,
                    "a `<link>` that throws an event or jumps to an expression is not imported",
                    "its key does nothing",
                );
                continue;
            };
            let end = self.jump(doc, next, self.attr_at(doc, link, "next"));
            let (to, dest_first) = match end {
                End::Goto(dest) => {
                    let is_first = matches!(dest, Dest::Dialog(d, n) if d == doc && Some(n) == first);
                    (self.dest_landing(dest), is_first)
                }
                End::Missing(name, at) => {
                    self.missing.entry(name.clone()).or_insert(at);
                    (name, false)
                }
                _ => {
                    self.approx_once(
                        at,
                        102,
                        "a `<link>` that leaves the documents read is not imported",
                        "its key does nothing",
                    );
                    continue;
                }
            };
            let action = if dest_first && !main_menu {
                main_menu = true;
                GlobalAction::MainMenu
            } else if !operator {
                operator = true;
                GlobalAction::Operator
            } else {
                self.approx_once(
                    at,
                    103,
                    "ivrsim has one operator key and one main-menu key: this link is not imported",
                    "its key does nothing",
                );
                continue;
            };
            let r = self.reference(to, at);
            match action {
                GlobalAction::MainMenu => self.b.main_menu(r),
                _ => self.b.operator(r),
            }
            self.b.global_key(action, At::new(key, at));
        }
    }

    /// Findings about the top level of document `doc` and about what nothing used: handlers
    /// of events ivrsim never raises, properties it does not read, links of other documents.
    pub fn document_elements(&mut self, doc: usize) {
        let root = self.docs[doc].root;
        if !self.docs[doc].ok {
            return;
        }
        for c in root.children().filter(|c| c.is_element()) {
            let at = self.at(doc, c);
            match c.tag_name().name() {
                "form" | "menu" | "property" | "meta" | "metadata" => {}
                _ if is_catch(c) => {}
                "link" if doc == 0 => {}
                "link" => self.approx_once(
                    at,
                    62,
                    "a `<link>` of another document is not imported (only the imported document's links become global keys)",
                    "its key does nothing",
                ),
                "var" if c.attribute("expr").is_none() => {}
                "var" | "script" | "data" => self.approx_once(
                    at,
                    23,
                    format!("`<{}>` is ECMAScript, which ivrsim does not run: it is left out", c.tag_name().name()),
                    "nothing, unless a prompt or a condition reads what it sets",
                ),
                other => self.approx_once(
                    at,
                    104,
                    format!("`<{other}>` is not part of a document ivrsim imports: it is left out"),
                    "whatever it does does not happen",
                ),
            }
        }
        for p in root
            .descendants()
            .filter(|c| c.is_element() && c.tag_name().name() == "property")
        {
            let name = p.attribute("name").unwrap_or("");
            if READ_PROPERTIES.contains(&name) || NO_EFFECT_PROPERTIES.contains(&name) {
                continue;
            }
            let at = self.at(doc, p);
            let what = match name {
                "inputmodes" if p.attribute("value").is_some_and(|v| !v.contains("dtmf")) => {
                    "`inputmodes` without `dtmf` is not modelled: keys work".to_owned()
                }
                "inputmodes" => continue,
                "universals" => "`universals` (help, cancel, exit by voice) are not imported".to_owned(),
                other => format!("the property `{other}` is not read"),
            };
            self.approx_once(at, 105, what, "whatever the property changes on the platform");
        }
    }

    /// W027 for every handler of an event ivrsim never raises (`help`, `error`,
    /// `connection.disconnect.hangup`, …), after the whole import.
    pub fn unused_handlers(&mut self) {
        for doc in 0..self.docs.len() {
            if !self.docs[doc].ok {
                continue;
            }
            let handlers: Vec<Node<'d, 'd>> = self.docs[doc].root.descendants().filter(|c| is_catch(*c)).collect();
            for h in handlers {
                let events = catch_events(h);
                let others: Vec<&String> = events
                    .iter()
                    .filter(|e| !e.is_empty() && e.as_str() != "noinput" && e.as_str() != "nomatch")
                    .collect();
                // Events a `<throw>` or `<choice event>` raised are run (see `flow::throw`).
                let others: Vec<&String> = others
                    .into_iter()
                    .filter(|e| !self.thrown_events.iter().any(|t| super::flow::catches(e, t)))
                    .collect();
                if others.is_empty() {
                    continue;
                }
                let names: Vec<String> = others.iter().map(|e| format!("`{e}`")).collect();
                let at = self.at(doc, h);
                self.approx_once(
                    at,
                    106,
                    if others.len() < events.len() {
                        format!(
                            "this handler also catches {}, which ivrsim never raises (it models no-input and no-match only): for those it never runs",
                            names.join(", ")
                        )
                    } else {
                        format!(
                            "a handler for {}, which ivrsim never raises (it models no-input and no-match only): it never runs",
                            names.join(", ")
                        )
                    },
                    match others[0].as_str() {
                        "help" => "asking for help (by voice or a `help` key) does nothing",
                        e if e.starts_with("connection.disconnect") => "nothing: the call simply ends when the caller hangs up",
                        e if e.starts_with("error") => "nothing, unless the platform meets an error",
                        _ => "what this handler does never happens",
                    },
                );
            }
        }
    }
}

impl<'d> Ctx<'d> {
    /// The context of form item `item` of `form` in document `doc`.
    pub fn item(doc: usize, form: Node<'d, 'd>, item: Node<'d, 'd>) -> Self {
        Ctx {
            doc,
            home: doc,
            dialog: Some(form),
            item: Some(item),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_keys() {
        assert_eq!(tag_value("out = 'flood';").as_deref(), Some("flood"));
        assert_eq!(tag_value("out=\"drip\"").as_deref(), Some("drip"));
        assert_eq!(tag_value("'x'").as_deref(), Some("x"));
        assert_eq!(tag_value("out.kind = 'x'"), None);
        assert_eq!(key_of("1 2").map(|k| k.to_string()).as_deref(), Some("12"));
        assert!(key_of("a").is_none());
    }
}
