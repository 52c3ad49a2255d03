//! Fingerprints the extraction code so that cached extraction results from
//! another build are never read back (see `src/cache.rs`).
//!
//! The fingerprint is a hash of every file under `src/` and of the tree-sitter
//! queries under the workspace's `queries/`, together with the crate version.
//! A change to an extractor, a resolver input or a query gives a new
//! fingerprint, so a development build cannot read entries an older build
//! wrote, even though both carry the same version number.

use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let roots = [manifest_dir.join("src"), manifest_dir.join("../../queries")];
    let mut files = Vec::new();
    for root in &roots {
        println!("cargo:rerun-if-changed={}", root.display());
        collect(root, &mut files);
    }
    // Also the workspace manifest: it pins the grammar versions.
    let workspace_manifest = manifest_dir.join("../../Cargo.toml");
    println!("cargo:rerun-if-changed={}", workspace_manifest.display());
    files.push(workspace_manifest);
    files.sort();

    let mut hash = Fnv64::new();
    hash.write(
        std::env::var("CARGO_PKG_VERSION")
            .unwrap_or_default()
            .as_bytes(),
    );
    for file in &files {
        // Missing files (a packaged crate has no workspace around it) hash as
        // empty rather than failing the build.
        let bytes = std::fs::read(file).unwrap_or_default();
        let relative = file.strip_prefix(&manifest_dir).unwrap_or(file);
        hash.write(relative.to_string_lossy().as_bytes());
        hash.write(&(bytes.len() as u64).to_le_bytes());
        hash.write(&bytes);
    }
    println!(
        "cargo:rustc-env=BLAST_EXTRACTOR_FINGERPRINT={:016x}",
        hash.finish()
    );
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// FNV-1a, 64 bits: stable across Rust releases, unlike the standard
/// library's hasher.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
