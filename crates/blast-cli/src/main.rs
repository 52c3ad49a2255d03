//! The `blast` command: argument parsing, output files and exit codes around
//! the `blast-score` pipeline and the `blast-report` renderers.

mod args;
mod github;
mod logger;
mod pathspec;

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use blast_diff::{DiffSpec, ExitKind, PatchSource, Repo};
use blast_graph::cache::ExtractionCache;
use blast_report::{GraphFormat, GraphLevel, SarifOptions, TextOptions};
use blast_score::{AnalyzeError, Config, Level, Policy};
use clap::Parser;

use crate::args::{Cli, Command, DiffArgs, GraphArgs, LimitArgs, OutputFormat, TestsArgs};

/// Extraction, the cache and the graph make many small allocations, which
/// mimalloc serves faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit codes of `blast`, documented in the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exit {
    /// The analysis ran and no score reached `--fail-on`.
    Success = 0,
    /// The analysis ran and the diff's score reached `--fail-on`.
    FailOn = 1,
    /// The request cannot be met as given: invalid arguments, no repository,
    /// an unknown revision, an invalid or non-applying patch.
    Usage = 2,
    /// The base revision or the merge base is missing from a shallow clone.
    MissingHistory = 3,
    /// git, the file system or writing the output failed.
    Failure = 4,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            if !err.use_stderr() {
                // --help and --version.
                let _ = err.print();
                return ExitCode::from(Exit::Success as u8);
            }
            match one_line_usage_error(&err) {
                Some(line) => {
                    let _ = writeln!(io::stderr().lock(), "{line}");
                }
                // `blast` alone prints the help, to stderr.
                None => {
                    let _ = err.print();
                }
            }
            return ExitCode::from(Exit::Usage as u8);
        }
    };
    logger::init(cli.verbose);
    if let Some(threads) = cli.threads
        && let Err(err) = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
    {
        log::warn!("could not set the thread count to {threads}: {err}");
    }
    let outcome = match &cli.command {
        Command::Diff(args) => run_diff(&cli, args),
        Command::Graph(args) => run_graph(&cli, args),
        Command::Tests(args) => run_tests(&cli, args),
    };
    match outcome {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(err) => {
            let exit = exit_for(&err);
            report_error(&err);
            ExitCode::from(exit as u8)
        }
    }
}

/// Shortens a command-line error to one line, as every other blast error
/// is: clap's own line, without its tips (a tip can mislead, such as
/// passing `--format` after `--` to a command that has no such option),
/// and a pointer to the command's help.
/// `None` when clap's message is not an error line (the help that `blast`
/// alone prints).
fn one_line_usage_error(err: &clap::Error) -> Option<String> {
    let rendered = err.render().to_string();
    let mut lines = rendered.lines();
    let mut parts = vec![lines.next()?.strip_prefix("error: ")?.to_owned()];
    // Keep the possible values and the spelling suggestions.
    for line in lines.map(str::trim) {
        if line.starts_with("[possible values")
            || (line.starts_with("tip:") && !line.contains("'-- "))
        {
            parts.push(line.to_owned());
        }
    }
    // A path typed after the revisions, as git takes one.
    if parts[0].contains("for '[REV]...'") {
        parts.push("paths go after `--` (blast diff REV -- PATH)".to_owned());
    }
    let first = parts.join("; ");
    let command: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| matches!(arg.as_str(), "diff" | "graph" | "tests"))
        .take(1)
        .collect();
    let help = if command.is_empty() {
        "blast --help".to_owned()
    } else {
        format!("blast {} --help", command[0])
    };
    Some(format!("blast: error: {first}; '{help}' lists the options"))
}

