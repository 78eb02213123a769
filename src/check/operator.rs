//! The central check (E014: nodes from which no operator can be reached), and the other
//! findings about ways through the graph: W001 unreachable, W002 inescapable loops,
//! W005 no zero-out, W008 operator too deep.

use petgraph::visit::EdgeRef;

use super::{Analysis, Thresholds};
use crate::diag::{Code, Diagnostic};
use crate::graph::EdgeKind;
use crate::graph::reach::{Components, Ending, Endings, reaches_handoff, reaches_operator};
use crate::menu::{Menu, NodeId, NodeKind};
use crate::rules::{self, FailureKind};

pub(super) fn check(menu: &Menu, a: &Analysis, t: &Thresholds, diags: &mut Vec<Diagnostic>) {
    let g = &a.graph;
    let reaches = reaches_operator(menu, g);
    // E014 asks for a way to a person or to another handoff by design (voicemail, an
    // application, a flow); a self-service menu asks for neither.
    let handed = reaches_handoff(menu, g);
    let comps = Components::of(g);
    let any_trapped = !menu.self_service
        && menu
            .node_ids()
            .any(|id| !handed[id.index()] && !matches!(menu.node(id).kind, NodeKind::Hangup(_)));
    let endings = if any_trapped {
        Some(Endings::of(menu, g, &comps))
    } else {
        None
    };

    // With no transfer at all, one finding says it better than one per node. A menu whose
    // only handoffs are voicemail, applications or recordings is self-service: it must say so
    // (`self_service: true`), so that a transfer deleted by mistake is not taken for a design.
    let no_transfer = !menu.nodes.is_empty()
        && !menu.self_service
        && !menu
            .nodes
            .iter()
            .any(|n| matches!(n.kind, NodeKind::Transfer(_) | NodeKind::Callback(_)))
        && !g.unknown_exit.iter().any(|&u| u);
    if no_transfer {
        diags.push(
            Diagnostic::new(Code::NoOperator, menu.entry.span, "this menu has no `transfer` node")
                .label("no caller can ever reach an operator")
                .note(format!("none of the {} nodes can hand a call to a person", menu.nodes.len()))
                .help("add a node with `kind: transfer` and `queue: <name>`, and lead to it from every menu, e.g. with a global `operator` key and `defaults.operator`; or, if no person is part of the design (voicemail, an information line), say `self_service: true` at the top of the menu"),
        );
    }

    // Nodes a call reaches only when no call-taker is available (a transfer's callback or
    // `goto`) are where the call goes because no operator can be had: E014 does not apply.
    let only_without_operator = crate::graph::reach::only_after_a_design_end(menu, g);
    for id in menu.node_ids() {
        let node = menu.node(id);
        let is_hangup = matches!(node.kind, NodeKind::Hangup(_));
        if !handed[id.index()] && !is_hangup && !no_transfer && !menu.self_service && !only_without_operator[id.index()]
        {
            let (ends, more) = &endings.as_ref().expect("computed when any node is trapped").of[comps.comp[id.index()]];
            let mut parts: Vec<String> = ends
                .iter()
                .map(|e| match e {
                    Ending::Hangup(h) => format!("hang-up `{}`", menu.node(*h).id),
                    Ending::RetriesEnd(n) => retries_end(menu, *n),
                    Ending::Loop(c) => format!(
                        "the loop through {} with no way out",
                        super::names(menu, &comps.members[*c], 5)
                    ),
                    Ending::DeadEnd(n) => format!("`{}`, which leads nowhere", menu.node(*n).id),
                    Ending::Unlimited(n) => format!(
                        "`{}` playing its prompt again without end (`unlimited` retries)",
                        menu.node(*n).id
                    ),
                })
                .collect();
            if *more {
                parts.push("others".into());
            }
            let mut d = Diagnostic::new(
                Code::NoOperator,
                node.span,
                format!("no operator can be reached from `{}`", node.id),
            )
            .label("a caller here can never reach a person");
            if !parts.is_empty() {
                d = d.note(format!("every way on from here ends at {}", parts.join("; ")));
            }
            if let Some(at) = a.at {
                d = d.note(at_note(at));
            }
            d = d.help(no_operator_help(menu, &node.kind));
            diags.push(d);
        }
        if !a.reachable[id.index()] && a.graph.entry.is_some() {
            let mut d = Diagnostic::new(
                Code::Unreachable,
                node.span,
                format!("node `{}` cannot be reached from the entry", node.id),
            )
            .label("no caller gets here");
            if let Some(at) = a.at {
                d = d.note(at_note(at));
            }
            diags.push(d.help("link it from a menu option, or remove it"));
        }
    }

    super::hours::check(menu, a, &reaches, &only_without_operator, diags);

    // W002: loops with no way out (and no transfer, hang-up or end inside).
    for (c, members) in comps.members.iter().enumerate() {
        if !comps.is_cyclic(g, c) || comps.has_exit(g, c) {
            continue;
        }
        let ends_inside = members.iter().any(|&n| {
            matches!(menu.node(n).kind, NodeKind::Hangup(_))
                || menu.node(n).kind.hands_over()
                || g.ends_call[n.index()]
                || g.unknown_exit[n.index()]
        });
        if ends_inside {
            continue;
        }
        let mut sorted = members.clone();
        sorted.sort();
        let first = menu.node(sorted[0]);
        diags.push(
            Diagnostic::new(Code::InescapableLoop, first.span, "a loop that callers can never leave")
                .label(format!("callers go round {} forever", super::names(menu, &sorted, 6)))
                .help("add a way out of the loop: a key, a `fallback`, or a `next` that leaves it"),
        );
    }

    endless_loops(menu, diags);

    for id in menu.node_ids() {
        let node = menu.node(id);
        // W005: a menu where no single key leads, through automatic steps only, to a transfer.
        if let NodeKind::Menu(_) = node.kind
            && !menu.self_service
            && reaches[id.index()]
            && !zero_out(menu, a, id)
        {
            diags.push(
                Diagnostic::new(
                    Code::NoZeroOut,
                    node.span,
                    format!("no single key in menu `{}` leads to an operator", node.id),
                )
                .label("callers who want a person must guess")
                .help(zero_out_help(menu)),
            );
        }
        // W008: fewest keys to an operator above the threshold, for menus (a collect's keys
        // are the data it asks for, not a detour).
        if matches!(node.kind, NodeKind::Menu(_))
            && !menu.self_service
            && reaches[id.index()]
            && a.reachable[id.index()]
        {
            match a.by_keys.cost[id.index()] {
                Some(c) if c.keys > t.max_operator_keys => diags.push(
                    Diagnostic::new(
                        Code::OperatorTooDeep,
                        node.span,
                        format!("an operator is {} keypresses away from `{}`", c.keys, node.id),
                    )
                    .label(format!(
                        "more than the {} allowed (`lint.max_operator_keys`, `--max-operator-keys`)",
                        t.max_operator_keys
                    ))
                    .help("offer the operator sooner, e.g. with a global `operator` key"),
                ),
                None => diags.push(
                    Diagnostic::new(
                        Code::OperatorTooDeep,
                        node.span,
                        format!("from `{}` only waiting or invalid input reach an operator", node.id),
                    )
                    .label("no keys lead to a person")
                    .help("offer the operator by a key, e.g. a global `operator` key"),
                ),
                _ => {}
            }
        }
    }
}

