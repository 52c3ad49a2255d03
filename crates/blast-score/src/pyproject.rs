//! Python source roots declared in `pyproject.toml`: setuptools'
//! `package-dir` and `packages.find.where`, Poetry's `packages.from`, and
//! Hatch's wheel `packages`.

/// Returns the source roots a `pyproject.toml` declares, relative to its
/// folder. Invalid TOML yields none: the file belongs to the user's build,
/// and blast does not judge it.
pub(crate) fn source_roots(text: &str) -> Vec<String> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let tool = doc.get("tool");
    let mut roots = Vec::new();
    let get = |path: &[&str]| -> Option<&toml::Value> {
        let mut value = tool?;
        for key in path {
            value = value.get(*key)?;
        }
        Some(value)
    };

    // [tool.setuptools] package-dir = {"" = "src"}
    if let Some(dir) = get(&["setuptools", "package-dir", ""]).and_then(toml::Value::as_str) {
        roots.push(dir.to_owned());
    }
    // [tool.setuptools.packages.find] where = ["src"]
    if let Some(wheres) =
        get(&["setuptools", "packages", "find", "where"]).and_then(toml::Value::as_array)
    {
        roots.extend(
            wheres
                .iter()
                .filter_map(toml::Value::as_str)
                .map(str::to_owned),
        );
    }
    // [tool.poetry] packages = [{ include = "x", from = "src" }]
    if let Some(packages) = get(&["poetry", "packages"]).and_then(toml::Value::as_array) {
        roots.extend(
            packages
                .iter()
                .filter_map(|p| p.get("from"))
                .filter_map(toml::Value::as_str)
                .map(str::to_owned),
        );
    }
    // [tool.hatch.build.targets.wheel] packages = ["src/x"]
    if let Some(packages) =
        get(&["hatch", "build", "targets", "wheel", "packages"]).and_then(toml::Value::as_array)
    {
        for package in packages.iter().filter_map(toml::Value::as_str) {
            let parent = package
                .trim_end_matches('/')
                .rsplit_once('/')
                .map_or("", |(dir, _)| dir);
            roots.push(parent.to_owned());
        }
    }
    roots.retain(|r| !r.is_empty() && r != "." && !r.contains(".."));
    for root in &mut roots {
        *root = root
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_owned();
    }
    roots.sort();
    roots.dedup();
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_backends_declare_roots() {
        assert_eq!(
            source_roots("[tool.setuptools]\npackage-dir = {\"\" = \"lib\"}\n"),
            vec!["lib"]
        );
        assert_eq!(
            source_roots("[tool.setuptools.packages.find]\nwhere = [\"src\", \"./extra/\"]\n"),
            vec!["extra", "src"]
        );
        assert_eq!(
            source_roots("[tool.poetry]\npackages = [{ include = \"acme\", from = \"code\" }]\n"),
            vec!["code"]
        );
        assert_eq!(
            source_roots("[tool.hatch.build.targets.wheel]\npackages = [\"python/acme\"]\n"),
            vec!["python"]
        );
        assert!(source_roots("[project]\nname = \"x\"\n").is_empty());
        assert!(source_roots("not toml [").is_empty());
    }
}
