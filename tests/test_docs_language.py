"""Every example of docs/language.md behaves as the page says, and every construct has one.

The page marks its examples with fenced blocks:

- ```` ```rules example=NAME [file=F.rules] ```` the rules of a small pack (several blocks with one
  NAME and different ``file=`` values make a pack of several files; default ``main.rules``);
- ```` ```yaml declaration=NAME ```` a declaration fragment for example NAME, followed by lines
  ``Result: RULE-ID STATUS`` (``fail (in grace period)`` for a failure in its grace period) and
  optionally ``Witness: RULE-ID PATH`` or ``Witness: RULE-ID PATH = ACTUAL``;
- ```` ```rules error=NAME ```` rules that must not load, followed by ``Error: SUBSTRING``;
- ```` ```rules warning=NAME ```` rules that load with a warning, followed by ``Warning: SUBSTRING``;
- ```` ```yaml pack=NAME ```` the pack.yaml of example NAME (default: a manifest listing the domains
  licensing, collection, consent, security and governance);
- ```` ```yaml pack=NAME parent=ID ```` and ```` ```rules example=NAME parent=ID ```` (or ``error=``)
  the pack.yaml and rules of another pack ``ID`` written beside example NAME's pack, which can
  extend it by id;
- ```` ```json schema=NAME ```` the ``schema.json`` (extension fields) of example NAME's pack.

A ``Result: RULE-ID disabled`` line says the pack has no such rule: a ``disable`` removed it.

Each declaration gets ``schema_version: 1`` and ``company.name`` added, and is assessed on
2026-01-15. ``text`` blocks are prose and are not run; any other ``rules`` or ``yaml`` block is an
error, so an example cannot silently stop being tested.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

import licensecheck
from helpers.paths import REPO
from licensecheck import codes
from licensecheck.engine import check as check_module
from licensecheck.engine import checks as checks_package
from licensecheck.engine import compose as compose_module
from licensecheck.engine.checks import names as names_module
from licensecheck.engine.checks import rule_fields as rule_fields_module
from licensecheck.lang import nodes as n
from licensecheck.lang import parser as parser_module
from licensecheck.lang.parser import parse_module
from licensecheck.lang.values import Duration
from licensecheck.packs import extensions as extensions_module

DOC = REPO / "docs" / "language.md"
AS_OF = dt.date(2026, 1, 15)
DEFAULT_DOMAINS = ("licensing", "collection", "consent", "security", "governance")
STATUSES = ("pass", "fail", "unknown", "not_applicable", "error", "waived")
DISABLED = "disabled"  # a Result: pseudo-status: the rule is not in the pack
GRACE = "(in grace period)"


# ---------------------------------------------------------------- reading the page


@dataclass
class Case:
    """One declaration of an example and what it must give."""

    line: int
    declaration: str
    results: list[tuple[str, str, bool]] = field(default_factory=list)  # rule, status, in grace
    witnesses: list[tuple[str, str, str | None]] = field(default_factory=list)  # rule, path, actual


@dataclass
class Example:
    name: str
    kind: str  # "example", "error" or "warning"
    line: int
    files: dict[str, str] = field(default_factory=dict)
    manifest: str | None = None
    schema: str | None = None
    #: other packs written beside this one: id -> (pack.yaml, {file name: rules})
    parents: dict[str, tuple[str | None, dict[str, str]]] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # Error: / Warning: substrings


@dataclass
class Page:
    examples: dict[str, Example]
    manifests: dict[str, tuple[int, str]]


_FENCE = re.compile(r"^```(\S*)\s*(.*)$")
_ATTR = re.compile(r"^([a-z]+)=(\S+)$")


def _blocks(text: str) -> Iterator[tuple[int, str, dict[str, str], str] | tuple[int, str]]:
    """Fenced blocks as (line, language, attributes, body); other lines as (line, text)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            yield (i + 1, lines[i])
            i += 1
            continue
        start = i + 1
        lang, rest = match.group(1), match.group(2)
        attrs: dict[str, str] = {}
        for word in rest.split():
            attr = _ATTR.match(word)
            assert attr, f"docs/language.md:{start}: cannot read fence attribute {word!r}"
            attrs[attr.group(1)] = attr.group(2)
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].rstrip() != "```":
            body.append(lines[i])
            i += 1
        assert i < len(lines), f"docs/language.md:{start}: unclosed code block"
        i += 1
        yield (start, lang, attrs, "\n".join(body) + "\n")


