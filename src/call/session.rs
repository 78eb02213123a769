//! A rehearsal session: the call being run, what it has done so far (for the transcript and
//! the recording), and the trainee's commands that are about the call rather than in it.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::input::Command;
use super::transcript::{Events, Transcript, write_atomic};
use crate::audio::ClipLibrary;
use crate::audio::recorder::{Recorder, SAMPLE_RATE, write_wav_atomic};
use crate::engine::{CallStart, CallTime, Effect, Summary, VirtualCaller};
use crate::error::WriteError;
use crate::menu::{GlobalAction, Menu, NodeKind};

/// How often, at most, the transcript is rewritten during a call (wall-clock time).
pub const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Longest call `--record` writes: a call's maximum length, 4 hours
/// ([`crate::engine::MAX_CALL_LENGTH`]; 230 MB of 8 kHz 16-bit audio, rendered in memory).
pub const MAX_RECORDING: std::time::Duration = crate::engine::MAX_CALL_LENGTH;

/// The most effects a session keeps of one call for its transcript. A call at its maximum
/// length with prompts of a few seconds has a few tens of thousands; past this (prompts of no
/// length repeated without end) further effects are counted, not kept, except the call's end,
/// and the transcript says how many were left out (`left_out`).
pub const MAX_LOG_EFFECTS: usize = 100_000;

/// What the trainee asked for on the command line.
#[derive(Clone, Debug, Default)]
pub struct SessionOptions {
    /// `--transcript FILE.json`.
    pub transcript: Option<PathBuf>,
    /// `--record FILE.wav`.
    pub record: Option<PathBuf>,
    /// `--save-scenario FILE.yaml`.
    pub save: Option<PathBuf>,
    /// How calls start (clock, language, preset variables).
    pub start: CallStart,
}

/// One trainee's session: a call at a time.
pub struct Session<'m> {
    /// The menu.
    pub menu: &'m Menu,
    /// Its clips.
    pub clips: &'m ClipLibrary,
    /// The call now, with its caller: in virtual time (the pipe) the caller's operations
    /// drive it; in real time (the REPL) the driver tells the call itself (through the
    /// caller's `Deref` to the call). Its effects are taken with [`Session::drain`].
    pub call: VirtualCaller<'m>,
    /// Options.
    pub options: SessionOptions,
    /// Every effect of the current call, in order (at most [`MAX_LOG_EFFECTS`]).
    pub log: Vec<Effect>,
    /// Effects of the current call not kept in `log`.
    pub left_out: u64,
    /// What the caller heard, when `--record` was given.
    pub recorder: Option<Recorder>,
    /// Whether the recording of the current (ended) call has been written.
    recording_written: bool,
    /// When the transcript was last written during the call, and how many effects it held.
    written: Option<(std::time::Instant, usize)>,
}

impl<'m> Session<'m> {
    /// Starts the first call.
    pub fn new(menu: &'m Menu, clips: &'m ClipLibrary, options: SessionOptions) -> Self {
        let call = VirtualCaller::new(menu, clips.timings(), options.start.clone());
        Session {
            menu,
            clips,
            call,
            recorder: options.record.as_ref().map(|_| Recorder::new()),
            recording_written: false,
            written: None,
            options,
            log: Vec::new(),
            left_out: 0,
        }
    }

    /// The effects the call has produced since last asked, logged and recorded.
    pub fn drain(&mut self) -> Vec<Effect> {
        let mut out = Vec::new();
        while let Some(e) = self.call.poll_effect() {
            if let Some(r) = self.recorder.as_mut() {
                r.observe(&e);
            }
            if self.log.len() < MAX_LOG_EFFECTS || matches!(e, Effect::Ended(_)) {
                self.log.push(e.clone());
            } else {
                self.left_out += 1;
            }
            out.push(e);
        }
        out
    }

    /// The summary, once the call has ended.
    pub fn summary(&self) -> Option<&Summary> {
        self.log.iter().rev().find_map(|e| match e {
            Effect::Ended(s) => Some(s),
            _ => None,
        })
    }

