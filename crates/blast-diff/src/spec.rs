//! Parsing of the revision arguments of `blast diff` into a [`DiffSpec`].

use crate::DiffSpec;
use crate::error::Error;

impl DiffSpec {
    /// Parses the revision arguments of `blast diff`.
    ///
    /// | arguments | spec |
    /// |---|---|
    /// | none | [`DiffSpec::WorkTree`], or [`DiffSpec::Staged`] when `staged` |
    /// | `REV` | [`DiffSpec::RevToWorkTree`] |
    /// | `A B`, `A..B` | [`DiffSpec::Range`] (tip to tip, like `git diff A B`) |
    /// | `A...B` | [`DiffSpec::MergeBase`] |
    /// | `REV^!` | [`DiffSpec::Range`] from `REV^1` (the first parent) to `REV` |
    ///
    /// An empty side of `..` or `...` means `HEAD`, as in git.
    /// [`DiffSpec::Patch`] is not produced here.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArguments`] for more than two arguments, revisions
    /// with a range inside a two-argument form, arguments that start with
    /// `-`, and revisions together with `staged`.
    pub fn parse_args(args: &[String], staged: bool) -> Result<DiffSpec, Error> {
        for arg in args {
            validate_revision_text(arg)?;
        }

        if staged {
            return match args {
                [] => Ok(DiffSpec::Staged),
                _ => Err(invalid(
                    "--staged compares HEAD with the index and takes no revision; \
                     drop the revision or drop --staged",
                )),
            };
        }

        match args {
            [] => Ok(DiffSpec::WorkTree),
            [single] => Ok(parse_single(single)),
            [base, head] => {
                if base.contains("..") || head.contains("..") {
                    return Err(invalid(&format!(
                        "expected two revisions or one range, got {base:?} and {head:?}"
                    )));
                }
                Ok(DiffSpec::Range {
                    base: base.clone(),
                    head: head.clone(),
                })
            }
            _ => Err(invalid(&format!(
                "expected at most two revisions, got {}: {}",
                args.len(),
                args.join(" ")
            ))),
        }
    }
}

fn parse_single(arg: &str) -> DiffSpec {
    if let Some((base, head)) = arg.split_once("...") {
        return DiffSpec::MergeBase {
            base: or_head(base),
            head: or_head(head),
        };
    }
    if let Some((base, head)) = arg.split_once("..") {
        return DiffSpec::Range {
            base: or_head(base),
            head: or_head(head),
        };
    }
    if let Some(rev) = arg.strip_suffix("^!")
        && !rev.is_empty()
    {
        return DiffSpec::Range {
            base: format!("{rev}^1"),
            head: rev.to_owned(),
        };
    }
    DiffSpec::RevToWorkTree(arg.to_owned())
}

fn or_head(side: &str) -> String {
    if side.is_empty() {
        "HEAD".to_owned()
    } else {
        side.to_owned()
    }
}

fn validate_revision_text(arg: &str) -> Result<(), Error> {
    if arg.is_empty() {
        return Err(invalid("empty revision argument"));
    }
    if arg.starts_with('-') {
        return Err(invalid(&format!(
            "revision {arg:?} starts with '-', which git would read as an option"
        )));
    }
    if arg.contains('\0') {
        return Err(invalid(&format!("revision {arg:?} contains a NUL byte")));
    }
    if arg == "^!" {
        return Err(invalid(
            "'^!' needs a revision before it, for example HEAD^!",
        ));
    }
    Ok(())
}

fn invalid(message: &str) -> Error {
    Error::InvalidArguments {
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], staged: bool) -> Result<DiffSpec, Error> {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        DiffSpec::parse_args(&args, staged)
    }

    fn range(base: &str, head: &str) -> DiffSpec {
        DiffSpec::Range {
            base: base.to_owned(),
            head: head.to_owned(),
        }
    }

    #[test]
    fn no_args_is_work_tree_or_staged() {
        assert_eq!(parse(&[], false).unwrap(), DiffSpec::WorkTree);
        assert_eq!(parse(&[], true).unwrap(), DiffSpec::Staged);
    }

    #[test]
    fn single_revision_is_rev_to_work_tree() {
        assert_eq!(
            parse(&["HEAD~1"], false).unwrap(),
            DiffSpec::RevToWorkTree("HEAD~1".to_owned())
        );
    }

    #[test]
    fn two_revisions_and_two_dots_are_ranges() {
        assert_eq!(
            parse(&["main", "feature"], false).unwrap(),
            range("main", "feature")
        );
        assert_eq!(
            parse(&["main..feature"], false).unwrap(),
            range("main", "feature")
        );
        assert_eq!(parse(&["main.."], false).unwrap(), range("main", "HEAD"));
        assert_eq!(
            parse(&["..feature"], false).unwrap(),
            range("HEAD", "feature")
        );
    }

    #[test]
    fn three_dots_is_merge_base() {
        assert_eq!(
            parse(&["main...feature"], false).unwrap(),
            DiffSpec::MergeBase {
                base: "main".to_owned(),
                head: "feature".to_owned()
            }
        );
        assert_eq!(
            parse(&["...feature"], false).unwrap(),
            DiffSpec::MergeBase {
                base: "HEAD".to_owned(),
                head: "feature".to_owned()
            }
        );
    }

    #[test]
    fn caret_bang_is_first_parent_range() {
        assert_eq!(
            parse(&["abc123^!"], false).unwrap(),
            range("abc123^1", "abc123")
        );
    }

    #[test]
    fn invalid_arguments_are_rejected() {
        let cases: &[(&[&str], bool)] = &[
            (&["a", "b", "c"], false),
            (&["a..b", "c"], false),
            (&["--output=x"], false),
            (&[""], false),
            (&["^!"], false),
            (&["HEAD"], true),
        ];
        for (args, staged) in cases {
            let result = parse(args, *staged);
            assert!(
                matches!(result, Err(Error::InvalidArguments { .. })),
                "{args:?} staged={staged}: {result:?}"
            );
        }
    }
}
