//! The SVG report of a simulation (`ivrsim simulate … --svg report.svg`): one page, 1200 px
//! wide, that a hotline manager can read without the numbers around it.
//!
//! - a title block: the key figures per replication (offered, containment, answered,
//!   abandoned while waiting, ASA, service level, occupancy), each with its 95 % confidence
//!   interval when there are several replications, and a note on the run (length,
//!   replications, seed, intervals, warm-up);
//! - (a) calls offered per interval (area, right axis), callers waiting and call-takers on
//!   shift (steps, left axis), over the run;
//! - (b) service level per interval against the goal, and the average speed of answer per
//!   interval against the service-level threshold; intervals with too few callers to trust
//!   ([`super::report::NOISY_BELOW`]) are shaded;
//! - (c) the wait distribution: the share of answered callers answered within each bucket's
//!   bound, the service-level threshold and goal marked;
//! - (d) the funnel: the nodes most callers entered (at most [`FUNNEL_BARS`]) as horizontal
//!   bars, the part that gave up there in red.
//!
//! Long runs are drawn in bins of several intervals (at most [`MAX_POINTS`] bins; values
//! are means per interval within a bin, shares weighted by their callers).
//!
//! Drawn with plotters' SVG backend, which writes text as `<text>` elements with a generic
//! `sans-serif` family: the report needs no font file, and the viewer's fonts draw it. Every
//! text from the menu or the traffic file is escaped by the backend and cleared of
//! characters XML forbids ([`crate::map::xml::xml_safe`]).

use std::error::Error;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::report::{Est, Interval, Report};
use crate::source::printable_line;

/// Width of the report, px.
pub const WIDTH: u32 = 1200;
/// At most this many bins of panels (a) and (b): longer runs are drawn in bins of several
/// intervals (two weeks of 30-minute intervals are drawn one by one).
pub const MAX_POINTS: usize = 672;
/// At most this many nodes in the funnel (d).
pub const FUNNEL_BARS: usize = 15;

/// Height of the title block, px.
const TITLE_H: u32 = 176;
/// Height of panel (a), px.
const ARRIVALS_H: u32 = 350;
/// Heights of the two charts of panel (b), px.
const SL_H: u32 = 250;
const ASA_H: u32 = 210;
/// Height of a panel's heading: its title, then its legend row, px.
const HEAD_H: u32 = 54;
/// Height of one funnel bar, px.
const BAR_H: u32 = 26;
/// Left margin of text in the title block, px.
const MARGIN: i32 = 24;

/// The palette (Tailwind CSS's default colours, as the menu maps use).
const INK: RGBColor = RGBColor(17, 24, 39);
const MUTED: RGBColor = RGBColor(75, 85, 99);
const GRID: RGBColor = RGBColor(229, 231, 235);
const OFFERED: RGBColor = RGBColor(59, 130, 246);
const WAITING: RGBColor = RGBColor(234, 88, 12);
const STAFFED: RGBColor = RGBColor(21, 128, 61);
const SERVICE: RGBColor = RGBColor(124, 58, 237);
const SPEED: RGBColor = RGBColor(14, 116, 144);
const GOAL: RGBColor = RGBColor(220, 38, 38);
const NOISY: RGBColor = RGBColor(243, 244, 246);
const ENTERED: RGBColor = RGBColor(147, 197, 253);
const GAVE_UP: RGBColor = RGBColor(220, 38, 38);

/// The panels' titles, in order (tests and readers look for them).
pub const TITLES: [&str; 4] = [
    "(a) Calls offered, callers waiting and call-takers on shift",
    "(b) Service level and speed of answer per interval",
    "(c) Wait before answer",
    "(d) Funnel through the menu",
];

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = Result<(), Box<dyn Error>>;

/// A linear axis from `lo` to `hi` with labels and grid lines at the given `ticks` only
/// (plotters' own key points are round numbers, not hours of a day or buckets).
#[derive(Clone, Debug)]
struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ticked {
    fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Ticked {
        Ticked {
            lo: range.start,
            hi: range.end,
            ticks,
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let share = if self.hi > self.lo {
            ((v - self.lo) / (self.hi - self.lo)).clamp(-1.0, 2.0)
        } else {
            0.5
        };
        limit.0 + (f64::from(limit.1 - limit.0) * share).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Bold points only: no light grid lines between the ticks.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// A font whose written size is `px` (plotters writes sizes ÷ 1.24).
fn font(px: f64) -> FontDesc<'static> {
    ("sans-serif", px * 1.24).into_font()
}

fn bold(px: f64) -> FontDesc<'static> {
    font(px).style(FontStyle::Bold)
}

/// A text of the menu or the traffic file, on one line, control characters shown as `?`.
fn clean(s: &str) -> String {
    printable_line(s).into_owned()
}

/// `s` cut to at most `max` characters, with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    crate::map::excerpt(&clean(s), max)
}

/// A count with thousands grouped by spaces: `12 345`.
fn count(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    if x < -0.5 { format!("-{out}") } else { out }
}

/// A value and its confidence interval as two texts: (`81.2 %`, `± 1.4`); the interval
/// empty with one replication; `–` when absent.
fn figure(e: Option<&Est>, digits: usize, scale: f64, unit: &str) -> (String, String) {
    let Some(e) = e.filter(|e| e.mean.is_finite()) else {
        return ("–".into(), String::new());
    };
    let v = |x: f64| {
        if digits == 0 {
            count(x * scale)
        } else {
            format!("{:.*}", digits, x * scale)
        }
    };
    let ci = match e.ci95 {
        Some(c) if c.is_finite() && c > 0.0 => format!("± {}", v(c)),
        _ => String::new(),
    };
    (format!("{}{unit}", v(e.mean)), ci)
}

