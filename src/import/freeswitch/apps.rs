//! The dialplan applications a `menu-exec-app` entry (or `exec-on-max-failures` /
//! `exec-on-max-timeouts`) runs, read from its `param`: `APP ARGS`, split at the first space
//! as `switch_ivr_menu_execute` and `exec_app` split it (`src/switch_ivr_menu.c`).
//!
//! Which ivrsim node each becomes is decided in the parent module; this module only reads
//! the string. The applications and their arguments are those of `mod_dptools`
//! (`transfer`, `bridge`, `hangup`, `playback`, `phrase`, `speak`, `set`, …), `mod_voicemail`
//! (`voicemail`), `mod_callcenter` (`callcenter`) and `mod_fifo` (`fifo`), as the
//! FreeSWITCH documentation describes them
//! (<https://developer.signalwire.com/freeswitch/FreeSWITCH-Explained/Modules/mod-dptools/>).

/// An application and what the import reads of its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum App<'a> {
    /// No application at all (`param` empty): `switch_ivr_menu_execute` fails the entry
    /// (`status = SWITCH_STATUS_FALSE`), which ends the IVR.
    Empty,
    /// `transfer [-bleg|-both] DEST [DIALPLAN [CONTEXT]]`: the call leaves the menu for the
    /// dialplan's extension DEST.
    Transfer {
        /// The extension, as written (may hold `$1` or `${var}`).
        dest: &'a str,
        /// The context, if given.
        context: Option<&'a str>,
    },
    /// `bridge DIALSTRING`: rings an endpoint; when nobody answers the application returns
    /// and the menu goes on.
    Bridge {
        /// The dial string as written.
        dial: &'a str,
    },
    /// `callcenter QUEUE`: a mod_callcenter queue of agents.
    Callcenter {
        /// The queue (`support@default`).
        queue: &'a str,
    },
    /// `fifo NAME in …`: a caller waiting in a mod_fifo queue.
    Fifo {
        /// The queue name.
        queue: &'a str,
    },
    /// `voicemail [check] [auth] PROFILE DOMAIN [ID]`: leave a message in box ID (or, with
    /// `check`, listen to one's messages).
    Voicemail {
        /// The box (ID), else the domain, else the whole argument string.
        mailbox: &'a str,
        /// `check`: the caller's own mailbox, not a message left.
        check: bool,
    },
    /// `hangup [CAUSE]`.
    Hangup {
        /// The hang-up cause, if given (`NORMAL_CLEARING`).
        cause: Option<&'a str>,
    },
    /// `playback SOUND`, `phrase NAME[,DATA]` or `speak ENGINE|VOICE|TEXT`: plays, then
    /// returns, and the menu goes on.
    Play {
        /// The sound, as a sound string of [`super::sound::classify`] (`phrase:NAME:DATA`,
        /// `say:TEXT` for the other two).
        sound: String,
    },
    /// An application that returns at once without a sound a caller hears (`set`,
    /// `export`, `log`, `sleep`, …): the menu goes on.
    Silent {
        /// Its name.
        name: &'a str,
    },
    /// A first word no application can be named (it starts with a digit, `5000 XML default`):
    /// FreeSWITCH finds no such application and fails the entry, which ends the IVR.
    NoSuchName {
        /// The first word.
        name: &'a str,
    },
    /// Anything else: the application takes the call (a script, a conference, an echo
    /// test) and comes back to the menu only if it returns with the call up.
    Other {
        /// Its name.
        name: &'a str,
        /// The whole `param`.
        param: &'a str,
    },
}

/// Applications of mod_dptools that return at once and say nothing to the caller.
const SILENT: &[&str] = &[
    "answer",
    "db",
    "event",
    "export",
    "hash",
    "info",
    "log",
    "multiset",
    "pre_answer",
    "ring_ready",
    "set",
    "set_global",
    "sleep",
    "unset",
];

/// Reads `param` (`APP ARGS`).
pub(super) fn parse(param: &str) -> App<'_> {
    let param = param.trim();
    if param.is_empty() {
        return App::Empty;
    }
    let (name, args) = param.split_once(' ').unwrap_or((param, ""));
    let args = args.trim();
    let words: Vec<&str> = args.split_whitespace().collect();
    match name {
        "transfer" => {
            let mut w = words.iter().copied().skip_while(|w| *w == "-bleg" || *w == "-both");
            match w.next() {
                Some(dest) => {
                    let _dialplan = w.next();
                    App::Transfer {
                        dest,
                        context: w.next(),
                    }
                }
                None => App::Other { name, param },
            }
        }
        "bridge" if !args.is_empty() => App::Bridge { dial: args },
        "callcenter" if !args.is_empty() => App::Callcenter { queue: args },
        "fifo" if words.get(1) == Some(&"in") => App::Fifo { queue: words[0] },
        "voicemail" => {
            let check = words.first() == Some(&"check");
            let rest: Vec<&str> = words
                .iter()
                .copied()
                .filter(|w| *w != "check" && *w != "auth" && !w.starts_with('+'))
                .collect();
            App::Voicemail {
                mailbox: rest.get(2).or(rest.get(1)).copied().unwrap_or(args),
                check,
            }
        }
        "hangup" => App::Hangup {
            cause: words.first().copied(),
        },
        "playback" if !args.is_empty() => App::Play { sound: args.to_owned() },
        "phrase" if !args.is_empty() => {
            let (macro_name, data) = args.split_once(',').unwrap_or((args, ""));
            App::Play {
                sound: format!("phrase:{}:{}", macro_name.trim(), data.trim()),
            }
        }
        "speak" if !args.is_empty() => {
            let text = args.splitn(3, '|').nth(2).unwrap_or(args);
            App::Play {
                sound: format!("say:{text}"),
            }
        }
        n if SILENT.contains(&n) => App::Silent { name },
        n if n.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '*' || c == '#') => {
            App::NoSuchName { name }
        }
        _ => App::Other { name, param },
    }
}

