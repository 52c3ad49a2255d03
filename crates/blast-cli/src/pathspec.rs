//! The paths after `--`, read as git reads them: relative to the current
//! folder, which `-C DIR` changes to DIR, or absolute.

use std::path::{Component, Path, PathBuf};

/// Converts the paths after `--` into paths relative to the repository
/// root `root`, with `/` separators, taking relative ones from `base`.
/// The root itself becomes the empty path, which scopes nothing out.
///
/// # Errors
///
/// Returns a message naming the path when it is outside the repository or
/// not valid UTF-8.
pub(crate) fn repository_paths(
    paths: &[String],
    base: &Path,
    root: &Path,
    base_name: &str,
) -> Result<Vec<String>, String> {
    // git reports the work tree with symbolic links resolved, so the
    // folders the paths start from are resolved too.
    let base = real_path(&lexically_normal(
        &std::env::current_dir().unwrap_or_default().join(base),
    ));
    let root = real_path(root);
    paths
        .iter()
        .map(|path| {
            let full = real_path(&lexically_normal(&base.join(path)));
            let relative = full.strip_prefix(&root).map_err(|_| {
                format!(
                    "the path '{path}' after -- is outside the repository {}: \
                     relative paths start at {base_name} ({})",
                    root.display(),
                    base.display()
                )
            })?;
            let parts: Option<Vec<&str>> = relative
                .components()
                .map(|part| part.as_os_str().to_str())
                .collect();
            parts
                .map(|parts| parts.join("/"))
                .ok_or_else(|| format!("the path '{path}' after -- is not valid UTF-8"))
        })
        .collect()
}

/// Drops `.` and applies `..` without reading the file system, as git
/// does with a pathspec. `..` above the file system root stays at the root.
fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// Resolves symbolic links in the longest part of `path` that exists, and
/// keeps the rest as written: a path after `--` may name a deleted file.
fn real_path(path: &Path) -> PathBuf {
    let mut missing: Vec<&std::ffi::OsStr> = Vec::new();
    let mut existing = path;
    loop {
        if let Ok(real) = existing.canonicalize() {
            return missing
                .iter()
                .rev()
                .fold(real, |real, part| real.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::repository_paths;

    fn scoped(
        paths: &[&str],
        base: &std::path::Path,
        root: &std::path::Path,
    ) -> Result<Vec<String>, String> {
        let paths: Vec<String> = paths.iter().map(|path| (*path).to_owned()).collect();
        repository_paths(&paths, base, root, "the current folder")
    }

    #[test]
    fn paths_start_at_the_base_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        let src = root.join("src");
        std::fs::create_dir_all(src.join("pluggy")).unwrap();

        assert_eq!(scoped(&["pluggy"], &src, &root).unwrap(), ["src/pluggy"]);
        assert_eq!(scoped(&["./pluggy/"], &src, &root).unwrap(), ["src/pluggy"]);
        assert_eq!(scoped(&["."], &src, &root).unwrap(), ["src"]);
        assert_eq!(scoped(&[".."], &src, &root).unwrap(), [""]);
        assert_eq!(
            scoped(&["../docs/gone.py"], &src, &root).unwrap(),
            ["docs/gone.py"]
        );
        assert_eq!(
            scoped(&["gone/file.py"], &root, &root).unwrap(),
            ["gone/file.py"]
        );
    }

    #[test]
    fn absolute_paths_inside_are_accepted() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        std::fs::create_dir_all(root.join("src")).unwrap();
        let absolute = root.join("src").join("a.py");
        let absolute = absolute.to_str().unwrap();

        assert_eq!(scoped(&[absolute], &root, &root).unwrap(), ["src/a.py"]);
    }

    #[test]
    fn paths_outside_are_rejected() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        std::fs::create_dir_all(&root).unwrap();
        let outside = tmp.path().join("other");
        let outside = outside.to_str().unwrap();

        for path in ["../other", "/", outside] {
            let error = scoped(&[path], &root, &root).unwrap_err();
            assert!(error.contains("outside the repository"), "{path}: {error}");
            assert!(error.contains(path), "{path}: {error}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_to_the_repository_resolve() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        std::fs::create_dir_all(root.join("src")).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&root, &link).unwrap();

        assert_eq!(scoped(&["src"], &link, &root).unwrap(), ["src"]);
    }
}
