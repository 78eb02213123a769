//! DTMF (dual-tone multi-frequency) key tones, as the caller hears them when pressing a key.
//!
//! Each key is the sum of one low ("row") and one high ("column") sine, per ITU-T
//! Recommendation Q.23, *Technical features of push-button telephone sets*:
//!
//! | Hz   | 1209 | 1336 | 1477 | 1633 |
//! |------|------|------|------|------|
//! | 697  | 1    | 2    | 3    | A    |
//! | 770  | 4    | 5    | 6    | B    |
//! | 852  | 7    | 8    | 9    | C    |
//! | 941  | \*   | 0    | #    | D    |
//!
//! ITU-T Q.24 (*Multifrequency push-button signal reception*) asks receivers to accept
//! tones of 40 ms and more; telephone sets commonly send 70–100 ms, so a key press here
//! sounds for [`TONE`] (100 ms). The A–D column (1633 Hz) is synthesized too, though
//! menus rarely use it.

use std::f64::consts::TAU;
use std::time::Duration;

/// Default tone length: 100 ms, well above the 40 ms minimum receivers must accept
/// (ITU-T Q.24) and within the 70–100 ms telephone sets commonly send.
pub const TONE: Duration = Duration::from_millis(100);

/// Pause between two tones sent back to back: 60 ms (Q.24 receivers accept a pause of
/// 40 ms and more).
pub const GAP: Duration = Duration::from_millis(60);

/// Row (low group) frequencies in Hz, top row first (ITU-T Q.23).
pub const ROWS: [f64; 4] = [697.0, 770.0, 852.0, 941.0];

/// Column (high group) frequencies in Hz, left column first (ITU-T Q.23); 1633 Hz is the
/// A–D column.
pub const COLUMNS: [f64; 4] = [1209.0, 1336.0, 1477.0, 1633.0];

/// Peak amplitude of each of the two sines, as a fraction of full scale (`i16::MAX`).
/// Together they peak at 0.5 of full scale (about −6 dBFS): loud enough to hear, far from clipping.
pub const AMPLITUDE: f64 = 0.25;

/// Length of the linear fade in and fade out at each end of a tone, in ms, so the tone
/// starts and stops without a click.
pub const FADE_MS: u32 = 5;

/// The (row, column) frequencies of `key`, in Hz: `0`–`9`, `*`, `#` and `A`–`D`
/// (either case). `None` for any other character.
pub fn frequencies(key: char) -> Option<(f64, f64)> {
    let (row, col) = match key.to_ascii_uppercase() {
        '1' => (0, 0),
        '2' => (0, 1),
        '3' => (0, 2),
        'A' => (0, 3),
        '4' => (1, 0),
        '5' => (1, 1),
        '6' => (1, 2),
        'B' => (1, 3),
        '7' => (2, 0),
        '8' => (2, 1),
        '9' => (2, 2),
        'C' => (2, 3),
        '*' => (3, 0),
        '0' => (3, 1),
        '#' => (3, 2),
        'D' => (3, 3),
        _ => return None,
    };
    Some((ROWS[row], COLUMNS[col]))
}

/// Number of samples covering `duration` at `sample_rate` Hz (rounded down).
pub fn samples_for(duration: Duration, sample_rate: u32) -> usize {
    let n = duration.as_nanos() * u128::from(sample_rate) / 1_000_000_000;
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The tone of `key`: mono 16-bit samples at `sample_rate` Hz lasting `duration`
/// (`duration × sample_rate` samples, rounded down), the row and column sines summed at
/// [`AMPLITUDE`] each, with a [`FADE_MS`] linear fade at both ends (shortened to half the
/// tone when the tone is shorter than two fades).
///
/// `None` when `key` is not a DTMF key (see [`frequencies`]) or `sample_rate` is 0.
pub fn tone(key: char, sample_rate: u32, duration: Duration) -> Option<Vec<i16>> {
    let (low, high) = frequencies(key)?;
    if sample_rate == 0 {
        return None;
    }
    let n = samples_for(duration, sample_rate);
    let rate = f64::from(sample_rate);
    let fade = (samples_for(Duration::from_millis(u64::from(FADE_MS)), sample_rate)).min(n / 2);
    let peak = AMPLITUDE * f64::from(i16::MAX);
    Some(
        (0..n)
            .map(|i| {
                let t = i as f64 / rate;
                let edge = i.min(n - 1 - i);
                let gain = if edge < fade {
                    (edge as f64 + 0.5) / fade as f64
                } else {
                    1.0
                };
                let v = peak * gain * ((TAU * low * t).sin() + (TAU * high * t).sin());
                v.round() as i16
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Power of `freq` Hz in `samples` at `rate` Hz, by the Goertzel algorithm (a
    /// single-bin DFT: G. Goertzel, "An algorithm for the evaluation of finite
    /// trigonometric series", 1958), normalized by the block length.
    fn goertzel(samples: &[i16], rate: u32, freq: f64) -> f64 {
        let coeff = 2.0 * (TAU * freq / f64::from(rate)).cos();
        let (mut s1, mut s2) = (0.0f64, 0.0f64);
        for &x in samples {
            let s0 = f64::from(x) + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (samples.len() as f64).powi(2)
    }

    #[test]
    fn the_two_right_frequencies_dominate() {
        for rate in [8000, 16000] {
            for key in "0123456789*#".chars() {
                let samples = tone(key, rate, TONE).unwrap();
                let (row, col) = frequencies(key).unwrap();
                let power = |f| goertzel(&samples, rate, f);
                let (p_row, p_col) = (power(row), power(col));
                for &other in ROWS.iter().chain(&COLUMNS) {
                    if other != row && other != col {
                        let p = power(other);
                        assert!(
                            p_row > 20.0 * p,
                            "{key} at {rate} Hz: {row} Hz {p_row} vs {other} Hz {p}"
                        );
                        assert!(
                            p_col > 20.0 * p,
                            "{key} at {rate} Hz: {col} Hz {p_col} vs {other} Hz {p}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn length_level_and_fades() {
        let samples = tone('5', 8000, TONE).unwrap();
        assert_eq!(samples.len(), 800); // 100 ms at 8000 Hz
        let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(peak > i16::MAX as u16 / 4, "audible: {peak}");
        assert!(
            f64::from(peak) <= 2.0 * AMPLITUDE * f64::from(i16::MAX) + 1.0,
            "no clipping: {peak}"
        );
        // The fades start and end near zero.
        assert!(samples[0].unsigned_abs() < 1000 && samples[799].unsigned_abs() < 1000);
        assert_eq!(tone('1', 8000, Duration::from_millis(40)).unwrap().len(), 320);
        assert_eq!(tone('1', 8000, Duration::ZERO).unwrap().len(), 0);
        assert_eq!(tone('1', 8000, Duration::from_micros(250)).unwrap().len(), 2);
    }

    #[test]
    fn keys() {
        assert_eq!(frequencies('1'), Some((697.0, 1209.0)));
        assert_eq!(frequencies('0'), Some((941.0, 1336.0)));
        assert_eq!(frequencies('#'), Some((941.0, 1477.0)));
        assert_eq!(frequencies('*'), Some((941.0, 1209.0)));
        assert_eq!(frequencies('d'), Some((941.0, 1633.0)));
        assert_eq!(tone('x', 8000, TONE), None);
        assert_eq!(tone('1', 0, TONE), None);
    }
}
