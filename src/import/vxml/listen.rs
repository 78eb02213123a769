//! The timing, barge-in and failure handling of a menu or field: properties in scope
//! (VoiceXML 2.0 §6.3), and the `noinput`/`nomatch` handlers flattened by count into ivrsim's
//! re-prompts, retry limits and fallbacks (§5.2.2, §5.2.4, §5.2.5; see the module docs of
//! `vxml` and docs/import.md, "Events and catches").

use std::time::Duration;

use roxmltree::Node;

use super::flow::{Base, Ctx, Dest, End, Hint, Seq};
use super::said::Said;
use super::{DEFAULT_TERMCHAR, Importer, MAX_REPROMPTS, parse_time};
use crate::menu::build::{At, ListenSpec};
use crate::menu::{DtmfKey, MAX_RETRIES, NodeRef, Prompt, Retries};
use crate::source::Span;

/// What a handler does with the event it catches.
pub(super) enum Outcome<'d> {
    /// It plays `said` and the caller is asked again (with the item's prompt when
    /// `reprompt`).
    Stay { said: Vec<Said>, reprompt: bool },
    /// It leaves the item.
    Leave(Seq<'d>),
}

/// Counts served by one handler: the first, the first of the next run, and the handler
/// (`None`: the spec's default).
type Segment<'d> = (u32, Option<u32>, Option<(usize, Node<'d, 'd>)>);

/// A run of counts one handler serves (see `failures`).
struct Entry<'d> {
    /// What it says before the prompt plays again.
    prompt: Option<Prompt>,
    /// The handler (`None`: the spec's default).
    handler: Option<(usize, Node<'d, 'd>)>,
    /// How many counts it serves.
    times: u32,
}

/// A menu's or field's re-prompts, limit and fallback for one event.
pub(super) struct Failures {
    pub reprompts: Vec<Prompt>,
    pub limit: Retries,
    pub limit_at: Span,
    pub fallback: Option<NodeRef>,
}

fn same_prompt(a: &Prompt, b: &Prompt) -> bool {
    a.text == b.text && a.audio.as_ref().map(|c| &c.name) == b.audio.as_ref().map(|c| &c.name)
}

