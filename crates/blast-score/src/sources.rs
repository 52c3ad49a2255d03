//! The source files of one side of a diff, read only when the cache cannot
//! stand in for them.
//!
//! With a warm cache, a file at a commit or in the index needs no read at
//! all. Git lists its blob id, and the cache entry of that id gives the
//! prefilter the words of the file, whether it has a star import, and the
//! outline of a Java file. The same entry gives its extraction if the
//! prefilter selects it. Only files without an entry and the changed files,
//! whose text the change kinds compare, are read from git at first. The
//! prefilter reads more when it needs the text of a file, such as the
//! identifiers of a Java file whose references count.

use aho_corasick::AhoCorasick;
use blast_diff::{Repo, Side, TreeEntry};
use blast_graph::cache::{
    CachedFile, ExtractionCache, ScanFacts, ends_with_wide_space, has_star_import, is_word_byte,
    star_import_modules, starts_with_wide_space,
};
use blast_graph::lang::java::outline::{Outline, outline};
use blast_graph::{ExtractOptions, ExtractedFile, Lang, SourceFile, extract_all_cached};
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

/// The contents of a file, or the cached facts that stand in for them.
pub(crate) enum Content {
    Bytes(Vec<u8>),
    /// Known through its cache entry, without reading the file.
    Cached(ScanFacts),
}

/// A source file of one side.
pub(crate) struct SideFile {
    pub path: String,
    pub lang: Lang,
    /// The blob id git listed; `None` in the work tree.
    pub blob_id: Option<String>,
    pub content: Content,
}

impl SideFile {
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        match &self.content {
            Content::Bytes(bytes) => Some(bytes),
            Content::Cached(_) => None,
        }
    }

    pub(crate) fn has_star_import(&self) -> bool {
        match &self.content {
            Content::Bytes(bytes) => has_star_import(bytes),
            Content::Cached(scan) => scan.star_import,
        }
    }

    /// Returns the last segments of the modules that the file's star imports
    /// name, or `None` when they are not known (see [`star_import_modules`]).
    pub(crate) fn star_modules(&self) -> Option<Vec<String>> {
        match &self.content {
            Content::Bytes(bytes) => star_import_modules(bytes),
            Content::Cached(scan) => scan.star_modules.clone(),
        }
    }

    /// Returns the outline of a Java file, scanned from its text or read from
    /// its cache entry; `None` for other languages.
    pub(crate) fn java_outline(&self) -> Option<Outline> {
        if self.lang != Lang::Java {
            return None;
        }
        match &self.content {
            Content::Bytes(bytes) => Some(outline(bytes)),
            Content::Cached(scan) => scan.java_outline.clone(),
        }
    }

    /// Returns false only when the file certainly contains none of the names
    /// as a whole word.
    pub(crate) fn may_mention_any(&self, matcher: &AhoCorasick, names: &[String]) -> bool {
        match &self.content {
            Content::Bytes(bytes) => mentions_any(matcher, bytes),
            // A name spelled with other characters (a module stem such as
            // `foo-bar`) is in the text only if each of its words is.
            Content::Cached(ScanFacts { words, .. }) => names.iter().any(|name| {
                name.as_bytes()
                    .split(|&b| !is_word_byte(b))
                    .filter(|word| !word.is_empty())
                    .all(|word| words.may_contain(word))
            }),
        }
    }
}

/// Returns true when the text contains one of the names as a whole word.
pub(crate) fn mentions_any(matcher: &AhoCorasick, bytes: &[u8]) -> bool {
    matcher.find_overlapping_iter(bytes).any(|m| {
        let (before, after) = (&bytes[..m.start()], &bytes[m.end()..]);
        let joined_before =
            before.last().is_some_and(|&b| is_word_byte(b)) && !ends_with_wide_space(before);
        let joined_after =
            after.first().is_some_and(|&b| is_word_byte(b)) && !starts_with_wide_space(after);
        !joined_before && !joined_after
    })
}

