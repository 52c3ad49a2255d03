//! `blast-floor`: measures the speed floor of a repository, that is
//! tree-sitter parsing plus the `tags` query of each file on one thread
//! (see `blast_graph::floor`), and prints the counts and the times.
//!
//! ```sh
//! blast-floor [--json] [--max-file-size BYTES] [REPO]
//! ```
//!
//! The files are those `git ls-files` lists in REPO's work tree (default:
//! the current folder) whose extension maps to a language blast parses.
//! Untracked files are left out.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use blast_graph::floor::{self, FloorCounts, FloorReport};
use blast_graph::{ExtractOptions, Lang, SourceFile};

const USAGE: &str = "usage: blast-floor [--json] [--max-file-size BYTES] [REPO]";

struct Args {
    repo: PathBuf,
    json: bool,
    max_file_bytes: usize,
}

/// The measured phases. CPU time is the main thread's own, read from
/// `/proc/thread-self/schedstat`, and is `None` where the kernel does not
/// provide that file.
struct Timings {
    read_wall: Duration,
    setup_wall: Duration,
    floor_wall: Duration,
    floor_cpu: Option<Duration>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print_output(&format!("{USAGE}\n"));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            report_error(&format!("{message}\n{USAGE}"));
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            report_error(&message);
            ExitCode::from(1)
        }
    }
}

/// Parses the command line; `Ok(None)` means help was requested.
fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args {
        repo: PathBuf::from("."),
        json: false,
        max_file_bytes: ExtractOptions::default().max_file_bytes,
    };
    let mut repo = None;
    while let Some(arg) = raw.next() {
        match arg.as_str() {
            "--json" => args.json = true,
            "--max-file-size" => {
                let value = raw
                    .next()
                    .ok_or("--max-file-size requires a number of bytes")?;
                args.max_file_bytes = value
                    .parse()
                    .map_err(|_| format!("invalid --max-file-size {value:?}: expected bytes"))?;
            }
            "-h" | "--help" => return Ok(None),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other if repo.is_none() => repo = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument {other}: only one REPO")),
        }
    }
    if let Some(repo) = repo {
        args.repo = repo;
    }
    Ok(Some(args))
}

fn run(args: &Args) -> Result<(), String> {
    let options = ExtractOptions {
        max_file_bytes: args.max_file_bytes,
        ..ExtractOptions::default()
    };

    let read_start = Instant::now();
    let listed = list_files(&args.repo)?;
    let listed_count = listed.len();
    let sources = read_sources(&args.repo, listed)?;
    let read_wall = read_start.elapsed();

    let setup_start = Instant::now();
    floor::load_languages();
    let setup_wall = setup_start.elapsed();

    let cpu_before = thread_cpu_time();
    let floor_start = Instant::now();
    let report = floor::parse_and_query(&sources, &options);
    let floor_wall = floor_start.elapsed();
    let floor_cpu = match (cpu_before, thread_cpu_time()) {
        (Some(before), Some(after)) => Some(after.saturating_sub(before)),
        _ => None,
    };

    let timings = Timings {
        read_wall,
        setup_wall,
        floor_wall,
        floor_cpu,
    };
    let not_source = (listed_count - sources.len()) as u64 + report.not_source;
    let output = if args.json {
        render_json(&args.repo, &report, not_source, &timings)
    } else {
        render_text(&report, not_source, &timings)
    };
    print_output(&output);
    Ok(())
}

