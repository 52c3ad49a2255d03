"""Synthetic changes for the benchmark corpora: one statement added to the
body of a rarely used function and of a widely used one, and a new file.

"Rarely" and "widely used" are judged from text alone, so that the choice
does not depend on blast. Only functions whose name is defined exactly once
in the corpus take part. The rarely used one has a name that occurs nowhere
else, and the widely used one has the most calls by name outside its
definition. A call by name is `name(` not preceded by `.`, or in Java also
`Type.name(` with a capitalised type, so that method calls on values
(`x.append(`), which may reach same-named methods of the standard library,
are not counted. The count is an estimate. Only functions whose signature
fits on one line are candidates, because the edit goes on the line after
it."""

import builtins
import re
from collections import Counter
from pathlib import Path

IDENTIFIER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
# `name(` at the start of a line or after a character that is not `.` or part
# of a name. In Rust this includes `Type::name(`. Rust attributes
# (`#[derive(`) are not calls, hence the `[` in the Rust pattern.
PYTHON_CALL = re.compile(rb"(?:^|[^.\w])([A-Za-z_]\w*)\s*\(", re.MULTILINE)
RUST_CALL = re.compile(rb"(?:^|[^.\w\[])([A-Za-z_]\w*)\s*\(", re.MULTILINE)
JAVA_CALL = re.compile(rb"(?:^|[^.\w]|\b[A-Z]\w*\.)([A-Za-z_]\w*)\s*\(", re.MULTILINE)

# Per language: the file suffix and a pattern for a one-line signature whose
# body starts on the next line (groups "indent" and "name"). Then a pattern
# that finds every definition of a name, the pattern of a call by name, and
# the statement inserted at the start of the body.
PYTHON = {
    "suffix": ".py",
    "signature": re.compile(r"^(?P<indent>)(?:async\s+)?def\s+(?P<name>\w+)\s*\(.*\)\s*(?:->\s*[^:]+)?:\s*(?:#.*)?$"),
    "definition": re.compile(rb"^\s*(?:async\s+)?def\s+(\w+)", re.MULTILINE),
    "call": PYTHON_CALL,
    # A bare call of a built-in name (`enumerate(`) reaches the built-in, not
    # a module's function of that name.
    "shadowed": {name.encode() for name in dir(builtins)},
    "statement": "_blast_bench_edit = None",
    "indent": "    ",
}
RUST = {
    "suffix": ".rs",
    "signature": re.compile(
        r"^(?P<indent>\s*)(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe)\s+)*"
        r"fn\s+(?P<name>\w+)\s*(?:<[^{}]*>)?\s*\([^{}]*\)[^{};=]*\{\s*$"
    ),
    "definition": re.compile(rb"\bfn\s+(\w+)"),
    "call": RUST_CALL,
    "statement": "let _blast_bench_edit = 0;",
    "indent": "    ",
}
JAVA_MODIFIERS = r"(?:public|protected|private|static|final|synchronized|abstract|native|default|strictfp)"
JAVA = {
    "suffix": ".java",
    "signature": re.compile(
        r"^(?P<indent>\s*)(?:@\w+\s+)*(?:" + JAVA_MODIFIERS + r"\s+)+(?:<[^=;{}]+>\s+)?"
        r"(?!" + JAVA_MODIFIERS + r"\b)[\w.$]+(?:<[^=;{}]*>)?(?:\[\])*\s+"
        r"(?P<name>\w+)\s*\([^=;{}]*\)\s*(?:throws\s+[\w.,\s]+)?\{\s*$"
    ),
    # A type, a name, parameters (with at most one level of parentheses
    # inside, for annotations) and then a body or, in interfaces, `;`. The
    # type group is checked against JAVA_NOT_TYPES, so `return f(x);` is no
    # definition. Signatures over several lines are missed.
    "definition": re.compile(
        rb"(\w+)(?:<[^;{}]*>)?(?:\[\])*\s+(\w+)\s*\([^;{}()]*(?:\([^;{}()]*\)[^;{}()]*)*\)"
        rb"\s*(?:throws\s+[\w.,\s]+)?[{;]"
    ),
    "call": JAVA_CALL,
    "statement": "int blastBenchEdit = 0;",
    "indent": "    ",
}
JAVA_NOT_TYPES = {b"return", b"new", b"throw", b"else", b"case", b"yield", b"assert"}
LANGUAGES = {"python": PYTHON, "rust": RUST, "java": JAVA}

