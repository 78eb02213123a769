//! Recording "what the caller heard": one mono 16-bit PCM WAV at [`SAMPLE_RATE`] (8000 Hz, the
//! G.711 narrowband telephone rate), rendered from a call's [`Effect`]s.
//!
//! The driver hands the [`Recorder`] every effect as it drains them from the engine
//! ([`Recorder::observe`]), then renders the timeline once at the end
//! ([`Recorder::finish`]) and writes it with [`write_wav_atomic`]:
//!
//! ```no_run
//! # fn demo(call: &mut ivrsim::engine::Call, clips: &ivrsim::audio::ClipLibrary) -> std::io::Result<()> {
//! use ivrsim::audio::recorder::{Recorder, SAMPLE_RATE, write_wav_atomic};
//!
//! let mut recorder = Recorder::new();
//! while let Some(effect) = call.poll_effect() {
//!     recorder.observe(&effect);
//!     // … show or play the effect …
//! }
//! let samples = recorder.finish(clips, recorder.end());
//! write_wav_atomic("call.wav".as_ref(), &samples, SAMPLE_RATE)?;
//! # Ok(())
//! # }
//! ```
//!
//! The timeline:
//!
//! - a prompt starting at `at` plays its clip until the clip's end, `at + duration`, the
//!   next prompt's start or a [`Effect::StopPrompt`] (barge-in), whichever comes first;
//! - a prompt without a clip (text only) is silence for its duration;
//! - every key pressed is its DTMF tone ([`dtmf::TONE`], 100 ms), mixed in (saturating
//!   add) at its time; keys pressed together (a burst) are spaced [`dtmf::GAP`] apart, as
//!   a phone dialling them would;
//! - silence everywhere else, and the recording lasts exactly until the call's end:
//!   `end × 8000` samples (`end_ms × 8`).
//!
//! Clips are decoded once per [`ClipCache`], which live playback can share.

use std::collections::HashMap;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::clip::{ClipError, ClipLibrary};
use super::dtmf;
use crate::engine::{CallTime, Effect};

/// Sample rate of recordings, in Hz: 8000, the G.711 narrowband telephone rate.
pub const SAMPLE_RATE: u32 = 8000;

/// A decoded clip: mono 16-bit samples at `sample_rate` Hz.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pcm {
    /// Samples per second, in Hz.
    pub sample_rate: u32,
    /// The samples (channels of a multi-channel file averaged to one).
    pub samples: Arc<[i16]>,
}

impl Pcm {
    /// Playing time: `samples / sample_rate`.
    pub fn duration(&self) -> Duration {
        if self.sample_rate == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(
            u64::try_from(self.samples.len() as u128 * 1_000_000_000 / u128::from(self.sample_rate))
                .unwrap_or(u64::MAX),
        )
    }
}

/// Decodes every sample of the WAV file at `path` with [hound], as mono 16-bit PCM at the
/// file's own rate. Channels are averaged; 8-, 24- and 32-bit integers are scaled to 16
/// bits; float samples (−1.0 to 1.0) are scaled to full scale and clamped.
///
/// # Errors
/// [`ClipError::Missing`] when there is no file, [`ClipError::Rate`] for a sample rate
/// outside [`super::clip::AUDIO_RATES`] (checked before anything is decoded, see
/// [`super::clip::check_header`]), [`ClipError::Unreadable`] for anything hound cannot decode.
pub fn decode_clip(path: &Path) -> Result<Pcm, ClipError> {
    if !path.is_file() {
        return Err(ClipError::Missing);
    }
    let unreadable = |e: hound::Error| ClipError::Unreadable(e.to_string());
    let mut reader = hound::WavReader::open(path).map_err(unreadable)?;
    let spec = reader.spec();
    super::clip::check_header(&spec)?;
    let interleaved: Vec<i32> = match spec.sample_format {
        hound::SampleFormat::Int => {
            let bits = u32::from(spec.bits_per_sample);
            reader
                .samples::<i32>()
                .map(|s| {
                    s.map(|v| match bits {
                        0..=16 => v << (16 - bits),
                        _ => v >> (bits - 16),
                    })
                })
                .collect::<Result<_, _>>()
                .map_err(unreadable)?
        }
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .map(|s| s.map(|v| (f64::from(v) * f64::from(i16::MAX)).round() as i32))
            .collect::<Result<_, _>>()
            .map_err(unreadable)?,
    };
    let channels = usize::from(spec.channels);
    let samples = interleaved
        .chunks(channels)
        .map(|frame| clamp16(frame.iter().map(|&v| i64::from(v)).sum::<i64>() / frame.len() as i64))
        .collect();
    Ok(Pcm {
        sample_rate: spec.sample_rate,
        samples,
    })
}

