//! `ivrsim call [MENU]`: rehearse a call. In a terminal: the REPL with real-time timers
//! ([`crate::repl`]); otherwise one input per line in virtual time ([`crate::call::pipe`]).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use crate::call::{Session, SessionOptions, pipe};
use crate::diag::ColorChoice;
use crate::engine::{CallClock, CallStart};
use crate::error::{Error, Outcome, UsageError};

/// Arguments of `ivrsim call`.
#[derive(Debug, Args)]
#[command(
    after_help = "In a terminal: type keys (1, 0, 4471#) and Enter to dial, words to speak; `:help` lists the \
commands. Time-outs run in real time: to stay silent, just wait (with --no-timeouts the line waits for you, and an \
empty line skips to the next time-out).\n\
From a pipe: one input per line in virtual time, an empty line is silence, e.g. printf '1\\n\\n0\\n' | ivrsim call \
(with --operator or --timeouts in real time, each line waiting until the prompts playing have ended)"
)]
pub struct CallArgs {
    /// The menu [default: menus/hotline.yaml].
    #[arg(value_name = "MENU")]
    pub menu: Option<PathBuf>,
    /// In a terminal: wait for the trainee instead of running no-input and inter-digit timeouts in real time.
    #[arg(long, conflicts_with = "timeouts")]
    pub no_timeouts: bool,
    /// With input from a pipe: run the timeouts in real time, as in a terminal (each line still waits until the prompts playing have ended).
    #[arg(long)]
    pub timeouts: bool,
    /// Captions only, even where sound could be played.
    #[arg(long)]
    pub mute: bool,
    /// Write the call's timeline as JSON to this file (atomically, also on :quit and Ctrl-C).
    #[arg(long, value_name = "FILE.json")]
    pub transcript: Option<PathBuf>,
    /// Write what the caller heard (prompts, DTMF tones, silences) as one 8 kHz WAV.
    #[arg(long, value_name = "FILE.wav")]
    pub record: Option<PathBuf>,
    /// When the call ends (or on :quit and Ctrl-C), write a scenario file replaying it (for `ivrsim test`).
    #[arg(long, value_name = "FILE.yaml")]
    pub save_scenario: Option<PathBuf>,
    /// The caller's language (one of the menu's `languages`).
    #[arg(long, value_name = "TAG")]
    pub language: Option<String>,
    /// The call's local date and time, for opening hours [default: now], e.g. 2026-03-02T19:30.
    #[arg(long, value_name = "DATETIME", value_parser = crate::engine::parse_local_datetime, allow_hyphen_values = true)]
    pub at: Option<jiff::civil::DateTime>,
    /// Hand transferred calls to the call-taker console at this address (`ivrsim operator`), e.g. 127.0.0.1:7410. The call then runs in real time, also from a pipe (each line waiting until the prompts playing have ended).
    #[arg(long, value_name = "ADDR")]
    pub operator: Option<String>,
    /// The console's token, when it has one.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "IVRSIM_TOKEN",
        hide_env_values = true,
        requires = "operator"
    )]
    pub token: Option<String>,
    /// The caller's name on the console.
    #[arg(long, value_name = "NAME", default_value = "trainee caller", requires = "operator")]
    pub caller: String,
    /// A variable known before the call (repeatable), e.g. `--var region=north`.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or("write NAME=VALUE")?;
    let k = k.trim();
    let ok = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        return Err(format!(
            "`{k}` is not a variable name (letters, digits and `_`, starting with a letter)"
        ));
    }
    Ok((k.to_owned(), v.to_owned()))
}

/// Runs the call: [`Outcome::Success`] when it ran, [`Outcome::Interrupted`] when SIGINT,
/// SIGTERM or SIGHUP ended it (the files written; Ctrl-C in a terminal is a way out, not an
/// interruption).
///
/// # Errors
/// A menu that cannot be used, a usage error, an output that cannot be written, I/O.
pub fn run(args: &CallArgs, color: ColorChoice) -> Result<Outcome, Error> {
    let path = args.menu.clone().unwrap_or_else(super::default_menu);
    let (menu, clips) = super::load_rehearsable(&path, color, "a call")?;
    if let Some(l) = &args.language
        && !menu.languages.contains(l)
    {
        return Err(UsageError::UnknownLanguage {
            language: l.clone(),
            languages: menu.languages.clone(),
        }
        .into());
    }
    let outputs = [
        ("--transcript", &args.transcript),
        ("--record", &args.record),
        ("--save-scenario", &args.save_scenario),
    ];
    for (flag, out) in outputs {
        if let Some(p) = out {
            super::check_output(flag, p)?;
        }
    }
    for (i, (flag_a, a)) in outputs.iter().enumerate() {
        for (flag_b, b) in &outputs[i + 1..] {
            if let (Some(a), Some(b)) = (a, b)
                && super::same_output(a, b)
            {
                return Err(UsageError::SameOutput {
                    first: flag_a,
                    second: flag_b,
                    path: b.clone(),
                }
                .into());
            }
        }
    }
    let options = SessionOptions {
        transcript: args.transcript.clone(),
        record: args.record.clone(),
        save: args.save_scenario.clone(),
        start: CallStart {
            clock: args.at.map_or_else(CallClock::now_local, CallClock::new),
            language: args.language.clone(),
            variables: args.vars.iter().cloned().collect::<BTreeMap<_, _>>(),
            operator_line: args.operator.is_some(),
            max_length: None,
        },
    };
    let mut session = Session::new(&menu, &clips, options);
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if let Some(addr) = &args.operator {
        use std::net::ToSocketAddrs;
        if let Err(e) = addr.to_socket_addrs().map(|mut a| a.next().ok_or("no address")) {
            return Err(UsageError::OperatorAddress {
                addr: addr.clone(),
                why: e.to_string(),
            }
            .into());
        }
    }
    let operator = args.operator.as_ref().map(|addr| crate::repl::OperatorTarget {
        addr: addr.clone(),
        token: args.token.clone(),
        caller: args.caller.clone(),
    });
    let result = if terminal || args.timeouts || operator.is_some() {
        let repl = crate::repl::run_with(
            &mut session,
            &crate::repl::ReplOptions {
                timeouts: !args.no_timeouts,
                mute: args.mute,
                terminal,
                turns: !std::io::stdin().is_terminal(),
            },
            operator,
        );
        // Ctrl-C at a terminal is the trainee's way out, not an interruption: exit 0.
        repl.map(|(end, signal)| pipe::Ending {
            end,
            signal: signal.filter(|s| !(terminal && *s == crate::signals::Signal::Interrupt)),
        })
    } else {
        let mut out = std::io::stdout().lock();
        pipe::run_stdin(&mut session, &mut out)
    };
    let (end, signal) = match result {
        Ok(pipe::Ending { end, signal }) => (end, signal),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            // Nobody reads the output any more: the caller hangs up, the files say so.
            let now = session.call.now();
            session.call.handle_hangup(now);
            session.drain();
            (now, None)
        }
        Err(e) => {
            let _ = session.write_files(session.call.now());
            return Err(e.into());
        }
    };
    session.write_files(end)?;
    // Ended by a signal: every file is written, and the status says which signal (130, 143).
    Ok(signal.map_or(Outcome::Success, Outcome::Interrupted))
}
