//! The review policy: `blast.toml` at the repository root. Every key has a
//! default, so a repository needs no file at all.
//!
//! ```toml
//! [paths]
//! ignore = ["vendor/**", "**/generated/**"]   # never analysed
//!
//! [python]
//! roots = ["lib/python"]                      # source roots, besides detected ones
//!
//! [tests]
//! patterns = ["tests/**", "**/test_*.py"]     # files whose definitions are tests
//!
//! [thresholds]
//! fail_on = "high"                            # the exit code 1 level (no default)
//! report = "low"                              # lowest level that gets a SARIF result
//!
//! [[tiers]]                                   # replaces the default tiers
//! name = "billing"
//! paths = ["billing/**"]                      # globs on repository paths
//! words = ["charge*", "refund*"]              # globs on whole words of paths and names
//! symbols = ["*.billing.*"]                   # globs on lowercased qualified names
//! weight = 2.0
//!
//! [provenance]
//! trailers = ["Co-authored-by: *Copilot*"]    # replaces the default list
//! fail_on = "medium"                          # stricter level for tool-assisted commits
//! ```

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::report::Level;

/// An invalid `blast.toml`, with the place and the reason.
#[derive(Debug, thiserror::Error)]
pub struct PolicyError {
    pub file: String,
    /// 1-based; 0 when the position is unknown.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "invalid configuration {}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "invalid configuration {}, line {}: {}",
                self.file, self.line, self.message
            )
        }
    }
}

/// A set of paths and symbol names that deserve deeper review.
#[derive(Clone, Debug)]
pub struct Tier {
    pub name: String,
    pub weight: f64,
    paths: GlobSet,
    /// Globs on single words of the path and of the qualified name (see
    /// [`words`]), so `lock` matches `acquire_lock` and `RLock` but not
    /// `parse_block`.
    words: GlobSet,
    symbols: GlobSet,
}

impl Tier {
    /// True when the file path, a word of the path or of the qualified
    /// symbol name, or the lowercased qualified name matches.
    pub fn matches(&self, path: &str, symbol: &str) -> bool {
        self.paths.is_match(path)
            || (!self.words.is_empty()
                && words(path)
                    .chain(words(symbol))
                    .any(|word| self.words.is_match(word)))
            || self.symbols.is_match(symbol.to_ascii_lowercase())
    }
}

/// Splits a path or a qualified name into lowercase words. A word ends at
/// every character that is not a letter or digit, between a lowercase and
/// an uppercase letter (`acquireLock`), and between letters and digits
/// (`oauth2`). In a run of capitals followed by a lowercase letter, the last
/// capital starts the next word (`HTTPConnection` is `http`, `connection`).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|part| !part.is_empty())
        .flat_map(split_identifier)
}

fn split_identifier(part: &str) -> Vec<String> {
    let chars: Vec<char> = part.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for idx in 1..chars.len() {
        let (prev, cur) = (chars[idx - 1], chars[idx]);
        let next_is_lower = chars.get(idx + 1).is_some_and(|c| c.is_lowercase());
        let boundary = (prev.is_lowercase() && cur.is_uppercase())
            || (prev.is_uppercase() && cur.is_uppercase() && next_is_lower)
            || (prev.is_alphabetic() != cur.is_alphabetic());
        if boundary {
            out.push(chars[start..idx].iter().collect::<String>().to_lowercase());
            start = idx;
        }
    }
    out.push(chars[start..].iter().collect::<String>().to_lowercase());
    out
}

/// The parsed policy, with defaults filled in.
#[derive(Clone, Debug)]
pub struct Policy {
    pub ignore: GlobSet,
    pub ignore_patterns: Vec<String>,
    pub python_roots: Vec<String>,
    pub test_files: GlobSet,
    /// The patterns of `test_files`, in its order.
    pub test_patterns: Vec<String>,
    /// True when `[tests] patterns` replaces the default test patterns.
    pub tests_configured: bool,
    pub fail_on: Option<Level>,
    pub report_level: Level,
    pub tiers: Vec<Tier>,
    /// `Key: value` patterns; a commit with a matching trailer is
    /// tool-assisted.
    pub trailers: Vec<(String, GlobSet)>,
    pub trailer_patterns: Vec<String>,
    pub provenance_fail_on: Option<Level>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy::from_file(PolicyFile::default(), "defaults")
            .unwrap_or_else(|err| panic!("default policy: {err:?}"))
    }
}

/// Test files by the conventions of the supported languages.
pub(crate) const DEFAULT_TEST_PATTERNS: &[&str] = &[
    "**/tests/**",
    "**/test/**",
    "tests/**",
    "test/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
    "**/src/test/**",
    "**/*Test.java",
    "**/*Tests.java",
    "**/*IT.java",
    "**/benches/**",
];

