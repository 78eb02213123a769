//! The real-time driver: the trainee's lines and the call's timers, raced on one thread.
//!
//! # Time
//!
//! Call time ([`CallTime`], a `Duration` since the call started) is read from tokio's
//! monotonic clock ([`Clock`]): a line typed 2.5 s after the call started is handed to
//! the engine at 2.5 s. The driver sleeps until the engine's next deadline
//! ([`Call::poll_timeout`](crate::engine::Call::poll_timeout): a prompt's end, the
//! no-input or the inter-digit time-out) with [`tokio::time::sleep_until`], racing the next
//! line, and hands the engine the deadline itself ([`handle_timeout(due)`]), so the times
//! in the transcript are the engine's, whatever the wake-up lateness (about 1 ms: tokio's
//! timer wheel rounds up to whole milliseconds). A line that arrives after a deadline the
//! driver has not yet woken for is still right: the engine fires overdue timers first.
//!
//! With `timeouts` off (`--no-timeouts`) prompts still play in real time, but the line
//! waits for the trainee: the clock holds 1 ms before the no-input or inter-digit deadline
//! for as long as the trainee takes, and an empty line jumps to that deadline (as in the
//! pipe driver, [`crate::call::pipe`]). With `timeouts` on, an empty line does nothing:
//! staying silent is not typing.
//!
//! # Turns
//!
//! With `turns` (input that is not a terminal: `call --operator` or `--timeouts` from a
//! pipe) the caller listens as in the pipe driver ([`crate::call::pipe`]): each line (and
//! the end of the input) is held until it is the caller's turn, when no prompt is playing,
//! and taken in order, one at a time, checking again after each. An empty line is then
//! silence until the next timer of the call's node has passed (a time-out; on the operator
//! line, the next hold announcement or wait limit; none while a call-taker has the call),
//! in real time with `timeouts` on: the lines after it wait for it. After
//! [`MAX_PROMPTS_WITHOUT_A_TURN`] prompts in a row without a turn (messages leading round
//! in a loop), the next line is taken during the prompt, as from a pipe.
//!
//! # Threads
//!
//! [`Driver::run`] is a future for a current-thread tokio runtime: the engine, the timers
//! and the sound calls (which return at once) all run on that one thread. Lines come from
//! a reader thread over an unbounded channel ([`Event`]); after each line the driver calls
//! `ready` so the reader shows the prompt again (and so it is never inside `readline` when
//! the driver returns). What the driver shows goes to a [`Screen`], which must not block.
//!
//! [`handle_timeout(due)`]: crate::engine::Call::handle_timeout

use std::future::Future;
use std::io;
use std::pin::pin;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

use super::editor::{SharedWords, menu_words};
use super::link::{Heard, Link};
use super::sound::Sound;
use crate::call::Session;
use crate::call::dispatch::Next;
use crate::call::input::{self, Input};
use crate::call::pipe::{MAX_PROMPTS_WITHOUT_A_TURN, no_pause};
use crate::call::render;
use crate::engine::{CallTime, Effect};
use crate::source::printable;
use crate::terminal::sleep_until;
pub use crate::terminal::{Event, Screen};

/// Indent of the driver's own lines (command output, explanations), under the captions.
const INDENT: &str = "           ";

/// Shown in a terminal once when a call ends, and when keys or words come after (from a
/// pipe: nothing at the end, and [`input::AFTER_THE_END`] for a line after it).
pub const CALL_OVER: &str = "(the call is over: `:restart` for a new one, `:quit` to leave)";

/// With `--no-timeouts`, how far before a pending time-out the clock holds while the
/// trainee thinks (the engine fires a timer at its deadline, not before).
pub const HOLD_BEFORE_DEADLINE: Duration = Duration::from_millis(1);

/// What the driver has for the line to the console, in order.
#[derive(Debug)]
enum ToLink {
    /// An effect of the call the link takes note of (handoff, leaving, the end).
    Effect(Effect),
    /// The caller's words to the call-taker.
    Say(String),
    /// Keys the caller pressed while talking with the call-taker.
    Keys(String),
}

/// The call's clock: call time now, and the instant a call time falls on.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// The instant at which the call time was `at`.
    origin: Instant,
    at: CallTime,
}

impl Clock {
    /// Call time zero, now.
    pub fn start() -> Self {
        Clock {
            origin: Instant::now(),
            at: Duration::ZERO,
        }
    }

    /// The call time now.
    pub fn now(&self) -> CallTime {
        self.at + Instant::now().saturating_duration_since(self.origin)
    }

    /// The instant call time `t` falls on (now, if `t` is before the last [`Clock::set`]).
    pub fn instant(&self, t: CallTime) -> Instant {
        // A deadline too far to represent (a clip of days) is "never" for the runtime: a year on.
        let far = self.origin + Duration::from_secs(365 * 24 * 3600);
        self.origin.checked_add(t.saturating_sub(self.at)).unwrap_or(far)
    }

    /// Makes the call time now `t` (holding the clock back, or moving it on); it runs on
    /// from there.
    pub fn set(&mut self, t: CallTime) {
        self.origin = Instant::now();
        self.at = t;
    }
}

