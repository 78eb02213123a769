//! Source files and byte spans, so that every finding can point at `file:line:column`.
//!
//! [`Sources`] owns the text of every file read during a run (menus, included fragments,
//! scenarios). A [`Span`] is a byte range inside one of them. Rendering goes through
//! [`codespan_reporting`], which needs the [`Files`] trait implemented here.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::files::{Files, SimpleFile};
use serde_saphyr::Location;

/// Index of a file inside [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A place in one source file: a byte range `start..end` (`end` may equal `start` for a
/// point), or, when [`Span::pointer`] is set, a JSON pointer into the file (RFC 6901, e.g.
/// `/Actions/3/Transitions/NextAction`), for files read without byte positions (the JSON of
/// an importer). A pointer span is made by [`Sources::pointer`]; its byte range is `0..0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// File the span is in.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// The JSON pointer this place is, if it is one (its text is in [`Sources`]).
    pub pointer: Option<PointerId>,
}

/// Index of a JSON pointer kept by [`Sources`] (see [`Sources::pointer`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PointerId(std::num::NonZeroU32);

impl Span {
    /// The byte range, for slicing the source text.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// 1-based line and column (in characters) of a byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// All source files read in one run.
///
/// Each file is kept as read (for parsing) and as shown (for rendering findings): the shown
/// copy has control characters replaced by `?` (byte for byte, so spans stay valid), so a
/// menu file cannot send escape sequences to the user's terminal through a snippet.
#[derive(Default)]
pub struct Sources {
    files: Vec<SimpleFile<String, Arc<str>>>,
    raw: Vec<Arc<str>>,
    /// Whether each file is all ASCII: its columns are then byte offsets, found in constant
    /// time (a one-line file of a megabyte with thousands of findings would otherwise count
    /// characters for each).
    ascii: Vec<bool>,
    /// The JSON pointers of [`Sources::pointer`]: `PointerId(n)` is `pointers[n - 1]`.
    pointers: Vec<String>,
    /// Pointer text to its index in `pointers`.
    pointer_ids: std::collections::HashMap<String, usize>,
    /// The id of `files[0]`: 0, except in a set made by [`Sources::continuing`].
    first_file: u32,
    /// How many pointers come before `pointers[0]` (as `first_file`).
    first_pointer: usize,
}

/// `s` made safe to show on a terminal, keeping its lines: every character that is not
/// [`shows_as_itself`] except line feed, tab and carriage return is replaced by `?`, one `?`
/// per byte, so byte offsets into the text stay valid (spans of a source file still point at
/// the right place in the shown copy).
///
/// This and [`printable_line`] are the one sanitiser for everything ivrsim shows on a terminal:
/// menu and scenario text, node ids, queue and caller names, words from the other side of a
/// connection.
pub fn printable(s: &str) -> Cow<'_, str> {
    let keep = |c: char| shows_as_itself(c) || matches!(c, '\n' | '\t' | '\r');
    if plain_ascii(s) || s.chars().all(keep) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if keep(c) {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    Cow::Owned(out)
}

/// Whether `s` is printable ASCII, line feeds, tabs and carriage returns only (what most menu
/// and scenario files are): [`printable`] keeps such a text as it is. Read in blocks without an
/// early exit, so the compiler can check many bytes at once: a 44 MB scenario file is read
/// here in milliseconds instead of the ~0.4 s of a check of every character.
fn plain_ascii(s: &str) -> bool {
    s.as_bytes().chunks(256).all(|block| {
        block
            .iter()
            .fold(true, |ok, &b| ok & matches!(b, b' '..=b'~' | b'\n' | b'\t' | b'\r'))
    })
}

/// [`printable`] for text that must stay on one line (names, words from the other side of a
/// connection): line breaks and tabs become `?` too, so nobody can forge a line of the screen.
/// One `?` per character replaced.
pub fn printable_line(s: &str) -> Cow<'_, str> {
    if s.chars().all(shows_as_itself) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if shows_as_itself(c) { c } else { '?' }).collect())
}

