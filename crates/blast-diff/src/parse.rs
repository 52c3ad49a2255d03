//! A unified diff parser driven by the hunk header counts.
//!
//! It reads `git diff` output (extended headers, renames, copies, modes,
//! binary markers, C-quoted paths) and plain unified diffs with `---`/`+++`
//! headers. Lines are split on `\n` only, so a `\r` before it belongs to the
//! content of the line, as git treats it. Text before the first file header
//! (email headers, a commit message) and between files is ignored.
//!
//! Path prefixes: one leading `a/` is stripped from old paths and one `b/`
//! from new paths. Other prefixes (`--no-prefix` output, `diff -u dir1/f
//! dir2/f`) are kept as they are, so such paths are relative to wherever
//! the diff was made.

use crate::error::PatchError;
use crate::quote::{DecodedPath, unquote_c_prefix};
use crate::{FileChange, FileStatus, Hunk, LineRange};

/// Parses a unified diff into its file changes, in patch order.
///
/// A renamed, copied or mode-changed file without hunks is still an entry.
/// Input without any file header gives an empty list.
///
/// # Errors
///
/// Returns [`PatchError`] with the 1-based patch line when a hunk header is
/// malformed, a hunk body does not match its header counts, or a file
/// header names no path.
pub fn parse_unified_diff(bytes: &[u8]) -> Result<Vec<FileChange>, PatchError> {
    let files = parse_patch(bytes, false)?;
    let changes: Vec<FileChange> = files.into_iter().map(|file| file.change).collect();
    warn_lossy_paths(&changes);
    Ok(changes)
}

/// Logs one warning for all file changes whose path is not valid UTF-8.
pub(crate) fn warn_lossy_paths(changes: &[FileChange]) {
    let mut lossy = changes.iter().filter(|change| change.lossy_path);
    if let Some(first) = lossy.next() {
        log::warn!(
            "{} changed path(s) are not valid UTF-8 and were decoded with replacement characters, \
             for example {:?}; their contents cannot be read from the work tree",
            1 + lossy.count(),
            first.path()
        );
    }
}

/// A file of a patch together with what is needed to apply it.
#[derive(Debug, Clone)]
pub(crate) struct ParsedFile {
    pub(crate) change: FileChange,
    /// 1-based patch line of the file's first header line.
    pub(crate) header_line: usize,
    /// Hunk bodies parallel to `change.hunks`; empty unless the parse kept
    /// the line text.
    pub(crate) bodies: Vec<HunkBody>,
}

/// The lines of one hunk, kept for applying the patch.
#[derive(Debug, Clone)]
pub(crate) struct HunkBody {
    /// 1-based patch line of the `@@` header.
    pub(crate) header_line: usize,
    /// Old start line from the header.
    pub(crate) old_start: u32,
    pub(crate) lines: Vec<BodyLine>,
}

/// Kind of a hunk body line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    Context,
    Removed,
    Added,
}

/// One hunk body line without its prefix character and line break.
#[derive(Debug, Clone)]
pub(crate) struct BodyLine {
    pub(crate) kind: LineKind,
    pub(crate) text: Vec<u8>,
    /// Whether `\ No newline at end of file` followed the line.
    pub(crate) no_newline: bool,
}

/// Parses a patch; `keep_text` keeps the hunk body lines for applying it.
pub(crate) fn parse_patch(bytes: &[u8], keep_text: bool) -> Result<Vec<ParsedFile>, PatchError> {
    let mut parser = Parser {
        lines: LineReader {
            bytes,
            pos: 0,
            number: 0,
        },
        keep_text,
        files: Vec::new(),
        current: None,
    };
    parser.run()?;
    Ok(merge_type_changes(parser.files))
}

struct LineReader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// 1-based number of the line last returned by `next`.
    number: usize,
}

