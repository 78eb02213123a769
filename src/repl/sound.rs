//! The sound of a call: the engine's effects played on an [`AudioOut`].
//!
//! A prompt with a readable clip is decoded once ([`ClipCache`], hound) and played from its
//! start; a text-only prompt is silence (and stops the one before). A
//! [`Effect::StopPrompt`] (barge-in, or the call moving on) stops playback at once, and
//! every key pressed sounds its DTMF tone over whatever plays. Everything here runs on the
//! driver's thread and returns at once: the device plays in its own background thread.

use crate::audio::{AudioOut, ClipCache, ClipLibrary, open_speaker};
use crate::engine::Effect;
use crate::menu::Menu;

/// Where the driver sends the call's sound; captions-only when there is no output.
pub struct Sound {
    out: Option<Box<dyn AudioOut>>,
    cache: ClipCache,
}

impl Sound {
    /// Captions only.
    pub fn off() -> Self {
        Sound {
            out: None,
            cache: ClipCache::new(),
        }
    }

    /// Sound through `out` (a speaker, or a test double).
    pub fn with(out: Box<dyn AudioOut>) -> Self {
        Sound {
            out: Some(out),
            cache: ClipCache::new(),
        }
    }

    /// The default speaker, unless `mute`. When it cannot be opened: captions only, and the
    /// one line to tell the trainee why.
    pub fn open(mute: bool) -> (Self, Option<String>) {
        if mute {
            return (Sound::off(), None);
        }
        match open_speaker() {
            Ok(out) => (Sound::with(out), None),
            Err(why) if why.says_captions_only() => (Sound::off(), Some(why.to_string())),
            Err(why) => (Sound::off(), Some(format!("captions only, no sound: {why}"))),
        }
    }

    /// Whether sound is on.
    pub fn is_on(&self) -> bool {
        self.out.is_some()
    }

    /// Decodes every readable clip of `menu` now, so that starting a prompt during the call
    /// never waits for a disk or a decoder. Does nothing when sound is off.
    pub fn preload(&mut self, menu: &Menu, clips: &ClipLibrary) {
        if self.out.is_none() {
            return;
        }
        for prompt in menu.prompts() {
            for (_, clip) in prompt.clips() {
                if clips.get(&clip.path).is_some() {
                    self.cache.get(&clip.path);
                }
            }
        }
    }

    /// Plays what `effect` sounds like: a prompt starts, stops, or a key sounds.
    pub fn effect(&mut self, effect: &Effect) {
        let Some(out) = self.out.as_mut() else { return };
        match effect {
            Effect::StartPrompt(p) => match p.clip.as_deref().and_then(|c| self.cache.get(c)) {
                Some(pcm) => out.play_prompt(&pcm.samples, pcm.sample_rate),
                None => out.stop(),
            },
            Effect::StopPrompt { .. } => out.stop(),
            Effect::DtmfTone { key, .. } => out.tone(*key),
            Effect::Hangup { .. }
            | Effect::Handoff(_)
            | Effect::Ended(_)
            | Effect::Caption { .. }
            | Effect::Moved { .. }
            | Effect::LeftQueue { .. }
            | Effect::CallbackRequested { .. } => {}
        }
    }

    /// Stops the prompt playing (the call was restarted or left).
    pub fn stop(&mut self) {
        if let Some(out) = self.out.as_mut() {
            out.stop();
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::engine::PromptPlay;

    /// An [`AudioOut`] that writes down what it was asked to do.
    #[derive(Clone, Default)]
    pub(crate) struct Log(pub Arc<Mutex<Vec<String>>>);

    impl Log {
        pub(crate) fn take(&self) -> Vec<String> {
            std::mem::take(&mut *self.0.lock().unwrap())
        }
    }

    impl AudioOut for Log {
        fn play_prompt(&mut self, samples: &[i16], sample_rate: u32) {
            self.0
                .lock()
                .unwrap()
                .push(format!("play {} @ {sample_rate}", samples.len()));
        }
        fn stop(&mut self) {
            self.0.lock().unwrap().push("stop".into());
        }
        fn tone(&mut self, key: char) {
            self.0.lock().unwrap().push(format!("tone {key}"));
        }
    }

    fn prompt(clip: Option<std::path::PathBuf>) -> Effect {
        Effect::StartPrompt(PromptPlay {
            node: "main".into(),
            role: crate::engine::PromptRole::Main,
            text: "Hello.".into(),
            clip,
            at: std::time::Duration::ZERO,
            duration: std::time::Duration::from_secs(1),
            barge_in: true,
        })
    }

    #[test]
    fn effects_become_sound() {
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("hello.wav");
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&wav, spec).unwrap();
        for i in 0..800 {
            w.write_sample((i % 100) as i16).unwrap();
        }
        w.finalize().unwrap();

        let log = Log::default();
        let mut sound = Sound::with(Box::new(log.clone()));
        assert!(sound.is_on());
        sound.effect(&prompt(Some(wav)));
        sound.effect(&Effect::DtmfTone {
            at: std::time::Duration::ZERO,
            key: '1',
        });
        sound.effect(&Effect::StopPrompt {
            at: std::time::Duration::ZERO,
        });
        // A text-only prompt, and a clip that cannot be read: silence.
        sound.effect(&prompt(None));
        sound.effect(&prompt(Some(dir.path().join("missing.wav"))));
        sound.stop();
        assert_eq!(
            log.take(),
            ["play 800 @ 8000", "tone 1", "stop", "stop", "stop", "stop"]
        );
    }

    #[test]
    fn muted_is_silent() {
        let (sound, notice) = Sound::open(true);
        assert!(!sound.is_on() && notice.is_none());
        let mut off = Sound::off();
        off.effect(&prompt(None));
        off.stop();
    }
}
