//! `blast-fuzz`: runs the fuzz targets for a time or iteration budget, or
//! replays crash files.
//!
//! Each target runs in a child process of this binary, so that a crash that
//! kills the process (a stack overflow aborts, it does not panic) is still
//! caught: the child writes every input to an in-flight file before running
//! it, and when the child dies, the parent keeps that file as the crash.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use blast_fuzz::{Config, Crash, Input, Target, TargetReport, fuzz_target, replay, target_of_file};
use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    name = "blast-fuzz",
    about = "Fuzzes blast's diff parser, patch application, extractors and graph builder"
)]
struct Args {
    /// Target to fuzz: diff, patch, a language name (python, rust, java), graph, or all.
    #[arg(long, default_value = "all")]
    target: String,

    /// Seconds per target; with --target all, each target gets this much.
    #[arg(long)]
    seconds: Option<u64>,

    /// Inputs per target, the unmutated seeds included.
    #[arg(long)]
    iterations: Option<u64>,

    /// Seed of the random number generator (default: the current time, printed).
    #[arg(long)]
    seed: Option<u64>,

    /// Time limit for one input, in milliseconds.
    #[arg(long, default_value_t = 5000)]
    timeout_ms: u64,

    /// Maximum size of one generated file, in bytes.
    #[arg(long, default_value_t = 64 * 1024)]
    max_len: usize,

    /// Folder of seed files, one subfolder per target (default: fuzz/corpus of the repository).
    #[arg(long)]
    corpus: Option<PathBuf>,

    /// Folder that crashing inputs are written to.
    #[arg(long, default_value = "fuzz-crashes")]
    crashes: PathBuf,

    /// Replay these crash or regression files (named `<target>-...`) instead of fuzzing.
    #[arg(long, num_args = 1..)]
    replay: Vec<PathBuf>,

    /// Run the targets in this process rather than in child processes;
    /// a stack overflow then ends the run without saving its input.
    #[arg(long)]
    in_process: bool,

    /// Internal: the child process of one target; the value is the in-flight file.
    #[arg(long, hide = true)]
    child: Option<PathBuf>,
}

/// Exit codes: 0 no crash, 1 crashes found, 2 invalid arguments, 4 the
/// fuzzer itself failed (files, processes).
const EXIT_CRASHES: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_FAILURE: u8 = 4;

fn main() -> ExitCode {
    let args = Args::parse();
    if !args.replay.is_empty() {
        return replay_files(&args);
    }
    if args.seconds.is_none() && args.iterations.is_none() {
        return usage_error("set a budget with --seconds N or --iterations N");
    }
    let targets = if args.target == "all" {
        Target::all()
    } else {
        match Target::from_name(&args.target) {
            Some(target) => vec![target],
            None => {
                let names: Vec<&str> = Target::all().iter().map(|target| target.name()).collect();
                return usage_error(&format!(
                    "unknown target {:?}; expected all or one of {}",
                    args.target,
                    names.join(", ")
                ));
            }
        }
    };
    let seed = args.seed.unwrap_or_else(time_seed);
    let config = config_of(&args, seed);

    if let Some(in_flight) = &args.child {
        let mut config = config;
        config.in_flight = Some(in_flight.clone());
        return run_in_process(&targets, &config);
    }
    if args.in_process {
        return run_in_process(&targets, &config);
    }
    run_supervised(&args, &targets, &config)
}

fn config_of(args: &Args, seed: u64) -> Config {
    let mut config = Config::new(seed);
    config.iterations = args.iterations;
    config.duration = args.seconds.map(Duration::from_secs);
    config.input_timeout = Duration::from_millis(args.timeout_ms);
    config.max_len = args.max_len;
    if let Some(corpus) = &args.corpus {
        config.corpus_dir = corpus.clone();
    }
    config.crash_dir = args.crashes.clone();
    config
}

fn time_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64)
}

/// Runs every target in this process and prints a summary line per target.
fn run_in_process(targets: &[Target], config: &Config) -> ExitCode {
    let mut crashed = false;
    for &target in targets {
        let mut print_crash = |crash: &Crash| report_crash(crash);
        match fuzz_target(target, config, &mut print_crash) {
            Ok(report) => {
                crashed |= !report.crashes.is_empty();
                report_summary(&report, config.seed);
            }
            Err(err) => {
                report_line(&format!(
                    "blast-fuzz: error: target {}: {err}",
                    target.name()
                ));
                return ExitCode::from(EXIT_FAILURE);
            }
        }
    }
    ExitCode::from(if crashed { EXIT_CRASHES } else { 0 })
}

