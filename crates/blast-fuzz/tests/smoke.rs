//! A short deterministic fuzzing run of every target, and a replay of every
//! input under `fuzz/regressions/`, as part of `cargo test`.

use std::path::PathBuf;

use blast_fuzz::{Config, Input, Target, fuzz_target, replay, target_of_file};

/// Inputs per target: about 10 to 20 seconds for all targets together in a
/// debug build on two cores.
fn iterations_of(target: Target) -> u64 {
    match target {
        Target::Diff => 4000,
        Target::Patch => 2000,
        Target::Extract(_) => 500,
        Target::Graph => 250,
        Target::Config => 2000,
    }
}

fn test_config(seed: u64) -> Config {
    let mut config = Config::new(seed);
    config.crash_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-crashes");
    // Generous, because a debug build on a loaded CI machine is slow.
    config.input_timeout = std::time::Duration::from_secs(20);
    config.max_len = 16 * 1024;
    config.minimize_attempts = 200;
    config
}

#[test]
fn every_target_survives_a_short_run() {
    let config = test_config(0x0b1a_57f0_22ed);
    let mut failures = Vec::new();
    for target in Target::all() {
        let mut config = config.clone();
        config.iterations = Some(iterations_of(target));
        let report = fuzz_target(target, &config, &mut |_| {})
            .unwrap_or_else(|err| panic!("target {} did not start: {err}", target.name()));
        assert_eq!(
            report.iterations,
            iterations_of(target),
            "{}",
            target.name()
        );
        for crash in &report.crashes {
            failures.push(format!(
                "{} (seed {}, iteration {}): {}; input in {}",
                target.name(),
                crash.seed,
                crash.iteration,
                crash.failure,
                crash.file.display()
            ));
        }
    }
    assert!(failures.is_empty(), "crashes:\n{}", failures.join("\n"));
}

#[test]
fn regressions_replay_cleanly() {
    let dir = blast_fuzz::default_fuzz_dir().join("regressions");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("failed to read {}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && target_of_file(path).is_some())
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );

    let config = test_config(0);
    let mut failures = Vec::new();
    for path in &paths {
        let target = target_of_file(path).unwrap();
        let bytes = std::fs::read(path).unwrap();
        let input = Input::decode(target, &bytes)
            .unwrap_or_else(|message| panic!("{}: {message}", path.display()));
        let outcome = replay(target, &input, &config).unwrap();
        if let Err(failure) = outcome {
            failures.push(format!("{}: {failure}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "regressions fail again:\n{}",
        failures.join("\n")
    );
}