fn clamp16(v: i64) -> i16 {
    v.clamp(i64::from(i16::MIN), i64::from(i16::MAX)) as i16
}

/// Converts mono samples from `from` Hz to `to` Hz.
///
/// - Same rate: a copy.
/// - Exactly half the rate (16000 → 8000 Hz, wideband G.722 clips to narrowband): each
///   output sample is the average of two input samples (a two-tap box filter, which
///   attenuates what would alias, −3 dB at 4 kHz and nothing left at 8 kHz, then
///   decimation by 2). `⌈n / 2⌉` samples.
/// - Any other ratio: linear interpolation between the two nearest input samples, no
///   anti-alias filter (good enough for a rehearsal recording). `⌈n × to / from⌉` samples.
///
/// Empty when either rate is 0.
pub fn resample(samples: &[i16], from: u32, to: u32) -> Vec<i16> {
    if from == 0 || to == 0 {
        return Vec::new();
    }
    if from == to {
        return samples.to_vec();
    }
    if u64::from(from) == 2 * u64::from(to) {
        return samples
            .chunks(2)
            .map(|pair| clamp16(pair.iter().map(|&v| i64::from(v)).sum::<i64>() / pair.len() as i64))
            .collect();
    }
    let (from, to) = (u128::from(from), u128::from(to));
    let n = samples.len() as u128;
    let out = (n * to).div_ceil(from);
    (0..out)
        .map(|j| {
            let num = j * from;
            let p = (num / to) as usize;
            let frac = (num % to) as f64 / to as f64;
            let a = f64::from(samples[p]);
            let b = f64::from(*samples.get(p + 1).unwrap_or(&samples[p]));
            (a + (b - a) * frac).round() as i16
        })
        .collect()
}

/// Decoded clips, each read from disk once; shared by recording and live playback.
/// A clip that cannot be decoded is remembered as such (and logged once) and plays as silence.
#[derive(Debug, Default)]
pub struct ClipCache {
    decoded: HashMap<PathBuf, Option<Pcm>>,
    resampled: HashMap<(PathBuf, u32), Arc<[i16]>>,
}

impl ClipCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The clip at `path` at its own rate, decoded on first use. `None` if it cannot be
    /// decoded. Cheap to clone (the samples are shared).
    pub fn get(&mut self, path: &Path) -> Option<Pcm> {
        self.decoded
            .entry(path.to_owned())
            .or_insert_with(|| match decode_clip(path) {
                Ok(pcm) => Some(pcm),
                Err(e) => {
                    tracing::warn!("clip {} plays as silence: {e}", path.display());
                    None
                }
            })
            .clone()
    }

    /// The clip at `path` converted to `rate` Hz (see [`resample`]), converted once.
    pub fn at_rate(&mut self, path: &Path, rate: u32) -> Option<Arc<[i16]>> {
        let key = (path.to_owned(), rate);
        if let Some(s) = self.resampled.get(&key) {
            return Some(s.clone());
        }
        let pcm = self.get(path)?;
        let samples: Arc<[i16]> = if pcm.sample_rate == rate {
            pcm.samples
        } else {
            resample(&pcm.samples, pcm.sample_rate, rate).into()
        };
        self.resampled.insert(key, samples.clone());
        Some(samples)
    }

    /// Number of clips tried (decoded or not).
    pub fn len(&self) -> usize {
        self.decoded.len()
    }

    /// Whether no clip was tried yet.
    pub fn is_empty(&self) -> bool {
        self.decoded.is_empty()
    }
}

/// One prompt on the timeline.
#[derive(Clone, Debug, PartialEq)]
struct Segment {
    clip: Option<PathBuf>,
    start: CallTime,
    /// `start + duration`, or earlier when cut.
    end: CallTime,
}

/// The timeline of a call as the caller heard it, built from its effects.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    prompts: Vec<Segment>,
    /// Key tones, with their (spaced) start times, in order.
    tones: Vec<(CallTime, char)>,
    /// The latest time any effect mentioned.
    last: CallTime,
    /// The time of [`Effect::Ended`], once seen.
    ended: Option<CallTime>,
}

