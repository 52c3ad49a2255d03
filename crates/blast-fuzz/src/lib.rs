//! A mutation fuzzer for blast that runs on stable Rust.
//!
//! `cargo fuzz` needs a nightly compiler and libFuzzer's coverage
//! instrumentation, and this crate works without them. It mutates a seed
//! corpus (`fuzz/corpus/<folder>/`) with byte- and line-level mutations and
//! a dictionary of diff and source tokens, and feeds each input to one
//! target ([`Target`]). A crash is a panic, a broken documented property of
//! the result, or an input that runs past the per-input time limit. Instead
//! of coverage, an input whose coarse outcome (see [`targets`]) is new
//! joins the corpus.
//!
//! Crashing inputs are written to the crash folder as `<target>-<hash>`,
//! after a short minimization; `fuzz/README.md` says how to turn one into a
//! regression test.

pub mod executor;
pub mod mutate;
pub mod rng;
pub mod targets;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use blast_graph::Lang;

pub use executor::{Executor, Failure};
pub use targets::{Context, Input, Target};

use crate::rng::{Rng, fnv1a};
use crate::targets::{GRAPH_STEMS, MANIFEST_PATHS, extension_of};

/// Returns the folder of the fuzzing files in the repository, `fuzz/`.
pub fn default_fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Settings of one fuzzing run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Seed of the random number generator; each target derives its own.
    pub seed: u64,
    /// Inputs per target, the seeds included; `None` for no limit.
    pub iterations: Option<u64>,
    /// Time per target; `None` for no limit.
    pub duration: Option<Duration>,
    /// CPU-time limit for one input (see [`executor`] for the wall-clock cap).
    pub input_timeout: Duration,
    /// Maximum input size in bytes, per file.
    pub max_len: usize,
    /// `fuzz/corpus`: one folder of seed files per target or language.
    pub corpus_dir: PathBuf,
    /// Files that the patch target's work tree starts with.
    pub work_tree_dir: PathBuf,
    /// Folder that crashing inputs are written to.
    pub crash_dir: PathBuf,
    /// When set, each input is written here before it runs, so that a
    /// crash that kills the process (a stack overflow) leaves it behind.
    pub in_flight: Option<PathBuf>,
    /// Executions spent on shrinking each new crash.
    pub minimize_attempts: u32,
}

impl Config {
    /// A configuration with the repository's corpus, `fuzz-crashes/` in the
    /// current folder, and no budget: set `iterations` or `duration`.
    pub fn new(seed: u64) -> Config {
        let fuzz_dir = default_fuzz_dir();
        Config {
            seed,
            iterations: None,
            duration: None,
            input_timeout: Duration::from_secs(5),
            max_len: 64 * 1024,
            corpus_dir: fuzz_dir.join("corpus"),
            work_tree_dir: fuzz_dir.join("worktree"),
            crash_dir: PathBuf::from("fuzz-crashes"),
            in_flight: None,
            minimize_attempts: 500,
        }
    }
}

/// A distinct crash found by a run.
#[derive(Clone, Debug)]
pub struct Crash {
    pub target: Target,
    pub seed: u64,
    /// The iteration that found it (0-based, seeds first).
    pub iteration: u64,
    pub failure: Failure,
    /// The input as written to the crash folder, minimized.
    pub file: PathBuf,
    /// Size of the input before and after minimization.
    pub original_len: usize,
    pub minimized_len: usize,
}

/// What a run of one target did.
#[derive(Clone, Debug)]
pub struct TargetReport {
    pub target: Target,
    pub iterations: u64,
    pub elapsed: Duration,
    /// Seed files read from the corpus.
    pub seeds: usize,
    /// Inputs with a new outcome that joined the corpus.
    pub learned: usize,
    /// Distinct outcome signatures seen.
    pub outcomes: usize,
    pub crashes: Vec<Crash>,
    /// Inputs that hit an already reported crash again.
    pub repeated_crashes: u64,
    /// Whether an input ran past the time limit, which ends the run.
    pub stopped_by_timeout: bool,
}

/// Errors that keep a run from starting.
#[derive(Debug)]
pub enum FuzzError {
    /// A seed folder is missing or empty.
    NoSeeds {
        target: &'static str,
        folder: PathBuf,
    },
    Io {
        context: String,
        source: std::io::Error,
    },
}

