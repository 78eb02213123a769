//! Scripting `ivrsim operator` for the operator tests: the real console binary on an
//! ephemeral loopback port, driven through its stdin pipe and read from its stdout, and
//! callers as raw TCP clients speaking the protocol (NDJSON v1) with real handoff records.
//!
//! Nothing here synchronises by sleeping: every wait reads until an expected line or
//! message arrives, with a generous deadline ([`WAIT`]) so that a loaded machine does not
//! flake. (The callers' heartbeat thread sleeps between pings: that is what a heartbeat is.)

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

use ivrsim::audio::ClipLibrary;
use ivrsim::engine::Handoff;
use ivrsim::menu::load_menu;
use ivrsim::operator::protocol::{ToCaller, ToConsole, decode, encode};
use ivrsim::source::Sources;

use crate::support::{Dir, root};

/// Longest wait for anything the console or a caller is expected to say.
pub const WAIT: Duration = Duration::from_secs(20);

/// The hotline's menu name: the console's name in `welcome`.
pub const HOTLINE: &str = "National Public Service Hotline";

/// The path to the `ivrsim` binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_ivrsim")
}

// ------------------------------------------------------------------ handoffs

/// The handoff record of a real call on `menus/hotline.yaml` pressing `keys` (one key a
/// turn, each when the prompt playing has ended), run by the engine in virtual time on an
/// operator line, as `ivrsim call --operator` runs it. Cached by keys.
///
/// - `11`: "happening now": the `urgent` queue, priority urgent;
/// - `12`: suspicious activity: the `reports` queue, priority normal;
/// - `13`: any other concern: the `reports` queue, priority normal.
pub fn handoff(keys: &str) -> Handoff {
    static CACHE: OnceLock<Mutex<HashMap<String, Handoff>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(h) = cache.lock().unwrap().get(keys) {
        return h.clone();
    }
    let h = run_to_handoff(keys);
    cache.lock().unwrap().insert(keys.to_owned(), h.clone());
    h
}

fn run_to_handoff(keys: &str) -> Handoff {
    let mut sources = Sources::new();
    let menu = load_menu(&root().join("menus/hotline.yaml"), &mut sources)
        .expect("read the hotline")
        .menu
        .expect("the hotline loads");
    let (clips, _) = ClipLibrary::load(&menu);
    ivrsim::synth::handoff_after_keys(&menu, &clips, keys).unwrap_or_else(|| panic!("keys {keys}: no handoff"))
}

// ------------------------------------------------------------------ the console

/// The lines a child process writes to a pipe, read by a thread, matched in order.
pub struct Lines {
    rx: mpsc::Receiver<String>,
    /// Every line so far.
    pub seen: Vec<String>,
    /// Lines before this one have been matched by an `expect`.
    cursor: usize,
    /// Who writes them, for messages.
    who: &'static str,
}

impl Lines {
    /// Reads `pipe` line by line on a thread.
    pub fn read(pipe: impl Read + Send + 'static, who: &'static str) -> Lines {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(pipe);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match r.read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        let line = String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']).to_owned();
                        if tx.send(line).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Lines {
            rx,
            seen: Vec::new(),
            cursor: 0,
            who,
        }
    }

    fn next_line(&mut self, deadline: Instant) -> Option<String> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(l) => {
                self.seen.push(l.clone());
                Some(l)
            }
            Err(_) => None,
        }
    }

    /// Reads until a line (after the last one matched) satisfies `pred`, within `wait`.
    pub fn find(&mut self, wait: Duration, pred: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + wait;
        if let Some(i) = self.seen[self.cursor..].iter().position(|l| pred(l)) {
            self.cursor += i + 1;
            return Some(self.seen[self.cursor - 1].clone());
        }
        loop {
            let line = self.next_line(deadline)?;
            if pred(&line) {
                self.cursor = self.seen.len();
                return Some(line);
            }
        }
    }

    /// Reads until a line (after the last one matched) satisfies `pred`, within [`WAIT`];
    /// returns it, or panics with what was shown (and `stderr`).
    pub fn expect_by(&mut self, what: &str, stderr: &str, pred: impl Fn(&str) -> bool) -> String {
        self.expect_within(WAIT, what, stderr, pred)
    }

    /// As [`Lines::expect_by`], within `wait`.
    pub fn expect_within(&mut self, wait: Duration, what: &str, stderr: &str, pred: impl Fn(&str) -> bool) -> String {
        match self.find(wait, pred) {
            Some(l) => l,
            None => panic!(
                "{} did not show {what} within {} s; after the last match it showed:\n{}\n--- stderr:\n{stderr}",
                self.who,
                wait.as_secs(),
                self.seen[self.cursor..].join("\n"),
            ),
        }
    }

    /// Lines after the last one matched.
    pub fn unmatched(&self) -> &[String] {
        &self.seen[self.cursor..]
    }

    /// Reads what is left until the writer is gone (or `wait` passes).
    pub fn drain(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        while self.next_line(deadline).is_some() {}
    }
}

