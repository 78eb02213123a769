//! Loading a traffic file (docs/traffic-format.md) into a [`Traffic`]: the same YAML reading
//! and rustc-style findings as menus and scenarios, every finding at `file:line:column`
//! (of the traffic file, or of the CSV history it names).
//!
//! A traffic file names its menu; the menu must be loaded before the traffic is lowered
//! (intents are walked on it, queues checked against it). So loading has two steps:
//! [`open_traffic`] reads and parses the file and tells the menu it names
//! ([`OpenedTraffic::menu`]); [`OpenedTraffic::read`] lowers it against that menu, or as a
//! bare queue without one. [`load_traffic`] does both when the menu is at hand.

mod arrivals;
mod callers;
mod history;
mod staff;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::civil::Date;

use super::dist::Dist;
use super::format::{RawDist, RawTraffic};
use super::model::{CallbackModel, DAY_KINDS, DayKind, HOLIDAY, Traffic};
use crate::diag::{Code, Diagnostic, Severity};
use crate::menu::Menu;
use crate::menu::load::{ReadError, parse_file, read_text};
use crate::menu::raw::S;
use crate::source::{FileId, Sources, Span};
use crate::timing::PromptTimings;

/// The first simulated day when `start` is not given: Monday 2 March 2026.
pub const DEFAULT_START: Date = jiff::civil::date(2026, 3, 2);
/// The interval when `interval` is not given: 30 minutes, in seconds.
pub const DEFAULT_INTERVAL: u32 = 1800;
/// The intervals a traffic file may use, in seconds: 15, 30 and 60 minutes.
pub const INTERVALS: [u32; 3] = [900, 1800, 3600];
/// How far the shares of intents or languages may be from 1 in all.
pub const SHARE_TOLERANCE: f64 = 1e-6;

/// A traffic file read and parsed, not yet lowered (see the module's notes).
pub struct OpenedTraffic {
    path: PathBuf,
    file: FileId,
    raw: Option<S<RawTraffic>>,
    diags: Vec<Diagnostic>,
}

/// Reads and parses the traffic file at `path`, adding it to `sources`.
///
/// # Errors
/// [`ReadError`] when the file cannot be read at all (missing, a folder, too large).
pub fn open_traffic(path: &Path, sources: &mut Sources) -> Result<OpenedTraffic, ReadError> {
    let text = read_text(path).map_err(|source| ReadError {
        path: path.to_owned(),
        source,
    })?;
    Ok(open(path, text.text, text.invalid_utf8_at, sources))
}

/// [`open_traffic`] on text already in memory, as if read from `path` (which names it in
/// findings and anchors `menu:` and `csv:`).
pub fn open_traffic_text(path: &Path, text: impl Into<String>, sources: &mut Sources) -> OpenedTraffic {
    open(path, text.into(), None, sources)
}

fn open(path: &Path, text: String, invalid_utf8_at: Option<usize>, sources: &mut Sources) -> OpenedTraffic {
    let file = sources.add(path.display().to_string(), text);
    let mut diags = Vec::new();
    let raw = parse_file::<RawTraffic>(sources, file, invalid_utf8_at, &mut diags);
    OpenedTraffic {
        path: path.to_owned(),
        file,
        raw,
        diags,
    }
}

/// Loads the traffic file at `path` against `menu` (with its prompt timings), or as a bare
/// queue when `menu` is `None`: [`open_traffic`] then [`OpenedTraffic::read`].
///
/// # Errors
/// [`ReadError`] when the file cannot be read at all.
pub fn load_traffic(
    path: &Path,
    sources: &mut Sources,
    menu: Option<(&Menu, &PromptTimings)>,
) -> Result<(Option<Traffic>, Vec<Diagnostic>), ReadError> {
    Ok(open_traffic(path, sources)?.read(sources, menu))
}

/// The path of the menu a traffic file at `traffic` names as `menu`: relative to the file's
/// folder.
pub fn menu_path(traffic: &Path, menu: &str) -> PathBuf {
    let dir = traffic.parent().unwrap_or(Path::new(""));
    crate::menu::normalize_path(&dir.join(menu))
}

impl OpenedTraffic {
    /// The menu the file names (`menu:`, resolved against the file's folder), if it parsed
    /// and names one.
    pub fn menu(&self) -> Option<PathBuf> {
        let m = self.raw.as_ref()?.value.menu.as_ref()?;
        Some(menu_path(&self.path, &m.value))
    }