/// How the driver behaves.
#[derive(Clone, Copy, Debug)]
pub struct DriverOptions {
    /// Run the no-input and inter-digit time-outs in real time.
    pub timeouts: bool,
    /// Repeat each line read (`> 1`), for input that does not echo (a pipe).
    pub echo: bool,
    /// The trainee types in a line editor (Tab completion, Ctrl-D): for `:help`.
    pub editor: bool,
    /// Each line waits for the caller's turn (input that is not a terminal: see the
    /// module's "Turns").
    pub turns: bool,
}

/// Whether to go on after a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Go,
    Leave,
}

/// Runs a session's calls in real time.
pub struct Driver<'a, 'm> {
    session: &'a mut Session<'m>,
    screen: &'a mut dyn Screen,
    sound: &'a mut Sound,
    words: Option<SharedWords>,
    options: DriverOptions,
    clock: Clock,
    /// The end of the current call has been shown.
    told_over: bool,
    /// The last error writing the files, shown once.
    write_error: Option<String>,
    /// The line to a call-taker console (`--operator`).
    link: Option<Link>,
    /// Effects (and words) for the link, taken by the main loop.
    to_link: Vec<ToLink>,
    /// With `turns`, after an empty line: the call time until which the caller stays silent.
    silent_until: Option<CallTime>,
    /// Prompts started in a row without a turn for the caller.
    prompts_without_turn: usize,
}

impl<'a, 'm> Driver<'a, 'm> {
    /// A driver for `session`, showing on `screen`, sounding on `sound`, keeping `words`
    /// (for completion) up to date.
    pub fn new(
        session: &'a mut Session<'m>,
        screen: &'a mut dyn Screen,
        sound: &'a mut Sound,
        words: Option<SharedWords>,
        options: DriverOptions,
    ) -> Self {
        Driver {
            session,
            screen,
            sound,
            words,
            options,
            clock: Clock::start(),
            told_over: false,
            write_error: None,
            link: None,
            to_link: Vec::new(),
            silent_until: None,
            prompts_without_turn: 0,
        }
    }

    /// Connects handed-off calls to a call-taker console through `link`.
    pub fn with_link(mut self, link: Link) -> Self {
        self.link = Some(link);
        self
    }

    /// Runs calls until `:quit`, [`Event::End`], the end of `events`, or `stop` (a signal)
    /// completes; hangs up a call still in progress and returns the call time the files
    /// run to. The call's time zero is when this is first polled. `ready` is called after
    /// each line is handled.
    ///
    /// # Errors
    /// Only the [`Screen`]'s: the call is then hung up (without showing it).
    pub async fn run(
        mut self,
        events: &mut UnboundedReceiver<Event>,
        ready: &mut dyn FnMut(),
        stop: impl Future<Output = ()>,
    ) -> io::Result<CallTime> {
        self.clock = Clock::start();
        let mut link = self.link.take();
        let result = self.main_loop(events, ready, stop, &mut link).await;
        let now = self.now();
        if !self.session.call.is_ended() {
            self.session.call.handle_hangup(now);
        }
        self.sound.stop();
        self.told_over = true; // leaving: no "`:restart` or `:quit`" now
        match result {
            Ok(()) => {
                self.show_effects()?;
                // The console hears the hang-up before the connection closes.
                self.service_link(&mut link).await?;
                if let Some(l) = link.as_mut() {
                    l.finish().await;
                }
                Ok(self.end())
            }
            Err(e) => {
                self.session.drain();
                Err(e)
            }
        }
    }

    async fn main_loop(
        &mut self,
        events: &mut UnboundedReceiver<Event>,
        ready: &mut dyn FnMut(),
        stop: impl Future<Output = ()>,
        link: &mut Option<Link>,
    ) -> io::Result<()> {
        self.show_effects()?;
        self.write_files()?;
        let mut stop = pin!(stop);
        // A line (or the end of the input) read but not yet taken: it waits for its turn.
        let mut held: Option<Event> = None;
        loop {
            self.service_link(link).await?;
            if held.is_some() && self.is_turn() {
                self.prompts_without_turn = 0;
                match held.take() {
                    Some(Event::Line(line)) => {
                        if self.line(&line)? == Flow::Leave {
                            return Ok(());
                        }
                        ready();
                        continue;
                    }
                    // The end of the input hangs up, on the operator line too: a pipe
                    // that should stay on the line keeps its input open.
                    Some(Event::End) | None => return Ok(()),
                }
            }
            let wake = self.next_wake();
            let quiet = self
                .silent_until
                .filter(|_| held.is_some())
                .map(|t| self.clock.instant(t));
            tokio::select! {
                biased;
                () = &mut stop => return Ok(()),
                heard = recv_link(link) => self.heard(heard)?,
                event = events.recv(), if held.is_none() => held = Some(event.unwrap_or(Event::End)),
                () = sleep_until(wake.map(|(at, _)| at)) => {
                    if let Some((at, due)) = wake {
                        self.timer(at, due)?;
                    }
                }
                () = sleep_until(quiet) => self.silent_until = None,
            }
        }
    }

