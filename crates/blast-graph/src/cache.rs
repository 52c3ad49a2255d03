//! An on-disk cache of extraction results, so that a second run over the
//! same files parses only what changed.
//!
//! An entry is keyed by the file's content, its language and the fingerprint
//! of the extraction code. The content key is the git blob id, computed here
//! when git did not supply one. The fingerprint is the crate version plus a
//! hash of the sources and queries, made by `build.rs`. Entries live under the user's cache folder, never in
//! the repository, one file per entry:
//!
//! ```text
//! <root>/extract/<fingerprint>/<first two hex digits>/<rest of blob id>.<lang>
//! ```
//!
//! Each entry is written to a temporary file and renamed into place, so a
//! reader sees a whole entry or none. Each entry carries its own key and a
//! checksum; an entry that fails either check is reported, removed and
//! rebuilt. After a run that wrote entries, the cache is trimmed to its size
//! limit, oldest entries first, and the folders of other fingerprints go
//! first of all.
//!
//! Besides the extraction, an entry contains a filter of the words in the
//! file, whether it has a star import and which modules its star imports
//! name, and for a Java file the lexer outline (see `lang::java::outline`).
//! The diff prefilter needs these, and gets them without reading the file
//! again.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::graph::{ExtractedFile, LangFacts, SkipReason};
use crate::lang::java::outline::{Outline, outline};
use crate::model::{FileSyntax, Lang};

/// Identifies the extraction code that wrote an entry.
pub const FINGERPRINT: &str = env!("BLAST_EXTRACTOR_FINGERPRINT");

const MAGIC: &[u8; 8] = b"BLASTX\x00\x02";
/// Size limit when none is configured.
pub const DEFAULT_MAX_BYTES: u64 = 1024 * 1024 * 1024;

/// The cached facts of one file.
#[derive(Clone, Debug)]
pub struct CachedFile {
    /// `None` for a file the prefilter scanned but never parsed.
    pub outcome: Option<Result<(FileSyntax, LangFacts), SkipReason>>,
    pub scan: ScanFacts,
}

/// The facts of a file that the diff prefilter reads from its entry in
/// place of the file's text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScanFacts {
    /// The file's length in bytes, so that a run with a smaller
    /// `--max-file-size` skips a file whose extraction it finds here.
    pub size: u64,
    pub words: WordFilter,
    pub star_import: bool,
    /// The modules that the star imports name (see [`star_import_modules`]),
    /// read only when `star_import` is set.
    pub star_modules: Option<Vec<String>>,
    /// The outline of a Java file; `None` for the other languages.
    pub java_outline: Option<Outline>,
}

impl ScanFacts {
    /// Scans the text of a file in `lang`.
    pub fn of(bytes: &[u8], lang: Lang) -> ScanFacts {
        ScanFacts {
            size: bytes.len() as u64,
            words: WordFilter::of(bytes),
            star_import: has_star_import(bytes),
            star_modules: star_import_modules(bytes),
            java_outline: (lang == Lang::Java).then(|| outline(bytes)),
        }
    }
}

/// Counters of one run, for `-v` and for tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub writes: u64,
    /// Entries that failed their checks and were removed.
    pub corrupt: u64,
    /// Entries that could not be written (full disk, permissions).
    pub write_errors: u64,
}

/// The extraction cache of one run.
#[derive(Debug)]
pub struct ExtractionCache {
    root: PathBuf,
    dir: PathBuf,
    max_bytes: u64,
    hits: AtomicU64,
    misses: AtomicU64,
    writes: AtomicU64,
    corrupt: AtomicU64,
    write_errors: AtomicU64,
}

impl ExtractionCache {
    /// Opens (and creates) the cache under `root`.
    ///
    /// # Errors
    ///
    /// Fails when the folder cannot be created.
    pub fn open(root: &Path, max_bytes: u64) -> std::io::Result<ExtractionCache> {
        let dir = root.join("extract").join(FINGERPRINT);
        fs::create_dir_all(&dir)?;
        Ok(ExtractionCache {
            root: root.to_path_buf(),
            dir,
            max_bytes,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            corrupt: AtomicU64::new(0),
            write_errors: AtomicU64::new(0),
        })
    }