/// Whether `c` shows on a terminal as itself, with no effect on the rest of the screen.
///
/// Not so: control characters (C0, DEL and C1: ESC starts escape sequences, 0x9B is a one-byte
/// CSI, BEL rings), the bidirectional formatting characters of Unicode Standard Annex #9 that
/// reorder what follows (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: the "Trojan
/// Source" characters, CVE-2021-42574), and invisible characters that make two different
/// texts look the same (zero-width space, joiners, word joiner and invisible operators,
/// U+200B-U+200D, U+2060-U+2064, the byte-order mark U+FEFF, soft hyphen U+00AD, Mongolian
/// vowel separator U+180E, the tag characters U+E0000-U+E007F). Combining marks, emoji and
/// variation selectors are kept.
pub fn shows_as_itself(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
                | '\u{e0000}'..='\u{e007f}'
        ))
}

impl Sources {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The display names of the files, in the order they were added (for files read from
    /// disk, their paths as given).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.name().as_str())
    }

    /// An empty set whose files and pointers take the ids that `self` would give next, so that
    /// what is read into it (a menu, on another thread) can be added to `self` by
    /// [`Sources::append`] with every span it made still right. Nothing may be added to `self`
    /// in between.
    pub fn continuing(&self) -> Self {
        Self {
            first_file: self.first_file + self.files.len() as u32,
            first_pointer: self.first_pointer + self.pointers.len(),
            ..Self::default()
        }
    }

    /// Adds the files and pointers of `next`, a set made by [`Sources::continuing`] on `self`.
    ///
    /// # Panics
    /// When something was added to `self` since `next` was made (the ids would clash).
    pub fn append(&mut self, next: Sources) {
        assert_eq!(
            next.first_file,
            self.first_file + self.files.len() as u32,
            "Sources::append: a file was added since `continuing`"
        );
        assert_eq!(next.first_pointer, self.first_pointer + self.pointers.len());
        for (i, p) in next.pointers.into_iter().enumerate() {
            let n = self.pointers.len();
            debug_assert_eq!(n, next.first_pointer - self.first_pointer + i);
            self.pointer_ids.entry(p.clone()).or_insert(n);
            self.pointers.push(p);
        }
        self.files.extend(next.files);
        self.raw.extend(next.raw);
        self.ascii.extend(next.ascii);
    }

    fn file(&self, id: FileId) -> Option<&SimpleFile<String, Arc<str>>> {
        self.files.get(id.0.checked_sub(self.first_file)? as usize)
    }