/// Collects a pipe into a string on a thread.
pub fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                return;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

/// A running `ivrsim operator` with its stdin and stdout piped.
pub struct Console {
    child: Child,
    stdin: Option<ChildStdin>,
    /// What it printed.
    pub out: Lines,
    stderr: Arc<Mutex<String>>,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The session log (`--log`).
    pub log: PathBuf,
    /// Its temp folder.
    pub dir: Dir,
}

impl Console {
    /// `ivrsim operator menus/hotline.yaml --listen 127.0.0.1:0 --log DIR/log.jsonl
    /// --clock virtual EXTRA…`, up to its `listening on` line.
    pub fn start(extra: &[&str]) -> Console {
        Console::start_on("127.0.0.1:0", extra)
    }

    /// [`Console::start`] listening on `addr`.
    pub fn start_on(addr: &str, extra: &[&str]) -> Console {
        let dir = Dir::new();
        let log = dir.path().join("log.jsonl");
        let menu = root().join("menus/hotline.yaml");
        let mut cmd = Command::new(bin());
        cmd.current_dir(dir.path())
            .arg("operator")
            .arg(&menu)
            .args(["--listen", addr, "--clock", "virtual", "--log"])
            .arg(&log)
            .args(extra);
        let (child, out, stderr, stdin) = spawn(&mut cmd, "the console");
        let mut c = Console {
            child,
            stdin,
            out,
            stderr,
            addr: String::new(),
            log,
            dir,
        };
        let listening = c.expect("listening on ");
        let rest = listening.strip_prefix("listening on ").expect("listening on ADDR: …");
        c.addr = rest.split_once(": ").expect("ADDR: …").0.to_owned();
        assert!(c.addr.starts_with("127.0.0.1:"), "{listening}");
        c
    }

    /// Types one line at the console.
    pub fn cmd(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(line.as_bytes()).expect("write to the console");
        stdin.write_all(b"\n").expect("write to the console");
        stdin.flush().expect("flush");
    }

    /// Types a command and waits for its echo (`> cmd`): the console has read it, and its
    /// own lines follow.
    pub fn run(&mut self, line: &str) {
        self.cmd(line);
        self.expect_line(&format!("> {line}"));
    }

    /// Reads until a line (after the last one matched) satisfies `pred`; returns it.
    pub fn expect_by(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let stderr = self.stderr();
        self.out.expect_by(what, &stderr, pred)
    }

    /// Reads until a line containing `needle` (after the last one matched); returns it.
    pub fn expect(&mut self, needle: &str) -> String {
        self.expect_by(&format!("a line with {needle:?}"), |l| l.contains(needle))
    }

    /// Reads until a line exactly `line`.
    pub fn expect_line(&mut self, line: &str) -> String {
        self.expect_by(&format!("the line {line:?}"), |l| l == line)
    }

    /// Runs `:queue` and returns the lines it printed.
    pub fn queue(&mut self) -> Vec<String> {
        self.run(":queue");
        let from = self.out.cursor;
        // An empty line does nothing but its echo (`> `), which bounds the block.
        self.run("");
        self.out.seen[from..self.out.cursor - 1].to_vec()
    }

    /// What the console wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `:quit`, then waits for the console to exit; its status. (`:quit` twice: a console
    /// may ask for it again while calls are open; one that has left does not read the second.)
    pub fn quit(&mut self) -> ExitStatus {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.write_all(b":quit\n:quit\n");
        }
        self.wait_exit()
    }

    /// Waits for the process to exit (by itself).
    pub fn wait_exit(&mut self) -> ExitStatus {
        wait_for_exit(&mut self.child, &mut self.out, "the console")
    }

    /// Closes its stdin (the end of the call-taker's input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Its stdin, to write to from another thread.
    pub fn take_stdin(&mut self) -> ChildStdin {
        self.stdin.take().expect("stdin open")
    }

    /// Kills the console process (SIGKILL) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The session log's records.
    pub fn records(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("log line {l:?}: {e}")))
            .collect()
    }

    /// The console's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ------------------------------------------------------------------ callers

/// A caller as a raw TCP client. By default a heartbeat thread sends `ping` every second
/// (the protocol asks for one every 2 s), so the console never takes it for gone while a
/// test looks elsewhere; [`RawCaller::silent`] makes one that never pings.
pub struct RawCaller {
    writer: Arc<Mutex<TcpStream>>,
    reader: BufReader<TcpStream>,
    pending: Vec<u8>,
    stop: Arc<AtomicBool>,
    /// Pings received from the console.
    pub pings: usize,
}

