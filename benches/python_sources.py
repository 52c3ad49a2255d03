"""Index where Python source writes each name, by the symbol that contains it.

The symbols follow the conventions of the jedi and scip-python oracles:
module-level code belongs to the module, class-level code to the class,
functions nested in functions to the outermost function, and decorators to the
scope around the decorated definition. python_accuracy.py uses the index to
guess why blast missed an edge and to give each example a line number.
"""

from __future__ import annotations

import ast
import collections
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class NameUse:
    """One place where a name is written inside an oracle-level symbol."""

    file: str
    line: int
    form: str  # how the name is reached, e.g. "self.attr" or "bare name"


@dataclass
class ReferenceIndex:
    """Name uses, keyed by the oracle-level symbol that contains them.

    Built with `ast` to guess why blast missed an edge and to give examples a
    line number. Matching is by the last component of the target's name only,
    so the first use it returns is a guess.
    """

    uses: dict[tuple[str, str], list[NameUse]] = field(default_factory=lambda: collections.defaultdict(list))
    import_bound: set[tuple[str, str]] = field(default_factory=set)  # (scope, name) bound by an import
    global_declared: set[tuple[str, str]] = field(default_factory=set)  # (scope, name) in a `global` statement
    star_imports: set[tuple[str, str]] = field(default_factory=set)  # (scope, module) of `from module import *`
    # (module, name) assigned only inside a module-level if/try/with/for/while block.
    block_variables: set[tuple[str, str]] = field(default_factory=set)

    def lookup(self, scope: str, name: str) -> list[NameUse]:
        return self.uses.get((scope, name), [])

    @classmethod
    def build(cls, root: Path, modules_by_file: dict[str, str]) -> ReferenceIndex:
        """Parse each repository-relative file in `modules_by_file` (file -> module name) under `root`."""
        index = cls()
        modules = set(modules_by_file.values())
        for path, module in sorted(modules_by_file.items()):
            tree = ast.parse((root / path).read_bytes(), filename=path)
            visitor = _ScopeVisitor(index, path, module, path.endswith("/__init__.py"), modules)
            visitor.visit(tree)
            index.block_variables |= {(module, name) for name in block_only_names(tree)}
        return index


def block_only_names(tree: ast.Module) -> set[str]:
    """Return names that module-level code assigns only inside if/try/with/for/while blocks."""
    direct: set[str] = set()
    nested: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            direct |= assigned_names(statement)
        elif isinstance(statement, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for node in ast.walk(statement):
                if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                    nested |= assigned_names(node)
    return nested - direct


def assigned_names(statement: ast.Assign | ast.AnnAssign | ast.AugAssign) -> set[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return {node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)}


class _ScopeVisitor(ast.NodeVisitor):
    """Record every name and attribute use under the oracle-level symbol that contains it."""

    def __init__(self, index: ReferenceIndex, path: str, module: str, is_package: bool, modules: set[str]) -> None:
        self.index = index
        self.path = path
        self.module = module
        self.is_package = is_package
        self.modules = modules
        self.scope = module
        self.in_function = False
        self.in_decorator = False
        self.module_aliases: set[str] = set()

    def record(self, name: str, line: int, form: str) -> None:
        if self.in_decorator:
            form += " in a decorator"
        self.index.uses[(self.scope, name)].append(NameUse(self.path, line, form))

    def visit_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        saved_decorator = self.in_decorator
        self.in_decorator = True
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.in_decorator = saved_decorator
        saved = (self.scope, self.in_function)
        if not self.in_function:
            self.scope = f"{self.scope}.{node.name}"
            self.in_function = not isinstance(node, ast.ClassDef)
        for name, value in ast.iter_fields(node):
            if name == "decorator_list":
                continue
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    self.visit(child)
        self.scope, self.in_function = saved

    visit_FunctionDef = visit_definition
    visit_AsyncFunctionDef = visit_definition
    visit_ClassDef = visit_definition

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self.index.global_declared.add((self.scope, name))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            for part in alias.name.split("."):
                self.record(part, node.lineno, "import statement")
            bound = alias.asname or alias.name.split(".")[0]
            self.module_aliases.add(bound)
            self.index.import_bound.add((self.scope, bound))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self.absolute_module(node.level, node.module)
        if base and any(alias.name == "*" for alias in node.names):
            self.index.star_imports.add((self.scope, base))
        for part in (base or "").split("."):
            if part:
                self.record(part, node.lineno, "module path of a from-import")
        for alias in node.names:
            self.record(alias.name, node.lineno, "name in a from-import")
            bound = alias.asname or alias.name
            self.index.import_bound.add((self.scope, bound))
            if base and f"{base}.{alias.name}" in self.modules:
                self.module_aliases.add(bound)

    def absolute_module(self, level: int, name: str | None) -> str | None:
        if level == 0:
            return name
        package = self.module.split(".") if self.is_package else self.module.split(".")[:-1]
        base = package[: max(len(package) - (level - 1), 0)]
        return ".".join([*base, *(name.split(".") if name else [])]) or None

    def visit_Name(self, node: ast.Name) -> None:
        # An assignment target defines the name rather than referring to it.
        if isinstance(node.ctx, ast.Load):
            self.record(node.id, node.lineno, "bare name")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.record(node.attr, node.lineno, self.receiver_form(node.value))
        self.visit(node.value)

    def receiver_form(self, receiver: ast.expr) -> str:
        """Describe the expression before `.attr`, the part a resolver must type."""
        if isinstance(receiver, ast.Name):
            if receiver.id in ("self", "cls"):
                return "self.attr"
            if receiver.id in self.module_aliases:
                return "module.attr"
            return "name.attr (local, parameter or global)"
        if isinstance(receiver, ast.Call):
            if isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
                return "super().attr"
            return "call().attr"
        if isinstance(receiver, ast.Attribute):
            depth = 1
            root: ast.expr = receiver
            while isinstance(root, ast.Attribute):
                depth += 1
                root = root.value
            if isinstance(root, ast.Name) and root.id in ("self", "cls"):
                return "self.field.attr" if depth == 2 else f"self.a.b.attr (chain depth {depth})"
            if isinstance(root, ast.Name) and root.id in self.module_aliases:
                return "module.member.attr"
            return "a.b.attr (chain depth 2)" if depth == 2 else "a.b.c.attr (chain depth 3+)"
        if isinstance(receiver, ast.Subscript):
            return "x[i].attr"
        return "other expression.attr"