impl Recorder {
    /// An empty timeline.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes note of one effect. Call it for every effect, in the order the engine gives them.
    pub fn observe(&mut self, effect: &Effect) {
        match effect {
            Effect::StartPrompt(p) => {
                self.cut(p.at);
                self.prompts.push(Segment {
                    clip: p.clip.clone(),
                    start: p.at,
                    end: p.at + p.duration,
                });
                self.saw(p.at);
            }
            Effect::StopPrompt { at } => {
                self.cut(*at);
                self.saw(*at);
            }
            Effect::DtmfTone { at, key } => {
                let start = match self.tones.last() {
                    Some((prev, _)) => (*at).max(*prev + dtmf::TONE + dtmf::GAP),
                    None => *at,
                };
                self.tones.push((start, *key));
                self.saw(*at);
            }
            Effect::Caption { at, .. }
            | Effect::Hangup { at }
            | Effect::Moved { at, .. }
            | Effect::LeftQueue { at, .. }
            | Effect::CallbackRequested { at, .. } => self.saw(*at),
            Effect::Handoff(h) => self.saw(h.time_in_ivr),
            Effect::Ended(summary) => {
                self.saw(summary.time_in_ivr);
                self.ended = Some(summary.time_in_ivr);
            }
        }
    }

    /// Stops the prompt playing at `at`, if one is.
    fn cut(&mut self, at: CallTime) {
        if let Some(last) = self.prompts.last_mut() {
            last.end = last.end.min(at.max(last.start));
        }
    }

    fn saw(&mut self, at: CallTime) {
        self.last = self.last.max(at);
    }

    /// The call's end as far as the effects tell: the time of [`Effect::Ended`], or before
    /// it comes, the latest time any effect mentioned.
    pub fn end(&self) -> CallTime {
        self.ended.unwrap_or(self.last)
    }

    /// Renders the timeline from time zero to `end` (usually [`Recorder::end`]) as mono
    /// 16-bit samples at [`SAMPLE_RATE`] Hz: exactly `end × 8000` samples, rounded down
    /// (`end_ms × 8` for whole milliseconds). Sound after `end` is cut off.
    ///
    /// Clips are those of `clips` (a clip the library could not read is silence), each
    /// decoded once for this recording and converted to 8000 Hz (see [`resample`]). To
    /// decode clips once for a whole session, shared with live playback, use
    /// [`Recorder::finish_with`].
    pub fn finish(&self, clips: &ClipLibrary, end: CallTime) -> Vec<i16> {
        self.render(&mut ClipCache::new(), end, |path| clips.get(path).is_some())
    }

    /// [`Recorder::finish`] with clips from `cache` (decoded on first use, kept for the
    /// next call); a clip that cannot be decoded is silence.
    pub fn finish_with(&self, cache: &mut ClipCache, end: CallTime) -> Vec<i16> {
        self.render(cache, end, |_| true)
    }

    fn render(&self, cache: &mut ClipCache, end: CallTime, usable: impl Fn(&Path) -> bool) -> Vec<i16> {
        let n = dtmf::samples_for(end, SAMPLE_RATE);
        let mut out = vec![0i16; n];
        let at = |t: CallTime| dtmf::samples_for(t, SAMPLE_RATE).min(n);
        for seg in &self.prompts {
            let clip = seg.clip.as_deref().filter(|c| usable(c));
            let Some(samples) = clip.and_then(|c| cache.at_rate(c, SAMPLE_RATE)) else {
                continue;
            };
            let (from, to) = (at(seg.start), at(seg.end));
            let len = (to - from.min(to)).min(samples.len());
            mix(&mut out[from..from + len], &samples[..len]);
        }
        let mut tones: HashMap<char, Vec<i16>> = HashMap::new();
        for &(t, key) in &self.tones {
            let tone = tones
                .entry(key)
                .or_insert_with(|| dtmf::tone(key, SAMPLE_RATE, dtmf::TONE).unwrap_or_default());
            let from = at(t);
            let len = (n - from).min(tone.len());
            mix(&mut out[from..from + len], &tone[..len]);
        }
        out
    }
}