fn run_diff(cli: &Cli, args: &DiffArgs) -> anyhow::Result<Exit> {
    let repo = open_repo(cli)?;
    let spec = diff_spec(
        &args.revisions,
        args.staged,
        args.patch.as_deref(),
        args.github,
    )?;
    let mut config = config(cli, &repo)?;
    apply_limits(&mut config, &args.limits);
    config.fail_on = args.fail_on;
    config.prefilter = !args.full_graph;
    config.exclude_linguist = !args.include_vendored;
    config.paths = repository_paths(cli, &repo, &args.paths)?;
    let report = blast_score::analyze(&repo, &spec, &config)?;
    let rendered = match args.format {
        OutputFormat::Text => blast_report::render_text(
            &report,
            &TextOptions {
                max_dependents: args.show,
            },
        ),
        OutputFormat::Json => blast_report::render_json(&report),
        OutputFormat::Sarif => {
            let options = SarifOptions {
                min_level: args.sarif_level.unwrap_or(config.policy.report_level),
                category: args.sarif_category.clone(),
            };
            // The log lists its own omissions. stderr repeats them for a
            // user who does not open the log.
            for notice in blast_report::sarif_omissions(&report, &options).notices() {
                log::warn!("{notice}");
            }
            blast_report::render_sarif(&report, &options)
        }
        OutputFormat::Markdown => blast_report::render_markdown(&report, args.show),
        OutputFormat::Dot => {
            blast_report::render_radius(&report, blast_report::RadiusFormat::Dot, args.show)
        }
        OutputFormat::Mermaid => {
            blast_report::render_radius(&report, blast_report::RadiusFormat::Mermaid, args.show)
        }
    };
    write_output(args.output.as_deref(), &rendered)?;
    // The text output shows the warnings; other formats and files keep
    // them inside, where a CI log does not show them.
    if args.format != OutputFormat::Text || args.output.is_some() {
        for warning in &report.warnings {
            log::warn!("{warning}");
        }
    }
    let fails = report.fails();
    let level = report.fail_on.unwrap_or(Level::None);
    let tool_assisted = report.tool_assisted;
    let total = (report.total.level, report.total.value);
    // A far-reaching diff's report lists hundreds of thousands of
    // dependents, which need not be freed before the process exits.
    blast_score::drop_in_background(report);
    if !fails {
        return Ok(Exit::Success);
    }
    let requested = config.fail_on.or(config.policy.fail_on);
    let why = if tool_assisted && requested != Some(level) {
        " (the stricter [provenance] fail_on of the policy file, for tool-assisted commits)"
    } else {
        ""
    };
    // The reason for the exit code, not a warning: printed at every -v level.
    let _ = writeln!(
        io::stderr().lock(),
        "blast: the diff's total level {} ({}) reaches the fail-on level {}{why}: exit code 1",
        total.0.name(),
        total.1,
        level.name()
    );
    Ok(Exit::FailOn)
}

fn run_tests(cli: &Cli, args: &TestsArgs) -> anyhow::Result<Exit> {
    let repo = open_repo(cli)?;
    let spec = diff_spec(
        &args.revisions,
        args.staged,
        args.patch.as_deref(),
        args.github,
    )?;
    let mut config = config(cli, &repo)?;
    apply_limits(&mut config, &args.limits);
    config.paths = repository_paths(cli, &repo, &args.paths)?;
    let report = blast_score::analyze(&repo, &spec, &config)?;
    // Standard output is for the test runner, so warnings go to stderr.
    for warning in &report.warnings {
        log::warn!("{warning}");
    }
    let mut out = String::new();
    for (test, certain) in report.affected_tests() {
        if !certain && !args.include_possible {
            continue;
        }
        out.push_str(&blast_report::test_id(test));
        out.push('\n');
    }
    let formatting_only =
        !report.changes.is_empty() && report.changes.iter().all(|c| c.whitespace_only);
    if out.is_empty() && formatting_only {
        let _ = writeln!(
            io::stderr().lock(),
            "blast: the changes are to whitespace and comments only, so no test needs to run"
        );
    } else if out.is_empty() {
        // An empty list is a result too, so report it on stderr.
        let _ = writeln!(
            io::stderr().lock(),
            "blast: no test reaches the changes ({} changed {}){}",
            report.changes.len(),
            if report.changes.len() == 1 {
                "symbol"
            } else {
                "symbols"
            },
            if args.include_possible {
                ""
            } else {
                "; --include-possible adds tests that only possibly do"
            }
        );
    }
    write_output(args.output.as_deref(), &out)?;
    Ok(Exit::Success)
}

