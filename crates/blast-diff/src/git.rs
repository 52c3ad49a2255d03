//! Runs the `git` command with a fixed environment and configuration.
//!
//! Every command runs as `git -C <root> -c KEY=VALUE ... SUBCOMMAND`, with
//! `GIT_OPTIONAL_LOCKS=0`, `LC_ALL=C` (stable messages to classify),
//! `GIT_PAGER=cat`, and without `GIT_EXTERNAL_DIFF` and `GIT_DIFF_OPTS`. The
//! `-c` overrides make the output independent of the user's configuration
//! (prefixes, quoting, colors, external diff tools, rename detection, diff
//! algorithm). Diffs are produced by the plumbing commands `diff-index`,
//! `diff-tree` and `diff-files`: they compare the same things as
//! `git diff`, but porcelain `git diff` refreshes the index and rewrites
//! `.git/index` when it compares against the work tree (seen with git 2.47,
//! even with `GIT_OPTIONAL_LOCKS=0`), and blast never writes.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::error::Error;

/// Configuration values forced on every git command.
///
/// `core.autocrlf` is deliberately absent: it decides how work tree files
/// are converted before git compares them with the index, so overriding it
/// would report every line of a CRLF checkout as changed. The user's value
/// is the one that matches their checkout.
const CONFIG_OVERRIDES: &[(&str, &str)] = &[
    ("core.quotepath", "on"),
    // A core.fsmonitor hook is a program that git would run; blast starts
    // no background daemons or hooks.
    ("core.fsmonitor", "false"),
    ("diff.noprefix", "false"),
    ("diff.mnemonicPrefix", "false"),
    ("diff.relative", "false"),
    ("diff.external", ""),
    ("diff.renames", "true"),
    ("diff.algorithm", "myers"),
    ("diff.indentHeuristic", "true"),
    ("diff.interHunkContext", "0"),
    ("diff.suppressBlankEmpty", "false"),
    ("color.ui", "false"),
    ("color.diff", "false"),
    ("log.showSignature", "false"),
    ("i18n.logOutputEncoding", "UTF-8"),
];

/// Options shared by every diff command.
pub(crate) const DIFF_OPTIONS: &[&str] = &[
    "-p",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "-M",
    "--full-index",
    "-U0",
    "--submodule=short",
    "--ignore-submodules=none",
    "--diff-algorithm=myers",
    "--indent-heuristic",
    "--inter-hunk-context=0",
];

/// A git runner bound to one work tree root.
#[derive(Debug, Clone)]
pub(crate) struct Git {
    root: PathBuf,
}

impl Git {
    pub(crate) fn new(root: &Path) -> Git {
        Git {
            root: root.to_path_buf(),
        }
    }

    fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut command = Command::new("git");
        command.arg("-C").arg(&self.root);
        for (key, value) in CONFIG_OVERRIDES {
            command.arg("-c").arg(format!("{key}={value}"));
        }
        command
            .args(args)
            .env("GIT_OPTIONAL_LOCKS", "0")
            .env("LC_ALL", "C")
            .env("GIT_PAGER", "cat")
            .env_remove("GIT_EXTERNAL_DIFF")
            .env_remove("GIT_DIFF_OPTS")
            .stdin(Stdio::null());
        command
    }

    /// Runs git and returns its output whatever the exit status.
    pub(crate) fn output<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Output, Error> {
        log::debug!("running {}", display_command(args));
        self.command(args)
            .output()
            .map_err(|source| Error::GitNotFound { source })
    }

    /// Runs git and returns its standard output; a non-zero exit is an error.
    pub(crate) fn stdout<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, Error> {
        let output = self.output(args)?;
        if !output.status.success() {
            return Err(git_failure(args, &output));
        }
        Ok(output.stdout)
    }

    /// Reads the blobs `ids` with `git cat-file --batch`. Many blobs are
    /// split among one process per worker thread, since git inflates each
    /// blob on one thread and most of a cold run's reading is that.
    /// Objects that do not exist or are not blobs are absent from the map.
    pub(crate) fn read_blobs(
        &self,
        ids: &BTreeSet<&str>,
    ) -> Result<BTreeMap<String, Vec<u8>>, Error> {
        let processes = rayon::current_num_threads()
            .min(ids.len() / MIN_BLOBS_PER_PROCESS)
            .max(1);
        if processes == 1 {
            return self.read_blob_batch(ids);
        }
        let per_process = ids.len().div_ceil(processes);
        let mut batches: Vec<BTreeSet<&str>> = Vec::with_capacity(processes);
        for (idx, id) in ids.iter().enumerate() {
            if idx % per_process == 0 {
                batches.push(BTreeSet::new());
            }
            if let Some(batch) = batches.last_mut() {
                batch.insert(*id);
            }
        }
        let results: Vec<Result<BTreeMap<String, Vec<u8>>, Error>> = std::thread::scope(|scope| {
            let handles: Vec<_> = batches
                .iter()
                .map(|batch| scope.spawn(move || self.read_blob_batch(batch)))
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle.join().unwrap_or_else(|_| {
                        Err(Error::GitOutput {
                            command: "git cat-file --batch".to_owned(),
                            message: "the thread that read its output panicked".to_owned(),
                        })
                    })
                })
                .collect()
        });
        let mut blobs = BTreeMap::new();
        for result in results {
            blobs.append(&mut result?);
        }
        Ok(blobs)
    }

    /// Reads the blobs `ids` with one `git cat-file --batch` process.
    fn read_blob_batch(&self, ids: &BTreeSet<&str>) -> Result<BTreeMap<String, Vec<u8>>, Error> {
        let mut blobs = BTreeMap::new();
        if ids.is_empty() {
            return Ok(blobs);
        }

        let args = ["cat-file", "--batch", "--buffer"];
        log::debug!(
            "running {} for {} objects",
            display_command(&args),
            ids.len()
        );
        let mut child = self
            .command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| Error::GitNotFound { source })?;
        let (Some(mut stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(Error::GitOutput {
                command: display_command(&args),
                message: "the pipes of the child process are missing".to_owned(),
            });
        };

        // Git writes output while it reads requests, so requests are written
        // from another thread. Otherwise both sides could block on full pipes.
        let result = std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> std::io::Result<()> {
                for id in ids {
                    stdin.write_all(id.as_bytes())?;
                    stdin.write_all(b"\n")?;
                }
                Ok(())
            });
            let error_reader = scope.spawn(move || {
                let mut text = String::new();
                let _ = stderr.read_to_string(&mut text);
                text
            });

            let mut reader = BufReader::new(stdout);
            let read_result = read_batch_output(&mut reader, ids.len(), &mut blobs);
            if read_result.is_err() {
                // Drain the rest so that git can finish and the writer is not
                // left blocked on a full pipe.
                let _ = std::io::copy(&mut reader, &mut std::io::sink());
            }
            let write_result = writer
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("writer thread panicked")));
            let stderr_text = error_reader.join().unwrap_or_default();
            (read_result, write_result, stderr_text)
        });
        let status = child.wait().map_err(|source| Error::Io {
            context: "failed to wait for `git cat-file --batch`".to_owned(),
            source,
        })?;

        let (read_result, write_result, stderr_text) = result;
        if !status.success() {
            return Err(Error::Git {
                command: display_command(&args),
                status: status.to_string(),
                stderr: stderr_text.trim().to_owned(),
            });
        }
        write_result.map_err(|source| Error::Io {
            context: "failed to send object ids to `git cat-file --batch`".to_owned(),
            source,
        })?;
        read_result.map_err(|message| Error::GitOutput {
            command: display_command(&args),
            message,
        })?;
        Ok(blobs)
    }
}

