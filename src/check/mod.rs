//! `ivrsim check`: every finding about a menu, and the time-to-operator report.
//!
//! [`check_menu`] runs the graph checks (`operator`: E014, W001, W002, W005, W008, W016;
//! `hours`: W023, per period of the week), the per-node lints (`lints`: W003, W004, W006,
//! W007, W009, W011, W012, W018) and the announced-keys check (`announced`: W019, W020) on a
//! loaded menu. Findings from loading and from reading clips come from
//! [`crate::menu::load_menu`] and [`crate::audio::ClipLibrary::load`]. Every code is documented
//! in `docs/checks.md`.

mod announced;
mod hours;
mod lints;
mod operator;
pub mod report;
#[cfg(test)]
mod tests_kinds;
mod vars;

use std::time::Duration;

use crate::audio::ClipLibrary;
use crate::diag::{Code, Diagnostic};
use crate::graph::MenuGraph;
use crate::graph::ways::{Goal, Timings, Ways};
use crate::menu::Menu;

/// Default of `lint.max_options`: Avaya's IVR design guidance recommends at most 4-5
/// options per menu.
pub const DEFAULT_MAX_OPTIONS: u32 = 5;
/// Default of `lint.max_operator_keys`.
pub const DEFAULT_MAX_OPERATOR_KEYS: u32 = 3;
/// Default of `lint.max_prompt`.
pub const DEFAULT_MAX_PROMPT: Duration = Duration::from_secs(10);

/// Thresholds of the checks, after the menu's `lint:` section and command-line flags.
#[derive(Clone, Debug)]
pub struct Thresholds {
    /// Most options in one menu before W007.
    pub max_options: u32,
    /// Most keypresses to an operator before W008.
    pub max_operator_keys: u32,
    /// Longest menu prompt before W009.
    pub max_prompt: Duration,
    /// Warning codes not to report.
    pub allow: Vec<Code>,
}

/// Command-line overrides of [`Thresholds`] (`None`: keep the menu's or the default).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--max-options`.
    pub max_options: Option<u32>,
    /// `--max-operator-keys`.
    pub max_operator_keys: Option<u32>,
    /// `--max-prompt`.
    pub max_prompt: Option<Duration>,
    /// `--allow` (added to the menu's `lint.allow`).
    pub allow: Vec<Code>,
}

impl Thresholds {
    /// Flags over the menu's `lint:` over the defaults.
    pub fn resolve(menu: &Menu, o: &Overrides) -> Self {
        let mut allow = menu.lint.allow.clone();
        allow.extend(o.allow.iter().copied());
        Thresholds {
            max_options: o.max_options.or(menu.lint.max_options).unwrap_or(DEFAULT_MAX_OPTIONS),
            max_operator_keys: o
                .max_operator_keys
                .or(menu.lint.max_operator_keys)
                .unwrap_or(DEFAULT_MAX_OPERATOR_KEYS),
            max_prompt: o.max_prompt.or(menu.lint.max_prompt).unwrap_or(DEFAULT_MAX_PROMPT),
            allow,
        }
    }
}

/// Everything the checks computed about one menu.
pub struct Analysis {
    /// The graph.
    pub graph: MenuGraph,
    /// Prompt durations.
    pub timings: Timings,
    /// Fewest keypresses to an operator, from every node.
    pub by_keys: Ways,
    /// Fewest seconds to an operator, from every node.
    pub fastest: Ways,
    /// Nodes reachable from the entry.
    pub reachable: Vec<bool>,
    /// The moment of `check --at` (local date and time): the graph then keeps only the route
    /// branches that can be taken at it, and the findings speak of it. `None`: every period.
    pub at: Option<jiff::civil::DateTime>,
}

impl Analysis {
    /// Builds the graph and computes reachability and the shortest ways.
    pub fn of(menu: &Menu, clips: &ClipLibrary) -> Self {
        Self::of_at(menu, clips, None)
    }

    /// As [`Analysis::of`], at one moment when `at` is given (`check --at`): the route
    /// branches that cannot be taken at that local date and time are left out of the graph
    /// ([`crate::graph::hours::keep_moment`]) before anything is computed.
    pub fn of_at(menu: &Menu, clips: &ClipLibrary, at: Option<jiff::civil::DateTime>) -> Self {
        let mut graph = MenuGraph::build(menu);
        if let Some(at) = at {
            crate::graph::hours::keep_moment(menu, &mut graph, at);
        }
        let timings = Timings::of(menu, clips.timings());
        let by_keys = Ways::compute(menu, &graph, &timings, Goal::FewestKeys);
        let fastest = Ways::compute(menu, &graph, &timings, Goal::Fastest);
        let reachable = crate::graph::reach::reachable_from_entry(&graph);
        Analysis {
            graph,
            timings,
            by_keys,
            fastest,
            reachable,
            at,
        }
    }
}

/// Runs every graph check and lint on `menu`, returning the findings (those whose code is
/// in `thresholds.allow` removed) sorted by place.
pub fn check_menu(menu: &Menu, clips: &ClipLibrary, analysis: &Analysis, thresholds: &Thresholds) -> Vec<Diagnostic> {
    checks(menu, clips, analysis, thresholds, Wanted::All)
}

/// Which findings a run of the checks is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wanted {
    /// Errors and warnings (`ivrsim check`).
    All,
    /// Errors only ([`blocking_errors`]): checks that can only warn are skipped.
    Errors,
}