def parse_page(text: str) -> Page:
    examples: dict[str, Example] = {}
    manifests: dict[str, tuple[int, str]] = {}
    schemas: dict[str, str] = {}
    parents: dict[str, dict[str, str]] = {}  # example -> parent id -> pack.yaml
    last: tuple[str, Example | None, Case | None] = ("", None, None)  # block kind, example, case
    for item in _blocks(text):
        if len(item) == 2:
            line, content = item
            _annotation(line, content, last)
            continue
        line, lang, attrs, body = item
        where = f"docs/language.md:{line}"
        if lang == "rules":
            kinds = [k for k in ("example", "error", "warning") if k in attrs]
            assert len(kinds) == 1, f"{where}: a rules block needs example=, error= or warning="
            kind = kinds[0]
            name = attrs[kind]
            example = examples.get(name)
            if example is None:
                example = examples[name] = Example(name, kind, line)
            assert example.kind == kind, f"{where}: {name} is already a {example.kind} example"
            file_name = attrs.get("file", "main.rules")
            if "parent" in attrs:
                manifest, files = example.parents.get(attrs["parent"], (None, {}))
                files[file_name] = body
                example.parents[attrs["parent"]] = (manifest, files)
                continue
            assert file_name not in example.files, f"{where}: {name} has two blocks for {file_name}"
            example.files[file_name] = body
            last = (kind, example, None)
        elif lang == "json":
            assert "schema" in attrs, f"{where}: a json block needs schema="
            schemas[attrs["schema"]] = body
            last = ("pack", None, None)
        elif lang == "yaml":
            if "parent" in attrs:
                parents.setdefault(attrs["pack"], {})[attrs["parent"]] = body
                last = ("pack", None, None)
            elif "pack" in attrs:
                assert attrs["pack"] not in manifests, (
                    f"{where}: second pack.yaml for {attrs['pack']}"
                )
                manifests[attrs["pack"]] = (line, body)
                last = ("pack", None, None)
            else:
                assert "declaration" in attrs, f"{where}: a yaml block needs declaration= or pack="
                example = examples.get(attrs["declaration"])
                assert example is not None and example.kind == "example", (
                    f"{where}: declaration for unknown example {attrs['declaration']}"
                )
                case = Case(line, body)
                example.cases.append(case)
                last = ("declaration", example, case)
        else:
            assert lang == "text", f"{where}: only rules, yaml, json and text blocks may appear"
            last = ("text", None, None)
    for name, (line, body) in manifests.items():
        assert name in examples, f"docs/language.md:{line}: pack.yaml for unknown example {name}"
        examples[name].manifest = body
    for name, body in schemas.items():
        examples[name].schema = body
    for name, by_id in parents.items():
        for pack_id, body in by_id.items():
            _, files = examples[name].parents.get(pack_id, (None, {}))
            examples[name].parents[pack_id] = (body, files)
    return Page(examples, manifests)


def _annotation(line: int, content: str, last: tuple[str, Example | None, Case | None]) -> None:
    kind, example, case = last
    where = f"docs/language.md:{line}"
    if content.startswith("Result:"):
        assert kind == "declaration" and case is not None, f"{where}: Result: after no declaration"
        words = content.removeprefix("Result:").strip()
        grace = words.endswith(GRACE)
        rule_id, _, status = words.removesuffix(GRACE).strip().partition(" ")
        assert status in (*STATUSES, DISABLED), f"{where}: unknown status {status!r}"
        assert not grace or status == "fail", f"{where}: only a failure has a grace period"
        case.results.append((rule_id, status, grace))
    elif content.startswith("Witness:"):
        assert kind == "declaration" and case is not None, f"{where}: Witness: after no declaration"
        rule_id, _, rest = content.removeprefix("Witness:").strip().partition(" ")
        path, sep, actual = rest.partition(" = ")
        case.witnesses.append((rule_id, path.strip(), actual if sep else None))
    elif content.startswith(("Error:", "Warning:")):
        label, _, substring = content.partition(":")
        wanted = "error" if label == "Error" else "warning"
        assert kind == wanted and example is not None, f"{where}: {label}: after no {wanted} block"
        example.expected.append(substring.strip())


PAGE = parse_page(DOC.read_text(encoding="utf-8"))


def _of_kind(kind: str) -> list[Example]:
    return [e for e in PAGE.examples.values() if e.kind == kind]