/// Adds `src` into `dst`, sample by sample, saturating at the 16-bit limits.
pub fn mix(dst: &mut [i16], src: &[i16]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = d.saturating_add(*s);
    }
}

fn io_error(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// Writes `samples` as a mono 16-bit PCM WAV at `sample_rate` Hz to `path`, atomically:
/// the file is written to a temporary file in the same folder, synced, then renamed over
/// `path` ([`tempfile::NamedTempFile::persist`]), so a crash or a full disk never leaves
/// a half-written recording, and an existing file is replaced only by a complete one.
///
/// # Errors
/// Any I/O error (folder missing or not writable, disk full), or a recording too long for
/// a WAV file (more than 2³¹ samples, about 74 hours at 8000 Hz).
pub fn write_wav_atomic(path: &Path, samples: &[i16], sample_rate: u32) -> io::Result<()> {
    if samples.len() > (u32::MAX / 2) as usize {
        return Err(io::Error::other("the recording is too long for a WAV file"));
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    crate::atomic::write_with(path, |file| {
        let mut writer = hound::WavWriter::new(BufWriter::new(file), spec).map_err(io_error)?;
        for &s in samples {
            writer.write_sample(s).map_err(io_error)?;
        }
        writer.finalize().map_err(io_error)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::engine::{Outcome, PromptPlay, PromptRole, Summary};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn write(path: &Path, rate: u32, samples: &[i16]) {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for &s in samples {
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
    }

    fn prompt(clip: Option<&Path>, at: u64, duration: u64) -> Effect {
        Effect::StartPrompt(PromptPlay {
            node: "main".into(),
            role: PromptRole::Main,
            text: "Welcome".into(),
            clip: clip.map(Path::to_owned),
            at: ms(at),
            duration: ms(duration),
            barge_in: true,
        })
    }

    fn ended(at: u64) -> Effect {
        Effect::Ended(Summary {
            outcome: Outcome::Abandoned,
            path: Vec::new(),
            keys_pressed: 0,
            time_in_ivr: ms(at),
            time_to_operator: None,
            time_waiting: None,
            answered: false,
            disposition: None,
            variables: BTreeMap::new(),
            language: "en".into(),
        })
    }

    #[test]
    fn length_is_the_calls_end() {
        let mut rec = Recorder::new();
        rec.observe(&prompt(None, 0, 2000));
        rec.observe(&Effect::DtmfTone { at: ms(1234), key: '1' });
        rec.observe(&Effect::StopPrompt { at: ms(1234) });
        rec.observe(&Effect::Hangup { at: ms(1237) });
        assert_eq!(rec.end(), ms(1237));
        rec.observe(&ended(1237));
        assert_eq!(rec.end(), ms(1237));
        let mut clips = ClipCache::new();
        assert_eq!(rec.finish_with(&mut clips, rec.end()).len(), 1237 * 8);
        // A tone right at the end is cut off, never lengthening the recording.
        let mut rec = Recorder::new();
        rec.observe(&Effect::DtmfTone { at: ms(500), key: '#' });
        rec.observe(&ended(530));
        let samples = rec.finish_with(&mut clips, rec.end());
        assert_eq!(samples.len(), 530 * 8);
        assert!(samples[..4000].iter().all(|&s| s == 0) && samples[4000..].iter().any(|&s| s != 0));
        assert_eq!(
            Recorder::new().finish_with(&mut clips, Duration::ZERO),
            Vec::<i16>::new()
        );
        // Sub-millisecond ends round down.
        assert_eq!(
            Recorder::new()
                .finish_with(&mut clips, Duration::from_micros(1_999_999))
                .len(),
            15_999
        );
    }

    #[test]
    fn barge_in_cuts_the_prompt() {
        let dir = tempfile::tempdir().unwrap();
        let clip = dir.path().join("welcome.wav");
        write(&clip, 8000, &vec![1000; 16_000]); // 2 s
        let mut rec = Recorder::new();
        rec.observe(&prompt(Some(&clip), 100, 2000));
        rec.observe(&Effect::DtmfTone { at: ms(600), key: '1' });
        rec.observe(&Effect::StopPrompt { at: ms(600) });
        rec.observe(&prompt(Some(&clip), 900, 2000)); // the next node's prompt
        rec.observe(&ended(3500));
        let mut clips = ClipCache::new();
        let s = rec.finish_with(&mut clips, rec.end());
        assert_eq!(s.len(), 28_000);
        assert!(s[..800].iter().all(|&v| v == 0), "silence before the first prompt");
        assert!(
            s[800..4800].iter().all(|&v| v == 1000),
            "the prompt plays until the key"
        );
        assert!(
            s[4800..5600].iter().any(|&v| v != 1000 && v != 0),
            "then the key's tone"
        );
        assert!(
            s[5600..7200].iter().all(|&v| v == 0),
            "silence after the tone, not the rest of the prompt"
        );
        assert!(
            s[7200..23_200].iter().all(|&v| v == 1000),
            "the next prompt plays in full"
        );
        assert!(s[23_200..].iter().all(|&v| v == 0), "silence until the end");
        assert_eq!(clips.len(), 1, "the clip is decoded once");
    }

    #[test]
    fn a_new_prompt_replaces_the_one_playing_and_text_prompts_are_silent() {
        let dir = tempfile::tempdir().unwrap();
        let clip = dir.path().join("a.wav");
        write(&clip, 8000, &vec![500; 8000]);
        let mut rec = Recorder::new();
        rec.observe(&prompt(Some(&clip), 0, 1000));
        rec.observe(&prompt(None, 250, 1000)); // no StopPrompt in between
        rec.observe(&ended(1500));
        let s = rec.finish_with(&mut ClipCache::new(), rec.end());
        assert!(s[..2000].iter().all(|&v| v == 500));
        assert!(s[2000..].iter().all(|&v| v == 0));
    }

    #[test]
    fn mixing_saturates() {
        let mut a = [30_000i16, -30_000, 5, 0];
        mix(&mut a, &[10_000, -10_000, -10]);
        assert_eq!(a, [i16::MAX, i16::MIN, -5, 0]);
        // A tone over a loud prompt clips instead of wrapping around.
        let dir = tempfile::tempdir().unwrap();
        let clip = dir.path().join("loud.wav");
        write(&clip, 8000, &vec![i16::MAX - 100; 8000]);
        let mut rec = Recorder::new();
        rec.observe(&prompt(Some(&clip), 0, 1000));
        rec.observe(&Effect::DtmfTone { at: ms(200), key: '5' });
        let s = rec.finish_with(&mut ClipCache::new(), ms(1000));
        assert!(s[1600..2400].contains(&i16::MAX));
        assert!(s[1600..2400].iter().all(|&v| v > 0), "no wrap-around");
    }

    #[test]
    fn keys_pressed_together_are_spaced() {
        let mut rec = Recorder::new();
        rec.observe(&Effect::DtmfTone { at: ms(0), key: '1' });
        rec.observe(&Effect::DtmfTone { at: ms(0), key: '2' });
        rec.observe(&Effect::DtmfTone { at: ms(1000), key: '3' });
        assert_eq!(rec.tones, vec![(ms(0), '1'), (ms(160), '2'), (ms(1000), '3')]);
        let s = rec.finish_with(&mut ClipCache::new(), ms(1200));
        assert!(s[800..1280].iter().all(|&v| v == 0), "a 60 ms pause between the tones");
        assert!(s[1280..2080].iter().any(|&v| v != 0));
    }

    #[test]
    fn wideband_clips_are_decimated() {
        let dir = tempfile::tempdir().unwrap();
        let clip = dir.path().join("wide.wav");
        let wide: Vec<i16> = (0..16_000).map(|i| if i % 2 == 0 { 100 } else { 300 }).collect();
        write(&clip, 16_000, &wide);
        let mut clips = ClipCache::new();
        let narrow = clips.at_rate(&clip, SAMPLE_RATE).unwrap();
        assert_eq!(narrow.len(), 8000);
        assert!(narrow.iter().all(|&v| v == 200), "pairs averaged");
        let mut rec = Recorder::new();
        rec.observe(&prompt(Some(&clip), 0, 1000));
        rec.observe(&ended(1000));
        assert_eq!(rec.finish_with(&mut clips, rec.end()), vec![200; 8000]);
        assert_eq!(clips.get(&clip).unwrap().duration(), ms(1000));
    }

    #[test]
    fn other_rates_are_interpolated() {
        assert_eq!(
            resample(&[0, 100, 200, 300], 4000, 8000),
            vec![0, 50, 100, 150, 200, 250, 300, 300]
        );
        assert_eq!(resample(&[0, 300, 600], 12_000, 8000), vec![0, 450]);
        assert_eq!(resample(&[7, 9], 8000, 8000), vec![7, 9]);
        assert_eq!(resample(&[1, 2, 3], 16_000, 8000), vec![1, 3]);
        assert_eq!(resample(&[1], 0, 8000), Vec::<i16>::new());
        // 44.1 kHz: one second becomes one second.
        assert_eq!(resample(&vec![0; 44_100], 44_100, 8000).len(), 8000);
    }

    #[test]
    fn decodes_stereo_and_other_depths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stereo24.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 8000,
            bits_per_sample: 24,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for v in [256 * 1000, 256 * 3000, -256 * 400, -256 * 600] {
            w.write_sample(v).unwrap();
        }
        w.finalize().unwrap();
        assert_eq!(decode_clip(&path).unwrap().samples[..], [2000, -500]);
        assert_eq!(decode_clip(&dir.path().join("none.wav")), Err(ClipError::Missing));
        std::fs::write(dir.path().join("junk.wav"), b"not a wav").unwrap();
        assert!(matches!(
            decode_clip(&dir.path().join("junk.wav")),
            Err(ClipError::Unreadable(_))
        ));
        // A clip that cannot be decoded is silence in a recording.
        let mut clips = ClipCache::new();
        let mut rec = Recorder::new();
        rec.observe(&prompt(Some(&dir.path().join("junk.wav")), 0, 500));
        assert_eq!(rec.finish_with(&mut clips, ms(500)), vec![0; 4000]);
    }

    #[test]
    fn records_a_call_on_the_hotline() {
        use crate::engine::{Call, CallStart};
        let mut sources = crate::source::Sources::new();
        let menu = crate::menu::load_menu("menus/hotline.yaml".as_ref(), &mut sources)
            .unwrap()
            .menu
            .unwrap();
        let (lib, _) = ClipLibrary::load(&menu);
        let welcome = decode_clip(&menu.audio_dir.join("welcome.wav")).unwrap();
        let mut call = Call::new(&menu, lib.timings(), CallStart::default());
        let mut rec = Recorder::new();
        fn drain(call: &mut Call, rec: &mut Recorder) {
            while let Some(e) = call.poll_effect() {
                rec.observe(&e);
            }
        }
        drain(&mut call, &mut rec);
        // Into the main menu, then press 1 while it plays (barge-in), then hang up.
        let in_menu = welcome.duration() + ms(1500);
        call.handle_timeout(in_menu);
        drain(&mut call, &mut rec);
        call.handle_keys(in_menu, "1");
        drain(&mut call, &mut rec);
        call.handle_hangup(in_menu + ms(2003));
        drain(&mut call, &mut rec);
        assert!(call.is_ended());
        let end = rec.end();
        assert_eq!(end, in_menu + ms(2003));
        let samples = rec.finish(&lib, end);
        assert_eq!(samples.len(), dtmf::samples_for(end, SAMPLE_RATE));
        assert_eq!(
            samples[..welcome.samples.len()],
            welcome.samples[..],
            "the welcome, sample for sample"
        );
        // Without readable clips: silence but for the key's tone, and the same length.
        let silent = rec.finish(&ClipLibrary::default(), end);
        assert_eq!(silent.len(), samples.len());
        let key_at = dtmf::samples_for(in_menu, SAMPLE_RATE);
        assert!(silent[..key_at].iter().all(|&v| v == 0));
        assert!(silent[key_at..key_at + 800].iter().any(|&v| v != 0));
    }

    #[test]
    fn writes_a_complete_wav_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call.wav");
        std::fs::write(&path, b"an older recording").unwrap();
        let samples: Vec<i16> = (0..8000).map(|i| (i % 100) as i16).collect();
        write_wav_atomic(&path, &samples, SAMPLE_RATE).unwrap();
        let mut reader = hound::WavReader::open(&path).unwrap();
        let spec = reader.spec();
        assert_eq!((spec.channels, spec.sample_rate, spec.bits_per_sample), (1, 8000, 16));
        let back: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
        assert_eq!(back, samples);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["call.wav"], "no temporary file left behind");
        // A folder that does not exist is an error, and nothing is written.
        assert!(write_wav_atomic(&dir.path().join("no/such/dir/call.wav"), &samples, SAMPLE_RATE).is_err());
    }
}
