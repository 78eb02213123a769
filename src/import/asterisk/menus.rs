//! What waits for the caller: `Background`/`Playback` + `WaitExten` menus (their options,
//! time-outs and where silence and wrong keys lead) and `Read` collects.

use super::*;

impl Importer<'_> {
    /// A `Background`/`Playback` run, with or without `WaitExten` after it.
    pub(super) fn prompts(&mut self, job: Job, first: &parse::Priority) {
        let kind = app_kind(&first.app);
        let mut state = job.state.clone();
        let mut files: Vec<Arg> = Vec::new();
        let mut cur = job.loc;
        let mut barge_in = kind != App::Playback;
        if kind != App::WaitExten {
            while let Some(p) = self.prio(cur).cloned() {
                let k = app_kind(&p.app);
                if k == kind {
                    let args = Self::args(&p);
                    if let Some(f) = args.first() {
                        files.extend(split_files(f));
                    }
                    if kind == App::Background {
                        if let Some(o) = args.get(1).filter(|o| !o.text.is_empty()) {
                            let opts = o.text.to_ascii_lowercase();
                            if opts.contains('p') && opts != "skip" {
                                barge_in = false;
                            }
                            if opts.contains('m') {
                                let at = self.span(o.range.clone());
                                self.approx_once(
                                    format!("bg m {cur:?}"),
                                    at,
                                    "option `m` (stop only for a one-key extension) is not imported: any key stops the prompt",
                                    "a key that starts a longer extension stops the prompt here",
                                );
                            }
                        }
                        for (i, what) in [(2, "language"), (3, "context")] {
                            if let Some(a) = args.get(i).filter(|a| !a.text.is_empty()) {
                                let at = self.span(a.range.clone());
                                self.approx_once(
                                    format!("bg {i} {cur:?}"),
                                    at,
                                    format!("the {what} argument of `Background` is not imported"),
                                    if i == 2 {
                                        "the prompt plays in the call's language"
                                    } else {
                                        "keys are matched in the call's context"
                                    },
                                );
                            }
                        }
                    }
                } else if k == App::Silent {
                    // Passed over inside the run.
                } else if k == App::Set
                    && let Some((n, v)) = p.args.split_once('=')
                    && matches!(set_kind(n), SetKind::Response | SetKind::Digit)
                    && let Some(ms) = timelen_ms(v)
                {
                    if matches!(set_kind(n), SetKind::Response) {
                        state.response_ms = ms;
                    } else {
                        state.digit_ms = ms;
                    }
                } else {
                    break;
                }
                cur = cur.next();
            }
        }
        let own = Self::args(first).first().map(split_files).unwrap_or_default();
        if kind != App::WaitExten && own.is_empty() {
            // `Playback()`/`Background()` without a file fail, and the call ends
            // (`apps/app_playback.c`, `pbx_builtins.c` `pbx_builtin_background`).
            let at = self.node_span(first);
            self.cx.approx(
                at,
                format!(
                    "`{}` without a sound file fails, and Asterisk hangs up: imported so",
                    first.app
                ),
                "the call ends here",
            );
            let here = self.here(job.loc);
            self.b.add_node(
                At::new(job.id, at),
                Some(format!("Asterisk {} without a file at {here}", first.app)),
                NodeSpec::Hangup(HangupNode {
                    prompt: None,
                    reason: "fallthrough".into(),
                }),
            );
            return;
        }
        let wait = self.prio(cur).filter(|p| app_kind(&p.app) == App::WaitExten).cloned();
        if kind == App::Playback && wait.is_none() {
            // A message: only this Playback; what follows is its own node, unless it is a
            // hang-up, a queue or a voicemail, whose prompt it then is.
            let args = Self::args(first);
            let files = args.first().map(split_files).unwrap_or_default();
            let (prompt, placeholder) = self.prompt(&files, self.node_span(first));
            let (after, after_state) = self.skip_quiet(job.loc.next(), &job.state);
            if let Some(p) = self.prio(after).cloned()
                && matches!(app_kind(&p.app), App::Hangup | App::Queue | App::Dial | App::VoiceMail)
            {
                let lead = Lead {
                    prompt,
                    placeholder,
                    at: self.node_span(first),
                    loc: job.loc,
                };
                let job = Job {
                    loc: after,
                    state: after_state,
                    id: job.id,
                };
                match app_kind(&p.app) {
                    App::Hangup => self.hangup(job, &p, Some(lead)),
                    App::VoiceMail => self.voicemail(job, &p, Some(lead)),
                    _ => self.transfer(job, &p, Some(lead)),
                }
                return;
            }
            let next = self.resolve(job.loc.next(), &job.state);
            let at = self.node_span(first);
            let next = self.reference(&next, at);
            let here = self.here(job.loc);
            self.b.add_node(
                At::new(job.id.clone(), at),
                Some(format!("Asterisk Playback at {here}")),
                NodeSpec::Message {
                    prompt,
                    next,
                    barge_in: Some(false),
                },
            );
            if placeholder {
                self.lint_allow(&job.id);
            }
            return;
        }
        let node_at = self.node_span(first);
        let (prompt, placeholder) = if files.is_empty() {
            (
                Prompt {
                    text: String::new(),
                    audio: None,
                    translations: IndexMap::new(),
                    span: node_at,
                    text_span: node_at,
                },
                false,
            )
        } else {
            self.prompt(&files, node_at)
        };
        // The wait for the first key, and where silence leads.
        let (timeout, timeout_at, no_input) = match &wait {
            Some(w) => {
                let wl = Loc { prio: w.number, ..cur };
                let args = Self::args(w);
                let wat = self.span(w.range.clone());
                let ms = args.first().and_then(|a| timelen_ms(&a.text));
                if let Some(a) = args.first().filter(|a| !a.text.is_empty() && ms.is_none()) {
                    let at = self.span(a.range.clone());
                    if a.text.trim().parse::<f64>().map_or(true, |v| v > 0.0) {
                        self.approx_once(
                            format!("wait {wl:?}"),
                            at,
                            format!(
                                "`{}` is not a time ivrsim can read: `TIMEOUT(response)` is used",
                                a.text
                            ),
                            "the wait for the first key",
                        );
                    }
                }
                if let Some(o) = args.get(1).filter(|o| !o.text.is_empty()) {
                    let at = self.span(o.range.clone());
                    self.approx_once(
                        format!("wait opts {wl:?}"),
                        at,
                        format!("the options `{}` of `WaitExten` are not imported", o.text),
                        "the music on hold or dial tone played while waiting: ivrsim is silent",
                    );
                }
                let timeout = Duration::from_millis(ms.unwrap_or(state.response_ms));
                let next = wl.next();
                let target = if self.prio(next).is_some() {
                    self.resolve(next, &state)
                } else {
                    self.special(job.loc.chan, "t", &state)
                };
                (timeout, wat, target)
            }
            None => {
                if self.prio(cur).is_some() {
                    (NO_WAIT, node_at, self.resolve(cur, &state))
                } else if self.autofallthrough {
                    self.approx_once(
                        format!("bg end {:?}", job.loc),
                        node_at,
                        "a `Background` prompt with no `WaitExten` after it, at the end of its extension: Asterisk hangs up as soon as it ends (`autofallthrough`); imported as a menu that waits 1 ms",
                        "callers must choose while the prompt plays: there is no time to answer after it",
                    );
                    (NO_WAIT, node_at, self.end_node(job.loc.chan))
                } else {
                    let t = self.special(job.loc.chan, "t", &state);
                    (Duration::from_millis(state.response_ms), node_at, t)
                }
            }
        };
        let no_match = self.special(job.loc.chan, "i", &state);
        let options = self.options(job.loc.chan, &state);
        let ni = self.reference(&no_input, timeout_at);
        let nm = self.reference(&no_match, node_at);
        let listen = ListenSpec {
            timeout: Some(At::new(timeout, timeout_at)),
            inter_digit_timeout: Some(At::new(Duration::from_millis(state.digit_ms), timeout_at)),
            max_no_input: Some(At::new(Retries::Limit(1), timeout_at)),
            max_no_match: Some(At::new(Retries::Limit(1), node_at)),
            fallback_no_input: Some(ni),
            fallback_no_match: Some(nm),
            barge_in: Some(barge_in),
            type_ahead: Some(false),
            key_match: Some(At::new(KeyMatchPolicy::Early, node_at)),
            ..ListenSpec::default()
        };
        let what = match (kind, wait.is_some()) {
            (App::WaitExten, _) => "WaitExten".to_owned(),
            (_, true) => format!("{} + WaitExten", first.app),
            (_, false) => first.app.clone(),
        };
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id.clone(), node_at),
            Some(format!("Asterisk {what} at {here}")),
            NodeSpec::Menu {
                prompt,
                options,
                listen,
            },
        );
        if placeholder {
            self.lint_allow(&job.id);
        }
    }

    /// The first step from `loc` that is not passed over without a finding (silent
    /// applications, channel settings that are read), and the settings then.
    pub(super) fn skip_quiet(&self, mut loc: Loc, state: &State) -> (Loc, State) {
        let mut state = state.clone();
        for _ in 0..MAX_CHASE {
            let Some(p) = self.prio(loc) else { break };
            match app_kind(&p.app) {
                App::Silent => {}
                App::Set => {
                    let Some((n, v)) = p.args.split_once('=') else { break };
                    match set_kind(n) {
                        SetKind::Response => match timelen_ms(v) {
                            Some(ms) => state.response_ms = ms,
                            None => break,
                        },
                        SetKind::Digit => match timelen_ms(v) {
                            Some(ms) => state.digit_ms = ms,
                            None => break,
                        },
                        SetKind::QueuePrio => match v.trim().parse::<i64>() {
                            Ok(n) => state.queue_prio = n,
                            Err(_) => break,
                        },
                        SetKind::Quiet => {}
                        _ => break,
                    }
                }
                _ => break,
            }
            loc = loc.next();
        }
        (loc, state)
    }

    /// The node of the special extension `name` (`t`, `i`) of `ctx` (else `e`, else the end).
    pub(super) fn special(&mut self, ctx: usize, name: &str, state: &State) -> String {
        for n in [name, "e"] {
            if let Some((d, e)) = self.find_ext(ctx, n) {
                return self.resolve(
                    Loc {
                        chan: ctx,
                        def: d,
                        ext: e,
                        prio: 1,
                    },
                    state,
                );
            }
        }
        self.end_node(ctx)
    }

    /// The options of a menu in `ctx`.
    pub(super) fn options(&mut self, ctx: usize, state: &State) -> Vec<OptionSpec> {
        let mut out = Vec::new();
        for (def, ext) in self.dialable_exts(ctx) {
            if out.len() >= MAX_MENU_OPTIONS {
                let r = self.plan.contexts[def].exts[ext].name_range.clone();
                let at = self.span(r);
                if self.warned.insert(format!("options {ctx}")) {
                    self.cx.unreadable(
                        at,
                        format!("more than {MAX_MENU_OPTIONS} extensions a caller can dial in one context: the rest are not options"),
                    );
                }
                break;
            }
            let e = &self.plan.contexts[def].exts[ext];
            let name = e.name.clone();
            let first = e.prios.keys().next().copied();
            let at = self.span(e.name_range.clone());
            let (key, pattern) = match self.dialable(&name) {
                Dialable::Name => continue,
                Dialable::Not(why) => {
                    self.approx_once(
                        format!("not dialable {def} {ext}"),
                        at,
                        format!("{why}: this extension is not an option"),
                        "these keys go to `i` (invalid) instead",
                    );
                    continue;
                }
                Dialable::Key(k) => (Some(At::new(k, at)), None),
                Dialable::Pattern(p) => (None, Some(At::new(*p, at))),
            };
            let Some(first) = first else { continue };
            if first != 1 {
                self.approx_once(
                    format!("no prio 1 {def} {ext}"),
                    at,
                    format!("extension `{name}` has no priority 1, so Asterisk never runs it: not an option"),
                    "these keys go to `i` (invalid)",
                );
                continue;
            }
            let mut target = Loc {
                chan: ctx,
                def,
                ext,
                prio: 1,
            };
            let mut language = None;
            if let Some(p) = self.prio(target)
                && app_kind(&p.app) == App::Set
                && let Some((n, v)) = p.args.split_once('=')
                && matches!(set_kind(n), SetKind::Language)
            {
                let lat = self.span(p.app_range.clone());
                language = Some(At::new(language_tag(v), lat));
                target = target.next();
            }
            let to = self.resolve(target, state);
            let to = self.reference(&to, at);
            out.push(OptionSpec {
                key,
                at,
                to,
                say: Vec::new(),
                label: None,
                language,
                store: pattern.is_some().then(|| "EXTEN".to_owned()),
                pattern,
                set: Vec::new(),
            });
        }
        out
    }

    pub(super) fn lint_allow(&mut self, id: &str) {
        // The captions of sound files without words cannot announce keys: the checks of
        // announced keys (W019, W020) cannot judge these prompts.
        self.b
            .node_lint_allow(id, vec![Code::AnnouncedKey, Code::UnannouncedOption]);
    }

    /// `Read()`.
    pub(super) fn read(&mut self, job: Job, p: &parse::Priority) {
        let args = Self::args(p);
        let at = self.node_span(p);
        let arg = |i: usize| args.get(i).filter(|a| !a.text.is_empty());
        let var = arg(0).map(|a| a.text.trim().to_owned()).unwrap_or_default();
        let var_at = arg(0).map_or(at, |a| self.span(a.range.clone()));
        let store = if expr::is_var_name(&var) {
            var.clone()
        } else {
            self.approx_once(
                format!("read var {:?}", job.loc),
                var_at,
                format!("`{var}` is not a variable name ivrsim can use: the digits are stored in `READ`"),
                "nothing, unless a later step reads the variable",
            );
            "READ".to_owned()
        };
        let files = arg(1).map(split_files).unwrap_or_default();
        let (prompt, placeholder) = if files.is_empty() {
            (
                Prompt {
                    text: String::new(),
                    audio: None,
                    translations: IndexMap::new(),
                    span: at,
                    text_span: at,
                },
                false,
            )
        } else {
            self.prompt(&files, at)
        };
        let max_at = arg(2).map_or(at, |a| self.span(a.range.clone()));
        let max = match arg(2).and_then(|a| a.text.trim().parse::<i64>().ok()) {
            Some(n) if (1..=i64::from(MAX_READ_DIGITS)).contains(&n) => n as u32,
            other => {
                let asked = match other {
                    Some(n) if (1..=255).contains(&n) => n.to_string(),
                    _ => "255 (no limit given)".to_owned(),
                };
                self.approx_once(
                    format!("read max {:?}", job.loc),
                    max_at,
                    format!("`Read` takes up to {asked} digits; ivrsim's collect takes at most {MAX_READ_DIGITS}"),
                    format!("an entry ends at the {MAX_READ_DIGITS}th digit"),
                );
                MAX_READ_DIGITS
            }
        };
        let mut terminator = Some("#".to_owned());
        let opts = arg(3).map(|a| a.text.clone()).unwrap_or_default();
        let opts_at = arg(3).map_or(at, |a| self.span(a.range.clone()));
        let mut rest = opts.as_str();
        while let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            match c {
                't' => {
                    let mut keys = String::new();
                    if let Some(r) = rest.strip_prefix('(') {
                        let end = r.find(')').unwrap_or(r.len());
                        keys = r[..end].to_owned();
                        rest = r.get(end + 1..).unwrap_or("");
                    }
                    let usable: Vec<char> = keys.chars().filter(|c| matches!(c, '#' | '*')).collect();
                    if usable.len() != keys.chars().count() || usable.len() > 1 {
                        self.approx_once(
                            format!("read t {:?}", job.loc),
                            opts_at,
                            format!(
                                "the end keys `{keys}`: ivrsim's collect ends on one key, `#` or `*`; {}",
                                match usable.first() {
                                    Some(k) => format!("`{k}` is used"),
                                    None => "none is used".to_owned(),
                                }
                            ),
                            "the other keys are taken as part of the entry",
                        );
                    }
                    terminator = usable.first().map(char::to_string);
                }
                's' | 'n' => {}
                other => self.approx_once(
                    format!("read opt {other} {:?}", job.loc),
                    opts_at,
                    format!("option `{other}` of `Read` is not imported"),
                    match other {
                        'i' => "the prompt is a tone Asterisk plays, not a sound file",
                        'e' => "`#` alone gives the value `#` in Asterisk; here it is a no-input",
                        _ => "what the option changes",
                    },
                ),
            }
        }
        let attempts = arg(4)
            .and_then(|a| a.text.trim().parse::<i64>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(1)
            .min(i64::from(crate::menu::MAX_RETRIES)) as u32;
        let timeout_ms = arg(5)
            .and_then(|a| a.text.trim().parse::<f64>().ok())
            .filter(|t| t.is_finite() && *t > 0.0)
            .map(|t| (t * 1000.0).round().max(1.0) as u64);
        let t_at = arg(5).map_or(at, |a| self.span(a.range.clone()));
        let (first_ms, digit_ms) = match timeout_ms {
            Some(ms) => (ms, ms),
            None => (job.state.response_ms, job.state.digit_ms),
        };
        if files.len() > 1 {
            self.approx_once(
                format!("read files {:?}", job.loc),
                at,
                "`Read` plays its files one after another with a 50 ms wait for a key between them (`main/app.c` 231-236); imported as one prompt",
                "50 ms less silence between the files",
            );
        }
        let next = self.resolve(job.loc.next(), &job.state);
        let empty_id = self.unique(format!("{}.nothing", job.id));
        let next_ref = self.reference(&next, at);
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(empty_id.clone(), at),
            Some(format!(
                "Asterisk Read at {here}: nothing entered in {attempts} attempt(s), `{store}` is empty"
            )),
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default: next_ref,
            }),
        );
        self.b.node_set(
            &empty_id,
            vec![SetVar {
                var: store.clone(),
                value: SetValue::Text(String::new()),
                span: at,
            }],
        );
        let next_ref = self.reference(&next, at);
        let fb = self.reference(&empty_id, t_at);
        let listen = ListenSpec {
            timeout: Some(At::new(Duration::from_millis(first_ms), t_at)),
            inter_digit_timeout: Some(At::new(Duration::from_millis(digit_ms), t_at)),
            max_no_input: Some(At::new(
                Retries::Limit(attempts),
                arg(4).map_or(at, |a| self.span(a.range.clone())),
            )),
            // No key is a wrong entry for `Read` (no minimum, no pattern): only words are, which
            // Asterisk does not take; they re-prompt.
            max_no_match: Some(At::new(Retries::Unlimited, at)),
            fallback_no_input: Some(fb),
            barge_in: Some(true),
            ..ListenSpec::default()
        };
        self.b.add_node(
            At::new(job.id.clone(), at),
            Some(format!("Asterisk Read at {here}")),
            NodeSpec::Collect {
                prompt,
                digits: DigitsSpec {
                    at: max_at,
                    min: Some(At::new(1, max_at)),
                    max: Some(At::new(max, max_at)),
                    // Every key but the terminator is part of the value (`ast_readstring`).
                    keys: Some(At::new(
                        format!(
                            "0123456789{}",
                            ['*', '#']
                                .iter()
                                .filter(|k| terminator.as_deref() != Some(k.to_string().as_str()))
                                .collect::<String>()
                        ),
                        opts_at,
                    )),
                    terminator: terminator
                        .and_then(|t| DtmfKey::parse(&t).ok())
                        .map(|t| At::new(t, opts_at)),
                },
                pattern: None,
                store,
                next: next_ref,
                listen,
            },
        );
        if placeholder {
            self.lint_allow(&job.id);
        }
        // Every key is data here, so no key entry is a no-match: a no-match re-prompt could
        // never play (W004 would ask for one).
        self.b.node_lint_allow(&job.id, vec![Code::NoMatchHandling]);
    }
}
