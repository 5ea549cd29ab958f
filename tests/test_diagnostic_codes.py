"""One registry of diagnostic codes (``licensecheck.codes``), its page, and its use in src/.

The code of every :class:`~licensecheck.errors.Diagnostic` is a constant of the registry: the
scan below reads src/ with :mod:`ast` and follows a code from ``Diagnostic(...)`` back through
every helper that passes one on (``_error(..., code=...)``, ``self.error(...)``,
``self._at(...)``, ``LicenseCheckError.simple``), so a code written as a string literal, or
a registered code nobody uses any more, fails here.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from helpers.paths import REPO
from licensecheck import codes

SRC = REPO / "src" / "licensecheck"
PAGE = REPO / codes.DOCS_PAGE

Func = ast.FunctionDef | ast.AsyncFunctionDef
Entry = tuple[int | None, str]  # a parameter that receives a code: (position or None, name)

# -- the registry and its page


def _constants() -> dict[str, str]:
    """The registry's constants: name -> code string."""
    return {
        name: value
        for name, value in vars(codes).items()
        if name.isupper() and isinstance(value, str) and value in codes.CODES
    }


def test_each_code_has_one_constant_named_after_it() -> None:
    constants = _constants()
    assert sorted(constants.values()) == sorted(codes.CODES)
    for name, value in constants.items():
        assert name == value.upper().replace("-", "_")


def test_each_code_is_described() -> None:
    for info in codes.CODES.values():
        assert info.code.replace("-", "").isalpha() and info.code == info.code.lower()
        assert info.meaning and "\n" not in info.meaning and not info.meaning.endswith(".")
        assert info.stages and len(set(info.stages)) == len(info.stages)
        assert info.anchor == f"docs/diagnostics.md#{info.code}"


def test_a_code_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        codes._code(codes.USAGE, "again", stage="usage")


def test_the_page_is_generated_from_the_registry() -> None:
    assert PAGE.read_text(encoding="utf-8") == codes.markdown(), (
        "run: python -m licensecheck.codes > docs/diagnostics.md"
    )
    for code in codes.CODES:
        assert f'<a id="{code}"></a>`{code}`' in codes.markdown()


# -- where codes are passed: a scan of the source


def _functions(tree: ast.Module) -> Iterator[tuple[Func, bool]]:
    """Every function of a module, with whether its first parameter is self or cls."""
    bound: dict[int, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, Func):
                    bound[id(item)] = not any(
                        isinstance(d, ast.Name) and d.id == "staticmethod"
                        for d in item.decorator_list
                    )
    for node in ast.walk(tree):
        if isinstance(node, Func):
            yield node, bound.get(id(node), False)


def _positional(func: Func, bound: bool) -> list[str]:
    names = [a.arg for a in func.args.posonlyargs + func.args.args]
    return names[1:] if bound else names


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


class Sinks:
    """Which arguments of which calls receive a diagnostic code.

    ``Diagnostic`` receives one at position 0 or as ``code=``; a function that passes one of
    its parameters on to such an argument receives one there too (to a fixed point). A call
    resolves to the module's own functions of that name when it has any (one module's
    ``_error`` is not another's); a bare name otherwise only to a function it imports.
    """

    SEED: ClassVar[dict[str, set[Entry]]] = {"Diagnostic": {(0, "code")}}

    def __init__(self, trees: dict[Path, ast.Module]) -> None:
        self.defs = [
            (path, f, bound) for path, tree in trees.items() for f, bound in _functions(tree)
        ]
        self.entries: dict[int, set[Entry]] = {}
        self.methods = {
            id(item)
            for tree in trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            for item in node.body
        }
        self.by_name: dict[str, list[tuple[Path, Func]]] = {}
        for path, func, _ in self.defs:
            self.by_name.setdefault(func.name, []).append((path, func))
        self.imported = {
            path: {
                alias.asname or alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom)
                for alias in node.names
            }
            for path, tree in trees.items()
        }
        self._grow()

    def _resolve(self, path: Path, call: ast.Call) -> set[Entry]:
        name = _callee(call)
        if name is None:
            return set()
        if name in self.SEED:
            return self.SEED[name]
        candidates = self.by_name.get(name, [])
        if isinstance(call.func, ast.Name):  # a function of the module, or one it imports
            candidates = [(p, f) for p, f in candidates if id(f) not in self.methods]
        chosen = [f for p, f in candidates if p == path]
        if not chosen and (isinstance(call.func, ast.Attribute) or name in self.imported[path]):
            chosen = [f for _, f in candidates]
        return {entry for f in chosen for entry in self.entries.get(id(f), ())}

    def arguments(self, path: Path, call: ast.Call) -> Iterator[ast.expr]:
        for index, keyword in self._resolve(path, call):
            if (
                index is not None
                and index < len(call.args)
                and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1])
            ):
                yield call.args[index]
            yield from (kw.value for kw in call.keywords if kw.arg == keyword)

    def of(self, func: Func) -> set[Entry]:
        return self.entries.get(id(func), set())

    def _grow(self) -> None:
        changed = True
        while changed:
            changed = False
            for path, func, bound in self.defs:
                params = _positional(func, bound)
                kwonly = [a.arg for a in func.args.kwonlyargs]
                for call in (c for c in ast.walk(func) if isinstance(c, ast.Call)):
                    for arg in self.arguments(path, call):
                        if not isinstance(arg, ast.Name):
                            continue
                        if arg.id in params:
                            entry: Entry = (params.index(arg.id), arg.id)
                        elif arg.id in kwonly:
                            entry = (None, arg.id)
                        else:
                            continue
                        if entry not in self.entries.setdefault(id(func), set()):
                            self.entries[id(func)].add(entry)
                            changed = True


