//! Sound files as prompts: their words (`sounds.txt`, `sounds.LANG.txt`), their clips beside
//! the dialplan, and the finding for those with neither.

use super::*;

impl Importer<'_> {
    /// Reads `sounds.txt` (`name: words` a line), if there is one.
    pub(super) fn load_sounds(&mut self) {
        if let Some(words) = self.sound_words("sounds.txt") {
            self.sounds = words;
        }
        for lang in self.b.language_tags().iter().skip(1).cloned().collect::<Vec<_>>() {
            let words = self
                .sound_words(&format!("sounds.{lang}.txt"))
                .map(|w| Rc::new(w.into_iter().map(|(k, (v, _))| (k, v)).collect()));
            self.sounds_in.insert(lang, words);
        }
    }

    /// The words of each sound file in the companion `name` (`sound-file: words` lines, the
    /// format of Asterisk's `core-sounds-en.txt`), with where they are written.
    pub(super) fn sound_words(&mut self, name: &str) -> Option<HashMap<String, (String, Span)>> {
        let (_, id) = self.cx.companion(name, &[])?;
        let text = self.cx.sources.text(id).to_owned();
        let mut out = HashMap::new();
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let at = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            let t = line.trim();
            if t.is_empty() || t.starts_with(';') || t.starts_with('#') {
                continue;
            }
            match t.split_once(':') {
                Some((name, words)) if !name.trim().is_empty() && !words.trim().is_empty() => {
                    let lead = line.len() - line.trim_start().len() + name.len() + 1;
                    let w = words.trim();
                    let start = at + lead + (words.len() - words.trim_start().len());
                    let span = self.cx.bytes(id, start..start + w.len());
                    out.insert(name.trim().to_owned(), (w.to_owned(), span));
                }
                _ => {
                    let span = self.cx.bytes(id, at..at + line.len());
                    self.cx.unreadable(span, "not a `sound-file: words` line");
                }
            }
        }
        Some(out)
    }

    /// The prompt of sound `files` (in the dialplan), and whether its caption is a
    /// placeholder.
    pub(super) fn prompt(&mut self, files: &[Arg], at: Span) -> (Prompt, bool) {
        self.prompt_in(files, at, None)
    }

    /// As [`Importer::prompt`], the files' places in `file` (default: the dialplan).
    pub(super) fn prompt_in(&mut self, files: &[Arg], at: Span, file: Option<FileId>) -> (Prompt, bool) {
        let file = file.unwrap_or(self.file);
        let mut words = Vec::new();
        let mut placeholder = false;
        let mut text_span = at;
        for f in files {
            let fat = self.cx.bytes(file, f.range.clone());
            let local = clip_path(&f.text).filter(|p| self.dir.join(p).is_file());
            match self.sounds.get(&f.text) {
                Some((w, span)) => {
                    if files.len() == 1 {
                        text_span = *span;
                    }
                    words.push(w.clone());
                }
                None => {
                    placeholder = true;
                    words.push(format!("[audio: {}]", f.text));
                    if local.is_none() && self.seen_audio.insert(f.text.clone()) {
                        self.missing_audio.push((f.text.clone(), fat));
                    }
                }
            }
        }
        let audio = match files {
            [one] => clip_path(&one.text)
                .filter(|p| self.dir.join(p).is_file())
                .and_then(|p| {
                    let fat = self.cx.bytes(file, one.range.clone());
                    self.b.clip(&At::new(p.to_string_lossy().into_owned(), fat))
                }),
            _ => {
                if files
                    .iter()
                    .filter_map(|f| clip_path(&f.text))
                    .any(|p| self.dir.join(p).is_file())
                {
                    self.approx_once(
                        format!("clips {}:{}", at.start, at.end),
                        at,
                        "several sound files in one prompt: ivrsim plays one clip a prompt, so none is played; the prompt is timed from its words",
                        "the recordings are not heard and the prompt's length differs",
                    );
                }
                None
            }
        };
        // The same files in the other languages: Asterisk plays `LANG/NAME`; their words
        // from `sounds.LANG.txt`, their clips `LANG/NAME.wav`.
        let mut translations = IndexMap::new();
        for lang in self.b.language_tags().iter().skip(1).cloned().collect::<Vec<_>>() {
            let table = self.sounds_in.get(&lang).cloned().flatten();
            let mut said = Vec::new();
            let mut own = false;
            for (f, default) in files.iter().zip(&words) {
                match table.as_ref().and_then(|t| t.get(&f.text)) {
                    Some(w) => {
                        own = true;
                        said.push(w.clone());
                    }
                    None => {
                        said.push(default.clone());
                        // (A file without words at all is reported once, above.)
                        if table.is_some() && self.sounds.contains_key(&f.text) {
                            let fat = self.cx.bytes(file, f.range.clone());
                            let list = self.missing_words.entry(lang.clone()).or_default();
                            if !list.iter().any(|(n, _)| *n == f.text) {
                                list.push((f.text.clone(), fat));
                            }
                        }
                    }
                }
            }
            let clip = match files {
                [one] => clip_path(&format!("{lang}/{}", one.text))
                    .filter(|p| self.dir.join(p).is_file())
                    .and_then(|p| {
                        let fat = self.cx.bytes(file, one.range.clone());
                        self.b.clip(&At::new(p.to_string_lossy().into_owned(), fat))
                    }),
                _ => None,
            };
            if own || clip.is_some() {
                translations.insert(
                    lang.clone(),
                    PromptText {
                        text: said.join(" "),
                        audio: clip,
                    },
                );
            }
        }
        (
            Prompt {
                text: words.join(" "),
                audio,
                translations,
                span: at,
                text_span,
            },
            placeholder,
        )
    }

    /// One finding for all the sound files that have neither words nor a clip, and one for
    /// each other language whose words are missing.
    pub(super) fn report_audio(&mut self) {
        let top = self.cx.sources.whole(self.file);
        for (lang, table) in self.sounds_in.clone() {
            if table.is_none() {
                let at = self.language_at.get(&lang).copied().unwrap_or(top);
                self.cx.approx(
                    at,
                    format!("no `sounds.{lang}.txt` beside the dialplan: callers who choose `{lang}` see the words of `sounds.txt` (Asterisk plays the `{lang}/` recordings)"),
                    format!("captions in the default language, and prompts timed by those words, for `{lang}` callers"),
                );
            }
        }
        for (lang, missing) in std::mem::take(&mut self.missing_words) {
            let Some((first, at)) = missing.first().cloned() else {
                continue;
            };
            let mut d = Diagnostic::new(
                Code::ImportApproximated,
                at,
                format!(
                    "{} sound file(s) have no words in `sounds.{lang}.txt`, starting with `{first}`: `{lang}` callers see the default words",
                    missing.len()
                ),
            )
            .label("imported differently");
            for (name, s) in missing.iter().skip(1).take(20) {
                d = d.with_secondary(*s, format!("`{name}`"));
            }
            d = d.note("a caller would notice: a caption in the default language");
            self.cx.diags.push(d);
        }
        let missing = std::mem::take(&mut self.missing_audio);
        let Some((first, at)) = missing.first().cloned() else {
            return;
        };
        let n = missing.len();
        let mut d = Diagnostic::new(
            Code::ImportApproximated,
            at,
            if n == 1 {
                format!("sound file `{first}` has neither a clip (`{first}.wav` beside the dialplan) nor its words in `sounds.txt`: its caption is `[audio: {first}]`")
            } else {
                format!("{n} sound files have neither a clip (`NAME.wav` beside the dialplan) nor their words in `sounds.txt`: their captions are `[audio: NAME]`, starting with `{first}`")
            },
        )
        .label("imported differently");
        for (name, s) in missing.iter().skip(1).take(20) {
            d = d.with_secondary(*s, format!("`{name}`"));
        }
        if n > 21 {
            d = d.note(format!("and {} more", n - 21));
        }
        d = d
            .note("a caller would notice: the recording is not played; each such prompt is timed as its caption's words at 150 a minute (0.8 s for `[audio: NAME]`)")
            .help("put the recordings beside the dialplan as WAV (`custom/welcome.wav`), or write `custom/welcome: Welcome to ...` lines in `sounds.txt`");
        self.cx.diags.push(d);
    }
}

/// The sound files of a `&` list, each with its place.
pub(super) fn split_files(a: &Arg) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut start = 0;
    // The argument's text is unquoted; its place is the raw text's. Sound names have no
    // quotes, so offsets within the text match the place when it has none.
    let raw_len = a.range.end - a.range.start;
    let exact = raw_len == a.text.len();
    for piece in a.text.split('&') {
        let t = piece.trim();
        let lead = piece.len() - piece.trim_start().len();
        let r = if exact {
            a.range.start + start + lead..a.range.start + start + lead + t.len()
        } else {
            a.range.clone()
        };
        if !t.is_empty() {
            out.push(Arg {
                text: t.to_owned(),
                range: r,
            });
        }
        start += piece.len() + 1;
    }
    out
}

/// The clip of sound file `name` beside the dialplan (`name.wav`), when `name` is a plain
/// relative path.
fn clip_path(name: &str) -> Option<PathBuf> {
    if name.is_empty() || name.contains('$') {
        return None;
    }
    let p = Path::new(name);
    if !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut s = p.as_os_str().to_owned();
    s.push(".wav");
    Some(PathBuf::from(s))
}
