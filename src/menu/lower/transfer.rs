//! Lowering of what happens around a transfer: hold announcements, the plan for when no
//! call-taker can take the call, and the call-takers' wrap-up codes.

use super::raw::{Entries, RawHold, RawNoOperator};
use super::*;

/// Shortest time between two hold announcements a menu may ask for.
pub(crate) const MIN_HOLD_EVERY: Duration = Duration::from_secs(5);

/// The actions of `when_no_operator`.
pub(super) const NO_OPERATOR_ACTIONS: [&str; 4] = ["hold", "message", "callback", "goto"];

/// The fields an action of `when_no_operator` uses besides `action`, and the one it requires.
pub(super) fn action_fields(action: &str) -> (&'static [&'static str], &'static str) {
    match action {
        "hold" => (&["max_wait", "prompt"], "max_wait"),
        "message" => (&["prompt"], "prompt"),
        _ => (&["to"], "to"),
    }
}

impl Cx<'_> {
    /// `hold:` as given (each field left out is the defaults').
    pub(super) fn lower_hold(&mut self, file: FileId, raw: Option<&S<RawHold>>) -> HoldSpec {
        let Some(raw) = raw else { return HoldSpec::default() };
        HoldSpec {
            every: raw
                .value
                .every
                .as_ref()
                .and_then(|e| self.parse_duration_at(file, "hold.every", e)),
            prompt: raw.value.prompt.as_ref().map(|p| self.prompt(file, p)),
        }
    }

    /// `when_no_operator:`; `None` (with a finding) when it cannot be used.
    pub(super) fn lower_no_operator(&mut self, file: FileId, raw: &S<RawNoOperator>) -> Option<NoOperator> {
        let whole = self.span(file, &raw.referenced);
        let w = &raw.value;
        let Some(action) = &w.action else {
            self.push(
                Diagnostic::new(Code::MissingField, whole, "`when_no_operator` has no `action`")
                    .label("add `action: hold`, `message`, `callback` or `goto`"),
            );
            return None;
        };
        let aspan = self.span(file, &action.referenced);
        let name = action.value.as_str();
        if !NO_OPERATOR_ACTIONS.contains(&name) {
            let mut d = Diagnostic::new(Code::InvalidValue, aspan, format!("unknown action `{name}`"))
                .label("expected `hold`, `message`, `callback` or `goto`");
            if let Some(h) = suggest(name, NO_OPERATOR_ACTIONS) {
                d = d.help(h);
            }
            self.push(d);
            return None;
        }
        // Fields the action does not use.
        let (uses, _) = action_fields(name);
        let given = [
            ("max_wait", w.max_wait.as_ref().map(|v| &v.referenced)),
            ("prompt", w.prompt.as_ref().map(|v| &v.referenced)),
            ("to", w.to.as_ref().map(|v| &v.referenced)),
        ];
        for (field, loc) in given {
            if let Some(loc) = loc
                && !uses.contains(&field)
            {
                let span = self.span(file, loc);
                self.push(
                    Diagnostic::new(
                        Code::FieldNotForKind,
                        span,
                        format!("`action: {name}` does not use `{field}`"),
                    )
                    .label("ignored")
                    .note(format!("`action: {name}` uses {}", uses.join(", "))),
                );
            }
        }
        let need = |cx: &mut Self, field: &str, help: &str| {
            cx.push(
                Diagnostic::new(Code::MissingField, aspan, format!("`action: {name}` needs `{field}`"))
                    .label(format!("`{field}` is missing"))
                    .help(help.to_owned()),
            );
        };
        match name {
            "hold" => {
                let Some(mw) = &w.max_wait else {
                    need(
                        self,
                        "max_wait",
                        "add `max_wait: 2m`: how long a caller holds before the line gives up",
                    );
                    return None;
                };
                let max_wait = self.duration(file, "max_wait", mw)?;
                let prompt = w.prompt.as_ref().map(|p| self.prompt(file, p));
                Some(NoOperator::Hold { max_wait, prompt })
            }
            "message" => {
                let Some(p) = &w.prompt else {
                    need(
                        self,
                        "prompt",
                        "add `prompt: { text: \"...\" }`: what the caller hears before the line hangs up",
                    );
                    return None;
                };
                Some(NoOperator::Message {
                    prompt: self.prompt(file, p),
                })
            }
            _ => {
                let Some(to) = &w.to else {
                    need(self, "to", "add `to: <node id>`");
                    return None;
                };
                let to = self.resolve(file, to);
                Some(if name == "callback" {
                    NoOperator::Callback { to }
                } else {
                    NoOperator::Goto { to }
                })
            }
        }
    }

    /// `dispositions:`: code → description.
    pub(super) fn lower_dispositions(&mut self, file: FileId, raw: &S<Entries<S<String>, S<String>>>) {
        for (code, description) in &raw.value.0 {
            let code = self.at(file, code);
            self.b.disposition(code, description.value.clone());
        }
        if raw.value.0.is_empty() {
            let span = self.span(file, &raw.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, span, "`dispositions` is empty")
                    .label("list at least one code, or leave `dispositions` out for the built-in ones"),
            );
        }
    }
}