impl std::fmt::Display for FuzzError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FuzzError::NoSeeds { target, folder } => write!(
                f,
                "no seed files for target {target} in {}; add small real inputs there",
                folder.display()
            ),
            FuzzError::Io { context, source } => write!(f, "{context}: {source}"),
        }
    }
}

impl std::error::Error for FuzzError {}

fn io_error(context: String) -> impl FnOnce(std::io::Error) -> FuzzError {
    move |source| FuzzError::Io { context, source }
}

/// A seed file: the folder it came from and its bytes.
#[derive(Clone, Debug)]
struct Seed {
    folder: String,
    bytes: Vec<u8>,
}

/// Reads the seed files of `target`, sorted by folder and name.
fn load_seeds(target: Target, corpus_dir: &Path) -> Result<Vec<Seed>, FuzzError> {
    let mut seeds = Vec::new();
    for folder in target.seed_folders() {
        let dir = corpus_dir.join(&folder);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|_| FuzzError::NoSeeds {
                target: target.name(),
                folder: dir.clone(),
            })?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_file())
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(FuzzError::NoSeeds {
                target: target.name(),
                folder: dir,
            });
        }
        for path in paths {
            let bytes = std::fs::read(&path)
                .map_err(io_error(format!("failed to read {}", path.display())))?;
            seeds.push(Seed {
                folder: folder.clone(),
                bytes,
            });
        }
    }
    Ok(seeds)
}

/// Fuzzes one target within the budget of `config`. `on_crash` is called
/// for each new distinct crash as soon as it is written.
///
/// # Errors
///
/// Fails when the seeds cannot be read or the work tree or crash folder
/// cannot be created.
pub fn fuzz_target(
    target: Target,
    config: &Config,
    on_crash: &mut dyn FnMut(&Crash),
) -> Result<TargetReport, FuzzError> {
    let seeds = load_seeds(target, &config.corpus_dir)?;
    let context = Context::new(&config.work_tree_dir, config.input_timeout)
        .map_err(io_error("failed to create the patch work tree".to_owned()))?;
    let mut executor = Executor::new(context, config.input_timeout)
        .map_err(io_error("failed to start the worker thread".to_owned()))?;

    // Each target gets its own stream, so `--target X` reproduces what
    // `--target all` did for X with the same seed.
    let target_seed = config.seed ^ fnv1a(target.name().as_bytes());
    let mut rng = Rng::new(target_seed);
    let mut generator = Generator::new(target, &seeds, config.max_len);
    let mut seen_outcomes: BTreeSet<u64> = BTreeSet::new();
    let mut seen_failures: BTreeSet<String> = BTreeSet::new();
    let mut report = TargetReport {
        target,
        iterations: 0,
        elapsed: Duration::ZERO,
        seeds: seeds.len(),
        learned: 0,
        outcomes: 0,
        crashes: Vec::new(),
        repeated_crashes: 0,
        stopped_by_timeout: false,
    };

    let start = Instant::now();
    loop {
        if config
            .iterations
            .is_some_and(|limit| report.iterations >= limit)
            || config
                .duration
                .is_some_and(|limit| start.elapsed() >= limit)
        {
            break;
        }
        let iteration = report.iterations;
        let input = Arc::new(generator.next(iteration as usize, &mut rng));
        report.iterations += 1;
        if let Some(path) = &config.in_flight {
            std::fs::write(path, input.encode(target))
                .map_err(io_error(format!("failed to write {}", path.display())))?;
        }

        match executor.run(target, Arc::clone(&input)) {
            Ok(signature) => {
                if seen_outcomes.insert(signature) && iteration as usize >= seeds.len() {
                    generator.learn(Input::clone(&input));
                    report.learned += 1;
                }
            }
            Err(failure) => {
                if !seen_failures.insert(failure.key()) {
                    report.repeated_crashes += 1;
                    continue;
                }
                let minimized = if matches!(failure, Failure::Panic { .. }) {
                    minimize(
                        &mut executor,
                        target,
                        &input,
                        &failure,
                        config.minimize_attempts,
                    )
                } else {
                    Input::clone(&input)
                };
                let crash = write_crash(config, target, iteration, failure, &input, &minimized)?;
                on_crash(&crash);
                report.crashes.push(crash);
            }
        }
        if executor.is_stuck() {
            report.stopped_by_timeout = true;
            break;
        }
    }
    report.elapsed = start.elapsed();
    report.outcomes = seen_outcomes.len();
    Ok(report)
}