    /// Adds a file under its display `name` (usually the path as the user gave it).
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(self.first_file + self.files.len() as u32);
        let raw: Arc<str> = Arc::from(text.into());
        let shown = match printable(&raw) {
            Cow::Borrowed(_) => Arc::clone(&raw),
            Cow::Owned(clean) => Arc::from(clean),
        };
        let name: String = name.into();
        self.files.push(SimpleFile::new(printable(&name).into_owned(), shown));
        self.ascii.push(raw.is_ascii());
        self.raw.push(raw);
        id
    }

    /// Where `span` is, as a person reads it: `file:line:column`, or `file: /json/pointer` for
    /// a place given as a JSON pointer (see [`Sources::pointer`]).
    pub fn place(&self, span: Span) -> String {
        match self.pointer_of(span) {
            Some(p) => format!("{}: {}", self.name(span.file), if p.is_empty() { "/" } else { p }),
            None => {
                let lc = self.line_col(span);
                format!("{}:{}:{}", self.name(span.file), lc.line, lc.column)
            }
        }
    }

    /// The file added under the display `name` (the first, if several were), if any.
    pub fn find(&self, name: &str) -> Option<FileId> {
        let shown = printable(name);
        self.files
            .iter()
            .position(|f| f.name() == shown.as_ref())
            .map(|i| FileId(self.first_file + i as u32))
    }

    /// The display name of a file.
    pub fn name(&self, file: FileId) -> &str {
        self.file(file).expect("a file of this set").name()
    }

    /// The text of a file.
    pub fn text(&self, file: FileId) -> &str {
        &self.raw[(file.0 - self.first_file) as usize]
    }

    /// Line and column of the start of `span`.
    pub fn line_col(&self, span: Span) -> LineCol {
        let file = self.file(span.file).expect("a file of this set");
        let text = file.source();
        let start = floor_char_boundary(text, (span.start as usize).min(text.len()));
        // Binary search over the line starts codespan keeps: O(log lines), not O(offset).
        let line = file.line_index((), start).unwrap_or(0);
        let line_start = file.line_range((), line).map_or(0, |r| r.start).min(start);
        LineCol {
            line: line + 1,
            column: if self.ascii[(span.file.0 - self.first_file) as usize] {
                start - line_start + 1
            } else {
                text[line_start..start].chars().count() + 1
            },
        }
    }

    /// Length in bytes of the line `span` starts on.
    pub fn line_len(&self, span: Span) -> usize {
        let file = self.file(span.file).expect("a file of this set");
        let line = file.line_index((), span.start as usize).unwrap_or(0);
        file.line_range((), line).map_or(0, |r| r.len())
    }

    /// The whole text of `file` as a span (used for findings about a file as a whole).
    pub fn whole(&self, file: FileId) -> Span {
        Span {
            file,
            start: 0,
            end: 0,
            pointer: None,
        }
    }

    /// A place of `file` given as a JSON pointer (RFC 6901, e.g. `/Actions/3`; `""` is the
    /// whole document), for findings about files read without byte positions. Findings there
    /// are shown as `file.json: /Actions/3` instead of a line and a snippet.
    pub fn pointer(&mut self, file: FileId, pointer: &str) -> Span {
        let n = match self.pointer_ids.get(pointer) {
            Some(&n) => n,
            None => {
                self.pointers.push(pointer.to_owned());
                self.pointer_ids.insert(pointer.to_owned(), self.pointers.len() - 1);
                self.pointers.len() - 1
            }
        };
        let id = std::num::NonZeroU32::new((self.first_pointer + n) as u32 + 1).map(PointerId);
        Span {
            file,
            start: 0,
            end: 0,
            pointer: id,
        }
    }

    /// The JSON pointer `span` is, if it is one (see [`Sources::pointer`]).
    pub fn pointer_of(&self, span: Span) -> Option<&str> {
        span.pointer
            .and_then(|PointerId(n)| {
                self.pointers
                    .get((n.get() as usize - 1).checked_sub(self.first_pointer)?)
            })
            .map(String::as_str)
    }

    /// Converts a serde-saphyr [`Location`] (1-based line and character column, plus a
    /// character length) into a byte [`Span`] of `file`.
    ///
    /// The byte offsets serde-saphyr reports are used when present; otherwise they are
    /// recomputed from line and column, which always works.
    pub fn span_of(&self, file: FileId, loc: &Location) -> Span {
        let text = self.text(file);
        if loc.line() == 0 {
            return self.whole(file);
        }
        let span = loc.span();
        if let (Some(off), Some(len)) = (span.byte_offset(), span.byte_len()) {
            let (off, len) = (off as usize, len as usize);
            if off <= text.len() && off + len <= text.len() && off < u32::MAX as usize {
                return Span {
                    file,
                    start: off as u32,
                    end: (off + len) as u32,
                    pointer: None,
                };
            }
        }
        // Walk to the line, then count characters.
        let line_start = text
            .split_inclusive('\n')
            .take(loc.line() as usize - 1)
            .map(str::len)
            .sum::<usize>()
            .min(text.len());
        let rest = &text[line_start..];
        let mut chars = rest.char_indices().skip(loc.column().saturating_sub(1) as usize);
        let start = chars.next().map_or(rest.len(), |(i, _)| i);
        let len_chars = span.len() as usize;
        let end = rest[start..]
            .char_indices()
            .nth(len_chars)
            .map_or(rest.len(), |(i, _)| start + i);
        Span {
            file,
            start: (line_start + start) as u32,
            end: (line_start + end) as u32,
            pointer: None,
        }
    }
}