def _is_constant(expr: ast.expr) -> bool:
    """``codes.NAME``: a registry constant."""
    return (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id == "codes"
    )


def _is_literal(expr: ast.expr) -> bool:
    """A code spelt in place: a string constant or an f-string."""
    return isinstance(expr, ast.JoinedStr) or (
        isinstance(expr, ast.Constant) and isinstance(expr.value, str)
    )


def _is_code_attribute(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Attribute) and expr.attr == "code"


def _calls(tree: ast.Module) -> Iterator[tuple[ast.Call, set[str]]]:
    """Every call of a module, with the parameters of the functions around it."""

    def visit(node: ast.AST, params: frozenset[str]) -> Iterator[tuple[ast.Call, set[str]]]:
        if isinstance(node, Func):
            a = node.args
            params |= {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
        if isinstance(node, ast.Call):
            yield node, set(params)
        for child in ast.iter_child_nodes(node):
            yield from visit(child, params)

    return visit(tree, frozenset())


def _problems(trees: dict[Path, ast.Module]) -> list[str]:
    """Every place a code reaches a diagnostic other than as a registry constant."""
    sinks = Sinks(trees)
    problems = []

    def where(path: Path, node: ast.AST) -> str:
        shown = path.relative_to(SRC) if path.is_relative_to(SRC) else path
        return f"{shown}:{getattr(node, 'lineno', 0)}"

    for path, tree in trees.items():
        for call, _params in _calls(tree):
            for arg in sinks.arguments(path, call):
                # Positions are resolved by name across modules, so a same-named helper with
                # another signature may line up any value here: a string written in place is
                # what this test forbids.
                if _is_literal(arg):
                    problems.append(f"{where(path, arg)}: {ast.unparse(arg)} as a code")
        for func, bound in _functions(tree):
            positional = _positional(func, bound)
            defaults = dict(zip(positional[::-1], func.args.defaults[::-1], strict=False))
            kwonly = [a.arg for a in func.args.kwonlyargs]
            defaults.update(
                (name, d)
                for name, d in zip(kwonly, func.args.kw_defaults, strict=True)
                if d is not None
            )
            for _, name in sinks.of(func):
                default = defaults.get(name)
                if default is not None and not _is_constant(default):
                    problems.append(f"{where(path, default)}: {ast.unparse(default)} as a default")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _callee(node) == "Diagnostic"
                and not any(True for _ in sinks.arguments(path, node))
            ):
                problems.append(f"{where(path, node)}: a Diagnostic without a code")
            compared = []
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                if any(_is_code_attribute(o) for o in operands):
                    compared = operands
            elif isinstance(node, ast.IfExp):
                compared = [node.body, node.orelse]
                if not any(_is_code_attribute(o) for o in compared):
                    compared = []
            for operand in compared:
                for const in ast.walk(operand):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        problems.append(f"{where(path, const)}: {const.value!r} beside a .code")
    return problems


def _source_trees() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "codes.py"
    }


def _scan(source: str) -> list[str]:
    return _problems({Path("m.py"): ast.parse(textwrap.dedent(source))})


def test_the_scan_follows_codes_through_helpers() -> None:
    found = _scan(
        """
        def _error(path, message, *, code="syntax"):
            return _diagnostic(path, message, code=code)
        def _diagnostic(path, message, code):
            return Diagnostic(code=code, message=message)
        class Checker:
            def error(self, code, message):
                self.errors.append(Diagnostic(code, message))
            @staticmethod
            def _at(span, message, code):
                return Diagnostic(code, message, span)
            def run(self, d):
                self.error("type", "m")
                Checker._at(None, "m", "extends")
                if d.code == "expired":
                    return d.code if d else "input"
        def load(path):
            Diagnostic("usage", "m")
            Diagnostic(code="io", message="m")
            _error(path, "m", code="limit")
            Diagnostic(codes.USAGE, "m")
            _error(path, "m", code=codes.LIMIT)
            error = make()
            error("not a code")
        """
    )
    assert sorted(f.split(": ", 1)[1] for f in found) == sorted(
        [
            "'syntax' as a default",
            "'type' as a code",
            "'extends' as a code",
            "'usage' as a code",
            "'io' as a code",
            "'limit' as a code",
            "'expired' beside a .code",
            "'input' beside a .code",
        ]
    )


def test_no_code_is_written_as_a_literal() -> None:
    problems = _problems(_source_trees())
    assert not problems, "use the constants of licensecheck.codes:\n" + "\n".join(problems)


def test_every_registered_code_is_used() -> None:
    used = {
        node.attr
        for tree in _source_trees().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and _is_constant(node)
    }
    unused = sorted(set(_constants()) - used)
    assert not unused, f"registered but never used (delete them from codes.py): {unused}"
