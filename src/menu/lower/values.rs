//! Lowering of plain values: languages, schedules, durations, counts, keys, names, regexes, `lint`.

use super::*;

impl Cx<'_> {
    pub(super) fn lower_languages(&mut self, file: FileId, raw: &RawMenu) {
        let Some(langs) = &raw.languages else { return };
        let tags = langs.value.iter().map(|l| self.at(file, l)).collect();
        let span = self.span(file, &langs.referenced);
        self.b.languages(tags, span);
    }

    pub(super) fn lower_schedule(&mut self, file: FileId, raw: &S<super::raw::RawSchedule>) -> Schedule {
        use super::raw::RawSchedule;
        let mut out = Schedule::default();
        let dated = match &raw.value {
            RawSchedule::Weekly(periods) => {
                self.lower_periods(file, periods, &mut out);
                return out;
            }
            RawSchedule::Dated(d) => d,
        };
        if let Some(w) = &dated.weekly {
            self.lower_periods(file, &w.value, &mut out);
        }
        // Every dated entry with its place, to find a date given twice.
        let mut seen: Vec<(DateRange, Span)> = Vec::new();
        let mut dates = |cx: &mut Self, v: &S<String>| -> Option<DateRange> {
            let span = cx.span(file, &v.referenced);
            match parse_dates(&v.value) {
                Ok(r) => {
                    if let Some((_, first)) = seen.iter().find(|(o, _)| o.overlaps(&r)) {
                        cx.push(
                            Diagnostic::new(Code::InvalidValue, span, "a date given twice in one schedule")
                                .label(format!("`{}` is already in this schedule", v.value.trim()))
                                .with_secondary(*first, "given here first")
                                .help("a date is either closed or has special hours, once: merge the two entries"),
                        );
                        return None;
                    }
                    seen.push((r, span));
                    Some(r)
                }
                Err(e) => {
                    cx.push(Diagnostic::new(Code::InvalidValue, span, "invalid date").label(e));
                    None
                }
            }
        };
        for c in dated.closed.iter().flat_map(|c| &c.value) {
            if let Some(r) = dates(self, c) {
                out.closed.push(r);
            }
        }
        // Special hours: entries on the same dates are one split day, checked together below.
        let mut special: Vec<(SpecialHours, Span)> = Vec::new();
        for sp in dated.special.iter().flat_map(|s| &s.value) {
            let pspan = self.span(file, &sp.referenced);
            let r = match &sp.value.date {
                Some(d) => {
                    // The same dates as an earlier special entry: another period of that day.
                    let same = parse_dates(&d.value)
                        .ok()
                        .filter(|r| special.iter().any(|(s, _)| s.dates == *r));
                    match same {
                        Some(r) => Some(r),
                        None => dates(self, d),
                    }
                }
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, pspan, "missing field `date`")
                            .label("e.g. `date: \"2026-12-24\"`"),
                    );
                    None
                }
            };
            let from = self.schedule_time(file, pspan, "from", &sp.value.from);
            let to = self.schedule_time(file, pspan, "to", &sp.value.to);
            let (Some(r), Some(from), Some(to)) = (r, from, to) else {
                continue;
            };
            if from >= to {
                self.push(
                    Diagnostic::new(Code::InvalidValue, pspan, "the special hours close before they open")
                        .label("`from` must be before `to`")
                        .help("to close all day, list the date under `closed`"),
                );
                continue;
            }
            if let Some((_, first)) = special.iter().find(|(s, _)| s.dates == r && s.from < to && from < s.to) {
                self.push(
                    Diagnostic::new(Code::InvalidValue, pspan, "special hours overlap on the same date")
                        .label(format!("these hours overlap others on {r}"))
                        .with_secondary(*first, "the other hours")
                        .help("write one period per stretch of opening, e.g. `08:00`-`12:00` and `14:00`-`18:00`"),
                );
                continue;
            }
            special.push((SpecialHours { dates: r, from, to }, pspan));
        }
        out.special = special.into_iter().map(|(s, _)| s).collect();
        out
    }

    /// A `from`/`to` of a period; `None` after a finding (E004 missing, E016 invalid).
    fn schedule_time(&mut self, file: FileId, pspan: Span, field: &str, v: &Option<S<String>>) -> Option<u16> {
        match v {
            Some(t) => match parse_time(&t.value) {
                Ok(m) => Some(m),
                Err(e) => {
                    let span = self.span(file, &t.referenced);
                    self.push(Diagnostic::new(Code::InvalidValue, span, format!("invalid `{field}`")).label(e));
                    None
                }
            },
            None => {
                self.push(
                    Diagnostic::new(Code::MissingField, pspan, format!("missing field `{field}`"))
                        .label("e.g. `from: \"08:00\"`"),
                );
                None
            }
        }
    }

    /// The weekly periods of a schedule, into `out.periods`.
    fn lower_periods(&mut self, file: FileId, periods: &[S<super::raw::RawPeriod>], out: &mut Schedule) {
        for p in periods {
            let pspan = self.span(file, &p.referenced);
            let days = match &p.value.days {
                Some(d) => match parse_days(&d.value) {
                    Ok(days) => Some(days),
                    Err(e) => {
                        let span = self.span(file, &d.referenced);
                        self.push(Diagnostic::new(Code::InvalidValue, span, "invalid `days`").label(e));
                        None
                    }
                },
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, pspan, "missing field `days`")
                            .label("e.g. `days: mon-fri`"),
                    );
                    None
                }
            };
            let from = self.schedule_time(file, pspan, "from", &p.value.from);
            let to = self.schedule_time(file, pspan, "to", &p.value.to);
            if let (Some(days), Some(from), Some(to)) = (days, from, to) {
                if from >= to {
                    self.push(
                        Diagnostic::new(Code::InvalidValue, pspan, "the period closes before it opens")
                            .label("`from` must be before `to`")
                            .help("write a period across midnight as two entries, e.g. `22:00`-`24:00` and `00:00`-`06:00`"),
                    );
                } else {
                    out.periods.push(OpenPeriod { days, from, to });
                }
            }
        }
    }

    /// The duration written in `v`, with its place; `None` (E016) when it is not one.
    pub(super) fn parse_duration_at(&mut self, file: FileId, field: &str, v: &S<String>) -> Option<At<Duration>> {
        let span = self.span(file, &v.referenced);
        match parse_duration(&v.value) {
            Ok(d) => Some(At::new(d, span)),
            Err(e) => {
                self.push(Diagnostic::new(Code::InvalidValue, span, format!("invalid duration in `{field}`")).label(e));
                None
            }
        }
    }

    /// The duration written in `v`, if it is one and in range (the builder's).
    pub(super) fn duration(&mut self, file: FileId, field: &str, v: &S<String>) -> Option<Duration> {
        let d = self.parse_duration_at(file, field, v)?;
        self.b.duration(field, &d)
    }

    pub(super) fn at_least_one(&mut self, file: FileId, field: &str, v: &S<RawCount>) -> Option<u32> {
        let n = self.count(file, field, v, u64::from(u32::MAX), "1 to 4294967295")?;
        self.b.at_least_one(field, &n)
    }

    /// The whole number written in `v`, at most `max`; else E016 saying what the field takes
    /// (`range`, e.g. `1 to 64`): "too large", "negative" or "not a whole number", never
    /// serde's "expected a whole number" for a number that is only out of range.
    pub(super) fn count(
        &mut self,
        file: FileId,
        field: &str,
        v: &S<RawCount>,
        max: u64,
        range: &str,
    ) -> Option<At<u32>> {
        let span = self.span(file, &v.referenced);
        // The number as written (a number past 64 bits reaches us as a float).
        let written = self
            .sources
            .text(span.file)
            .get(span.range())
            .map(|t| t.trim().trim_matches(['"', '\'']).to_owned())
            .filter(|t| !t.is_empty());
        let (message, label) = match &v.value {
            RawCount::Number(n) if *n <= max => {
                return u32::try_from(*n).ok().map(|n| At::new(n, span));
            }
            RawCount::Number(n) => (
                format!("`{field}` is too large"),
                format!("{n} is more than this field takes"),
            ),
            RawCount::Text(t) if t.parse::<f64>().is_ok_and(|f| f.is_finite() && f >= 1e19) => (
                format!("`{field}` is too large"),
                format!("{} is more than this field takes", written.as_deref().unwrap_or(t)),
            ),
            RawCount::Text(t)
                if t.starts_with('-')
                    && t[1..].chars().any(|c| c.is_ascii_digit())
                    && t[1..].trim().chars().all(|c| c.is_ascii_digit() || c == '_') =>
            {
                (
                    format!("`{field}` is negative"),
                    format!("{} is less than 0", written.as_deref().unwrap_or(t)),
                )
            }
            RawCount::Text(t)
                if t.chars().any(|c| c.is_ascii_digit())
                    && t.chars()
                        .all(|c| c.is_ascii_digit() || c == '_' || c == ',' || c == '+') =>
            {
                // Larger than 64 bits (`99999999999999999999`), or written with thousands
                // separators (`4,294,967,296`).
                (
                    format!("`{field}` is too large"),
                    format!("{t} is more than this field takes"),
                )
            }
            RawCount::Text(t) => (
                format!("`{field}` is not a whole number"),
                format!("`{t}` is not a whole number"),
            ),
        };
        self.push(
            Diagnostic::new(Code::InvalidValue, span, message)
                .label(label)
                .help(format!("`{field}` takes {range}")),
        );
        None
    }

    /// A retry limit (`max_no_input`, `max_no_match`): 1 to [`MAX_RETRIES`], or `unlimited`
    /// (0 is left to the builder, which says why it cannot be).
    pub(super) fn retries(&mut self, file: FileId, field: &str, v: &S<RawCount>) -> Option<At<Retries>> {
        if let RawCount::Text(t) = &v.value
            && t.eq_ignore_ascii_case("unlimited")
        {
            return Some(At::new(Retries::Unlimited, self.span(file, &v.referenced)));
        }
        let range = format!("1 to {MAX_RETRIES}, or `unlimited` (the prompt plays again for ever)");
        let n = self.count(file, field, v, u64::from(MAX_RETRIES), &range)?;
        Some(At::new(Retries::Limit(n.value), n.at))
    }

    /// `counting:`, one of the [`Counting`] names; else E016 listing them.
    pub(super) fn counting(&mut self, file: FileId, v: &S<String>) -> Option<At<Counting>> {
        let span = self.span(file, &v.referenced);
        if let Some((c, _)) = Counting::ALL.iter().find(|(_, n)| *n == v.value.trim()) {
            return Some(At::new(*c, span));
        }
        let names: Vec<String> = Counting::ALL.iter().map(|(_, n)| format!("`{n}`")).collect();
        let named: Vec<String> = v
            .value
            .split([',', '+', ' ', '/', '&'])
            .filter(|w| Counting::ALL.iter().any(|(_, n)| n == w))
            .map(|w| format!("`{w}`"))
            .collect();
        let d = if named.len() > 1 {
            // Two policies at once contradict each other: a count is kept one way.
            Diagnostic::new(
                Code::InvalidValue,
                span,
                format!("two counting policies at once: {}", named.join(" and ")),
            )
            .label("a node counts its failures one way")
            .note(format!("one of {}", names.join(", ")))
            .help("keep the policy of the platform the menu comes from")
        } else {
            let d = Diagnostic::new(
                Code::InvalidValue,
                span,
                format!("unknown counting policy `{}`", v.value),
            )
            .label("not a counting policy")
            .note(format!("one of {}", names.join(", ")));
            match did_you_mean(&v.value, Counting::ALL.iter().map(|(_, n)| *n)) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d,
            }
        };
        self.push(d);
        None
    }

    /// Parses a DTMF key value; `None` (with a finding) when empty or invalid.
    pub(super) fn key(&mut self, file: FileId, k: &S<Option<String>>, field: &str) -> Option<DtmfKey> {
        let span = self.span(file, &k.referenced);
        let Some(text) = &k.value else {
            self.push(
                Diagnostic::new(Code::MissingField, span, format!("`{field}` is empty"))
                    .label("no key here")
                    .help("if you wrote `#` or `*`, quote it: YAML reads an unquoted `#` as a comment"),
            );
            return None;
        };
        match DtmfKey::parse(text) {
            Ok(key) => Some(key),
            Err(e) => {
                self.push(
                    Diagnostic::new(Code::InvalidKey, span, format!("invalid DTMF key `{text}`"))
                        .label(e.to_string())
                        .note("a key is one or more of 0-9, * and #"),
                );
                None
            }
        }
    }

    pub(super) fn identifier(&mut self, file: FileId, field: &str, s: &S<String>) -> String {
        if !is_identifier(&s.value) {
            let span = self.span(file, &s.referenced);
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("`{}` is not a variable name", s.value),
                )
                .label(format!(
                    "`{field}` takes letters, digits and `_`, starting with a letter"
                )),
            );
        }
        s.value.clone()
    }

    pub(super) fn regex(&mut self, file: FileId, field: &str, s: &S<String>) -> Option<Regex> {
        if let Some(r) = self.regexes.get(&s.value) {
            return Some(r.clone());
        }
        match regex::RegexBuilder::new(&s.value).size_limit(1 << 20).build() {
            Ok(r) => {
                self.regexes.insert(s.value.clone(), r.clone());
                Some(r)
            }
            Err(e) => {
                let span = self.span(file, &s.referenced);
                let msg = e.to_string();
                let last = msg
                    .lines()
                    .last()
                    .unwrap_or("invalid regular expression")
                    .trim()
                    .trim_start_matches("error: ")
                    .to_owned();
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        format!("invalid regular expression in `{field}`"),
                    )
                    .label(last)
                    .note("the syntax is that of the `regex` crate: https://docs.rs/regex/#syntax"),
                );
                None
            }
        }
    }

    /// Warning codes to allow (`lint.allow`, a node's `lint_allow`): E016 for an error code or
    /// an unknown one.
    pub(super) fn allow_codes<'a>(
        &mut self,
        file: FileId,
        list: impl IntoIterator<Item = &'a S<String>>,
    ) -> Vec<crate::diag::Code> {
        let mut allow = Vec::new();
        for a in list {
            let span = self.span(file, &a.referenced);
            match crate::diag::Code::parse(&a.value) {
                Some(c) if c.severity() == Severity::Warning => allow.push(c),
                Some(c) => self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        format!("`{c}` is an error and cannot be allowed"),
                    )
                    .label("only warnings (`W…`) can be allowed"),
                ),
                None => self.push(
                    Diagnostic::new(Code::InvalidValue, span, format!("unknown finding code `{}`", a.value))
                        .label("see docs/checks.md"),
                ),
            }
        }
        allow
    }

    pub(super) fn lower_lint(&mut self, file: FileId, raw: Option<&S<super::raw::RawLint>>) -> LintSettings {
        let Some(raw) = raw else {
            return LintSettings::default();
        };
        let raw = &raw.value;
        let allow = self.allow_codes(file, raw.allow.iter().flatten());
        LintSettings {
            max_options: raw
                .max_options
                .as_ref()
                .and_then(|v| self.at_least_one(file, "max_options", v)),
            max_operator_keys: raw
                .max_operator_keys
                .as_ref()
                .and_then(|v| self.at_least_one(file, "max_operator_keys", v)),
            max_prompt: raw
                .max_prompt
                .as_ref()
                .and_then(|v| self.duration(file, "max_prompt", v)),
            allow,
        }
    }
}
