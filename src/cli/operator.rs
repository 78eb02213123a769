//! `ivrsim operator [MENU]`: the call-taker console. Callers connect with
//! `ivrsim call --operator ADDR`; in a terminal the call-taker types in a line editor, from a
//! pipe one command a line (in virtual time, so a scripted shift scores the same every run).

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::diag::ColorChoice;
use crate::error::{Error, Outcome, UsageError};
use crate::operator::console::{COMMANDS, Console, ConsoleConfig};
use crate::operator::protocol::DEFAULT_ADDR;
use crate::operator::server::{ClockMode, Desk, SessionLog, ShiftClock, bind};
use crate::terminal::complete::{CallHelper, MenuWords, SharedWords, history_path};
use crate::terminal::{Screen, StdoutScreen, Tty, stdin_lines};

/// Arguments of `ivrsim operator`.
#[derive(Debug, Args)]
#[command(
    after_help = "Callers connect with `ivrsim call --operator 127.0.0.1:7410`. Type `:help` for the \
commands: `:queue`, `:answer`, words to the caller, `:note FIELD TEXT`, `:end DISPOSITION`.\n\
From a pipe: one command a line, in virtual time: each line typed takes its typing time (0.2 s \
a character, at least 1 s) and `:wait 30s` lets time pass."
)]
pub struct OperatorArgs {
    /// The menu whose `dispositions` the call-taker ends calls with [default: menus/hotline.yaml].
    #[arg(value_name = "MENU")]
    pub menu: Option<PathBuf>,
    /// Where callers connect. Loopback unless told otherwise; any other address needs --token.
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_ADDR)]
    pub listen: String,
    /// A secret callers must present (`ivrsim call --token`); required off loopback.
    #[arg(long, value_name = "TOKEN", env = "IVRSIM_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// The call-taker's name, as callers hear it.
    #[arg(long, value_name = "NAME", default_value = "the call-taker")]
    pub name: String,
    /// Most calls waiting in one queue; more hear that nobody is available.
    #[arg(long, value_name = "N")]
    pub max_waiting: Option<usize>,
    /// Append every finished call (record, notes, transcript) to this JSON Lines file.
    #[arg(long, value_name = "FILE.jsonl")]
    pub log: Option<PathBuf>,
    /// Time: `real` (wall clock) or `virtual` [default: virtual for a --shift read from a pipe, else real].
    #[arg(long, value_enum)]
    pub clock: Option<ClockArg>,
    /// Take no network callers (a scripted shift only).
    #[arg(long)]
    pub no_listen: bool,
    /// Training calls (docs/training-format.md) that call in during the shift, scored at `:end`.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub shift: Vec<PathBuf>,
}

/// Where a shift's log goes when `--log` is not given: `shifts.jsonl` in the user's data folder.
fn default_shift_log() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "ivrsim").map(|d| d.data_dir().join("shifts.jsonl"))
}

/// Loads the training calls of `--shift` and their handoffs (each through its own menu).
///
/// # Errors
/// A training file that cannot be read, a menu that cannot be used; [`Error::ShiftUnusable`]
/// when calls cannot be used (their findings and [`Error::Handoff`]s shown first).
fn load_shift(
    paths: &[PathBuf],
    allowed: &[String],
    color: ColorChoice,
) -> Result<Vec<(crate::operator::training::TrainingCall, crate::engine::Handoff)>, Error> {
    use crate::operator::training::{handoff, load_training};
    let mut sources = crate::source::Sources::new();
    let mut menus: std::collections::HashMap<PathBuf, (crate::menu::Menu, crate::audio::ClipLibrary)> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut failed = false;
    for path in paths {
        let (call, findings) = load_training(path, &mut sources, allowed)?;
        let errors: Vec<_> = findings
            .iter()
            .filter(|d| d.severity() == crate::diag::Severity::Error)
            .cloned()
            .collect();
        if !findings.is_empty() {
            let _ = crate::diag::render_text(&mut super::stderr(color), &sources, &findings);
        }
        let Some(call) = call.filter(|_| errors.is_empty()) else {
            failed = true;
            continue;
        };
        if !menus.contains_key(&call.menu) {
            let loaded = super::load_usable(&call.menu, color, "a training call")?;
            menus.insert(call.menu.clone(), loaded);
        }
        let (menu, clips) = &menus[&call.menu];
        let never = call.scenario.menu_findings(menu);
        if !never.is_empty() {
            let _ = crate::diag::render_text(&mut super::stderr(color), &sources, &never);
            failed = true;
            continue;
        }
        match handoff(&call, menu, clips) {
            Ok(h) => out.push((call, h)),
            Err(source) => {
                super::report(&Error::Handoff {
                    path: path.clone(),
                    source: Box::new(source),
                });
                failed = true;
            }
        }
    }
    if failed {
        return Err(Error::ShiftUnusable);
    }
    Ok(out)
}

