//! Maps a diff onto symbols: each removed line marks the innermost symbol
//! that contains it at the base revision, each added line the innermost
//! symbol at the head revision, and the two sides are paired by the
//! symbol's name inside its file.

use blast_diff::{ChangeSet, FileChange, FileStatus};
use blast_graph::{FileId, Graph, Lang, SymbolId, SymbolKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::report::ChangeKind;
use crate::respelled::base_spellings;
use crate::tokens::{binding_tokens, definition_tokens, without_path_qualifiers};

/// What kind of edit a modified symbol received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Modification {
    /// The header changed: name, parameters, bases, return type, decorators.
    Signature,
    /// Only the body changed.
    Body,
    /// The same tokens once comments and whitespace are dropped.
    Formatting,
}

impl Modification {
    pub fn name(self) -> &'static str {
        match self {
            Modification::Signature => "signature",
            Modification::Body => "body",
            Modification::Formatting => "formatting",
        }
    }
}

/// One changed symbol, by its ids in the base and head graphs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolChange {
    pub kind: ChangeKind,
    pub base: Option<SymbolId>,
    pub head: Option<SymbolId>,
    pub whitespace_only: bool,
    /// For modified symbols, and for moved ones whose text changed.
    pub modification: Option<Modification>,
    /// For a module changed at its top level: the base-side line ranges of
    /// its own statements (not of its definitions) that the diff removes or
    /// rewrites, so that only the users of what they bind are reached.
    pub base_lines: Vec<(u32, u32)>,
    /// For a module changed at its top level: the head-side line ranges of
    /// its own statements that the diff adds or rewrites.
    pub head_lines: Vec<(u32, u32)>,
}

impl SymbolChange {
    /// Returns the change of a base symbol with no counterpart at the head.
    fn deleted(base: SymbolId) -> SymbolChange {
        SymbolChange::one_sided(ChangeKind::Deleted, Some(base), None)
    }

    /// Returns the change of a head symbol with no counterpart at the base.
    fn added(head: SymbolId) -> SymbolChange {
        SymbolChange::one_sided(ChangeKind::Added, None, Some(head))
    }

    fn one_sided(kind: ChangeKind, base: Option<SymbolId>, head: Option<SymbolId>) -> SymbolChange {
        SymbolChange {
            kind,
            base,
            head,
            whitespace_only: false,
            modification: None,
            base_lines: Vec::new(),
            head_lines: Vec::new(),
        }
    }
}

/// File contents of the changed files, per side, by path.
#[derive(Debug, Default)]
pub struct ChangedTexts {
    pub base: FxHashMap<String, Vec<u8>>,
    pub head: FxHashMap<String, Vec<u8>>,
}

/// Finds the symbols a change set touches. The result is in diff order
/// (files sorted by path, symbols by position).
pub fn changed_symbols(
    changes: &ChangeSet,
    base: &Graph,
    head: &Graph,
    texts: &ChangedTexts,
) -> Vec<SymbolChange> {
    let mut out = Vec::new();
    let rewrites = same_module_rewrites(changes, base, head);
    for (idx, file) in changes.files.iter().enumerate() {
        if file.binary || Lang::from_path(file.path()).is_none() {
            continue;
        }
        if rewrites.values().any(|&added| added == idx) {
            continue;
        }
        let new_path = match rewrites.get(&idx) {
            Some(&added) => changes.files[added].new_path.as_deref(),
            None => file.new_path.as_deref(),
        };
        let sides = Sides::of(base, head, file.old_path.as_deref(), new_path, texts);
        if rewrites.contains_key(&idx) {
            sides.rewritten(&mut out);
            continue;
        }
        let start = out.len();
        match file.status {
            FileStatus::Added | FileStatus::Copied => sides.whole_file(ChangeKind::Added, &mut out),
            FileStatus::Deleted => sides.whole_file(ChangeKind::Deleted, &mut out),
            FileStatus::Modified | FileStatus::TypeChanged | FileStatus::Renamed => {
                sides.hunks(file, &mut out);
                if file.status == FileStatus::Renamed {
                    sides.moved(&mut out, start);
                }
            }
        }
    }
    pair_renames(&mut out, base, head, texts);
    out
}