fn write_crash(
    config: &Config,
    target: Target,
    iteration: u64,
    failure: Failure,
    original: &Input,
    minimized: &Input,
) -> Result<Crash, FuzzError> {
    std::fs::create_dir_all(&config.crash_dir).map_err(io_error(format!(
        "failed to create the crash folder {}",
        config.crash_dir.display()
    )))?;
    let bytes = minimized.encode(target);
    let file = config
        .crash_dir
        .join(format!("{}-{:016x}", target.name(), fnv1a(&bytes)));
    std::fs::write(&file, &bytes)
        .map_err(io_error(format!("failed to write {}", file.display())))?;
    Ok(Crash {
        target,
        seed: config.seed,
        iteration,
        failure,
        file,
        original_len: original.encode(target).len(),
        minimized_len: bytes.len(),
    })
}

/// Shrinks a crashing input while it still fails at the same place:
/// removes files (graph inputs), then ever smaller chunks of each file.
fn minimize(
    executor: &mut Executor,
    target: Target,
    input: &Input,
    failure: &Failure,
    max_attempts: u32,
) -> Input {
    let key = failure.key();
    let mut attempts = 0u32;
    let mut best = input.clone();
    let mut still_fails = |candidate: &Input, attempts: &mut u32| -> bool {
        *attempts += 1;
        let outcome = executor.run(target, Arc::new(candidate.clone()));
        matches!(outcome, Err(ref found) if found.key() == key && !executor.is_stuck())
    };

    if best.files.len() > 1 {
        let mut index = 0;
        while index < best.files.len() && attempts < max_attempts {
            let mut candidate = best.clone();
            candidate.files.remove(index);
            if !candidate.files.is_empty() && still_fails(&candidate, &mut attempts) {
                best = candidate;
            } else {
                index += 1;
            }
        }
    }

    for file_index in 0..best.files.len() {
        let mut chunk = best.files[file_index].1.len().div_ceil(2);
        while chunk > 0 && attempts < max_attempts {
            let mut position = 0;
            while position < best.files[file_index].1.len() && attempts < max_attempts {
                let mut candidate = best.clone();
                let bytes = &mut candidate.files[file_index].1;
                let end = (position + chunk).min(bytes.len());
                bytes.drain(position..end);
                if still_fails(&candidate, &mut attempts) {
                    best = candidate;
                } else {
                    position += chunk;
                }
            }
            chunk /= 2;
        }
    }
    best
}

/// Produces the inputs of a run: the seeds first, then mutations of the
/// seeds and of learned inputs.
struct Generator<'a> {
    target: Target,
    seeds: &'a [Seed],
    max_len: usize,
    learned: Vec<Input>,
}

/// Learned inputs kept per run; older ones are replaced at random beyond it.
const MAX_LEARNED: usize = 4096;

