//! Command-line arguments, with clap's derive API.

use std::path::PathBuf;
use std::time::Duration;

use blast_score::{DEFAULT_MAX_TOTAL_EDGES, DEFAULT_MIN_WEIGHT, Level};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Scores a git diff for blast radius: which symbols it changes and what
/// depends on them, across files.
#[derive(Debug, Parser)]
#[command(name = "blast", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Run on the repository that contains this folder instead of the current one; paths
    /// after `--` start at this folder.
    #[arg(short = 'C', long = "repo", global = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,

    /// Worker threads for parsing and searching (one per core by default or with 0).
    #[arg(short = 'j', long = "threads", global = true, value_name = "N", value_parser = parse_count, allow_negative_numbers = true)]
    pub threads: Option<usize>,

    /// Log decisions to stderr; repeat for more detail.
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Read the policy from this file instead of blast.toml at the repository root.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Neither read nor write the cache of parsed files (kept in BLAST_CACHE_DIR, else XDG_CACHE_HOME/blast, else ~/.cache/blast).
    #[arg(long, global = true)]
    pub no_cache: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Analyse a diff: changed symbols, their dependents and a score.
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),
    /// Print the repository's dependency graph.
    Graph(GraphArgs),
    /// Print the tests to run for a diff, one per line (pytest node ids for Python).
    Tests(TestsArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TestsArgs {
    /// Revisions to compare, as for `blast diff`.
    #[arg(value_name = "REV", num_args = 0..=2)]
    pub revisions: Vec<String>,

    /// Report only the changes to files at or under these paths (after `--`,
    /// as with git diff): relative to the current folder, or to DIR with -C.
    #[arg(last = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Compare HEAD with the index instead of the work tree.
    #[arg(long)]
    pub staged: bool,

    /// Read the diff from a unified diff file ('-' for standard input).
    #[arg(long, value_name = "FILE")]
    pub patch: Option<String>,

    /// Compare what the GitHub Actions event changes: a pull request's merge base with its head, or a push's before and after (the default in Actions when no revision is given).
    #[arg(long)]
    pub github: bool,

    /// Also list tests that only possibly reach a change (through a call on an unknown receiver).
    #[arg(long)]
    pub include_possible: bool,

    /// Write the list to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Limits of one analysis. A run that reaches one still finishes, and its
/// report names the limit and marks the result as a lower bound.
#[derive(Debug, Args)]
pub(crate) struct LimitArgs {
    /// Skip source files larger than this size in bytes (they are counted in the report).
    /// Suffixes K, M and G multiply by powers of 1024 (512K, 4MiB).
    #[arg(long = "max-file-size", value_name = "BYTES", default_value = "2M", value_parser = parse_size, allow_negative_numbers = true)]
    pub max_file_bytes: usize,

    /// Skip a source file whose parsing and queries take longer than this many seconds.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds, allow_negative_numbers = true)]
    pub parse_timeout: Duration,

    /// Stop the search for dependents of one changed symbol after this many (at least 1);
    /// the report marks it.
    #[arg(long, value_name = "N", default_value_t = 50_000, value_parser = parse_limit::<usize>, allow_negative_numbers = true)]
    pub max_dependents: usize,

    /// Stop the searches for dependents after examining this many graph edges over all
    /// changed symbols (at least 1); the report marks the symbols it cut short.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_TOTAL_EDGES, value_parser = parse_limit::<u64>, allow_negative_numbers = true)]
    pub max_total_edges: u64,

    /// Leave out possible dependents whose path weight (the product of 1/n over the calls by
    /// name on the path, n being the definitions of the name) is below this, from 0 to 1;
    /// 0 keeps them all.
    #[arg(long, value_name = "WEIGHT", default_value_t = DEFAULT_MIN_WEIGHT, value_parser = parse_weight, allow_negative_numbers = true)]
    pub min_weight: f64,
}

const DIFF_HELP: &str = "\
Revisions:
  blast diff               HEAD against the work tree: staged, unstaged and untracked (not ignored) files
  blast diff REV           REV against the work tree (tracked files only, like git diff REV)
  blast diff A B, A..B     A against B, tip to tip
  blast diff A...B         the merge base of A and B against B (what a pull request changes)
  blast diff REV^!         REV's first parent against REV
  blast diff --staged      HEAD against the index (the empty tree before the first commit)
  blast diff --patch FILE  a unified diff applied to the work tree's files ('-' reads stdin)
  blast diff REV -- PATH   only the changes to files at or under PATH (from the current folder, as in git)

Policy: blast.toml at the repository root (or --config FILE) sets ignored paths, source roots,
test patterns, thresholds, criticality tiers and provenance rules; see the README.

Exit codes: 0 ok, 1 --fail-on reached, 2 invalid request (arguments, revision, missing or
invalid patch, configuration or event file), 3 history missing from a shallow clone, 4 git or
I/O failure (reading an existing --patch file included).";

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// Revisions to compare: none, REV, A B, A..B, A...B or REV^!.
    #[arg(value_name = "REV", num_args = 0..=2)]
    pub revisions: Vec<String>,

    /// Report only the changes to files at or under these paths (after `--`,
    /// as with git diff): relative to the current folder, or to DIR with -C.
    #[arg(last = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Compare HEAD with the index instead of the work tree.
    #[arg(long)]
    pub staged: bool,

    /// Read the diff from a unified diff file ('-' for standard input).
    #[arg(long, value_name = "FILE")]
    pub patch: Option<String>,

    /// Compare what the GitHub Actions event changes: a pull request's merge base with its head, or a push's before and after (the default in Actions when no revision is given).
    #[arg(long)]
    pub github: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, ignore_case = true, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Write the output to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with code 1 when the diff's total level reaches this level (default: the policy's).
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub fail_on: Option<Level>,

    /// Dependents listed per changed symbol in the text, Markdown, DOT and Mermaid output.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = parse_count, allow_negative_numbers = true)]
    pub show: usize,

    #[command(flatten)]
    pub limits: LimitArgs,

    /// Parse every file instead of only those that can depend on the change
    /// (slower; the result is the same).
    #[arg(long)]
    pub full_graph: bool,

    /// Analyse files that .gitattributes marks linguist-vendored or linguist-generated
    /// (left out and listed by default).
    #[arg(long)]
    pub include_vendored: bool,

    /// SARIF: changed symbols below this level get no result (default: the policy's, else low).
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub sarif_level: Option<Level>,

    /// SARIF: the run's category, so several analyses of one commit can be uploaded.
    #[arg(long, value_name = "ID", default_value = "blast/")]
    pub sarif_category: String,
}

