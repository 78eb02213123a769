//! Live playback: where a driver sends the sound of a call as it happens.
//!
//! [`AudioOut`] is what a driver needs: start a prompt, stop it at once (barge-in), sound a
//! key's tone. [`Silent`] does nothing (captions only, and tests). [`open_speaker`] opens
//! the default output device through [rodio](https://docs.rs/rodio/0.23) when ivrsim is
//! built with the `speaker` feature; rodio converts every sample rate to the device's.

/// Where the sound of a call goes. `Send`, so a driver may keep it on another thread or task.
pub trait AudioOut: Send {
    /// Starts playing mono 16-bit `samples` at `sample_rate` Hz, replacing (stopping) any
    /// prompt still playing. Returns at once; the sound plays in the background.
    fn play_prompt(&mut self, samples: &[i16], sample_rate: u32);

    /// Stops the prompt playing, at once (barge-in, or the call moved on). Does nothing
    /// when none is playing. Key tones already sounding finish (they last 100 ms).
    fn stop(&mut self);

    /// Sounds the DTMF tone of `key` ([`TONE`](crate::audio::dtmf::TONE), 100 ms), over any prompt playing.
    /// Keys that are not DTMF keys are ignored.
    fn tone(&mut self, key: char);
}

/// Plays nothing: for captions-only sessions and tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl AudioOut for Silent {
    fn play_prompt(&mut self, _samples: &[i16], _sample_rate: u32) {}

    fn stop(&mut self) {}

    fn tone(&mut self, _key: char) {}
}

/// Sample rate at which key tones are synthesized for the speaker, in Hz (8000: the
/// telephone band, as the caller would hear them).
pub const TONE_RATE: u32 = 8000;

/// Why no speaker could be opened. In each case the call goes on with captions only; the
/// first two say so themselves, [`SpeakerError::Open`] gets `captions only, no sound: ` put
/// before it (see `repl::sound`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpeakerError {
    /// Built without the `speaker` feature.
    #[error("built without the `speaker` feature: captions only (rebuild with `--features speaker` for sound)")]
    NotBuilt,
    /// This machine has no way to a speaker (Linux: no ALSA playback device, no PulseAudio
    /// or PipeWire server), the usual case on a server or in a container.
    #[error(
        "no sound output here (no ALSA playback device in /dev/snd, no PulseAudio or PipeWire server): captions only"
    )]
    NoOutput,
    /// The device could not be opened: `cannot open the sound output: ` and the error with its
    /// causes, on one line.
    #[error("{0}")]
    Open(String),
}

impl SpeakerError {
    /// Whether the message already says that the call goes on with captions only.
    #[must_use]
    pub fn says_captions_only(&self) -> bool {
        matches!(self, SpeakerError::NotBuilt | SpeakerError::NoOutput)
    }
}

/// Opens the default sound output device.
///
/// # Errors
/// [`SpeakerError`]: built without the `speaker` feature, no output device, or a device
/// that cannot be opened (the usual case on a server or in a container).
#[cfg(not(feature = "speaker"))]
pub fn open_speaker() -> Result<Box<dyn AudioOut>, SpeakerError> {
    Err(SpeakerError::NotBuilt)
}

/// Opens the default sound output device.
///
/// # Errors
/// [`SpeakerError`]: built without the `speaker` feature, no output device, or a device
/// that cannot be opened (the usual case on a server or in a container).
#[cfg(feature = "speaker")]
pub fn open_speaker() -> Result<Box<dyn AudioOut>, SpeakerError> {
    speaker::Speaker::open().map(|s| Box::new(s) as Box<dyn AudioOut>)
}

#[cfg(feature = "speaker")]
mod speaker {
    use std::num::{NonZeroU16, NonZeroU32};

    use rodio::buffer::SamplesBuffer;
    use rodio::{DeviceSinkBuilder, MixerDeviceSink, Player};

    use super::{AudioOut, SpeakerError, TONE_RATE};
    use crate::audio::dtmf;

    /// The default output device, through rodio.
    pub(super) struct Speaker {
        /// The open device stream; playback stops when it is dropped, so it lives here.
        device: MixerDeviceSink,
        /// The prompt playing, if any. Dropping a rodio `Player` stops its sound (within
        /// rodio's 5 ms control period), so a new `Player` per prompt makes stopping instant
        /// and never waits for a queue to drain.
        prompt: Option<Player>,
    }