/// A default tier: path globs, and word globs matched against each word of
/// the path and of the qualified name (see [`words`]).
struct DefaultTier {
    name: &'static str,
    weight: f64,
    paths: &'static [&'static str],
    words: &'static [&'static str],
}

/// Default tiers. They match whole words, not substrings, because names
/// such as `parse_block`, `clock`, `author` and `test_invalid_schema` made
/// substring globs (`*lock*`, `*auth*`, `*schema*`) put unrelated code into
/// tiers on real packages (see `docs/calibration.md`). For the same reason
/// `models.py` is not a database path: most such files hold plain data
/// classes, HTTP messages among them.
const DEFAULT_TIERS: &[DefaultTier] = &[
    DefaultTier {
        name: "auth",
        weight: 2.0,
        paths: &["**/security/**"],
        words: &[
            "auth",
            "authn",
            "authz",
            "authenticat*",
            "authoriz*",
            "unauthoriz*",
            "login*",
            "logout*",
            "password*",
            "passwd",
            "credential*",
            "permission*",
            "oauth*",
            "jwt*",
        ],
    },
    DefaultTier {
        name: "payments",
        weight: 2.0,
        paths: &["**/checkout/**"],
        words: &[
            "payment*", "invoice*", "refund*", "charge", "charges", "billing",
        ],
    },
    DefaultTier {
        name: "database",
        weight: 1.5,
        paths: &[
            "**/migrations/**",
            "**/migration/**",
            "**/db/migrate/**",
            "**/alembic/**",
            "**/*.sql",
        ],
        words: &[
            "migration",
            "migrations",
            "migrate",
            "database",
            "databases",
            "sql",
            "sqlalchemy",
        ],
    },
    DefaultTier {
        name: "api_contract",
        weight: 1.5,
        paths: &[
            "**/*.proto",
            "**/*.graphql",
            "**/*.gql",
            "**/openapi*.*",
            "**/swagger*.*",
        ],
        words: &[
            "api",
            "openapi",
            "swagger",
            "graphql",
            "serializer",
            "serializers",
        ],
    },
    DefaultTier {
        name: "concurrency",
        weight: 1.5,
        paths: &["**/concurrency/**", "**/sync/**"],
        words: &[
            "pool",
            "pools",
            "pooled",
            "pooling",
            "*pool",
            "lock",
            "locks",
            "locked",
            "locking",
            "unlock",
            "rlock",
            "mutex",
            "mutexes",
            "semaphore*",
            "thread",
            "threads",
            "threaded",
            "threading",
            "connection",
            "connections",
            "executor*",
        ],
    },
];