    /// Where `menu:` is written, for findings about the menu file (it cannot be read).
    pub fn menu_span(&self, sources: &Sources) -> Option<Span> {
        let m = self.raw.as_ref()?.value.menu.as_ref()?;
        Some(sources.span_of(self.file, &m.referenced))
    }

    /// The file's id in the [`Sources`] it was opened with.
    pub fn file(&self) -> FileId {
        self.file
    }

    /// Lowers the file against `menu` (see [`load_traffic`]): the model, or `None` when an
    /// error finding makes it unusable, and every finding, in the order they are written.
    /// A CSV history the file names is read here and added to `sources`.
    pub fn read(
        self,
        sources: &mut Sources,
        menu: Option<(&Menu, &PromptTimings)>,
    ) -> (Option<Traffic>, Vec<Diagnostic>) {
        let mut diags = self.diags;
        let Some(raw) = self.raw else {
            return (None, diags);
        };
        let history = history::open(sources, self.file, &self.path, &raw.value, &mut diags);
        let mut cx = Cx {
            sources,
            file: self.file,
            diags,
            interval: DEFAULT_INTERVAL,
            shift_days_unknown: false,
        };
        let traffic = lower(&mut cx, &raw, history, menu);
        let mut diags = cx.diags;
        crate::check::sort(&mut diags);
        let ok = !diags.iter().any(|d| d.severity() == Severity::Error);
        (traffic.filter(|_| ok), diags)
    }
}

/// The reading of one traffic file's values into the model, collecting findings.
pub(super) struct Cx<'a> {
    pub(super) sources: &'a Sources,
    pub(super) file: FileId,
    pub(super) diags: Vec<Diagnostic>,
    /// The interval in seconds (as soon as it is read; the default before).
    pub(super) interval: u32,
    /// A shift has an unknown day key: which queues are never staffed is then unknown, and
    /// not reported.
    pub(super) shift_days_unknown: bool,
}