/// Pairs each deleted file with the added file whose module has the same
/// qualified name, by their indexes in `changes.files`. Such a file moved
/// where its module keeps its name (`dateutil/__init__.py` to
/// `src/dateutil/__init__.py` under a `src` root), but changed too much
/// for git to see a rename. Its users still import it, so its definitions
/// are compared as one file.
fn same_module_rewrites(
    changes: &ChangeSet,
    base: &Graph,
    head: &Graph,
) -> FxHashMap<usize, usize> {
    let module_name = |graph: &Graph, path: Option<&str>| -> Option<String> {
        let file = graph.file_id(path?)?;
        Some(
            graph.symbols[graph.files[file as usize].first_symbol as usize]
                .name
                .clone(),
        )
    };
    let mut added: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (idx, file) in changes.files.iter().enumerate() {
        if file.status != FileStatus::Added {
            continue;
        }
        if let Some(name) = module_name(head, file.new_path.as_deref()) {
            added.entry(name).or_default().push(idx);
        }
    }
    let mut pairs = FxHashMap::default();
    for (idx, file) in changes.files.iter().enumerate() {
        if file.status != FileStatus::Deleted {
            continue;
        }
        let Some(name) = module_name(base, file.old_path.as_deref()) else {
            continue;
        };
        // Two added files of one module name (`a.py` and `a/__init__.py`)
        // leave the choice open, so neither is paired.
        if let Some([only]) = added.get(&name).map(Vec::as_slice) {
            pairs.insert(idx, *only);
        }
    }
    pairs
}

struct Sides<'a> {
    base: &'a Graph,
    head: &'a Graph,
    base_file: Option<FileId>,
    head_file: Option<FileId>,
    base_text: Option<&'a [u8]>,
    head_text: Option<&'a [u8]>,
}

impl<'a> Sides<'a> {
    fn of(
        base: &'a Graph,
        head: &'a Graph,
        old_path: Option<&str>,
        new_path: Option<&str>,
        texts: &'a ChangedTexts,
    ) -> Sides<'a> {
        Sides {
            base,
            head,
            base_file: old_path.and_then(|p| base.file_id(p)),
            head_file: new_path.and_then(|p| head.file_id(p)),
            base_text: old_path.and_then(|p| texts.base.get(p)).map(Vec::as_slice),
            head_text: new_path.and_then(|p| texts.head.get(p)).map(Vec::as_slice),
        }
    }
}

