//! Lowering of `defaults` and of each waiting node's timing and retry settings.

use super::*;

impl Cx<'_> {
    /// The listening settings written in `d` (a node, or `defaults`), as the builder takes
    /// them: durations parsed (E016 when they cannot be), ranges left to the builder.
    fn listen_spec(&mut self, file: FileId, d: ListenFields<'_>) -> ListenSpec {
        ListenSpec {
            timeout: d.timeout.and_then(|t| self.parse_duration_at(file, "timeout", t)),
            inter_digit_timeout: d
                .inter_digit_timeout
                .and_then(|t| self.parse_duration_at(file, "inter_digit_timeout", t)),
            max_no_input: d.max_no_input.and_then(|v| self.retries(file, "max_no_input", v)),
            max_no_match: d.max_no_match.and_then(|v| self.retries(file, "max_no_match", v)),
            counting: d.counting.and_then(|v| self.counting(file, v)),
            fallback: d.fallback.map(|f| self.resolve(file, f)),
            fallback_no_input: d.fallback_no_input.map(|f| self.resolve(file, f)),
            fallback_no_match: d.fallback_no_match.map(|f| self.resolve(file, f)),
            short_prompt: d.short_prompt.map(|p| Box::new(self.prompt(file, p))),
            no_input: d.no_input.map(|l| self.prompts(file, l)),
            no_match: d.no_match.map(|l| self.prompts(file, l)),
            barge_in: d.barge_in.map(|b| b.value),
            type_ahead: d.type_ahead.map(|b| b.value),
            key_match: d.key_match.and_then(|m| {
                let at = self.span(file, &m.referenced);
                let policy = match m.value.as_str() {
                    "early" => KeyMatchPolicy::Early,
                    "full_length" => KeyMatchPolicy::FullLength { digit_len: None },
                    other => {
                        let mut diag =
                            Diagnostic::new(Code::InvalidValue, at, format!("unknown `key_match` `{other}`"))
                                .label("expected `early` or `full_length`");
                        if let Some(h) = suggest(other, KEY_MATCH_NAMES.iter().copied()) {
                            diag = diag.help(h);
                        }
                        self.push(diag);
                        return None;
                    }
                };
                Some(At::new(policy, at))
            }),
            digit_len: d
                .digit_len
                .and_then(|v| self.count(file, "digit_len", v, u64::from(u32::MAX), "1 to 32")),
        }
    }

    pub(super) fn lower_listen_defaults(&mut self, file: FileId, d: &RawDefaults) {
        let spec = self.listen_spec(
            file,
            ListenFields {
                timeout: d.timeout.as_ref(),
                inter_digit_timeout: d.inter_digit_timeout.as_ref(),
                max_no_input: d.max_no_input.as_ref(),
                max_no_match: d.max_no_match.as_ref(),
                counting: d.counting.as_ref(),
                fallback: d.fallback.as_ref(),
                fallback_no_input: d.fallback_no_input.as_ref(),
                fallback_no_match: d.fallback_no_match.as_ref(),
                short_prompt: None,
                no_input: d.no_input.as_ref(),
                no_match: d.no_match.as_ref(),
                barge_in: d.barge_in.as_ref(),
                type_ahead: d.type_ahead.as_ref(),
                key_match: d.key_match.as_ref(),
                digit_len: d.digit_len.as_ref(),
            },
        );
        self.b.listen_defaults(spec);
        let hold = self.lower_hold(file, d.hold.as_ref());
        self.b.hold_defaults(hold);
        if let Some(w) = d
            .when_no_operator
            .as_ref()
            .and_then(|w| self.lower_no_operator(file, w))
        {
            self.b.no_operator_default(w);
        }
    }

    pub(super) fn lower_keys(&mut self, file: FileId, d: &RawDefaults) {
        let Some(raw) = &d.keys else { return };
        let slots = [
            (&raw.value.operator, GlobalAction::Operator),
            (&raw.value.repeat, GlobalAction::Repeat),
            (&raw.value.back, GlobalAction::Back),
            (&raw.value.main_menu, GlobalAction::MainMenu),
        ];
        for (raw_key, action) in slots {
            let Some(k) = raw_key else { continue };
            let span = self.span(file, &k.referenced);
            let Some(key) = self.key(file, k, action.name()) else {
                continue;
            };
            self.b.global_key(action, At::new(key, span));
        }
    }

    pub(super) fn listen(&mut self, file: FileId, n: &RawNode) -> ListenSpec {
        self.listen_spec(
            file,
            ListenFields {
                timeout: n.timeout.as_deref(),
                inter_digit_timeout: n.inter_digit_timeout.as_deref(),
                max_no_input: n.max_no_input.as_deref(),
                max_no_match: n.max_no_match.as_deref(),
                counting: n.counting.as_deref(),
                fallback: n.fallback.as_deref(),
                fallback_no_input: n.fallback_no_input.as_deref(),
                fallback_no_match: n.fallback_no_match.as_deref(),
                short_prompt: n.short_prompt.as_deref(),
                no_input: n.no_input.as_deref(),
                no_match: n.no_match.as_deref(),
                barge_in: n.barge_in.as_deref(),
                type_ahead: n.type_ahead.as_deref(),
                key_match: n.key_match.as_deref(),
                digit_len: n.digit_len.as_deref(),
            },
        )
    }
}

/// The listening fields of a node or of `defaults`, as read.
struct ListenFields<'a> {
    timeout: Option<&'a S<String>>,
    inter_digit_timeout: Option<&'a S<String>>,
    max_no_input: Option<&'a S<RawCount>>,
    max_no_match: Option<&'a S<RawCount>>,
    counting: Option<&'a S<String>>,
    fallback: Option<&'a S<String>>,
    fallback_no_input: Option<&'a S<String>>,
    fallback_no_match: Option<&'a S<String>>,
    short_prompt: Option<&'a S<RawPrompt>>,
    no_input: Option<&'a S<Vec<S<RawPrompt>>>>,
    no_match: Option<&'a S<Vec<S<RawPrompt>>>>,
    barge_in: Option<&'a S<bool>>,
    type_ahead: Option<&'a S<bool>>,
    key_match: Option<&'a S<String>>,
    digit_len: Option<&'a S<RawCount>>,
}