impl Cx<'_> {
    /// The span of a value's place in the traffic file.
    pub(super) fn span(&self, loc: &serde_saphyr::Location) -> Span {
        self.sources.span_of(self.file, loc)
    }

    /// Adds a finding.
    pub(super) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Intervals in a day.
    pub(super) fn slots(&self) -> usize {
        (86_400 / self.interval) as usize
    }

    /// A duration (`30s`, `3m`, `1h`, `1d`), or `None` with an E016 finding at its place.
    pub(super) fn duration(&mut self, v: &S<String>) -> Option<Duration> {
        let span = self.span(&v.referenced);
        crate::menu::duration_at(&v.value, span).map_err(|d| self.push(*d)).ok()
    }

    /// A duration in seconds.
    pub(super) fn seconds(&mut self, v: &S<String>) -> Option<f64> {
        self.duration(v).map(|d| d.as_secs_f64())
    }

    /// A date `YYYY-MM-DD`, or `None` with an E016 finding.
    fn date(&mut self, v: &S<String>) -> Option<Date> {
        let text = v.value.trim();
        let parsed = text.parse::<Date>();
        parsed
            .map_err(|_| {
                let sp = self.span(&v.referenced);
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        sp,
                        format!("`{text}` is not a date: write `YYYY-MM-DD`"),
                    )
                    .label(not_a_date_why(text).unwrap_or_else(|| "e.g. `2026-03-02`".to_owned())),
                );
            })
            .ok()
    }

    /// A probability 0 to 1 (a share, a chance of a mistake): out of range or not a number
    /// is an E016 finding naming `what` (the value is kept as written: a sum of shares still
    /// says what was written).
    pub(super) fn probability(&mut self, v: &S<f64>, what: &str) -> f64 {
        if (0.0..=1.0).contains(&v.value) {
            return v.value;
        }
        let sp = self.span(&v.referenced);
        self.push(
            Diagnostic::new(
                Code::InvalidValue,
                sp,
                format!("{what} `{}` is not between 0 and 1", v.value),
            )
            .label("a share or a chance, from 0 to 1"),
        );
        v.value
    }

    /// Shares that must add up to 1: else an E016 finding at `at` that says the sum.
    /// A finding at `at` naming the weekdays (Monday to Sunday) `has` says have no profile:
    /// `{what} {days}` (`no arrivals for `sat`, `sun``), with `label` and `help`.
    pub(super) fn missing_days(&mut self, at: Span, has: impl Fn(usize) -> bool, what: &str, label: &str, help: &str) {
        let missing: Vec<String> = (0..HOLIDAY)
            .filter(|&k| !has(k))
            .map(|k| format!("`{}`", arrivals::KIND_NAMES[k]))
            .collect();
        if !missing.is_empty() {
            self.push(
                Diagnostic::new(Code::MissingField, at, format!("{what} {}", missing.join(", ")))
                    .label(label.to_owned())
                    .help(help.to_owned()),
            );
        }
    }

    pub(super) fn shares_sum(&mut self, shares: impl IntoIterator<Item = f64>, what: &str, at: Span) {
        let sum: f64 = shares.into_iter().sum();
        if (sum - 1.0).abs() > SHARE_TOLERANCE {
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    at,
                    format!("the shares of the {what} sum to {}, not 1", share_sum(sum)),
                )
                .label(format!("every caller has one of these {what}"))
                .help("make the `share`s add up to 1"),
            );
        }
    }

    /// A required field: `None` with an E004 finding at `parent` when missing.
    pub(super) fn required<'v, T>(
        &mut self,
        v: Option<&'v S<T>>,
        parent: Span,
        what: &str,
        hint: &str,
    ) -> Option<&'v S<T>> {
        if v.is_none() {
            self.push(
                Diagnostic::new(Code::MissingField, parent, format!("missing field `{what}`")).label(hint.to_owned()),
            );
        }
        v
    }

    /// A time distribution: a duration (fixed), `{ exponential }`, `{ lognormal }`, `{
    /// empirical }`; `None` with findings when it has no mean above 0 or is not one of them.
    pub(super) fn dist(&mut self, d: &S<RawDist>) -> Option<Dist> {
        let span = self.span(&d.referenced);
        let named = match &d.value {
            RawDist::Fixed(t) => {
                let fixed = S {
                    value: t.clone(),
                    referenced: d.referenced,
                    defined: d.defined,
                };
                return self.seconds(&fixed).map(Dist::Fixed);
            }
            RawDist::Named(n) => n,
        };
        let given = [
            named.exponential.is_some(),
            named.lognormal.is_some(),
            named.empirical.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    "a distribution is one of `exponential`, `lognormal`, `empirical`",
                )
                .label("give exactly one")
                .help("or write a duration for a time that is always the same, e.g. `30s`"),
            );
            return None;
        }
        let positive = |cx: &mut Self, v: &S<String>, what: &str| {
            let s = cx.seconds(v)?;
            if s > 0.0 {
                return Some(s);
            }
            let sp = cx.span(&v.referenced);
            cx.push(
                Diagnostic::new(Code::InvalidValue, sp, format!("the {what} must be more than 0")).label("a time of 0"),
            );
            None
        };
        if let Some(e) = &named.exponential {
            return positive(self, e, "mean").and_then(Dist::exponential);
        }
        if let Some(l) = &named.lognormal {
            let at = self.span(&l.referenced);
            let mean = self.required(l.value.mean.as_ref(), at, "mean", "the mean, a duration");
            let sd = self.required(l.value.sd.as_ref(), at, "sd", "the standard deviation, a duration");
            let mean = mean.and_then(|m| positive(self, m, "mean"));
            let sd = sd.and_then(|s| positive(self, s, "standard deviation"));
            return Dist::lognormal(mean?, sd?);
        }
        let list = named.empirical.as_ref()?;
        let mut points = Vec::with_capacity(list.value.len());
        let mut last: Option<f64> = None;
        let mut ok = true;
        for p in &list.value {
            let (t, w) = &p.value;
            let Some(secs) = self.seconds(t) else {
                ok = false;
                continue;
            };
            if last.is_some_and(|l| secs <= l) {
                let sp = self.span(&t.referenced);
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        sp,
                        format!("`{}` does not come after the time before it", t.value),
                    )
                    .label("the times of an empirical distribution increase"),
                );
                ok = false;
            }
            last = Some(secs);
            if !(w.value.is_finite() && w.value >= 0.0) {
                let sp = self.span(&w.referenced);
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        sp,
                        format!("the weight `{}` is not a number of 0 or more", w.value),
                    )
                    .label("the share of values up to this time"),
                );
                ok = false;
            }
            points.push((secs, w.value));
        }
        if !ok {
            return None;
        }
        let dist = Dist::empirical(&points);
        if dist.is_none() {
            let sp = self.span(&list.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, sp, "an empirical distribution with no weight")
                    .label("give at least one point with a weight above 0"),
            );
        }
        dist
    }
}

/// Day keys: `mon` … `sun`, ranges `mon-fri`, `holiday`, comma lists of them; the day
/// profiles they name, or why not.
pub(super) fn day_kinds(text: &str) -> Result<Vec<DayKind>, String> {
    let mut kinds = Vec::new();
    for part in text.split(',') {
        if part.trim().eq_ignore_ascii_case("holiday") {
            kinds.push(HOLIDAY);
            continue;
        }
        let days = crate::menu::schedule::parse_days(part).map_err(|e| format!("{e}, or `holiday`"))?;
        kinds.extend((0..7).filter(|d| days[*d]));
    }
    Ok(kinds)
}