# ---------------------------------------------------------------- building and running packs


def build_pack(example: Example, root: Path) -> Path:
    """Write the example's pack (pack.yaml and rules files) under ``root``; return its folder."""
    if example.manifest is not None:
        manifest = yaml.safe_load(example.manifest)
        pack_id = manifest["id"]
        manifest_text = example.manifest
    else:
        pack_id = f"doc-{example.name}"
        domains = "".join(f"  {d}: {{title: {d.title()}}}\n" for d in DEFAULT_DOMAINS)
        manifest_text = (
            f"id: {pack_id}\nversion: 1.0.0\ntitle: docs/language.md {example.name}\n"
            f"domains:\n{domains}"
        )
    folder = root / pack_id
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(manifest_text, encoding="utf-8")
    for file_name, text in example.files.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    if example.schema is not None:
        (folder / "schema.json").write_text(example.schema, encoding="utf-8")
    for parent_id, (parent_manifest, files) in example.parents.items():
        parent = root / parent_id
        parent.mkdir()
        assert parent_manifest is not None, f"{example.name}: no pack.yaml for {parent_id}"
        (parent / "pack.yaml").write_text(parent_manifest, encoding="utf-8")
        for file_name, text in files.items():
            (parent / file_name).write_text(text, encoding="utf-8")
    return folder


def full_declaration(fragment: str) -> dict[str, Any]:
    data = yaml.safe_load(fragment) or {}
    assert isinstance(data, dict), "a declaration fragment must be a mapping"
    full: dict[str, Any] = copy.deepcopy({"schema_version": 1, **data})
    full.setdefault("company", {}).setdefault("name", "Doc Example Co")
    return full


def load_error(example: Example, root: Path) -> licensecheck.PackError:
    folder = build_pack(example, root)
    with pytest.raises(licensecheck.PackError) as info:
        licensecheck.prepare_pack(folder)
    return info.value


def matching_codes(diagnostics: Any, substring: str) -> set[str]:
    return {d.code for d in diagnostics if substring in d.render()}


# ---------------------------------------------------------------- the examples


@pytest.mark.parametrize("example", _of_kind("example"), ids=lambda e: e.name)
def test_example(example: Example, tmp_path: Path) -> None:
    assert example.cases, f"example {example.name} has no declaration"
    try:
        pack = licensecheck.prepare_pack(build_pack(example, tmp_path))
    except licensecheck.PackError as exc:
        pytest.fail(f"example {example.name} (line {example.line}) does not load:\n{exc.render()}")
    for case in example.cases:
        where = f"{example.name}, declaration at docs/language.md:{case.line}"
        assert case.results, f"{where}: no Result: line"
        result = licensecheck.assess(full_declaration(case.declaration), pack, as_of=AS_OF)
        for rule_id, expected, grace in case.results:
            finding = result.finding(rule_id)
            if expected == DISABLED:
                assert finding is None, f"{where}: {rule_id} is in the pack ({finding})"
                assert rule_id in pack.checked.disabled, f"{where}: {rule_id} is not disabled"
                continue
            assert finding is not None, f"{where}: no rule {rule_id}"
            assert finding.status == expected, (
                f"{where}: {rule_id} is {finding.status}, not {expected} ({finding.message})"
            )
            if expected == "fail":
                assert finding.in_grace == grace, f"{where}: {rule_id} in_grace={finding.in_grace}"
        for rule_id, path, actual in case.witnesses:
            finding = result.finding(rule_id)
            assert finding is not None, f"{where}: no rule {rule_id}"
            shown = [(w.path, w.actual) for w in finding.witnesses]
            assert any(
                w.path == path and (actual is None or w.actual == actual) for w in finding.witnesses
            ), f"{where}: {rule_id} has no witness {path} = {actual}; it has {shown}"


@pytest.mark.parametrize("example", _of_kind("error"), ids=lambda e: e.name)
def test_error_example(example: Example, tmp_path: Path) -> None:
    assert example.expected, f"error example {example.name} has no Error: line"
    error = load_error(example, tmp_path)
    rendered = error.render()
    for substring in example.expected:
        assert substring in rendered, f"{example.name}: {substring!r} not in:\n{rendered}"