impl Sides<'_> {
    /// Compares a deleted file with the added file of the same module name.
    /// Symbols pair by their name inside the file, as in `touched`: a pair
    /// whose own text differs is modified, an unpaired symbol deleted or
    /// added, and an unchanged pair is left out. A modified module counts
    /// all its top-level lines as rewritten.
    // NOTE: without a line diff of the two files, every top-level line of
    // a modified module is taken as changed. Only Python import bindings
    // are compared name by name (`top_level_names` in the pipeline).
    fn rewritten(&self, out: &mut Vec<SymbolChange>) {
        let (Some(base_file), Some(head_file), Some(base_text), Some(head_text)) = (
            self.base_file,
            self.head_file,
            self.base_text,
            self.head_text,
        ) else {
            return;
        };
        let own_text = |graph: &Graph, id: SymbolId, text: &[u8]| -> Option<String> {
            if graph.symbols[id as usize].kind.is_container() {
                Some(crate::module_change::own_text(graph, id, text))
            } else {
                span_text(graph, id, text).map(str::to_owned)
            }
        };
        let no_respelling = FxHashMap::default();
        let base_names = NameIndex::of(self.base, base_file, Some(base_text), &no_respelling);
        let head_names = NameIndex::of(self.head, head_file, Some(head_text), &no_respelling);
        let mut paired_head: FxHashSet<SymbolId> = FxHashSet::default();
        for base_id in self.base.file_symbols(base_file) {
            if reported_symbol(self.base, base_id) != base_id {
                continue;
            }
            let head_id = base_names
                .counterpart(self.base, base_id, &head_names)
                .filter(|&h| reported_symbol(self.head, h) == h && !paired_head.contains(&h));
            let Some(head_id) = head_id else {
                out.push(SymbolChange::deleted(base_id));
                continue;
            };
            paired_head.insert(head_id);
            if own_text(self.base, base_id, base_text) == own_text(self.head, head_id, head_text) {
                continue;
            }
            let mut change = self.modified(base_id, head_id);
            if self.base.symbols[base_id as usize].kind == SymbolKind::Module {
                let whole = |graph: &Graph, id: SymbolId| {
                    let span = graph.symbols[id as usize].span;
                    std::iter::once((span.start_line.max(1), span.end_line))
                };
                change.base_lines = module_lines(self.base, base_file, whole(self.base, base_id));
                change.head_lines = module_lines(self.head, head_file, whole(self.head, head_id));
            }
            out.push(change);
        }
        for head_id in self.head.file_symbols(head_file) {
            if reported_symbol(self.head, head_id) == head_id && !paired_head.contains(&head_id) {
                out.push(SymbolChange::added(head_id));
            }
        }
    }

    /// Every top-level definition of an added or deleted file, and the file's
    /// module symbol (for modules without definitions, and for code that
    /// imports the module as a whole).
    fn whole_file(&self, kind: ChangeKind, out: &mut Vec<SymbolChange>) {
        let (graph, file) = match kind {
            ChangeKind::Added => (self.head, self.head_file),
            _ => (self.base, self.base_file),
        };
        let Some(file) = file else { return };
        let module = graph.files[file as usize].first_symbol;
        for id in graph.file_symbols(file) {
            let is_top_level = id == module || graph.symbols[id as usize].parent == Some(module);
            if !is_top_level {
                continue;
            }
            out.push(match kind {
                ChangeKind::Added => SymbolChange::added(id),
                _ => SymbolChange::one_sided(kind, Some(id), None),
            });
        }
    }

    fn hunks(&self, file: &FileChange, out: &mut Vec<SymbolChange>) {
        let start = out.len();
        let respelled = match (self.base_file, self.head_file) {
            (Some(base_file), Some(head_file)) => {
                base_spellings(self.base, base_file, self.head, head_file)
            }
            _ => FxHashMap::default(),
        };
        self.touched(file, &respelled, out);
        self.regrouped(&respelled, out, start);
        let removed = file.hunks.iter().flat_map(|h| &h.removed);
        let added = file.hunks.iter().flat_map(|h| &h.added);
        let base_lines = self
            .base_file
            .map(|f| module_lines(self.base, f, removed.map(|r| (r.start, r.end))))
            .unwrap_or_default();
        let head_lines = self
            .head_file
            .map(|f| module_lines(self.head, f, added.map(|r| (r.start, r.end))))
            .unwrap_or_default();
        for change in &mut out[start..] {
            let is_module = change
                .base
                .is_some_and(|b| self.base.symbols[b as usize].kind == SymbolKind::Module);
            if is_module {
                change.base_lines.clone_from(&base_lines);
                change.head_lines.clone_from(&head_lines);
            }
        }
    }

    /// Pairs the symbols that contain changed lines. `respelled` contains the
    /// base-side names of head symbols that `base_spellings` renamed.
    fn touched(
        &self,
        file: &FileChange,
        respelled: &FxHashMap<SymbolId, String>,
        out: &mut Vec<SymbolChange>,
    ) {
        let base_lines = self.base_text.map(line_starts);
        let head_lines = self.head_text.map(line_starts);
        let mut touched_base: Vec<SymbolId> = Vec::new();
        let mut touched_head: Vec<SymbolId> = Vec::new();
        for hunk in &file.hunks {
            if let (Some(base_file), Some(text), Some(lines)) =
                (self.base_file, self.base_text, &base_lines)
            {
                for range in &hunk.removed {
                    for line in range.start..=range.end {
                        if !is_blank(text, lines, line) {
                            let id = reported_symbol(
                                self.base,
                                self.base.symbol_at_line(base_file, line),
                            );
                            push_unique(&mut touched_base, id);
                        }
                    }
                }
            }
            if let (Some(head_file), Some(text), Some(lines)) =
                (self.head_file, self.head_text, &head_lines)
            {
                for range in &hunk.added {
                    for line in range.start..=range.end {
                        if !is_blank(text, lines, line) {
                            let id = reported_symbol(
                                self.head,
                                self.head.symbol_at_line(head_file, line),
                            );
                            push_unique(&mut touched_head, id);
                        }
                    }
                }
            }
        }

        // Pair base and head symbols by their name inside the file.
        let no_respelling = FxHashMap::default();
        let base_names = self
            .base_file
            .map(|f| NameIndex::of(self.base, f, self.base_text, &no_respelling));
        let head_names = self
            .head_file
            .map(|f| NameIndex::of(self.head, f, self.head_text, respelled));
        let mut paired_head: FxHashSet<SymbolId> = FxHashSet::default();
        for &base_id in &touched_base {
            let head_id = base_names
                .as_ref()
                .zip(head_names.as_ref())
                .and_then(|(from, to)| from.counterpart(self.base, base_id, to));
            match head_id {
                Some(head_id) => {
                    paired_head.insert(head_id);
                    out.push(self.modified(base_id, head_id));
                }
                None => out.push(SymbolChange::deleted(base_id)),
            }
        }
        for &head_id in &touched_head {
            if paired_head.contains(&head_id) {
                continue;
            }
            match head_names
                .as_ref()
                .zip(base_names.as_ref())
                .and_then(|(from, to)| from.counterpart(self.head, head_id, to))
            {
                Some(base_id) => out.push(self.modified(base_id, head_id)),
                None => out.push(SymbolChange::added(head_id)),
            }
        }
    }

    /// Adds the definitions whose own lines the hunks did not touch but
    /// whose name changed all the same: a method that now sits in another
    /// class because the lines around it moved. Each is deleted under its
    /// old name and added under the new one, and `pair_renames` reports the
    /// pair as one move. A head symbol's name is the one `respelled` maps
    /// it to, if any.
    fn regrouped(
        &self,
        respelled: &FxHashMap<SymbolId, String>,
        out: &mut Vec<SymbolChange>,
        start: usize,
    ) {
        let (Some(base_file), Some(head_file)) = (self.base_file, self.head_file) else {
            return;
        };
        // Sets keep a file of many definitions linear in time.
        let no_respelling = FxHashMap::default();
        fn names<'g>(
            graph: &'g Graph,
            file: FileId,
            respelled: &'g FxHashMap<SymbolId, String>,
        ) -> FxHashSet<&'g str> {
            graph
                .file_symbols(file)
                .map(|id| name_in_file(graph, id, respelled))
                .collect()
        }
        let (base_names, head_names) = (
            names(self.base, base_file, &no_respelling),
            names(self.head, head_file, respelled),
        );
        let reported_base: FxHashSet<SymbolId> =
            out[start..].iter().filter_map(|c| c.base).collect();
        let reported_head: FxHashSet<SymbolId> =
            out[start..].iter().filter_map(|c| c.head).collect();
        let vanished = |graph: &Graph,
                        file: FileId,
                        respelled: &FxHashMap<SymbolId, String>,
                        reported: &FxHashSet<SymbolId>,
                        other: &FxHashSet<&str>|
         -> Vec<SymbolId> {
            graph
                .file_symbols(file)
                .filter(|&id| {
                    graph.symbols[id as usize].kind != SymbolKind::Module
                        && reported_symbol(graph, id) == id
                        && !reported.contains(&id)
                        && !other.contains(name_in_file(graph, id, respelled))
                })
                .collect()
        };
        let base_vanished = vanished(
            self.base,
            base_file,
            &no_respelling,
            &reported_base,
            &head_names,
        );
        for id in base_vanished {
            out.push(SymbolChange::deleted(id));
        }
        for id in vanished(self.head, head_file, respelled, &reported_head, &base_names) {
            out.push(SymbolChange::added(id));
        }
    }

    /// Top-level symbols of a renamed file that the hunks did not touch but
    /// whose qualified name changed with the path: every user of the old
    /// name breaks.
    fn moved(&self, out: &mut Vec<SymbolChange>, start: usize) {
        let (Some(base_file), Some(head_file)) = (self.base_file, self.head_file) else {
            return;
        };
        let module = self.base.files[base_file as usize].first_symbol;
        for base_id in self.base.file_symbols(base_file) {
            let sym = &self.base.symbols[base_id as usize];
            let is_top_level = base_id == module || sym.parent == Some(module);
            if !is_top_level || out[start..].iter().any(|c| c.base == Some(base_id)) {
                continue;
            }
            let Some(head_id) = self.head.find_local(head_file, &sym.local_name) else {
                continue;
            };
            if self.head.symbols[head_id as usize].name != sym.name {
                out.push(SymbolChange {
                    kind: ChangeKind::Moved,
                    base: Some(base_id),
                    head: Some(head_id),
                    whitespace_only: false,
                    modification: None,
                    base_lines: Vec::new(),
                    head_lines: Vec::new(),
                });
            }
        }
    }

    fn modified(&self, base_id: SymbolId, head_id: SymbolId) -> SymbolChange {
        let modification = match (self.base_text, self.head_text) {
            (Some(base_text), Some(head_text)) => {
                classify(self.base, base_id, base_text, self.head, head_id, head_text)
            }
            _ => None,
        };
        SymbolChange {
            kind: ChangeKind::Modified,
            base: Some(base_id),
            head: Some(head_id),
            whitespace_only: modification == Some(Modification::Formatting),
            modification,
            base_lines: Vec::new(),
            head_lines: Vec::new(),
        }
    }
}

