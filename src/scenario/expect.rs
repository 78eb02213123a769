//! Expectations checked against the menu a scenario file tests, once it is loaded: what can
//! never hold is a load-time finding at its `file:line:column`, not a failure found by running.

use super::{ScenarioFile, StepKind};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::menu::Menu;

/// The findings of `file`'s scenarios against `menu`: a node named by an expectation
/// (`at_node`, `passed`/`node`, the `node` of a timed expectation) that the menu does not have
/// (E006, with a "did you mean"), a `start.language` the menu does not have (E016), and an
/// `operator: { transfer }` step to a queue no transfer of the menu names, and an
/// `operator: { end }` step or `expect: { disposition }` with a code that is not one of the
/// menu's dispositions (E016: the console would refuse them), and an `expect: { external }`
/// naming a target no `external` node of the menu has (E016).
pub fn menu_findings(file: &ScenarioFile, menu: &Menu) -> Vec<Diagnostic> {
    scenarios_findings(&file.scenarios, menu)
}

/// [`menu_findings`] of scenarios however they were read (a training call's script too).
pub fn scenarios_findings(scenarios: &[super::Scenario], menu: &Menu) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // What the menu has, gathered once (a suite may have a step for each of 100,000 calls).
    let codes = crate::operator::console::disposition_codes(menu);
    let queues = super::line::transfer_queues(menu);
    let externals: Vec<&str> = menu
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            crate::menu::NodeKind::External(x) => Some(x.name.as_str()),
            _ => None,
        })
        .collect();
    for sc in scenarios {
        if let (Some(lang), Some(at)) = (&sc.start.language, sc.language_at)
            && !menu.languages.contains(lang)
        {
            let mut d = Diagnostic::new(Code::InvalidValue, at, format!("the menu has no language `{lang}`"))
                .label(format!("the menu's languages: {}", menu.languages.join(", ")));
            if let Some(h) = did_you_mean(lang, menu.languages.iter().map(String::as_str)) {
                d = d.help(format!("did you mean `{h}`?"));
            }
            out.push(d);
        }
        for step in &sc.steps {
            // A disposition the console's `:end` refuses: as a step it could never act, as an
            // expectation never hold.
            let disposition = match &step.kind {
                StepKind::Operator(op) => match &op.action {
                    super::line::LineAction::End(code) => Some((code, "this step ends the call with")),
                    _ => None,
                },
                StepKind::Expect(e) => e
                    .line
                    .as_ref()
                    .and_then(|l| l.disposition.as_ref())
                    .map(|c| (c, "this expectation names")),
                _ => None,
            };
            if let Some((code, what)) = disposition {
                out.extend(not_among(
                    step.span,
                    code,
                    &codes,
                    format!("{what} disposition `{code}`, which is not one of the menu's codes"),
                    "the console's `:end` refuses it",
                    "the codes",
                ));
            }
            if let StepKind::Operator(op) = &step.kind
                && let super::line::LineAction::Transfer { queue, .. } = &op.action
            {
                out.extend(not_among(
                    step.span,
                    queue,
                    &queues,
                    format!("this step transfers the call to queue `{queue}`, which no transfer of the menu names"),
                    "the console would refuse it",
                    "the menu's transfers go to",
                ));
                continue;
            }
            let StepKind::Expect(e) = &step.kind else { continue };
            if let Some(target) = &e.external {
                out.extend(not_among(
                    step.span,
                    target,
                    &externals,
                    format!(
                        "this expectation names external target `{target}`, which no `external` node of the menu has"
                    ),
                    "no call can be handed to it",
                    "the menu's external targets",
                ));
            }
            for (field, n, span) in &e.names {
                if menu.find(n).is_some() {
                    continue;
                }
                let mut d = Diagnostic::new(
                    Code::UnknownTarget,
                    *span,
                    format!("this expectation names node `{n}`, which the menu does not have"),
                )
                .label(format!("`{field}`: no call can be there"));
                if let Some(h) = did_you_mean(n, menu.nodes.iter().map(|x| x.id.as_str())) {
                    d = d.help(format!("did you mean `{h}`?"));
                }
                out.push(d);
            }
        }
    }
    crate::check::sort(&mut out);
    out
}

/// An E016 finding at `span` when `value` is not one of `known` (the menu's queues, codes or
/// targets): `message` and `label`, a note listing `known` after `listing`, and a "did you
/// mean" when one is close.
fn not_among(
    span: crate::source::Span,
    value: &str,
    known: &[&str],
    message: String,
    label: &str,
    listing: &str,
) -> Option<Diagnostic> {
    if known.contains(&value) {
        return None;
    }
    let mut d = Diagnostic::new(Code::InvalidValue, span, message).label(label);
    d = if known.is_empty() {
        d.note(format!("{listing}: none"))
    } else {
        d.note(format!(
            "{listing}: {}",
            known.iter().map(|q| format!("`{q}`")).collect::<Vec<_>>().join(", ")
        ))
    };
    if let Some(h) = did_you_mean(value, known.iter().copied()) {
        d = d.help(format!("did you mean `{h}`?"));
    }
    Some(d)
}