/// Reads and extracts the files of one side.
pub(crate) struct SideReader<'a> {
    pub repo: &'a Repo,
    pub side: &'a Side,
    pub extract: &'a ExtractOptions,
    pub cache: Option<&'a ExtractionCache>,
}

impl SideReader<'_> {
    /// Lists the source files among `paths`, in that order. Files in
    /// `must_read`, and files the cache does not know, are read.
    pub(crate) fn load(
        &self,
        entries: &[TreeEntry],
        paths: &[String],
        must_read: &FxHashSet<&str>,
    ) -> Result<Vec<SideFile>, blast_diff::Error> {
        let blob_ids: FxHashMap<&str, &str> = entries
            .iter()
            .filter_map(|e| Some((e.path.as_str(), e.blob_id.as_deref()?)))
            .collect();
        let known: Vec<Option<Content>> = paths
            .par_iter()
            .map(|path| {
                let cache = self.cache?;
                let lang = Lang::from_path(path)?;
                let blob_id = *blob_ids.get(path.as_str())?;
                if must_read.contains(path.as_str()) {
                    return None;
                }
                let scan = cache.load_scan(blob_id, lang)?;
                // An entry without the outline cannot stand in for a Java
                // file's text.
                if lang == Lang::Java && scan.java_outline.is_none() {
                    return None;
                }
                Some(Content::Cached(scan))
            })
            .collect();
        let to_read: Vec<String> = paths
            .iter()
            .zip(&known)
            .filter(|(_, content)| content.is_none())
            .map(|(path, _)| path.clone())
            .collect();
        let mut read = self.repo.read_files(self.side, &to_read)?.into_iter();
        let mut files = Vec::with_capacity(paths.len());
        for (path, content) in paths.iter().zip(known) {
            let content = match content {
                Some(content) => content,
                // Files that vanished or are not regular files are left out.
                None => match read.next().flatten() {
                    Some(bytes) => Content::Bytes(bytes),
                    None => continue,
                },
            };
            let Some(lang) = Lang::from_path(path) else {
                continue;
            };
            files.push(SideFile {
                path: path.clone(),
                lang,
                blob_id: blob_ids.get(path.as_str()).map(|id| (*id).to_owned()),
                content,
            });
        }
        Ok(files)
    }

    /// Returns, for each candidate, its text when the text contains one of
    /// the names as a whole word, else `None`. The word filter of a cached
    /// file returns false positives, so the text of the files it selects is
    /// read and checked. With or without the cache, the same files are
    /// parsed.
    pub(crate) fn confirm_mentions<'f>(
        &self,
        candidates: &[&'f SideFile],
        matcher: &AhoCorasick,
    ) -> Result<Vec<Option<Cow<'f, [u8]>>>, blast_diff::Error> {
        Ok(self
            .texts(candidates)?
            .into_iter()
            .map(|text| text.filter(|text| mentions_any(matcher, text)))
            .collect())
    }

    /// Returns the text of each file, read from git for the files that the
    /// cache stood in for; `None` for a file that is gone.
    pub(crate) fn texts<'f>(
        &self,
        files: &[&'f SideFile],
    ) -> Result<Vec<Option<Cow<'f, [u8]>>>, blast_diff::Error> {
        let to_read: Vec<String> = files
            .iter()
            .filter(|f| f.bytes().is_none())
            .map(|f| f.path.clone())
            .collect();
        let mut read = self.repo.read_files(self.side, &to_read)?.into_iter();
        Ok(files
            .iter()
            .map(|file| match file.bytes() {
                Some(bytes) => Some(Cow::Borrowed(bytes)),
                None => read.next().flatten().map(Cow::Owned),
            })
            .collect())
    }

    /// Stores the scan facts of the files that were read but not parsed, so
    /// that the next run's prefilter need not read them. Parsed files have a
    /// whole entry already. A file is read only when it has no usable entry
    /// or is changed, and a changed file is always parsed, so no whole
    /// entry is replaced by scan facts alone.
    pub(crate) fn remember_unparsed(&self, files: &[SideFile], parsed: &[Arc<ExtractedFile>]) {
        let Some(cache) = self.cache else {
            return;
        };
        let parsed: FxHashSet<&str> = parsed.iter().map(|f| f.path.as_str()).collect();
        files.par_iter().for_each(|file| {
            if let (Some(blob_id), Some(bytes)) = (&file.blob_id, file.bytes())
                && !parsed.contains(file.path.as_str())
            {
                cache.store(blob_id, file.lang, &CachedFile::scan_only(bytes, file.lang));
            }
        });
    }

    /// Extracts files, from the cache where it has them; the result is in
    /// input order.
    pub(crate) fn extract(
        &self,
        files: &[&SideFile],
    ) -> Result<Vec<ExtractedFile>, blast_diff::Error> {
        self.extract_parts(files, false)
    }

    /// Extracts files as [`SideReader::extract`] does, but reads Rust files
    /// that the cache has without their references (see
    /// `ExtractionCache::load_declarations`).
    pub(crate) fn extract_declarations(
        &self,
        files: &[&SideFile],
    ) -> Result<Vec<ExtractedFile>, blast_diff::Error> {
        self.extract_parts(files, true)
    }

    fn extract_parts(
        &self,
        files: &[&SideFile],
        declarations: bool,
    ) -> Result<Vec<ExtractedFile>, blast_diff::Error> {
        let mut out: Vec<Option<ExtractedFile>> = files
            .par_iter()
            .map(|file| match (&file.content, self.cache) {
                // The limit of this run applies to what an earlier run kept.
                (Content::Cached(scan), _) if scan.size > self.extract.max_file_bytes as u64 => {
                    Some(ExtractedFile {
                        path: file.path.clone(),
                        lang: file.lang,
                        outcome: Err(blast_graph::SkipReason::TooLarge),
                    })
                }
                (Content::Cached(_), Some(cache)) => {
                    let blob_id = file.blob_id.as_deref().unwrap_or_default();
                    if declarations {
                        cache.load_declarations(blob_id, file.lang)
                    } else {
                        cache.load_extraction(blob_id, file.lang)
                    }
                }
                .map(|outcome| ExtractedFile {
                    path: file.path.clone(),
                    lang: file.lang,
                    outcome,
                }),
                _ => None,
            })
            .collect();

        // Files read already, then cached files whose entry went missing or
        // bad since the listing: read them now.
        let mut sources: Vec<SourceFile> = Vec::new();
        let mut slots: Vec<usize> = Vec::new();
        let mut missing: Vec<String> = Vec::new();
        let mut missing_slots: Vec<usize> = Vec::new();
        for (slot, file) in files.iter().enumerate() {
            if out[slot].is_some() {
                continue;
            }
            match &file.content {
                Content::Bytes(bytes) => {
                    sources.push(SourceFile {
                        path: file.path.clone(),
                        bytes: bytes.clone(),
                    });
                    slots.push(slot);
                }
                Content::Cached(_) => {
                    missing.push(file.path.clone());
                    missing_slots.push(slot);
                }
            }
        }
        if !missing.is_empty() {
            let contents = self.repo.read_files(self.side, &missing)?;
            for ((path, bytes), slot) in missing.into_iter().zip(contents).zip(missing_slots) {
                if let Some(bytes) = bytes {
                    sources.push(SourceFile { path, bytes });
                    slots.push(slot);
                }
            }
        }
        // Every source has a language, so extraction returns one result per
        // source, in order.
        let extracted = extract_all_cached(&sources, self.extract, self.cache);
        debug_assert_eq!(extracted.len(), slots.len());
        for (file, slot) in extracted.into_iter().zip(slots) {
            out[slot] = Some(file);
        }
        Ok(out.into_iter().flatten().collect())
    }
}