@pytest.mark.parametrize("example", _of_kind("warning"), ids=lambda e: e.name)
def test_warning_example(example: Example, tmp_path: Path) -> None:
    assert example.expected, f"warning example {example.name} has no Warning: line"
    pack = licensecheck.prepare_pack(build_pack(example, tmp_path))
    rendered = "\n".join(w.render() for w in pack.checked.warnings)
    for substring in example.expected:
        assert substring in rendered, f"{example.name}: {substring!r} not in:\n{rendered}"


# ---------------------------------------------------------------- every construct has an example


@dataclass
class Corpus:
    """What the working examples (``rules example=``) of the page contain."""

    definitions: list[n.Definition]
    nodes: list[n.Expr]
    fields: set[str]
    text: str
    manifests: list[dict[str, Any]]
    multi_file: bool
    extensions: bool = False  # some example pack has a schema.json


def _corpus() -> Corpus:
    examples = _of_kind("example")
    definitions: list[n.Definition] = []
    for example in examples:
        for file_name, text in example.files.items():
            definitions.extend(parse_module(text, f"{example.name}/{file_name}").definitions)
    nodes: list[n.Expr] = []
    fields: set[str] = set()
    for d in definitions:
        if isinstance(d, n.Const):
            nodes.extend(n.walk(d.value))
        elif isinstance(d, n.Predicate):
            nodes.extend(n.walk(d.body))
        else:
            for f in d.fields:
                fields.add(f.key)
                nodes.extend(n.walk(f.value))
            if d.after is not None:
                fields.add("after")
    return Corpus(
        definitions=definitions,
        nodes=nodes,
        fields=fields,
        text="\n".join(text for e in examples for text in e.files.values()),
        manifests=[yaml.safe_load(e.manifest) for e in examples if e.manifest is not None],
        multi_file=any(len(e.files) > 1 for e in examples),
        extensions=any(e.schema is not None for e in examples),
    )


Check = Callable[[Corpus], bool]


def has(cls: type, test: Callable[[Any], bool] = lambda _: True) -> Check:
    return lambda c: any(isinstance(x, cls) and test(x) for x in c.nodes)


def literal(test: Callable[[Any], bool]) -> Check:
    return has(n.Literal_, lambda x: test(x.value))


def definition(cls: type) -> Check:
    return lambda c: any(isinstance(d, cls) for d in c.definitions)


def rule_field(key: str) -> Check:
    return lambda c: key in c.fields


def source(pattern: str) -> Check:
    return lambda c: re.search(pattern, c.text, re.MULTILINE) is not None


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _duration(unit: str) -> Check:
    return literal(lambda v: isinstance(v, Duration) and v.unit == unit)


def _date_like(e: n.Expr) -> bool:
    if isinstance(e, n.Literal_):
        return isinstance(e.value, dt.date)
    if isinstance(e, n.Name):
        return e.name == "today"
    return isinstance(e, n.Attr) and (e.name.endswith("_on") or e.name.endswith("_until"))


def _calendar(e: n.Arith) -> bool:
    right = e.right
    return (
        _date_like(e.left)
        and isinstance(right, n.Literal_)
        and isinstance(right.value, Duration)
        and right.value.unit in ("month", "year")
    )


def _mixed_units(e: n.Compare) -> bool:
    sides = [e.left, e.right]
    units = {
        s.value.unit for s in sides if isinstance(s, n.Literal_) and isinstance(s.value, Duration)
    }
    return len(units) == 2


def _nested(e: n.Quantifier) -> bool:
    return any(isinstance(x, n.Quantifier) and x is not e for x in n.walk(e))