/// The finding for a day key `text` at `span` that [`day_kinds`] refuses with `why`, with
/// "did you mean" when each unknown day in it is close to one (`mon-fry`: `mon-fri`).
pub(super) fn unknown_day_key(span: Span, text: &str, why: String) -> Diagnostic {
    let d = Diagnostic::new(Code::InvalidValue, span, format!("unknown day key `{text}`")).label(why);
    match day_key_suggestion(text) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d,
    }
}

/// The day key `text` with each unknown day replaced by the nearest day name (`mon-fry`:
/// `mon-fri`, `Tuesday`: `tue`, `holliday`: `holiday`), if that gives a valid key.
pub(super) fn day_key_suggestion(text: &str) -> Option<String> {
    const FULL: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let short = &arrivals::KIND_NAMES[..HOLIDAY];
    let fix = |word: &str, holiday: bool| -> Option<String> {
        let w = word.trim();
        if crate::menu::schedule::Weekday::parse(w).is_some() || (holiday && w.eq_ignore_ascii_case("holiday")) {
            return Some(w.to_owned());
        }
        let mut names: Vec<&str> = short.iter().chain(FULL.iter()).copied().collect();
        if holiday {
            names.push("holiday");
        }
        let near = crate::diag::did_you_mean(w, names)?;
        let at = FULL.iter().position(|f| *f == near);
        Some(at.map_or(near, |i| short[i]).to_owned())
    };
    let mut parts = Vec::new();
    for part in text.split(',') {
        let fixed = match part.split_once('-') {
            Some((a, b)) => format!("{}-{}", fix(a, false)?, fix(b, false)?),
            None => fix(part, true)?,
        };
        parts.push(fixed);
    }
    let key = parts.join(",");
    (key != text.trim() && day_kinds(&key).is_ok()).then_some(key)
}

/// Why `text`, written `YYYY-MM-DD`, is still no date: its month or day does not exist
/// (`2026-02-30`: "February 2026 has 28 days"); `None` when it is not written so.
pub(super) fn not_a_date_why(text: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    let (year, month): (i16, i8) = (y.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {month}"));
    }
    let days = jiff::civil::date(year, month, 1).days_in_month();
    Some(format!("{} {year} has {days} days", MONTHS[(month - 1) as usize]))
}

/// A sum of shares as a finding writes it: 6 significant digits (`0.9`, not the float's
/// `0.8999999999999999`), more when those would round a sum that is not 1 to `1`.
pub(super) fn share_sum(sum: f64) -> String {
    for digits in 6..17 {
        let rounded: f64 = format!("{sum:.*e}", digits - 1).parse().unwrap_or(sum);
        if rounded != 1.0 {
            return rounded.to_string();
        }
    }
    sum.to_string()
}

/// A clock time `HH:MM` on the interval grid, in seconds after midnight; `None` with an E016
/// finding (not `HH:MM`, or between two intervals).
pub(super) fn grid_time(cx: &mut Cx, v: &S<String>) -> Option<u32> {
    let sp = cx.span(&v.referenced);
    let minutes = match crate::menu::schedule::parse_time(v.value.trim()) {
        Ok(m) => u32::from(m),
        Err(why) => {
            cx.push(Diagnostic::new(Code::InvalidValue, sp, "invalid time").label(why));
            return None;
        }
    };
    let secs = minutes * 60;
    if secs % cx.interval != 0 {
        cx.push(
            Diagnostic::new(
                Code::InvalidValue,
                sp,
                format!("`{}` is not on the interval grid", v.value),
            )
            .label(format!("the day is cut into intervals of {} minutes", cx.interval / 60))
            .help("start and end shifts at the start of an interval, or use a shorter `interval`"),
        );
        return None;
    }
    Some(secs)
}