impl<'a> Generator<'a> {
    fn new(target: Target, seeds: &'a [Seed], max_len: usize) -> Generator<'a> {
        Generator {
            target,
            seeds,
            max_len,
            learned: Vec::new(),
        }
    }

    fn learn(&mut self, input: Input) {
        if self.learned.len() < MAX_LEARNED {
            self.learned.push(input);
        } else {
            let slot = (fnv1a(&input.encode(self.target)) as usize) % MAX_LEARNED;
            self.learned[slot] = input;
        }
    }

    fn next(&self, iteration: usize, rng: &mut Rng) -> Input {
        if self.target == Target::Graph {
            return self.next_graph(iteration, rng);
        }
        if let Some(seed) = self.seeds.get(iteration) {
            return Input::single_file(seed.bytes.clone());
        }
        let mut bytes = if !self.learned.is_empty() && rng.chance(1, 2) {
            rng.pick(&self.learned).single().to_vec()
        } else {
            rng.pick(self.seeds).bytes.clone()
        };
        let others: Vec<&[u8]> = self
            .seeds
            .iter()
            .map(|seed| seed.bytes.as_slice())
            .collect();
        mutate::mutate(&mut bytes, &others, self.target.tokens(), rng, self.max_len);
        Input::single_file(bytes)
    }

    /// A graph input: the seeds of each folder together first, then one to
    /// four files of any language, each mutated or not, under paths that
    /// make them packages, crate roots, modules or oddly named files.
    fn next_graph(&self, iteration: usize, rng: &mut Rng) -> Input {
        let folders: BTreeSet<&str> = self.seeds.iter().map(|seed| seed.folder.as_str()).collect();
        if let Some(folder) = folders.iter().nth(iteration) {
            let files = self
                .seeds
                .iter()
                .filter(|seed| seed.folder == *folder)
                .enumerate()
                .map(|(index, seed)| (self.seed_path(&seed.folder, index), seed.bytes.clone()))
                .collect();
            return Input { files };
        }

        if !self.learned.is_empty() && rng.chance(1, 2) {
            let mut input = rng.pick(&self.learned).clone();
            let index = rng.below(input.files.len());
            let others: Vec<&[u8]> = self
                .seeds
                .iter()
                .map(|seed| seed.bytes.as_slice())
                .collect();
            mutate::mutate(
                &mut input.files[index].1,
                &others,
                self.target.tokens(),
                rng,
                self.max_len,
            );
            if rng.chance(1, 8) {
                input.files[index].0 =
                    self.random_path(&self.seeds[rng.below(self.seeds.len())].folder, rng);
            }
            return input;
        }

        let count = rng.between(1, 4);
        let mut files = Vec::with_capacity(count);
        for _ in 0..count {
            let seed = rng.pick(self.seeds);
            let mut bytes = seed.bytes.clone();
            if rng.chance(3, 4) {
                let others: Vec<&[u8]> = self
                    .seeds
                    .iter()
                    .filter(|other| other.folder == seed.folder)
                    .map(|other| other.bytes.as_slice())
                    .collect();
                mutate::mutate(&mut bytes, &others, self.target.tokens(), rng, self.max_len);
            }
            // Now and then a file of one language under another's extension.
            let folder = if rng.chance(1, 10) {
                &rng.pick(self.seeds).folder
            } else {
                &seed.folder
            };
            files.push((self.random_path(folder, rng), bytes));
        }
        Input { files }
    }

    /// The path of the `index`-th seed of a folder when all seeds of the
    /// folder form one input: distinct, realistic module paths.
    fn seed_path(&self, folder: &str, index: usize) -> String {
        if folder == "manifest" {
            return MANIFEST_PATHS[index % MANIFEST_PATHS.len()].to_owned();
        }
        let stem = GRAPH_STEMS[index % GRAPH_STEMS.len()];
        format!("{stem}.{}", folder_extension(folder))
    }

    fn random_path(&self, folder: &str, rng: &mut Rng) -> String {
        if folder == "manifest" {
            return (*rng.pick(MANIFEST_PATHS)).to_owned();
        }
        format!("{}.{}", rng.pick(GRAPH_STEMS), folder_extension(folder))
    }
}

/// The extension of files of the language whose seed folder is `folder`.
fn folder_extension(folder: &str) -> &'static str {
    Lang::ALL
        .iter()
        .find(|lang| lang.name() == folder)
        .and_then(|&lang| extension_of(lang))
        .unwrap_or("txt")
}

/// Runs one input once, as a regression test does.
///
/// # Errors
///
/// Fails when the work tree or the worker thread cannot be created.
pub fn replay(
    target: Target,
    input: &Input,
    config: &Config,
) -> Result<Result<u64, Failure>, FuzzError> {
    let context = Context::new(&config.work_tree_dir, config.input_timeout)
        .map_err(io_error("failed to create the patch work tree".to_owned()))?;
    let mut executor = Executor::new(context, config.input_timeout)
        .map_err(io_error("failed to start the worker thread".to_owned()))?;
    Ok(executor.run(target, Arc::new(input.clone())))
}

/// Returns the target that a crash or regression file belongs to, from
/// the file name `<target>-<anything>`.
pub fn target_of_file(path: &Path) -> Option<Target> {
    let name = path.file_name()?.to_str()?;
    let (prefix, _) = name.split_once('-')?;
    Target::from_name(prefix)
}