    /// What to say when a new call starts: the files now follow it.
    pub fn restart_notice(&self) -> String {
        if self.options.transcript.is_some() || self.options.record.is_some() {
            "--- a new call (--transcript and --record now follow this call) ---".into()
        } else {
            "--- a new call ---".into()
        }
    }

    /// Starts a new call (the files then describe the new call).
    pub fn restart(&mut self) {
        self.call = VirtualCaller::new(self.menu, self.clips.timings(), self.options.start.clone());
        self.log.clear();
        self.left_out = 0;
        self.recording_written = false;
        self.written = None;
        if self.recorder.is_some() {
            self.recorder = Some(Recorder::new());
        }
    }

    /// Runs a command that acts on the call (`:repeat`, `:back`, `:hangup`) at `now`, or
    /// returns the text of one that only shows something. `:restart` and `:quit` are the
    /// driver's to handle.
    pub fn command(&mut self, now: CallTime, cmd: Command) -> Option<String> {
        self.command_text(now, cmd)
            .map(|t| crate::source::printable(&t).into_owned())
    }

    fn command_text(&mut self, now: CallTime, cmd: Command) -> Option<String> {
        match cmd {
            Command::Help => Some(super::input::help(super::input::Reading::Pipe)),
            Command::Where => Some(self.where_text()),
            Command::Map => Some(self.map_text()),
            Command::Vars => Some(self.vars_text()),
            Command::Repeat => {
                self.call.handle_action(now, GlobalAction::Repeat);
                None
            }
            Command::Back => {
                self.call.handle_action(now, GlobalAction::Back);
                None
            }
            Command::Hangup => {
                self.call.handle_hangup(now);
                None
            }
            Command::Restart | Command::Quit => None,
        }
    }

    fn where_text(&self) -> String {
        let keys: Vec<std::borrow::Cow<str>> = self.call.path().iter().filter_map(|s| s.event.keys()).collect();
        let here = match self.call.current() {
            Some(n) if !self.call.is_ended() => format!("you are at `{}`", self.menu.node(n).id),
            Some(n) => format!("the call is over; it ended at `{}`", self.menu.node(n).id),
            None => "the call is over".to_owned(),
        };
        format!(
            "{here} after {}\nway here: {}\nkeys pressed: {}",
            super::render::clock(self.call.now()),
            self.call.route(),
            // The count, as the call's summary gives it, then the keys in order.
            if keys.is_empty() {
                "0".to_owned()
            } else {
                format!("{} ({})", self.call.keys_pressed(), keys.join(" "))
            }
        )
    }