impl<'a> LineReader<'a> {
    /// Returns the next line without its `\n`.
    fn next(&mut self) -> Option<&'a [u8]> {
        let line = self.peek()?;
        self.pos += line.len();
        if self.pos < self.bytes.len() {
            self.pos += 1;
        }
        self.number += 1;
        Some(line)
    }

    fn peek(&self) -> Option<&'a [u8]> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let rest = &self.bytes[self.pos..];
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        Some(&rest[..end])
    }

    /// Returns the line after the next one.
    fn peek_second(&self) -> Option<&'a [u8]> {
        let first = self.peek()?;
        let after = self.pos + first.len() + 1;
        if after >= self.bytes.len() {
            return None;
        }
        let rest = &self.bytes[after..];
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        Some(&rest[..end])
    }
}

/// Header facts of the file being parsed, resolved into a [`FileChange`]
/// when the file ends.
#[derive(Default)]
struct FileHeader {
    header_line: usize,
    is_git: bool,
    git_old: Option<DecodedPath>,
    git_new: Option<DecodedPath>,
    /// Path of the `---` line; `Some(None)` for `/dev/null`.
    minus: Option<Option<DecodedPath>>,
    /// Path of the `+++` line; `Some(None)` for `/dev/null`.
    plus: Option<Option<DecodedPath>>,
    rename_from: Option<DecodedPath>,
    rename_to: Option<DecodedPath>,
    copy_from: Option<DecodedPath>,
    copy_to: Option<DecodedPath>,
    new_file_mode: Option<u32>,
    deleted_file_mode: Option<u32>,
    old_mode: Option<u32>,
    new_mode: Option<u32>,
    index_mode: Option<u32>,
    similarity: Option<u8>,
    binary: bool,
    hunks: Vec<Hunk>,
    bodies: Vec<HunkBody>,
}

struct Parser<'a> {
    lines: LineReader<'a>,
    keep_text: bool,
    files: Vec<ParsedFile>,
    current: Option<FileHeader>,
}

