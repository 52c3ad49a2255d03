//! Files that `.gitattributes` marks as vendored or generated, with the
//! attributes GitHub Linguist reads: `linguist-vendored` and
//! `linguist-generated`. blast leaves such files out of the analysis by
//! default and lists the changed ones, because a change to third-party or
//! generated code is not reviewed like the repository's own code.
//!
//! Patterns follow gitattributes(5): a pattern without a `/` matches a file
//! name at any depth below the folder of its `.gitattributes`, any other
//! pattern matches the path relative to that folder, and `**` spans
//! folders. Later lines override earlier ones, and files in deeper folders
//! override those above them.
// NOTE: macro attributes, quoted patterns and `.git/info/attributes` are
// not read; a file marked only through them is analysed.

use globset::{GlobBuilder, GlobMatcher};

/// The reason a file is left out of the analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exclusion {
    /// `linguist-vendored`: third-party code kept in the repository.
    Vendored,
    /// `linguist-generated`: output of a code generator.
    Generated,
}

impl Exclusion {
    pub fn name(self) -> &'static str {
        match self {
            Exclusion::Vendored => "vendored",
            Exclusion::Generated => "generated",
        }
    }
}

/// One pattern line's setting of one Linguist attribute.
struct Rule {
    /// The folder of the `.gitattributes` file, with a trailing `/`, or
    /// empty for the repository root.
    folder: String,
    matcher: GlobMatcher,
    /// The pattern has no `/`, so it matches the file name at any depth.
    name_only: bool,
    attribute: Exclusion,
    value: bool,
}

/// The Linguist attributes of one revision.
#[derive(Default)]
pub struct LinguistAttributes {
    /// In the order git applies them: shallower files first, then lines in
    /// file order.
    rules: Vec<Rule>,
}

impl LinguistAttributes {
    /// Reads the rules of `.gitattributes` files, given as (repository
    /// path, contents). Lines that are not valid patterns are ignored, as
    /// git ignores them.
    pub fn from_files(files: &[(String, String)]) -> LinguistAttributes {
        let mut ordered: Vec<&(String, String)> = files.iter().collect();
        ordered.sort_by_key(|(path, _)| (path.matches('/').count(), path.clone()));
        let mut rules = Vec::new();
        for (path, text) in ordered {
            let folder = match path.rsplit_once('/') {
                Some((folder, _)) => format!("{folder}/"),
                None => String::new(),
            };
            for line in text.lines() {
                parse_line(&folder, line, &mut rules);
            }
        }
        LinguistAttributes { rules }
    }

    /// True when no `.gitattributes` file sets a Linguist attribute.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Returns why `path` is left out of the analysis, if it is; vendored
    /// wins when both attributes are set.
    pub fn exclusion(&self, path: &str) -> Option<Exclusion> {
        let mut vendored = false;
        let mut generated = false;
        for rule in &self.rules {
            let Some(relative) = path.strip_prefix(rule.folder.as_str()) else {
                continue;
            };
            let subject = if rule.name_only {
                relative.rsplit('/').next().unwrap_or(relative)
            } else {
                relative
            };
            if !rule.matcher.is_match(subject) {
                continue;
            }
            match rule.attribute {
                Exclusion::Vendored => vendored = rule.value,
                Exclusion::Generated => generated = rule.value,
            }
        }
        if vendored {
            Some(Exclusion::Vendored)
        } else if generated {
            Some(Exclusion::Generated)
        } else {
            None
        }
    }
}

/// Adds the Linguist settings of one `.gitattributes` line to `rules`.
fn parse_line(folder: &str, line: &str, rules: &mut Vec<Rule>) {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with('"') {
        return;
    }
    let mut fields = line.split_whitespace();
    let Some(pattern) = fields.next() else {
        return;
    };
    let settings: Vec<(Exclusion, bool)> = fields.filter_map(linguist_setting).collect();
    if settings.is_empty() {
        return;
    }
    // A pattern that ends in `/` names a folder, and attributes apply to
    // files only, so it matches nothing.
    if pattern.ends_with('/') {
        return;
    }
    let name_only = !pattern.contains('/');
    let pattern = pattern.strip_prefix('/').unwrap_or(pattern);
    let Ok(glob) = GlobBuilder::new(pattern).literal_separator(true).build() else {
        return;
    };
    let matcher = glob.compile_matcher();
    for (attribute, value) in settings {
        rules.push(Rule {
            folder: folder.to_owned(),
            matcher: matcher.clone(),
            name_only,
            attribute,
            value,
        });
    }
}

/// Reads one attribute field: `attr` and `attr=true` set it, `-attr` and
/// `attr=false` unset it. `!attr` (unspecified) counts as unset.
fn linguist_setting(field: &str) -> Option<(Exclusion, bool)> {
    let (name, value) = if let Some(name) = field.strip_prefix('-') {
        (name, false)
    } else if let Some(name) = field.strip_prefix('!') {
        (name, false)
    } else if let Some((name, value)) = field.split_once('=') {
        (name, !matches!(value, "false" | "0"))
    } else {
        (field, true)
    };
    let attribute = match name {
        "linguist-vendored" => Exclusion::Vendored,
        "linguist-generated" => Exclusion::Generated,
        _ => return None,
    };
    Some((attribute, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(files: &[(&str, &str)]) -> LinguistAttributes {
        let owned: Vec<(String, String)> = files
            .iter()
            .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
            .collect();
        LinguistAttributes::from_files(&owned)
    }

    #[test]
    fn folder_globs_and_values() {
        let attrs = attributes(&[(
            ".gitattributes",
            "gen/** linguist-generated=true\nvendor/** linguist-vendored\n*.pb.py linguist-generated\n",
        )]);
        assert_eq!(
            attrs.exclusion("gen/huge_table.py"),
            Some(Exclusion::Generated)
        );
        assert_eq!(
            attrs.exclusion("vendor/third/lib.py"),
            Some(Exclusion::Vendored)
        );
        assert_eq!(
            attrs.exclusion("deep/api/types.pb.py"),
            Some(Exclusion::Generated)
        );
        assert_eq!(attrs.exclusion("deep/chain.py"), None);
        assert_eq!(
            attrs.exclusion("src/gen/x.py"),
            None,
            "anchored at the root"
        );
    }

    #[test]
    fn later_and_deeper_rules_override() {
        let attrs = attributes(&[
            ("vendor/.gitattributes", "keep.py -linguist-vendored\n"),
            (
                ".gitattributes",
                "vendor/** linguist-vendored\nvendor/ours/** linguist-vendored=false\n",
            ),
        ]);
        assert_eq!(attrs.exclusion("vendor/x.py"), Some(Exclusion::Vendored));
        assert_eq!(attrs.exclusion("vendor/ours/y.py"), None);
        assert_eq!(attrs.exclusion("vendor/sub/keep.py"), None);
    }

    #[test]
    fn other_lines_are_ignored() {
        let attrs = attributes(&[(
            ".gitattributes",
            "# comment\n*.py text eol=lf\nvendor/ linguist-vendored\n\"a b\" linguist-vendored\n",
        )]);
        assert!(attrs.is_empty());
        assert_eq!(attrs.exclusion("vendor/x.py"), None);
    }
}