# Folders whose functions are not candidates: tests, examples and benches
# are rarely what a change to a library touches.
SKIPPED_PARTS = {"test", "tests", "idle_test", "testing", "examples", "benches", "vendor"}


def source_files(root, suffix):
    """Yield the files under `root` with `suffix`, in sorted order."""
    for path in sorted(Path(root).rglob("*" + suffix)):
        if path.is_file() and not path.is_symlink() and ".git" not in path.parts:
            yield path


def pick_functions(root, language):
    """Return the rarely and the widely used function under `root`, each as a
    dict with the file, line number (1-based), name and estimated call count."""
    spec = LANGUAGES[language]
    occurrences = Counter()
    calls = Counter()
    definitions = Counter()
    candidates = []

    for path in source_files(root, spec["suffix"]):
        data = path.read_bytes()
        occurrences.update(IDENTIFIER.findall(data))
        calls.update(spec["call"].findall(data))
        found = spec["definition"].findall(data)
        if language == "java":
            found = [name for type_name, name in found if type_name not in JAVA_NOT_TYPES]
        definitions.update(found)
        rel = path.relative_to(root)
        if SKIPPED_PARTS.intersection(rel.parts[:-1]):
            continue
        try:
            lines = data.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(lines, start=1):
            match = spec["signature"].match(line)
            if match and _body_follows(lines, number, match.group("indent"), language):
                candidates.append({"file": str(rel), "line": number, "name": match.group("name"), "signature": line})

    rare = None
    wide = None
    for candidate in candidates:
        name = candidate["name"].encode()
        if definitions[name] != 1 or name.startswith(b"_") or name.startswith(b"test") or len(name) < 4:
            continue
        if name in spec.get("shadowed", ()):
            continue
        # The signature line's own `name(` is no call.
        on_signature = spec["call"].findall(candidate.pop("signature").encode()).count(name)
        candidate["calls"] = calls[name] - on_signature
        if rare is None and occurrences[name] == 1:
            rare = candidate
        if wide is None or candidate["calls"] > wide["calls"]:
            wide = candidate

    if rare is None or wide is None:
        raise SystemExit(f"no {language} function under {root} qualifies for the synthetic edits")
    return rare, wide


def _body_follows(lines, number, indent, language):
    """Tell whether the line after the signature on line `number` starts the
    body, and is not a one-line body or the end of the function."""
    if number >= len(lines):
        return False
    following = lines[number]
    if language == "python":
        return following.startswith(indent + " ") or following.startswith(indent + "\t")
    return following.strip() != "}"


def edit_function_body(root, function, language):
    """Insert the language's statement as the first line of `function`'s body."""
    spec = LANGUAGES[language]
    path = Path(root) / function["file"]
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    signature = lines[function["line"] - 1]
    following = lines[function["line"]]
    if language == "python":
        # The body's own indentation, which may be tabs.
        body_indent = following[: len(following) - len(following.lstrip())]
    else:
        body_indent = signature[: len(signature) - len(signature.lstrip())] + spec["indent"]
    lines.insert(function["line"], body_indent + spec["statement"])
    path.write_text("\n".join(lines), encoding="utf-8")
    if language == "python":
        # The standard library's own compiler checks the edited file.
        compile("\n".join(lines), str(path), "exec")


def add_python_file(path):
    Path(path).write_text(
        '"""Added by the blast speed benchmark."""\n'
        "\n"
        "import os\n"
        "\n"
        "\n"
        "def added_join(folder, name):\n"
        "    return os.path.join(folder, name)\n"
    )


def add_rust_file(crate_dir):
    """Add a module to the library crate in `crate_dir` and declare it in its
    `src/lib.rs`, as a new Rust file needs."""
    crate_dir = Path(crate_dir)
    (crate_dir / "src" / "blast_bench_added.rs").write_text(
        "//! Added by the blast speed benchmark.\n"
        "\n"
        "pub fn added_sum(values: &[u32]) -> u32 {\n"
        "    values.iter().sum()\n"
        "}\n"
    )
    lib = crate_dir / "src" / "lib.rs"
    lib.write_text(lib.read_text() + "\nmod blast_bench_added;\n")


def add_java_file(path, package):
    Path(path).write_text(
        "// Added by the blast speed benchmark.\n"
        f"package {package};\n"
        "\n"
        "final class BlastBenchAdded {\n"
        "    static int addedSum(List<Integer> values) {\n"
        "        int sum = 0;\n"
        "        for (int value : values) {\n"
        "            sum += value;\n"
        "        }\n"
        "        return sum;\n"
        "    }\n"
        "}\n"
    )