    fn map_text(&self) -> String {
        let Some(id) = self.call.current() else {
            return "the call is over".into();
        };
        let node = self.menu.node(id);
        let mut s = String::new();
        match &node.kind {
            NodeKind::Menu(m) => {
                let _ = writeln!(s, "options of `{}`:", node.id);
                for o in &m.options {
                    let label = o.label.as_deref().unwrap_or(&o.to.name);
                    let say = if o.say.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "  (say: {})",
                            o.say.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                        )
                    };
                    let key = o.pattern.as_ref().map_or(o.key.as_str(), |p| p.as_str());
                    let _ = writeln!(s, "  {key:>4}  {label}{say}");
                }
            }
            NodeKind::Collect(c) => {
                let term = c.terminator.as_ref().map_or(String::new(), |t| format!(", then {t}"));
                let n = if c.min == c.max {
                    c.min.to_string()
                } else {
                    format!("{} to {}", c.min, c.max)
                };
                let _ = writeln!(s, "`{}` wants {n} digits{term}; here 0-9 are data", node.id);
            }
            NodeKind::External(e) => {
                let how = match &e.on {
                    Some(on) => format!(
                        "comes back: success to `{}`, error to `{}` (by `{}`)",
                        on.success.name, on.error.name, e.store
                    ),
                    None => "the IVR's part of the call ends there".into(),
                };
                let _ = writeln!(
                    s,
                    "`{}` hands the call to {} `{}`: {how}",
                    node.id,
                    e.app.name(),
                    e.name
                );
            }
            NodeKind::Record(r) => {
                let key = r.terminator.as_ref().map_or("any key".to_owned(), |k| format!("{k}"));
                let _ = writeln!(
                    s,
                    "`{}` records after the beep: speak, then stay silent {} s, or press {key}",
                    node.id,
                    r.final_silence.as_secs_f64()
                );
            }
            other => {
                let _ = writeln!(s, "`{}` is a {} node: no options", node.id, other.name());
            }
        }
        for (action, k) in crate::rules::active_global_keys(self.menu, id) {
            let _ = writeln!(
                s,
                "  {:>4}  {} (works here)",
                k.key.as_str(),
                action.name().replace('_', " ")
            );
        }
        s.trim_end().to_owned()
    }

    fn vars_text(&self) -> String {
        let vars = self.call.variables();
        if vars.is_empty() {
            return format!("nothing collected yet (language: {})", self.call.language());
        }
        let mut s = format!("language: {}", self.call.language());
        for (k, v) in vars {
            let _ = write!(s, "\n  {k} = {v}");
        }
        s
    }

    /// Writes the transcript and the recording, if asked for, atomically. `end` is the call
    /// time the files run to (the end of the call, or now if the trainee quit mid-call).
    ///
    /// # Errors
    /// [`WriteError`] naming the file that could not be written.
    pub fn write_files(&self, end: CallTime) -> Result<(), WriteError> {
        self.write_transcript()?;
        if let Some(out) = &self.options.save {
            super::save::save(
                out,
                self.menu,
                self.clips,
                &self.options.start,
                &self.log,
                self.call.path(),
            )?;
        }
        self.write_recording(end)
    }

    /// Keeps the files current during a call, cheaply: the transcript is rewritten when
    /// something happened, at most once a second (and when the call ends); the recording (a full render and a WAV of the whole call) only once the call
    /// has ended, and the final [`Session::write_files`] writes it in any case. Drivers call
    /// this after every input and timer, so a kill loses at most a second of the transcript
    /// and the recording of a call still in progress.
    ///
    /// # Errors
    /// As [`Session::write_files`].
    pub fn write_progress(&mut self, end: CallTime) -> Result<(), WriteError> {
        // Not more than once a second, and only when something happened: a transcript is
        // rewritten whole, so writing it for every line of a fast script would be quadratic.
        let changed = self
            .written
            .is_none_or(|(_, n)| n != self.log.len() + self.left_out as usize);
        let due = self.written.is_none_or(|(at, _)| at.elapsed() >= PROGRESS_EVERY);
        if !changed || !(due || self.call.is_ended()) {
            return Ok(());
        }
        self.written = Some((std::time::Instant::now(), self.log.len() + self.left_out as usize));
        self.write_transcript()?;
        if self.call.is_ended() && !self.recording_written {
            self.write_recording(end)?;
            self.recording_written = true;
        }
        Ok(())
    }

    fn write_transcript(&self) -> Result<(), WriteError> {
        let Some(path) = &self.options.transcript else {
            return Ok(());
        };
        let t = Transcript {
            version: 1,
            menu: &self.menu.name,
            file: self.menu.path.display().to_string(),
            started: self.options.start.clock.start.to_string(),
            events: Events {
                menu: self.menu,
                effects: &self.log,
            },
            left_out: self.left_out,
            summary: self.summary(),
        };
        let json = serde_json::to_vec_pretty(&t)?;
        write_atomic(path, &json).map_err(|e| WriteError::file(path, e))
    }

    fn write_recording(&self, end: CallTime) -> Result<(), WriteError> {
        let (Some(path), Some(rec)) = (&self.options.record, &self.recorder) else {
            return Ok(());
        };
        if end > MAX_RECORDING {
            return Err(WriteError::TooLong {
                path: path.clone(),
                lasted: end,
                limit: MAX_RECORDING,
            });
        }
        let samples = rec.finish(self.clips, end);
        write_wav_atomic(path, &samples, SAMPLE_RATE).map_err(|e| WriteError::file(path, e))
    }
}
