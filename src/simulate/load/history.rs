//! `arrivals: { csv: FILE }`: historical counts per interval, averaged per day profile and
//! interval of the day into callers per hour. Findings point at the CSV file's lines.

use std::path::Path;

use jiff::civil::{Date, DateTime};

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::simulate::format::{RawProfile, RawTraffic};
use crate::simulate::model::{DAY_KINDS, HOLIDAY};
use crate::source::{FileId, Sources, Span};

/// The header a history file starts with.
pub const HEADER: [&str; 2] = ["start", "calls"];

/// Reads the history `raw` names under `arrivals: { csv }` (relative to the traffic file at
/// `path`) into `sources`; `None` when it names none, or with a finding when it cannot be read.
pub(super) fn open(
    sources: &mut Sources,
    file: FileId,
    path: &Path,
    raw: &RawTraffic,
    diags: &mut Vec<crate::diag::Diagnostic>,
) -> Option<FileId> {
    let arrivals = raw.arrivals.as_ref()?;
    let (_, value) = arrivals.value.0.0.iter().find(|(k, _)| k.value == "csv")?;
    let RawProfile::File(name) = &value.value else {
        return None;
    };
    let csv = super::menu_path(path, name);
    match crate::menu::load::read_text(&csv) {
        Ok(text) => Some(sources.add(csv.display().to_string(), text.text)),
        Err(e) => {
            let sp = sources.span_of(file, &value.referenced);
            diags.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    sp,
                    format!("cannot read the history `{}`", csv.display()),
                )
                .label(e.to_string()),
            );
            None
        }
    }
}

/// The span of the line of `csv` that starts at byte `at`.
fn line_at(cx: &Cx, csv: FileId, at: u64) -> Span {
    let text = cx.sources.text(csv);
    let start = (at as usize).min(text.len());
    let end = text[start..].find(['\n', '\r']).map_or(text.len(), |i| start + i);
    Span {
        file: csv,
        start: start as u32,
        end: end as u32,
        pointer: None,
    }
}

/// `rates[kind][slot]` from the history in `csv` (`at`: where `csv:` is written): the mean
/// count of each day profile's interval over the days the history has, times intervals per
/// hour. Holidays (dates in `holidays`) feed the holiday profile, which falls back to
/// Sunday's when the history has none. An interval with no row counts as no observation.
pub(super) fn rates(cx: &mut Cx, csv: FileId, at: Span, holidays: &[Date]) -> Vec<Vec<f64>> {
    let slots = cx.slots();
    let interval = i64::from(cx.interval);
    let mut sum = vec![vec![0.0; slots]; DAY_KINDS];
    let mut seen = vec![vec![0u32; slots]; DAY_KINDS];
    let sources = cx.sources;
    let text = sources.text(csv);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header_ok = reader.headers().is_ok_and(|h| h.iter().eq(HEADER));
    if !header_ok {
        let sp = line_at(cx, csv, 0);
        cx.push(
            Diagnostic::new(
                Code::InvalidValue,
                sp,
                "the history does not start with the header `start,calls`",
            )
            .label("expected `start,calls`")
            .help("one row per interval follows: `2026-02-02T08:30,41`"),
        );
        return vec![vec![0.0; slots]; DAY_KINDS];
    }
    let mut rows = BadRows::default();
    let mut previous: Option<DateTime> = None;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let byte = e.position().map_or(0, csv::Position::byte);
                let sp = line_at(cx, csv, byte);
                rows.add(Mistake::Unreadable, sp, e.to_string());
                continue;
            }
        };
        let sp = line_at(cx, csv, record.position().map_or(0, csv::Position::byte));
        if record.len() != 2 {
            rows.add(
                Mistake::Fields,
                sp,
                format!("{} fields: expected `start,calls`", record.len()),
            );
            continue;
        }
        let Ok(start) = record[0].parse::<DateTime>() else {
            rows.add(
                Mistake::Start,
                sp,
                format!("`{}` is not a start `YYYY-MM-DDTHH:MM`", &record[0]),
            );
            continue;
        };
        let count = match record[1].parse::<f64>() {
            Ok(c) if c.is_finite() && c >= 0.0 => c,
            Ok(_) => {
                rows.add(
                    Mistake::Count,
                    sp,
                    format!("`{}` is not a count of 0 or more", &record[1]),
                );
                continue;
            }
            Err(_) => {
                rows.add(Mistake::Count, sp, format!("`{}` is not a number of calls", &record[1]));
                continue;
            }
        };
        let second = i64::from(start.hour()) * 3600 + i64::from(start.minute()) * 60 + i64::from(start.second());
        if second % interval != 0 || start.subsec_nanosecond() != 0 {
            rows.add(
                Mistake::Spacing,
                sp,
                format!(
                    "`{}` is not at the start of a {}-minute interval",
                    &record[0],
                    interval / 60
                ),
            );
            continue;
        }
        if let Some(p) = previous {
            let step = p.duration_until(start).as_secs();
            if step <= 0 || step % interval != 0 {
                rows.add(
                    Mistake::Spacing,
                    sp,
                    format!(
                        "{} minutes after the row before; `interval` is {} minutes",
                        step / 60,
                        interval / 60
                    ),
                );
                continue;
            }
        }
        previous = Some(start);
        let date = start.date();
        let kind = if holidays.contains(&date) {
            HOLIDAY
        } else {
            date.weekday().to_monday_zero_offset() as usize
        };
        let slot = (second / interval) as usize;
        sum[kind][slot] += count;
        seen[kind][slot] += 1;
    }
    rows.report(cx, interval / 60);
    let per_hour = 3600.0 / f64::from(cx.interval);
    let mut per_kind: Vec<Option<Vec<f64>>> = vec![None; DAY_KINDS];
    for k in 0..DAY_KINDS {
        if seen[k].iter().all(|n| *n == 0) {
            continue;
        }
        per_kind[k] = Some(
            (0..slots)
                .map(|s| {
                    if seen[k][s] == 0 {
                        0.0
                    } else {
                        sum[k][s] / f64::from(seen[k][s]) * per_hour
                    }
                })
                .collect(),
        );
    }
    cx.missing_days(
        at,
        |k| per_kind[k].is_some(),
        "the history has no",
        "every day of the week needs counts",
        "give at least one week of history",
    );
    super::with_holiday_fallback(per_kind, vec![0.0; slots])
}