fn run_graph(cli: &Cli, args: &GraphArgs) -> anyhow::Result<Exit> {
    let repo = open_repo(cli)?;
    let mut config = config(cli, &repo)?;
    config.extract.max_file_bytes = args.max_file_bytes;
    config.extract.parse_timeout = args.parse_timeout;
    let graph = blast_score::load_graph(&repo, args.rev.as_deref(), &config)?;
    let format = match args.format {
        args::GraphFormatArg::Tsv => GraphFormat::Tsv,
        args::GraphFormatArg::Json => GraphFormat::Json,
        args::GraphFormatArg::Dot => GraphFormat::Dot,
    };
    let level = match args.level {
        args::GraphLevelArg::Symbol => GraphLevel::Symbol,
        args::GraphLevelArg::File => GraphLevel::File,
    };
    // The graph of a large repository is hundreds of MB of text: write it
    // as it is rendered instead of holding it in memory.
    let written = match args.output.as_deref() {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut out = io::BufWriter::new(file);
                blast_report::write_graph(&graph, format, level, &mut out)?;
                out.flush()
            })
            .with_context(|| format!("failed to write the output file {}", path.display())),
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            match blast_report::write_graph(&graph, format, level, &mut out)
                .and_then(|()| out.flush())
            {
                Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("failed to write to standard output"),
            }
        }
    };
    written?;
    if !graph.stats.files_skipped.is_empty() {
        let count = graph.stats.files_skipped.len();
        let files = if count == 1 { "file was" } else { "files were" };
        log::warn!(
            "{count} {files} skipped (binary, not UTF-8, too large or unparsable); run with -v for the list"
        );
        for (path, reason) in &graph.stats.files_skipped {
            log::info!("skipped {path}: {}", reason.name());
        }
    }
    blast_score::drop_in_background(graph);
    Ok(Exit::Success)
}

fn open_repo(cli: &Cli) -> anyhow::Result<Repo> {
    let start = cli.repo.as_deref().unwrap_or(Path::new("."));
    if !start.is_dir() {
        return Err(UsageError(format!(
            "{} is not a folder; -C takes a folder inside a git work tree",
            start.display()
        ))
        .into());
    }
    Ok(Repo::discover(start)?)
}

fn diff_spec(
    revisions: &[String],
    staged: bool,
    patch: Option<&str>,
    github: bool,
) -> anyhow::Result<DiffSpec> {
    let var = |name: &str| std::env::var(name).ok();
    let nothing_given = revisions.is_empty() && !staged && patch.is_none();
    if github {
        if !nothing_given {
            return Err(UsageError(
                "--github cannot be combined with revisions, --staged or --patch: the event names the commits".to_owned(),
            )
            .into());
        }
        return Ok(github::event_spec(&var).map_err(UsageError)?);
    }
    if nothing_given && github::detected(&var) {
        let spec = github::event_spec(&var).map_err(UsageError)?;
        log::info!(
            "GitHub Actions: comparing what the event changes ({spec:?}); pass revisions to compare others"
        );
        return Ok(spec);
    }
    if let Some(patch) = patch {
        if !revisions.is_empty() || staged {
            return Err(UsageError(
                "--patch cannot be combined with revisions or --staged: the patch applies to the work tree".to_owned(),
            )
            .into());
        }
        let source = if patch == "-" {
            let mut bytes = Vec::new();
            io::stdin()
                .read_to_end(&mut bytes)
                .context("failed to read the patch from standard input")?;
            PatchSource::Bytes(bytes)
        } else if !Path::new(patch).is_file() {
            let problem = if Path::new(patch).is_dir() {
                "is a folder"
            } else {
                "not found"
            };
            return Err(UsageError(format!(
                "patch file '{patch}' {problem}: give the path of a unified diff, or '-' to read \
                 it from standard input"
            ))
            .into());
        } else {
            PatchSource::File(patch.into())
        };
        return Ok(DiffSpec::Patch { source });
    }
    Ok(DiffSpec::parse_args(revisions, staged)?)
}

/// Converts the paths after `--` to paths from the repository root. As in
/// git, a relative path starts at the current folder, or at the folder of
/// `-C`.
fn repository_paths(cli: &Cli, repo: &Repo, paths: &[String]) -> anyhow::Result<Vec<String>> {
    let (base, base_name) = match cli.repo.as_deref() {
        Some(folder) => (folder, "the -C folder"),
        None => (Path::new("."), "the current folder"),
    };
    Ok(pathspec::repository_paths(paths, base, repo.root(), base_name).map_err(UsageError)?)
}