/// `--clock`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ClockArg {
    /// Wall-clock time.
    Real,
    /// Each line typed takes its typing time (0.2 s a character, at least 1 s) and `:wait 30s` lets time pass.
    Virtual,
}

/// Runs the console until its input ends ([`Outcome::Success`]) or a signal comes
/// ([`Outcome::Interrupted`], except Ctrl-C at a terminal: the call-taker's way out).
///
/// # Errors
/// A menu or training call that cannot be used (status 1), usage or I/O errors (status 2).
pub fn run(args: &OperatorArgs, color: ColorChoice) -> Result<Outcome, Error> {
    let path = args.menu.clone().unwrap_or_else(super::default_menu);
    let (menu, _clips) = super::load_usable(&path, color, "a console")?;
    let resolved = {
        use std::net::ToSocketAddrs;
        args.listen.to_socket_addrs().ok().and_then(|mut a| a.next())
    };
    let addr: SocketAddr = resolved.ok_or_else(|| UsageError::ListenAddress(args.listen.clone()))?;
    if !addr.ip().to_canonical().is_loopback() && args.token.is_none() && !args.no_listen {
        return Err(UsageError::TokenNeeded(addr).into());
    }
    if args.token.as_ref().is_some_and(|t| t.trim().is_empty()) {
        return Err(UsageError::EmptyToken.into());
    }
    let allowed: Vec<String> = crate::operator::console::disposition_codes(&menu)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let shift = load_shift(&args.shift, &allowed, color)?;
    let log_path = args
        .log
        .clone()
        .or_else(|| (!shift.is_empty()).then(default_shift_log).flatten());
    if let Some(dir) = log_path
        .as_ref()
        .and_then(|p| p.parent())
        .filter(|d| !d.as_os_str().is_empty())
        && args.log.is_none()
        && let Err(source) = std::fs::create_dir_all(dir)
    {
        return Err(Error::CreateDir {
            path: dir.to_owned(),
            source,
        });
    }
    let log = log_path.map(SessionLog::open).transpose().map_err(Error::Log)?;
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let mode = match args.clock {
        Some(ClockArg::Real) => ClockMode::Real,
        Some(ClockArg::Virtual) => ClockMode::Virtual,
        // A scripted shift (from a pipe) runs in virtual time, so it scores the same every run;
        // live callers and a call-taker at a terminal live in real time.
        None if !terminal && !args.shift.is_empty() => ClockMode::Virtual,
        None => ClockMode::Real,
    };
    let mut console = Console::new(ConsoleConfig {
        operator: args.name.clone(),
        name: menu.name.clone(),
        dispositions: menu
            .dispositions
            .iter()
            .map(|d| (d.code.clone(), d.description.clone()))
            .collect(),
        max_waiting: args.max_waiting,
        capacity: menu
            .queues
            .iter()
            .filter_map(|(name, q)| Some((name.clone(), q.max_waiting?)))
            .collect(),
        max_wait: menu
            .queues
            .iter()
            .filter_map(|(name, q)| Some((name.clone(), q.max_wait?)))
            .collect(),
        token: args.token.clone(),
        queues: {
            let mut q: Vec<String> = menu
                .nodes
                .iter()
                .filter_map(|n| match &n.kind {
                    crate::menu::NodeKind::Transfer(t) => Some(t.queue.clone()),
                    _ => None,
                })
                .collect();
            q.sort();
            q.dedup();
            q
        },
    });
    let shift_len = shift.len();
    for (call, handoff) in shift {
        console.add_scripted(call, handoff);
    }
    let rt = crate::terminal::runtime()?;
    let listener = if args.no_listen {
        None
    } else {
        let l = rt
            .block_on(bind(&addr.to_string()))
            .map_err(|source| Error::Listen { addr, source })?;
        Some(l)
    };
    let signals = {
        let _rt = rt.enter();
        crate::signals::Signals::register()
    };
    let mut intro = vec![format!("ivrsim operator console: {}", menu.name)];
    match listener.as_ref().and_then(|l| l.local_addr().ok()) {
        Some(a) => {
            let reach = if a.ip().is_unspecified() {
                format!("THIS-MACHINE:{}", a.port())
            } else {
                a.to_string()
            };
            intro.push(format!(
                "listening on {a}: callers connect with `ivrsim call --operator {reach}`{}",
                if args.token.is_some() { " --token …" } else { "" }
            ))
        }
        None => intro.push("not listening for callers".into()),
    }
    if shift_len > 0 {
        intro.push(format!(
            "training shift: {shift_len} scripted call{} (`:queue` shows who waits)",
            if shift_len == 1 { "" } else { "s" }
        ));
    }
    if let Some(l) = &log {
        intro.push(format!("session log: {}", l.path().display()));
    }
    if mode == ClockMode::Virtual {
        intro.push("virtual time: each line typed takes its typing time (0.2 s a character, at least 1 s) and `:wait 30s` lets time pass".into());
    }
    // Where the shift stands; while idle the console repeats it every 30 s (and on Enter).
    intro.extend(console.shift_status(std::time::Duration::ZERO));
    intro.push("`:help` lists the commands".into());

    let words = SharedWords::default();
    if let Ok(mut w) = words.lock() {
        *w = MenuWords {
            commands: COMMANDS
                .iter()
                .map(|(c, w)| ((*c).to_owned(), (*w).to_owned()))
                .collect(),
            ..MenuWords::default()
        };
    }
    let mut tty = Tty::open(terminal, CallHelper::new(words), history_path());
    // The signal that ended the console, if one did (its exit status is 128 + its number).
    let stopped_by = std::cell::Cell::new(None);
    let result = match tty.term.as_mut() {
        Some(t) => {
            let (events, screen, ready) = t.parts();
            let mut ready = || {
                let _ = ready.send(());
            };
            let _ = screen.show(&intro);
            let desk = Desk {
                console,
                screen,
                log,
                clock: ShiftClock::new(mode),
                echo: false,
            };
            rt.block_on(desk.run(listener, events, &mut ready, async {
                // Ctrl-C at a terminal is the call-taker's way out (exit 0), as in `call`.
                let s = signals.wait().await;
                if s != crate::signals::Signal::Interrupt {
                    stopped_by.set(Some(s));
                }
            }))
        }
        None => {
            let mut screen = StdoutScreen;
            screen.show(&intro)?;
            let mut events = stdin_lines()?;
            let desk = Desk {
                console,
                screen: &mut screen as &mut dyn Screen,
                log,
                clock: ShiftClock::new(mode),
                echo: true,
            };
            rt.block_on(desk.run(listener, &mut events, &mut || {}, async {
                stopped_by.set(Some(signals.wait().await));
            }))
        }
    };
    tty.close();
    match result {
        Ok(()) => Ok(stopped_by.get().map_or(Outcome::Success, Outcome::Interrupted)),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Success),
        Err(e) => Err(e.into()),
    }
}