fn lower(
    cx: &mut Cx,
    raw: &S<RawTraffic>,
    history: Option<FileId>,
    menu: Option<(&Menu, &PromptTimings)>,
) -> Option<Traffic> {
    let top = cx.span(&raw.referenced);
    let r = &raw.value;
    if let (Some(m), None) = (&r.menu, menu) {
        let sp = cx.span(&m.referenced);
        cx.push(
            Diagnostic::new(Code::InvalidValue, sp, format!("the menu `{}` was not loaded", m.value))
                .label("the traffic was read as a bare queue")
                .help("load the menu `OpenedTraffic::menu` names, and read the traffic with it"),
        );
    }
    let start = r.start.as_ref().map_or(Some(DEFAULT_START), |s| cx.date(s));
    interval(cx, r);
    let warm_up = r.warm_up.as_ref().map_or(Some(0.0), |w| cx.seconds(w));
    let service_level = r
        .service_level
        .as_ref()
        .map_or(Some((20.0, 0.8)), |s| service_level(cx, s));
    let holidays: Vec<Date> = r
        .holidays
        .iter()
        .flat_map(|h| &h.value)
        .filter_map(|d| cx.date(d))
        .collect();
    let rates = arrivals::rates(cx, r.arrivals.as_ref(), top, history, &holidays);
    let callers = match menu {
        Some((menu, timings)) => callers::callers(cx, r, top, menu, timings),
        None => {
            callers::bare(cx, r);
            None
        }
    };
    let patience = r.patience.as_ref().map(|p| cx.dist(p));
    let (queues, queue_spans) = staff::queues(cx, r.queues.as_ref(), top, menu.map(|m| m.0));
    let groups = staff::groups(cx, r.call_takers.as_ref(), top, &queues);
    staff::unstaffed(cx, &queues, &queue_spans, &groups);
    let callbacks = callbacks(cx, r);
    Some(Traffic {
        start: start?,
        interval: cx.interval,
        rates,
        holidays,
        callers,
        patience: patience.map_or(Some(None), |p| p.map(Some))?,
        queues,
        groups,
        callbacks,
        service_level: service_level?,
        warm_up: warm_up?,
    })
}

/// `interval:` into [`Cx::interval`].
fn interval(cx: &mut Cx, r: &RawTraffic) {
    let Some(v) = &r.interval else { return };
    let Some(secs) = cx.duration(v).map(|d| d.as_secs_f64()) else {
        return;
    };
    match INTERVALS.iter().find(|i| f64::from(**i) == secs) {
        Some(i) => cx.interval = *i,
        None => {
            let sp = cx.span(&v.referenced);
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    sp,
                    format!("`interval: {}` is not 15, 30 or 60 minutes", v.value),
                )
                .label("write `15m`, `30m` or `60m`"),
            );
        }
    }
}

/// `PERCENT/SECONDS` as (seconds, share).
fn service_level(cx: &mut Cx, v: &S<String>) -> Option<(f64, f64)> {
    let parsed = v.value.split_once('/').and_then(|(p, s)| {
        let (p, s) = (p.trim().parse::<f64>().ok()?, s.trim().parse::<f64>().ok()?);
        (p > 0.0 && p <= 100.0 && s >= 0.0 && s.is_finite()).then_some((s, p / 100.0))
    });
    if parsed.is_none() {
        let sp = cx.span(&v.referenced);
        cx.push(
            Diagnostic::new(Code::InvalidValue, sp, format!("invalid service level `{}`", v.value))
                .label("write `PERCENT/SECONDS`, e.g. `80/20`: 80 % answered within 20 seconds"),
        );
    }
    parsed
}

/// `callbacks: { returned, handle }`: `handle` is a duration more than 0.
fn callbacks(cx: &mut Cx, r: &RawTraffic) -> CallbackModel {
    let Some(c) = &r.callbacks else {
        return CallbackModel::default();
    };
    CallbackModel {
        returned: c.value.returned.as_ref().is_none_or(|r| r.value),
        handle_mean: c.value.handle.as_ref().and_then(|h| {
            let s = cx.seconds(h)?;
            if s > 0.0 {
                return Some(s);
            }
            let sp = cx.span(&h.referenced);
            cx.push(
                Diagnostic::new(Code::InvalidValue, sp, "the callback handle time must be more than 0")
                    .label("a time of 0")
                    .help("leave `handle` out to use the queue's handle time"),
            );
            None
        }),
    }
}

/// Every day profile once: `rates[kind]` of each kind with its own profile, the holiday
/// profile falling back to Sunday's. Used by [`arrivals`] and [`history`].
pub(super) fn with_holiday_fallback<T: Clone>(mut per_kind: Vec<Option<Vec<T>>>, empty: Vec<T>) -> Vec<Vec<T>> {
    debug_assert_eq!(per_kind.len(), DAY_KINDS);
    if per_kind[HOLIDAY].is_none() {
        per_kind[HOLIDAY] = per_kind[6].clone();
    }
    per_kind
        .into_iter()
        .map(|k| k.unwrap_or_else(|| empty.clone()))
        .collect()
}

#[cfg(test)]
mod tests;