/// Trailers that mark a commit as written with a coding assistant.
const DEFAULT_TRAILERS: &[&str] = &[
    "Co-authored-by: *Claude*",
    "Co-authored-by: *noreply@anthropic.com*",
    "Co-authored-by: *Copilot*",
    "Co-authored-by: *Cursor*",
    "Co-authored-by: *Codex*",
    "Co-authored-by: *ChatGPT*",
    "Co-authored-by: *Gemini*",
    "Co-authored-by: *Devin*",
    "Co-authored-by: *aider*",
    "Assisted-by: *",
    "Generated-by: *",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    paths: PathsSection,
    #[serde(default)]
    python: PythonSection,
    #[serde(default)]
    tests: TestsSection,
    #[serde(default)]
    thresholds: ThresholdsSection,
    tiers: Option<Vec<TierSection>>,
    #[serde(default)]
    provenance: ProvenanceSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PathsSection {
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PythonSection {
    #[serde(default)]
    roots: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestsSection {
    patterns: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsSection {
    fail_on: Option<String>,
    report: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierSection {
    name: String,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    symbols: Vec<String>,
    #[serde(default = "default_weight")]
    weight: f64,
}

fn default_weight() -> f64 {
    1.0
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvenanceSection {
    trailers: Option<Vec<String>>,
    fail_on: Option<String>,
}

impl Policy {
    /// Parses the text of a `blast.toml`. `file` names it in errors.
    ///
    /// # Errors
    ///
    /// Fails on TOML syntax errors, unknown keys, values of the wrong type,
    /// invalid globs and unknown level names, naming the key and the line.
    pub fn parse(text: &str, file: &str) -> Result<Policy, PolicyError> {
        let parsed: PolicyFile = toml::from_str(text).map_err(|err| {
            let span = err.span();
            PolicyError {
                file: file.to_owned(),
                line: span.clone().map_or(0, |span| line_of(text, span.start)),
                message: match span.and_then(|span| text.get(span)) {
                    Some(name) if err.message() == "duplicate key" => duplicate_message(text, name),
                    Some(table) if table.trim_start().starts_with("[tiers]") => format!(
                        "{}: tiers is a list of tables, so write each tier under [[tiers]] (two brackets)",
                        err.message()
                    ),
                    _ => err.message().to_owned(),
                },
            }
        })?;
        Policy::from_file(parsed, file).map_err(|(key, message)| PolicyError {
            file: file.to_owned(),
            line: find_key_line(text, &key),
            message: format!("{key}: {message}"),
        })
    }

    fn from_file(file: PolicyFile, _name: &str) -> Result<Policy, (String, String)> {
        let tests_configured = file.tests.patterns.is_some();
        let test_patterns: Vec<String> = file.tests.patterns.unwrap_or_else(|| {
            DEFAULT_TEST_PATTERNS
                .iter()
                .map(|p| (*p).to_owned())
                .collect()
        });
        let tiers = match file.tiers {
            Some(tiers) => tiers
                .into_iter()
                .map(|t| {
                    if !(t.weight.is_finite() && t.weight >= 0.0) {
                        return Err((
                            "weight".to_owned(),
                            format!(
                                "invalid weight {} for tier {}: expected a number >= 0",
                                t.weight, t.name
                            ),
                        ));
                    }
                    if t.paths.is_empty() && t.words.is_empty() && t.symbols.is_empty() {
                        return Err((
                            "name".to_owned(),
                            format!(
                                "tier {} has no paths, words or symbols, so it matches nothing: add at least one of them",
                                t.name
                            ),
                        ));
                    }
                    Ok(Tier {
                        paths: glob_set(&t.paths, "paths", false)?,
                        words: glob_set(&lowercase(&t.words), "words", true)?,
                        symbols: glob_set(&lowercase(&t.symbols), "symbols", true)?,
                        name: t.name,
                        weight: t.weight,
                    })
                })
                .collect::<Result<Vec<Tier>, _>>()?,
            None => DEFAULT_TIERS
                .iter()
                .map(|tier| -> Result<Tier, (String, String)> {
                    Ok(Tier {
                        name: tier.name.to_owned(),
                        weight: tier.weight,
                        paths: glob_set(&to_strings(tier.paths), "paths", false)?,
                        words: glob_set(&to_strings(tier.words), "words", true)?,
                        symbols: GlobSet::empty(),
                    })
                })
                .collect::<Result<Vec<Tier>, _>>()?,
        };
        let trailer_patterns: Vec<String> = file
            .provenance
            .trailers
            .unwrap_or_else(|| DEFAULT_TRAILERS.iter().map(|p| (*p).to_owned()).collect());
        let mut trailers = Vec::new();
        for pattern in &trailer_patterns {
            let Some((key, value)) = pattern.split_once(':') else {
                return Err((
                    "trailers".to_owned(),
                    format!("invalid trailer pattern {pattern:?}: expected 'Key: value-glob'"),
                ));
            };
            trailers.push((
                key.trim().to_ascii_lowercase(),
                glob_set(&[value.trim().to_ascii_lowercase()], "trailers", true)?,
            ));
        }
        Ok(Policy {
            ignore: glob_set(&file.paths.ignore, "ignore", false)?,
            ignore_patterns: file.paths.ignore,
            python_roots: file.python.roots,
            test_files: glob_set(&test_patterns, "patterns", false)?,
            test_patterns,
            tests_configured,
            fail_on: parse_level(file.thresholds.fail_on.as_deref(), "fail_on")?,
            report_level: parse_level(file.thresholds.report.as_deref(), "report")?
                .unwrap_or(Level::Low),
            tiers,
            trailers,
            trailer_patterns,
            provenance_fail_on: parse_level(file.provenance.fail_on.as_deref(), "fail_on")?,
        })
    }

    /// True when a commit trailer marks the commit as tool-assisted.
    pub fn is_tool_trailer(&self, key: &str, value: &str) -> bool {
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim().to_ascii_lowercase();
        self.trailers
            .iter()
            .any(|(k, glob)| *k == key && glob.is_match(&value))
    }
}

fn parse_level(name: Option<&str>, key: &str) -> Result<Option<Level>, (String, String)> {
    match name {
        None => Ok(None),
        Some(name) => Level::parse(name).map(Some).ok_or_else(|| {
            (
                key.to_owned(),
                format!("invalid level {name:?}: expected none, low, medium, high or critical"),
            )
        }),
    }
}

fn glob_set(
    patterns: &[String],
    key: &str,
    match_anywhere: bool,
) -> Result<GlobSet, (String, String)> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let mut options = globset::GlobBuilder::new(pattern);
        // Symbol and trailer globs match across dots and slashes.
        options.literal_separator(!match_anywhere);
        let glob: Glob = options
            .build()
            .map_err(|err| (key.to_owned(), format!("invalid glob {pattern:?}: {err}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|err| (key.to_owned(), err.to_string()))
}

fn to_strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn lowercase(items: &[String]) -> Vec<String> {
    items.iter().map(|s| s.to_ascii_lowercase()).collect()
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Says what TOML's "duplicate key" means: a table header or a key given
/// twice, and how to mend it.
fn duplicate_message(text: &str, name: &str) -> String {
    let header = format!("[{name}]");
    let first_header = text
        .lines()
        .position(|line| line.trim() == header)
        .map(|idx| idx + 1);
    match first_header {
        Some(first) => format!(
            "table {header} appears a second time (first at line {first}): \
             move its keys into the first {header} and delete this one"
        ),
        None => format!("key `{name}` is set twice in the same table: keep one of them"),
    }
}

/// The first line where `key` is assigned, for errors found after parsing.
fn find_key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| line.trim_start().starts_with(key) && line.contains('='))
        .map_or(0, |idx| idx + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_file() {
        let policy = Policy::parse("", "blast.toml").unwrap();
        assert_eq!(policy.tiers.len(), 5);
        assert!(policy.test_files.is_match("tests/test_api.py"));
        assert!(
            policy
                .test_files
                .is_match("src/test/java/com/acme/FooTest.java")
        );
        assert!(!policy.test_files.is_match("src/acme/api.py"));
        assert!(policy.is_tool_trailer("Co-authored-by", "Claude <noreply@anthropic.com>"));
        assert!(policy.is_tool_trailer("assisted-by", "some tool"));
        assert!(!policy.is_tool_trailer("Co-authored-by", "Jane Doe <jane@example.com>"));
        assert_eq!(policy.report_level, Level::Low);
        assert_eq!(policy.fail_on, None);
    }

    #[test]
    fn tiers_match_paths_and_symbols() {
        let policy = Policy::default();
        let auth = policy.tiers.iter().find(|t| t.name == "auth").unwrap();
        assert!(auth.matches("app/auth/views.py", "app.auth.views.index"));
        assert!(auth.matches("app/users.py", "app.users.check_password"));
        assert!(!auth.matches("app/users.py", "app.users.rename"));
    }

    #[test]
    fn words_split_at_case_digits_and_punctuation() {
        let split = |text: &str| words(text).collect::<Vec<String>>();
        assert_eq!(split("pkg/db_pool.py"), vec!["pkg", "db", "pool", "py"]);
        assert_eq!(
            split("urllib3.HTTPConnectionPool.acquireLock"),
            vec![
                "urllib",
                "3",
                "http",
                "connection",
                "pool",
                "acquire",
                "lock"
            ]
        );
        assert_eq!(
            split("crate::net::<Pool as Drop>::drop"),
            vec!["crate", "net", "pool", "as", "drop", "drop"]
        );
        assert_eq!(split("oauth2"), vec!["oauth", "2"]);
    }

    /// Names from the calibration packages that substring globs put in the
    /// wrong tier, and names that belong in a tier.
    #[test]
    fn default_tiers_match_whole_words() {
        let policy = Policy::default();
        let tiers_of = |path: &str, symbol: &str| -> Vec<&str> {
            policy
                .tiers
                .iter()
                .filter(|t| t.matches(path, symbol))
                .map(|t| t.name.as_str())
                .collect()
        };
        let none: Vec<&str> = Vec::new();
        for (path, symbol) in [
            ("src/jinja2/parser.py", "jinja2.parser.Parser.parse_block"),
            (
                "src/pluggy/_manager.py",
                "pluggy._manager.PluginManager.set_blocked",
            ),
            ("src/rich/clock.py", "rich.clock.Clock.tick"),
            (
                "src/requests/models.py",
                "requests.models.Response.apparent_encoding",
            ),
            (
                "test/test_proxymanager.py",
                "test.test_proxymanager.TestProxy.test_invalid_schema",
            ),
            ("src/attr/_make.py", "attr._make.Attribute.author"),
            ("src/urllib3/util/url.py", "urllib3.util.url.Url.authority"),
            ("src/click/core.py", "click.core.Context.capitalize"),
        ] {
            assert_eq!(tiers_of(path, symbol), none, "{symbol}");
        }
        for (path, symbol, tier) in [
            ("app/users.py", "app.users.check_password", "auth"),
            ("app/auth/views.py", "app.auth.views.index", "auth"),
            (
                "src/requests/auth.py",
                "requests.auth.HTTPDigestAuth.handle_401",
                "auth",
            ),
            ("svc/Login.java", "com.acme.LoginService.logIn()", "auth"),
            ("shop/billing.py", "shop.billing.refund_order", "payments"),
            (
                "app/migrations/0001_initial.py",
                "app.migrations.0001_initial",
                "database",
            ),
            ("src/requests/api.py", "requests.api.get", "api_contract"),
            (
                "src/flask/helpers.py",
                "flask.helpers.locked_cached_property",
                "concurrency",
            ),
            ("src/util.py", "util.acquire_lock", "concurrency"),
            ("src/util.py", "util.Cache.rlock", "concurrency"),
            (
                "src/urllib3/connectionpool.py",
                "urllib3.connectionpool",
                "concurrency",
            ),
            (
                "src/urllib3/poolmanager.py",
                "urllib3.poolmanager.PoolManager.clear",
                "concurrency",
            ),
            ("src/lib.rs", "app::sync::Mutex::new", "concurrency"),
        ] {
            assert!(tiers_of(path, symbol).contains(&tier), "{symbol} in {tier}");
        }
    }

    #[test]
    fn configured_words_match_whole_words() {
        let text = "[[tiers]]\nname = \"billing\"\nwords = [\"Charge*\"]\n";
        let policy = Policy::parse(text, "blast.toml").unwrap();
        let tier = &policy.tiers[0];
        assert!(tier.matches("shop/pay.py", "shop.pay.charge_card"));
        assert!(tier.matches("shop/pay.py", "shop.pay.ChargesView"));
        assert!(!tier.matches("shop/pay.py", "shop.pay.recharge"));
    }

    #[test]
    fn file_values_replace_defaults() {
        let text = "[paths]\nignore = [\"vendor/**\"]\n\n[thresholds]\nfail_on = \"high\"\n\n[[tiers]]\nname = \"billing\"\npaths = [\"billing/**\"]\nweight = 3\n";
        let policy = Policy::parse(text, "blast.toml").unwrap();
        assert!(policy.ignore.is_match("vendor/lib/x.py"));
        assert_eq!(policy.fail_on, Some(Level::High));
        assert_eq!(policy.tiers.len(), 1);
        assert!((policy.tiers[0].weight - 3.0).abs() < f64::EPSILON);
    }

    #[test]
    fn errors_name_key_and_line() {
        let err =
            Policy::parse("[paths]\nignore = [\"a\"]\nignored = 1\n", "blast.toml").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.to_string().contains("ignored"), "{err}");

        let err =
            Policy::parse("[thresholds]\n\nfail_on = \"severe\"\n", "blast.toml").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.to_string().contains("severe"), "{err}");

        let err = Policy::parse("[paths]\nignore = \"vendor\"\n", "blast.toml").unwrap_err();
        assert_eq!(err.line, 2, "{err}");

        let err = Policy::parse("[[tiers]]\nname = \"x\"\npaths = [\"a/[\"]\n", "blast.toml")
            .unwrap_err();
        assert_eq!(err.line, 3, "{err}");
    }

    #[test]
    fn tier_without_patterns_is_rejected() {
        let err = Policy::parse("[[tiers]]\nname = \"billing\"\n", "blast.toml").unwrap_err();
        assert!(
            err.to_string()
                .contains("blast.toml, line 2: name: tier billing has no paths, words or symbols"),
            "{err}"
        );
    }

    #[test]
    fn single_bracket_tiers_table_says_use_two() {
        let err = Policy::parse("[tiers]\nname = \"billing\"\n", "blast.toml").unwrap_err();
        assert!(
            err.to_string().contains("[[tiers]] (two brackets)"),
            "{err}"
        );
    }

    #[test]
    fn duplicates_say_which_table_or_key() {
        let text =
            "[thresholds]\nlow = 10\n\n[tests]\npatterns = [\"t/**\"]\n\n[thresholds]\nhigh = 80\n";
        let err = Policy::parse(text, "blast.toml").unwrap_err();
        assert_eq!(err.line, 7, "{err}");
        assert!(
            err.to_string()
                .contains("table [thresholds] appears a second time (first at line 1)"),
            "{err}"
        );

        let err = Policy::parse("[thresholds]\nlow = 1\nlow = 2\n", "blast.toml").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.to_string().contains("key `low` is set twice"), "{err}");
    }
}