    /// Returns the default cache folder: `$BLAST_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/blast`, else `$HOME/.cache/blast`.
    pub fn default_root() -> Option<PathBuf> {
        let from_env = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        from_env("BLAST_CACHE_DIR")
            .or_else(|| from_env("XDG_CACHE_HOME").map(|p| p.join("blast")))
            .or_else(|| from_env("HOME").map(|p| p.join(".cache").join("blast")))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            corrupt: self.corrupt.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
        }
    }

    fn entry_path(&self, blob_id: &str, lang: Lang) -> Option<PathBuf> {
        // Blob ids are lowercase hex; anything else is not a key.
        if blob_id.len() < 8 || !blob_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let (head, rest) = blob_id.split_at(2);
        Some(
            self.dir
                .join(head)
                .join(format!("{rest}.{}", lang.name().to_ascii_lowercase())),
        )
    }

    fn key(blob_id: &str, lang: Lang) -> String {
        format!("{blob_id} {} {FINGERPRINT}", lang.name())
    }

    /// Reads the extraction result of a file, or `None` when the cache has
    /// none (no entry, an entry with words only, or an unusable entry).
    pub fn load_extraction(
        &self,
        blob_id: &str,
        lang: Lang,
    ) -> Option<Result<(FileSyntax, LangFacts), SkipReason>> {
        self.count_load(self.load(blob_id, lang))
    }

    /// Reads the extraction result of a file as [`load_extraction`] does,
    /// but for a Rust file without its references
    /// ([`RustFacts::references_skipped`] is set). A diff resolves few of
    /// its Rust files, so it need not decode the references of the others.
    ///
    /// [`load_extraction`]: ExtractionCache::load_extraction
    /// [`RustFacts::references_skipped`]: crate::lang::rust::RustFacts::references_skipped
    pub fn load_declarations(
        &self,
        blob_id: &str,
        lang: Lang,
    ) -> Option<Result<(FileSyntax, LangFacts), SkipReason>> {
        if lang != Lang::Rust {
            return self.load_extraction(blob_id, lang);
        }
        let mut entry = crate::lang::rust::decode_declarations(|| self.load(blob_id, lang));
        if let Some(CachedFile {
            outcome: Some(Ok((_, LangFacts::Rust(facts)))),
            ..
        }) = &mut entry
        {
            facts.references_skipped = true;
        }
        self.count_load(entry)
    }

    /// Counts a read of an extraction result as a hit or a miss.
    fn count_load(
        &self,
        entry: Option<CachedFile>,
    ) -> Option<Result<(FileSyntax, LangFacts), SkipReason>> {
        match entry.and_then(|entry| entry.outcome) {
            Some(outcome) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Some(outcome)
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Reads the entry of a file, or `None` when there is none or it is
    /// unusable (then it is removed and counted).
    pub fn load(&self, blob_id: &str, lang: Lang) -> Option<CachedFile> {
        let path = self.entry_path(blob_id, lang)?;
        let bytes = fs::read(&path).ok()?;
        match decode(&bytes, &Self::key(blob_id, lang)) {
            Some(entry) => Some(entry),
            None => {
                log::warn!(
                    "cache entry {} is corrupt or stale; it is removed and rebuilt",
                    path.display()
                );
                self.corrupt.fetch_add(1, Ordering::Relaxed);
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Reads only the scan facts of an entry, which come before the
    /// extraction.
    pub fn load_scan(&self, blob_id: &str, lang: Lang) -> Option<ScanFacts> {
        let path = self.entry_path(blob_id, lang)?;
        let mut file = fs::File::open(&path).ok()?;
        let entry_len = usize::try_from(file.metadata().ok()?.len()).ok()?;
        let mut bytes = Vec::new();
        // The scan facts come first; a few KiB cover them for almost any file.
        let mut chunk = [0u8; 4096];
        loop {
            let n = file.read(&mut chunk).ok()?;
            bytes.extend_from_slice(&chunk[..n]);
            if n == 0 {
                break;
            }
            if let Some(found) = decode_scan(&bytes, entry_len, &Self::key(blob_id, lang)) {
                return found.map(|(scan, _)| scan);
            }
        }
        decode_scan(&bytes, entry_len, &Self::key(blob_id, lang))
            .flatten()
            .map(|(scan, _)| scan)
    }

    /// Writes the entry of a file. Results that depend on the run's limits
    /// (too large, timed out) or on a bug (panicked) are not kept.
    pub fn store(&self, blob_id: &str, lang: Lang, entry: &CachedFile) {
        if matches!(
            entry.outcome,
            Some(Err(SkipReason::TooLarge
                | SkipReason::TimedOut
                | SkipReason::Panicked))
        ) {
            return;
        }
        let Some(path) = self.entry_path(blob_id, lang) else {
            return;
        };
        let Some(bytes) = encode(entry, &Self::key(blob_id, lang)) else {
            return;
        };
        match write_atomically(&path, &bytes) {
            Ok(()) => {
                self.writes.fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => {
                if self.write_errors.fetch_add(1, Ordering::Relaxed) == 0 {
                    log::warn!(
                        "could not write to the cache at {}: {err}; the run goes on without it",
                        self.root.display()
                    );
                }
            }
        }
    }

    /// Trims the cache to its size limit when this run wrote to it: entries
    /// of other fingerprints first, then the least recently written.
    pub fn trim(&self) {
        if self.writes.load(Ordering::Relaxed) == 0 {
            return;
        }
        let extract = self.root.join("extract");
        let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> = Vec::new();
        let mut total = 0u64;
        let Ok(fingerprints) = fs::read_dir(&extract) else {
            return;
        };
        for fingerprint in fingerprints.flatten() {
            let path = fingerprint.path();
            if path != self.dir {
                log::debug!(
                    "removing cache entries of another build: {}",
                    path.display()
                );
                let _ = fs::remove_dir_all(&path);
                continue;
            }
            let Ok(shards) = fs::read_dir(&path) else {
                continue;
            };
            for shard in shards.flatten() {
                let Ok(files) = fs::read_dir(shard.path()) else {
                    continue;
                };
                for file in files.flatten() {
                    let Ok(meta) = file.metadata() else { continue };
                    let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                    let name = file.file_name();
                    // Temporary files older than an hour belong to a run that died.
                    if name.to_string_lossy().starts_with(".tmp")
                        && modified.elapsed().is_ok_and(|age| age.as_secs() > 3600)
                    {
                        let _ = fs::remove_file(file.path());
                        continue;
                    }
                    total += meta.len();
                    entries.push((modified, meta.len(), file.path()));
                }
            }
        }
        if total <= self.max_bytes {
            return;
        }
        // Down to 80 % of the limit, so the next runs do not trim again.
        entries.sort();
        let target = self.max_bytes / 5 * 4;
        for (_, len, path) in entries {
            if total <= target {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let temp = dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Encodes an entry in its on-disk form:
///
/// ```text
/// magic (8) | key length (u16) | key | file size (u64) | star import (u8)
/// | star modules: 0 (u8) for unknown, or 1 (u8) | names
/// | Java outline: 0 (u8), or 1 (u8) | unusual package (u8) | names
/// | word count (u32) | words (u64 each) | checksum of the above (u64)
/// | payload length (u32) | payload checksum (u64) | payload (postcard)
/// ```
///
/// A list of names is its length (u32), then each name's length (u16)
/// and UTF-8 bytes.
fn encode(entry: &CachedFile, key: &str) -> Option<Vec<u8>> {
    let payload = postcard::to_allocvec(&entry.outcome).ok()?;
    let scan = &entry.scan;
    let mut out = Vec::with_capacity(payload.len() + scan.words.bits.len() * 8 + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&u16::try_from(key.len()).ok()?.to_le_bytes());
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(&scan.size.to_le_bytes());
    out.push(u8::from(scan.star_import));
    match &scan.star_modules {
        None => out.push(0),
        Some(modules) => {
            out.push(1);
            encode_names(&mut out, modules)?;
        }
    }
    match &scan.java_outline {
        None => out.push(0),
        Some(java) => {
            out.push(1);
            out.push(u8::from(java.unusual_package));
            encode_names(&mut out, &java.top_level_types)?;
        }
    }
    out.extend_from_slice(&u32::try_from(scan.words.bits.len()).ok()?.to_le_bytes());
    for word in &scan.words.bits {
        out.extend_from_slice(&word.to_le_bytes());
    }
    let head_sum = checksum(&out);
    out.extend_from_slice(&head_sum.to_le_bytes());
    out.extend_from_slice(&u32::try_from(payload.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&checksum(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    Some(out)
}

fn encode_names(out: &mut Vec<u8>, names: &[String]) -> Option<()> {
    out.extend_from_slice(&u32::try_from(names.len()).ok()?.to_le_bytes());
    for name in names {
        out.extend_from_slice(&u16::try_from(name.len()).ok()?.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
    }
    Some(())
}

/// Reads a list of names from an entry of `entry_len` bytes: `None` when
/// more bytes are needed, `Some(None)` when the list is invalid.
fn decode_names(reader: &mut Reader<'_>, entry_len: usize) -> Option<Option<Vec<String>>> {
    let count = reader.u32()? as usize;
    if count > entry_len {
        return Some(None);
    }
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        let len = usize::from(reader.u16()?);
        let Ok(name) = std::str::from_utf8(reader.take(len)?) else {
            return Some(None);
        };
        names.push(name.to_owned());
    }
    Some(Some(names))
}

/// Reads the head of an entry of `entry_len` bytes, of which `bytes` are
/// the first, with the offset where the payload's length starts: `None`
/// when more bytes are needed, `Some(None)` when the entry is unusable.
fn decode_scan(bytes: &[u8], entry_len: usize, key: &str) -> Option<Option<(ScanFacts, usize)>> {
    let mut reader = Reader { bytes, at: 0 };
    let head = (|| {
        if reader.take(8)? != MAGIC {
            return Some(Err(()));
        }
        let key_len = usize::from(reader.u16()?);
        if reader.take(key_len)? != key.as_bytes() {
            return Some(Err(()));
        }
        let size = reader.u64()?;
        let star = reader.take(1)?[0] != 0;
        let star_modules = match reader.take(1)?[0] {
            0 => None,
            1 => match decode_names(&mut reader, entry_len)? {
                Some(names) => Some(names),
                None => return Some(Err(())),
            },
            _ => return Some(Err(())),
        };
        let java_outline = match reader.take(1)?[0] {
            0 => None,
            1 => {
                let unusual_package = reader.take(1)?[0] != 0;
                let Some(top_level_types) = decode_names(&mut reader, entry_len)? else {
                    return Some(Err(()));
                };
                Some(Outline {
                    top_level_types,
                    unusual_package,
                })
            }
            _ => return Some(Err(())),
        };
        let count = reader.u32()? as usize;
        if count.saturating_mul(8) > entry_len {
            // Cannot be right whatever follows: longer than the entry.
            return Some(Err(()));
        }
        let mut bits = Vec::with_capacity(count);
        for _ in 0..count {
            bits.push(reader.u64()?);
        }
        let end = reader.at;
        let sum = reader.u64()?;
        if sum != checksum(&bytes[..end]) {
            return Some(Err(()));
        }
        let scan = ScanFacts {
            size,
            words: WordFilter { bits },
            star_import: star,
            star_modules,
            java_outline,
        };
        Some(Ok((scan, reader.at)))
    })();
    match head {
        None => None,
        Some(Err(())) => Some(None),
        Some(Ok(found)) => Some(Some(found)),
    }
}

fn decode(bytes: &[u8], key: &str) -> Option<CachedFile> {
    let (scan, head_len) = decode_scan(bytes, bytes.len(), key)??;
    let mut reader = Reader {
        bytes,
        at: head_len,
    };
    let len = reader.u32()? as usize;
    let sum = reader.u64()?;
    let payload = reader.take(len)?;
    if reader.at != bytes.len() || checksum(payload) != sum {
        return None;
    }
    let outcome = postcard::from_bytes(payload).ok()?;
    Some(CachedFile { outcome, scan })
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// Returns the checksum of an entry's parts, which catches damaged entries.
/// A warm run checks every entry it reads, so it takes 8 bytes per step.
/// FNV-1a, a byte per step, ran about 4% of a warm Rust diff's instructions.
/// Each step is a bijection of the state, so a change to one word always
/// changes the result. Stable across builds.
fn checksum(bytes: &[u8]) -> u64 {
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        hash = (hash ^ u64::from_le_bytes(le))
            .wrapping_mul(MULTIPLIER)
            .rotate_left(29);
    }
    for &byte in words.remainder() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(MULTIPLIER);
    }
    hash
}

/// FNV-1a, 64 bits: the word hash of [`WordFilter`]. Stable across builds.
fn fnv64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// A Bloom filter of the words of a file: its maximal runs of `_`, ASCII
/// letters and digits, and bytes at or above 0x80 (the prefilter's notion of
/// a word). A lookup of a word that is in the file always returns true. A
/// word that is not returns true about one time in a hundred (an estimate
/// for ten bits and seven probes per word).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WordFilter {
    bits: Vec<u64>,
}

const PROBES: u32 = 7;

impl WordFilter {
    pub fn of(bytes: &[u8]) -> WordFilter {
        let mut hashes: Vec<u64> = words(bytes).map(fnv64).collect();
        hashes.sort_unstable();
        hashes.dedup();
        // About ten bits per word, a power of two of 64-bit blocks.
        let blocks = (hashes.len() * 10).div_ceil(64).max(1).next_power_of_two();
        let mut filter = WordFilter {
            bits: vec![0; blocks],
        };
        for hash in hashes {
            for bit in filter.probes(hash) {
                filter.bits[bit / 64] |= 1 << (bit % 64);
            }
        }
        filter
    }

    fn probes(&self, hash: u64) -> impl Iterator<Item = usize> + use<> {
        let bits = (self.bits.len() * 64) as u64;
        let step = hash.rotate_left(32) | 1;
        (0..u64::from(PROBES))
            .map(move |i| (hash.wrapping_add(i.wrapping_mul(step)) % bits) as usize)
    }

    /// False only when the word is certainly not in the file.
    pub fn may_contain(&self, word: &[u8]) -> bool {
        if self.bits.is_empty() {
            return true;
        }
        let hash = fnv64(word);
        self.probes(hash)
            .all(|bit| self.bits[bit / 64] & (1 << (bit % 64)) != 0)
    }
}

/// True for the bytes that make up words.
pub fn is_word_byte(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80
}

/// The characters beyond ASCII that Rust reads as white space (its
/// `Pattern_White_Space`): U+0085, U+200E, U+200F, U+2028 and U+2029, in
/// UTF-8. No identifier contains them, so they end a word as a space does.
const WIDE_SPACES: [&[u8]; 5] = [
    b"\xC2\x85",
    b"\xE2\x80\x8E",
    b"\xE2\x80\x8F",
    b"\xE2\x80\xA8",
    b"\xE2\x80\xA9",
];

/// True when `bytes` starts with one of [`WIDE_SPACES`].
pub fn starts_with_wide_space(bytes: &[u8]) -> bool {
    WIDE_SPACES.iter().any(|space| bytes.starts_with(space))
}

/// True when `bytes` ends with one of [`WIDE_SPACES`].
pub fn ends_with_wide_space(bytes: &[u8]) -> bool {
    WIDE_SPACES.iter().any(|space| bytes.ends_with(space))
}

fn words(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .split(|&b| !is_word_byte(b))
        .flat_map(split_at_wide_spaces)
        .filter(|word| !word.is_empty())
}

/// Splits a run of word bytes at the [`WIDE_SPACES`] inside it.
fn split_at_wide_spaces(word: &[u8]) -> Vec<&[u8]> {
    if word.is_ascii() {
        return vec![word];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < word.len() {
        match WIDE_SPACES
            .iter()
            .find(|space| word[at..].starts_with(space))
        {
            Some(space) => {
                parts.push(&word[start..at]);
                at += space.len();
                start = at;
            }
            None => at += 1,
        }
    }
    parts.push(&word[start..]);
    parts
}

/// Returns true when a file has a star import (the text `import *`).
pub fn has_star_import(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"import *").is_some()
}

/// Lists the last segment of the module that each `from MODULE import *`
/// of a Python file names (`c` for `from a.b.c import *` and for
/// `from ..c import *`), in order and with repeats. It reads every
/// occurrence of the text `import *`, so the list is a superset of the star
/// imports that [`has_star_import`] finds. An occurrence that cannot end a
/// `from` statement is skipped: `import` glued to a word, or after a word
/// other than `from`, a quote or `#` (`# testing import *`, `"... import *"`).
/// `None` when some occurrence may be a star import whose module the scan
/// cannot read: dots alone (`from . import *`), a line continuation, or
/// spaces around a dot.
// NOTE: an occurrence in a comment or string that looks like a statement
// counts as one, which only parses one more file. Text that is not valid
// Python is read as above, whatever tree-sitter's error recovery makes of it.
pub fn star_import_modules(bytes: &[u8]) -> Option<Vec<String>> {
    // The white space that Python allows between tokens of a line.
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\x0c');
    let module_byte = |b: u8| is_word_byte(b) || b == b'.';
    // The index after the last byte of `bytes[..end]` that is not blank.
    let trim_blanks = |end: usize| -> usize {
        end - bytes[..end].iter().rev().take_while(|&&b| blank(b)).count()
    };
    // True when the line that ends just before `end` ends in `\`, a line
    // continuation.
    let continued = |end: usize| -> bool {
        let line = bytes[..end].strip_suffix(b"\n").unwrap_or(&bytes[..end]);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line.ends_with(b"\\")
    };
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(bytes, b"import *") {
        let module_end = trim_blanks(at);
        let Some(&before_import) = bytes[..module_end].last() else {
            continue;
        };
        if module_end == at && is_word_byte(before_import) {
            // `reimport *`: not the keyword.
            continue;
        }
        if matches!(before_import, b'\n' | b'\r') {
            if continued(module_end) {
                return None;
            }
            continue;
        }
        if !module_byte(before_import) {
            continue;
        }
        let mut module_start = bytes[..module_end]
            .iter()
            .rposition(|&b| !module_byte(b))
            .map_or(0, |i| i + 1);
        // `from.c import *` needs no space after the keyword.
        if bytes[module_start..module_end].starts_with(b"from.") {
            module_start += b"from".len();
        }
        let module = &bytes[module_start..module_end];
        let keyword_end = trim_blanks(module_start);
        let keyword = bytes[..keyword_end].strip_suffix(b"from");
        let keyword_is_whole_word =
            keyword.is_some_and(|rest| !rest.last().is_some_and(|&b| is_word_byte(b)));
        let separated = keyword_end < module_start || module.first() == Some(&b'.');
        if keyword_is_whole_word && separated {
            let module = std::str::from_utf8(module).ok()?;
            let last = module.rsplit('.').next().unwrap_or_default();
            if last.is_empty() {
                return None;
            }
            out.push(last.to_owned());
            continue;
        }
        // A module path split by spaces or a line continuation.
        let split_path = module.first() == Some(&b'.')
            || bytes[..keyword_end].last() == Some(&b'.')
            || (keyword_end > 0
                && matches!(bytes[keyword_end - 1], b'\n' | b'\r')
                && continued(keyword_end));
        if split_path {
            return None;
        }
    }
    Some(out)
}

/// Computes the git blob id (SHA-1) of some bytes, as `git hash-object` prints it.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(format!("blob {}\0", bytes.len()).as_bytes());
    hasher.update(bytes);
    hasher.digest().to_string()
}

impl CachedFile {
    pub fn of(file: &ExtractedFile, bytes: &[u8]) -> CachedFile {
        CachedFile {
            outcome: Some(file.outcome.clone()),
            scan: ScanFacts::of(bytes, file.lang),
        }
    }

    /// Returns the entry of a file that was scanned but not parsed.
    pub fn scan_only(bytes: &[u8], lang: Lang) -> CachedFile {
        CachedFile {
            outcome: None,
            scan: ScanFacts::of(bytes, lang),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_end_at_wide_spaces() {
        let text = "fn g() {\u{2028}foo()\u{200E}bar\u{85}} é_x".as_bytes();
        let found: Vec<&[u8]> = super::words(text).collect();
        let expected: Vec<&[u8]> = vec![b"fn", b"g", b"foo", b"bar", "é_x".as_bytes()];
        assert_eq!(found, expected);
    }

    use super::*;
    use crate::graph::{ExtractOptions, SourceFile, extract_file};

    fn sample() -> (ExtractedFile, Vec<u8>) {
        let bytes = b"from m import *\n\ndef connect(host):\n    return host\n".to_vec();
        let file = SourceFile {
            path: "app/db.py".into(),
            bytes: bytes.clone(),
        };
        (
            extract_file(&file, &ExtractOptions::default()).unwrap(),
            bytes,
        )
    }

    #[test]
    fn blob_ids_match_git() {
        // `git hash-object --stdin` on the same bytes
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn word_filter_has_no_false_negatives() {
        let text =
            b"def connect(host):\n    return reconnect_all(host) + x_1 + \xc3\xa9t\xc3\xa9\n";
        let filter = WordFilter::of(text);
        for word in [
            "def",
            "connect",
            "host",
            "return",
            "reconnect_all",
            "x_1",
            "\u{e9}t\u{e9}",
        ] {
            assert!(filter.may_contain(word.as_bytes()), "{word}");
        }
        // Parts of words are not words.
        let misses = [
            "conn",
            "reconnect",
            "all",
            "x",
            "connection",
            "zzz",
            "hosts",
        ]
        .iter()
        .filter(|w| filter.may_contain(w.as_bytes()))
        .count();
        assert!(misses <= 1, "{misses} false positives");
    }

    /// A Rust entry read for its declarations has everything but the
    /// references, and a later whole read of the same entry has them too.
    #[test]
    fn rust_declarations_leave_out_references() {
        let root = tempfile::tempdir().unwrap();
        let cache = ExtractionCache::open(root.path(), DEFAULT_MAX_BYTES).unwrap();
        let bytes = b"use crate::db::Pool;\n\npub struct Shop { pool: Pool }\n\npub fn open(shop: &Shop) -> u32 {\n    let n = shop.pool.size();\n    crate::db::connect(n)\n}\n".to_vec();
        let file = extract_file(
            &SourceFile {
                path: "src/shop.rs".into(),
                bytes: bytes.clone(),
            },
            &ExtractOptions::default(),
        )
        .unwrap();
        let id = blob_id(&bytes);
        cache.store(&id, Lang::Rust, &CachedFile::of(&file, &bytes));
        let rust = |outcome: Option<Result<(FileSyntax, LangFacts), SkipReason>>| match outcome {
            Some(Ok((syntax, LangFacts::Rust(facts)))) => (syntax, facts),
            other => panic!("not a Rust extraction: {other:?}"),
        };
        let Ok((_, LangFacts::Rust(stored))) = &file.outcome else {
            panic!("not a Rust extraction");
        };
        assert!(!stored.refs.is_empty());
        assert!(!stored.method_calls.is_empty());
        assert!(!stored.field_reads.is_empty());

        let (syntax, part) = rust(cache.load_declarations(&id, Lang::Rust));
        assert!(part.references_skipped);
        assert!(part.refs.is_empty());
        assert!(part.method_calls.is_empty());
        assert!(part.field_reads.is_empty());
        assert_eq!(format!("{:?}", part.uses), format!("{:?}", stored.uses));
        assert_eq!(format!("{:?}", part.fields), format!("{:?}", stored.fields));
        assert_eq!(
            format!("{:?}", part.bindings),
            format!("{:?}", stored.bindings)
        );
        assert_eq!(
            format!("{:?}", Some(&syntax)),
            format!("{:?}", file.syntax())
        );

        let (_, whole) = rust(cache.load_extraction(&id, Lang::Rust));
        assert!(!whole.references_skipped);
        assert_eq!(format!("{:?}", whole.refs), format!("{:?}", stored.refs));
        assert_eq!(
            format!("{:?}", whole.method_calls),
            format!("{:?}", stored.method_calls)
        );
        assert_eq!(cache.stats().corrupt, 0);
    }

    #[test]
    fn entries_round_trip() {
        let root = tempfile::tempdir().unwrap();
        let cache = ExtractionCache::open(root.path(), DEFAULT_MAX_BYTES).unwrap();
        let (file, bytes) = sample();
        let id = blob_id(&bytes);
        assert!(cache.load_extraction(&id, Lang::Python).is_none());
        cache.store(
            &id,
            Lang::Python,
            &CachedFile::scan_only(&bytes, Lang::Python),
        );
        assert!(cache.load_scan(&id, Lang::Python).is_some());
        assert!(cache.load_extraction(&id, Lang::Python).is_none());
        cache.store(&id, Lang::Python, &CachedFile::of(&file, &bytes));
        let entry = cache.load(&id, Lang::Python).expect("stored entry");
        assert!(entry.scan.star_import);
        assert_eq!(entry.scan.star_modules, Some(vec!["m".to_owned()]));
        assert_eq!(entry.scan.java_outline, None);
        assert_eq!(
            format!("{:?}", entry.outcome),
            format!("{:?}", Some(&file.outcome))
        );
        assert!(cache.load_extraction(&id, Lang::Python).is_some());
        let scan = cache.load_scan(&id, Lang::Python).unwrap();
        assert!(scan.star_import);
        assert!(scan.words.may_contain(b"connect"));
        // Another language is another key.
        assert!(cache.load_extraction(&id, Lang::Java).is_none());
        assert_eq!(
            cache.stats(),
            CacheStats {
                hits: 1,
                misses: 3,
                writes: 2,
                corrupt: 0,
                write_errors: 0
            }
        );
    }

    #[test]
    fn star_import_modules_by_text() {
        let text = b"from os import *\nimport sys; from .core import *\ntry:\n    from ..a.b import *\nexcept ImportError:\n    pass\nif x: from.c import *\nfrom\x0cd import *\n";
        assert_eq!(
            star_import_modules(text),
            Some(vec![
                "os".to_owned(),
                "core".to_owned(),
                "b".to_owned(),
                "c".to_owned(),
                "d".to_owned()
            ])
        );
        // Text that looks like a statement counts, in comments too.
        assert_eq!(
            star_import_modules(b"# from sys import *\n"),
            Some(vec!["sys".to_owned()])
        );
        assert_eq!(star_import_modules(b"import os\n"), Some(Vec::new()));
        for not_an_import in [
            &b"# testing import *\n"[..],
            b"# XXX Since import * above excludes names\n",
            b"exec(f\"from {name} import *\")\n",
            b"x = 'import *'\n",
            b"reimport *\n",
            b"import *\n",
        ] {
            assert_eq!(
                star_import_modules(not_an_import),
                Some(Vec::new()),
                "{}",
                String::from_utf8_lossy(not_an_import)
            );
        }
        for unknown in [
            &b"from . import *\n"[..],
            b"from .. import *\n",
            b"from .import *\n",
            b"from a \\\n    import *\n",
            b"from \\\n    a import *\n",
            b"from a . b import *\n",
            b"from a .b import *\n",
            b"from\x0c. import *\n",
            b"s = \"from ... import *\"\n",
        ] {
            assert_eq!(
                star_import_modules(unknown),
                None,
                "{}",
                String::from_utf8_lossy(unknown)
            );
        }
    }

    #[test]
    fn scan_facts_of_large_entries_load() {
        let root = tempfile::tempdir().unwrap();
        let cache = ExtractionCache::open(root.path(), DEFAULT_MAX_BYTES).unwrap();
        // About 10 bits per distinct word, in a power of two of 64-bit
        // blocks: 30,000 words make 8,192 blocks, more blocks than the first
        // 4 KiB that `load_scan` reads has bytes.
        let text: String = (0..30_000).map(|i| format!("w{i} = 1\n")).collect();
        let bytes = text.as_bytes();
        let id = blob_id(bytes);
        cache.store(
            &id,
            Lang::Python,
            &CachedFile::scan_only(bytes, Lang::Python),
        );
        let scan = cache.load_scan(&id, Lang::Python).expect("stored entry");
        assert!(scan.words.may_contain(b"w29999"));
        assert_eq!(cache.stats().corrupt, 0);
    }

    #[test]
    fn java_entries_keep_their_outline() {
        let root = tempfile::tempdir().unwrap();
        let cache = ExtractionCache::open(root.path(), DEFAULT_MAX_BYTES).unwrap();
        let bytes = b"package com.Example;\nclass Outer { class Inner {} }\nrecord R(int x) {}\n";
        let id = blob_id(bytes);
        cache.store(&id, Lang::Java, &CachedFile::scan_only(bytes, Lang::Java));
        let scan = cache.load_scan(&id, Lang::Java).expect("stored entry");
        assert_eq!(scan.java_outline, Some(outline(bytes)));
        let found = scan.java_outline.unwrap();
        assert_eq!(found.top_level_types, vec!["Outer", "R"]);
        assert!(found.unusual_package);
        assert!(scan.words.may_contain(b"Inner"));
        let file = extract_file(
            &SourceFile {
                path: "com/Example/Outer.java".into(),
                bytes: bytes.to_vec(),
            },
            &ExtractOptions::default(),
        )
        .unwrap();
        cache.store(&id, Lang::Java, &CachedFile::of(&file, bytes));
        let entry = cache.load(&id, Lang::Java).expect("stored entry");
        assert_eq!(entry.scan.java_outline, Some(outline(bytes)));
        assert!(entry.outcome.is_some());
    }

    #[test]
    fn damaged_entries_are_removed_not_trusted() {
        let root = tempfile::tempdir().unwrap();
        let cache = ExtractionCache::open(root.path(), DEFAULT_MAX_BYTES).unwrap();
        let (file, bytes) = sample();
        let id = blob_id(&bytes);
        cache.store(&id, Lang::Python, &CachedFile::of(&file, &bytes));
        let path = cache.entry_path(&id, Lang::Python).unwrap();
        let good = fs::read(&path).unwrap();
        // Every single-byte flip and every truncation is caught.
        for at in (0..good.len()).step_by(7) {
            let mut bad = good.clone();
            bad[at] ^= 0x5a;
            fs::write(&path, &bad).unwrap();
            assert!(cache.load(&id, Lang::Python).is_none(), "flip at {at}");
            assert!(!path.exists(), "the damaged entry is removed");
            fs::write(&path, &good[..at]).unwrap();
            assert!(cache.load(&id, Lang::Python).is_none(), "cut at {at}");
        }
        // An entry stored under another key is not read back as this one.
        let other = blob_id(b"other");
        let other_path = cache.entry_path(&other, Lang::Python).unwrap();
        fs::create_dir_all(other_path.parent().unwrap()).unwrap();
        fs::write(&other_path, &good).unwrap();
        assert!(cache.load(&other, Lang::Python).is_none());
        assert!(cache.stats().corrupt > 0);
    }

    #[test]
    fn trimming_keeps_the_cache_under_its_limit() {
        let root = tempfile::tempdir().unwrap();
        // A folder of an older build goes first.
        let stale = root.path().join("extract").join("0000000000000000");
        fs::create_dir_all(stale.join("ab")).unwrap();
        fs::write(stale.join("ab").join("cd.python"), b"old").unwrap();
        let cache = ExtractionCache::open(root.path(), 4096).unwrap();
        let (file, _) = sample();
        for i in 0..40 {
            let bytes = format!("def f{i}(): pass\n").into_bytes();
            cache.store(
                &blob_id(&bytes),
                Lang::Python,
                &CachedFile::of(&file, &bytes),
            );
        }
        cache.trim();
        assert!(!stale.exists());
        let mut total = 0;
        for shard in fs::read_dir(&cache.dir).unwrap().flatten() {
            for entry in fs::read_dir(shard.path()).unwrap().flatten() {
                total += entry.metadata().unwrap().len();
            }
        }
        assert!(total > 0, "every entry was removed");
        assert!(total <= 4096, "{total} bytes left");
    }
}
