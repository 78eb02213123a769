//! A caller's way through the IVR written inside another kind of file: the `start` and
//! `steps` of a training call (`crate::operator::training`), as scenario files write them.
//!
//! This is the scenario module's whole interface for such files: the raw types to embed in
//! a file format ([`RawStart`], [`RawStep`]), the lowering of them to a [`Script`] (with the
//! same findings as in a scenario file), and running a script to its handoff
//! ([`Script::handoff`]). The scenario loader's context and the runner stay inside the
//! module (docs/architecture.md, "Layers, enforced by a test").

use super::load::Cx;
use super::{Expect, Scenario, Step, StepKind, TransferExpect};
use crate::audio::ClipLibrary;
use crate::diag::{Code, Diagnostic};
use crate::engine::{Handoff, route_of};
use crate::menu::Menu;
use crate::menu::raw::S;
use crate::source::{FileId, Sources, Span};

pub use super::format::{RawStart, RawStep};

/// A caller's way through the IVR to a transfer: how the call starts, the steps as written,
/// and last an implicit step that expects a transfer (placed at `steps:`).
#[derive(Clone, Debug)]
pub struct Script {
    scenario: Scenario,
}

/// Why a [`Script`] did not reach a call-taker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoHandoff {
    /// A step as written failed: its index in [`Script::step_spans`] (`None` if the runner
    /// names no step of the script), what was expected and what happened, and the route the
    /// call took (`main → report`).
    Step {
        /// The failing step's index.
        step: Option<usize>,
        /// Expected and actual, in words.
        message: String,
        /// The route the call took up to then.
        route: String,
    },
    /// The steps (or the call) ended without a transfer: the implicit last step failed.
    NotTransferred {
        /// What happened instead, in words.
        message: String,
        /// The route the call took.
        route: String,
    },
    /// The run ended with neither a failure nor a handoff (the implicit last step makes
    /// this a bug of the runner, not of the script).
    Missing,
}

