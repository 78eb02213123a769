//! Executable content (VoiceXML 2.0 §5.3) and where it leads: the content of `<block>`,
//! `<filled>` and event handlers read into a [`Seq`] (what is said, then how control leaves),
//! and a `Seq` turned into the nodes a call goes through ([`Importer::land`]).
//!
//! - `<goto next="#d">` enters dialog `d` (its first form item, §2.1.6); `next="doc.vxml#d"` a
//!   dialog of another document read as a companion (an `external` flow node, with a W027,
//!   when it cannot be read); `nextitem="i"` the form item `i` of the same form (§5.3.7);
//!   `expr`/`expritem` are ECMAScript (an `external` node naming the expression, W027).
//! - Falling off the end of a `<block>` or an item's `<filled>` goes to the next form item in
//!   document order (the FIA selects the first item not yet filled, §2.1.6.2.1; items run in
//!   order unless a `<goto nextitem>` jumps back), after the last item to the form's own
//!   `<filled>`, else to a `hangup` node (the FIA's implicit `<exit>`).
//! - `<exit>`, `<disconnect>`, `<return>` end the call (`hangup`); `<submit>` hands it to the
//!   server (`external`, `app: flow`, W027).
//! - `<if>`/`<elseif>`/`<else>` (§5.3.4) whose conditions ivrsim can read ([`parse_cond`])
//!   are a `route` node; a condition it cannot read is taken as false (W027).
//! - `<throw event>` runs the handler that catches it (the first with the lowest `count`
//!   in scope), else ends the call as an uncaught event does (§5.2.5).
//! - `<assign>`, `<var expr>`, `<script>`, `<data>` are not run (W027); `<log>` is not heard;
//!   `<clear>` resets items (and their counters, §5.2.2) as ivrsim's entry of a node does.

use roxmltree::Node;

use super::said::{Said, is_identifier};
use super::{El, Importer, MAX_DEPTH, form_items, is_form_item};
use crate::menu::build::{At, NodeSpec};
use crate::menu::{CompareOp, ExternalApp, ExternalNode, HangupNode, Route, RouteNode, Test};
use crate::source::Span;

/// Where a jump lands.
#[derive(Clone, Copy, Debug)]
pub(super) enum Dest<'d> {
    /// A dialog: a menu, or a form's first item.
    Dialog(usize, Node<'d, 'd>),
    /// An item of a form: (document, form, item).
    Item(usize, Node<'d, 'd>, Node<'d, 'd>),
}

/// How control leaves a run of executable content.
#[derive(Clone, Debug)]
pub(super) enum End<'d> {
    /// It falls off the end.
    Continue,
    /// `<goto>` within the documents read.
    Goto(Dest<'d>),
    /// A jump to something that does not exist: the builder reports E006 for this name
    /// (`#dialog`, `form/item`, `doc#dialog`): `#` and `/` are in no node id.
    Missing(String, Span),
    /// `<exit>`, `<disconnect>`, `<return>`, an uncaught event: the call ends.
    Exit(Span),
    /// The call leaves for something not imported (a server, a document not read).
    Leave {
        /// What takes the call.
        app: ExternalApp,
        /// Its name as written.
        target: String,
        /// The element.
        at: Span,
    },
    /// `<if>` with conditions ivrsim reads: the first case whose tests hold, else `default`;
    /// a case that falls off its end goes on with `then`.
    Branch {
        /// The cases in order.
        cases: Vec<(Vec<Test>, Seq<'d>)>,
        /// `<else>` (empty when there is none).
        default: Box<Seq<'d>>,
        /// What follows the `<if>`.
        then: Box<Seq<'d>>,
        /// The `<if>` element.
        at: Span,
    },
}

/// A run of executable content: what it says, then how it leaves.
#[derive(Clone, Debug)]
pub(super) struct Seq<'d> {
    /// The prompts it plays, in order.
    pub said: Vec<Said>,
    /// How it ends.
    pub end: End<'d>,
    /// Whether a `<reprompt/>` ran (in a handler: the item's prompt plays again, §5.3.6).
    pub reprompt: bool,
}

impl<'d> Seq<'d> {
    /// Nothing said, falling off the end.
    pub fn empty() -> Self {
        Seq {
            said: Vec::new(),
            end: End::Continue,
            reprompt: false,
        }
    }

    /// `self` followed by `next` (when `self` falls off its end).
    fn then(mut self, next: Seq<'d>) -> Seq<'d> {
        match self.end {
            End::Continue => {
                self.said.extend(next.said);
                self.end = next.end;
                self.reprompt |= next.reprompt;
                self
            }
            End::Branch {
                cases,
                default,
                then,
                at,
            } => {
                self.end = End::Branch {
                    cases,
                    default,
                    then: Box::new(then.then(next)),
                    at,
                };
                self
            }
            _ => self,
        }
    }

    /// The content as run when every condition is false (the `<else>` branches): for
    /// handlers, which cannot branch in ivrsim.
    pub fn without_branches(self) -> Seq<'d> {
        match self.end {
            End::Branch { default, then, .. } => {
                let rest = (*default).without_branches().then((*then).without_branches());
                let head = Seq {
                    said: self.said,
                    end: End::Continue,
                    reprompt: self.reprompt,
                };
                head.then(rest)
            }
            _ => self,
        }
    }

    /// Whether any jump in it is a `<goto nextitem>` (which depends on the form it runs in).
    pub fn has_item_jump(&self) -> bool {
        match &self.end {
            End::Goto(Dest::Item(..)) => true,
            End::Branch {
                cases, default, then, ..
            } => cases.iter().any(|(_, s)| s.has_item_jump()) || default.has_item_jump() || then.has_item_jump(),
            _ => false,
        }
    }
}

