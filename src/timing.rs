//! How long prompts take to play.
//!
//! A prompt with a readable clip lasts as long as the clip. A prompt without one is timed
//! from its words at [`WORDS_PER_MINUTE`], the rate `scripts/render-prompts.sh` passes to
//! espeak-ng (`-s 150`), so text-only prompts are timed as if they had been rendered.

use std::time::Duration;

use crate::audio::ClipLibrary;
use crate::menu::Prompt;

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

/// Playing time of `prompt` in `language` (`None`: the default language): the clip's
/// length if it has a readable clip, else [`text_duration`].
pub fn prompt_duration(prompt: &Prompt, language: Option<&str>, clips: &ClipLibrary) -> (Duration, DurationSource) {
    let (text, clip) = match language {
        Some(l) => prompt.in_language(l),
        None => (prompt.text.as_str(), prompt.audio.as_ref()),
    };
    match clip.and_then(|c| clips.get(&c.path)) {
        Some(info) => (info.duration(), DurationSource::Clip),
        None => (text_duration(text), DurationSource::Text),
    }
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
    fn text_rate() {
        // 150 words per minute: 5 words take 2 seconds.
        assert_eq!(text_duration("one two three four five"), Duration::from_secs(2));
        assert_eq!(text_duration(""), Duration::ZERO);
    }
}