    impl Speaker {
        pub(super) fn open() -> Result<Self, SpeakerError> {
            #[cfg(target_os = "linux")]
            if !linux_sound_route() {
                return Err(SpeakerError::NoOutput);
            }
            let mut device = DeviceSinkBuilder::open_default_sink().map_err(|e| SpeakerError::Open(reason(&e)))?;
            device.log_on_drop(false);
            Ok(Speaker { device, prompt: None })
        }

        fn buffer(samples: &[i16], sample_rate: u32) -> Option<SamplesBuffer> {
            let rate = NonZeroU32::new(sample_rate)?;
            let data: Vec<f32> = samples.iter().map(|&s| f32::from(s) / 32768.0).collect();
            Some(SamplesBuffer::new(NonZeroU16::MIN, rate, data))
        }
    }

    /// Whether this Linux machine has any way to a speaker: an ALSA playback device node
    /// (`/dev/snd/pcmC<card>D<device>p`), or a PulseAudio or PipeWire server (`$PULSE_SERVER`,
    /// or its socket in `$XDG_RUNTIME_DIR` or `/run/pulse`).
    ///
    /// Checked before asking cpal, because ALSA writes its failures (`ALSA lib confmisc.c:…
    /// cannot find card '0'`, eight lines) straight to the terminal, which would garble a
    /// session on a server or in a container, the usual case without sound.
    #[cfg(target_os = "linux")]
    fn linux_sound_route() -> bool {
        use std::path::Path;
        let playback_node = std::fs::read_dir("/dev/snd").is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("pcmC") && name.ends_with('p')
            })
        });
        let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(std::path::PathBuf::from);
        let server = std::env::var_os("PULSE_SERVER").is_some()
            || runtime
                .as_deref()
                .is_some_and(|dir| dir.join("pulse/native").exists() || dir.join("pipewire-0").exists())
            || Path::new("/run/pulse/native").exists()
            || Path::new("/var/run/pulse/native").exists();
        playback_node || server
    }

    /// An error and its causes on one line: `cannot open the sound output: A: B`.
    fn reason(e: &dyn std::error::Error) -> String {
        let mut out = format!("cannot open the sound output: {e}");
        let mut cause = e.source();
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    impl AudioOut for Speaker {
        fn play_prompt(&mut self, samples: &[i16], sample_rate: u32) {
            self.stop();
            let Some(buffer) = Self::buffer(samples, sample_rate) else {
                return;
            };
            let player = Player::connect_new(self.device.mixer());
            player.append(buffer);
            self.prompt = Some(player);
        }

        fn stop(&mut self) {
            if let Some(player) = self.prompt.take() {
                player.stop();
            }
        }

        fn tone(&mut self, key: char) {
            if let Some(buffer) = dtmf::tone(key, TONE_RATE, dtmf::TONE).and_then(|t| Self::buffer(&t, TONE_RATE)) {
                self.device.mixer().add(buffer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `repl::sound` puts "captions only, no sound: " before a reason that does not say so
    /// itself; the variant tells, as the text did.
    #[test]
    fn a_speaker_error_says_captions_only_when_its_text_does() {
        for e in [
            SpeakerError::NotBuilt,
            SpeakerError::NoOutput,
            SpeakerError::Open("cannot open the sound output: no device".into()),
        ] {
            assert_eq!(e.says_captions_only(), e.to_string().contains("captions only"), "{e}");
            assert!(!e.to_string().contains('\n'), "{e}");
        }
    }

    #[test]
    fn silent_does_nothing() {
        let mut out: Box<dyn AudioOut> = Box::new(Silent);
        out.play_prompt(&[0, 1, 2], 8000);
        out.tone('5');
        out.tone('x');
        out.stop();
        out.stop();
    }

    #[test]
    fn opening_the_speaker_never_panics() {
        // No sound card here: an error with a one-line reason; on a desk: a speaker.
        match open_speaker() {
            Ok(mut out) => {
                out.play_prompt(&[0; 80], 8000);
                out.tone('1');
                out.stop();
                out.play_prompt(&[], 0);
            }
            Err(why) => {
                let why = why.to_string();
                println!("open_speaker: {why}");
                assert!(!why.is_empty() && !why.contains('\n'), "{why}");
                if cfg!(not(feature = "speaker")) {
                    assert!(why.contains("--features speaker"), "{why}");
                }
            }
        }
    }
}