CONSTRUCTS: dict[str, Check] = {
    # files and pack.yaml
    "pack.yaml with domains": lambda c: any("domains" in m for m in c.manifests),
    "extends": lambda c: any("extends" in m for m in c.manifests),
    "several parents": lambda c: any(isinstance(m.get("extends"), list) for m in c.manifests),
    "version constraint": lambda c: any(
        " " in entry
        for m in c.manifests
        for entry in ([m["extends"]] if isinstance(m.get("extends"), str) else m.get("extends", []))
    ),
    "overrides": lambda c: any("overrides" in m for m in c.manifests),
    "disable": lambda c: any("disable" in m for m in c.manifests),
    "schema.json extension fields": lambda c: c.extensions,
    "several rules files": lambda c: c.multi_file,
    # lexical
    "comment": source(r"(^|\s)#\s"),
    "true": literal(lambda v: v is True),
    "false": literal(lambda v: v is False),
    "integer": literal(lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "decimal": literal(lambda v: isinstance(v, float)),
    "digit grouping with _": source(r"\d_\d"),
    "negative number": literal(lambda v: _is_number(v) and v < 0),
    "text": literal(lambda v: isinstance(v, str)),
    "text escape": source(r'\\["\\u]'),
    "Chinese text": literal(lambda v: isinstance(v, str) and re.search(r"[\u4e00-\u9fff]", v)),
    "date": literal(lambda v: isinstance(v, dt.date)),
    "duration in days": _duration("day"),
    "duration in months": _duration("month"),
    "duration in years": _duration("year"),
    "list literal": has(n.ListExpr),
    "trailing comma in a list": source(r",\s*\]"),
    # top level
    "const": definition(n.Const),
    "const referring to a const": lambda c: any(
        isinstance(d, n.Const) and isinstance(d.value, n.Name) for d in c.definitions
    ),
    "const computed from consts": lambda c: any(
        isinstance(d, n.Const) and isinstance(d.value, n.Arith) for d in c.definitions
    ),
    "predicate": definition(n.Predicate),
    "rule": definition(n.RuleDef),
    # rule fields
    **{f"field {key}": rule_field(key) for key in rule_fields_module.RULE_FIELDS},
    **{f"field {key}@zh": rule_field(f"{key}@zh") for key in rule_fields_module.TEXT_FIELDS},
    # paths
    "path": has(n.Attr),
    "index by number": has(
        n.Index, lambda x: isinstance(x.index, n.Literal_) and _is_number(x.index.value)
    ),
    "index by text": has(
        n.Index, lambda x: isinstance(x.index, n.Literal_) and isinstance(x.index.value, str)
    ),
    "computed index": has(n.Index, lambda x: not isinstance(x.index, n.Literal_)),
    "keyword as a field name": has(n.Attr, lambda x: x.name in {"count", "days", "title"}),
    # comparison, membership, text
    **{
        f"operator {op}": has(n.Compare, lambda x, op=op: x.op == op)
        for op in ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "matches")
    },
    "matches with an anchor": has(
        n.Compare,
        lambda x: x.op == "matches" and isinstance(x.right, n.Literal_) and "^" in x.right.value,
    ),
    "matches with (?i)": source(r'matches "\(\?i\)'),
    "matches with a backslash": source(r'matches "[^"]*\\\\'),
    # boolean
    "and": has(n.BoolOp, lambda x: x.op == "and"),
    "or": has(n.BoolOp, lambda x: x.op == "or"),
    "not": has(n.Not),
    "parentheses": source(r"\("),
    "if/then/else": has(n.If),
    "else if": has(n.If, lambda x: isinstance(x.otherwise, n.If)),
    # arithmetic
    **{f"arithmetic {op}": has(n.Arith, lambda x, op=op: x.op == op) for op in "+-*/"},
    "unary minus on a value": has(n.Neg),
    "date + duration (calendar)": has(n.Arith, lambda x: x.op == "+" and _calendar(x)),
    "date - duration (calendar)": has(n.Arith, lambda x: x.op == "-" and _calendar(x)),
    "date - date": has(
        n.Arith, lambda x: x.op == "-" and _date_like(x.left) and _date_like(x.right)
    ),
    "calendar clamping": source(r"2024-02-29 \+ 1 year == 2025-02-28"),
    "durations of different units compared": has(n.Compare, _mixed_units),
    "duration * number": has(
        n.Arith,
        lambda x: (
            x.op == "*"
            and any(
                isinstance(s, n.Literal_) and isinstance(s.value, Duration)
                for s in (x.left, x.right)
            )
        ),
    ),
    "duration + duration": has(
        n.Arith,
        lambda x: (
            x.op == "+"
            and all(
                isinstance(s, n.Literal_) and isinstance(s.value, Duration)
                for s in (x.left, x.right)
            )
        ),
    ),
    # quantifiers and aggregates
    **{
        f"quantifier {k}": has(n.Quantifier, lambda x, k=k: x.kind == k)
        for k in ("all", "any", "none")
    },
    **{
        f"quantifier {k} with where": has(
            n.Quantifier, lambda x, k=k: x.kind == k and x.filter is not None
        )
        for k in ("all", "any", "none")
    },
    "nested quantifier": has(n.Quantifier, _nested),
    "quantifier over a written-out list": has(
        n.Quantifier, lambda x: isinstance(x.collection, n.ListExpr)
    ),
    "quantifier in parentheses": source(r"\((all|any|none) \w+ in "),
    **{
        f"aggregate {k}": has(n.Aggregate, lambda x, k=k: x.kind == k)
        for k in ("count", "sum", "min", "max")
    },
    "count with where": has(n.Aggregate, lambda x: x.kind == "count" and x.filter is not None),
    "count without where": has(n.Aggregate, lambda x: x.kind == "count" and x.filter is None),
    "sum with where": has(n.Aggregate, lambda x: x.kind == "sum" and x.filter is not None),
    # built-ins
    "today": has(n.Name, lambda x: x.name == "today"),
    **{
        f"function {f}": has(n.Call, lambda x, f=f: x.func == f)
        for f in names_module.BUILTIN_FUNCTIONS
    },
    "??": has(n.Coalesce),
    "?? chained": has(n.Coalesce, lambda x: isinstance(x.default, n.Coalesce)),
}