/// What a caller read.
#[derive(Debug)]
pub enum Read2 {
    /// A message.
    Msg(ToCaller),
    /// The console closed the connection (or it broke).
    Eof(String),
}

impl RawCaller {
    /// Connects, with a heartbeat.
    pub fn connect(addr: &str) -> RawCaller {
        Self::open(addr, true)
    }

    /// Connects, without a heartbeat.
    pub fn silent(addr: &str) -> RawCaller {
        Self::open(addr, false)
    }

    fn open(addr: &str, heartbeat: bool) -> RawCaller {
        let stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
        stream.set_nodelay(true).expect("nodelay");
        stream
            .set_read_timeout(Some(Duration::from_millis(250)))
            .expect("read timeout");
        stream.set_write_timeout(Some(WAIT)).expect("write timeout");
        let writer = Arc::new(Mutex::new(stream.try_clone().expect("clone")));
        let stop = Arc::new(AtomicBool::new(false));
        if heartbeat {
            let (w, stop) = (writer.clone(), stop.clone());
            std::thread::spawn(move || {
                let ping = encode(&ToConsole::Ping);
                while !stop.load(Ordering::Relaxed) {
                    if w.lock().unwrap().write_all(ping.as_bytes()).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
            });
        }
        RawCaller {
            writer,
            reader: BufReader::new(stream),
            pending: Vec::new(),
            stop,
            pings: 0,
        }
    }

    /// Connects and says hello as `name` (no token); expects `welcome`.
    pub fn hello(addr: &str, name: &str) -> RawCaller {
        let mut c = Self::connect(addr);
        c.send(&ToConsole::Hello {
            caller: name.into(),
            token: None,
        });
        match c.recv() {
            ToCaller::Welcome { console } => assert_eq!(console, HOTLINE),
            other => panic!("{name}: expected welcome, got {other:?}"),
        }
        c
    }

    /// Connects, says hello as `name`, joins with `handoff` and expects `waiting` (returned).
    pub fn join(addr: &str, name: &str, handoff: Handoff) -> (RawCaller, ToCaller) {
        let mut c = Self::hello(addr, name);
        c.send(&ToConsole::Join { handoff });
        let w = c.recv();
        assert!(
            matches!(w, ToCaller::Waiting { .. }),
            "{name}: expected waiting, got {w:?}"
        );
        (c, w)
    }

    /// Sends a message.
    pub fn send(&mut self, msg: &ToConsole) {
        self.send_raw(encode(msg).as_bytes());
    }

    /// Sends bytes as they are.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.writer
            .lock()
            .unwrap()
            .write_all(bytes)
            .expect("send to the console");
    }

    /// Tries to send bytes; whether it went.
    pub fn try_send_raw(&mut self, bytes: &[u8]) -> bool {
        self.writer.lock().unwrap().write_all(bytes).is_ok()
    }

    /// The next message other than `ping`, or the end of the connection, within `wait`.
    pub fn read_within(&mut self, wait: Duration) -> Option<Read2> {
        let deadline = Instant::now() + wait;
        loop {
            match self.reader.read_until(b'\n', &mut self.pending) {
                Ok(0) => return Some(Read2::Eof("closed".into())),
                Ok(_) if self.pending.ends_with(b"\n") => {
                    let line = String::from_utf8(std::mem::take(&mut self.pending)).expect("the console writes UTF-8");
                    let msg: ToCaller =
                        decode(line.trim_end()).unwrap_or_else(|e| panic!("the console wrote {line:?}: {e}"));
                    if msg == ToCaller::Ping {
                        self.pings += 1;
                        continue;
                    }
                    return Some(Read2::Msg(msg));
                }
                Ok(_) => continue, // a partial line: read on
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Some(Read2::Eof(e.to_string())),
            }
            if Instant::now() >= deadline {
                return None;
            }
        }
    }

    /// The next message other than `ping`; panics on the end of the connection or after [`WAIT`].
    pub fn recv(&mut self) -> ToCaller {
        match self.read_within(WAIT) {
            Some(Read2::Msg(m)) => m,
            Some(Read2::Eof(why)) => panic!("the connection ended ({why}) where a message was expected"),
            None => panic!("no message within {} s", WAIT.as_secs()),
        }
    }

    /// Reads until the connection ends, within `wait`; the messages read before that.
    /// Panics if it is still open then.
    pub fn expect_eof(&mut self, wait: Duration) -> Vec<ToCaller> {
        let mut msgs = Vec::new();
        loop {
            match self.read_within(wait) {
                Some(Read2::Msg(m)) => msgs.push(m),
                Some(Read2::Eof(_)) => return msgs,
                None => panic!("the connection is still open after {wait:?}; read {msgs:?}"),
            }
        }
    }

