//! Lowering of `defaults` and of each waiting node's timing and retry settings.

use super::*;

impl Cx<'_> {
    pub(super) fn lower_listen_defaults(&mut self, file: FileId, d: &RawDefaults) -> ListenDefaults {
        let timeout = d
            .timeout
            .as_ref()
            .and_then(|t| self.duration(file, "timeout", t, false));
        let idt = d
            .inter_digit_timeout
            .as_ref()
            .and_then(|t| self.duration(file, "inter_digit_timeout", t, false));
        let max_ni = d
            .max_no_input
            .as_ref()
            .and_then(|v| self.at_least_one(file, "max_no_input", v));
        let max_nm = d
            .max_no_match
            .as_ref()
            .and_then(|v| self.at_least_one(file, "max_no_match", v));
        ListenDefaults {
            timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
            inter_digit_timeout: idt.unwrap_or(DEFAULT_INTER_DIGIT_TIMEOUT),
            max_no_input: max_ni.unwrap_or(DEFAULT_MAX_RETRIES),
            max_no_match: max_nm.unwrap_or(DEFAULT_MAX_RETRIES),
            fallback: d.fallback.as_ref().map(|f| self.resolve(file, f)),
            no_input: d.no_input.as_ref().map(|l| self.prompts(file, l)).unwrap_or_default(),
            no_match: d.no_match.as_ref().map(|l| self.prompts(file, l)).unwrap_or_default(),
            barge_in: d.barge_in.as_ref().is_none_or(|b| b.value),
            type_ahead: d.type_ahead.as_ref().is_some_and(|b| b.value),
            hold: self.lower_hold(file, d.hold.as_ref(), &Hold::default()),
            when_no_operator: d
                .when_no_operator
                .as_ref()
                .and_then(|w| self.lower_no_operator(file, w)),
        }
    }

    pub(super) fn lower_keys(&mut self, file: FileId, d: &RawDefaults) -> GlobalKeys {
        let mut keys = GlobalKeys::default();
        let Some(raw) = &d.keys else { return keys };
        let slots = [
            (&raw.value.operator, &mut keys.operator, "operator"),
            (&raw.value.repeat, &mut keys.repeat, "repeat"),
            (&raw.value.back, &mut keys.back, "back"),
            (&raw.value.main_menu, &mut keys.main_menu, "main_menu"),
        ];
        let mut seen: Vec<(DtmfKey, Span, &str)> = Vec::new();
        for (raw_key, slot, name) in slots {
            let Some(k) = raw_key else { continue };
            let span = self.span(file, &k.referenced);
            let Some(key) = self.key(file, k, name) else {
                continue;
            };
            if let Some((_, first, other)) = seen.iter().find(|(s, _, _)| *s == key) {
                let d = Diagnostic::new(
                    Code::DuplicateKey,
                    span,
                    format!("global keys `{other}` and `{name}` are both `{key}`"),
                )
                .label("same key")
                .with_secondary(*first, format!("`{other}` is defined here"));
                self.diags.push(d);
                continue;
            }
            seen.push((key.clone(), span, name));
            *slot = Some(GlobalKey { key, span });
        }
        keys
    }

    pub(super) fn listen(&mut self, file: FileId, n: &RawNode, ld: &ListenDefaults) -> Listen {
        let timeout = n
            .timeout
            .as_ref()
            .and_then(|t| self.duration(file, "timeout", t, false));
        let idt = n
            .inter_digit_timeout
            .as_ref()
            .and_then(|t| self.duration(file, "inter_digit_timeout", t, false));
        let max_ni = n
            .max_no_input
            .as_ref()
            .and_then(|v| self.at_least_one(file, "max_no_input", v));
        let max_nm = n
            .max_no_match
            .as_ref()
            .and_then(|v| self.at_least_one(file, "max_no_match", v));
        Listen {
            timeout: timeout.unwrap_or(ld.timeout),
            inter_digit_timeout: idt.unwrap_or(ld.inter_digit_timeout),
            max_no_input: max_ni.unwrap_or(ld.max_no_input),
            max_no_match: max_nm.unwrap_or(ld.max_no_match),
            fallback: match &n.fallback {
                Some(f) => Some(self.resolve(file, f)),
                None => ld.fallback.clone(),
            },
            no_input: match &n.no_input {
                Some(l) => self.prompts(file, l),
                None => ld.no_input.clone(),
            },
            no_match: match &n.no_match {
                Some(l) => self.prompts(file, l),
                None => ld.no_match.clone(),
            },
            barge_in: n.barge_in.as_ref().map_or(ld.barge_in, |b| b.value),
            type_ahead: n.type_ahead.as_ref().map_or(ld.type_ahead, |b| b.value),
        }
    }
}