def test_every_construct_has_a_working_example() -> None:
    corpus = _corpus()
    missing = [name for name, present in CONSTRUCTS.items() if not present(corpus)]
    assert not missing, f"docs/language.md has no working example of: {', '.join(missing)}"


def test_every_status_appears_in_a_result() -> None:
    seen = {
        (status, grace)
        for e in _of_kind("example")
        for case in e.cases
        for _, status, grace in case.results
    }
    for status in ("pass", "fail", "unknown", "not_applicable", "error"):
        assert (status, False) in seen, f"no example gives {status}"
    assert ("fail", True) in seen, "no example shows a failure in its grace period"


def _codes_in_source(module: Any) -> set[str]:
    """Diagnostic codes a module reports: state.error(codes.TYPE, …), self.warn(…), …"""
    text = inspect.getsource(module)
    calls = r"(?:(?:self|state)\.(?:error|warn)|Diagnostic|self\._error)\(\s*(?:pack,\s*)?codes\.([A-Z_]+)"
    return {getattr(codes, name) for name in re.findall(calls, text)}


#: The modules whose diagnostics are static checks of a pack (each needs an example here)
CHECK_MODULES = (
    check_module,
    *(
        importlib.import_module(f"{checks_package.__name__}.{m.name}")
        for m in pkgutil.iter_modules(checks_package.__path__)
    ),
    parser_module,
    compose_module,
    extensions_module,
)


WARNING_CODES = {"missing-cite", "missing-remediation", "unused", "unlisted-domains"}


def test_every_static_check_has_an_example(tmp_path: Path) -> None:
    error_codes: set[str] = set()
    for example in _of_kind("error"):
        error = load_error(example, tmp_path / "errors")
        for substring in example.expected:
            error_codes |= matching_codes(error.diagnostics, substring)
    warning_codes: set[str] = set()
    for example in _of_kind("warning"):
        pack = licensecheck.prepare_pack(build_pack(example, tmp_path / "warnings"))
        for substring in example.expected:
            warning_codes |= matching_codes(pack.checked.warnings, substring)
    checks = set().union(*map(_codes_in_source, CHECK_MODULES)) | {"manifest"}
    assert checks >= WARNING_CODES
    no_error_example = sorted(checks - WARNING_CODES - error_codes)
    assert not no_error_example, f"no error example in docs/language.md for {no_error_example}"
    no_warning_example = sorted(WARNING_CODES - warning_codes)
    assert not no_warning_example, (
        f"no warning example in docs/language.md for {no_warning_example}"
    )


def test_every_static_check_is_in_the_tables() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", text, re.MULTILINE))
    checks = set().union(*map(_codes_in_source, CHECK_MODULES))
    undocumented = sorted(checks - documented)
    assert not undocumented, f"static checks missing from the tables of section 14: {undocumented}"


def test_construct_checks_are_not_vacuous() -> None:
    empty = Corpus(definitions=[], nodes=[], fields=set(), text="", manifests=[], multi_file=False)
    assert not [name for name, present in CONSTRUCTS.items() if present(empty)]


def test_the_page_has_many_examples() -> None:
    assert len(_of_kind("example")) >= 30
    assert len(_of_kind("error")) >= 50
    assert len(_of_kind("warning")) == len(WARNING_CODES)


def test_the_docs_cite_no_file_outside_the_repository() -> None:
    """The language's specification is docs/language.md; shared/spec/ is not shipped."""
    for page in (REPO / "docs").glob("*.md"):
        assert "shared/spec/" not in page.read_text(encoding="utf-8"), page.name