impl Parser<'_> {
    fn run(&mut self) -> Result<(), PatchError> {
        while let Some(raw) = self.lines.peek() {
            let line = trim_cr(raw);

            if let Some(rest) = line.strip_prefix(b"diff --git ") {
                self.lines.next();
                self.finish_file()?;
                self.start_git_file(rest);
            } else if line.starts_with(b"diff --cc ") || line.starts_with(b"diff --combined ") {
                return Err(self.error_here(
                    "combined diffs of merge commits are not supported; \
                     diff the merge against one parent, for example `git diff REV^1 REV`",
                ));
            } else if line.starts_with(b"--- ")
                && self
                    .lines
                    .peek_second()
                    .is_some_and(|next| next.starts_with(b"+++ "))
            {
                self.read_minus_plus()?;
            } else if line.starts_with(b"@@ ") {
                self.lines.next();
                self.read_hunk(line)?;
            } else if self
                .current
                .as_ref()
                .is_some_and(|file| file.is_git && file.hunks.is_empty())
            {
                self.lines.next();
                self.read_extended_header(line)?;
            } else {
                // Text outside any file: email headers, commit messages,
                // diffstat lines, trailing garbage.
                self.lines.next();
            }
        }
        self.finish_file()
    }

    fn error_here(&self, message: &str) -> PatchError {
        PatchError {
            line: self.lines.number + 1,
            message: message.to_owned(),
        }
    }

    fn start_git_file(&mut self, rest: &[u8]) {
        let (old, new) = split_git_header_paths(rest);
        self.current = Some(FileHeader {
            header_line: self.lines.number,
            is_git: true,
            git_old: old.map(|path| strip_prefix(path, "a/")),
            git_new: new.map(|path| strip_prefix(path, "b/")),
            ..FileHeader::default()
        });
    }

    /// Reads a `---` line and the `+++` line after it. They belong to the
    /// current git file when it has no such lines and no hunks yet, and
    /// start a plain (non-git) file otherwise.
    fn read_minus_plus(&mut self) -> Result<(), PatchError> {
        let minus_line = trim_cr(self.lines.next().unwrap_or_default());
        let minus_number = self.lines.number;
        let plus_line = trim_cr(self.lines.next().unwrap_or_default());

        let belongs_to_current = self
            .current
            .as_ref()
            .is_some_and(|file| file.is_git && file.minus.is_none() && file.hunks.is_empty());
        if !belongs_to_current {
            self.finish_file()?;
            self.current = Some(FileHeader {
                header_line: minus_number,
                ..FileHeader::default()
            });
        }

        let minus = parse_header_path(&minus_line[4..], "a/").ok_or_else(|| PatchError {
            line: minus_number,
            message: "invalid quoted path in the `---` line".to_owned(),
        })?;
        let plus = parse_header_path(&plus_line[4..], "b/").ok_or_else(|| PatchError {
            line: minus_number + 1,
            message: "invalid quoted path in the `+++` line".to_owned(),
        })?;
        if let Some(file) = self.current.as_mut() {
            file.minus = Some(minus);
            file.plus = Some(plus);
        }
        Ok(())
    }

    fn read_extended_header(&mut self, line: &[u8]) -> Result<(), PatchError> {
        let number = self.lines.number;
        let invalid = |what: &str| PatchError {
            line: number,
            message: format!("invalid `{what}` line"),
        };
        let Some(file) = self.current.as_mut() else {
            return Ok(());
        };

        if let Some(rest) = line.strip_prefix(b"new file mode ") {
            file.new_file_mode = Some(parse_mode(rest).ok_or_else(|| invalid("new file mode"))?);
        } else if let Some(rest) = line.strip_prefix(b"deleted file mode ") {
            file.deleted_file_mode =
                Some(parse_mode(rest).ok_or_else(|| invalid("deleted file mode"))?);
        } else if let Some(rest) = line.strip_prefix(b"old mode ") {
            file.old_mode = Some(parse_mode(rest).ok_or_else(|| invalid("old mode"))?);
        } else if let Some(rest) = line.strip_prefix(b"new mode ") {
            file.new_mode = Some(parse_mode(rest).ok_or_else(|| invalid("new mode"))?);
        } else if let Some(rest) = line.strip_prefix(b"similarity index ") {
            file.similarity = Some(parse_percent(rest).ok_or_else(|| invalid("similarity index"))?);
        } else if let Some(rest) = line.strip_prefix(b"rename from ") {
            file.rename_from = Some(parse_bare_path(rest).ok_or_else(|| invalid("rename from"))?);
        } else if let Some(rest) = line.strip_prefix(b"rename to ") {
            file.rename_to = Some(parse_bare_path(rest).ok_or_else(|| invalid("rename to"))?);
        } else if let Some(rest) = line.strip_prefix(b"copy from ") {
            file.copy_from = Some(parse_bare_path(rest).ok_or_else(|| invalid("copy from"))?);
        } else if let Some(rest) = line.strip_prefix(b"copy to ") {
            file.copy_to = Some(parse_bare_path(rest).ok_or_else(|| invalid("copy to"))?);
        } else if let Some(rest) = line.strip_prefix(b"index ") {
            // `index OLD..NEW` or `index OLD..NEW MODE`.
            if let Some(space) = memchr::memchr(b' ', rest) {
                file.index_mode =
                    Some(parse_mode(&rest[space + 1..]).ok_or_else(|| invalid("index"))?);
            }
        } else if line.starts_with(b"Binary files ") && line.ends_with(b" differ") {
            file.binary = true;
        } else if line == b"GIT binary patch" {
            file.binary = true;
            self.skip_binary_patch_data();
        }
        // Other lines (`dissimilarity index`, unknown extensions, garbage)
        // carry nothing this parser needs.
        Ok(())
    }

    /// Skips the `literal`/`delta` blocks of base85 data after `GIT binary patch`.
    fn skip_binary_patch_data(&mut self) {
        while let Some(raw) = self.lines.peek() {
            let line = trim_cr(raw);
            let is_data = line.is_empty()
                || line.starts_with(b"literal ")
                || line.starts_with(b"delta ")
                || is_base85_line(line);
            if !is_data {
                break;
            }
            self.lines.next();
        }
    }

    fn read_hunk(&mut self, header: &[u8]) -> Result<(), PatchError> {
        let header_line = self.lines.number;
        if self.current.is_none() {
            return Err(PatchError {
                line: header_line,
                message:
                    "hunk header without a file header (`diff --git` or `---`/`+++`) before it"
                        .to_owned(),
            });
        }
        let counts = parse_hunk_header(header).ok_or_else(|| PatchError {
            line: header_line,
            message: format!(
                "invalid hunk header {:?}: expected `@@ -START[,COUNT] +START[,COUNT] @@`",
                String::from_utf8_lossy(header)
            ),
        })?;
        let (hunk, body) = self.read_hunk_body(counts, header_line)?;

        let keep_text = self.keep_text;
        if let Some(file) = self.current.as_mut() {
            file.hunks.push(hunk);
            if keep_text {
                file.bodies.push(body);
            }
        }
        Ok(())
    }

    fn read_hunk_body(
        &mut self,
        counts: HunkCounts,
        header_line: usize,
    ) -> Result<(Hunk, HunkBody), PatchError> {
        let mut old_left = counts.old_lines;
        let mut new_left = counts.new_lines;
        let mut old_line = counts.old_start;
        let mut new_line = counts.new_start;
        let mut removed = Vec::new();
        let mut added = Vec::new();
        let mut body = HunkBody {
            header_line,
            old_start: counts.old_start,
            lines: Vec::new(),
        };
        let mut last_kind: Option<LineKind> = None;

        let ended_early = |left_old: u32, left_new: u32, number: usize| PatchError {
            line: number,
            message: format!(
                "the hunk that starts at line {header_line} ends early: \
                 expected {left_old} more old and {left_new} more new line(s)"
            ),
        };

        while old_left > 0 || new_left > 0 {
            let Some(line) = self.lines.next() else {
                return Err(ended_early(old_left, new_left, self.lines.number + 1));
            };
            let number = self.lines.number;

            let (kind, text) = match line.first() {
                Some(b' ') => (LineKind::Context, &line[1..]),
                Some(b'-') => (LineKind::Removed, &line[1..]),
                Some(b'+') => (LineKind::Added, &line[1..]),
                // Some tools strip the space of an empty context line; git apply accepts that.
                None => (LineKind::Context, line),
                Some(b'\\') => {
                    if last_kind.is_none() {
                        return Err(PatchError {
                            line: number,
                            message: "`\\ No newline at end of file` before any line of the hunk"
                                .to_owned(),
                        });
                    }
                    if let Some(last) = body.lines.last_mut() {
                        last.no_newline = true;
                    }
                    continue;
                }
                Some(_) => {
                    let excerpt: Vec<u8> = line.iter().copied().take(80).collect();
                    return Err(PatchError {
                        line: number,
                        message: format!(
                            "expected a line of the hunk that starts at line {header_line} \
                             (beginning with ' ', '-', '+' or '\\'; {old_left} old and {new_left} new \
                             line(s) still to come), found {:?}",
                            String::from_utf8_lossy(&excerpt)
                        ),
                    });
                }
            };

            let fits = match kind {
                LineKind::Context => old_left > 0 && new_left > 0,
                LineKind::Removed => old_left > 0,
                LineKind::Added => new_left > 0,
            };
            if !fits {
                return Err(PatchError {
                    line: number,
                    message: format!(
                        "the hunk that starts at line {header_line} has more {} lines than its header counts",
                        match kind {
                            LineKind::Added => "new",
                            LineKind::Removed => "old",
                            LineKind::Context => "context",
                        }
                    ),
                });
            }

            let overflow = || PatchError {
                line: number,
                message: "line number does not fit 32 bits".to_owned(),
            };
            match kind {
                LineKind::Context => {
                    old_left -= 1;
                    new_left -= 1;
                    old_line = old_line.checked_add(1).ok_or_else(overflow)?;
                    new_line = new_line.checked_add(1).ok_or_else(overflow)?;
                }
                LineKind::Removed => {
                    old_left -= 1;
                    push_line(&mut removed, old_line);
                    old_line = old_line.checked_add(1).ok_or_else(overflow)?;
                }
                LineKind::Added => {
                    new_left -= 1;
                    push_line(&mut added, new_line);
                    new_line = new_line.checked_add(1).ok_or_else(overflow)?;
                }
            }
            last_kind = Some(kind);
            if self.keep_text {
                body.lines.push(BodyLine {
                    kind,
                    text: text.to_vec(),
                    no_newline: false,
                });
            }
        }

        // The marker after the last line of the hunk.
        while self
            .lines
            .peek()
            .is_some_and(|line| line.starts_with(b"\\"))
            && last_kind.is_some()
        {
            self.lines.next();
            if let Some(last) = body.lines.last_mut() {
                last.no_newline = true;
            }
        }

        let hunk = Hunk {
            old_start: counts.old_start,
            old_lines: counts.old_lines,
            new_start: counts.new_start,
            new_lines: counts.new_lines,
            removed,
            added,
        };
        Ok((hunk, body))
    }

    fn finish_file(&mut self) -> Result<(), PatchError> {
        let Some(file) = self.current.take() else {
            return Ok(());
        };
        let parsed = resolve_file(file)?;
        self.files.push(parsed);
        Ok(())
    }
}