    /// Whether a line read can be taken now: always, unless `turns`; then once no prompt
    /// plays and the silence of an empty line is over (a timer due first goes first).
    fn is_turn(&self) -> bool {
        let call = &self.session.call;
        if !self.options.turns || call.is_ended() {
            return true;
        }
        if self.next_wake().is_some_and(|(at, _)| at <= Instant::now()) {
            return false;
        }
        if self.prompts_without_turn >= MAX_PROMPTS_WITHOUT_A_TURN {
            return true;
        }
        !call.is_playing() && self.silent_until.is_none_or(|t| self.clock.now() >= t)
    }

    /// Hands the link what the call did, until nothing is left to say.
    async fn service_link(&mut self, link: &mut Option<Link>) -> io::Result<()> {
        let Some(l) = link.as_mut() else {
            self.to_link.clear();
            return Ok(());
        };
        for _ in 0..8 {
            if self.to_link.is_empty() {
                break;
            }
            for item in std::mem::take(&mut self.to_link) {
                match item {
                    ToLink::Effect(effect) => l.observe(&effect),
                    ToLink::Say(words) => l.say(&words),
                    ToLink::Keys(keys) => l.keys(&keys),
                }
            }
            if let Some(h) = l.flush().await {
                self.heard(h)?;
            }
        }
        Ok(())
    }

    /// The console said something.
    fn heard(&mut self, heard: Heard) -> io::Result<()> {
        let now = self.now();
        match heard {
            Heard::Queue(e) => self.session.call.handle_queue(now, e),
            Heard::Said(text) => {
                let text: String = text.chars().take(crate::operator::protocol::MAX_SAY).collect();
                self.session.call.handle_conversation(now, false, &text);
            }
            Heard::Notice(text) => self.screen.show(&[format!("{INDENT}· {}", printable(&text))])?,
        }
        if self.show_effects()? {
            self.write_files()?;
        }
        Ok(())
    }

    /// When to wake next, and the call time due then: the engine's next deadline, unless
    /// the call is over or (time-outs off) waits for the trainee.
    fn next_wake(&self) -> Option<(Instant, CallTime)> {
        let call = &self.session.call;
        if call.is_ended() {
            return None;
        }
        let due = call.poll_timeout()?;
        // `--no-timeouts` waits for the trainee's input only: once handed off, the hold
        // announcements and the wait limits run in real time.
        (self.options.timeouts || call.is_playing() || call.on_operator_line()).then(|| (self.clock.instant(due), due))
    }

    /// The call time for an input now (held before a pending time-out with time-outs off).
    fn now(&mut self) -> CallTime {
        let call = &self.session.call;
        let mut t = self.clock.now().max(call.now());
        if !self.options.timeouts
            && !call.is_ended()
            && !call.is_playing()
            && !call.on_operator_line()
            && let Some(due) = call.poll_timeout()
        {
            let hold = due.saturating_sub(HOLD_BEFORE_DEADLINE).max(call.now());
            if t > hold {
                t = hold;
                self.clock.set(t);
            }
        }
        t
    }

    /// The call time the files run to: the end of the call, or the latest time the call
    /// knows of while it goes on.
    fn end(&self) -> CallTime {
        self.session
            .summary()
            .map_or(self.session.call.now(), |s| s.time_in_ivr)
    }

    /// A deadline has come (woken at `at` for call time `due`).
    fn timer(&mut self, at: Instant, due: CallTime) -> io::Result<()> {
        tracing::trace!(
            late_us = Instant::now().saturating_duration_since(at).as_micros() as u64,
            due_ms = due.as_millis() as u64,
            "timer"
        );
        self.session.call.handle_timeout(due);
        if self.show_effects()? {
            self.write_files()?;
        }
        Ok(())
    }