fn checks(
    menu: &Menu,
    clips: &ClipLibrary,
    analysis: &Analysis,
    thresholds: &Thresholds,
    wanted: Wanted,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    operator::check(menu, analysis, thresholds, &mut diags);
    lints::check(menu, clips, analysis, thresholds, &mut diags);
    // W019 and W020 only: warnings (a quarter of the checks' time on a 35,600-node menu).
    if wanted == Wanted::All {
        let before = diags.len();
        announced::check(menu, &mut diags);
        debug_assert!(
            diags[before..]
                .iter()
                .all(|d| d.severity() == crate::diag::Severity::Warning),
            "announced::check gave an error, which `blocking_errors` would miss"
        );
    }
    vars::check(menu, &mut diags);
    diags.retain(|d| !thresholds.allow.contains(&d.code));
    node_allow(menu, &mut diags);
    diags
}

/// Drops the warnings a node's `lint_allow` names when they are placed in that node's text:
/// from its id to the next node's id in the same file (the last node: to the end of its file).
fn node_allow(menu: &Menu, diags: &mut Vec<Diagnostic>) {
    if menu.nodes.iter().all(|n| n.lint_allow.is_empty()) {
        return;
    }
    let mut starts: Vec<(crate::source::FileId, u32, usize)> = menu
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.span.pointer.is_none())
        .map(|(i, n)| (n.span.file, n.span.start, i))
        .collect();
    starts.sort();
    let mut ranges = Vec::new();
    for (k, &(file, start, i)) in starts.iter().enumerate() {
        if menu.nodes[i].lint_allow.is_empty() {
            continue;
        }
        let end = starts
            .get(k + 1)
            .filter(|(f, _, _)| *f == file)
            .map_or(u32::MAX, |(_, s, _)| *s);
        ranges.push((file, start, end, &menu.nodes[i].lint_allow));
    }
    diags.retain(|d| {
        let s = d.primary.span;
        !ranges.iter().any(|(f, a, b, allow)| {
            s.pointer.is_none() && s.file == *f && s.start >= *a && s.start < *b && allow.contains(&d.code)
        })
    });
}

/// The errors that make `menu` unusable for calls and scenarios: its clips' and every
/// check's errors (warnings are left out), sorted. Load findings are the caller's to add.
pub fn blocking_errors(menu: &Menu, clips_findings: Vec<Diagnostic>, clips: &ClipLibrary) -> Vec<Diagnostic> {
    let analysis = Analysis::of(menu, clips);
    let mut findings = clips_findings;
    findings.extend(checks(
        menu,
        clips,
        &analysis,
        &Thresholds::resolve(menu, &Overrides::default()),
        Wanted::Errors,
    ));
    findings.retain(|d| d.severity() == crate::diag::Severity::Error);
    sort(&mut findings);
    findings
}

/// The error codes that are *design findings*: found by the graph checks of a menu that
/// loaded whole, about where calls can go (E014: a node from which no person can be reached),
/// not about what the file says. Every way through such a menu is still well defined, so
/// `ivrsim call` rehearses it, saying once that it has them (docs/checks.md, "Design
/// findings"); scenarios, generation and training still refuse it.
pub const DESIGN_FINDINGS: [crate::diag::Code; 1] = [crate::diag::Code::NoOperator];

/// Whether `code` is a design finding ([`DESIGN_FINDINGS`]).
pub fn is_design_finding(code: crate::diag::Code) -> bool {
    DESIGN_FINDINGS.contains(&code)
}

/// Sorts findings by file, then position (a byte offset, then a JSON pointer in the order
/// pointers were made), then code, and removes exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    let key = |d: &Diagnostic| {
        (
            d.primary.span.file,
            d.primary.span.start,
            d.primary.span.pointer,
            d.code,
        )
    };
    diags.sort_by_key(key);
    diags.dedup_by(|a, b| a.code == b.code && a.primary.span == b.primary.span && a.message == b.message);
}

/// Up to `max` node ids in backticks, then how many more: "`a`, `b` and 3 more".
pub(crate) fn names(menu: &Menu, ids: &[crate::menu::NodeId], max: usize) -> String {
    let mut s: Vec<String> = ids
        .iter()
        .take(max)
        .map(|&i| format!("`{}`", menu.node(i).id))
        .collect();
    if ids.len() > max {
        s.push(format!("{} more", ids.len() - max));
    }
    match s.len() {
        0 => String::new(),
        1 => s.remove(0),
        _ => {
            let last = s.pop().unwrap_or_default();
            format!("{} and {last}", s.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::{Code, Diagnostic};
    use crate::source::Sources;

    /// Findings at JSON pointers (imported menus) sort by pointer after file and offset: all
    /// pointer places have the byte offset 0.
    #[test]
    fn findings_at_pointers_sort_by_pointer() {
        let mut sources = Sources::new();
        let file = sources.add("flow.json", "{\"Actions\": []}");
        let early = sources.pointer(file, "/Actions/0");
        let late = sources.pointer(file, "/Actions/1");
        let mut diags = vec![
            Diagnostic::new(Code::DuplicateNode, late, "late"),
            Diagnostic::new(Code::UnknownTarget, early, "early"),
        ];
        super::sort(&mut diags);
        let order: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["early", "late"]);
    }
}
