//! Prompt clips: WAV files read with [hound], their length, whether their sample rate is one
//! ivrsim accepts ([`AUDIO_RATES`]) and whether they are in
//! telephony format (mono, 16-bit PCM, 8000 or 16000 Hz: G.711 narrowband and G.722
//! wideband sample rates).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::diag::{Code, Diagnostic};
use crate::menu::{ClipRef, Menu};
use crate::timing::PromptTimings;

/// Sample rates accepted as telephony: 8000 Hz (narrowband, G.711) and 16000 Hz
/// (wideband, G.722).
pub const TELEPHONY_RATES: [u32; 2] = [8000, 16000];

/// Sample rates ivrsim accepts in a clip, in Hz: the [telephony rates](TELEPHONY_RATES) and
/// the standard audio rates that espeak-ng (22050 Hz), sox and recorders write (11025, 22050
/// and 44100 Hz, the CD family; 32000 and 48000 Hz, the broadcast and video family). A clip at
/// any other rate is an error (E012): a header declaring 1 Hz would otherwise be stretched
/// 8000-fold when a call is recorded at 8000 Hz. Clips at a non-telephony rate in this set are
/// converted when played or recorded, with a warning (W010).
pub const AUDIO_RATES: [u32; 7] = [8000, 11025, 16000, 22050, 32000, 44100, 48000];

/// Checks what a WAV header declares before any sample is decoded: at least one channel and a
/// sample rate in [`AUDIO_RATES`]. Shared by `check` ([`read_clip`]) and the recorder and
/// speaker ([`super::decode_clip`]), so no clip reaches resampling at a rate that would
/// multiply its size: every accepted rate is at least the 8000 Hz of recordings, so a
/// recording holds at most as many samples as the clip file.
///
/// # Errors
/// [`ClipError::Unreadable`] for zero channels or a zero rate, [`ClipError::Rate`] for a rate
/// outside [`AUDIO_RATES`].
pub fn check_header(spec: &hound::WavSpec) -> Result<(), ClipError> {
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(ClipError::Unreadable(
            "the header gives zero channels or a zero sample rate".into(),
        ));
    }
    if !AUDIO_RATES.contains(&spec.sample_rate) {
        return Err(ClipError::Rate(spec.sample_rate));
    }
    Ok(())
}

/// What a readable clip is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClipInfo {
    /// Samples per second per channel, in Hz.
    pub sample_rate: u32,
    /// Number of channels.
    pub channels: u16,
    /// Bits per sample.
    pub bits_per_sample: u16,
    /// Whether samples are integers (PCM) rather than floats.
    pub pcm: bool,
    /// Samples per channel actually present in the file.
    pub frames: u64,
}

impl ClipInfo {
    /// Playing time: `frames / sample_rate`.
    pub fn duration(&self) -> Duration {
        if self.sample_rate == 0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(self.frames as f64 / f64::from(self.sample_rate))
    }

    /// Whether the clip is mono 16-bit PCM at a [telephony rate](TELEPHONY_RATES).
    pub fn is_telephony(&self) -> bool {
        self.channels == 1 && self.bits_per_sample == 16 && self.pcm && TELEPHONY_RATES.contains(&self.sample_rate)
    }

    /// `8000 Hz, mono, 16-bit PCM`.
    pub fn describe(&self) -> String {
        let ch = match self.channels {
            1 => "mono".to_owned(),
            2 => "stereo".to_owned(),
            n => format!("{n} channels"),
        };
        let fmt = if self.pcm { "PCM" } else { "float" };
        format!("{} Hz, {ch}, {}-bit {fmt}", self.sample_rate, self.bits_per_sample)
    }
}

/// Why a clip cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClipError {
    /// The file does not exist.
    #[error("no such file")]
    Missing,
    /// The file exists but is not a readable WAV (bad header, truncated data, other format).
    #[error("{0}")]
    Unreadable(String),
    /// The path leads outside `audio_dir` through a symbolic link.
    #[error("the path leads outside `audio_dir` (through a link)")]
    Escapes,
    /// The header declares a sample rate (Hz) outside [`AUDIO_RATES`].
    #[error("its header declares {0} Hz, not an audio sample rate")]
    Rate(u32),
}