/// A branch of an `<if>`: its condition and where it is written (`None` for `<else>`), and
/// its content.
type IfBranch<'d> = (Option<(String, Span)>, Vec<Node<'d, 'd>>);

/// Where falling off the end of a [`Seq`] goes.
#[derive(Clone, Debug)]
pub(super) enum Base<'d> {
    /// To the form item after this one: (document, form, item).
    After(usize, Node<'d, 'd>, Node<'d, 'd>),
    /// The form's own `<filled>` has run: the form ends.
    FormEnd(usize, Node<'d, 'd>),
    /// To this node.
    Node(String),
    /// To what follows an `<if>` (`Importer::pending`, landed when first needed).
    Then(usize),
}

/// What follows an `<if>`, landed once for all its branches, when one of them falls off
/// its end (so a run of `<if>`s adds each continuation once, not once per branch above it).
#[derive(Clone, Debug)]
pub(super) struct Pending<'d> {
    /// The content after the `<if>`.
    pub seq: Seq<'d>,
    /// Where that falls off its end.
    pub base: Base<'d>,
    /// Names for its nodes.
    pub hint: Hint,
    /// Its landing, once made.
    pub done: Option<String>,
}

/// Names and describes the nodes a [`Seq`] becomes.
#[derive(Clone, Debug)]
pub(super) struct Hint {
    /// The start of their ids (`billing_acct filled`).
    pub id: String,
    /// What they come from, for their descriptions (`<filled> of field `acct``).
    pub what: String,
}

/// What executable content runs in: the document it is written in, and the form and item
/// it runs for (for `nextitem`, `<throw>` handlers), which a handler of the document or of
/// the application root serves from another place.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ctx<'d> {
    /// The document the content is written in (its places).
    pub doc: usize,
    /// The document of the dialog and item.
    pub home: usize,
    /// The form (or menu) the content is in.
    pub dialog: Option<Node<'d, 'd>>,
    /// The item it belongs to.
    pub item: Option<Node<'d, 'd>>,
}

/// A comparison of `parse_cond`: tests that all hold, or tests whose negation holds.
#[derive(Debug)]
pub(super) enum Cond {
    /// Every test holds.
    All(Vec<Test>),
    /// `x != v`: the test does not hold.
    Not(Test),
}

/// Reads an ECMAScript condition that compares variables with literals: `x == 'v'`,
/// `x === "v"`, `x == 3` (numeric), `x < 3`, `x >= 2.5`, `x == true`, a bare `x` (true),
/// joined by `&&`; `x == 'a' || x == 'b'` (one variable); `x != 'v'` alone. `None` for
/// anything else (ECMAScript ivrsim does not run).
pub(super) fn parse_cond(cond: &str) -> Option<Cond> {
    let cond = cond.trim();
    if cond.contains("||") {
        let mut var = None;
        let mut values = Vec::new();
        for part in cond.split("||") {
            match term(part)? {
                Term::Test(Test::Equals { var: v, value }) => {
                    if var.as_ref().is_some_and(|x| *x != v) {
                        return None;
                    }
                    var = Some(v);
                    values.push(value);
                }
                _ => return None,
            }
        }
        return Some(Cond::All(vec![Test::OneOf { var: var?, values }]));
    }
    let parts: Vec<&str> = cond.split("&&").collect();
    if parts.len() == 1
        && let Term::Not(t) = term(parts[0])?
    {
        return Some(Cond::Not(t));
    }
    let mut tests = Vec::new();
    for p in parts {
        match term(p)? {
            Term::Test(t) => tests.push(t),
            Term::Not(_) => return None,
        }
    }
    Some(Cond::All(tests))
}

enum Term {
    Test(Test),
    Not(Test),
}

/// A literal of a condition: its text and whether it is a number.
fn literal(text: &str) -> Option<(String, Option<f64>)> {
    let t = text.trim();
    if t.len() >= 2 && ((t.starts_with('\'') && t.ends_with('\'')) || (t.starts_with('"') && t.ends_with('"'))) {
        let inner = &t[1..t.len() - 1];
        if inner.contains(['\'', '"', '\\']) {
            return None;
        }
        return Some((inner.to_owned(), None));
    }
    if t == "true" || t == "false" {
        return Some((t.to_owned(), None));
    }
    let n: f64 = t.parse().ok()?;
    n.is_finite().then(|| (t.to_owned(), Some(n)))
}

fn term(text: &str) -> Option<Term> {
    let t = text.trim();
    let t = t
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(t)
        .trim();
    if is_identifier(t) {
        return Some(Term::Test(Test::Equals {
            var: t.to_owned(),
            value: "true".into(),
        }));
    }
    for op in ["===", "!==", "==", "!=", "<=", ">=", "<", ">"] {
        let Some(i) = t.find(op) else { continue };
        let (left, right) = (t[..i].trim(), t[i + op.len()..].trim());
        let (var, lit, op) = if is_identifier(left) {
            (left, right, op)
        } else if is_identifier(right) {
            let flipped = match op {
                "<" => ">",
                ">" => "<",
                "<=" => ">=",
                ">=" => "<=",
                same => same,
            };
            (right, left, flipped)
        } else {
            return None;
        };
        if var == "true" || var == "false" {
            return None;
        }
        let (value, number) = literal(lit)?;
        let var = var.to_owned();
        let test = match (op, number) {
            ("==" | "===" | "!=" | "!==", Some(n)) => Test::Between { var, low: n, high: n },
            ("==" | "===" | "!=" | "!==", None) => Test::Equals { var, value },
            (_, None) => return None,
            (op, Some(n)) => Test::Compare {
                var,
                op: match op {
                    "<" => CompareOp::Less,
                    "<=" => CompareOp::AtMost,
                    ">" => CompareOp::Greater,
                    _ => CompareOp::AtLeast,
                },
                value: n,
            },
        };
        return Some(if op.starts_with('!') {
            Term::Not(test)
        } else {
            Term::Test(test)
        });
    }
    None
}