#[derive(Debug, Args)]
pub(crate) struct GraphArgs {
    /// Revision to read (default: the work tree, including untracked files that are not ignored).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, ignore_case = true, default_value_t = GraphFormatArg::Tsv)]
    pub format: GraphFormatArg,

    /// Symbol edges, or each pair of files once.
    #[arg(long, value_enum, ignore_case = true, default_value_t = GraphLevelArg::Symbol)]
    pub level: GraphLevelArg,

    /// Write the output to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Skip source files larger than this size in bytes. Suffixes K, M and G multiply by
    /// powers of 1024 (512K, 4MiB).
    #[arg(long = "max-file-size", value_name = "BYTES", default_value = "2M", value_parser = parse_size, allow_negative_numbers = true)]
    pub max_file_bytes: usize,

    /// Skip a source file whose parsing and queries take longer than this many seconds.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds, allow_negative_numbers = true)]
    pub parse_timeout: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    Text,
    Json,
    Sarif,
    /// A summary for a pull-request comment.
    Markdown,
    /// The blast radius as a Graphviz graph.
    Dot,
    /// The blast radius as a Mermaid flowchart.
    Mermaid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormatArg {
    Tsv,
    Json,
    Dot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphLevelArg {
    Symbol,
    File,
}

/// Reads a size in bytes: a whole number of at least 1 with an optional
/// suffix K, M or G (any case, optionally followed by `B` or `iB`), each a
/// power of 1024.
fn parse_size(text: &str) -> Result<usize, String> {
    let invalid = || {
        "expected a whole number of bytes, at least 1, with an optional suffix K, M or G \
         (powers of 1024), such as 500000, 512K or 4MiB"
            .to_owned()
    };
    let lower = text.trim().to_ascii_lowercase();
    let number = lower
        .strip_suffix("ib")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let (digits, multiplier) = match number.as_bytes().last() {
        Some(b'k') => (&number[..number.len() - 1], 1 << 10),
        Some(b'm') => (&number[..number.len() - 1], 1 << 20),
        Some(b'g') => (&number[..number.len() - 1], 1 << 30),
        _ => (number, 1),
    };
    // `iB` needs a unit before it: `10iB` is not a size.
    if multiplier == 1 && lower.ends_with("ib") {
        return Err(invalid());
    }
    let count: usize = digits.trim().parse().map_err(|_| invalid())?;
    let bytes = count
        .checked_mul(multiplier)
        .ok_or_else(|| format!("the size is too large, the maximum is {} bytes", usize::MAX))?;
    if bytes == 0 {
        return Err(invalid());
    }
    Ok(bytes)
}

/// Reads a whole number, 0 included.
fn parse_count(text: &str) -> Result<usize, String> {
    text.trim()
        .parse()
        .map_err(|_| "expected a whole number, 0 or more".to_owned())
}

/// Reads an analysis limit, a whole number of at least 1. A limit of 0
/// would stop every search before it starts.
fn parse_limit<T>(text: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialEq + From<u8>,
{
    let invalid = || {
        "expected a whole number of at least 1 (the limit cannot be turned off, \
         so pass a larger number to search further)"
            .to_owned()
    };
    let value: T = text.trim().parse().map_err(|_| invalid())?;
    if value == T::from(0) {
        return Err(invalid());
    }
    Ok(value)
}

/// Reads a positive number of seconds, fractions allowed, up to a day.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let invalid =
        || format!("invalid number of seconds '{text}': expected a number from 0.001 to 86400");
    let seconds: f64 = text.trim().parse().map_err(|_| invalid())?;
    if !(0.001..=86_400.0).contains(&seconds) {
        return Err(invalid());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Reads a path weight, a number from 0 to 1.
fn parse_weight(text: &str) -> Result<f64, String> {
    let invalid = || format!("invalid weight '{text}': expected a number from 0 to 1");
    let weight: f64 = text.trim().parse().map_err(|_| invalid())?;
    if !(0.0..=1.0).contains(&weight) {
        return Err(invalid());
    }
    Ok(weight)
}

fn parse_level(text: &str) -> Result<Level, String> {
    Level::parse(&text.to_ascii_lowercase()).ok_or_else(|| {
        format!("invalid level '{text}': expected none, low, medium, high or critical")
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_count, parse_limit, parse_size, parse_weight};

    #[test]
    fn size_suffixes_are_powers_of_1024() {
        let cases = [
            ("512", 512),
            ("512B", 512),
            ("10k", 10 << 10),
            ("10K", 10 << 10),
            ("10KB", 10 << 10),
            ("10kib", 10 << 10),
            ("4MiB", 4 << 20),
            ("2m", 2 << 20),
            ("1G", 1 << 30),
            (" 3 M ", 3 << 20),
        ];
        for (text, bytes) in cases {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
    }

    #[test]
    fn size_rejects_invalid_forms() {
        for text in ["", "0", "0K", "k", "10x", "10iB", "1.5M", "-1", "10 KB B"] {
            let error = parse_size(text).unwrap_err();
            assert!(error.contains("K, M or G"), "{text}: {error}");
        }
        let overflow = parse_size("99999999999999999G").unwrap_err();
        assert!(overflow.contains("too large"), "{overflow}");
    }

    #[test]
    fn limit_rejects_zero() {
        assert_eq!(parse_limit::<usize>("1"), Ok(1));
        assert_eq!(parse_limit::<u64>("20000000"), Ok(20_000_000));
        let error = parse_limit::<usize>("0").unwrap_err();
        assert!(error.contains("at least 1"), "{error}");
        assert!(parse_limit::<u64>("many").is_err());
    }

    #[test]
    fn weight_is_between_zero_and_one() {
        assert_eq!(parse_weight("0"), Ok(0.0));
        assert_eq!(parse_weight("0.01"), Ok(0.01));
        assert_eq!(parse_weight("1"), Ok(1.0));
        for text in ["-0.1", "1.5", "NaN", "inf", "one", ""] {
            let error = parse_weight(text).unwrap_err();
            assert!(error.contains("from 0 to 1"), "{text}: {error}");
        }
    }

    #[test]
    fn count_accepts_zero() {
        assert_eq!(parse_count("0"), Ok(0));
        assert!(parse_count("ten").unwrap_err().contains("whole number"));
    }
}