/// Reads a clip's header and decodes every sample, so a header that promises more data
/// than the file holds (a "lying header") is caught here rather than during a call.
///
/// # Errors
/// [`ClipError::Missing`] when there is no file, [`ClipError::Unreadable`] for anything
/// hound cannot decode to the end.
pub fn read_clip(path: &Path) -> Result<ClipInfo, ClipError> {
    if !path.is_file() {
        return Err(ClipError::Missing);
    }
    crate::atomic::note_read(path);
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if bytes == 0 {
        return Err(ClipError::Unreadable("the file is empty (0 bytes)".into()));
    }
    let mut reader = hound::WavReader::open(path).map_err(|e| ClipError::Unreadable(header_problem(&e, bytes)))?;
    let spec = reader.spec();
    check_header(&spec)?;
    let declared = u64::from(reader.len());
    let mut samples = 0u64;
    let decoded: Result<(), hound::Error> = match spec.sample_format {
        hound::SampleFormat::Int => reader.samples::<i32>().try_for_each(|s| s.map(|_| samples += 1)),
        hound::SampleFormat::Float => reader.samples::<f32>().try_for_each(|s| s.map(|_| samples += 1)),
    };
    if let Err(e) = decoded {
        // hound reports a short read as "Failed to read enough bytes" (an I/O or format
        // error, by version); what the user needs is how much of the clip is there.
        return Err(ClipError::Unreadable(if samples < declared {
            format!("the file ends after {samples} of the {declared} samples its header promises")
        } else {
            format!("the sample data is damaged: {e}")
        }));
    }
    if samples != declared {
        return Err(ClipError::Unreadable(format!(
            "the header promises {declared} samples but the file holds {samples}"
        )));
    }
    Ok(ClipInfo {
        sample_rate: spec.sample_rate,
        channels: spec.channels,
        bits_per_sample: spec.bits_per_sample,
        pcm: spec.sample_format == hound::SampleFormat::Int,
        frames: samples / u64::from(spec.channels),
    })
}

/// Name of the manifest `scripts/render-prompts.sh` keeps in each audio folder: lines of
/// `file<TAB>sha256<TAB>text`, the text as `ivrsim prompts` printed it.
pub const MANIFEST: &str = ".rendered";

/// A prompt text as one line, the way `ivrsim prompts` prints it (tabs and line breaks as spaces).
pub fn one_line(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// The render manifests of the folders clips are in, read once per folder.
#[derive(Default)]
struct Manifests {
    dirs: HashMap<PathBuf, HashMap<String, String>>,
}

impl Manifests {
    /// The text a clip was rendered from, if its folder's manifest says.
    fn text_of(&mut self, clip: &Path) -> Option<&str> {
        let dir = clip.parent()?.to_owned();
        let name = clip.file_name()?.to_str()?;
        let entries = self.dirs.entry(dir).or_insert_with_key(|dir| {
            crate::atomic::note_read(&dir.join(MANIFEST));
            std::fs::read_to_string(dir.join(MANIFEST))
                .unwrap_or_default()
                .lines()
                .filter_map(|l| {
                    let mut parts = l.splitn(3, '\t');
                    let (file, _hash, text) = (parts.next()?, parts.next()?, parts.next()?);
                    Some((file.to_owned(), text.to_owned()))
                })
                .collect()
        });
        entries.get(name).map(String::as_str)
    }
}

/// A WAV header error in words.
fn header_problem(e: &hound::Error, bytes: u64) -> String {
    match e {
        hound::Error::FormatError(m) if m.contains("enough bytes") => {
            format!("the file ends inside its WAV header ({bytes} bytes)")
        }
        hound::Error::FormatError(m) if m.contains("RIFF") || m.contains("WAVE") => {
            "not a WAV file: it does not start with a RIFF/WAVE header".into()
        }
        hound::Error::Unsupported => "a WAV encoding hound cannot read (use 16-bit PCM)".into(),
        hound::Error::IoError(io) => io.to_string(),
        other => format!("bad WAV header: {other}"),
    }
}

/// Every clip a menu names, each read once.
#[derive(Clone, Debug, Default)]
pub struct ClipLibrary {
    clips: HashMap<PathBuf, Result<ClipInfo, ClipError>>,
    /// The lengths of the readable clips, for the engine (made as they are read).
    timings: PromptTimings,
}

impl ClipLibrary {
    /// Reads every clip named by `menu`, returning the library and the findings about
    /// clips (E011 missing, E012 unreadable, E013 escaping by link, W010 not telephony),
    /// each reported once, at the first prompt naming the clip.
    pub fn load(menu: &Menu) -> (Self, Vec<Diagnostic>) {
        let mut lib = Self::default();
        let mut diags = Vec::new();
        let dir = if menu.audio_dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            menu.audio_dir.as_path()
        };
        let root = dir.canonicalize().ok();
        let mut manifests = Manifests::default();
        let default_lang = menu.languages.first().map_or("", String::as_str);
        for prompt in menu.prompts() {
            for (lang, clip) in prompt.clips() {
                if lib.clips.contains_key(&clip.path) {
                    continue;
                }
                let result = match (&root, clip.path.canonicalize()) {
                    (Some(root), Ok(real)) if !real.starts_with(root) => Err(ClipError::Escapes),
                    _ => read_clip(&clip.path),
                };
                if let Some(d) = finding(clip, &result, menu) {
                    diags.push(d);
                } else if let Some(rendered) = manifests.text_of(&clip.path) {
                    let text = prompt.in_language(lang.unwrap_or(default_lang)).0;
                    if one_line(text) != rendered {
                        diags.push(
                            Diagnostic::new(
                                Code::StaleClip,
                                clip.span,
                                format!("clip `{}` says something else", clip.name),
                            )
                            .label("the prompt's text changed after this clip was rendered")
                            .note(format!("the clip was rendered from: \"{rendered}\""))
                            .help(format!("render it again: `{}`", render_command(&menu.path))),
                        );
                    }
                }
                if let Ok(info) = &result {
                    lib.timings.insert(clip.path.clone(), info.duration());
                }
                lib.clips.insert(clip.path.clone(), result);
            }
        }
        (lib, diags)
    }

    /// The clip at `path`, if it was read and is usable.
    pub fn get(&self, path: &Path) -> Option<&ClipInfo> {
        self.clips.get(path).and_then(|r| r.as_ref().ok())
    }

    /// The playing time of every readable clip: what the engine, the graph's
    /// time-to-operator and the checks take ([`PromptTimings`]), made once at [`ClipLibrary::load`].
    pub fn timings(&self) -> &PromptTimings {
        &self.timings
    }

    /// Number of distinct clips named.
    pub fn len(&self) -> usize {
        self.clips.len()
    }

    /// Whether no clip is named.
    pub fn is_empty(&self) -> bool {
        self.clips.is_empty()
    }
}