/// Turns the collected header facts into a [`ParsedFile`].
fn resolve_file(file: FileHeader) -> Result<ParsedFile, PatchError> {
    let header_line = file.header_line;

    // `---`/`+++`, rename and copy lines are unambiguous; the `diff --git`
    // line is the fallback, because a path that contains ` b/` makes it ambiguous.
    let minus_is_null = matches!(file.minus, Some(None));
    let plus_is_null = matches!(file.plus, Some(None));
    let renamed = file.rename_from.is_some() || file.rename_to.is_some();
    let copied = file.copy_from.is_some() || file.copy_to.is_some();
    let mut old = file
        .rename_from
        .or(file.copy_from)
        .or(file.minus.flatten())
        .or(file.git_old);
    let mut new = file
        .rename_to
        .or(file.copy_to)
        .or(file.plus.flatten())
        .or(file.git_new);

    // An empty path (`rename from ` with nothing after it) names no file.
    old = old.filter(|path| !path.path.is_empty());
    new = new.filter(|path| !path.path.is_empty());

    let added = file.new_file_mode.is_some() || minus_is_null;
    let deleted = file.deleted_file_mode.is_some() || plus_is_null;
    if added {
        old = None;
    }
    if deleted {
        new = None;
    }
    if old.is_none() && new.is_none() {
        return Err(PatchError {
            line: header_line,
            message: "the file header names no path (or only /dev/null on both sides)".to_owned(),
        });
    }
    if !added && !deleted && (old.is_none() || new.is_none()) {
        if renamed || copied {
            return Err(PatchError {
                line: header_line,
                message: format!(
                    "the {} header names only one of the two paths; expected both `{0} from` and `{0} to` lines",
                    if renamed { "rename" } else { "copy" }
                ),
            });
        }
        // A modified file whose header names its path once (`diff --git
        // "a/x"` without a second path, no `---`/`+++` lines): the same path
        // on both sides.
        if old.is_none() {
            old.clone_from(&new);
        } else {
            new.clone_from(&old);
        }
    }

    let status = if added {
        FileStatus::Added
    } else if deleted {
        FileStatus::Deleted
    } else if renamed {
        FileStatus::Renamed
    } else if copied {
        FileStatus::Copied
    } else {
        FileStatus::Modified
    };

    let old_mode = if added {
        None
    } else {
        file.deleted_file_mode.or(file.old_mode).or(file.index_mode)
    };
    let new_mode = if deleted {
        None
    } else {
        file.new_file_mode.or(file.new_mode).or(file.index_mode)
    };

    let lossy_path =
        old.as_ref().is_some_and(|path| path.lossy) || new.as_ref().is_some_and(|path| path.lossy);
    let mut change = FileChange {
        status,
        old_path: old.map(|path| path.path),
        new_path: new.map(|path| path.path),
        similarity: if renamed || copied {
            file.similarity
        } else {
            None
        },
        binary: file.binary,
        old_mode,
        new_mode,
        hunks: file.hunks,
        lossy_path,
    };
    let mut bodies = file.bodies;
    if change.binary {
        change.hunks.clear();
        bodies.clear();
    }
    Ok(ParsedFile {
        change,
        header_line,
        bodies,
    })
}