/// Whether `n` is a handler element (`<catch>` or one of its short forms, §5.2.3).
pub(super) fn is_catch(n: Node<'_, '_>) -> bool {
    n.is_element() && matches!(n.tag_name().name(), "catch" | "noinput" | "nomatch" | "help" | "error")
}

/// The events a handler element catches: its `event` list (an empty string for "all"),
/// or its short form's event.
pub(super) fn catch_events(n: Node<'_, '_>) -> Vec<String> {
    match n.tag_name().name() {
        "catch" => {
            let list: Vec<String> = n
                .attribute("event")
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            if list.is_empty() { vec![String::new()] } else { list }
        }
        other => vec![other.to_owned()],
    }
}

/// Whether a handler for `caught` catches the event `thrown`: the same name, a dotted prefix
/// of it, or all events (§5.2.4).
pub(super) fn catches(caught: &str, thrown: &str) -> bool {
    caught.is_empty()
        || caught == "."
        || caught == thrown
        || thrown
            .strip_prefix(caught.trim_end_matches('.'))
            .is_some_and(|rest| rest.starts_with('.'))
}

impl<'d> Importer<'d, '_> {
    /// The executable content of element `n` (its children).
    pub fn seq(&mut self, ctx: Ctx<'d>, n: Node<'d, 'd>) -> Seq<'d> {
        let children: Vec<Node<'d, 'd>> = n.children().collect();
        self.seq_of(ctx, &children, 0)
    }

    /// The executable content `nodes`.
    fn seq_of(&mut self, ctx: Ctx<'d>, nodes: &[Node<'d, 'd>], depth: usize) -> Seq<'d> {
        let mut seq = Seq::empty();
        if depth > MAX_DEPTH {
            if let Some(first) = nodes.first().and_then(|n| n.parent()) {
                let at = self.at(ctx.doc, first);
                self.unreadable_once(
                    at,
                    20,
                    format!("executable content nested deeper than {MAX_DEPTH} elements is not read"),
                );
            }
            return seq;
        }
        let mut bare: Vec<Node<'d, 'd>> = Vec::new();
        let mut i = 0;
        while i < nodes.len() {
            let n = nodes[i];
            i += 1;
            let is_bare = (n.is_text() && !n.text().unwrap_or("").trim().is_empty())
                || (n.is_element() && matches!(n.tag_name().name(), "audio" | "value" | "enumerate"));
            if is_bare {
                bare.push(n);
                continue;
            }
            if !bare.is_empty() {
                if let Some(s) = self.said_bare(ctx.doc, &bare, None) {
                    seq.said.push(s);
                }
                bare.clear();
            }
            if !n.is_element() {
                continue;
            }
            let at = self.at(ctx.doc, n);
            match n.tag_name().name() {
                "prompt" => {
                    let s = self.said_prompt(ctx.doc, n, None);
                    seq.said.push(s);
                }
                "goto" => {
                    seq.end = self.goto(ctx, n);
                    return seq;
                }
                "submit" => {
                    let next = n
                        .attribute("next")
                        .or(n.attribute("expr"))
                        .unwrap_or("")
                        .trim()
                        .to_owned();
                    self.approx_once(
                        at,
                        21,
                        format!("`<submit>` sends the call to the server at `{next}`, which answers with a document ivrsim cannot have: an `external` flow node stands in"),
                        "the call ends there (handed to another flow) instead of going on with the server's next document",
                    );
                    seq.end = End::Leave {
                        app: ExternalApp::Flow,
                        target: next,
                        at,
                    };
                    return seq;
                }
                "exit" | "disconnect" => {
                    seq.end = End::Exit(at);
                    return seq;
                }
                "return" => {
                    self.approx_once(
                        at,
                        22,
                        "`<return>` ends a subdialog, which this document is imported as a main one: the call ends here",
                        "the call ends instead of going back to the calling dialog",
                    );
                    seq.end = End::Exit(at);
                    return seq;
                }
                "reprompt" => seq.reprompt = true,
                "if" => {
                    let rest = self.seq_of(ctx, &nodes[i..], depth);
                    let branch = self.branch(ctx, n, rest, depth);
                    return seq.then(branch);
                }
                "throw" => {
                    let thrown = self.throw(ctx, n, depth);
                    return seq.then(thrown);
                }
                // `<clear>` matters to the counters of an item asked again, which
                // `nextitem_findings` reads from the document; `<log>` is not heard.
                "clear" | "log" => {}
                "var" if n.attribute("expr").is_none() => {}
                "assign" | "var" | "script" | "data" => {
                    let tag = n.tag_name().name();
                    self.approx_once(
                        at,
                        23,
                        format!("`<{tag}>` is ECMAScript, which ivrsim does not run: it is left out"),
                        "nothing, unless a prompt or a condition reads what it sets",
                    );
                }
                other => {
                    self.approx_once(
                        at,
                        24,
                        format!("`<{other}>` is not executable content ivrsim imports: it is left out"),
                        "whatever it does does not happen",
                    );
                }
            }
        }
        if !bare.is_empty()
            && let Some(s) = self.said_bare(ctx.doc, &bare, None)
        {
            seq.said.push(s);
        }
        seq
    }

    /// `<goto>` element `n`.
    fn goto(&mut self, ctx: Ctx<'d>, n: Node<'d, 'd>) -> End<'d> {
        let at = self.at(ctx.doc, n);
        if let Some(item) = n.attribute("nextitem") {
            let item = item.trim();
            let Some(form) = ctx.dialog.filter(|d| d.tag_name().name() == "form") else {
                self.unreadable_once(at, 25, "`<goto nextitem>` outside a form names no item");
                return End::Exit(at);
            };
            let found = form_items(form).find(|i| i.attribute("name") == Some(item));
            return match found {
                Some(target) => {
                    self.nextitem_findings(ctx, form, target, n, at);
                    End::Goto(Dest::Item(ctx.home, form, target))
                }
                None => {
                    let form_id = form.attribute("id").unwrap_or("form");
                    End::Missing(format!("{form_id}/{item}"), self.attr_at(ctx.doc, n, "nextitem"))
                }
            };
        }
        if let Some(next) = n.attribute("next") {
            return self.jump(ctx.doc, next, self.attr_at(ctx.doc, n, "next"));
        }
        let expr = n.attribute("expr").or(n.attribute("expritem")).unwrap_or("");
        if expr.is_empty() {
            self.unreadable_once(
                at,
                25,
                "`<goto>` names no target (`next`, `nextitem`, `expr` or `expritem`): the call ends here",
            );
            return End::Exit(at);
        }
        self.approx_once(
            at,
            26,
            format!("the target is the ECMAScript expression `{expr}`, which ivrsim does not run: an `external` node stands in"),
            "the call ends there instead of going on where the expression leads",
        );
        End::Leave {
            app: ExternalApp::Flow,
            target: expr.to_owned(),
            at,
        }
    }

    /// W027 for a `<goto nextitem>` to an item at or before the current one without
    /// `<clear>`: VoiceXML keeps the item's counters and skips the items filled since.
    fn nextitem_findings(
        &mut self,
        ctx: Ctx<'d>,
        form: Node<'d, 'd>,
        target: Node<'d, 'd>,
        goto: Node<'d, 'd>,
        at: Span,
    ) {
        let Some(item) = ctx.item else { return };
        // A handler's jump leaves its item unfilled (in VoiceXML the FIA comes back to it);
        // a jump to the item itself keeps the caller there, as ivrsim's node does.
        let in_handler = goto.ancestors().any(is_catch);
        if in_handler && target == item {
            return;
        }
        let items: Vec<Node<'d, 'd>> = form_items(form).collect();
        let (Some(from), Some(to)) = (
            items.iter().position(|i| *i == item),
            items.iter().position(|i| *i == target),
        ) else {
            return;
        };
        if to < from {
            self.approx_once(
                at,
                27,
                "a jump back to an earlier item: VoiceXML then skips the items already filled (§2.1.6) and keeps the item's event and prompt counters (§5.2.2, §4.1.6); ivrsim asks the items after it again, with the full prompt, and counts failures afresh",
                "the items between are asked again, and the no-input and no-match limits start over",
            );
        } else if to > from + 1 || (in_handler && to > from) {
            self.approx_once(
                at,
                37,
                "a jump forward past items not yet filled (or from a handler, whose item stays unfilled): VoiceXML comes back for them once this one is filled (the FIA selects the first unfilled item, §2.1.6.2.1); ivrsim goes on after it",
                "the items left unfilled are never asked",
            );
        } else if to == from && target.tag_name().name() != "block" {
            let cleared = target
                .attribute("name")
                .is_some_and(|name| cleared_before(goto, item, name));
            if !cleared {
                self.approx_once(
                    at,
                    28,
                    "the item is asked again without `<clear>`: VoiceXML keeps its event and prompt counters (§5.2.2, §4.1.6), ivrsim counts afresh on each entry and plays the full prompt",
                    "more tries before the no-input or no-match limit than the platform gives",
                );
            }
        }
    }

    /// `next` written at `at` in document `doc`: `#dialog`, `doc.vxml`, `doc.vxml#dialog`.
    pub fn jump(&mut self, doc: usize, next: &str, at: Span) -> End<'d> {
        let next = next.trim();
        let (file, fragment) = match next.split_once('#') {
            Some((f, frag)) => (f, Some(frag)),
            None => (next, None),
        };
        let file = file.split('?').next().unwrap_or("");
        let target_doc = if file.is_empty() {
            Some(doc)
        } else {
            match self.links.get(&(doc, file.to_owned())).copied().flatten() {
                Some(d) => Some(d),
                None => {
                    self.approx_once(
                        at,
                        29,
                        format!("the document `{file}` was not found or could not be read: an `external` flow node stands in (give it with `--with`, or put it beside this one)"),
                        "the call ends there, handed to that document, instead of going on in it",
                    );
                    return End::Leave {
                        app: ExternalApp::Flow,
                        target: next.to_owned(),
                        at,
                    };
                }
            }
        };
        let Some(d) = target_doc else {
            return End::Exit(at);
        };
        let doc_d = &self.docs[d];
        let found = match fragment {
            Some(id) => doc_d.dialog_ids.get(id).map(|&i| doc_d.dialogs[i]),
            None => doc_d.dialogs.first().copied(),
        };
        match found {
            Some(dialog) => End::Goto(Dest::Dialog(d, dialog)),
            None => End::Missing(
                if file.is_empty() {
                    format!("#{}", fragment.unwrap_or(""))
                } else {
                    format!("{file}#{}", fragment.unwrap_or(""))
                },
                at,
            ),
        }
    }

    /// `<if>` element `n` followed by `rest`.
    fn branch(&mut self, ctx: Ctx<'d>, n: Node<'d, 'd>, rest: Seq<'d>, depth: usize) -> Seq<'d> {
        let at = self.at(ctx.doc, n);
        // The branches: (condition, its element, its content).
        let mut branches: Vec<IfBranch<'d>> = vec![(
            Some((
                n.attribute("cond").unwrap_or("").to_owned(),
                self.attr_at(ctx.doc, n, "cond"),
            )),
            Vec::new(),
        )];
        for c in n.children() {
            if c.is_element() && c.tag_name().name() == "elseif" {
                let cond = c.attribute("cond").unwrap_or("").to_owned();
                branches.push((Some((cond, self.attr_at(ctx.doc, c, "cond"))), Vec::new()));
            } else if c.is_element() && c.tag_name().name() == "else" {
                branches.push((None, Vec::new()));
            } else if let Some(last) = branches.last_mut() {
                last.1.push(c);
            }
        }
        let mut cases = Vec::new();
        let mut default = Seq::empty();
        let single = branches.len() == 2 && branches[1].0.is_none();
        for (cond, nodes) in branches {
            let Some((cond, cond_at)) = cond else {
                default = self.seq_of(ctx, &nodes, depth + 1);
                break;
            };
            let body = self.seq_of(ctx, &nodes, depth + 1);
            match cond.trim() {
                "true" => {
                    default = body;
                    break;
                }
                "false" => continue,
                _ => {}
            }
            match parse_cond(&cond) {
                Some(Cond::All(tests)) if tests.is_empty() => {
                    default = body;
                    break;
                }
                Some(Cond::All(tests)) => cases.push((tests, body)),
                Some(Cond::Not(test)) if single && cases.is_empty() => {
                    // `if (x != v) A else B` is `if (x == v) B else A`.
                    let else_nodes: Vec<Node<'d, 'd>> = n
                        .children()
                        .skip_while(|c| !(c.is_element() && c.tag_name().name() == "else"))
                        .skip(1)
                        .collect();
                    let else_body = self.seq_of(ctx, &else_nodes, depth + 1);
                    cases.push((vec![test], else_body));
                    default = body;
                    break;
                }
                _ => {
                    self.approx_once(
                        cond_at,
                        30,
                        format!("the condition `{cond}` is ECMAScript that ivrsim does not run: it is taken as false"),
                        "callers for whom it holds go the way of the branches after it",
                    );
                }
            }
        }
        if cases.is_empty() {
            return default.then(rest);
        }
        Seq {
            said: Vec::new(),
            end: End::Branch {
                cases,
                default: Box::new(default),
                then: Box::new(rest),
                at,
            },
            reprompt: false,
        }
    }

    /// The content a `<throw>` or a `<choice event>` element `n` leads to.
    pub fn thrown(&mut self, ctx: Ctx<'d>, n: Node<'d, 'd>) -> Seq<'d> {
        self.throw(ctx, n, 0)
    }

    /// `<throw>` element `n`: the content of the handler that catches its event.
    fn throw(&mut self, ctx: Ctx<'d>, n: Node<'d, 'd>, depth: usize) -> Seq<'d> {
        let at = self.at(ctx.doc, n);
        let Some(event) = n.attribute("event").map(str::trim) else {
            self.approx_once(
                at,
                31,
                "the event is an ECMAScript expression (`eventexpr`), which ivrsim does not run: the call ends here, as for an event nothing catches",
                "the call ends instead of running the handler",
            );
            return Seq {
                end: End::Exit(at),
                ..Seq::empty()
            };
        };
        let handlers = self.handlers(ctx, event);
        let lowest = handlers.iter().map(|h| h.2).min();
        let Some(&(doc, h, _)) = handlers.iter().find(|h| Some(h.2) == lowest) else {
            self.approx_once(
                at,
                31,
                format!("no handler catches `{event}`: the call ends here (§5.2.5: an event nothing catches ends the session)"),
                "nothing, if the platform has no handler of its own for it",
            );
            return Seq {
                end: End::Exit(at),
                ..Seq::empty()
            };
        };
        self.thrown_events.insert(event.to_owned());
        if handlers.iter().any(|x| Some(x.2) != lowest) {
            self.approx_once(
                at,
                32,
                format!("`{event}` has handlers by count: ivrsim runs the first one every time"),
                "the same handler each time this is thrown, where the platform would move on to the next count",
            );
        }
        let hctx = Ctx { doc, ..ctx };
        let children: Vec<Node<'d, 'd>> = h.children().collect();
        let seq = self.seq_of(hctx, &children, depth + 1);
        // A handler that falls off its end returns to the item (the FIA goes on): the same as
        // the content after the `<throw>`, which a throw never reaches.
        seq.without_branches()
    }

    /// The scopes of `ctx`, innermost first (§5.2.4, §6.3): the item, the dialog, the
    /// document, the application root document.
    pub fn scopes(&self, ctx: Ctx<'d>) -> Vec<El<'d>> {
        let mut scopes: Vec<El<'d>> = Vec::new();
        if let Some(item) = ctx.item {
            scopes.push((ctx.home, item));
        }
        if let Some(dialog) = ctx.dialog {
            scopes.push((ctx.home, dialog));
        }
        scopes.push((ctx.home, self.docs[ctx.home].root));
        if let Some(app) = self.docs[ctx.home].app
            && app != ctx.home
        {
            scopes.push((app, self.docs[app].root));
        }
        scopes
    }

    /// The handlers in scope of `ctx` (the item's, the dialog's, the document's, the
    /// application root's) that catch `event`, with their `count`s, in that order and in
    /// document order within each scope (§5.2.4). Handlers with a `cond` ivrsim cannot read
    /// are left out (W027).
    pub fn handlers(&mut self, ctx: Ctx<'d>, event: &str) -> Vec<(usize, Node<'d, 'd>, u32)> {
        let scopes = self.scopes(ctx);
        let mut out = Vec::new();
        for (doc, scope) in scopes {
            for h in self.scope_parts(doc, scope).0 {
                if !catch_events(h).iter().any(|e| catches(e, event)) {
                    continue;
                }
                if let Some(cond) = h.attribute("cond") {
                    match cond.trim() {
                        "true" => {}
                        "false" => continue,
                        other => {
                            let at = self.attr_at(doc, h, "cond");
                            self.approx_once(
                                at,
                                33,
                                format!("the condition `{other}` of this handler is ECMAScript that ivrsim does not run: the handler is left out"),
                                "the next handler in scope (or the platform's default) where this one would run",
                            );
                            continue;
                        }
                    }
                }
                let count = match h.attribute("count") {
                    None => 1,
                    Some(c) => match c.trim().parse::<u32>() {
                        Ok(c) if c >= 1 => c,
                        _ => {
                            let at = self.attr_at(doc, h, "count");
                            self.unreadable_once(
                                at,
                                34,
                                format!("`count=\"{c}\"` is not a whole number of at least 1: read as 1"),
                            );
                            1
                        }
                    },
                };
                out.push((doc, h, count));
            }
        }
        out
    }

    /// The handlers and `<property>` elements written directly in `scope` (a form with
    /// thousands of items is scanned once, not once per item).
    pub fn scope_parts(&mut self, doc: usize, scope: Node<'d, 'd>) -> (Vec<Node<'d, 'd>>, Vec<Node<'d, 'd>>) {
        self.scopes
            .entry((doc, scope.id()))
            .or_insert_with(|| {
                let catches = scope.children().filter(|c| is_catch(*c)).collect();
                let properties = scope
                    .children()
                    .filter(|c| c.is_element() && c.tag_name().name() == "property")
                    .collect();
                (catches, properties)
            })
            .clone()
    }

    /// The node a call lands on for `dest`.
    pub fn dest_landing(&mut self, dest: Dest<'d>) -> String {
        match dest {
            Dest::Dialog(doc, dialog) => self.dialog_landing(doc, dialog),
            Dest::Item(doc, form, item) => self.item_landing(doc, form, item),
        }
    }

    /// The node a call lands on when it enters dialog `dialog`: a menu's node, a form's
    /// first item's (an empty form ends the call).
    pub fn dialog_landing(&mut self, doc: usize, dialog: Node<'d, 'd>) -> String {
        if dialog.tag_name().name() == "menu" {
            return self.ids.get(&(doc, dialog.id())).cloned().unwrap_or_default();
        }
        match form_items(dialog).next() {
            Some(first) => self.item_landing(doc, dialog, first),
            None => self.after_last(doc, dialog),
        }
    }

    /// The node a call lands on at form item `item`: its own, or, for a `<block>` with
    /// nothing to say, where the block leads.
    pub fn item_landing(&mut self, doc: usize, form: Node<'d, 'd>, item: Node<'d, 'd>) -> String {
        let id = self.ids.get(&(doc, item.id())).cloned().unwrap_or_default();
        if item.tag_name().name() != "block" {
            return id;
        }
        let key = format!("block:{doc}:{}", item.id().get());
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        if !self.resolving.insert((doc, item.id())) {
            // Blocks that only jump to each other: nothing is ever said.
            let at = self.at(doc, item);
            self.approx_once(
                at,
                35,
                "blocks that only jump lead round without saying anything: the call ends here",
                "the call ends instead of hanging in silence",
            );
            let stand_in = self.fresh_id(&format!("{id} loop"));
            self.b.add_node(
                At::new(stand_in.clone(), at),
                Some("VoiceXML blocks that jump round without a prompt (a stand-in)".into()),
                NodeSpec::Hangup(HangupNode {
                    prompt: None,
                    reason: "self-service".into(),
                }),
            );
            self.memo.insert(key, stand_in.clone());
            return stand_in;
        }
        let seq = self.seq(Ctx::item(doc, form, item), item);
        let landing = if seq.said.is_empty() {
            let hint = Hint {
                id: id.clone(),
                what: self.describe(doc, item),
            };
            self.land(&seq, &Base::After(doc, form, item), &hint)
        } else {
            self.block(doc, form, item, seq);
            id
        };
        self.resolving.remove(&(doc, item.id()));
        self.memo.insert(key, landing.clone());
        landing
    }

    /// Where a call goes after the last item of `form`: the form's own `<filled>`, else the
    /// end of the form.
    pub fn after_last(&mut self, doc: usize, form: Node<'d, 'd>) -> String {
        let key = format!("after:{doc}:{}", form.id().get());
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        let filled = form
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == "filled");
        if !self.resolving.insert((doc, form.id())) {
            // A form with nothing to ask whose `<filled>` leads back to it.
            return self.form_end(doc, form);
        }
        let landing = match filled {
            Some(f) => {
                if f.attribute("mode").is_some_and(|m| m.trim() == "any") || f.attribute("namelist").is_some() {
                    let at = self.at(doc, f);
                    self.approx_once(
                        at,
                        36,
                        "a form's `<filled>` with `mode=\"any\"` or a `namelist` runs in ivrsim once the form's last item is filled",
                        "its prompts and jump come after the last item, not as soon as the items it names are filled",
                    );
                }
                let ctx = Ctx {
                    doc,
                    home: doc,
                    dialog: Some(form),
                    item: None,
                };
                let seq = self.seq(ctx, f);
                let hint = Hint {
                    id: format!("{} filled", self.form_key(doc, form)),
                    what: format!("the `<filled>` of {}", self.describe(doc, form)),
                };
                self.land(&seq, &Base::FormEnd(doc, form), &hint)
            }
            None => self.form_end(doc, form),
        };
        self.resolving.remove(&(doc, form.id()));
        self.memo.insert(key, landing.clone());
        landing
    }

    /// The hang-up node at the end of `form` (the FIA's implicit `<exit>`, §2.1.6.2.1).
    fn form_end(&mut self, doc: usize, form: Node<'d, 'd>) -> String {
        let key = format!("end:{doc}:{}", form.id().get());
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        let id = self.fresh_id(&format!("{} end", self.form_key(doc, form)));
        let at = self.at(doc, form);
        let what = self.describe(doc, form);
        self.b.add_node(
            At::new(id.clone(), at),
            Some(format!(
                "the end of {what}: no item is left to fill, so the call ends (the FIA's implicit `<exit>`, §2.1.6.2.1)"
            )),
            NodeSpec::Hangup(HangupNode {
                prompt: None,
                reason: "self-service".into(),
            }),
        );
        self.memo.insert(key, id.clone());
        id
    }

    /// The start of the node ids of `form`'s nodes (its id, with its document's key).
    pub fn form_key(&self, doc: usize, form: Node<'d, 'd>) -> String {
        let key = &self.docs[doc].key;
        let id = form.attribute("id").unwrap_or("form");
        if key.is_empty() {
            id.to_owned()
        } else {
            format!("{key} {id}")
        }
    }

    /// Where falling off the end goes, for `base`.
    fn base_landing(&mut self, base: &Base<'d>) -> String {
        match base {
            Base::After(doc, form, item) => {
                let next = item.next_siblings().skip(1).find(|n| is_form_item(*n));
                match next {
                    Some(n) => self.item_landing(*doc, *form, n),
                    None => self.after_last(*doc, *form),
                }
            }
            Base::FormEnd(doc, form) => self.form_end(*doc, *form),
            Base::Node(id) => id.clone(),
            Base::Then(k) => {
                let Some(p) = self.pending.get(*k) else {
                    return String::new();
                };
                if let Some(done) = &p.done {
                    return done.clone();
                }
                let (seq, base, hint) = (p.seq.clone(), p.base.clone(), p.hint.clone());
                let done = self.land(&seq, &base, &hint);
                if let Some(p) = self.pending.get_mut(*k) {
                    p.done = Some(done.clone());
                }
                done
            }
        }
    }

    /// The node a call lands on for `seq`, adding the nodes it needs: a `message` for what
    /// it says (or the prompt of the `hangup` or `external` node it ends at), a `route` for
    /// an `<if>`. Falling off its end goes to `base`.
    pub fn land(&mut self, seq: &Seq<'d>, base: &Base<'d>, hint: &Hint) -> String {
        if !seq.said.is_empty() {
            let prompt = self.prompt_of(&seq.said);
            let at = seq.said[0].at;
            let barge_in = seq.said.iter().find_map(|s| s.barge_in.as_ref().map(|b| b.value));
            match (&seq.end, prompt) {
                (End::Exit(_), Some(p)) => {
                    let id = self.fresh_id(&format!("{} goodbye", hint.id));
                    self.b.add_node(
                        At::new(id.clone(), at),
                        Some(format!("{}: its prompts, then the call ends", hint.what)),
                        NodeSpec::Hangup(HangupNode {
                            prompt: Some(p),
                            reason: "self-service".into(),
                        }),
                    );
                    return id;
                }
                (
                    End::Leave {
                        app,
                        target,
                        at: leave_at,
                    },
                    Some(p),
                ) => {
                    return self.external(*app, target, Some(p), *leave_at, hint);
                }
                (_, Some(p)) => {
                    let id = self.fresh_id(&format!("{} say", hint.id));
                    let rest = Seq {
                        said: Vec::new(),
                        ..seq.clone()
                    };
                    // The message's id is taken before its next node's, so ids follow the call.
                    let next_name = self.land(&rest, base, hint);
                    let next = self.reference(next_name, at);
                    self.b.add_node(
                        At::new(id.clone(), at),
                        Some(format!("{}: its prompts", hint.what)),
                        NodeSpec::Message {
                            prompt: p,
                            next,
                            barge_in,
                        },
                    );
                    return id;
                }
                (_, None) => {}
            }
        }
        match &seq.end {
            End::Continue => self.base_landing(base),
            End::Goto(dest) => self.dest_landing(*dest),
            End::Missing(name, at) => {
                self.missing.entry(name.clone()).or_insert(*at);
                name.clone()
            }
            End::Exit(at) => {
                let key = format!("exit:{}:{}", at.file.0, at.start);
                if let Some(done) = self.memo.get(&key) {
                    return done.clone();
                }
                let id = self.fresh_id(&format!("{} exit", hint.id));
                self.b.add_node(
                    At::new(id.clone(), *at),
                    Some(format!("{}: the call ends", hint.what)),
                    NodeSpec::Hangup(HangupNode {
                        prompt: None,
                        reason: "self-service".into(),
                    }),
                );
                self.memo.insert(key, id.clone());
                id
            }
            End::Leave { app, target, at } => {
                let key = format!("leave:{}:{}", at.file.0, at.start);
                if let Some(done) = self.memo.get(&key) {
                    return done.clone();
                }
                let id = self.external(*app, target, None, *at, hint);
                self.memo.insert(key, id.clone());
                id
            }
            End::Branch {
                cases,
                default,
                then,
                at,
            } => {
                let id = self.fresh_id(&format!("{} if", hint.id));
                self.pending.push(Pending {
                    seq: (**then).clone(),
                    base: base.clone(),
                    hint: hint.clone(),
                    done: None,
                });
                let then_base = Base::Then(self.pending.len() - 1);
                let mut routes = Vec::new();
                for (tests, body) in cases {
                    let to = self.land(body, &then_base, hint);
                    routes.push(Route {
                        when: tests.clone(),
                        to: self.reference(to, *at),
                    });
                }
                let default_to = self.land(default, &then_base, hint);
                let default = self.reference(default_to, *at);
                self.b.add_node(
                    At::new(id.clone(), *at),
                    Some(format!("the `<if>` of {}", hint.what)),
                    NodeSpec::Route(RouteNode { routes, default }),
                );
                id
            }
        }
    }

    fn external(
        &mut self,
        app: ExternalApp,
        target: &str,
        prompt: Option<crate::menu::Prompt>,
        at: Span,
        hint: &Hint,
    ) -> String {
        let id = self.fresh_id(&format!("{} leave", hint.id));
        self.b.add_node(
            At::new(id.clone(), at),
            Some(format!("{}: the call leaves for `{target}` (a stand-in)", hint.what)),
            NodeSpec::External(ExternalNode {
                app,
                name: if target.is_empty() {
                    "unknown".into()
                } else {
                    target.to_owned()
                },
                prompt,
                on: None,
                store: crate::menu::DEFAULT_EXTERNAL_STORE.into(),
            }),
        );
        id
    }

    /// How element `n` is described: `<field> `acct` of form `billing``, with its document's
    /// name when it is not the one imported.
    pub fn describe(&self, doc: usize, n: Node<'d, 'd>) -> String {
        let tag = n.tag_name().name();
        let name = n.attribute("name").or(n.attribute("id"));
        let mut out = match name {
            Some(name) => format!("VoiceXML <{tag}> `{name}`"),
            None => format!("VoiceXML <{tag}>"),
        };
        if matches!(tag, "form" | "menu") {
        } else if let Some(form) = n.ancestors().find(|a| a.is_element() && a.tag_name().name() == "form") {
            match form.attribute("id") {
                Some(id) => out.push_str(&format!(" of form `{id}`")),
                None => out.push_str(" of a form"),
            }
        }
        if doc != 0 {
            let name = self.cx.sources.name(self.docs[doc].file);
            let short = std::path::Path::new(name)
                .file_name()
                .map_or(name.to_owned(), |f| f.to_string_lossy().into_owned());
            out.push_str(&format!(" in `{short}`"));
        }
        out
    }
}

/// Whether a `<clear>` of `name` (or of every item) runs before `goto` in the content of
/// `item`: among the elements before it, and before the elements that hold it.
fn cleared_before(goto: Node<'_, '_>, item: Node<'_, '_>, name: &str) -> bool {
    let mut at = goto;
    loop {
        let found = at.prev_siblings().any(|s| {
            s.is_element()
                && s.tag_name().name() == "clear"
                && s.attribute("namelist")
                    .is_none_or(|l| l.split_whitespace().any(|x| x == name))
        });
        if found {
            return true;
        }
        match at.parent() {
            Some(p) if p != item => at = p,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_ivrsim_reads() {
        let Some(Cond::All(t)) = parse_cond("severity == 'flood'") else {
            panic!()
        };
        assert!(matches!(&t[0], Test::Equals { var, value } if var == "severity" && value == "flood"));
        let Some(Cond::All(t)) = parse_cond("n >= 3 && kind === \"a\"") else {
            panic!()
        };
        assert!(matches!(&t[0], Test::Compare { op: CompareOp::AtLeast, value, .. } if *value == 3.0));
        assert_eq!(t.len(), 2);
        let Some(Cond::All(t)) = parse_cond("3 < n") else {
            panic!()
        };
        assert!(matches!(
            &t[0],
            Test::Compare {
                op: CompareOp::Greater,
                ..
            }
        ));
        let Some(Cond::All(t)) = parse_cond("x == 'a' || x == 'b'") else {
            panic!()
        };
        assert!(matches!(&t[0], Test::OneOf { values, .. } if values.len() == 2));
        let Some(Cond::All(t)) = parse_cond("paid") else {
            panic!()
        };
        assert!(matches!(&t[0], Test::Equals { value, .. } if value == "true"));
        let Some(Cond::All(t)) = parse_cond("acct == 1234") else {
            panic!()
        };
        assert!(matches!(&t[0], Test::Between { low, high, .. } if *low == 1234.0 && *high == 1234.0));
        assert!(matches!(parse_cond("x != 'a'"), Some(Cond::Not(_))));
        assert!(parse_cond("x == 'a' || y == 'b'").is_none());
        assert!(parse_cond("acct.length < 6").is_none());
        assert!(parse_cond("f(x)").is_none());
        assert!(parse_cond("x < 'a'").is_none());
        assert!(parse_cond("x != 'a' && y").is_none());
    }

    #[test]
    fn event_matching() {
        assert!(catches("", "noinput"));
        assert!(catches("nomatch", "nomatch"));
        assert!(!catches("noinput", "nomatch"));
        assert!(catches("error", "error.badfetch"));
        assert!(!catches("err", "error.badfetch"));
    }
}