/// The symbols of one file by name inside the file and kind, in file order,
/// built once per changed file so that pairing its symbols stays linear.
struct NameIndex<'g> {
    by_name_and_kind: FxHashMap<(&'g str, SymbolKind), Vec<SymbolId>>,
    first_by_name: FxHashMap<&'g str, SymbolId>,
    /// Names that replace the symbols' own, from `base_spellings`.
    respelled: &'g FxHashMap<SymbolId, String>,
    /// Python definitions decorated with `@overload`, among those that share
    /// their name and kind with another.
    overload_stubs: FxHashSet<SymbolId>,
}

impl<'g> NameIndex<'g> {
    fn of(
        graph: &'g Graph,
        file: FileId,
        text: Option<&[u8]>,
        respelled: &'g FxHashMap<SymbolId, String>,
    ) -> NameIndex<'g> {
        let mut index = NameIndex {
            by_name_and_kind: FxHashMap::default(),
            first_by_name: FxHashMap::default(),
            respelled,
            overload_stubs: FxHashSet::default(),
        };
        for id in graph.file_symbols(file) {
            let name = name_in_file(graph, id, respelled);
            let kind = graph.symbols[id as usize].kind;
            index
                .by_name_and_kind
                .entry((name, kind))
                .or_default()
                .push(id);
            index.first_by_name.entry(name).or_insert(id);
        }
        if let Some(text) = text.filter(|_| graph.files[file as usize].lang == Lang::Python) {
            index.overload_stubs = index
                .by_name_and_kind
                .values()
                .filter(|ids| ids.len() > 1)
                .flatten()
                .copied()
                .filter(|&id| span_text(graph, id, text).is_some_and(is_overload_stub))
                .collect();
        }
        index
    }

    /// Finds the symbol of the `to` file that stands for `id` of this one.
    /// That is the one with the same name inside the file and the same kind.
    /// Among several (`@overload` stubs, a variable and a function of one
    /// name) it is the one at the same position, else the last of them, and
    /// without one of that kind the first of that name. `@overload` stubs
    /// and the definitions without it are counted apart, so that the
    /// implementation pairs with the implementation, and a stub without a
    /// counterpart at its position is added or deleted.
    fn counterpart(&self, graph: &Graph, id: SymbolId, to: &NameIndex<'_>) -> Option<SymbolId> {
        let name = name_in_file(graph, id, self.respelled);
        let key = (name, graph.symbols[id as usize].kind);
        let is_stub = self.overload_stubs.contains(&id);
        let position = self
            .by_name_and_kind
            .get(&key)
            .and_then(|ids| {
                ids.iter()
                    .filter(|other| self.overload_stubs.contains(other) == is_stub)
                    .position(|&other| other == id)
            })
            .unwrap_or(0);
        let Some(matching) = to.by_name_and_kind.get(&key) else {
            return to.first_by_name.get(name).copied();
        };
        let mut alike = matching
            .iter()
            .copied()
            .filter(|other| to.overload_stubs.contains(other) == is_stub);
        match alike.clone().nth(position) {
            Some(found) => Some(found),
            None if is_stub => None,
            None => alike.next_back(),
        }
    }
}