/// How a call ends at a node by its retries, in E014's explanation, as the engine ends it
/// (`rules::after_failure` under the node's counting policy).
fn retries_end(menu: &Menu, n: NodeId) -> String {
    let node = menu.node(n);
    let Some(l) = node.kind.listen() else {
        return format!("`{}`", node.id);
    };
    let kinds: Vec<&str> = [(FailureKind::NoInput, "no-input"), (FailureKind::NoMatch, "no-match")]
        .into_iter()
        .filter(|(k, _)| rules::failures::limit(l, *k).limit().is_some() && rules::failures::fallback(l, *k).is_none())
        .map(|(_, w)| w)
        .collect();
    match kinds.as_slice() {
        [] => format!(
            "`{}` reaching a retry limit a second time in the call (`counting: call`)",
            node.id
        ),
        [one] => format!("`{}` running out of {one} retries with no fallback", node.id),
        _ => format!("`{}` running out of retries with no fallback", node.id),
    }
}

/// W016: the endless loops of [`crate::graph::loops::endless_loops`], each named with its
/// nodes in order and the caller's behaviour.
fn endless_loops(menu: &Menu, diags: &mut Vec<Diagnostic>) {
    for l in crate::graph::loops::endless_loops(menu) {
        let who = match l.behaviour.as_slice() {
            [FailureKind::NoInput] => "a caller who stays silent",
            [FailureKind::NoMatch] => "a caller who keeps pressing wrong keys",
            _ => "a caller who stays silent or keeps pressing wrong keys",
        };
        let first = menu.node(l.cycle[0]);
        let mut round: Vec<String> = l
            .cycle
            .iter()
            .take(8)
            .map(|&n| format!("`{}`", menu.node(n).id))
            .collect();
        if l.cycle.len() > 8 {
            round.push(format!("… ({} nodes)", l.cycle.len()));
        }
        round.push(format!("`{}`", first.id));
        let unlimited = l.cycle.len() == 1
            && first.kind.listen().is_some_and(|li| {
                l.behaviour
                    .iter()
                    .all(|k| rules::failures::limit(li, *k).limit().is_none())
            });
        let how = if unlimited {
            "its retries are `unlimited`: the prompt plays again for ever".to_owned()
        } else if l.cycle.len() == 1 {
            format!("the fallback of `{}` leads back to `{}`", first.id, first.id)
        } else {
            format!("the round is {}", round.join(" → "))
        };
        let policy = first.kind.listen().map_or("visit", |li| li.counting.name());
        let why = if unlimited {
            "never reaching a person or an ending; only the call's 4-hour limit ends it".to_owned()
        } else {
            format!(
                "never reaching a person or an ending: each visit starts with fresh retries (`counting: {policy}`); only the call's 4-hour limit ends it"
            )
        };
        diags.push(
            Diagnostic::new(
                Code::EndlessLoop,
                first.span,
                format!("{who} goes round without end from `{}`", first.id),
            )
            .label(how)
            .note(why)
            .help(if unlimited {
                "give the retries a limit (e.g. `max_no_input: 3`) and a fallback that leads to a `transfer`"
            } else {
                "send the fallback to a `transfer`, or set `counting: call` so the counts run out"
            }),
        );
    }
}

