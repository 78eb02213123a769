//! Audio: reading prompt clips (durations, format). Playback, DTMF tones and recording
//! come with the call engine.

pub mod clip;

pub use clip::{ClipError, ClipInfo, ClipLibrary, read_clip};
