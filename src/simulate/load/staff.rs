//! `queues:` and `call_takers:`: the queues callers wait in, checked against the menu's, and
//! the groups of call-takers that answer them, shift by shift.

use super::Cx;
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::menu::raw::{Entries, S};
use crate::menu::{Menu, NodeKind};
use crate::simulate::dist::Dist;
use crate::simulate::format::{RawGroup, RawQueue};
use crate::simulate::model::{DAY_KINDS, Group, HOLIDAY, QueueModel};
use crate::source::Span;

/// The queues the menu's transfers and callbacks name, sorted, each once.
pub fn menu_queues(menu: &Menu) -> Vec<&str> {
    let mut names: Vec<&str> = menu
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::Transfer(t) => Some(t.queue.as_str()),
            NodeKind::Callback(c) => Some(c.queue.as_str()),
            _ => None,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The queues in file order, with where each name is written: with a menu, exactly its
/// queues; without, exactly one.
pub(super) fn queues(
    cx: &mut Cx,
    raw: Option<&S<Entries<S<String>, S<RawQueue>>>>,
    top: Span,
    menu: Option<&Menu>,
) -> (Vec<QueueModel>, Vec<Span>) {
    let (mut out, mut spans) = (Vec::new(), Vec::new());
    let Some(raw) = cx.required(raw, top, "queues", "each queue's `handle` time, and `wrap_up`") else {
        return (out, spans);
    };
    let at = cx.span(&raw.referenced);
    let known = menu.map(menu_queues);
    for (name, q) in &raw.value.0 {
        let sp = cx.span(&name.referenced);
        if let Some(first) = out.iter().position(|o: &QueueModel| o.name == name.value) {
            cx.push(
                Diagnostic::new(Code::InvalidValue, sp, format!("the queue `{}` twice", name.value))
                    .label("a queue once")
                    .with_secondary(spans[first], "the first"),
            );
            continue;
        }
        if let Some(known) = &known
            && !known.contains(&name.value.as_str())
        {
            let mut d = Diagnostic::new(
                Code::InvalidValue,
                sp,
                format!("the menu has no queue `{}`", name.value),
            )
            .label("no transfer or callback of the menu names it");
            if let Some(s) = did_you_mean(&name.value, known.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            cx.push(d);
        }
        let qsp = cx.span(&q.referenced);
        let handle = cx
            .required(q.value.handle.as_ref(), qsp, "handle", "the talk time of a call")
            .and_then(|h| cx.dist(h));
        let wrap_up = match &q.value.wrap_up {
            Some(w) => cx.dist(w),
            None => Some(Dist::Fixed(0.0)),
        };
        out.push(QueueModel {
            name: name.value.clone(),
            handle: handle.unwrap_or(Dist::Fixed(0.0)),
            wrap_up: wrap_up.unwrap_or(Dist::Fixed(0.0)),
        });
        spans.push(sp);
    }
    match &known {
        Some(known) => {
            for name in known.iter().filter(|k| !out.iter().any(|q| q.name == **k)) {
                cx.push(
                    Diagnostic::new(
                        Code::MissingField,
                        at,
                        format!("no `queues:` entry for the menu's queue `{name}`"),
                    )
                    .label("callers the menu transfers there wait for a call-taker")
                    .help(format!(
                        "add `{name}: {{ handle: {{ exponential: 5m }} }}` with its handle time"
                    )),
                );
            }
        }
        None if out.len() != 1 => {
            cx.push(
                Diagnostic::new(Code::InvalidValue, at, format!("{} queues without a menu", out.len()))
                    .label("without `menu`, callers join one queue directly: give exactly one"),
            );
        }
        None => {}
    }
    (out, spans)
}

/// The groups of call-takers, each with its staff per day profile and interval.
pub(super) fn groups(cx: &mut Cx, raw: Option<&S<Vec<S<RawGroup>>>>, top: Span, queues: &[QueueModel]) -> Vec<Group> {
    let Some(raw) = cx.required(raw, top, "call_takers", "groups of `{ group, serves, shifts }`") else {
        return Vec::new();
    };
    let mut out: Vec<Group> = Vec::with_capacity(raw.value.len());
    for g in &raw.value {
        let sp = cx.span(&g.referenced);
        let r = &g.value;
        let name = cx
            .required(r.group.as_ref(), sp, "group", "the group's name")
            .map_or_else(String::new, |n| n.value.clone());
        if !name.is_empty() && out.iter().any(|o| o.name == name) {
            cx.push(
                Diagnostic::new(Code::InvalidValue, sp, format!("two groups are named `{name}`"))
                    .label("a second group"),
            );
        }
        let serves = match cx.required(r.serves.as_ref(), sp, "serves", "the queues the group answers") {
            Some(s) => serves(cx, s, queues),
            None => Vec::new(),
        };
        let staff = match cx.required(r.shifts.as_ref(), sp, "shifts", "when its call-takers work") {
            Some(s) => shifts(cx, s),
            None => vec![vec![0; cx.slots()]; DAY_KINDS],
        };
        out.push(Group { name, serves, staff });
    }
    out
}

/// `serves:` as queue indexes, each name a queue of `queues`.
fn serves(cx: &mut Cx, raw: &S<Vec<S<String>>>, queues: &[QueueModel]) -> Vec<usize> {
    if raw.value.is_empty() {
        let sp = cx.span(&raw.referenced);
        cx.push(Diagnostic::new(Code::MissingField, sp, "the group serves no queue").label("name at least one queue"));
    }
    let mut out = Vec::with_capacity(raw.value.len());
    for name in &raw.value {
        match queues.iter().position(|q| q.name == name.value) {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => {
                let sp = cx.span(&name.referenced);
                let mut d = Diagnostic::new(Code::InvalidValue, sp, format!("unknown queue `{}`", name.value))
                    .label("not a queue under `queues:`");
                if let Some(s) = did_you_mean(&name.value, queues.iter().map(|q| q.name.as_str())) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                cx.push(d);
            }
        }
    }
    out
}

/// `shifts:` summed into `staff[kind][slot]`: the call-takers on shift at the start of each
/// interval. A group with no `holiday` shift works Sunday's on holidays.
fn shifts(cx: &mut Cx, raw: &S<Vec<S<super::super::format::RawShift>>>) -> Vec<Vec<u32>> {
    let slots = cx.slots();
    let mut staff = vec![vec![0u32; slots]; DAY_KINDS];
    let mut holiday = false;
    for s in &raw.value {
        let sp = cx.span(&s.referenced);
        let r = &s.value;
        let days = cx.required(r.days.as_ref(), sp, "days", "day keys, e.g. `mon-fri`");
        let from = cx.required(r.from.as_ref(), sp, "from", "the start, `HH:MM`");
        let to = cx.required(r.to.as_ref(), sp, "to", "the end, `HH:MM`");
        let count = cx.required(r.count.as_ref(), sp, "count", "how many call-takers");
        let kinds = days.and_then(|d| match super::day_kinds(&d.value) {
            Ok(k) => Some(k),
            Err(why) => {
                let dsp = cx.span(&d.referenced);
                cx.push(super::unknown_day_key(dsp, &d.value, why));
                cx.shift_days_unknown = true;
                None
            }
        });
        let from = from.and_then(|f| super::grid_time(cx, f));
        let to_secs = to.and_then(|t| super::grid_time(cx, t));
        let (Some(kinds), Some(from), Some(to_secs), Some(count)) = (kinds, from, to_secs, count) else {
            continue;
        };
        if from >= to_secs {
            let tsp = to.map_or(sp, |t| cx.span(&t.referenced));
            cx.push(
                Diagnostic::new(Code::InvalidValue, tsp, "a shift that ends before it starts")
                    .label("`to` must come after `from`")
                    .help("split a night shift in two: `from: \"22:00\", to: \"24:00\"` and the next day's `from: \"00:00\"`"),
            );
            continue;
        }
        holiday |= kinds.contains(&HOLIDAY);
        let (a, b) = ((from / cx.interval) as usize, (to_secs / cx.interval) as usize);
        for k in kinds {
            for n in &mut staff[k][a..b] {
                *n = n.saturating_add(count.value);
            }
        }
    }
    if !holiday {
        staff[HOLIDAY] = staff[6].clone();
    }
    staff
}

/// A finding at each queue that no group ever staffs (a queue with no call-takers ever).
/// Nothing when a shift's day key is unknown (the mistake is the key).
pub(super) fn unstaffed(cx: &mut Cx, queues: &[QueueModel], spans: &[Span], groups: &[Group]) {
    if cx.shift_days_unknown {
        return;
    }
    for (i, q) in queues.iter().enumerate() {
        let staffed = groups
            .iter()
            .any(|g| g.serves.contains(&i) && g.staff.iter().flatten().any(|n| *n > 0));
        if !staffed {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    spans[i],
                    format!("no call-taker ever answers `{}`", q.name),
                )
                .label("a queue with no call-takers ever")
                .help("add it to a group's `serves`, and give that group shifts"),
            );
        }
    }
}