/// Returns the name a symbol is paired by: the one `respelled` maps it to,
/// else its own name inside the file.
fn name_in_file<'g>(
    graph: &'g Graph,
    id: SymbolId,
    respelled: &'g FxHashMap<SymbolId, String>,
) -> &'g str {
    respelled.get(&id).map_or(
        graph.symbols[id as usize].local_name.as_str(),
        String::as_str,
    )
}

/// True when a Python definition's text carries an `@overload` decorator
/// (`@overload`, `@typing.overload` or any other `@module.overload`).
fn is_overload_stub(text: &str) -> bool {
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("def ") || line.starts_with("async ") || line.starts_with("class ") {
            return false;
        }
        let Some(decorator) = line.strip_prefix('@') else {
            continue;
        };
        let name = decorator
            .split(|c: char| c == '(' || c == '#' || c.is_whitespace())
            .next()
            .unwrap_or_default();
        if name == "overload" || name.ends_with(".overload") {
            return true;
        }
    }
    false
}

/// The text of a symbol's span, when it is valid UTF-8.
pub(crate) fn span_text<'t>(graph: &Graph, id: SymbolId, text: &'t [u8]) -> Option<&'t str> {
    let span = graph.symbols[id as usize].span;
    let bytes = text.get(span.start_byte as usize..span.end_byte as usize)?;
    std::str::from_utf8(bytes).ok()
}

/// Compares the two sides' tokens: equal tokens are a formatting change, a
/// different header a signature change, else a body change.
fn classify(
    base: &Graph,
    base_id: SymbolId,
    base_text: &[u8],
    head: &Graph,
    head_id: SymbolId,
    head_text: &[u8],
) -> Option<Modification> {
    let lang = base.file_of(base_id).lang;
    // A class or module is compared without the functions and classes in
    // it: they are changes of their own, so an edit inside a method and a
    // comment next to it do not make the class a body change.
    let own = |graph: &Graph, id: SymbolId, text: &[u8]| -> Option<String> {
        if graph.symbols[id as usize].kind.is_container() {
            Some(crate::module_change::own_text(graph, id, text))
        } else {
            span_text(graph, id, text).map(str::to_owned)
        }
    };
    let (old_text, new_text) = (
        own(base, base_id, base_text)?,
        own(head, head_id, head_text)?,
    );
    let kind = base.symbols[base_id as usize].kind;
    let tokens_of = if is_binding(kind) {
        binding_tokens
    } else {
        definition_tokens
    };
    let mut old = tokens_of(lang, &old_text);
    let mut new = tokens_of(lang, &new_text);
    // An impl is named by its trait and self type, and another spelling of
    // their paths (`crate::Entries` for `Entries`) is the same impl.
    if lang == Lang::Rust && kind == SymbolKind::Impl {
        old.header = without_path_qualifiers(&old.header);
        new.header = without_path_qualifiers(&new.header);
    }
    // A module has no header: the tokens before the first `{` of a Rust
    // file are `use` items and the like. Python does not check annotations
    // when it calls a function, so a header that differs only in them
    // changes no caller.
    // NOTE: headers other than an impl's are compared as tokens, so another
    // spelling of the same type (`crate::Bytes` for `Bytes` or `Self`, an
    // elided lifetime) is still a signature change there.
    let headers_differ = if kind == SymbolKind::Module {
        false
    } else if lang == Lang::Python {
        without_annotations(&old.header) != without_annotations(&new.header)
    } else {
        old.header != new.header
    };
    Some(if old == new {
        Modification::Formatting
    } else if headers_differ {
        Modification::Signature
    } else {
        Modification::Body
    })
}