    /// Nothing but pings arrives within `wait`.
    pub fn expect_quiet(&mut self, wait: Duration) {
        if let Some(r) = self.read_within(wait) {
            panic!("expected nothing, got {r:?}");
        }
    }

    /// Stops the heartbeat (the socket stays open).
    pub fn stop_heartbeat(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Drops the connection at once (both directions), as a caller's process dying would.
    pub fn close(&self) {
        self.stop_heartbeat();
        let _ = self.reader.get_ref().shutdown(Shutdown::Both);
    }
}

impl Drop for RawCaller {
    fn drop(&mut self) {
        self.close();
    }
}

/// An `error` message's code and fatality, or a panic.
pub fn error_of(msg: &ToCaller) -> (&str, bool) {
    match msg {
        ToCaller::Error { code, fatal, .. } => (code.as_str(), *fatal),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// `waiting`'s queue, position and staffing, or a panic.
pub fn waiting_of(msg: &ToCaller) -> (&str, usize, bool) {
    match msg {
        ToCaller::Waiting {
            queue,
            position,
            staffed,
        } => (queue.as_str(), *position, *staffed),
        other => panic!("expected waiting, got {other:?}"),
    }
}

/// A real caller: `ivrsim call menus/hotline.yaml --no-timeouts --caller NAME --operator ADDR`
/// from a pipe (real time: the prompts take as long as on a line). Killed when dropped.
pub struct RealCaller {
    /// What it printed.
    pub out: Lines,
    stdin: Option<ChildStdin>,
    child: Child,
    err: Arc<Mutex<String>>,
}

impl RealCaller {
    /// Starts the caller.
    pub fn start(addr: &str, name: &str) -> RealCaller {
        RealCaller::start_with(&[
            "call",
            "menus/hotline.yaml",
            "--no-timeouts",
            "--caller",
            name,
            "--operator",
            addr,
        ])
    }

    /// Starts `ivrsim ARGS` in the repository root.
    pub fn start_with(args: &[&str]) -> RealCaller {
        let mut cmd = Command::new(bin());
        cmd.current_dir(root()).args(args);
        let (child, out, err, stdin) = spawn(&mut cmd, "the caller");
        RealCaller { out, stdin, child, err }
    }

    /// What it printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.err.lock().expect("stderr").clone()
    }

    /// Types one line.
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(line.as_bytes()).expect("write to the caller");
        stdin.write_all(b"\n").expect("write to the caller");
        stdin.flush().expect("flush");
    }

    /// Reads until a line containing `needle`, within `wait`.
    pub fn expect_within(&mut self, wait: Duration, needle: &str) -> String {
        let stderr = self.stderr();
        self.out
            .expect_within(wait, &format!("a line with {needle:?}"), &stderr, |l| {
                l.contains(needle)
            })
    }

    /// Reads until a line containing `needle`.
    pub fn expect(&mut self, needle: &str) -> String {
        self.expect_within(WAIT, needle)
    }

    /// Presses `1` then `keys` through the hotline to a transfer (prompts in real time, each
    /// key waiting for its turn, as from any pipe) and waits for the handoff.
    pub fn reach(&mut self, second_key: &str) {
        let prompts = Duration::from_secs(60);
        self.expect_within(prompts, "] welcome: ");
        self.type_line("1"); // read during the welcome, pressed in main_menu: report a concern
        self.expect_within(prompts, "] report_menu: ");
        self.type_line(second_key);
        self.expect_within(prompts, "=== handed to an operator");
    }

    /// Waits for the process to exit.
    pub fn wait_exit(&mut self) -> ExitStatus {
        self.stdin = None;
        wait_for_exit(&mut self.child, &mut self.out, "the caller")
    }
}

impl Drop for RealCaller {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (up to [`WAIT`]) for `child` to exit, then reads what it printed last into `out`.
fn wait_for_exit(child: &mut Child, out: &mut Lines, who: &str) -> ExitStatus {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            out.drain(Duration::from_secs(1));
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "{who} did not exit within {} s",
            WAIT.as_secs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Spawns `cmd` (colour off, no inherited log filter or token) with its output read line by
/// line as `who`: the child, its stdout lines, its stderr (collected), its stdin.
fn spawn(cmd: &mut Command, who: &'static str) -> (Child, Lines, Arc<Mutex<String>>, Option<ChildStdin>) {
    let mut child = cmd
        .env("NO_COLOR", "1")
        .env_remove("IVRSIM_LOG")
        .env_remove("IVRSIM_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {who}: {e}"));
    let out = Lines::read(child.stdout.take().expect("stdout"), who);
    let err = collect(child.stderr.take().expect("stderr"));
    let stdin = child.stdin.take();
    (child, out, err, stdin)
}