/// A queue name for a dialled destination: `$1`, `${var}` and `$${var}` taken out (the
/// digits or variables FreeSWITCH fills in when the call runs), the rest trimmed of
/// separators; `fallback` when nothing is left. Also whether anything was taken out.
pub(super) fn queue_name(dest: &str, fallback: &str) -> (String, bool) {
    let mut out = String::new();
    let mut dynamic = false;
    let mut rest = dest;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        dynamic = true;
        let after = rest[i..].trim_start_matches('$');
        rest = if let Some(body) = after.strip_prefix('{') {
            body.find('}').map_or("", |j| &body[j + 1..])
        } else {
            after.trim_start_matches(|c: char| c.is_ascii_digit())
        };
    }
    out.push_str(rest);
    let name = out
        .trim_matches(|c: char| matches!(c, '_' | '-' | '.' | '@' | ' ' | '/' | ':'))
        .to_owned();
    if name.is_empty() {
        (fallback.to_owned(), dynamic)
    } else {
        (name, dynamic)
    }
}

/// The endpoint a `bridge` dial string rings, for a queue name: the first leg (legs are
/// separated by `,` or `|`), without its `{…}`/`[…]` channel variables, its last `/` part,
/// without `@domain` (`user/1100@${domain_name}` → `1100`).
pub(super) fn bridge_target(dial: &str) -> (String, bool) {
    let mut leg = dial.split([',', '|']).next().unwrap_or(dial).trim();
    for (open, close) in [('{', '}'), ('<', '>'), ('[', ']')] {
        if leg.starts_with(open)
            && let Some(end) = leg.find(close)
        {
            leg = leg[end + 1..].trim_start();
        }
    }
    let last = leg.rsplit('/').next().unwrap_or(leg);
    let user = last.split('@').next().unwrap_or(last);
    queue_name(user, "bridge")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applications_are_read_from_their_param() {
        assert_eq!(
            parse("transfer 9000 XML default"),
            App::Transfer {
                dest: "9000",
                context: Some("default")
            }
        );
        assert_eq!(
            parse("transfer -both operator"),
            App::Transfer {
                dest: "operator",
                context: None
            }
        );
        assert_eq!(
            parse("voicemail default ${domain_name} 1200"),
            App::Voicemail {
                mailbox: "1200",
                check: false
            }
        );
        assert_eq!(
            parse("voicemail check default example.org"),
            App::Voicemail {
                mailbox: "example.org",
                check: true
            }
        );
        assert_eq!(
            parse("hangup NO_USER_RESPONSE"),
            App::Hangup {
                cause: Some("NO_USER_RESPONSE")
            }
        );
        assert_eq!(parse("hangup"), App::Hangup { cause: None });
        assert_eq!(
            parse("phrase hours,today"),
            App::Play {
                sound: "phrase:hours:today".into()
            }
        );
        assert_eq!(
            parse("speak flite|kal|Hello there"),
            App::Play {
                sound: "say:Hello there".into()
            }
        );
        assert_eq!(parse("set foo=bar"), App::Silent { name: "set" });
        assert_eq!(parse("fifo reports in"), App::Fifo { queue: "reports" });
        assert_eq!(
            parse("lua lookup.lua 1"),
            App::Other {
                name: "lua",
                param: "lua lookup.lua 1"
            }
        );
        assert_eq!(parse("   "), App::Empty);
        assert_eq!(parse("5000 XML default"), App::NoSuchName { name: "5000" });
    }

    #[test]
    fn queue_names_leave_out_what_the_call_fills_in() {
        assert_eq!(queue_name("followup_$1", "x"), ("followup".into(), true));
        assert_eq!(queue_name("$1", "extension"), ("extension".into(), true));
        assert_eq!(queue_name("${operator}", "extension"), ("extension".into(), true));
        assert_eq!(queue_name("9000", "x"), ("9000".into(), false));
        assert_eq!(bridge_target("user/1100@${domain_name}"), ("1100".into(), false));
        assert_eq!(
            bridge_target("{ignore_early_media=true}sofia/gateway/gw1/+15550100,user/1"),
            ("+15550100".into(), false)
        );
        assert_eq!(
            bridge_target("sofia/$${domain}/888@conference.example.org"),
            ("888".into(), false)
        );
    }
}
