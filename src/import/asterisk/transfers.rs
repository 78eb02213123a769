//! `Queue()` and `Dial()` as transfers, with the settings of `queues.conf`.

use super::*;

impl Importer<'_> {
    /// `Queue()` or `Dial()`.
    pub(super) fn transfer(&mut self, job: Job, p: &parse::Priority, lead: Option<Lead>) {
        let at = self.node_span(p);
        let args = Self::args(p);
        let dial = app_kind(&p.app) == App::Dial;
        let name = args.first().map(|a| a.text.trim().to_owned()).unwrap_or_default();
        let name_at = args.first().map_or(at, |a| self.span(a.range.clone()));
        let queue = if name.is_empty() {
            "queue".to_owned()
        } else {
            name.clone()
        };
        if name.contains("${") {
            self.approx_once(
                format!("queue name {:?}", job.loc),
                name_at,
                format!("`{name}` is computed while the call runs: imported as a queue of that name"),
                "the call may be queued elsewhere",
            );
        }
        let timeout_arg = if dial { args.get(1) } else { args.get(4) };
        let max_wait = timeout_arg
            .filter(|a| !a.text.is_empty())
            .and_then(|a| {
                a.text
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(|n| (n, a.range.clone()))
            })
            .map(|(n, r)| At::new(Duration::from_secs(n as u64), self.span(r)));
        let opts_arg = if dial { args.get(2) } else { args.get(1) };
        if let Some(o) = opts_arg.filter(|o| !o.text.is_empty()) {
            let oat = self.span(o.range.clone());
            self.approx_once(
                format!("queue opts {:?}", job.loc),
                oat,
                format!("the options `{}` of `{}` are not imported", o.text, p.app),
                "what they change: ringing instead of music, who may transfer, how long members ring",
            );
        }
        if dial {
            self.approx_once(
                format!("dial {:?}", job.loc),
                name_at,
                format!("`Dial` rings `{name}` itself; imported as a transfer to a queue named `{name}` (call-takers answer it in ivrsim)"),
                "a person answers from the queue, or the call goes on at the next priority when nobody does",
            );
        }
        let known = self.queues.get(&queue).map(|q| q.max_wait.clone());
        match known {
            Some(old) => {
                if let (Some(new), Some(old)) = (&max_wait, &old)
                    && new.value != old.value
                {
                    let (nv, ov) = (new.value.as_secs(), old.value.as_secs());
                    let nat = new.at;
                    self.approx_once(
                        format!("queue wait {:?}", job.loc),
                        nat,
                        format!("queue `{queue}` is given a timeout of {nv} s here and {ov} s before: ivrsim keeps one wait limit a queue, the first"),
                        "callers who come this way wait as long as the first timeout says",
                    );
                } else if old.is_none()
                    && let Some(q) = self.queues.get_mut(&queue)
                {
                    q.max_wait = max_wait;
                }
            }
            None => {
                self.queues.insert(
                    queue.clone(),
                    QueueUse {
                        at: name_at,
                        max_wait,
                        dial,
                    },
                );
            }
        }
        let level = (5 - job.state.queue_prio.clamp(-4, 4)) as u64;
        let priority = if dial {
            Priority::Normal
        } else {
            Priority::from_level(level).unwrap_or_default()
        };
        let next = self.resolve(job.loc.next(), &job.state);
        let next = self.reference(&next, at);
        let hold = if dial {
            None
        } else {
            Some(self.hold(&queue, &job.state, name_at))
        };
        let (node_at, what, prompt) = self.lead(lead, &job, p, at);
        self.b.add_node(
            At::new(job.id, node_at),
            Some(what),
            NodeSpec::Transfer {
                queue,
                priority,
                prompt,
                context: None,
                hold,
                when_no_operator: Some(Some(NoOperator::Goto { to: next })),
            },
        );
    }

    /// `queues.conf`, read once.
    pub(super) fn queue_conf(&mut self) -> Option<QueueConf> {
        if let Some(q) = &self.qconf {
            return q.clone();
        }
        let read = self.cx.companion("queues.conf", &[]).map(|(_, id)| {
            let (q, notes) = queues::parse(self.cx.sources.text(id));
            for n in notes {
                match n {
                    Note::Unreadable(r, m) => {
                        let at = self.cx.bytes(id, r);
                        self.cx.unreadable(at, m);
                    }
                    Note::Approx(r, m, c) => {
                        let at = self.cx.bytes(id, r);
                        self.cx.approx(at, m, c);
                    }
                }
            }
            (id, Rc::new(q))
        });
        self.qconf = Some(read.clone());
        read
    }

    /// The hold announcements of queue `name` from `queues.conf`.
    pub(super) fn hold(&mut self, name: &str, state: &State, queue_at: Span) -> HoldSpec {
        let conf = self.queue_conf();
        let section = conf.as_ref().and_then(|(_, c)| c.get(name).cloned());
        let file = conf.as_ref().map_or(self.file, |(f, _)| *f);
        let settings = section.as_ref().map(|s| s.settings.clone()).unwrap_or_default();
        let mut hold = HoldSpec::default();
        let mut periodic_every = None;
        let mut periodic_files: Option<(String, Range<usize>)> = None;
        let mut announce = None;
        for s in &settings {
            let at = self.cx.bytes(file, s.range.clone());
            match s.key.as_str() {
                "announce-frequency" => announce = Some((s.value.trim().parse::<u64>().unwrap_or(0), at)),
                "periodic-announce-frequency" => {
                    periodic_every = Some((s.value.trim().parse::<u64>().unwrap_or(0), at));
                }
                "periodic-announce" => periodic_files = Some((s.value.clone(), s.range.clone())),
                "context" => {
                    let cname = s.value.trim().to_owned();
                    match self.plan.by_name.get(&cname).copied() {
                        None => self.approx_once(
                            format!("qctx {name}"),
                            at,
                            format!("there is no context `{cname}` in the dialplan: no key takes a waiting caller out"),
                            "keys pressed while waiting do nothing",
                        ),
                        Some(c) => {
                            self.reached.insert(c);
                            let one: Vec<(usize, usize)> = self
                                .dialable_exts(c)
                                .into_iter()
                                .filter(|(d, e)| {
                                    let n = &self.plan.contexts[*d].exts[*e].name;
                                    n.len() == 1 && n.chars().all(|c| matches!(c, '0'..='9' | '*' | '#'))
                                })
                                .collect();
                            if one.len() > 1 {
                                self.approx_once(
                                    format!("qctx many {name}"),
                                    at,
                                    format!("context `{cname}` has {} one-key extensions; ivrsim takes a waiting caller out with one key, the first", one.len()),
                                    "the other keys do nothing while waiting",
                                );
                            }
                            if let Some(&(d, e)) = one.first() {
                                let key = self.plan.contexts[d].exts[e].name.chars().next().unwrap_or('1');
                                let to = self.resolve(
                                    Loc {
                                        chan: c,
                                        def: d,
                                        ext: e,
                                        prio: 1,
                                    },
                                    state,
                                );
                                hold.exit = Some(Box::new(HoldExit {
                                    key,
                                    key_span: at,
                                    to: self.b.reference(&to, at),
                                }));
                            } else {
                                self.approx_once(
                                    format!("qctx none {name}"),
                                    at,
                                    format!(
                                        "context `{cname}` has no one-key extension: no key takes a waiting caller out"
                                    ),
                                    "nothing",
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let qat = section
            .as_ref()
            .map_or(queue_at, |s| self.cx.bytes(file, s.range.clone()));
        match announce {
            Some((n, at)) if n > 0 => {
                let secs = n.max(5);
                if n < 5 {
                    self.approx_once(
                        format!("announce {name}"),
                        at,
                        format!("position announcements every {n} s: ivrsim announces at most every 5 s"),
                        "fewer announcements",
                    );
                }
                hold.every = Some(At::new(Duration::from_secs(secs), at));
            }
            other => {
                let at = other.map_or(qat, |(_, at)| at);
                self.approx_once(
                    format!("announce none {name}"),
                    at,
                    format!("queue `{name}` announces no position (`announce-frequency` 0, Asterisk's default); ivrsim announces the position once, when the caller joins"),
                    "one announcement of the caller's place when joining the queue",
                );
                hold.every = Some(At::new(NO_ANNOUNCEMENTS, at));
            }
        }
        if let Some((n, at)) = periodic_every.filter(|(n, _)| *n > 0) {
            let (files, r) = periodic_files.unwrap_or(("queue-periodic-announce".into(), at.range()));
            let fat = self.cx.bytes(file, r.clone());
            let args: Vec<Arg> = files
                .split(',')
                .map(|f| Arg {
                    text: f.trim().to_owned(),
                    range: r.clone(),
                })
                .filter(|a| !a.text.is_empty())
                .collect();
            let (prompt, _) = self.prompt_in(&args, fat, Some(file));
            if n < 5 {
                self.approx_once(
                    format!("periodic {name}"),
                    at,
                    format!("periodic announcements every {n} s: ivrsim plays them at most every 5 s"),
                    "fewer announcements",
                );
            }
            hold.periodic = Some(Box::new(Periodic {
                every: Duration::from_secs(n.max(5)),
                prompt,
            }));
        }
        hold
    }

    /// The queues the transfers name, with their settings.
    pub(super) fn add_queues(&mut self) {
        let uses: Vec<(String, Span, Option<At<Duration>>, bool)> = self
            .queues
            .iter()
            .map(|(n, q)| (n.clone(), q.at, q.max_wait.clone(), q.dial))
            .collect();
        let mut conf_missing_told = false;
        for (name, at, max_wait, dial) in uses {
            let mut spec = QueueSpec {
                max_wait,
                ..QueueSpec::default()
            };
            if dial {
                // A device that cannot be reached fails at once (`DIALSTATUS` CHANUNAVAIL).
                spec.join_empty = Some(false);
                spec.leave_when_empty = Some(true);
                self.b.add_queue(At::new(name, at), spec);
                continue;
            }
            // Asterisk's defaults (`init_queue`, app_queue.c 3120-3146): no limit, a caller
            // may join an empty queue and is never taken out of it.
            spec.join_empty = Some(true);
            spec.leave_when_empty = Some(false);
            match self.queue_conf() {
                None => {
                    if !conf_missing_told {
                        conf_missing_told = true;
                        self.cx.approx(
                            at,
                            "no `queues.conf` beside the dialplan (or named with `--with`): every queue has Asterisk's default settings (no limit, callers may wait with nobody logged in)",
                            "the limits and announcements `queues.conf` would give",
                        );
                    }
                }
                Some((file, conf)) => match conf.get(&name) {
                    None => self.cx.approx(
                        at,
                        format!("queue `{name}` is not in `queues.conf`: Asterisk could not queue the caller and would go on at the next priority; imported as a queue with Asterisk's default settings"),
                        "the caller waits for a call-taker where Asterisk would move on at once",
                    ),
                    Some(section) => {
                        // Settings without a counterpart, by the section they are written in
                        // (a template's once for all its queues).
                        let mut unmapped: Vec<(Range<usize>, bool, Vec<String>)> = Vec::new();
                        for s in &section.settings {
                            let sat = self.cx.bytes(file, s.range.clone());
                            match s.key.as_str() {
                                "maxlen" => {
                                    let n = s.value.trim().parse::<i64>().unwrap_or(0);
                                    spec.max_waiting = (n > 0).then(|| At::new(n.min(i64::from(u32::MAX)) as u32, sat));
                                }
                                "joinempty" | "leavewhenempty" => {
                                    let join = s.key == "joinempty";
                                    let (any, other) = queues::empty_conditions(&s.value, join);
                                    if join {
                                        spec.join_empty = Some(!any);
                                    } else {
                                        spec.leave_when_empty = Some(any);
                                    }
                                    if !other.is_empty() {
                                        self.approx_once(
                                            format!("empty {:?}", s.range),
                                            sat,
                                            format!("`{}`: ivrsim's call-takers are logged in or not; the member states {} have no counterpart", s.key, other.join(", ")),
                                            if join {
                                                "a caller may join while every call-taker is in one of those states"
                                            } else {
                                                "a waiting caller stays while every call-taker is in one of those states"
                                            },
                                        );
                                    }
                                }
                                k if queues::MAPPED.contains(&k) => {}
                                k => {
                                    let heard = queues::HEARD.contains(&k);
                                    match unmapped.iter_mut().find(|u| u.0 == s.origin && u.1 == heard) {
                                        Some(u) => {
                                            if !u.2.iter().any(|x| x == k) {
                                                u.2.push(k.to_owned());
                                            }
                                        }
                                        None => unmapped.push((s.origin.clone(), heard, vec![k.to_owned()])),
                                    }
                                }
                            }
                        }
                        for (origin, heard, keys) in unmapped {
                            let oat = self.cx.bytes(file, origin.clone());
                            let section = self.cx.sources.text(file).get(origin.clone()).unwrap_or("").to_owned();
                            let keys = format!("`[{section}]`: {}", keys.join(", "));
                            if heard {
                                self.approx_once(
                                    format!("heard {origin:?}"),
                                    oat,
                                    format!("{keys} are not imported"),
                                    "the music and the wording of the announcements while waiting: ivrsim plays its own announcement, with silence between",
                                );
                            } else {
                                self.approx_once(
                                    format!("unmapped {origin:?}"),
                                    oat,
                                    format!("{keys} are not imported (no counterpart in ivrsim)"),
                                    "who answers and when: in ivrsim the call-takers (the console, or a scenario) decide",
                                );
                            }
                        }
                    }
                },
            }
            self.b.add_queue(At::new(name, at), spec);
        }
    }
}