/// Merges a deletion directly followed by an addition of the same path,
/// which is how git prints a change of file kind, into one
/// [`FileStatus::TypeChanged`] entry ([`FileStatus::Modified`] when both
/// sides have the same mode). The entry keeps the deletion's hunks followed
/// by the addition's hunks.
fn merge_type_changes(files: Vec<ParsedFile>) -> Vec<ParsedFile> {
    let mut merged: Vec<ParsedFile> = Vec::with_capacity(files.len());
    for file in files {
        if let Some(previous) = merged.last_mut()
            && previous.change.status == FileStatus::Deleted
            && file.change.status == FileStatus::Added
            && previous.change.old_path == file.change.new_path
        {
            previous.change.status = if previous.change.old_mode == file.change.new_mode {
                FileStatus::Modified
            } else {
                FileStatus::TypeChanged
            };
            previous.change.new_path = file.change.new_path;
            previous.change.new_mode = file.change.new_mode;
            previous.change.binary |= file.change.binary;
            previous.change.lossy_path |= file.change.lossy_path;
            previous.change.hunks.extend(file.change.hunks);
            previous.bodies.extend(file.bodies);
            // Binary files have no hunks, whichever half was binary.
            if previous.change.binary {
                previous.change.hunks.clear();
                previous.bodies.clear();
            }
            continue;
        }
        merged.push(file);
    }
    merged
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HunkCounts {
    old_start: u32,
    old_lines: u32,
    new_start: u32,
    new_lines: u32,
}

/// Parses `@@ -START[,COUNT] +START[,COUNT] @@[ section]`; a missing count is 1.
fn parse_hunk_header(line: &[u8]) -> Option<HunkCounts> {
    let rest = line.strip_prefix(b"@@ -")?;
    let (old_start, old_lines, rest) = parse_range(rest)?;
    let rest = rest.strip_prefix(b" +")?;
    let (new_start, new_lines, rest) = parse_range(rest)?;
    if !(rest == b" @@" || rest.starts_with(b" @@ ")) {
        return None;
    }
    // A side with lines cannot start before line 1.
    if (old_lines > 0 && old_start == 0) || (new_lines > 0 && new_start == 0) {
        return None;
    }
    Some(HunkCounts {
        old_start,
        old_lines,
        new_start,
        new_lines,
    })
}

fn parse_range(text: &[u8]) -> Option<(u32, u32, &[u8])> {
    let (start, rest) = parse_number(text)?;
    match rest.strip_prefix(b",") {
        Some(after_comma) => {
            let (count, rest) = parse_number(after_comma)?;
            Some((start, count, rest))
        }
        None => Some((start, 1, rest)),
    }
}

fn parse_number(text: &[u8]) -> Option<(u32, &[u8])> {
    let digits = text.iter().take_while(|byte| byte.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let value = std::str::from_utf8(&text[..digits]).ok()?.parse().ok()?;
    Some((value, &text[digits..]))
}

fn parse_mode(text: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(text).ok()?.trim();
    if text.is_empty() || !text.bytes().all(|byte| (b'0'..=b'7').contains(&byte)) {
        return None;
    }
    u32::from_str_radix(text, 8).ok()
}

fn parse_percent(text: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(text).ok()?.trim().strip_suffix('%')?;
    text.parse::<u8>().ok().filter(|value| *value <= 100)
}

fn push_line(ranges: &mut Vec<LineRange>, line: u32) {
    if let Some(last) = ranges.last_mut()
        && last.end.checked_add(1) == Some(line)
    {
        last.end = line;
        return;
    }
    ranges.push(LineRange {
        start: line,
        end: line,
    });
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Returns whether `line` looks like a line of base85 data in a `GIT binary patch`:
/// a length character followed by base85 characters.
fn is_base85_line(line: &[u8]) -> bool {
    let Some((&length, data)) = line.split_first() else {
        return false;
    };
    length.is_ascii_alphabetic()
        && !data.is_empty()
        && data
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&()*+-;<=>?@^_`{|}~".contains(byte))
}

/// Decodes a path of a `rename from`/`copy to`-style line (no prefix).
fn parse_bare_path(text: &[u8]) -> Option<DecodedPath> {
    if text.first() == Some(&b'"') {
        let (bytes, used) = unquote_c_prefix(text)?;
        if used != text.len() {
            return None;
        }
        return Some(DecodedPath::from_bytes(&bytes));
    }
    Some(DecodedPath::from_bytes(text))
}

/// Decodes the path of a `---`/`+++` line: `None` inside for `/dev/null`.
/// An unquoted path ends at a tab, after which plain diffs put a timestamp
/// and git puts nothing (it adds the tab when the path contains a space).
fn parse_header_path(text: &[u8], prefix: &str) -> Option<Option<DecodedPath>> {
    let path = if text.first() == Some(&b'"') {
        let (bytes, _) = unquote_c_prefix(text)?;
        DecodedPath::from_bytes(&bytes)
    } else {
        let end = memchr::memchr(b'\t', text).unwrap_or(text.len());
        DecodedPath::from_bytes(&text[..end])
    };
    if path.path == "/dev/null" {
        return Some(None);
    }
    Some(Some(strip_prefix(path, prefix)))
}

fn strip_prefix(mut path: DecodedPath, prefix: &str) -> DecodedPath {
    if let Some(rest) = path.path.strip_prefix(prefix) {
        path.path = rest.to_owned();
    }
    path
}

/// Splits the two paths of a `diff --git OLD NEW` line, prefixes included.
///
/// Quoted paths are unambiguous. Two unquoted paths are split in the middle
/// when both halves name the same file (the only split git itself trusts),
/// and otherwise at the first ` b/`; rename, copy and `---`/`+++` lines
/// override that guess later.
fn split_git_header_paths(text: &[u8]) -> (Option<DecodedPath>, Option<DecodedPath>) {
    if text.first() == Some(&b'"') {
        let Some((old, used)) = unquote_c_prefix(text) else {
            return (None, None);
        };
        let rest = text[used..].strip_prefix(b" ").unwrap_or(&text[used..]);
        return (
            Some(DecodedPath::from_bytes(&old)),
            parse_git_second_path(rest),
        );
    }

    // Unquoted old path followed by a quoted new path.
    if text.ends_with(b"\"") {
        for (index, _) in text
            .windows(2)
            .enumerate()
            .filter(|(_, pair)| pair == b" \"")
        {
            if let Some((new, used)) = unquote_c_prefix(&text[index + 1..])
                && index + 1 + used == text.len()
            {
                return (
                    Some(DecodedPath::from_bytes(&text[..index])),
                    Some(DecodedPath::from_bytes(&new)),
                );
            }
        }
    }

    if text.len() % 2 == 1 {
        let middle = text.len() / 2;
        let (old, new) = (&text[..middle], &text[middle + 1..]);
        if text[middle] == b' ' && same_name_after_prefix(old, new) {
            return (
                Some(DecodedPath::from_bytes(old)),
                Some(DecodedPath::from_bytes(new)),
            );
        }
    }

    let split = memchr::memmem::find(text, b" b/").or_else(|| memchr::memchr(b' ', text));
    match split {
        Some(space) => (
            Some(DecodedPath::from_bytes(&text[..space])),
            Some(DecodedPath::from_bytes(&text[space + 1..])),
        ),
        None => (None, None),
    }
}

fn parse_git_second_path(text: &[u8]) -> Option<DecodedPath> {
    if text.first() == Some(&b'"') {
        let (bytes, _) = unquote_c_prefix(text)?;
        return Some(DecodedPath::from_bytes(&bytes));
    }
    (!text.is_empty()).then(|| DecodedPath::from_bytes(text))
}

/// Returns whether two header paths are equal, or equal after their first
/// component (the `a/`/`b/` or mnemonic prefix).
fn same_name_after_prefix(old: &[u8], new: &[u8]) -> bool {
    if old == new {
        return true;
    }
    let after_slash =
        |path: &[u8]| memchr::memchr(b'/', path).map(|slash| path[slash + 1..].to_vec());
    match (after_slash(old), after_slash(new)) {
        (Some(old_name), Some(new_name)) => !old_name.is_empty() && old_name == new_name,
        _ => false,
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
