//! `arrivals: { csv: FILE }`: historical counts per interval, averaged per day profile and
//! interval of the day into callers per hour. Findings point at the CSV file's lines.

use std::path::Path;

use jiff::civil::{Date, DateTime};

use super::Cx;
use super::arrivals::KIND_NAMES;
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
    let mut previous: Option<DateTime> = None;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let byte = e.position().map_or(0, csv::Position::byte);
                let sp = line_at(cx, csv, byte);
                cx.push(Diagnostic::new(Code::InvalidValue, sp, "unreadable row").label(e.to_string()));
                continue;
            }
        };
        let sp = line_at(cx, csv, record.position().map_or(0, csv::Position::byte));
        let bad = |cx: &mut Cx, label: String| {
            cx.push(Diagnostic::new(Code::InvalidValue, sp, "bad row in the history").label(label));
        };
        if record.len() != 2 {
            bad(cx, format!("{} fields: expected `start,calls`", record.len()));
            continue;
        }
        let Ok(start) = record[0].parse::<DateTime>() else {
            bad(cx, format!("`{}` is not a start `YYYY-MM-DDTHH:MM`", &record[0]));
            continue;
        };
        let count = match record[1].parse::<f64>() {
            Ok(c) if c.is_finite() && c >= 0.0 => c,
            Ok(_) => {
                bad(cx, format!("`{}` is not a count of 0 or more", &record[1]));
                continue;
            }
            Err(_) => {
                bad(cx, format!("`{}` is not a number of calls", &record[1]));
                continue;
            }
        };
        let second = i64::from(start.hour()) * 3600 + i64::from(start.minute()) * 60 + i64::from(start.second());
        if second % interval != 0 || start.subsec_nanosecond() != 0 {
            bad(
                cx,
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
                bad(
                    cx,
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
    let missing: Vec<String> = (0..HOLIDAY)
        .filter(|k| per_kind[*k].is_none())
        .map(|k| format!("`{}`", KIND_NAMES[k]))
        .collect();
    if !missing.is_empty() {
        cx.push(
            Diagnostic::new(
                Code::MissingField,
                at,
                format!("the history has no {}", missing.join(", ")),
            )
            .label("every day of the week needs counts")
            .help("give at least one week of history"),
        );
    }
    super::with_holiday_fallback(per_kind, vec![0.0; slots])
}