/// How many findings one kind of bad row gets before the rest are only counted.
pub const SHOWN_PER_MISTAKE: usize = 3;

/// The kinds of bad rows: a history usually repeats one mistake on many rows, which gets a
/// few findings and a count rather than a finding per row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mistake {
    /// The CSV reader could not read the row.
    Unreadable,
    /// Not two fields.
    Fields,
    /// The start is not a date and time.
    Start,
    /// The count is not a number of 0 or more.
    Count,
    /// The row is off the `interval` grid: one finding, at the first such row (the rows are
    /// spaced for another interval).
    Spacing,
}

impl Mistake {
    /// How many of its rows get a finding of their own.
    fn shown(self) -> usize {
        if self == Mistake::Spacing { 1 } else { SHOWN_PER_MISTAKE }
    }
}

/// The bad rows of a history, by kind, in file order: (kind, the row's span, what is wrong).
#[derive(Default)]
struct BadRows(Vec<(Mistake, Span, String)>);

impl BadRows {
    fn add(&mut self, kind: Mistake, span: Span, label: String) {
        self.0.push((kind, span, label));
    }

    /// The findings: for each kind, its first rows (see [`Mistake::shown`]), the last shown
    /// saying how many more rows have the same mistake.
    fn report(self, cx: &mut Cx, interval_minutes: i64) {
        let kinds = [
            Mistake::Unreadable,
            Mistake::Fields,
            Mistake::Start,
            Mistake::Count,
            Mistake::Spacing,
        ];
        for kind in kinds {
            let rows: Vec<&(Mistake, Span, String)> = self.0.iter().filter(|r| r.0 == kind).collect();
            let shown = kind.shown().min(rows.len());
            for (i, (_, span, label)) in rows.iter().take(shown).enumerate() {
                let message = if kind == Mistake::Unreadable {
                    "unreadable row"
                } else {
                    "bad row in the history"
                };
                let mut d = Diagnostic::new(Code::InvalidValue, *span, message).label(label.clone());
                let more = rows.len() - shown;
                if i + 1 == shown && more > 0 {
                    d = d.note(format!(
                        "and {more} more {} like it",
                        if more == 1 { "row" } else { "rows" }
                    ));
                }
                if kind == Mistake::Spacing {
                    d = d.help(format!(
                        "the rows must be `interval` ({interval_minutes} minutes) apart: \
                         set `interval` to the history's spacing"
                    ));
                }
                cx.push(d);
            }
        }
    }
}