    fn line(&mut self, line: &str) -> io::Result<Flow> {
        if self.options.echo {
            self.screen.show(&[format!("> {}", printable(line))])?;
        }
        let now = self.now();
        if !self.session.call.is_ended() {
            // Time has come to `now` (for `:where`, and timers not yet woken for, whose
            // effects come before the line's).
            self.session.call.handle_timeout(now);
            self.show_effects()?;
        }
        let mut out: Vec<String> = Vec::new();
        let words = line.trim();
        if self.session.call.with_operator() && !words.is_empty() && !words.starts_with(':') {
            if self.session.call.is_held() {
                out.push(format!("{INDENT}! you are on hold: the call-taker cannot hear you"));
            } else if words.chars().any(char::is_control) || words.chars().count() > crate::operator::protocol::MAX_SAY
            {
                out.push(format!(
                    "{INDENT}! not sent: control characters, or longer than {} characters",
                    crate::operator::protocol::MAX_SAY
                ));
            } else if let Ok(Input::Keys(keys)) = input::parse(words) {
                // Keys reach the call-taker as keys (DTMF), not as words.
                if keys.chars().count() > crate::operator::protocol::MAX_KEYS {
                    out.push(format!(
                        "{INDENT}! not sent: more than {} keys at once",
                        crate::operator::protocol::MAX_KEYS
                    ));
                } else {
                    self.session.call.handle_keys(now, &keys);
                    self.to_link.push(ToLink::Keys(keys));
                }
            } else {
                self.session.call.handle_conversation(now, true, words);
                self.to_link.push(ToLink::Say(words.to_owned()));
            }
            if !out.is_empty() {
                self.screen.show(&out)?;
            }
            self.show_effects()?;
            self.write_files()?;
            return Ok(Flow::Go);
        }
        match crate::call::dispatch::apply(self.session, now, input::parse(line)) {
            Next::Done => {}
            Next::Refused(why) => out.push(format!("{INDENT}! {why}")),
            Next::Quit => return Ok(Flow::Leave),
            Next::Restart => {
                if !self.session.call.is_ended() {
                    // The call in progress is hung up first (a console hears it leave).
                    self.session.call.handle_hangup(now);
                    self.show_effects()?;
                }
                self.sound.stop();
                self.session.restart();
                self.clock = Clock::start();
                self.told_over = false;
                self.silent_until = None;
                self.prompts_without_turn = 0;
                out.push(self.session.restart_notice());
            }
            Next::Help => out.extend(indent(&self.help())),
            Next::Show(text) => out.extend(indent(&text)),
            Next::Silence => out.extend(self.silence()),
            Next::AfterTheEnd => out.push(if self.options.editor {
                CALL_OVER.into()
            } else {
                format!("{INDENT}{}", input::AFTER_THE_END)
            }),
        }
        if !out.is_empty() {
            self.screen.show(&out)?;
        }
        self.show_effects()?;
        self.write_files()?;
        Ok(Flow::Go)
    }

    /// An empty line: nothing in real time (with `turns`, silence until the next timer of
    /// the node has passed); with time-outs off, the next timer of the node now. Neither
    /// waits for the call's maximum length: talking with a call-taker, it does nothing.
    fn silence(&mut self) -> Option<String> {
        let call = &mut self.session.call;
        if call.is_ended() {
            return None;
        }
        if self.options.timeouts {
            if self.options.turns {
                // Not up to the call's maximum length: talking with a call-taker, there is
                // no time-out to wait for.
                self.silent_until = call.poll_node_timeout();
            }
            return None;
        }
        if call.is_playing() {
            return Some(format!(
                "{INDENT}(the prompt is still playing: once it ends, an empty line skips to the time-out)"
            ));
        }
        // A time-out, never the call's maximum length (talking with a call-taker).
        let due = call.poll_node_timeout()?;
        self.clock.set(due);
        call.handle_timeout(due);
        None
    }

    fn help(&self) -> String {
        let mut text = input::help(if self.options.timeouts && self.options.turns {
            input::Reading::Pipe
        } else if self.options.timeouts {
            input::Reading::RealTime
        } else {
            input::Reading::WaitsForYou
        });
        if self.options.editor {
            text.push_str("Tab completes commands and this menu's keys; Ctrl-D or Ctrl-C leaves, like :quit\n");
        }
        text
    }

    /// Shows and plays what the call did; tells when it is over. Returns whether it did
    /// anything.
    fn show_effects(&mut self) -> io::Result<bool> {
        let mut out = Vec::new();
        let effects = self.session.drain();
        let any = !effects.is_empty();
        for effect in effects {
            self.sound.effect(&effect);
            if matches!(effect, Effect::StartPrompt(_)) {
                self.prompts_without_turn += 1;
                if self.options.turns && self.prompts_without_turn == MAX_PROMPTS_WITHOUT_A_TURN {
                    out.push(format!("{INDENT}{}", no_pause()));
                }
            }
            if matches!(
                effect,
                Effect::Handoff(_)
                    | Effect::LeftQueue { .. }
                    | Effect::CallbackRequested { .. }
                    | Effect::Ended(_)
                    | Effect::Moved { .. }
            ) {
                self.to_link.push(ToLink::Effect(effect.clone()));
            }
            out.extend(render::lines(&effect));
        }
        if let Some(words) = &self.words {
            let now = menu_words(self.session);
            if let Ok(mut w) = words.lock()
                && *w != now
            {
                *w = now;
            }
        }
        if !self.session.call.is_playing() {
            self.prompts_without_turn = 0;
        }
        let over = self.session.call.is_ended() && !self.told_over;
        if over {
            self.told_over = true;
            // From a pipe the script says what comes next: nothing to advise.
            if self.options.editor {
                out.push(CALL_OVER.into());
            }
        }
        if !out.is_empty() {
            self.screen.show(&out)?;
        }
        Ok(any)
    }

    /// Keeps `--transcript` (and, once the call has ended, `--record`) current, at the start,
    /// after each line and after each timer that did something (see
    /// [`Session::write_progress`]). A failure is shown once (until it changes) and the call goes on.
    fn write_files(&mut self) -> io::Result<()> {
        match self.session.write_progress(self.end()).map_err(|e| e.to_string()) {
            Ok(()) => self.write_error = None,
            Err(e) => {
                if self.write_error.as_ref() != Some(&e) {
                    self.screen.show(&[format!("{INDENT}! {e}")])?;
                }
                self.write_error = Some(e);
            }
        }
        Ok(())
    }
}

