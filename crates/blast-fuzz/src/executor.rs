//! Runs target inputs on a worker thread with a time limit, and turns
//! panics into values.
//!
//! The worker thread has a 2 MiB stack, the stack size of rayon's worker
//! threads, where blast extracts files: recursion that fits the 8 MiB main
//! thread but not a worker is found too. A panic hook records every panic
//! during a run, including those that `extract_file` catches itself and
//! turns into [`blast_graph::SkipReason::Panicked`], so that none is missed.
//! An input that runs past the time limit leaves the worker stuck; the
//! executor is then spent and the run stops.
//!
//! The limit is on CPU time, read from `/proc` on Linux, so that a loaded
//! machine (parallel builds, CI) does not turn slow wall-clock progress
//! into false timeouts. [`WALL_LIMIT_FACTOR`] sets the wall-clock cap.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::targets::{Context, Input, Target, execute};

/// Stack size of the worker thread, the same as rayon's default.
const WORKER_STACK_BYTES: usize = 2 * 1024 * 1024;

/// Failure of one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The code under test panicked, or a checked property did not hold.
    Panic {
        message: String,
        /// `file:line:column` of the panic, used to tell crashes apart.
        location: String,
    },
    /// The input ran longer than the per-input time limit.
    Timeout { limit: Duration },
}

impl Failure {
    /// Returns the key that distinguishes crashes: the panic location, or
    /// `timeout`.
    pub fn key(&self) -> String {
        match self {
            Failure::Panic { location, .. } => location.clone(),
            Failure::Timeout { .. } => "timeout".to_owned(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Panic { message, location } => {
                // Messages can quote a whole input; the crash file has it all.
                let shown: String = message.chars().take(MAX_SHOWN_CHARS).collect();
                let more = if shown.len() < message.len() {
                    " [...]"
                } else {
                    ""
                };
                write!(f, "panicked at {location}: {shown}{more}")
            }
            Failure::Timeout { limit } => {
                write!(f, "ran longer than the per-input limit of {limit:?}")
            }
        }
    }
}

/// An input also times out when it runs this many times the limit in wall
/// time, whatever CPU time it used (it may be waiting, or starved).
pub const WALL_LIMIT_FACTOR: u32 = 10;

/// Characters of a panic message that [`Failure`]'s `Display` shows.
const MAX_SHOWN_CHARS: usize = 400;

/// Whether the panic hook records panics (true while an executor lives).
static RECORDING: AtomicBool = AtomicBool::new(false);
/// The panics recorded since the last input started.
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
/// Serializes runs in one process, because the hook and the record are global.
static RUN_LOCK: Mutex<()> = Mutex::new(());

fn install_panic_hook() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !RECORDING.load(Ordering::SeqCst) {
                previous(info);
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic payload that is not a string".to_owned());
            let location = info.location().map_or_else(
                || "unknown location".to_owned(),
                |location| {
                    format!(
                        "{}:{}:{}",
                        location.file(),
                        location.line(),
                        location.column()
                    )
                },
            );
            if let Ok(mut panics) = PANICS.lock() {
                panics.push((message, location));
            }
        }));
    });
}

fn take_recorded_panics() -> Vec<(String, String)> {
    PANICS
        .lock()
        .map(|mut panics| std::mem::take(&mut *panics))
        .unwrap_or_default()
}

struct Job {
    target: Target,
    input: Arc<Input>,
}

/// The result of one input: its outcome signature, or what went wrong.
type Outcome = Result<u64, Failure>;

/// Runs inputs one at a time on a worker thread.
pub struct Executor {
    jobs: Option<Sender<Job>>,
    outcomes: Receiver<Outcome>,
    limit: Duration,
    /// Set after a timeout: the worker is still busy with that input.
    stuck: bool,
    worker: Option<std::thread::JoinHandle<()>>,
    _run: std::sync::MutexGuard<'static, ()>,
}

impl Executor {
    /// Starts the worker thread. `limit` is the per-input time limit.
    ///
    /// # Errors
    ///
    /// Fails when the thread cannot be spawned.
    pub fn new(context: Context, limit: Duration) -> std::io::Result<Executor> {
        let run = RUN_LOCK
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        install_panic_hook();
        take_recorded_panics();
        RECORDING.store(true, Ordering::SeqCst);

        let (job_sender, job_receiver) = mpsc::channel::<Job>();
        let (outcome_sender, outcome_receiver) = mpsc::channel::<Outcome>();
        let worker = std::thread::Builder::new()
            .name("blast-fuzz-worker".to_owned())
            .stack_size(WORKER_STACK_BYTES)
            .spawn(move || {
                while let Ok(job) = job_receiver.recv() {
                    let outcome = run_job(&job, &context);
                    if outcome_sender.send(outcome).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Executor {
            jobs: Some(job_sender),
            outcomes: outcome_receiver,
            limit,
            stuck: false,
            worker: Some(worker),
            _run: run,
        })
    }

    /// Whether an earlier input timed out, so no more can run.
    pub fn is_stuck(&self) -> bool {
        self.stuck
    }

    /// Runs one input and waits at most the time limit for it.
    pub fn run(&mut self, target: Target, input: Arc<Input>) -> Outcome {
        if self.stuck {
            return Err(Failure::Timeout { limit: self.limit });
        }
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(Job { target, input }).is_ok());
        if !sent {
            return Err(Failure::Panic {
                message: "the worker thread is gone".to_owned(),
                location: "blast-fuzz executor".to_owned(),
            });
        }
        let started = Instant::now();
        let started_cpu = process_cpu_time();
        loop {
            match self.outcomes.recv_timeout(self.limit / 4) {
                Ok(outcome) => return outcome,
                Err(RecvTimeoutError::Timeout) => {
                    let wall = started.elapsed();
                    let cpu = match (started_cpu, process_cpu_time()) {
                        (Some(before), Some(now)) => now.saturating_sub(before),
                        _ => wall,
                    };
                    if cpu >= self.limit || wall >= self.limit * WALL_LIMIT_FACTOR {
                        self.stuck = true;
                        return Err(Failure::Timeout { limit: self.limit });
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Failure::Panic {
                        message: "the worker thread ended".to_owned(),
                        location: "blast-fuzz executor".to_owned(),
                    });
                }
            }
        }
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        // Closing the channel ends an idle worker; a stuck one is left to
        // finish on its own. Joining the idle one lets it drop the context,
        // whose temporary work tree would otherwise outlive a process that
        // exits first.
        self.jobs = None;
        if !self.stuck
            && let Some(worker) = self.worker.take()
        {
            let _ = worker.join();
        }
        RECORDING.store(false, Ordering::SeqCst);
    }
}

/// CPU time of this process (all threads) so far, from Linux's
/// `/proc/self/task/*/schedstat`, whose first field is the nanoseconds a
/// thread has run; `None` where that is not available.
fn process_cpu_time() -> Option<Duration> {
    let mut total: u64 = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let Ok(task) = task else {
            continue;
        };
        // A thread can end between the listing and the read.
        let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) else {
            continue;
        };
        total += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

fn run_job(job: &Job, context: &Context) -> Outcome {
    take_recorded_panics();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        execute(job.target, &job.input, context)
    }));
    let panics = take_recorded_panics();
    // The first panic is the cause: later ones (such as the check that
    // sees `SkipReason::Panicked`) are its consequences.
    if let Some((message, location)) = panics.into_iter().next() {
        return Err(Failure::Panic { message, location });
    }
    result.map_err(|_| Failure::Panic {
        message: "a panic that the hook did not record".to_owned(),
        location: "unknown location".to_owned(),
    })
}