/// True for the kinds whose header ends at an initialiser's `=`.
fn is_binding(kind: SymbolKind) -> bool {
    matches!(
        kind,
        SymbolKind::Constant | SymbolKind::Static | SymbolKind::Field | SymbolKind::Variable
    )
}

/// Drops the annotations of a Python `def` header: what follows a
/// parameter's `:` up to its `=`, `,` or the closing bracket, and the
/// return annotation after `->`.
fn without_annotations<'t>(header: &[&'t str]) -> Vec<&'t str> {
    let mut stripped = Vec::with_capacity(header.len());
    let mut depth = 0i32;
    let mut in_annotation = false;
    let mut in_return = false;
    let mut previous = "";
    for &token in header {
        match token {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            _ => {}
        }
        // A `)` that lands at depth 1 closes a bracket inside the
        // annotation (`x: (T | None) = None`), not the parameter list.
        let at_list = (depth == 1 && token != ")") || (depth == 0 && token == ")");
        if in_annotation && at_list && matches!(token, "," | "=" | ")") {
            in_annotation = false;
        }
        if in_return && depth == 0 && token == ":" {
            in_return = false;
        }
        if previous == "-" && token == ">" && depth == 0 {
            stripped.pop();
            in_return = true;
            previous = token;
            continue;
        }
        previous = token;
        if in_annotation || in_return {
            continue;
        }
        if token == ":" && depth == 1 {
            in_annotation = true;
            continue;
        }
        stripped.push(token);
    }
    stripped
}

/// Pairs deleted and added symbols of the same kind whose bodies are the
/// same tokens: a rename or a move, reported once as moved.
fn pair_renames(changes: &mut Vec<SymbolChange>, base: &Graph, head: &Graph, texts: &ChangedTexts) {
    let body_of =
        |graph: &Graph, id: SymbolId, side: &FxHashMap<String, Vec<u8>>| -> Option<Vec<String>> {
            let text = side.get(&graph.file_of(id).path)?;
            let lang = graph.file_of(id).lang;
            let tokens = definition_tokens(lang, span_text(graph, id, text)?);
            // Tiny bodies (`pass`, `return None`) say nothing about identity.
            (tokens.body.len() >= 4).then(|| tokens.body.iter().map(|t| (*t).to_owned()).collect())
        };
    let added: Vec<(usize, Vec<String>)> = changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ChangeKind::Added)
        .filter_map(|(idx, c)| {
            let id = c.head?;
            if head.symbols[id as usize].kind == SymbolKind::Module {
                return None;
            }
            body_of(head, id, &texts.head).map(|body| (idx, body))
        })
        .collect();
    let mut taken: Vec<usize> = Vec::new();
    for idx in 0..changes.len() {
        let change = &changes[idx];
        if change.kind != ChangeKind::Deleted {
            continue;
        }
        let Some(base_id) = change.base else { continue };
        let kind = base.symbols[base_id as usize].kind;
        if kind == SymbolKind::Module {
            continue;
        }
        let Some(body) = body_of(base, base_id, &texts.base) else {
            continue;
        };
        let found = added.iter().find(|(added_idx, added_body)| {
            !taken.contains(added_idx)
                && *added_body == body
                && changes[*added_idx]
                    .head
                    .is_some_and(|h| head.symbols[h as usize].kind == kind)
        });
        if let Some((added_idx, _)) = found {
            taken.push(*added_idx);
            let head_id = changes[*added_idx].head;
            changes[idx].kind = ChangeKind::Moved;
            changes[idx].head = head_id;
        }
    }
    pair_by_name(changes, base, head, &mut taken);
    pair_namesakes_of_moves(changes, base, head, &mut taken);
    let mut position = 0;
    changes.retain(|_| {
        let keep = !taken.contains(&position);
        position += 1;
        keep
    });
}