/// Lists the work tree's tracked files with `git ls-files`.
fn list_files(repo: &Path) -> Result<Vec<String>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["ls-files", "-z", "--cached"])
        .output()
        .map_err(|err| format!("failed to run git ls-files in {}: {err}", repo.display()))?;
    if !output.status.success() {
        return Err(format!(
            "git ls-files failed in {} ({}): {}",
            repo.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let paths = output
        .stdout
        .split(|&b| b == 0)
        .filter(|path| !path.is_empty())
        .map(|path| String::from_utf8_lossy(path).into_owned())
        .collect();
    Ok(paths)
}

/// Reads the listed files whose extension maps to a language. Symbolic links
/// and paths deleted from the work tree are left out, like other files that
/// are not source.
fn read_sources(repo: &Path, paths: Vec<String>) -> Result<Vec<SourceFile>, String> {
    let mut sources = Vec::new();
    for path in paths {
        if Lang::from_path(&path).is_none() {
            continue;
        }
        let full = repo.join(&path);
        match std::fs::symlink_metadata(&full) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => continue,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(format!("failed to read {}: {err}", full.display())),
        }
        let bytes = std::fs::read(&full)
            .map_err(|err| format!("failed to read {}: {err}", full.display()))?;
        sources.push(SourceFile { path, bytes });
    }
    Ok(sources)
}

/// Returns the calling thread's time on a CPU, from the first field of
/// `/proc/thread-self/schedstat` (nanoseconds). The file needs Linux 3.17 or
/// later with scheduler statistics compiled in.
fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

fn render_text(report: &FloorReport, not_source: u64, timings: &Timings) -> String {
    let total = report.total();
    let mut out = String::new();
    for (lang, counts) in &report.per_lang {
        if counts.files > 0 {
            out.push_str(&format!("{:<8} {}\n", lang.name(), describe_counts(counts)));
        }
    }
    out.push_str(&format!("{:<8} {}\n", "total", describe_counts(&total)));
    out.push_str(&format!(
        "skipped  {} source files (too large, binary or not UTF-8), {} files not source\n",
        report.skipped, not_source
    ));
    out.push_str(&format!(
        "read     {:.3} s wall (git ls-files and reading the files)\n",
        timings.read_wall.as_secs_f64()
    ));
    out.push_str(&format!(
        "setup    {:.3} s wall (grammars and queries)\n",
        timings.setup_wall.as_secs_f64()
    ));
    let cpu = match timings.floor_cpu {
        Some(cpu) => {
            let seconds = cpu.as_secs_f64();
            let rate = if seconds > 0.0 {
                format!(", {:.0} lines per CPU-second", total.lines as f64 / seconds)
            } else {
                String::new()
            };
            format!("{seconds:.3} s CPU{rate}")
        }
        None => "CPU time unavailable (no /proc/thread-self/schedstat)".to_owned(),
    };
    out.push_str(&format!(
        "floor    {:.3} s wall, {cpu}\n",
        timings.floor_wall.as_secs_f64()
    ));
    out
}

fn describe_counts(counts: &FloorCounts) -> String {
    format!(
        "{} files, {} bytes, {} lines, {} matches, {} captures, {} parse failures",
        counts.files,
        counts.bytes,
        counts.lines,
        counts.matches,
        counts.captures,
        counts.parse_failures
    )
}

/// Renders one JSON object. Only numbers, language names and the repository
/// path appear, and the path is escaped.
fn render_json(repo: &Path, report: &FloorReport, not_source: u64, timings: &Timings) -> String {
    let languages: Vec<String> = report
        .per_lang
        .iter()
        .map(|(lang, counts)| format!("\"{}\":{}", lang.name(), counts_json(counts)))
        .collect();
    let floor_cpu = timings
        .floor_cpu
        .map_or("null".to_owned(), |cpu| format!("{:.6}", cpu.as_secs_f64()));
    format!(
        "{{\"repo\":{},\"languages\":{{{}}},\"total\":{},\"skipped\":{},\"not_source\":{},\
         \"read_wall_seconds\":{:.6},\"setup_wall_seconds\":{:.6},\
         \"floor_wall_seconds\":{:.6},\"floor_cpu_seconds\":{}}}\n",
        json_string(&repo.display().to_string()),
        languages.join(","),
        counts_json(&report.total()),
        report.skipped,
        not_source,
        timings.read_wall.as_secs_f64(),
        timings.setup_wall.as_secs_f64(),
        timings.floor_wall.as_secs_f64(),
        floor_cpu,
    )
}

fn counts_json(counts: &FloorCounts) -> String {
    format!(
        "{{\"files\":{},\"bytes\":{},\"lines\":{},\"matches\":{},\"captures\":{},\"parse_failures\":{}}}",
        counts.files,
        counts.bytes,
        counts.lines,
        counts.matches,
        counts.captures,
        counts.parse_failures
    )
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[expect(clippy::print_stdout, reason = "the binary prints its measurements")]
fn print_output(text: &str) {
    print!("{text}");
}

#[expect(clippy::print_stderr, reason = "the binary reports errors on stderr")]
fn report_error(message: &str) {
    eprintln!("blast-floor: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn parse_args_defaults() {
        let args = parse(&[]).unwrap().unwrap();
        assert_eq!(args.repo, PathBuf::from("."));
        assert!(!args.json);
        assert_eq!(
            args.max_file_bytes,
            ExtractOptions::default().max_file_bytes
        );
    }

    #[test]
    fn parse_args_all_options() {
        let args = parse(&["--json", "--max-file-size", "1000", "/tmp/repo"])
            .unwrap()
            .unwrap();
        assert!(args.json);
        assert_eq!(args.max_file_bytes, 1000);
        assert_eq!(args.repo, PathBuf::from("/tmp/repo"));
    }

    #[test]
    fn parse_args_rejects_bad_input() {
        assert!(parse(&["--help"]).unwrap().is_none());
        let missing = parse(&["--max-file-size"]).err().unwrap();
        assert!(missing.contains("requires"), "{missing}");
        let invalid = parse(&["--max-file-size", "lots"]).err().unwrap();
        assert!(invalid.contains("\"lots\""), "{invalid}");
        let unknown = parse(&["--fast"]).err().unwrap();
        assert!(unknown.contains("--fast"), "{unknown}");
        let extra = parse(&["a", "b"]).err().unwrap();
        assert!(extra.contains("only one REPO"), "{extra}");
    }

    #[test]
    fn json_string_escapes() {
        assert_eq!(json_string("plain"), "\"plain\"");
        assert_eq!(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(json_string("tab\there"), "\"tab\\u0009here\"");
    }

    #[test]
    fn render_json_fields() {
        let mut report = FloorReport::default();
        report.per_lang.push((
            Lang::Java,
            FloorCounts {
                files: 2,
                bytes: 30,
                lines: 4,
                matches: 5,
                captures: 9,
                parse_failures: 0,
            },
        ));
        let timings = Timings {
            read_wall: Duration::from_millis(1),
            setup_wall: Duration::from_millis(2),
            floor_wall: Duration::from_millis(3),
            floor_cpu: None,
        };
        let json = render_json(Path::new("repo"), &report, 7, &timings);
        assert!(json.starts_with("{\"repo\":\"repo\",\"languages\":{\"java\":{\"files\":2,"));
        assert!(json.contains("\"total\":{\"files\":2,\"bytes\":30,\"lines\":4,"));
        assert!(json.contains("\"not_source\":7,"));
        assert!(json.contains("\"floor_cpu_seconds\":null}"));
    }
}