/// A duration in hours, as a reader says it: `30 min`, `1 h`, `1.5 d`.
fn hours(h: f64) -> String {
    if h <= 0.0 {
        "none".into()
    } else if h < 1.0 {
        format!("{:.0} min", h * 60.0)
    } else if h < 48.0 {
        format!("{} h", trim(h))
    } else {
        format!("{} days", trim(h / 24.0))
    }
}

/// `x` with at most one decimal, none when whole.
fn trim(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{:.0}", x)
    } else {
        format!("{:.1}", x)
    }
}

/// Seconds as a wait bucket's bound reads: `20 s`, `3 min`, `1 h`.
fn wait_label(s: f64) -> String {
    if s < 120.0 {
        format!("{} s", trim(s))
    } else if s < 3600.0 {
        format!("{} min", trim(s / 60.0))
    } else {
        format!("{} h", trim(s / 3600.0))
    }
}

/// One bin of panels (a) and (b): one interval, or several pooled.
#[derive(Clone, Copy, Debug)]
struct Bin {
    /// Start, hours from the first counted day's midnight.
    at_h: f64,
    /// Length, hours.
    len_h: f64,
    /// Calls offered, mean per interval.
    offered: f64,
    /// Callers waiting, time-average.
    waiting: f64,
    /// Call-takers on shift, mean.
    staffed: f64,
    /// Service level (0–1), weighted by answered + abandoned while waiting; NaN without.
    service_level: f64,
    /// Average speed of answer, seconds, weighted by answered; NaN without.
    asa_s: f64,
    /// Too few callers to trust.
    noisy: bool,
}

/// The intervals of `r` in bins of `k` consecutive intervals (the last bin may be shorter).
fn bins(r: &Report) -> Vec<Bin> {
    let n = r.intervals.len();
    let k = bin_size(n, (86_400 / r.interval_s.max(1)).max(1) as usize);
    let len_h = f64::from(r.interval_s) / 3600.0;
    r.intervals
        .chunks(k)
        .enumerate()
        .map(|(b, chunk)| pool(chunk, b as f64 * k as f64 * len_h, chunk.len() as f64 * len_h))
        .collect()
}

/// The fewest intervals per bin that keep `n` intervals within [`MAX_POINTS`] bins: a
/// divisor of a day's `per_day` intervals, or a whole number of days, so that bins line up
/// with days.
fn bin_size(n: usize, per_day: usize) -> usize {
    (1..=per_day)
        .filter(|k| per_day.is_multiple_of(*k))
        .chain((2..).map(|d| d * per_day))
        .find(|k| n.div_ceil(*k) <= MAX_POINTS)
        .unwrap_or(1)
}

fn pool(chunk: &[Interval], at_h: f64, len_h: f64) -> Bin {
    let m = |iv: &Interval, k: &str| iv.measures.get(k).map_or(0.0, |e| e.mean);
    let finite = |iv: &Interval, k: &str| iv.measures.get(k).map(|e| e.mean).filter(|x| x.is_finite());
    let n = chunk.len().max(1) as f64;
    let (mut answered, mut waited, mut judged, mut within, mut queued) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for iv in chunk {
        let a = m(iv, "answered");
        let j = a + m(iv, "abandoned_waiting");
        if let Some(asa) = finite(iv, "asa_s") {
            answered += a;
            waited += asa * a;
        }
        if let Some(sl) = finite(iv, "service_level") {
            judged += j;
            within += sl * j;
        }
        queued += m(iv, "queued");
    }
    let share = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    Bin {
        at_h,
        len_h,
        offered: chunk.iter().map(|iv| m(iv, "offered")).sum::<f64>() / n,
        waiting: chunk.iter().map(|iv| iv.waiting).sum::<f64>() / n,
        staffed: chunk.iter().map(|iv| iv.staffed).sum::<f64>() / n,
        service_level: share(within, judged),
        asa_s: share(waited, answered),
        noisy: if chunk.len() == 1 {
            chunk[0].noisy
        } else {
            queued < super::report::NOISY_BELOW
        },
    }
}

/// The time axis of panels (a) and (b): hours from the first counted day's midnight, with
/// labels at whole hours, days or weeks (at most about 12), read as times of day, weekdays
/// or dates.
struct TimeAxis {
    end_h: f64,
    ticks: Vec<f64>,
    start: Option<jiff::civil::DateTime>,
    pattern: &'static str,
}

impl TimeAxis {
    fn of(r: &Report, end_h: f64) -> TimeAxis {
        const STEPS: [f64; 12] = [1.0, 2.0, 3.0, 4.0, 6.0, 12.0, 24.0, 48.0, 168.0, 336.0, 672.0, 2016.0];
        let step = STEPS
            .iter()
            .copied()
            .find(|s| end_h / s <= 12.0)
            .unwrap_or_else(|| (end_h / 12.0 / 24.0).ceil() * 24.0);
        let ticks = (0..)
            .map(|i| f64::from(i) * step)
            .take_while(|t| *t <= end_h + 1e-9)
            .collect();
        let pattern = if end_h <= 24.0 + 1e-9 {
            "%H:%M"
        } else if step < 24.0 {
            "%a %H:%M"
        } else if end_h <= 24.0 * 31.0 {
            "%a %d %b"
        } else {
            "%d %b %Y"
        };
        TimeAxis {
            end_h,
            ticks,
            start: r
                .start
                .parse::<jiff::civil::Date>()
                .ok()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight())),
            pattern,
        }
    }

    fn label(&self, h: f64) -> String {
        let at = self.start.and_then(|s| {
            s.checked_add(jiff::SignedDuration::from_secs((h * 3600.0).round() as i64))
                .ok()
        });
        match at {
            // The end of a one-day run is midnight of the next day.
            Some(_) if h >= self.end_h - 1e-9 && self.pattern == "%H:%M" => "24:00".into(),
            Some(t) => t.strftime(self.pattern).to_string(),
            None => format!("+{} h", trim(h)),
        }
    }
}