/// Runs each target in a child process and keeps the in-flight input of a
/// child that dies.
fn run_supervised(args: &Args, targets: &[Target], config: &Config) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => {
            report_line(&format!(
                "blast-fuzz: error: failed to find this program's path: {err}"
            ));
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    if let Err(err) = std::fs::create_dir_all(&config.crash_dir) {
        report_line(&format!(
            "blast-fuzz: error: failed to create {}: {err}",
            config.crash_dir.display()
        ));
        return ExitCode::from(EXIT_FAILURE);
    }
    let mut worst = 0u8;
    for &target in targets {
        let in_flight = config
            .crash_dir
            .join(format!(".in-flight-{}", target.name()));
        let mut command = Command::new(&exe);
        command
            .arg("--target")
            .arg(target.name())
            .arg("--seed")
            .arg(config.seed.to_string())
            .arg("--timeout-ms")
            .arg(args.timeout_ms.to_string())
            .arg("--max-len")
            .arg(args.max_len.to_string())
            .arg("--crashes")
            .arg(&config.crash_dir)
            .arg("--corpus")
            .arg(&config.corpus_dir)
            .arg("--child")
            .arg(&in_flight);
        if let Some(seconds) = args.seconds {
            command.arg("--seconds").arg(seconds.to_string());
        }
        if let Some(iterations) = args.iterations {
            command.arg("--iterations").arg(iterations.to_string());
        }
        let status = match command.status() {
            Ok(status) => status,
            Err(err) => {
                report_line(&format!(
                    "blast-fuzz: error: failed to start the child process for {}: {err}",
                    target.name()
                ));
                return ExitCode::from(EXIT_FAILURE);
            }
        };
        let code = match status.code() {
            Some(code) => u8::try_from(code).unwrap_or(EXIT_FAILURE),
            None => {
                keep_in_flight(target, &in_flight, &config.crash_dir, config.seed, &status);
                EXIT_CRASHES
            }
        };
        worst = worst.max(code);
        let _ = std::fs::remove_file(&in_flight);
    }
    ExitCode::from(worst)
}

/// Saves the input that was running when a child process died.
fn keep_in_flight(
    target: Target,
    in_flight: &Path,
    crash_dir: &Path,
    seed: u64,
    status: &std::process::ExitStatus,
) {
    let Ok(bytes) = std::fs::read(in_flight) else {
        report_line(&format!(
            "CRASH target={} seed={seed}: the child process died ({status}) before writing an input",
            target.name()
        ));
        return;
    };
    let file = crash_dir.join(format!(
        "{}-{:016x}",
        target.name(),
        blast_fuzz::rng::fnv1a(&bytes)
    ));
    let saved = std::fs::write(&file, &bytes);
    report_line(&format!(
        "CRASH target={} seed={seed}: the process died ({status}; a stack overflow aborts with SIGABRT or SIGSEGV); input {} ({} bytes){}",
        target.name(),
        file.display(),
        bytes.len(),
        match saved {
            Ok(()) => String::new(),
            Err(err) => format!(" could not be written: {err}"),
        }
    ));
}

fn replay_files(args: &Args) -> ExitCode {
    let config = config_of(args, 0);
    let mut failed = false;
    for path in &args.replay {
        let Some(target) = target_of_file(path) else {
            return usage_error(&format!(
                "cannot tell the target of {}: the file name must start with `<target>-`",
                path.display()
            ));
        };
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                report_line(&format!(
                    "blast-fuzz: error: failed to read {}: {err}",
                    path.display()
                ));
                return ExitCode::from(EXIT_FAILURE);
            }
        };
        let input = match Input::decode(target, &bytes) {
            Ok(input) => input,
            Err(message) => return usage_error(&format!("{}: {message}", path.display())),
        };
        match replay(target, &input, &config) {
            Ok(Ok(_)) => report_line(&format!("ok {} ({})", path.display(), target.name())),
            Ok(Err(failure)) => {
                failed = true;
                report_line(&format!(
                    "CRASH {} ({}): {failure}",
                    path.display(),
                    target.name()
                ));
            }
            Err(err) => {
                report_line(&format!("blast-fuzz: error: {err}"));
                return ExitCode::from(EXIT_FAILURE);
            }
        }
    }
    ExitCode::from(if failed { EXIT_CRASHES } else { 0 })
}

fn report_crash(crash: &Crash) {
    report_line(&format!(
        "CRASH target={} seed={} iteration={}: {}; input {} ({} bytes, minimized from {})",
        crash.target.name(),
        crash.seed,
        crash.iteration,
        crash.failure,
        crash.file.display(),
        crash.minimized_len,
        crash.original_len
    ));
}

fn report_summary(report: &TargetReport, seed: u64) {
    let seconds = report.elapsed.as_secs_f64();
    report_line(&format!(
        "{}: {} inputs in {:.1} s ({:.0}/s), seed {seed}, {} seeds, {} outcomes, {} learned, {} crashes ({} repeats){}",
        report.target.name(),
        report.iterations,
        seconds,
        report.iterations as f64 / seconds.max(1e-9),
        report.seeds,
        report.outcomes,
        report.learned,
        report.crashes.len(),
        report.repeated_crashes,
        if report.stopped_by_timeout {
            "; stopped: an input timed out"
        } else {
            ""
        }
    ));
}

fn usage_error(message: &str) -> ExitCode {
    report_line(&format!("blast-fuzz: error: {message}"));
    ExitCode::from(EXIT_USAGE)
}

#[expect(
    clippy::print_stdout,
    reason = "the fuzzer reports progress and crashes on stdout"
)]
fn report_line(line: &str) {
    println!("{line}");
}