impl<'d> Importer<'d, '_> {
    /// The innermost `<property name>` in scope of `ctx` (§6.3): the item's, the dialog's,
    /// the document's, the application root's; in a scope, the last one written.
    pub fn property(&mut self, ctx: Ctx<'d>, name: &str) -> Option<(usize, Node<'d, 'd>)> {
        let scopes = self.scopes(ctx);
        scopes.into_iter().find_map(|(doc, scope)| {
            self.scope_parts(doc, scope)
                .1
                .into_iter()
                .rfind(|c| c.attribute("name") == Some(name))
                .map(|p| (doc, p))
        })
    }

    /// A time property (`timeout`, `interdigittimeout`, `termtimeout`) in scope of `ctx`.
    pub fn time_property(&mut self, ctx: Ctx<'d>, name: &str) -> Option<At<Duration>> {
        let (doc, p) = self.property(ctx, name)?;
        let value = p.attribute("value").unwrap_or("");
        let at = self.attr_at(doc, p, "value");
        match parse_time(value) {
            Some(d) => Some(At::new(d, at)),
            None => {
                self.unreadable_once(
                    at,
                    68,
                    format!("`{name}` = `{value}` is not a time designation such as `5s` or `500ms` (§6.5)"),
                );
                None
            }
        }
    }

    /// A boolean property (`bargein`) in scope of `ctx`.
    pub fn bool_property(&mut self, ctx: Ctx<'d>, name: &str) -> Option<bool> {
        let (doc, p) = self.property(ctx, name)?;
        match p.attribute("value").map(str::trim) {
            Some("true") => Some(true),
            Some("false") => Some(false),
            other => {
                let at = self.attr_at(doc, p, "value");
                self.unreadable_once(
                    at,
                    68,
                    format!("`{name}` = `{}` is neither `true` nor `false`", other.unwrap_or("")),
                );
                None
            }
        }
    }

    /// The key that ends a DTMF entry in scope of `ctx` (`termchar`, §6.3.3; `#` when not
    /// given; none when empty).
    pub fn termchar(&mut self, ctx: Ctx<'d>) -> Option<At<DtmfKey>> {
        let Some((doc, p)) = self.property(ctx, "termchar") else {
            let at = ctx
                .item
                .or(ctx.dialog)
                .map_or_else(|| self.at(ctx.home, self.docs[ctx.home].root), |n| self.at(ctx.home, n));
            return DtmfKey::parse(DEFAULT_TERMCHAR).ok().map(|k| At::new(k, at));
        };
        let value = p.attribute("value").unwrap_or("").trim();
        let at = self.attr_at(doc, p, "value");
        if value.is_empty() {
            return None;
        }
        match DtmfKey::parse(value) {
            Ok(k) if k.len() == 1 => Some(At::new(k, at)),
            _ => {
                self.unreadable_once(at, 68, format!("`termchar` = `{value}` is not one DTMF key"));
                None
            }
        }
    }

    /// The timing, barge-in and failure handling of a menu or field.
    pub fn listen(&mut self, ctx: Ctx<'d>, id: &str, saids: &[Said], multi_key: bool) -> ListenSpec {
        let node = ctx.item.or(ctx.dialog).unwrap_or(self.docs[ctx.home].root);
        let node_at = self.at(ctx.home, node);
        // The timeout of the last prompt queued applies (§4.1.7), else the property.
        let timeout = saids
            .iter()
            .rev()
            .find_map(|s| s.timeout.clone())
            .or_else(|| self.time_property(ctx, "timeout"));
        let mut listen = ListenSpec {
            timeout,
            ..ListenSpec::default()
        };
        if listen.timeout.is_none() {
            self.no_timeout.push(node_at);
        }
        listen.inter_digit_timeout = self.time_property(ctx, "interdigittimeout");
        if listen.inter_digit_timeout.is_none() && multi_key {
            self.no_interdigit.push(node_at);
        }
        if let Some(t) = self.time_property(ctx, "termtimeout")
            && !t.value.is_zero()
        {
            self.approx_once(
                t.at,
                69,
                "`termtimeout` above 0 s is not modelled: an entry that cannot grow is taken at once",
                "no wait for a terminating key after a complete entry",
            );
        }
        let prompt_barge: Vec<&At<bool>> = saids.iter().filter_map(|s| s.barge_in.as_ref()).collect();
        let barge_in = match prompt_barge.first() {
            Some(first) => {
                if prompt_barge.iter().any(|b| b.value != first.value)
                    || (prompt_barge.len() < saids.len() && !first.value)
                {
                    self.approx_once(
                        first.at,
                        70,
                        "prompts of one item with different `bargein`: ivrsim has one setting per node, this one's",
                        "keys during some prompts act (or do not) where the platform does otherwise",
                    );
                }
                Some(first.value)
            }
            None => self.bool_property(ctx, "bargein"),
        };
        if let Some((doc, p)) = self.property(ctx, "bargeintype")
            && p.attribute("value").is_some_and(|v| v.trim() == "hotword")
        {
            let at = self.at(doc, p);
            self.approx_once(
                at,
                71,
                "`bargeintype` `hotword` is not modelled: any key stops the prompt",
                "a key that matches nothing stops the prompt, where the platform would play on",
            );
        }
        listen.barge_in = barge_in;
        // Typed-ahead keys are kept for the next input while barge-in is on (§4.1.8); with
        // barge-in off they are dropped (§4.1.5).
        listen.type_ahead = Some(barge_in.unwrap_or(true));
        for event in ["noinput", "nomatch"] {
            let f = self.failures(ctx, id, event);
            let limit = Some(At::new(f.limit, f.limit_at));
            if event == "noinput" {
                listen.no_input = Some(f.reprompts);
                listen.max_no_input = limit;
                listen.fallback_no_input = f.fallback;
            } else {
                listen.no_match = Some(f.reprompts);
                listen.max_no_match = limit;
                listen.fallback_no_match = f.fallback;
            }
        }
        listen
    }

    /// What a handler does (see [`Outcome`]).
    pub fn outcome(&mut self, ctx: Ctx<'d>, hdoc: usize, h: Node<'d, 'd>) -> Outcome<'d> {
        let hctx = Ctx { doc: hdoc, ..ctx };
        let seq = self.seq(hctx, h);
        if matches!(seq.end, End::Branch { .. }) {
            let at = self.at(hdoc, h);
            self.approx_once(
                at,
                72,
                "a handler cannot branch in ivrsim: its conditions are taken as false (the `<else>` branches run)",
                "every caller goes the `<else>` way at this failure",
            );
        }
        let seq = seq.without_branches();
        match seq.end {
            End::Continue => Outcome::Stay {
                said: seq.said,
                reprompt: seq.reprompt,
            },
            End::Goto(Dest::Item(_, _, target)) if Some(target) == ctx.item => Outcome::Stay {
                said: seq.said,
                reprompt: false,
            },
            _ => Outcome::Leave(seq),
        }
    }

    /// The re-prompts, the limit and the fallback of one event at a menu or field, as the
    /// handlers in scope select them for the 1st, 2nd, … event (see the module docs).
    ///
    /// The handler chosen changes only at the `count`s written, so the counts are walked as
    /// segments: from each count to the next, one handler (the spec's default before the
    /// lowest), each handler's content read once.
    fn failures(&mut self, ctx: Ctx<'d>, id: &str, event: &str) -> Failures {
        let node = ctx.item.or(ctx.dialog).unwrap_or(self.docs[ctx.home].root);
        let node_at = self.at(ctx.home, node);
        let mut handlers = self.handlers(ctx, event);
        for &(doc, h, count) in &handlers {
            if count > MAX_RETRIES {
                let at = self.attr_at(doc, h, "count");
                self.approx_once(
                    at,
                    73,
                    format!("a handler for the {count}th event is never reached in ivrsim (at most {MAX_RETRIES} failures are counted)"),
                    "the earlier handlers go on being used",
                );
            }
        }
        handlers.retain(|h| h.2 <= MAX_RETRIES);
        let mut counts: Vec<u32> = handlers.iter().map(|h| h.2).collect();
        counts.sort_unstable();
        counts.dedup();
        // (first count, first count of the next segment, the handler: the first in scope
        // order with that count, §5.2.4; `None` for the default handler).
        let mut segments: Vec<Segment<'d>> = Vec::new();
        if counts.first() != Some(&1) {
            segments.push((1, counts.first().copied(), None));
        }
        for (i, c) in counts.iter().enumerate() {
            let h = handlers.iter().find(|h| h.2 == *c).map(|h| (h.0, h.1));
            segments.push((*c, counts.get(i + 1).copied(), h));
        }
        let mut entries: Vec<Entry<'d>> = Vec::new();
        let mut limit = Retries::Unlimited;
        let mut limit_at = node_at;
        let mut fallback = None;
        for (start, next, chosen) in segments {
            let times = next.map_or(1, |n| n - start);
            let Some((hdoc, h)) = chosen else {
                // The default handler (§5.2.5): the prompt again; for nomatch, after the
                // platform's own message.
                if event == "nomatch" && !self.default_nomatch.contains(&node_at) {
                    self.default_nomatch.push(node_at);
                }
                entries.push(Entry {
                    prompt: None,
                    handler: None,
                    times,
                });
                continue;
            };
            match self.outcome(ctx, hdoc, h) {
                Outcome::Stay { said, reprompt } => {
                    if !reprompt {
                        let at = self.at(hdoc, h);
                        self.approx_once(
                            at,
                            74,
                            "without `<reprompt/>` VoiceXML plays only this handler and listens again (§5.3.6); ivrsim plays the node's prompt again after it",
                            "the prompt again after this message, so the next time-out comes later by the prompt's length",
                        );
                    }
                    let prompt = self.prompt_of(&said);
                    entries.push(Entry {
                        prompt,
                        handler: Some((hdoc, h)),
                        times,
                    });
                }
                Outcome::Leave(seq) => {
                    limit = Retries::Limit(start);
                    limit_at = self.at(hdoc, h);
                    let key = if seq.has_item_jump() {
                        format!("catch:{hdoc}:{}:{id}", h.id().get())
                    } else {
                        format!("catch:{hdoc}:{}", h.id().get())
                    };
                    let to = match self.memo.get(&key) {
                        Some(done) => done.clone(),
                        None => {
                            let hint = self.handler_hint(ctx, hdoc, h, id);
                            let to = self.land(&seq, &Base::Node(id.to_owned()), &hint);
                            self.memo.insert(key, to.clone());
                            to
                        }
                    };
                    fallback = Some(self.reference(to, limit_at));
                    break;
                }
            }
        }
        let reprompts = self.reprompt_list(node_at, event, entries);
        Failures {
            reprompts,
            limit,
            limit_at,
            fallback,
        }
    }

    /// How the nodes a handler becomes are named and described.
    pub fn handler_hint(&self, ctx: Ctx<'d>, hdoc: usize, h: Node<'d, 'd>, id: &str) -> Hint {
        let tag = h.tag_name().name();
        let count = h.attribute("count").map(|c| c.trim().to_owned()).unwrap_or_default();
        let owner = h.parent_element();
        let (key, whose) = match owner {
            Some(o) if Some(o) == ctx.item || (ctx.item.is_none() && Some(o) == ctx.dialog) => {
                (id.to_owned(), self.describe(hdoc, o))
            }
            Some(o) if Some(o) == ctx.dialog => (self.form_key(hdoc, o), self.describe(hdoc, o)),
            _ => {
                let key = &self.docs[hdoc].key;
                (
                    if key.is_empty() {
                        "document".to_owned()
                    } else {
                        key.clone()
                    },
                    "the document".to_owned(),
                )
            }
        };
        Hint {
            id: format!("{key} {tag}{count}"),
            what: if count.is_empty() {
                format!("VoiceXML <{tag}> of {whose}")
            } else {
                format!("VoiceXML <{tag} count=\"{count}\"> of {whose}")
            },
        }
    }

    /// The re-prompt list of an event from its segments: the n-th entry is what the n-th
    /// event's handler says; the last segment is written once (ivrsim repeats the last
    /// re-prompt). A segment that says nothing (a handler that only re-prompts) cannot be
    /// written beside ones that do: it takes the next one's words (or the last's), with a
    /// W027. At most [`MAX_REPROMPTS`] re-prompts are written in all (E022 past it).
    fn reprompt_list(&mut self, node_at: Span, event: &str, entries: Vec<Entry<'d>>) -> Vec<Prompt> {
        if entries.iter().all(|e| e.prompt.is_none()) {
            return Vec::new();
        }
        let mut filled: Vec<(Prompt, u32)> = Vec::with_capacity(entries.len());
        let mut first = 1u32;
        for (i, e) in entries.iter().enumerate() {
            match &e.prompt {
                Some(p) => filled.push((p.clone(), e.times)),
                None => {
                    let stand_in = entries[i..]
                        .iter()
                        .find_map(|x| x.prompt.as_ref())
                        .or_else(|| entries[..i].iter().rev().find_map(|x| x.prompt.as_ref()));
                    if let Some(s) = stand_in {
                        let at = e.handler.map_or(node_at, |(doc, h)| self.at(doc, h));
                        self.approx_once(
                            at,
                            75,
                            format!(
                                "the {} {event} says nothing before the prompt plays again; ivrsim's re-prompts are a list, and `{}` stands in there",
                                ordinal(first as usize),
                                s.text
                            ),
                            "that message where the platform plays only the prompt",
                        );
                        filled.push((s.clone(), e.times));
                    }
                }
            }
            first = first.saturating_add(e.times);
        }
        // Segments that say the same are one; the last is written once.
        let mut merged: Vec<(Prompt, u32)> = Vec::new();
        for (p, times) in filled {
            match merged.last_mut() {
                Some((q, t)) if same_prompt(q, &p) => *t = t.saturating_add(times),
                _ => merged.push((p, times)),
            }
        }
        if let Some(last) = merged.last_mut() {
            last.1 = 1;
        }
        let total: usize = merged.iter().map(|(_, t)| *t as usize).sum();
        let room = MAX_REPROMPTS.saturating_sub(self.reprompts);
        if total > room && !self.reprompts_cut {
            self.reprompts_cut = true;
            self.cx.unreadable(
                node_at,
                format!("more than {MAX_REPROMPTS} re-prompts in all: from this node on, each node keeps at most one"),
            );
        }
        let mut out: Vec<Prompt> = Vec::with_capacity(total.min(room.max(1)));
        'fill: for (p, times) in merged {
            for _ in 0..times {
                if out.len() >= room.max(1) {
                    break 'fill;
                }
                out.push(p.clone());
            }
        }
        self.reprompts += out.len();
        out
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, ….
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::ordinal;

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(23), "23rd");
    }
}