/// `8000, 11025, …, 44100 or 48000`.
fn rates_in_words() -> String {
    let (last, rest) = AUDIO_RATES.split_last().expect("rates");
    let rest: Vec<String> = rest.iter().map(u32::to_string).collect();
    format!("{} or {last}", rest.join(", "))
}

/// The command that renders the clips of the menu at `menu` (as the user named it): the
/// render script needs the menu's path for a menu outside `menus/`.
pub fn render_command(menu: &Path) -> String {
    format!(
        "scripts/render-prompts.sh {}",
        crate::source::printable(&menu.display().to_string())
    )
}

fn finding(clip: &ClipRef, result: &Result<ClipInfo, ClipError>, menu: &Menu) -> Option<Diagnostic> {
    let audio_dir = &menu.audio_dir;
    match result {
        Ok(info) if !info.is_telephony() => Some(
            Diagnostic::new(
                Code::NotTelephony,
                clip.span,
                format!("clip `{}` is not in telephony format", clip.name),
            )
            .label(info.describe())
            .help("convert it: `sox in.wav -r 8000 -c 1 -b 16 -e signed-integer out.wav`")
            .note("telephony clips are mono, 16-bit PCM, 8000 or 16000 Hz"),
        ),
        Ok(_) => None,
        Err(ClipError::Missing) => Some(
            Diagnostic::new(
                Code::MissingClip,
                clip.span,
                format!("clip `{}` does not exist", clip.name),
            )
            .label(format!("looked for {}", clip.path.display()))
            .note(format!(
                "clips are read from `audio_dir`: {}",
                crate::menu::display_dir(audio_dir)
            ))
            .help(format!(
                "render the prompts with `{}`, or fix the name",
                render_command(&menu.path)
            )),
        ),
        Err(ClipError::Escapes) => Some(
            Diagnostic::new(
                Code::ClipEscapes,
                clip.span,
                format!("clip `{}` leaves `audio_dir`", clip.name),
            )
            .label("a link inside `audio_dir` points outside it"),
        ),
        Err(ClipError::Rate(hz)) => Some(
            Diagnostic::new(
                Code::BadClip,
                clip.span,
                format!("clip `{}` has a sample rate of {hz} Hz", clip.name),
            )
            .label("not an audio sample rate")
            .note(format!(
                "clips are {} Hz (8000 or 16000 Hz for telephony)",
                rates_in_words()
            ))
            .help("convert it: `sox in.wav -r 8000 -c 1 -b 16 -e signed-integer out.wav`"),
        ),
        Err(ClipError::Unreadable(why)) => Some(
            Diagnostic::new(
                Code::BadClip,
                clip.span,
                format!("clip `{}` is not a readable WAV file", clip.name),
            )
            .label(why.clone()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_wav(path: &Path, rate: u32, channels: u16, frames: u32) {
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for _ in 0..frames * u32::from(channels) {
            w.write_sample(0i16).unwrap();
        }
        w.finalize().unwrap();
    }

    #[test]
    fn reads_duration_and_format() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.wav");
        write_wav(&p, 8000, 1, 12000);
        let info = read_clip(&p).unwrap();
        assert_eq!(info.duration(), Duration::from_millis(1500));
        assert!(info.is_telephony());
        let q = dir.path().join("b.wav");
        write_wav(&q, 44100, 2, 100);
        assert!(!read_clip(&q).unwrap().is_telephony());
    }

    #[test]
    fn lying_header_and_junk_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.wav");
        write_wav(&p, 8000, 1, 8000);
        let mut bytes = std::fs::read(&p).unwrap();
        bytes.truncate(bytes.len() - 4000); // header still says 8000 samples
        std::fs::write(&p, &bytes).unwrap();
        assert!(matches!(read_clip(&p), Err(ClipError::Unreadable(_))));
        std::fs::write(&p, b"RIFF\x00\x00junkjunk").unwrap();
        assert!(matches!(read_clip(&p), Err(ClipError::Unreadable(_))));
        assert_eq!(read_clip(&dir.path().join("none.wav")), Err(ClipError::Missing));
    }
}