/// Pairs the deleted and added symbols that `pair_renames` left over when
/// one of each has a given kind and name inside its file, in different
/// files: a definition moved to another module, edited or too small to
/// match by its body (Rust's `pub struct Caseless<T>(pub T);` moved into a
/// submodule and re-exported, with its methods).
fn pair_by_name(
    changes: &mut [SymbolChange],
    base: &Graph,
    head: &Graph,
    paired_added: &mut Vec<usize>,
) {
    let mut deleted: FxHashMap<(&str, SymbolKind), Vec<usize>> = FxHashMap::default();
    let mut added: FxHashMap<(&str, SymbolKind), Vec<usize>> = FxHashMap::default();
    for (idx, change) in changes.iter().enumerate() {
        match (change.kind, change.base, change.head) {
            (ChangeKind::Deleted, Some(id), _) => {
                let symbol = &base.symbols[id as usize];
                if symbol.kind != SymbolKind::Module {
                    deleted
                        .entry((symbol.local_name.as_str(), symbol.kind))
                        .or_default()
                        .push(idx);
                }
            }
            (ChangeKind::Added, _, Some(id)) if !paired_added.contains(&idx) => {
                let symbol = &head.symbols[id as usize];
                if symbol.kind != SymbolKind::Module {
                    added
                        .entry((symbol.local_name.as_str(), symbol.kind))
                        .or_default()
                        .push(idx);
                }
            }
            _ => {}
        }
    }
    let mut pairs: Vec<(usize, usize)> = deleted
        .iter()
        .filter_map(
            |(key, gone)| match (gone.as_slice(), added.get(key)?.as_slice()) {
                ([gone], [new]) => Some((*gone, *new)),
                _ => None,
            },
        )
        .collect();
    pairs.sort_unstable();
    for (gone, new) in pairs {
        let (Some(base_id), Some(head_id)) = (changes[gone].base, changes[new].head) else {
            continue;
        };
        if base.file_of(base_id).path == head.file_of(head_id).path {
            continue;
        }
        paired_added.push(new);
        changes[gone].kind = ChangeKind::Moved;
        changes[gone].head = Some(head_id);
    }

    // What moved with a moved definition (the methods of a moved type, which
    // an added file does not list on their own) sits in the same new file
    // under the same name.
    let mut moved_files: FxHashMap<FileId, Vec<FileId>> = FxHashMap::default();
    for change in changes.iter().filter(|c| c.kind == ChangeKind::Moved) {
        if let (Some(base_id), Some(head_id)) = (change.base, change.head) {
            let (from, to) = (
                base.symbols[base_id as usize].file,
                head.symbols[head_id as usize].file,
            );
            let targets = moved_files.entry(from).or_default();
            let renamed = base.files[from as usize].path != head.files[to as usize].path;
            if renamed && !targets.contains(&to) {
                targets.push(to);
            }
        }
    }
    // The counterpart may be listed as added on its own (a file's module
    // symbol), and is then reported once, as the move's target.
    let added_at: FxHashMap<SymbolId, usize> = changes
        .iter()
        .enumerate()
        .filter(|(idx, c)| c.kind == ChangeKind::Added && !paired_added.contains(idx))
        .filter_map(|(idx, c)| Some((c.head?, idx)))
        .collect();
    for change in changes.iter_mut().filter(|c| c.kind == ChangeKind::Deleted) {
        let Some(base_id) = change.base else { continue };
        let symbol = &base.symbols[base_id as usize];
        let Some(targets) = moved_files.get(&symbol.file) else {
            continue;
        };
        let found = targets.iter().find_map(|&to| {
            head.file_symbols(to).find(|&id| {
                let other = &head.symbols[id as usize];
                other.local_name == symbol.local_name && other.kind == symbol.kind
            })
        });
        if let Some(head_id) = found {
            change.kind = ChangeKind::Moved;
            change.head = Some(head_id);
            if let Some(&idx) = added_at.get(&head_id)
                && !paired_added.contains(&idx)
            {
                paired_added.push(idx);
            }
        }
    }
}

/// Turns into moves the deleted definitions that share a moved definition's
/// name, kind and parent, pairing them in file order with the added ones of
/// its new name. These are Python's `@overload` stubs, whose `...` bodies
/// are too small to pair by their tokens, so that renaming an overloaded
/// function reads as one move and not as a deletion, a move and an addition.
fn pair_namesakes_of_moves(
    changes: &mut [SymbolChange],
    base: &Graph,
    head: &Graph,
    paired_added: &mut Vec<usize>,
) {
    type Key<'g> = (FileId, Option<SymbolId>, SymbolKind, &'g str);
    fn key_of(graph: &Graph, id: SymbolId) -> Key<'_> {
        let symbol = &graph.symbols[id as usize];
        (
            symbol.file,
            symbol.parent,
            symbol.kind,
            symbol.local_name.as_str(),
        )
    }
    // The deleted and added changes by key.
    let mut deleted: FxHashMap<Key<'_>, Vec<usize>> = FxHashMap::default();
    let mut added: FxHashMap<Key<'_>, Vec<usize>> = FxHashMap::default();
    let mut moves: Vec<(SymbolId, SymbolId)> = Vec::new();
    for (idx, change) in changes.iter().enumerate() {
        match (change.kind, change.base, change.head) {
            (ChangeKind::Deleted, Some(id), _) => {
                deleted.entry(key_of(base, id)).or_default().push(idx);
            }
            (ChangeKind::Added, _, Some(id)) if !paired_added.contains(&idx) => {
                added.entry(key_of(head, id)).or_default().push(idx);
            }
            (ChangeKind::Moved, Some(from), Some(to)) => moves.push((from, to)),
            _ => {}
        }
    }
    if deleted.is_empty() || added.is_empty() {
        return;
    }
    let start_of = |graph: &Graph, id: Option<SymbolId>| {
        id.map(|id| graph.symbols[id as usize].span.start_byte)
    };
    for (from, to) in moves {
        let mut deleted_namesakes = deleted.remove(&key_of(base, from)).unwrap_or_default();
        let mut added_namesakes = added.remove(&key_of(head, to)).unwrap_or_default();
        deleted_namesakes.sort_by_key(|&idx| start_of(base, changes[idx].base));
        added_namesakes.sort_by_key(|&idx| start_of(head, changes[idx].head));
        for (deleted_idx, added_idx) in deleted_namesakes.into_iter().zip(added_namesakes) {
            paired_added.push(added_idx);
            changes[deleted_idx].kind = ChangeKind::Moved;
            changes[deleted_idx].head = changes[added_idx].head;
        }
    }
}

