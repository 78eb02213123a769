//! The steps that decide or end: `GotoIf`, `GotoIfTime`, `Set`, `VoiceMail`, `Hangup`,
//! `SayDigits`/`SayNumber`, and the stand-in for applications ivrsim cannot run.

use super::*;

impl Importer<'_> {
    /// The places a branch of `GotoIf`/`GotoIfTime` at `loc` leads (an empty one: the next
    /// priority).
    pub(super) fn branch(
        &mut self,
        loc: Loc,
        b: Option<&(String, Range<usize>)>,
        state: &State,
        at: Span,
    ) -> (String, Span) {
        match b {
            None => (self.resolve(loc.next(), state), at),
            Some((text, r)) => {
                let bat = self.span(r.clone());
                match self.goto(loc, text, r.clone()) {
                    Ok(t) => (self.resolve(t, state), bat),
                    Err(id) => (id, bat),
                }
            }
        }
    }

    /// A step that only goes on at the next priority (`app` could not be read), as a route.
    fn on_to_next(&mut self, job: Job, at: Span, app: &str) {
        let next = self.resolve(job.loc.next(), &job.state);
        let r = self.reference(&next, at);
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id, at),
            Some(format!("Asterisk {app} at {here}")),
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default: r,
            }),
        );
    }

    pub(super) fn goto_if(&mut self, job: Job, p: &parse::Priority) {
        let at = self.node_span(p);
        let Some((cond, yes, no)) = expr::branches(&p.args, p.args_start) else {
            self.approx_once(
                format!("gotoif {:?}", job.loc),
                at,
                "`GotoIf` without `?`: Asterisk goes on at the next priority",
                "nothing",
            );
            self.on_to_next(job, at, "GotoIf");
            return;
        };
        let (yes_id, yes_at) = self.branch(job.loc, yes.as_ref(), &job.state, at);
        let (no_id, no_at) = self.branch(job.loc, no.as_ref(), &job.state, at);
        let cond_at = self.span(cond.1.clone());
        let parsed = expr::condition(&cond.0, &self.constant());
        let (routes, default) = match parsed {
            Ok(c) => {
                let (to, to_at, other, other_at) = if c.negated {
                    (no_id, no_at, yes_id, yes_at)
                } else {
                    (yes_id, yes_at, no_id, no_at)
                };
                let mut routes = Vec::new();
                for when in c.alternatives {
                    routes.push(Route {
                        when,
                        to: self.b.reference(&to, to_at),
                    });
                }
                (routes, self.b.reference(&other, other_at))
            }
            Err(e) => {
                self.cx.approx(
                    cond_at,
                    format!(
                        "the condition `{}` is not imported ({e}): the call always takes the false branch",
                        cond.0
                    ),
                    "callers for whom the condition holds go the other way",
                );
                (Vec::new(), self.b.reference(&no_id, no_at))
            }
        };
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id, at),
            Some(format!("Asterisk GotoIf at {here}")),
            NodeSpec::Route(RouteNode { routes, default }),
        );
    }

    pub(super) fn goto_if_time(&mut self, job: Job, p: &parse::Priority) {
        let at = self.node_span(p);
        let Some((spec, yes, no)) = expr::branches(&p.args, p.args_start) else {
            self.approx_once(
                format!("gotoiftime {:?}", job.loc),
                at,
                "`GotoIfTime` without `?`: not imported, the call goes on at the next priority",
                "nothing",
            );
            self.on_to_next(job, at, "GotoIfTime");
            return;
        };
        let (yes_id, yes_at) = self.branch(job.loc, yes.as_ref(), &job.state, at);
        let (no_id, no_at) = self.branch(job.loc, no.as_ref(), &job.state, at);
        let spec_at = self.span(spec.1.clone());
        let key = spec.0.split_whitespace().collect::<String>();
        let schedule = match self.schedules.get(&key) {
            Some(name) => Some(name.clone()),
            None => {
                let (t, bad) = timespec::parse(&key);
                for b in bad {
                    self.cx.approx(
                        spec_at,
                        format!("{b}: Asterisk skips this element (and logs a warning); so does the import"),
                        "the times it was meant to add or remove",
                    );
                }
                if let Some(tz) = &t.timezone {
                    self.cx.approx(
                        spec_at,
                        format!("the time zone `{tz}` is not imported: the times are read in the hotline's local time"),
                        "the hours shift by the difference between the two time zones",
                    );
                }
                let made = timespec::schedule(&t).and_then(|(s, dated)| {
                    if self.dated_periods + s.special.len() > MAX_DATED_PERIODS {
                        return Err(format!(
                            "the schedules of this dialplan would list more than {MAX_DATED_PERIODS} dated periods"
                        ));
                    }
                    self.dated_periods += s.special.len();
                    Ok((s, dated))
                });
                match made {
                    Ok((s, dated)) => {
                        if dated {
                            self.cx.approx(
                                spec_at,
                                format!(
                                    "days of the month and months hold every year in Asterisk; the imported schedule lists the dates of {} to {}",
                                    timespec::FIRST_YEAR,
                                    timespec::LAST_YEAR
                                ),
                                "a call outside those years takes the false branch",
                            );
                        }
                        let name = key.clone();
                        self.b.add_schedule(At::new(name.clone(), spec_at), s);
                        self.schedules.insert(key.clone(), name.clone());
                        Some(name)
                    }
                    Err(e) => {
                        self.cx.approx(
                            spec_at,
                            format!("the times are not imported ({e}): the call always takes the false branch"),
                            "callers in those times go the other way",
                        );
                        None
                    }
                }
            }
        };
        let routes = match schedule {
            Some(s) => vec![Route {
                when: vec![crate::menu::Test::Hours(s)],
                to: self.b.reference(&yes_id, yes_at),
            }],
            None => Vec::new(),
        };
        let default = self.b.reference(&no_id, no_at);
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id, at),
            Some(format!("Asterisk GotoIfTime at {here}")),
            NodeSpec::Route(RouteNode { routes, default }),
        );
    }

    /// A run of `Set(VAR=value)` of call variables: a route that sets them.
    pub(super) fn sets(&mut self, job: Job) {
        let mut cur = job.loc;
        let mut sets = Vec::new();
        let first_at = self.prio(cur).map(|p| self.span(p.range.clone()));
        while let Some(p) = self.prio(cur).cloned() {
            if app_kind(&p.app) != App::Set {
                break;
            }
            let Some((name, value)) = p.args.split_once('=') else {
                break;
            };
            let SetKind::Var(var) = set_kind(name) else { break };
            let at = self.span(p.range.clone());
            let value_at = self.span(p.args_start + name.len() + 1..p.args_start + p.args.len());
            let parsed = expr::set_value(&var, value, &self.constant());
            match parsed {
                Ok(v) => sets.push(SetVar {
                    var,
                    value: v,
                    span: at,
                }),
                Err(e) => self.cx.approx(
                    value_at,
                    format!("`{var}` is not set: {e}"),
                    format!("steps that test `{var}` see the value it had before"),
                ),
            }
            cur = cur.next();
        }
        let at = first_at.unwrap_or_else(|| self.cx.sources.whole(self.file));
        let next = self.resolve(cur, &job.state);
        let default = self.reference(&next, at);
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id.clone(), at),
            Some(format!("Asterisk Set at {here}")),
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default,
            }),
        );
        self.b.node_set(&job.id, sets);
    }

    pub(super) fn voicemail(&mut self, job: Job, p: &parse::Priority, lead: Option<Lead>) {
        let at = self.node_span(p);
        let args = Self::args(p);
        let target = args
            .first()
            .map(|a| a.text.trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "voicemail".into());
        if let Some(n) = self.prio(job.loc.next()).cloned()
            && app_kind(&n.app) != App::Hangup
        {
            let nat = self.span(n.range.clone());
            self.approx_once(
                format!("after vm {:?}", job.loc),
                nat,
                "what follows `VoiceMail` is not imported here: in ivrsim the voicemail ends the IVR part of the call",
                "a caller who leaves the voicemail (`#`, or `0`/`*` to `o`/`a`) goes no further",
            );
        }
        let (node_at, what, prompt) = self.lead(lead, &job, p, at);
        self.b.add_node(
            At::new(job.id, node_at),
            Some(what),
            NodeSpec::External(ExternalNode {
                app: ExternalApp::Voicemail,
                name: target,
                prompt,
                on: None,
                store: crate::menu::DEFAULT_EXTERNAL_STORE.into(),
            }),
        );
    }

    pub(super) fn hangup(&mut self, job: Job, p: &parse::Priority, lead: Option<Lead>) {
        let at = self.node_span(p);
        let reason = if app_kind(&p.app) == App::Tone {
            self.approx_once(
                format!("tone {:?}", job.loc),
                at,
                format!(
                    "`{}` plays a tone until the caller hangs up; imported as a hang-up",
                    p.app
                ),
                "the tone",
            );
            p.app.to_ascii_lowercase()
        } else {
            "hangup".into()
        };
        let (node_at, what, prompt) = self.lead(lead, &job, p, at);
        self.b.add_node(
            At::new(job.id, node_at),
            Some(what),
            NodeSpec::Hangup(HangupNode { prompt, reason }),
        );
    }

    /// The place, description and prompt of a node made at `job` from `p`, led by a
    /// `Playback` or not.
    pub(super) fn lead(
        &mut self,
        lead: Option<Lead>,
        job: &Job,
        p: &parse::Priority,
        at: Span,
    ) -> (Span, String, Option<Prompt>) {
        match lead {
            None => (at, format!("Asterisk {} at {}", p.app, self.here(job.loc)), None),
            Some(l) => {
                if l.placeholder {
                    self.lint_allow(&job.id);
                }
                (
                    l.at,
                    format!("Asterisk Playback + {} at {}", p.app, self.here(l.loc)),
                    Some(l.prompt),
                )
            }
        }
    }

    /// `SayDigits(${VAR})`, `SayNumber(${VAR})`: a message reading the value back.
    pub(super) fn say(&mut self, job: Job, p: &parse::Priority) {
        let at = self.node_span(p);
        let args = Self::args(p);
        let value = args.first().map(|a| a.text.trim().to_owned()).unwrap_or_default();
        let digits = p.app.eq_ignore_ascii_case("saydigits");
        let text = match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
            Some(v) if expr::is_var_name(v) => format!("{{{v}{}}}", if digits { ":digits" } else { ":number" }),
            _ if !value.contains('$') && digits => value.chars().map(String::from).collect::<Vec<_>>().join(" "),
            _ if !value.contains('$') => value.clone(),
            _ => {
                self.approx_once(
                    format!("say {:?}", job.loc),
                    at,
                    format!("`{value}` is not read: only `${{NAME}}` or a constant"),
                    "what is read back",
                );
                format!("[{}: {value}]", p.app)
            }
        };
        let next = self.resolve(job.loc.next(), &job.state);
        let next = self.reference(&next, at);
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id, at),
            Some(format!("Asterisk {} at {here}", p.app)),
            NodeSpec::Message {
                prompt: Prompt {
                    text,
                    audio: None,
                    translations: IndexMap::new(),
                    span: at,
                    text_span: at,
                },
                next,
                barge_in: Some(false),
            },
        );
    }

    /// An application ivrsim cannot run: an external application step named after it.
    pub(super) fn unknown(&mut self, job: Job, p: &parse::Priority) {
        let at = self.node_span(p);
        let mut name = format!("{}({})", p.app, p.args);
        if name.len() > 80 {
            let mut cut = 77;
            while !name.is_char_boundary(cut) {
                cut -= 1;
            }
            name.truncate(cut);
            name.push_str("...");
        }
        self.cx.approx(
            at,
            format!(
                "`{}` is not imported: the call is handed to an application named `{name}` and the IVR part ends there",
                p.app
            ),
            format!("whatever `{}` does, and everything after it", p.app),
        );
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id, at),
            Some(format!("Asterisk {} at {here} (not imported)", p.app)),
            NodeSpec::External(ExternalNode {
                app: ExternalApp::Application,
                name,
                prompt: None,
                on: None,
                store: crate::menu::DEFAULT_EXTERNAL_STORE.into(),
            }),
        );
    }
}
