//! How long prompts take to play.
//!
//! A prompt with a readable clip lasts as long as the clip. A prompt without one is timed
//! from its words at [`WORDS_PER_MINUTE`], the rate `scripts/render-prompts.sh` passes to
//! espeak-ng (`-s 150`), so text-only prompts are timed as if they had been rendered.
//!
//! Clip lengths come in a [`PromptTimings`] table, made once when the clips are read
//! (`crate::audio::ClipLibrary::timings`) or built directly (tests, importers, simulations
//! without sound files). The engine, the graph's time-to-operator and the checks take that
//! table, so none of them depends on the audio module (docs/architecture.md, "Layers, enforced by a test").

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::menu::{ClipRef, Prompt};

/// Speaking rate for prompts without a clip, in words per minute. Matches
/// `espeak-ng -s 150` in `scripts/render-prompts.sh`.
pub const WORDS_PER_MINUTE: u32 = 150;

/// Time to speak `text` at [`WORDS_PER_MINUTE`]; words are runs of non-space characters.
pub fn text_duration(text: &str) -> Duration {
    let words = text.split_whitespace().count() as u64;
    Duration::from_millis(words * 60_000 / u64::from(WORDS_PER_MINUTE))
}

/// Where a prompt's duration comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationSource {
    /// The clip's length.
    Clip,
    /// Estimated from the text.
    Text,
}

/// The playing time of every readable clip of a menu, by the clip's path (as resolved at
/// loading, [`ClipRef::path`]). A clip that is not in the table (missing, unreadable, or
/// never read) does not play: its prompt is timed from its text.
///
/// Made once per menu, before any call; a call only looks paths up. The default table has
/// no clips: every prompt is timed from its words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromptTimings {
    clips: HashMap<PathBuf, Duration>,
}

/// How one prompt plays in one language: for how long, and which clip (if any).
#[derive(Clone, Copy, Debug)]
pub struct PromptTiming<'p> {
    /// Playing time.
    pub duration: Duration,
    /// Where the duration comes from.
    pub source: DurationSource,
    /// The clip that plays: the prompt's clip in that language when it is readable.
    pub clip: Option<&'p ClipRef>,
}

impl PromptTimings {
    /// A table with no clips: every prompt is timed from its words.
    pub fn text_only() -> Self {
        Self::default()
    }

    /// Records that the clip at `path` is readable and plays for `duration`.
    pub fn insert(&mut self, path: impl Into<PathBuf>, duration: Duration) {
        self.clips.insert(path.into(), duration);
    }

    /// [`PromptTimings::insert`], by value.
    #[must_use]
    pub fn with_clip(mut self, path: impl Into<PathBuf>, duration: Duration) -> Self {
        self.insert(path, duration);
        self
    }

    /// The playing time of the readable clip at `path`; `None` when it does not play.
    pub fn clip(&self, path: &Path) -> Option<Duration> {
        self.clips.get(path).copied()
    }

    /// Number of readable clips.
    pub fn len(&self) -> usize {
        self.clips.len()
    }

    /// Whether no clip plays (every prompt is timed from its text).
    pub fn is_empty(&self) -> bool {
        self.clips.is_empty()
    }

    /// How `prompt` plays in `language` (`None`: the default language): its clip's length if
    /// it has a readable clip, else [`text_duration`] of its words.
    pub fn of<'p>(&self, prompt: &'p Prompt, language: Option<&str>) -> PromptTiming<'p> {
        let (text, clip) = match language {
            Some(l) => prompt.in_language(l),
            None => (prompt.text.as_str(), prompt.audio.as_ref()),
        };
        match clip.and_then(|c| self.clip(&c.path).map(|d| (c, d))) {
            Some((c, duration)) => PromptTiming {
                duration,
                source: DurationSource::Clip,
                clip: Some(c),
            },
            None => PromptTiming {
                duration: text_duration(text),
                source: DurationSource::Text,
                clip: None,
            },
        }
    }
}

/// Playing time of `prompt` in `language` (`None`: the default language), and where it
/// comes from: [`PromptTimings::of`].
pub fn prompt_duration(prompt: &Prompt, language: Option<&str>, timings: &PromptTimings) -> (Duration, DurationSource) {
    let t = timings.of(prompt, language);
    (t.duration, t.source)
}

/// A duration as shown to users (console, caller's summary, screen pop, scorecard, shift
/// summary): whole seconds, rounded to the nearest (a half second up), written `m:ss`, or
/// `h:mm:ss` from an hour on (`0:02`, `3:00`, `1:00:05`). The one rule for every duration
/// ivrsim shows; which duration is which is defined in docs/call-semantics.md ("Times").
/// Files keep exact milliseconds (`…_ms`).
pub fn duration_text(d: Duration) -> String {
    let s = d.as_secs().saturating_add(u64::from(d.subsec_millis() >= 500));
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_whole_seconds_rounded_half_up_as_minutes_and_seconds() {
        let ms = Duration::from_millis;
        assert_eq!(duration_text(Duration::ZERO), "0:00");
        assert_eq!(duration_text(ms(499)), "0:00");
        assert_eq!(duration_text(ms(500)), "0:01");
        assert_eq!(duration_text(ms(1_499)), "0:01");
        assert_eq!(duration_text(ms(1_500)), "0:02");
        assert_eq!(duration_text(ms(22_600)), "0:23");
        assert_eq!(duration_text(ms(59_500)), "1:00");
        assert_eq!(duration_text(Duration::from_secs(180)), "3:00");
        assert_eq!(duration_text(Duration::from_secs(3_599)), "59:59");
        assert_eq!(duration_text(Duration::from_secs(3_600)), "1:00:00");
        assert_eq!(duration_text(Duration::from_secs(36_061)), "10:01:01");
        assert!(!duration_text(Duration::MAX).is_empty());
    }

    #[test]
    fn a_readable_clip_times_its_prompt_and_plays_else_the_words_do() {
        let mut p = Prompt::text_only("one two three four five");
        p.audio = Some(ClipRef {
            name: "a.wav".into(),
            path: PathBuf::from("audio/a.wav"),
            span: crate::source::Span::default(),
        });
        let none = PromptTimings::text_only();
        let t = none.of(&p, None);
        assert_eq!(
            (t.duration, t.source, t.clip.is_none()),
            (Duration::from_secs(2), DurationSource::Text, true)
        );
        let with = PromptTimings::text_only().with_clip("audio/a.wav", Duration::from_millis(1_250));
        let t = with.of(&p, None);
        assert_eq!(
            (t.duration, t.source),
            (Duration::from_millis(1_250), DurationSource::Clip)
        );
        assert_eq!(t.clip.map(|c| c.name.as_str()), Some("a.wav"));
        // Another language without a translation falls back to the default one's clip.
        assert_eq!(with.of(&p, Some("fr")).duration, Duration::from_millis(1_250));
    }

    #[test]
    fn text_rate() {
        // 150 words per minute: 5 words take 2 seconds.
        assert_eq!(text_duration("one two three four five"), Duration::from_secs(2));
        assert_eq!(text_duration(""), Duration::ZERO);
    }
}