/// The symbol a changed line is reported under. In Python a function
/// nested in another function is part of the outer one's body, and a class
/// attribute is part of the class, so changes go to the enclosing function
/// or class; other languages report the innermost symbol itself.
fn reported_symbol(graph: &Graph, id: SymbolId) -> SymbolId {
    if graph.file_of(id).lang != Lang::Python {
        return id;
    }
    let symbols = &graph.symbols;
    let mut current = id;
    if symbols[current as usize].kind == SymbolKind::Field {
        current = symbols[current as usize].parent.unwrap_or(current);
    }
    let is_function = |id: SymbolId| {
        matches!(
            symbols[id as usize].kind,
            SymbolKind::Function | SymbolKind::Method
        )
    };
    while is_function(current) {
        match symbols[current as usize].parent {
            Some(parent) if is_function(parent) => current = parent,
            _ => break,
        }
    }
    current
}

/// Selects the lines of `ranges` that belong to the file's module symbol
/// itself (imports and other top-level statements, not definitions).
fn module_lines(
    graph: &Graph,
    file: FileId,
    ranges: impl Iterator<Item = (u32, u32)>,
) -> Vec<(u32, u32)> {
    let module = graph.files[file as usize].first_symbol;
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (first, last) in ranges {
        for line in first..=last {
            if reported_symbol(graph, graph.symbol_at_line(file, line)) != module {
                continue;
            }
            match out.last_mut() {
                Some(range) if range.1 + 1 == line => range.1 = line,
                _ => out.push((line, line)),
            }
        }
    }
    out
}

fn push_unique(list: &mut Vec<SymbolId>, id: SymbolId) {
    if !list.contains(&id) {
        list.push(id);
    }
}

/// Byte offset of the start of each line; lines are split on `\n` only, so
/// a `\r` stays part of its line.
fn line_starts(text: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        text.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(idx, _)| idx + 1),
    );
    starts
}

fn is_blank(text: &[u8], starts: &[usize], line: u32) -> bool {
    let idx = line as usize;
    if idx == 0 || idx > starts.len() {
        return false;
    }
    let start = starts[idx - 1];
    let end = starts.get(idx).copied().unwrap_or(text.len());
    text.get(start..end)
        .is_some_and(|l| l.iter().all(u8::is_ascii_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::definition_tokens;

    fn header(text: &str) -> Vec<&str> {
        without_annotations(&definition_tokens(Lang::Python, text).header)
    }

    #[test]
    fn overload_stubs_are_recognised() {
        assert!(is_overload_stub("@overload\ndef f(x: int) -> int: ...\n"));
        assert!(is_overload_stub(
            "@typing.overload  # narrow\n@staticmethod\ndef f(x): ...\n"
        ));
        assert!(!is_overload_stub("@cache\ndef f(x):\n    return x\n"));
        assert!(!is_overload_stub(
            "def f(x):\n    @overload\n    def g(y): ...\n"
        ));
    }

    #[test]
    fn annotations_are_left_out_of_python_headers() {
        assert_eq!(
            header(
                "def f(ctx: \"Context\", args: t.Tuple[t.Any, ...], n: int = 1) -> t.Any:\n    pass\n"
            ),
            header("def f(ctx, args: t.Tuple, n=1):\n    pass\n")
        );
        assert_eq!(
            header("def f(a, hook: (\n    Callable[[A], B] | None\n) = None):\n    pass\n"),
            header("def f(a, hook=None):\n    pass\n"),
            "a parenthesised annotation"
        );
        assert_ne!(
            header("def f(a, b: int = 1):\n    pass\n"),
            header("def f(a, b: int = 2):\n    pass\n"),
            "a default value is not an annotation"
        );
        assert_ne!(
            header("def f(a):\n    pass\n"),
            header("def f(a, b):\n    pass\n")
        );
        assert_eq!(
            header("def f(x={'a': 1}):\n    pass\n"),
            vec![
                "def", "f", "(", "x", "=", "{", "'a'", ":", "1", "}", ")", ":"
            ]
        );
    }
}