/// Segments of consecutive finite values of `f` over `bins`, as points at the bins' middles.
fn segments(bins: &[Bin], f: impl Fn(&Bin) -> f64) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for b in bins {
        let v = f(b);
        if v.is_finite() {
            if !open {
                out.push(Vec::new());
                open = true;
            }
            if let Some(s) = out.last_mut() {
                s.push((b.at_h + b.len_h / 2.0, v));
            }
        } else {
            open = false;
        }
    }
    out
}

/// A step line of `f` over `bins`: flat over each bin.
fn steps(bins: &[Bin], f: impl Fn(&Bin) -> f64) -> Vec<(f64, f64)> {
    bins.iter()
        .flat_map(|b| {
            let v = f(b);
            [(b.at_h, v), (b.at_h + b.len_h, v)]
        })
        .collect()
}

/// A message in the middle of an area that has nothing to draw, under its title.
fn empty_panel(area: &Area, title: &str, message: &str) -> Drawn {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        title.to_string(),
        (w as i32 / 2, 8),
        bold(16.0).color(&INK).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    area.draw(&Text::new(
        message.to_string(),
        (w as i32 / 2, (h as i32 / 2).max(40)),
        font(13.0).color(&MUTED).pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

/// A legend key's sample: a filled box, a line, a dashed line, or a short upright dash (a
/// vertical marker).
#[derive(Clone, Copy)]
enum Key {
    Fill(RGBAColor),
    Line(RGBColor, u32),
    Dash(RGBColor, u32),
    Tick(RGBColor),
}

/// A panel's heading, drawn above its plot so that no key covers data: the title centred
/// at the top, then the legend's keys in one centred row. The rest of `area`, for the plot.
fn heading<'a>(area: &Area<'a>, title: &str, keys: &[(Key, String)]) -> Result<Area<'a>, Box<dyn Error>> {
    let (w, _) = area.dim_in_pixel();
    let (head, body) = area.split_vertically(HEAD_H);
    head.draw(&Text::new(
        title.to_string(),
        (w as i32 / 2, 8),
        bold(16.0).color(&INK).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    let style = font(12.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
    let (sample, gap, space) = (18, 6, 22);
    let widths: Vec<i32> = keys
        .iter()
        .map(|(_, label)| {
            let (tw, _) = head
                .estimate_text_size(label, &style)
                .unwrap_or((label.len() as u32 * 7, 12));
            sample + gap + tw as i32
        })
        .collect();
    let total = widths.iter().sum::<i32>() + space * (keys.len() as i32 - 1).max(0);
    let (mut x, y) = ((w as i32 - total) / 2, 40);
    for ((key, label), width) in keys.iter().zip(&widths) {
        match *key {
            Key::Fill(c) => {
                head.draw(&Rectangle::new([(x, y - 6), (x + sample, y + 6)], c.filled()))?;
                head.draw(&Rectangle::new([(x, y - 6), (x + sample, y + 6)], GRID.stroke_width(1)))?;
            }
            Key::Line(c, width) => head.draw(&PathElement::new([(x, y), (x + sample, y)], c.stroke_width(width)))?,
            Key::Dash(c, width) => {
                for (a, b) in [(0, 5), (8, 13), (16, 18)] {
                    head.draw(&PathElement::new([(x + a, y), (x + b, y)], c.stroke_width(width)))?;
                }
            }
            Key::Tick(c) => {
                for (a, b) in [(-7, -3), (-1, 3), (5, 7)] {
                    head.draw(&PathElement::new(
                        [(x + sample / 2, y + a), (x + sample / 2, y + b)],
                        c.stroke_width(2),
                    ))?;
                }
            }
        }
        head.draw(&Text::new(label.clone(), (x + sample + gap, y), style.clone()))?;
        x += width + space;
    }
    Ok(body)
}

/// The title block: what was simulated, the key figures, the note on the run.
fn title_block(area: &Area, r: &Report) -> Drawn {
    let (w, _) = area.dim_in_pixel();
    let heading = match &r.menu {
        Some(m) => format!("Traffic simulation: {} with {}", cut(m, 60), cut(&r.traffic, 60)),
        None => format!("Traffic simulation: a bare queue with {}", cut(&r.traffic, 80)),
    };
    area.draw(&Text::new(heading, (MARGIN, 16), bold(20.0).color(&INK)))?;
    let sl = r.service_level;
    let t = &r.total;
    let goal = format!("goal {:.0} % within {} s", sl.target * 100.0, trim(sl.threshold_s));
    let abandoned = t
        .get("abandoned_waiting")
        .filter(|e| e.mean.is_finite())
        .map(|e| format!("{} callers", count(e.mean)))
        .unwrap_or_default();
    let contained = match &r.menu {
        Some(_) => t
            .get("contained")
            .map(|e| format!("{} callers", count(e.mean)))
            .unwrap_or_default(),
        None => "no menu".into(),
    };
    let cards: [(&str, (String, String), String); 7] = [
        (
            "offered",
            figure(t.get("offered"), 0, 1.0, ""),
            "calls per replication".into(),
        ),
        (
            "handled in the IVR",
            figure(t.get("containment"), 1, 100.0, " %"),
            contained,
        ),
        (
            "answered",
            figure(t.get("answered"), 0, 1.0, ""),
            "by a call-taker".into(),
        ),
        (
            "abandoned waiting",
            figure(t.get("abandonment"), 1, 100.0, " %"),
            abandoned,
        ),
        (
            "avg speed of answer",
            figure(t.get("asa_s"), 1, 1.0, " s"),
            "mean wait, answered".into(),
        ),
        ("service level", figure(t.get("service_level"), 1, 100.0, " %"), goal),
        (
            "occupancy",
            figure(t.get("occupancy"), 1, 100.0, " %"),
            "busy ÷ on shift".into(),
        ),
    ];
    let card_w = (w as i32 - 2 * MARGIN) / cards.len() as i32;
    for (i, (label, (value, ci), context)) in cards.iter().enumerate() {
        let x = MARGIN + i as i32 * card_w;
        area.draw(&Rectangle::new(
            [(x, 46), (x + card_w - 10, 132)],
            ShapeStyle::from(&GRID).stroke_width(1),
        ))?;
        area.draw(&Text::new(label.to_string(), (x + 10, 54), font(12.0).color(&MUTED)))?;
        area.draw(&Text::new(value.clone(), (x + 10, 72), bold(22.0).color(&INK)))?;
        if !ci.is_empty() {
            area.draw(&Text::new(ci.clone(), (x + 10, 100), font(12.0).color(&INK)))?;
        }
        area.draw(&Text::new(cut(context, 24), (x + 10, 116), font(11.0).color(&MUTED)))?;
    }
    let days = if (r.days - 1.0).abs() < 1e-9 {
        "1 day".to_string()
    } else {
        format!("{} days", trim(r.days))
    };
    // One replication has no confidence interval (the cards show no ±).
    let figures = if r.replications > 1 {
        "figures are per replication; ± is the 95 % confidence interval over replications"
    } else {
        "one replication: no confidence interval"
    };
    let note = format!(
        "{days} from {} · {} replication{} (seed {}) · {}-minute intervals · warm-up {} not counted · {figures}",
        clean(&r.start),
        r.replications,
        if r.replications == 1 { "" } else { "s" },
        r.seed,
        r.interval_s / 60,
        hours(r.warm_up_s / 3600.0),
    );
    area.draw(&Text::new(note, (MARGIN, 146), font(12.0).color(&MUTED)))?;
    Ok(())
}

/// Panel (a): offered per interval, callers waiting and call-takers on shift.
fn arrivals(area: &Area, r: &Report, bins: &[Bin], axis: &TimeAxis) -> Drawn {
    let over = if r.days <= 1.0 + 1e-9 {
        "over the day"
    } else {
        "over the run"
    };
    let title = format!("{} {over}", TITLES[0]);
    if bins.is_empty() {
        return empty_panel(area, &title, "no intervals in these results");
    }
    let people = bins
        .iter()
        .map(|b| b.waiting.max(b.staffed))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.15;
    let calls = bins.iter().map(|b| b.offered).fold(0.0, f64::max).max(1.0) * 1.15;
    let x = || Ticked::new(0.0..axis.end_h, axis.ticks.clone());
    let per = if bins.len() < r.intervals.len() {
        "calls offered (mean per interval)"
    } else {
        "calls offered per interval"
    };
    let keys = [
        (Key::Fill(OFFERED.mix(0.35)), per.to_string()),
        (Key::Line(STAFFED, 2), "call-takers on shift".to_string()),
        (Key::Line(WAITING, 2), "callers waiting (mean)".to_string()),
    ];
    let body = heading(area, &title, &keys)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(8)
        .margin_top(4)
        .margin_right(16)
        .x_label_area_size(30)
        .y_label_area_size(64)
        .right_y_label_area_size(64)
        .build_cartesian_2d(x(), 0.0..people)?
        .set_secondary_coord(x(), 0.0..calls);
    chart
        .configure_mesh()
        .x_label_formatter(&|h| axis.label(*h))
        .y_label_formatter(&|v| trim(*v))
        .y_desc("callers waiting · call-takers")
        .label_style(font(11.0).color(&INK))
        .axis_desc_style(font(12.0).color(&MUTED))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    chart
        .configure_secondary_axes()
        .y_desc(per)
        .label_style(font(11.0).color(&INK))
        .axis_desc_style(font(12.0).color(&MUTED))
        .draw()?;
    chart.draw_secondary_series(AreaSeries::new(steps(bins, |b| b.offered), 0.0, OFFERED.mix(0.25)))?;
    chart.draw_series(LineSeries::new(steps(bins, |b| b.staffed), STAFFED.stroke_width(2)))?;
    chart.draw_series(LineSeries::new(steps(bins, |b| b.waiting), WAITING.stroke_width(2)))?;
    Ok(())
}

/// A chart of panels (a) and (b): time against a value.
type TimeChart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Ticked, RangedCoordf64>>;

/// Shades the `noisy` bins of a chart of panel (b), from 0 to `top`.
fn shade(chart: &mut TimeChart, noisy: &[&Bin], top: f64) -> Drawn {
    if noisy.is_empty() {
        return Ok(());
    }
    chart.draw_series(
        noisy
            .iter()
            .map(|b| Rectangle::new([(b.at_h, 0.0), (b.at_h + b.len_h, top)], NOISY.filled())),
    )?;
    Ok(())
}

/// Panel (b): service level per interval against the goal, ASA per interval against the
/// threshold; noisy intervals shaded.
fn service(area: &Area, r: &Report, bins: &[Bin], axis: &TimeAxis) -> Drawn {
    if bins.is_empty() {
        return empty_panel(area, TITLES[1], "no intervals in these results");
    }
    let (top, bottom) = area.split_vertically(SL_H);
    let sl = r.service_level;
    let noisy: Vec<&Bin> = bins.iter().filter(|b| b.noisy).collect();
    let x = || Ticked::new(0.0..axis.end_h, axis.ticks.clone());
    // Dots on each value while they stay apart.
    let marks = if bins.len() <= 96 { 2 } else { 0 };

    let title = format!(
        "{} (shaded: fewer than {:.0} callers queued, too noisy to trust)",
        TITLES[1],
        super::report::NOISY_BELOW
    );
    let goal = sl.target * 100.0;
    let mut keys = Vec::new();
    if !noisy.is_empty() {
        keys.push((Key::Fill(NOISY.to_rgba()), "few callers: noisy".to_string()));
    }
    keys.extend([
        (
            Key::Dash(GOAL, 2),
            format!("goal {:.0} % within {} s", goal, trim(sl.threshold_s)),
        ),
        (Key::Line(SERVICE, 2), "service level".to_string()),
        (
            Key::Dash(GOAL, 1),
            format!("service-level threshold {} s", trim(sl.threshold_s)),
        ),
        (Key::Line(SPEED, 2), "average speed of answer".to_string()),
    ]);
    let top = heading(&top, &title, &keys)?;
    let mut chart = ChartBuilder::on(&top)
        .margin(8)
        .margin_top(4)
        .margin_right(16)
        .x_label_area_size(24)
        .y_label_area_size(64)
        .right_y_label_area_size(64)
        .build_cartesian_2d(x(), 0.0..100.0)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|h| axis.label(*h))
        .y_label_formatter(&|v| format!("{v:.0} %"))
        .y_desc("service level")
        .label_style(font(11.0).color(&INK))
        .axis_desc_style(font(12.0).color(&MUTED))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    shade(&mut chart, &noisy, 100.0)?;
    chart.draw_series(DashedLineSeries::new(
        [(0.0, goal), (axis.end_h, goal)],
        8,
        5,
        GOAL.stroke_width(2),
    ))?;
    for seg in segments(bins, |b| b.service_level * 100.0) {
        chart.draw_series(LineSeries::new(seg, SERVICE.stroke_width(2)).point_size(marks))?;
    }

    let top_asa = bins
        .iter()
        .map(|b| b.asa_s)
        .filter(|v| v.is_finite())
        .fold(sl.threshold_s, f64::max)
        .max(1.0)
        * 1.15;
    let mut chart = ChartBuilder::on(&bottom)
        .margin(8)
        .margin_right(16)
        .x_label_area_size(30)
        .y_label_area_size(64)
        .right_y_label_area_size(64)
        .build_cartesian_2d(x(), 0.0..top_asa)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|h| axis.label(*h))
        .y_desc("avg speed of answer (s)")
        .label_style(font(11.0).color(&INK))
        .axis_desc_style(font(12.0).color(&MUTED))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    shade(&mut chart, &noisy, top_asa)?;
    chart.draw_series(DashedLineSeries::new(
        [(0.0, sl.threshold_s), (axis.end_h, sl.threshold_s)],
        8,
        5,
        GOAL.stroke_width(1),
    ))?;
    for seg in segments(bins, |b| b.asa_s) {
        chart.draw_series(LineSeries::new(seg, SPEED.stroke_width(2)).point_size(marks))?;
    }
    Ok(())
}

/// Panel (c): the cumulative share answered within each bucket's bound, as bars.
fn waits(area: &Area, r: &Report) -> Drawn {
    let d = &r.wait_distribution;
    if d.is_empty() {
        return empty_panel(area, TITLES[2], "no caller was answered");
    }
    let sl = r.service_level;
    // Up to the first bucket that holds (nearly) everyone, and past the threshold.
    let full = d.iter().position(|b| b.share >= 0.9995).unwrap_or(d.len() - 1);
    let at_threshold = d.iter().position(|b| b.upto_s >= sl.threshold_s).unwrap_or(d.len() - 1);
    let last = full.max((at_threshold + 1).min(d.len() - 1)).max(3.min(d.len() - 1));
    let shown = &d[..=last];
    // Where the threshold falls between the buckets' bounds (equal spacing per bucket).
    let thr_x = match shown.iter().position(|b| b.upto_s >= sl.threshold_s) {
        Some(0) | None => 0.0,
        Some(i) => {
            let (a, b) = (shown[i - 1].upto_s, shown[i].upto_s);
            (i - 1) as f64 + (sl.threshold_s - a) / (b - a).max(1e-9)
        }
    };
    let n = shown.len() as f64;
    let ticks: Vec<f64> = (0..shown.len()).map(|i| i as f64).collect();
    let goal = sl.target * 100.0;
    let keys = [
        (Key::Dash(GOAL, 2), format!("goal {goal:.0} %")),
        (Key::Tick(GOAL), format!("threshold {}", wait_label(sl.threshold_s))),
    ];
    let body = heading(area, TITLES[2], &keys)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(8)
        .margin_top(4)
        .margin_right(16)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(Ticked::new(-0.5..n - 0.5, ticks), 0.0..110.0)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|i| {
            shown
                .get(i.round().max(0.0) as usize)
                .map(|b| wait_label(b.upto_s))
                .unwrap_or_default()
        })
        .y_label_formatter(&|v| {
            if *v <= 100.0 {
                format!("{v:.0} %")
            } else {
                String::new()
            }
        })
        .x_desc("waited at most")
        .y_desc("share of answered callers")
        .label_style(font(11.0).color(&INK))
        .axis_desc_style(font(12.0).color(&MUTED))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .disable_x_mesh()
        .draw()?;
    chart.draw_series(shown.iter().enumerate().map(|(i, b)| {
        let x = i as f64;
        let colour = if b.upto_s <= sl.threshold_s {
            SERVICE.mix(0.8)
        } else {
            SERVICE.mix(0.35)
        };
        Rectangle::new([(x - 0.38, 0.0), (x + 0.38, b.share * 100.0)], colour.filled())
    }))?;
    chart.draw_series(shown.iter().enumerate().map(|(i, b)| {
        Text::new(
            format!("{:.0}", b.share * 100.0),
            (i as f64, b.share * 100.0 + 1.5),
            font(10.0).color(&INK).pos(Pos::new(HPos::Center, VPos::Bottom)),
        )
    }))?;
    chart.draw_series(DashedLineSeries::new(
        [(-0.5, goal), (n - 0.5, goal)],
        8,
        5,
        GOAL.stroke_width(2),
    ))?;
    chart.draw_series(DashedLineSeries::new(
        [(thr_x, 0.0), (thr_x, 104.0)],
        4,
        4,
        GOAL.stroke_width(2),
    ))?;
    Ok(())
}

/// Panel (d): the nodes most callers entered, with the part that gave up there.
fn funnel(area: &Area, r: &Report) -> Drawn {
    let mut nodes: Vec<_> = r.funnel.nodes.iter().filter(|n| n.entered > 0.0).collect();
    if nodes.is_empty() {
        let why = if r.menu.is_none() {
            "no menu: callers joined the queue directly"
        } else {
            "no caller entered the menu"
        };
        return empty_panel(area, TITLES[3], why);
    }
    nodes.sort_by(|a, b| b.entered.total_cmp(&a.entered).then_with(|| a.node.cmp(&b.node)));
    let all = nodes.len();
    nodes.truncate(FUNNEL_BARS);
    let n = nodes.len();
    let top = nodes.iter().map(|x| x.entered).fold(1.0, f64::max);
    let desc = if all > n {
        format!("callers who entered (each time), per replication; the {n} busiest of {all} nodes")
    } else {
        "callers who entered (each time), per replication".to_string()
    };
    // Row i from the top at y = n-1-i.
    let ticks: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(TITLES[3], bold(16.0).color(&INK))
        .margin(8)
        .margin_right(16)
        .x_label_area_size(40)
        .y_label_area_size(170)
        .build_cartesian_2d(0.0..top * 1.45, Ticked::new(-0.6..n as f64 - 0.4, ticks))?;
    chart
        .configure_mesh()
        .y_label_formatter(&|y| {
            let i = n as f64 - 1.0 - y.round();
            nodes
                .get(i.max(0.0) as usize)
                .map(|x| cut(&x.node, 24))
                .unwrap_or_default()
        })
        .x_label_formatter(&|v| count(*v))
        .x_desc(desc)
        .label_style(font(11.0).color(&INK))
        .axis_desc_style(font(12.0).color(&MUTED))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .disable_y_mesh()
        .draw()?;
    let y = |i: usize| (n - 1 - i) as f64;
    chart
        .draw_series(
            nodes
                .iter()
                .enumerate()
                .map(|(i, x)| Rectangle::new([(0.0, y(i) - 0.36), (x.entered, y(i) + 0.36)], ENTERED.filled())),
        )?
        .label("entered")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], ENTERED.filled()));
    chart
        .draw_series(
            nodes
                .iter()
                .enumerate()
                .filter(|(_, x)| x.gave_up > 0.0)
                .map(|(i, x)| Rectangle::new([(0.0, y(i) - 0.36), (x.gave_up, y(i) + 0.36)], GAVE_UP.filled())),
        )?
        .label("gave up there")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], GAVE_UP.filled()));
    chart.draw_series(nodes.iter().enumerate().map(|(i, x)| {
        let text = if x.gave_up > 0.0 {
            format!(
                "{} · gave up {} ({:.1} %)",
                count(x.entered),
                count(x.gave_up),
                100.0 * x.gave_up / x.entered
            )
        } else {
            count(x.entered)
        };
        Text::new(
            text,
            (x.entered + top * 0.01, y(i)),
            font(11.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Center)),
        )
    }))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(font(12.0).color(&INK))
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .draw()?;
    Ok(())
}

