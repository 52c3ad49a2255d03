//! A minimal `log` backend: messages go to stderr, never stdout, so they
//! cannot corrupt JSON or SARIF output.

use std::io::Write;

struct StderrLogger {
    level: log::LevelFilter,
}

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= self.level
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            // The same word as the text report's `warning:` lines.
            let level = match record.level() {
                log::Level::Warn => "warning".to_owned(),
                other => other.as_str().to_ascii_lowercase(),
            };
            let _ = writeln!(
                std::io::stderr().lock(),
                "blast: {level}: {}",
                record.args()
            );
        }
    }

    fn flush(&self) {}
}

/// Installs the logger: warnings by default, info with `-v`, debug with
/// `-vv`, trace with `-vvv`.
pub(crate) fn init(verbosity: u8) {
    let level = match verbosity {
        0 => log::LevelFilter::Warn,
        1 => log::LevelFilter::Info,
        2 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    let logger = Box::leak(Box::new(StderrLogger { level }));
    if log::set_logger(logger).is_ok() {
        log::set_max_level(level);
    }
}