/// Reads caller actions written as scenario steps (`press`, `say`, `silence`, `hangup`,
/// with `at` and `gap`) from the file `file`, for a file that embeds a caller's behaviour
/// without checking it (a traffic file's intents, docs/traffic-format.md). `None` when a
/// step is invalid (its own findings, as in a scenario file) or is an `expect` or
/// `operator` step, refused with an E016 finding that names `whose` (e.g. "an intent").
pub fn lower_actions(
    sources: &Sources,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
    whose: &str,
    steps: &[S<RawStep>],
) -> Option<Vec<Step>> {
    let mut cx = Cx::new(sources, file, diags);
    let mut out = Vec::with_capacity(steps.len());
    let mut ok = true;
    for st in steps {
        match cx.step(st) {
            Some(Step { span, kind }) if matches!(kind, StepKind::Expect(_) | StepKind::Operator(_)) => {
                let field = if matches!(kind, StepKind::Expect(_)) {
                    "expect"
                } else {
                    "operator"
                };
                cx.push(
                    Diagnostic::new(Code::InvalidValue, span, format!("{whose} has no `{field}` steps"))
                        .label("only caller actions: `press`, `say`, `silence`, `hangup`")
                        .help(format!("`{field}` steps are for scenario files (`ivrsim test`)")),
                );
                ok = false;
            }
            Some(step) => out.push(step),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

impl Script {
    /// What can never hold on `menu` (see [`super::expect::scenarios_findings`]): nodes the
    /// expectations name and a `start.language` the menu does not have.
    pub fn menu_findings(&self, menu: &crate::menu::Menu) -> Vec<Diagnostic> {
        super::expect::scenarios_findings(std::slice::from_ref(&self.scenario), menu)
    }

    /// Reads `start` and `steps` (as a scenario writes them) from the file `file`: `None`
    /// when `steps` is missing or empty (an E004 finding at `top`, or at `steps:`) or a step
    /// is invalid (its own findings). `name` names the script's call; an invalid `start`
    /// is a finding and leaves the default start.
    pub fn lower(
        sources: &Sources,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
        name: &str,
        top: Span,
        start: Option<&S<RawStart>>,
        steps: Option<&S<Vec<S<RawStep>>>>,
    ) -> Option<Script> {
        let mut cx = Cx::new(sources, file, diags);
        // The operator line is the trainee's console: a training call does not script it.
        let operator_start: Vec<(&str, Span)> = start
            .map(|s| {
                let st = &s.value;
                [
                    ("operator", st.operator.as_ref().map(|v| &v.referenced)),
                    ("waiting", st.waiting.as_ref().map(|v| &v.referenced)),
                ]
                .into_iter()
                .filter_map(|(f, at)| Some((f, cx.span(at?))))
                .collect()
            })
            .unwrap_or_default();
        for &(field, span) in &operator_start {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("a training call has no `start.{field}`"),
                )
                .label("the call-taker is the trainee at the console")
                .help(format!("`start: {{ {field} }}` is for scenario files (`ivrsim test`)")),
            );
        }
        let language_at = start
            .and_then(|s| s.value.language.as_ref())
            .map(|l| cx.span(&l.referenced));
        let start = start.map(|s| cx.start(&s.value)).unwrap_or_default();
        let Some(list) = steps.filter(|l| !l.value.is_empty()) else {
            let span = steps.map_or(top, |l| cx.span(&l.referenced));
            cx.push(
                Diagnostic::new(Code::MissingField, span, "no `steps`")
                    .label("the caller's way through the IVR to a transfer")
                    .help("write them as in a scenario, e.g. `steps: [{ press: \"1\" }, { press: \"1\" }]`"),
            );
            return None;
        };
        let mut steps = Vec::new();
        let mut ok = true;
        for st in &list.value {
            match cx.step(st) {
                // The call-taker here is the trainee at the console, not a script.
                Some(Step {
                    span,
                    kind: StepKind::Operator(_),
                }) => {
                    cx.push(
                        Diagnostic::new(Code::InvalidValue, span, "a training call has no `operator` steps")
                            .label("the call-taker is the trainee at the console")
                            .help("`operator` steps are for scenario files (`ivrsim test`)"),
                    );
                    ok = false;
                }
                Some(step) => steps.push(step),
                None => ok = false,
            }
        }
        let list_span = cx.span(&list.referenced);
        steps.push(Step {
            span: list_span,
            kind: StepKind::Expect(Box::new(Expect {
                transfer: Some(TransferExpect::default()),
                listen: true,
                ..Expect::default()
            })),
        });
        (ok && operator_start.is_empty()).then(|| Script {
            scenario: Scenario {
                name: name.to_owned(),
                span: top,
                start,
                busy: None,
                line: None,
                steps,
                language_at,
            },
        })
    }

    /// Where the script's call is written (the whole entry that holds it).
    pub fn span(&self) -> Span {
        self.scenario.span
    }

    /// Number of steps, the implicit last one included.
    pub fn len(&self) -> usize {
        self.scenario.steps.len()
    }

    /// Whether there are no steps (never, for a lowered script: the implicit step is there).
    pub fn is_empty(&self) -> bool {
        self.scenario.steps.is_empty()
    }

    /// Where each step is written, in order; the implicit last step is at `steps:`.
    pub fn step_spans(&self) -> impl Iterator<Item = Span> + '_ {
        self.scenario.steps.iter().map(|s| s.span)
    }

    /// Runs the script on `menu` in virtual time (the scenario runner) and returns the
    /// handoff the call-taker gets.
    ///
    /// # Errors
    /// [`NoHandoff`]: which step failed, or that the call was not transferred.
    pub fn handoff(&self, menu: &Menu, clips: &ClipLibrary) -> Result<Handoff, NoHandoff> {
        let run = super::runner::run(menu, clips, &self.scenario);
        match (run.failure, run.handoff) {
            (None, Some(h)) => Ok(h),
            (Some(f), _) if self.scenario.steps.last().is_some_and(|s| s.span == f.step) => {
                Err(NoHandoff::NotTransferred {
                    message: f.message,
                    route: route_of(&f.path),
                })
            }
            (Some(f), _) => Err(NoHandoff::Step {
                step: self.scenario.steps.iter().position(|s| s.span == f.step),
                message: f.message,
                route: route_of(&f.path),
            }),
            (None, None) => Err(NoHandoff::Missing),
        }
    }
}