/// Sets the analysis limits from the command line.
fn apply_limits(config: &mut Config, limits: &LimitArgs) {
    config.extract.max_file_bytes = limits.max_file_bytes;
    config.extract.parse_timeout = limits.parse_timeout;
    config.max_dependents = limits.max_dependents;
    config.max_total_edges = limits.max_total_edges;
    config.min_weight = limits.min_weight;
}

/// The analysis settings with their default limits and the policy from
/// `--config` or `blast.toml` at the repository root.
fn config(cli: &Cli, repo: &Repo) -> anyhow::Result<Config> {
    let mut config = Config::default();
    if !cli.no_cache {
        config.cache = open_cache();
    }
    let (path, required) = match &cli.config {
        Some(path) => (path.clone(), true),
        None => (repo.root().join("blast.toml"), false),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            config.policy = Policy::parse(&text, &path.display().to_string())
                .map_err(|err| UsageError(err.to_string()))?;
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound && !required => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(UsageError(format!(
                "the configuration file {} given with --config does not exist; check the path (relative paths start at the current folder)",
                path.display()
            ))
            .into());
        }
        Err(err) => {
            return Err(UsageError(format!(
                "failed to read the configuration {}: {err}",
                path.display()
            ))
            .into());
        }
    }
    Ok(config)
}

/// Opens the extraction cache. A cache that cannot be opened costs speed,
/// not results: the run goes on without it and logs why at `-v`.
fn open_cache() -> Option<std::sync::Arc<ExtractionCache>> {
    let root = ExtractionCache::default_root()?;
    let limit = match std::env::var("BLAST_CACHE_LIMIT_MB") {
        Ok(value) => match value.trim().parse::<u64>() {
            Ok(mb) => mb.saturating_mul(1024 * 1024),
            Err(_) => {
                log::warn!(
                    "BLAST_CACHE_LIMIT_MB={value:?} is not a whole number of MiB; using the default of {} MiB",
                    blast_graph::cache::DEFAULT_MAX_BYTES / (1024 * 1024)
                );
                blast_graph::cache::DEFAULT_MAX_BYTES
            }
        },
        Err(_) => blast_graph::cache::DEFAULT_MAX_BYTES,
    };
    match ExtractionCache::open(&root, limit) {
        Ok(cache) => Some(std::sync::Arc::new(cache)),
        Err(err) => {
            log::info!(
                "no cache: could not create {}: {err} (set BLAST_CACHE_DIR to a writable folder)",
                root.display()
            );
            None
        }
    }
}

/// A request that cannot be met as given (exit code 2).
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Writes to the file named by `-o`, or to standard output. A closed pipe
/// (`blast diff | head`) is not an error.
fn write_output(path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    if let Some(path) = path {
        std::fs::write(path, text)
            .with_context(|| format!("failed to write the output file {}", path.display()))?;
        return Ok(());
    }
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("failed to write to standard output"),
    }
}

fn exit_for(err: &anyhow::Error) -> Exit {
    let diff_error = err.downcast_ref::<blast_diff::Error>().or_else(|| {
        match err.downcast_ref::<AnalyzeError>() {
            Some(AnalyzeError::Diff(inner)) => Some(inner),
            None => None,
        }
    });
    match diff_error.map(blast_diff::Error::exit_kind) {
        Some(ExitKind::Usage) => Exit::Usage,
        Some(ExitKind::MissingHistory) => Exit::MissingHistory,
        Some(ExitKind::Failure) => Exit::Failure,
        None if err.downcast_ref::<UsageError>().is_some() => Exit::Usage,
        None => Exit::Failure,
    }
}

#[expect(clippy::print_stderr, reason = "the binary reports errors on stderr")]
fn report_error(err: &anyhow::Error) {
    let mut message = format!("blast: error: {err}");
    for cause in err.chain().skip(1) {
        // Errors that already include their cause's text would repeat it.
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    eprintln!("{message}");
}