/// Draws one panel; a panel that fails says so in its place (the string backend cannot
/// fail to write, so this is for plotters' own limits, e.g. a range it cannot lay out).
fn panel(area: &Area, title: &str, draw: impl FnOnce(&Area) -> Drawn) {
    if let Err(e) = draw(area) {
        let _ = area.fill(&WHITE);
        let _ = empty_panel(area, title, &format!("this panel could not be drawn: {e}"));
    }
}

/// The SVG report of `report`, as text (a whole document, with a final newline).
pub fn render(report: &Report) -> String {
    let bins = bins(report);
    let end_h = bins.last().map_or(24.0, |b| b.at_h + b.len_h);
    let axis = TimeAxis::of(report, end_h);
    let bars = report
        .funnel
        .nodes
        .iter()
        .filter(|n| n.entered > 0.0)
        .count()
        .min(FUNNEL_BARS) as u32;
    let bottom_h = (120 + bars * BAR_H).max(400);
    // Without intervals, (a) and (b) only say so.
    let (a_h, b_h) = if bins.is_empty() {
        (80, 80)
    } else {
        (ARRIVALS_H, SL_H + ASA_H)
    };
    let height = TITLE_H + a_h + b_h + bottom_h;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let (head, rest) = root.split_vertically(TITLE_H);
        let (a, rest) = rest.split_vertically(a_h);
        let (b, rest) = rest.split_vertically(b_h);
        let (c, d) = rest.split_horizontally(WIDTH * 2 / 5);
        panel(&head, "Traffic simulation", |area| title_block(area, report));
        panel(&a, TITLES[0], |area| arrivals(area, report, &bins, &axis));
        panel(&b, TITLES[1], |area| service(area, report, &bins, &axis));
        panel(&c, TITLES[2], |area| waits(area, report));
        panel(&d, TITLES[3], |area| funnel(area, report));
        let _ = root.present();
    }
    let mut s = crate::map::xml::xml_safe(&out).into_owned();
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::report::{Cohort, Funnel, FunnelEdge, FunnelNode, Measures, ServiceLevel, WaitBucket};

    fn est(mean: f64, ci: Option<f64>) -> Est {
        Est { mean, ci95: ci }
    }

    fn measures(pairs: &[(&str, f64)]) -> Measures {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), est(*v, Some(v.abs() * 0.05))))
            .collect()
    }

    fn report(menu: Option<&str>, n_intervals: usize) -> Report {
        let total = measures(&[
            ("offered", 2400.0),
            ("contained", 600.0),
            ("containment", 0.25),
            ("answered", 1700.0),
            ("abandoned_waiting", 80.0),
            ("abandonment", 0.045),
            ("asa_s", 23.5),
            ("service_level", 0.81),
            ("occupancy", 0.87),
            ("queued", 1780.0),
        ]);
        let intervals = (0..n_intervals)
            .map(|i| {
                let hour = (i % 48) as f64 / 2.0;
                let offered = if (8.0..20.0).contains(&hour) { 90.0 } else { 4.0 };
                let queued = offered * 0.7;
                Interval {
                    start: format!("2026-03-{:02}T{:02}:{:02}", 2 + i / 48, (i % 48) / 2, (i % 2) * 30),
                    staffed: if (8.0..20.0).contains(&hour) { 12.0 } else { 2.0 },
                    waiting: offered / 30.0,
                    noisy: queued < super::super::report::NOISY_BELOW,
                    measures: if i == 3 {
                        // No caller answered: the lines break here.
                        measures(&[("offered", offered), ("queued", 0.0)])
                    } else {
                        measures(&[
                            ("offered", offered),
                            ("queued", queued),
                            ("answered", queued * 0.95),
                            ("abandoned_waiting", queued * 0.05),
                            ("asa_s", 10.0 + hour),
                            ("service_level", 0.9 - hour / 100.0),
                        ])
                    },
                }
            })
            .collect();
        let wait_distribution = [0.0, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0]
            .iter()
            .enumerate()
            .map(|(i, &upto_s)| WaitBucket {
                upto_s,
                share: (0.3 + 0.1 * i as f64).min(1.0),
            })
            .collect();
        let funnel = match menu {
            None => Funnel::default(),
            Some(_) => Funnel {
                nodes: (0..20)
                    .map(|i| FunnelNode {
                        node: if i == 2 {
                            "<script>&x\u{1}".into()
                        } else {
                            format!("node_{i}")
                        },
                        entered: 2400.0 / (i as f64 + 1.0),
                        gave_up: if i % 3 == 0 { 20.0 } else { 0.0 },
                    })
                    .collect(),
                edges: vec![FunnelEdge {
                    from: "node_0".into(),
                    to: "node_1".into(),
                    callers: 1200.0,
                }],
            },
        };
        Report {
            version: super::super::report::FORMAT_VERSION,
            menu: menu.map(str::to_owned),
            traffic: "traffic <&>.yaml".into(),
            seed: 7,
            replications: 10,
            start: "2026-03-02".into(),
            days: (n_intervals as f64 / 48.0).max(1.0),
            warm_up_s: 86_400.0,
            interval_s: 1800,
            service_level: ServiceLevel {
                threshold_s: 20.0,
                target: 0.8,
            },
            callers_simulated: 24_000,
            walks_computed: 40,
            total,
            queues: vec![Cohort {
                name: "general".into(),
                noisy: false,
                measures: Measures::new(),
            }],
            priorities: Vec::new(),
            groups: Vec::new(),
            intervals,
            wait_distribution,
            funnel,
            overloaded: false,
            staffing: None,
        }
    }

    fn texts(doc: &roxmltree::Document) -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or_default().trim().to_owned())
            .collect()
    }

    fn parse_and_check(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert_eq!(doc.root_element().attribute("width"), Some("1200"));
        // No font files: text only, in a generic family.
        for bad in ["@font-face", ".ttf", ".woff", "url(", "<image"] {
            assert!(!svg.contains(bad), "{bad}");
        }
        texts(&doc)
    }

    #[test]
    fn a_bare_queue_with_intervals_draws_every_panel() {
        let svg = render(&report(None, 48));
        let texts = parse_and_check(&svg);
        let all = texts.join("\n");
        for title in TITLES {
            assert!(all.contains(title), "{title}");
        }
        assert!(all.contains("over the day"));
        assert!(all.contains("no menu: callers joined the queue directly"));
        assert!(all.contains("2 400"), "offered, grouped");
        assert!(all.contains("81.0 %"), "service level");
        assert!(all.contains("± 4.1"), "its interval");
        assert!(all.contains("goal 80 % within 20 s"));
        assert!(all.contains("warm-up 24 h not counted"));
        assert!(all.contains("10 replications (seed 7)"));
        assert!(
            texts.iter().any(|t| t == "08:00"),
            "times of day on the axis: {texts:?}"
        );
        assert!(all.contains("traffic <&>.yaml"));
        assert!(svg.contains("traffic &lt;&amp;&gt;.yaml"));
    }

    #[test]
    fn the_confidence_interval_is_named_only_with_several_replications() {
        let all = parse_and_check(&render(&report(None, 48))).join("\n");
        assert!(all.contains("± is the 95 % confidence interval over replications"));
        let mut one = report(None, 48);
        one.replications = 1;
        let all = parse_and_check(&render(&one)).join("\n");
        assert!(!all.contains("confidence interval over"), "{all}");
        assert!(all.contains("1 replication (seed 7) · 30-minute intervals"), "{all}");
        assert!(all.contains("one replication: no confidence interval"));
    }

    #[test]
    fn legends_sit_in_a_row_above_their_plots() {
        let svg = render(&report(None, 48));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        // Where the texts that are `text` (or, for a title, start with it) are written.
        let y_of = |text: &str| -> Vec<f64> {
            doc.descendants()
                .filter(|n| {
                    n.has_tag_name("text")
                        && n.text()
                            .is_some_and(|t| t.trim() == text || (text.starts_with('(') && t.trim().starts_with(text)))
                })
                .filter_map(|n| n.attribute("y")?.parse().ok())
                .collect()
        };
        let keys: [(&str, &[&str], &str); 3] = [
            (TITLES[0], &["call-takers on shift", "callers waiting (mean)"], "0"),
            (
                TITLES[1],
                &["goal 80 % within 20 s", "service level", "average speed of answer"],
                "100 %",
            ),
            (TITLES[2], &["goal 80 %", "threshold 20 s"], "100 %"),
        ];
        for (title, labels, in_plot) in keys {
            let title_y = y_of(title)[0];
            for label in labels {
                let y = y_of(label).into_iter().find(|y| *y > title_y).unwrap_or(0.0);
                assert!(
                    y > title_y && y - title_y < f64::from(HEAD_H),
                    "`{label}` at {y} is in the heading of `{title}` at {title_y}"
                );
                // The plot (its top tick label, its axis description) starts below the keys.
                let first_in_plot = y_of(in_plot)
                    .into_iter()
                    .filter(|p| *p > title_y)
                    .fold(f64::MAX, f64::min);
                assert!(y < first_in_plot, "`{label}` at {y} above the plot at {first_in_plot}");
            }
        }
    }

    #[test]
    fn a_menu_without_intervals_draws_the_funnel_and_escapes_ids() {
        let svg = render(&report(Some("menus/x.yaml"), 0));
        let texts = parse_and_check(&svg);
        let all = texts.join("\n");
        for title in TITLES {
            assert!(all.contains(title), "{title}");
        }
        assert!(all.contains("no intervals in these results"));
        assert!(all.contains("the 15 busiest of 20 nodes"));
        assert!(
            texts.iter().any(|t| t == "<script>&x?"),
            "the hostile id, escaped: {texts:?}"
        );
        assert!(texts.iter().any(|t| t == "node_0"));
        assert!(!texts.iter().any(|t| t == "node_19"), "only the top 15");
        assert!(all.contains("2 400 · gave up 20 (0.8 %)"));
        assert!(all.contains("threshold 20 s"));
    }

    #[test]
    fn long_runs_are_binned_by_whole_days_or_parts_of_days() {
        assert_eq!(bin_size(48, 48), 1);
        assert_eq!(bin_size(48 * 14, 48), 1);
        assert_eq!(bin_size(48 * 15, 48), 2);
        assert_eq!(bin_size(48 * 365, 48), 48);
        assert_eq!(bin_size(96 * 365 * 3, 96), 192);
        let r = report(None, 48 * 20);
        let b = bins(&r);
        assert!(b.len() <= MAX_POINTS);
        assert!((b[1].at_h - 1.0).abs() < 1e-9, "two 30-minute intervals per bin");
        let svg = render(&r);
        let all = parse_and_check(&svg).join("\n");
        assert!(all.contains("over the run"));
        assert!(all.contains("calls offered (mean per interval)"));
    }

    #[test]
    fn numbers_read_as_a_manager_reads_them() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(999.4), "999");
        assert_eq!(count(1234567.0), "1 234 567");
        assert_eq!(
            figure(Some(&est(0.812, Some(0.0141))), 1, 100.0, " %"),
            ("81.2 %".into(), "± 1.4".into())
        );
        assert_eq!(figure(Some(&est(12.0, None)), 0, 1.0, ""), ("12".into(), String::new()));
        assert_eq!(figure(None, 0, 1.0, ""), ("–".into(), String::new()));
        assert_eq!(wait_label(20.0), "20 s");
        assert_eq!(wait_label(180.0), "3 min");
        assert_eq!(wait_label(3600.0), "1 h");
        assert_eq!(hours(0.0), "none");
        assert_eq!(hours(24.0), "24 h");
        assert_eq!(hours(168.0), "7 days");
    }
}