fn indent(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(|l| format!("{INDENT}{l}"))
}

/// What the console says next, or never (no link).
async fn recv_link(link: &mut Option<Link>) -> Heard {
    match link {
        Some(l) => l.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
    use tokio::time::sleep;

    use super::*;
    use crate::audio::ClipLibrary;
    use crate::call::SessionOptions;
    use crate::engine::{Effect, Outcome};
    use crate::menu::Menu;
    use crate::repl::editor::{MenuWords, call_words, shared_call_words};
    use crate::repl::sound::tests::Log;

    /// A menu whose prompts last 0.8 s ("Press one.", two words at 150 wpm) and 0.4 s
    /// ("Hello?"), with a 300 ms no-input and a 500 ms inter-digit time-out.
    const QUICK: &str = r#"name: Quick
entry: main
defaults:
  timeout: 300ms
  inter_digit_timeout: 500ms
  max_no_input: 9
  fallback: operator
  keys: { operator: "0" }
  no_input: [{ text: "Hello?" }]
  no_match: [{ text: "Pardon?" }]
nodes:
  main:
    kind: menu
    prompt: { text: "Press one." }
    options:
      - { key: "1", to: operator, say: [operator] }
      - { key: "12", to: bye }
  bye:
    kind: hangup
    prompt: { text: "Goodbye." }
  operator:
    kind: transfer
    queue: general
"#;

    fn menu() -> Menu {
        let mut sources = crate::source::Sources::new();
        let out = crate::menu::load_menu_text(std::path::Path::new("quick.yaml"), QUICK, &mut sources);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        out.menu.expect("menu")
    }

    /// Every line shown, with the milliseconds since the test started when it was shown.
    #[derive(Default)]
    struct Recorded {
        start: Option<Instant>,
        lines: Vec<(u128, String)>,
    }

    impl Screen for Recorded {
        fn show(&mut self, lines: &[String]) -> io::Result<()> {
            let start = *self.start.get_or_insert_with(Instant::now);
            let ms = start.elapsed().as_millis();
            self.lines.extend(lines.iter().map(|l| (ms, l.clone())));
            Ok(())
        }
    }

    impl Recorded {
        /// When the first line containing `needle` was shown.
        fn when(&self, needle: &str) -> Option<u128> {
            self.lines.iter().find(|(_, l)| l.contains(needle)).map(|(ms, _)| *ms)
        }

        fn text(&self) -> String {
            self.lines.iter().map(|(ms, l)| format!("{ms:>6} {l}\n")).collect()
        }
    }

    struct Run {
        screen: Recorded,
        log: Vec<Effect>,
        end: CallTime,
        readies: usize,
        sound: Vec<String>,
        words: MenuWords,
    }

    /// Runs a session of the quick menu against `script`, which sends lines at chosen
    /// (virtual) times. Time is paused: tokio moves it on whenever everything waits.
    async fn drive<F>(timeouts: bool, script: impl FnOnce(UnboundedSender<Event>) -> F) -> Run
    where
        F: Future<Output = ()>,
    {
        let options = DriverOptions {
            timeouts,
            echo: false,
            editor: true,
            turns: false,
        };
        drive_with(options, script).await
    }

    /// [`drive`], with `options`.
    async fn drive_with<F>(options: DriverOptions, script: impl FnOnce(UnboundedSender<Event>) -> F) -> Run
    where
        F: Future<Output = ()>,
    {
        let menu = menu();
        let clips = ClipLibrary::default();
        let mut session = Session::new(&menu, &clips, SessionOptions::default());
        let mut screen = Recorded {
            start: Some(Instant::now()),
            ..Recorded::default()
        };
        let log = Log::default();
        let mut sound = Sound::with(Box::new(log.clone()));
        let words = shared_call_words();
        let (tx, mut rx) = unbounded_channel();
        let mut readies = 0;
        let mut ready = || readies += 1;
        let driver = Driver::new(&mut session, &mut screen, &mut sound, Some(words.clone()), options);
        let (end, ()) = tokio::join!(driver.run(&mut rx, &mut ready, std::future::pending()), script(tx));
        let end = end.expect("no screen error");
        let words = words.lock().unwrap().clone();
        Run {
            screen,
            log: session.log.clone(),
            end,
            readies,
            sound: log.take(),
            words,
        }
    }

    fn send(tx: &UnboundedSender<Event>, line: &str) {
        tx.send(Event::Line(line.into())).expect("driver listening");
    }

    fn outcome(log: &[Effect]) -> Option<&Outcome> {
        log.iter().find_map(|e| match e {
            Effect::Ended(s) => Some(&s.outcome),
            _ => None,
        })
    }

    #[test]
    fn the_clock_holds_and_jumps() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(async {
            let mut clock = Clock::start();
            sleep(Duration::from_millis(250)).await;
            assert_eq!(clock.now(), Duration::from_millis(250));
            assert_eq!(
                clock.instant(Duration::from_secs(1)),
                clock.origin + Duration::from_secs(1)
            );
            clock.set(Duration::from_secs(5));
            assert_eq!(clock.now(), Duration::from_secs(5));
            sleep(Duration::from_millis(10)).await;
            assert_eq!(clock.now(), Duration::from_millis(5010));
            assert_eq!(clock.instant(Duration::from_secs(1)), clock.origin, "the past is now");
        });
    }

    #[tokio::test(start_paused = true)]
    async fn a_no_input_re_prompt_comes_on_time_without_typing() {
        let run = drive(true, |tx| async move {
            sleep(Duration::from_millis(2000)).await;
            send(&tx, ":quit");
        })
        .await;
        let s = &run.screen;
        assert_eq!(s.when("[00:00.0] main: Press one."), Some(0), "{}", s.text());
        // The prompt ends at 0.8 s, the caller stays silent for 300 ms.
        let at = s.when("main (no input 1): Hello?").expect("a re-prompt");
        assert!((1100..=1102).contains(&at), "shown at {at} ms\n{}", s.text());
        assert!(s.text().contains("[00:01.1] main (no input 1)"), "{}", s.text());
        // Then the menu prompt again at 1.5 s; :quit at 2 s hangs up.
        assert_eq!(s.when("[00:01.5] main: Press one."), Some(1500), "{}", s.text());
        assert_eq!(outcome(&run.log), Some(&Outcome::Abandoned));
        assert_eq!(run.end, Duration::from_millis(2000));
        assert_eq!(run.readies, 0, ":quit ends without asking for another line");
    }

    #[tokio::test(start_paused = true)]
    async fn barge_in_stops_the_sound_at_once() {
        let run = drive(true, |tx| async move {
            sleep(Duration::from_millis(300)).await;
            send(&tx, "1");
            sleep(Duration::from_millis(2000)).await;
            send(&tx, ":quit");
        })
        .await;
        // The text-only prompt starts (silence: stop), the key sounds, the prompt stops.
        assert_eq!(run.sound, ["stop", "tone 1", "stop", "stop"], "{}", run.screen.text());
        let keys: Vec<_> = run
            .log
            .iter()
            .filter(|e| matches!(e, Effect::DtmfTone { .. }))
            .collect();
        assert_eq!(
            keys,
            [&Effect::DtmfTone {
                at: Duration::from_millis(300),
                key: '1'
            }]
        );
        assert!(run.log.contains(&Effect::StopPrompt {
            at: Duration::from_millis(300)
        }));
        // "1" is also the start of "12": the inter-digit time-out (500 ms) decides, in real time.
        let s = &run.screen;
        assert_eq!(s.when("handed to an operator"), Some(800), "{}", s.text());
        assert_eq!(s.when(CALL_OVER), Some(800));
        assert!(matches!(outcome(&run.log), Some(Outcome::Transferred { .. })));
        assert_eq!(run.end, Duration::from_millis(800), "the call ended before :quit");
        assert_eq!(run.readies, 1);
        assert_eq!(
            run.words,
            call_words(),
            "nothing but the commands to complete after the call"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn two_lines_make_one_entry_within_the_inter_digit_time_out() {
        let run = drive(true, |tx| async move {
            sleep(Duration::from_millis(1000)).await;
            send(&tx, "1");
            sleep(Duration::from_millis(400)).await;
            send(&tx, "2");
            sleep(Duration::from_millis(2000)).await;
            send(&tx, ":quit");
        })
        .await;
        assert!(
            matches!(outcome(&run.log), Some(Outcome::HungUp { .. })),
            "12 is `bye`\n{}",
            run.screen.text()
        );
        assert_eq!(
            run.screen
                .when("[00:01.4] bye (goodbye)")
                .or(run.screen.when("[00:01.4] bye")),
            Some(1400)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn without_time_outs_the_line_waits_and_an_empty_line_skips() {
        let run = drive(false, |tx| async move {
            sleep(Duration::from_secs(30)).await;
            send(&tx, "");
            sleep(Duration::from_secs(30)).await;
            send(&tx, "0");
            sleep(Duration::from_secs(1)).await;
            send(&tx, ":quit");
        })
        .await;
        let s = &run.screen;
        // Nothing happens for 30 s; then the empty line is the no-input at 1.1 s call time.
        assert_eq!(s.when("(no input 1)"), Some(30_000), "{}", s.text());
        assert!(s.text().contains("[00:01.1] main (no input 1): Hello?"), "{}", s.text());
        // The re-prompts play in real time (0.4 s + 0.8 s); the clock then holds 1 ms
        // before the next time-out (2.3 s + 0.3 s) while the trainee waits 30 s.
        let key_at = run.log.iter().find_map(|e| match e {
            Effect::DtmfTone { at, .. } => Some(*at),
            _ => None,
        });
        assert_eq!(key_at, Some(Duration::from_millis(2599)), "{}", s.text());
        assert!(matches!(outcome(&run.log), Some(Outcome::Transferred { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_line_does_not_skip_ahead_in_real_time() {
        let run = drive(true, |tx| async move {
            sleep(Duration::from_millis(200)).await;
            send(&tx, "");
            send(&tx, "   ");
            sleep(Duration::from_millis(300)).await;
            send(&tx, ":quit");
        })
        .await;
        assert_eq!(run.screen.lines.len(), 1 + 4, "{}", run.screen.text()); // the prompt; the summary
        assert_eq!(run.readies, 2);
        assert!(!run.screen.text().contains("no input"));
    }

    /// `:help` says one thing about an empty line, true for the mode.
    #[tokio::test(start_paused = true)]
    async fn help_says_one_true_thing_about_an_empty_line() {
        for timeouts in [true, false] {
            let run = drive(timeouts, |tx| async move {
                send(&tx, ":help");
                send(&tx, ":quit");
            })
            .await;
            let text = run.screen.text();
            assert_eq!(text.matches("empty line").count(), 1, "{text}");
            let says = if timeouts {
                "to stay silent, just wait: the time-outs run in real time (an empty line does nothing)"
            } else {
                "an empty line is silence: it skips to the next time-out"
            };
            assert!(text.contains(says), "{text}");
        }
        // From a pipe in real time: as from any pipe.
        let run = drive_with(piped(), |tx| async move {
            send(&tx, ":help");
        })
        .await;
        let text = run.screen.text();
        assert_eq!(text.matches("empty line").count(), 1, "{text}");
        assert!(
            text.contains("an empty line is silence until the next time-out"),
            "{text}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn bad_input_is_one_line_and_the_call_goes_on() {
        let run = drive(true, |tx| async move {
            sleep(Duration::from_millis(100)).await;
            // (`12a` was here; a line with a letter is now words, as a spoken keyword is.)
            for line in [":frobnicate", "*?", "\u{1b}[2J", &"1".repeat(10_000), "!!!"] {
                send(&tx, line);
            }
            sleep(Duration::from_millis(100)).await;
            send(&tx, ":where");
            send(&tx, ":quit");
        })
        .await;
        let errors: Vec<_> = run.screen.lines.iter().filter(|(_, l)| l.contains("! ")).collect();
        assert_eq!(errors.len(), 5, "{}", run.screen.text());
        assert!(errors.iter().all(|(ms, l)| *ms == 100 && l.len() < 200), "{errors:?}");
        assert!(
            run.screen.text().contains("you are at `main` after 00:00.2"),
            "{}",
            run.screen.text()
        );
        assert_eq!(run.readies, 6);
        assert_eq!(outcome(&run.log), Some(&Outcome::Abandoned));
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_end_restart_starts_a_new_call_at_zero() {
        let run = drive(true, |tx| async move {
            sleep(Duration::from_millis(100)).await;
            send(&tx, "operator");
            sleep(Duration::from_secs(5)).await;
            send(&tx, "1");
            send(&tx, ":restart");
            sleep(Duration::from_millis(100)).await;
            send(&tx, ":map");
            send(&tx, ":help");
            send(&tx, ":quit");
        })
        .await;
        let s = &run.screen;
        let text = s.text();
        assert_eq!(s.when("handed to an operator"), Some(100), "{text}");
        assert_eq!(
            s.lines.iter().filter(|(_, l)| l == CALL_OVER).count(),
            2,
            "once at the end, once for the key after it\n{text}"
        );
        assert_eq!(s.when("--- a new call ---"), Some(5100));
        let again: Vec<_> = s
            .lines
            .iter()
            .filter(|(_, l)| l.contains("[00:00.0] main: Press one."))
            .collect();
        assert_eq!(again.len(), 2, "{text}");
        assert!(
            text.contains("options of `main`:") && text.contains("0  operator (works here)"),
            "{text}"
        );
        assert!(
            text.contains("to stay silent, just wait") && text.contains("Tab completes"),
            "{text}"
        );
        // The new call is hung up at :quit, 100 ms in; the log is the new call's.
        assert_eq!(run.end, Duration::from_millis(100));
        assert_eq!(outcome(&run.log), Some(&Outcome::Abandoned));
        assert_eq!(run.words.keys.len(), 0);
    }

    /// Options for input that is not a terminal (a pipe), time-outs on.
    fn piped() -> DriverOptions {
        DriverOptions {
            timeouts: true,
            echo: true,
            editor: false,
            turns: true,
        }
    }

    /// The handoff's path: (milliseconds, node, event).
    fn handoff_path(log: &[Effect]) -> Vec<(u128, String, String)> {
        log.iter()
            .find_map(|e| match e {
                Effect::Handoff(h) => Some(h),
                _ => None,
            })
            .expect("a handoff")
            .path
            .iter()
            .map(|s| (s.at.as_millis(), s.node.clone(), s.event.clone()))
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn piped_lines_wait_for_the_callers_turn() {
        // Read at once, during "Press one." (0.8 s): the key is pressed when it ends; the
        // empty line waits for the inter-digit time-out (`12` could follow) and the handoff,
        // and the end of the input waits its turn too.
        let run = drive_with(piped(), |tx| async move {
            send(&tx, "1");
            send(&tx, "");
            tx.send(Event::End).unwrap();
        })
        .await;
        let text = run.screen.text();
        assert_eq!(run.screen.when("> 1"), Some(800), "{text}");
        assert_eq!(run.screen.when("handed to an operator"), Some(1300), "{text}");
        let path = handoff_path(&run.log);
        assert!(
            path.iter()
                .any(|(ms, node, e)| *ms == 800 && node == "main" && e.contains('1')),
            "{path:?}"
        );
        assert!(matches!(outcome(&run.log), Some(Outcome::Transferred { .. })), "{text}");
        assert_eq!(run.end, Duration::from_millis(1300));
    }

    #[tokio::test(start_paused = true)]
    async fn a_piped_empty_line_is_silence_until_the_next_time_out() {
        // The no-input time-out at 1.1 s, "Hello?" and "Press one." again to 2.3 s: then `1`.
        let run = drive_with(piped(), |tx| async move {
            send(&tx, "");
            send(&tx, "1");
        })
        .await;
        let text = run.screen.text();
        assert_eq!(run.screen.when("(no input 1)"), Some(1100), "{text}");
        assert_eq!(run.screen.when("> 1"), Some(2300), "{text}");
        // With the time-outs off, an empty line skips to the time-out at once.
        let run = drive_with(
            DriverOptions {
                timeouts: false,
                ..piped()
            },
            |tx| async move {
                send(&tx, "");
                send(&tx, "1");
            },
        )
        .await;
        let text = run.screen.text();
        assert_eq!(run.screen.when("(no input 1)"), Some(800), "{text}");
        assert_eq!(run.screen.when("> 1"), Some(2000), "{text}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_end_of_input_or_a_signal_ends_like_quit() {
        let run = drive(true, |tx| async move {
            sleep(Duration::from_millis(250)).await;
            tx.send(Event::End).unwrap();
        })
        .await;
        assert_eq!(run.end, Duration::from_millis(250));
        assert_eq!(outcome(&run.log), Some(&Outcome::Abandoned));
        assert!(
            run.screen.text().contains("the caller hung up"),
            "{}",
            run.screen.text()
        );

        let run = drive(true, |tx| async move {
            sleep(Duration::from_millis(50)).await;
            drop(tx);
        })
        .await;
        assert_eq!(run.end, Duration::from_millis(50));

        // A signal (Ctrl-C outside the line editor, SIGTERM).
        let menu = menu();
        let clips = ClipLibrary::default();
        let mut session = Session::new(&menu, &clips, SessionOptions::default());
        let mut screen = Recorded::default();
        let mut sound = Sound::off();
        let (_tx, mut rx) = unbounded_channel();
        let options = DriverOptions {
            timeouts: true,
            echo: true,
            editor: false,
            turns: false,
        };
        let driver = Driver::new(&mut session, &mut screen, &mut sound, None, options);
        let end = driver
            .run(&mut rx, &mut || {}, sleep(Duration::from_millis(1500)))
            .await
            .unwrap();
        assert_eq!(end, Duration::from_millis(1500));
        assert!(screen.text().contains("(no input 1)"), "{}", screen.text());
    }

    #[tokio::test(start_paused = true)]
    async fn completion_follows_the_call() {
        let menu = menu();
        let clips = ClipLibrary::default();
        let mut session = Session::new(&menu, &clips, SessionOptions::default());
        let mut screen = Recorded::default();
        let mut sound = Sound::off();
        let words: SharedWords = shared_call_words();
        let (tx, mut rx) = unbounded_channel();
        let options = DriverOptions {
            timeouts: true,
            echo: true,
            editor: false,
            turns: false,
        };
        let seen = words.clone();
        let driver = Driver::new(&mut session, &mut screen, &mut sound, Some(words), options);
        let script = async move {
            sleep(Duration::from_millis(10)).await;
            let w = seen.lock().unwrap().clone();
            assert_eq!(
                w.keys,
                [("1", "operator"), ("12", "bye"), ("0", "operator (works here)")]
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
            );
            assert_eq!(w.words, ["operator"]);
            send(&tx, "1");
        };
        let mut ready = || {};
        let (end, ()) = tokio::join!(driver.run(&mut rx, &mut ready, std::future::pending()), script);
        // The key, then the channel closes (the script's sender dropped): the driver leaves.
        assert_eq!(end.unwrap(), Duration::from_millis(10));
        assert!(screen.text().contains("> 1"), "echoed: {}", screen.text());
    }

    /// A screen whose output is gone.
    struct Broken;

    impl Screen for Broken {
        fn show(&mut self, _lines: &[String]) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_lost_screen_hangs_up_and_says_so() {
        let menu = menu();
        let clips = ClipLibrary::default();
        let mut session = Session::new(&menu, &clips, SessionOptions::default());
        let mut sound = Sound::off();
        let (_tx, mut rx) = unbounded_channel();
        let options = DriverOptions {
            timeouts: true,
            echo: false,
            editor: false,
            turns: false,
        };
        let err = Driver::new(&mut session, &mut Broken, &mut sound, None, options)
            .run(&mut rx, &mut || {}, std::future::pending())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert!(session.call.is_ended());
        assert!(matches!(
            session.summary().map(|s| &s.outcome),
            Some(Outcome::Abandoned)
        ));
    }
}