impl Sources {
    /// [`Sources::span_of`] for a place read from a part of `file` that starts `base` bytes
    /// into it (parsed on its own): its byte offsets moved by `base`. `None` when the place
    /// has no byte offset, or does not fit in the file.
    pub fn span_of_shifted(&self, file: FileId, loc: &Location, base: usize) -> Option<Span> {
        let span = loc.span();
        let (off, len) = (span.byte_offset()? as usize + base, span.byte_len()? as usize);
        if loc.line() == 0 || off + len > self.text(file).len() || off + len > u32::MAX as usize {
            return None;
        }
        Some(Span {
            file,
            start: off as u32,
            end: (off + len) as u32,
            pointer: None,
        })
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl<'a> Files<'a> for Sources {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.file(id)
            .map(|f| f.name().as_str())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.file(id)
            .map(|f| f.source().as_ref())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, codespan_reporting::files::Error> {
        self.file(id)
            .ok_or(codespan_reporting::files::Error::FileMissing)?
            .line_index((), byte_index)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, codespan_reporting::files::Error> {
        self.file(id)
            .ok_or(codespan_reporting::files::Error::FileMissing)?
            .line_range((), line_index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let mut s = Sources::new();
        let f = s.add("a.yaml", "ab\ncé d\n");
        let span = Span {
            file: f,
            start: 7,
            end: 8,
            pointer: None,
        };
        assert_eq!(s.line_col(span), LineCol { line: 2, column: 4 });
    }

    #[test]
    fn a_continuing_set_gives_the_ids_its_files_and_pointers_keep_once_appended() {
        let mut main = Sources::new();
        let a = main.add("a.yaml", "a: 1\n");
        let pa = main.pointer(a, "/x");
        let mut next = main.continuing();
        let b = next.add("b.json", "{\"y\": [1, 2]}\n");
        let pb = next.pointer(b, "/y/1");
        let span_b = Span {
            file: b,
            start: 1,
            end: 4,
            pointer: None,
        };
        assert_eq!(next.name(b), "b.json");
        assert_eq!(next.pointer_of(pb), Some("/y/1"));
        let before = next.line_col(span_b);
        main.append(next);
        assert_eq!(b, FileId(1));
        assert_eq!(main.name(b), "b.json");
        assert_eq!(main.text(b), "{\"y\": [1, 2]}\n");
        assert_eq!(main.line_col(span_b), before);
        assert_eq!(main.pointer_of(pa), Some("/x"));
        assert_eq!(main.pointer_of(pb), Some("/y/1"));
        // A pointer made after the append is found again, not made twice.
        assert_eq!(main.pointer(b, "/y/1").pointer, pb.pointer);
        assert_eq!(main.add("c.yaml", ""), FileId(2));
    }

    #[test]
    #[should_panic(expected = "added since")]
    fn appending_after_the_set_grew_is_refused() {
        let mut main = Sources::new();
        let next = main.continuing();
        main.add("a.yaml", "");
        main.append(next);
    }

    #[test]
    fn the_ascii_fast_path_keeps_exactly_what_the_character_check_keeps() {
        for b in 0u8..0x80 {
            let c = char::from(b);
            let keep = shows_as_itself(c) || matches!(c, '\n' | '\t' | '\r');
            // Long enough to fill whole blocks and a part of one.
            let text: String = std::iter::repeat_n('a', 300)
                .chain([c])
                .chain(std::iter::repeat_n('b', 20))
                .collect();
            assert_eq!(plain_ascii(&text), keep, "byte {b:#04x}");
            assert_eq!(matches!(printable(&text), Cow::Borrowed(_)), keep, "byte {b:#04x}");
        }
        assert!(!plain_ascii("caf\u{e9}"), "not ASCII: the character check decides");
        assert!(matches!(printable("caf\u{e9}"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{1b}[2Jb"), "a?[2Jb");
    }
}