/// The note of a finding made at one moment (`check --at`).
fn at_note(at: jiff::civil::DateTime) -> String {
    format!(
        "at {} ({}, `--at`): only the routes that can be taken then count",
        at.strftime("%Y-%m-%d %H:%M"),
        crate::menu::schedule::weekday(at.date())
    )
}

/// What to suggest for E014, by the kind of node (a message has no fallback, a route no keys).
fn no_operator_help(menu: &Menu, kind: &NodeKind) -> String {
    let global = if menu.defaults.keys.operator.is_none() {
        ", or add a global `operator` key in `defaults.keys` that leads to a `transfer`"
    } else {
        ""
    };
    match kind {
        NodeKind::Message(_) => format!("let `next` lead somewhere an operator can be reached{global}"),
        NodeKind::Route(_) => "let a route or the `default` lead somewhere an operator can be reached".into(),
        NodeKind::Collect(_) => "set a `fallback` that leads to a `transfer`, or let `next` lead to one".into(),
        _ => format!("add an option or a `fallback` that leads to a `transfer` node{global}"),
    }
}

/// What to suggest for W005, depending on what the global operator key does today.
fn zero_out_help(menu: &Menu) -> String {
    let target = menu.defaults.operator.as_ref().and_then(|r| r.node());
    match (&menu.defaults.keys.operator, target) {
        (None, _) => {
            "set a global `operator` key in `defaults.keys` (usually `\"0\"`), or add an option to a `transfer`".into()
        }
        (Some(k), Some(t)) if !matches!(menu.node(t).kind, NodeKind::Transfer(_)) => format!(
            "the global `operator` key `{}` leads to `{}`, which is not a `transfer`: point `defaults.operator` at one",
            k.key,
            menu.node(t).id
        ),
        (Some(k), Some(_)) if k.key.len() > 1 => format!(
            "the global `operator` key `{}` takes {} keys: add an option to a `transfer`, or make the key one digit",
            k.key,
            k.key.len()
        ),
        (Some(k), Some(_)) => format!(
            "the global `operator` key `{}` is hidden here by an option on the same key: move that option, or add one to a `transfer`",
            k.key
        ),
        (Some(k), None) => format!(
            "the global `operator` key `{}` leads nowhere: set `defaults.operator` (or `defaults.fallback`) to a `transfer` node",
            k.key
        ),
    }
}

/// Whether one keypress at menu `id` reaches a transfer through automatic steps (routes)
/// only (routes, and messages that go on by themselves). A route counts when any of its
/// branches does.
fn zero_out(menu: &Menu, a: &Analysis, id: NodeId) -> bool {
    let g = &a.graph;
    g.graph.edges(g.ix(id)).any(|e| {
        let single = e.weight().key().is_some_and(|k| k.len() == 1);
        single && leads_to_transfer(menu, a, g.graph[e.target()], 0)
    })
}

fn leads_to_transfer(menu: &Menu, a: &Analysis, id: NodeId, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    match menu.node(id).kind {
        NodeKind::Transfer(_) => true,
        NodeKind::Route(_) => a.graph.graph.edges(a.graph.ix(id)).any(|e| {
            matches!(e.weight(), EdgeKind::Route { .. } | EdgeKind::RouteDefault)
                && leads_to_transfer(menu, a, a.graph.graph[e.target()], depth + 1)
        }),
        NodeKind::Message(_) => {
            a.graph.graph.edges(a.graph.ix(id)).any(|e| {
                *e.weight() == EdgeKind::Next && leads_to_transfer(menu, a, a.graph.graph[e.target()], depth + 1)
            })
        }
        _ => false,
    }
}