/// The minimum number of blobs for which another `git cat-file` process
/// is started.
const MIN_BLOBS_PER_PROCESS: usize = 200;

/// Reads `count` output records of `git cat-file --batch`: `<id> <type> <size>`
/// followed by the contents and a newline, or `<id> missing`.
fn read_batch_output(
    mut reader: impl BufRead,
    count: usize,
    blobs: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), String> {
    let mut header = Vec::new();
    for _ in 0..count {
        header.clear();
        reader
            .read_until(b'\n', &mut header)
            .map_err(|error| format!("failed to read an output header: {error}"))?;
        if header.pop() != Some(b'\n') {
            return Err("the output ended before all requested objects were printed".to_owned());
        }
        let text = String::from_utf8_lossy(&header).into_owned();
        let fields: Vec<&str> = text.split(' ').collect();
        match fields.as_slice() {
            [_, "missing"] | [_, "ambiguous"] => continue,
            [id, kind, size] => {
                let size: usize = size
                    .parse()
                    .map_err(|_| format!("invalid object size in output header {text:?}"))?;
                let mut contents = vec![0; size + 1];
                reader
                    .read_exact(&mut contents)
                    .map_err(|error| format!("failed to read the contents of {id}: {error}"))?;
                if contents.pop() != Some(b'\n') {
                    return Err(format!(
                        "the contents of {id} are not followed by a newline"
                    ));
                }
                if *kind == "blob" {
                    blobs.insert((*id).to_owned(), contents);
                }
            }
            _ => return Err(format!("invalid output header {text:?}")),
        }
    }
    Ok(())
}

/// Builds the error for a git command that exited with a failure status.
pub(crate) fn git_failure<S: AsRef<OsStr>>(args: &[S], output: &Output) -> Error {
    Error::Git {
        command: display_command(args),
        status: output.status.to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
    }
}

/// Formats a git command line for messages, without the `-c` overrides.
pub(crate) fn display_command<S: AsRef<OsStr>>(args: &[S]) -> String {
    let mut text = OsString::from("git");
    for arg in args {
        text.push(" ");
        text.push(arg.as_ref());
    }
    text.to_string_lossy().into_owned()
}

/// Returns the first output line of git as UTF-8, without the line break.
pub(crate) fn output_line(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    text.trim_end_matches(['\n', '\r']).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_output_skips_missing() {
        let output = b"aaaa blob 3\nabc\nbbbb missing\ncccc tree 0\n\n";
        let mut blobs = BTreeMap::new();
        read_batch_output(&output[..], 3, &mut blobs).unwrap();
        assert_eq!(blobs.len(), 1);
        assert_eq!(blobs["aaaa"], b"abc");
    }

    #[test]
    fn batch_output_rejects_truncation() {
        let output = b"aaaa blob 10\nabc";
        let mut blobs = BTreeMap::new();
        assert!(read_batch_output(&output[..], 1, &mut blobs).is_err());
    }
}
