//! Expectations checked against the menu a scenario file tests, once it is loaded: what can
//! never hold is a load-time finding at its `file:line:column`, not a failure found by running.

use super::{ScenarioFile, StepKind};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::menu::Menu;

/// The findings of `file`'s scenarios against `menu`: a node named by an expectation
/// (`at_node`, `passed`/`node`, the `node` of a timed expectation) that the menu does not have
/// (E006, with a "did you mean"), a `start.language` the menu does not have (E016), and an
/// `operator: { transfer }` step to a queue no transfer of the menu names (E016: the console
/// would refuse it).
pub fn menu_findings(file: &ScenarioFile, menu: &Menu) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for sc in &file.scenarios {
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
            if let StepKind::Operator(op) = &step.kind
                && let super::line::LineAction::Transfer { queue, .. } = &op.action
            {
                let known = super::line::transfer_queues(menu);
                if !known.contains(&queue.as_str()) {
                    let mut d = Diagnostic::new(
                        Code::InvalidValue,
                        step.span,
                        format!("this step transfers the call to queue `{queue}`, which no transfer of the menu names"),
                    )
                    .label("the console would refuse it")
                    .note(format!(
                        "the menu's transfers go to {}",
                        known.iter().map(|q| format!("`{q}`")).collect::<Vec<_>>().join(", ")
                    ));
                    if let Some(h) = did_you_mean(queue, known.iter().copied()) {
                        d = d.help(format!("did you mean `{h}`?"));
                    }
                    out.push(d);
                }
                continue;
            }
            let StepKind::Expect(e) = &step.kind else { continue };
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
    out
}
