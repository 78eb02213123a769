//! Audio: reading prompt clips (durations, format), DTMF key tones, recording what the
//! caller heard, and live playback.

pub mod clip;
pub mod dtmf;
pub mod recorder;
pub mod sink;

pub use clip::{ClipError, ClipInfo, ClipLibrary, read_clip};
pub use recorder::{ClipCache, Pcm, Recorder, decode_clip, write_wav_atomic};
pub use sink::{AudioOut, Silent, SpeakerError, open_speaker};
