"""The pack cache: trees and checked packs kept as verified JSON, never trusted blindly."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.expressions import expressions
from helpers.paths import REPO
from licensecheck import api
from licensecheck.declaration.schema import load_declaration_schema
from licensecheck.engine.pack_cache import checked_pack
from licensecheck.engine.rules import CheckedPack
from licensecheck.errors import PackError, Span
from licensecheck.lang import nodes as n
from licensecheck.packs import cache
from licensecheck.packs.loader import load_pack

SPANS = st.builds(
    Span,
    st.sampled_from(["a.rules", "policies/x/b.rules", "<builtin>"]),
    st.integers(0, 10**6),
    st.integers(0, 10**4),
    st.none() | st.integers(0, 10**6),
    st.none() | st.integers(0, 10**4),
)


def _with_spans(node: n.Node, spans: Iterator[Span]) -> n.Node:
    """``node`` with a span drawn for it and for every node under it."""
    span = next(spans)
    fields = []
    for value in (getattr(node, name) for name in node.__match_args__):
        if isinstance(value, n.Node):
            value = _with_spans(value, spans)
        elif isinstance(value, tuple):
            value = tuple(_with_spans(v, spans) if isinstance(v, n.Node) else v for v in value)
        fields.append(value)
    return type(node)(*fields, span=span)  # type: ignore[call-arg]


@st.composite
def modules(draw: st.DrawFn) -> n.Module:
    names = st.sampled_from(["LIMIT", "big", "q_1"])
    rule = st.builds(
        n.RuleDef,
        st.sampled_from(["A-1", "CR-LIC-001"]),
        st.lists(
            st.builds(n.RuleField, st.sampled_from(["title", "require", "when"]), expressions()),
            max_size=3,
        ).map(tuple),
        st.none() | st.lists(st.builds(n.RuleRef, st.just("A-1")), max_size=2).map(tuple),
    )
    definitions = st.one_of(
        st.builds(n.Const, names, expressions()),
        st.builds(n.Predicate, names, expressions()),
        rule,
    )
    module = n.Module("a.rules", tuple(draw(st.lists(definitions, max_size=4))))
    spans = iter(draw(st.lists(SPANS, min_size=400, max_size=400)) * 50)
    return _with_spans(module, spans)  # type: ignore[return-value]


def _spans(node: n.Node) -> list[Span]:
    found = [node.span]
    for value in (getattr(node, name) for name in node.__match_args__):
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, n.Node):
                found.extend(_spans(item))
    return found


def _round_trip(module: n.Module) -> n.Node:
    encoder = cache.TreeEncoder()
    tree = json.loads(json.dumps(encoder.node(module)))
    tables = json.loads(json.dumps(encoder.tables()))
    return cache.TreeDecoder(tables).node(tree)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules())
def test_trees_round_trip_through_json_with_their_spans(module: n.Module) -> None:
    back = _round_trip(module)
    assert back == module
    assert _spans(back) == _spans(module)
    assert [(s.end_line, s.end_column) for s in _spans(back)] == [
        (s.end_line, s.end_column) for s in _spans(module)
    ]


def test_node_classes_are_final_so_the_decoders_exact_type_tests_are_complete() -> None:
    # the decoder accepts a field's node by ``type(x) in allowed``, not isinstance
    assert all(not cls.__subclasses__() for cls in cache.NODE_CLASSES.values())


def test_classes_of_one_shape_share_their_generated_decoder_code() -> None:
    # the code is generated per shape (field kinds), so a fresh process compiles less
    makers = [cache._decoder_maker(cls) for cls in (n.BoolOp, n.Compare, n.Arith)]
    assert len({id(make) for make, _, _ in makers}) == 1
    assert [own[0] for _, own, _ in makers] == [n.BoolOp, n.Compare, n.Arith]
    assert cache._decoder_maker(n.If)[0] is not makers[0][0]


def test_decoded_nodes_share_one_span_per_place_and_equal_constructed_ones() -> None:
    module = load_pack("cn-credit-reporting").modules[0]
    back = _round_trip(module)
    assert back == module and hash(back) == hash(module) and repr(back) == repr(module)
    spans = _spans(back)
    by_place = {(s.file, s.line, s.column, s.end_line, s.end_column): s for s in spans}
    assert len({id(s) for s in spans}) == len(by_place) < len(spans)


def test_a_parsed_bundled_pack_round_trips() -> None:
    for module in load_pack("cn-credit-reporting").modules:
        back = _round_trip(module)
        assert back == module and _spans(back) == _spans(module)


# ---------------------------------------------------------------- entries on disk


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    cache.parse_module.cache_clear()
    return folder


RULES = """\
const LIMIT = 3
predicate unused_one = company.name == "x"
rule T-1 {
    title: "Has a name"
    domain: licensing
    severity: high
    require: company.name != ""
}
"""


def _pack(tmp_path: Path, rules: str = RULES) -> Path:
    folder = tmp_path / "cached-pack"
    folder.mkdir(exist_ok=True)
    (folder / "pack.yaml").write_text(
        "id: cached-pack\nversion: 1.0.0\ntitle: Cached\n", encoding="utf-8"
    )
    (folder / "main.rules").write_text(rules, encoding="utf-8")
    return folder


def _checked(folder: Path) -> CheckedPack:
    cache.parse_module.cache_clear()
    return checked_pack(load_pack(folder), load_declaration_schema())


def _entries(folder: Path, kind: str) -> list[Path]:
    return sorted(folder.glob(f"{kind}-*.json"))


def test_a_checked_pack_from_the_cache_equals_a_fresh_one_warnings_included(
    tmp_path: Path, cache_dir: Path
) -> None:
    folder = _pack(tmp_path)
    first = _checked(folder)
    assert len(_entries(cache_dir, "module")) == 1 and len(_entries(cache_dir, "checked")) == 1
    assert {"unused", "missing-cite", "missing-remediation"} <= {w.code for w in first.warnings}
    again = _checked(folder)
    assert again.rules == first.rules
    assert [r.span for r in again.rules] == [r.span for r in first.rules]
    assert again.warnings == first.warnings  # code, message, span, level, snippet, hint
    assert again.warnings and all(w.snippet for w in again.warnings)
    assert dict(again.consts) == dict(first.consts)
    assert dict(again.predicates) == dict(first.predicates)
    assert again.domains == first.domains and again.disabled == first.disabled


def test_a_hit_reads_no_tree_until_one_is_looked_at(tmp_path: Path, cache_dir: Path) -> None:
    folder = _pack(tmp_path)
    fresh = _checked(folder)
    cache.parse_module.cache_clear()
    loaded = load_pack(folder)
    assert isinstance(loaded.modules, cache.DeferredModules)
    hit = checked_pack(loaded, load_declaration_schema())
    assert hit.rules == fresh.rules and cache.parse_module.cache_info().currsize == 0
    # looked at, or sent to a batch worker, they are the parser's trees
    assert pickle.loads(pickle.dumps(loaded)).modules == load_pack(folder).modules
    assert [m.path for m in loaded.modules] == [str(folder / "main.rules")]
    assert list(loaded.modules) == [*loaded.modules] == loaded.modules[:]
    with cache.caching(False):
        assert type(load_pack(folder).modules) is list  # no cache: parsed at once


def test_a_syntax_error_is_reported_at_load_with_the_cache_warm(
    tmp_path: Path, cache_dir: Path
) -> None:
    folder = _pack(tmp_path)
    _checked(folder)
    (folder / "broken.rules").write_text("rule {", encoding="utf-8")
    cache.parse_module.cache_clear()
    with pytest.raises(PackError) as raised:
        load_pack(folder)
    assert raised.value.diagnostics[0].code == "syntax"


def test_a_changed_file_is_a_miss(tmp_path: Path, cache_dir: Path) -> None:
    folder = _pack(tmp_path)
    _checked(folder)
    changed = _checked(_pack(tmp_path, RULES.replace('"Has a name"', '"Named"')))
    assert changed.rules[0].title["en"] == "Named"
    assert len(_entries(cache_dir, "checked")) == 2


def test_unsaved_text_is_what_is_cached_and_checked(tmp_path: Path, cache_dir: Path) -> None:
    folder = _pack(tmp_path)
    _checked(folder)
    typed = RULES.replace('"Has a name"', '"Typed"')
    with api.unsaved_texts({str(folder / "main.rules"): typed}):
        assert _checked(folder).rules[0].title["en"] == "Typed"
    assert _checked(folder).rules[0].title["en"] == "Has a name"


def _rewrite(entry: Path, change: object) -> None:
    header_line, _, body = entry.read_text(encoding="utf-8").partition("\n")
    header = json.loads(header_line)
    data = json.loads(body)
    new_body = json.dumps(change(data) if callable(change) else change)
    header.update(length=len(new_body), sha256=cache.text_digest(new_body))
    entry.write_text(json.dumps(header) + "\n" + new_body, encoding="utf-8")


def _swap_tag(body: dict[str, Any]) -> dict[str, Any]:
    body["classes"][body["classes"].index("Compare")] = "Evil"
    return body


def _wrong_node_class(body: dict[str, Any]) -> dict[str, Any]:
    """Names (expressions) turned into rule references: same width, not allowed there."""
    body["classes"][body["classes"].index("Name")] = "RuleRef"
    return body


def _wrong_field(body: dict[str, object]) -> dict[str, object]:
    text = json.dumps(body).replace('"!="', "12", 1)
    return json.loads(text)  # type: ignore[no-any-return]


def _too_deep(body: dict[str, Any]) -> dict[str, Any]:
    """The rule's first field nested far deeper than the parser allows (a stack bomb)."""
    classes = body["classes"]
    for name in ("Literal_", "Not"):
        if name not in classes:
            classes.append(name)
    deep: object = [classes.index("Literal_"), 0, True]
    for _ in range(400):
        deep = [classes.index("Not"), 0, deep]
    definitions = body["tree"][3][1:]  # ["Module", span, path, ["$tuple", definition…]]
    rule = next(d for d in definitions if classes[d[0]] == "RuleDef")
    rule[3][1][3] = deep  # ["RuleDef", span, id, ["$tuple", ["RuleField", span, key, value]…
    return body


def _break_module(entry: Path, how: str) -> None:
    raw = entry.read_bytes()
    if how == "garbage":
        entry.write_bytes(b"\x00\xff not an entry at all")
    elif how == "truncated":
        entry.write_bytes(raw[: len(raw) // 2])
    elif how == "checksum":  # one byte of the body changed, header left as it was
        entry.write_bytes(raw.replace(b'"T-1"', b'"T-2"'))
    elif how == "foreign":  # a valid entry of another text, under this text's name
        header_line, _, body = raw.decode().partition("\n")
        header = json.loads(header_line)
        header["key"]["text"] = "0" * 64
        entry.write_text(json.dumps(header) + "\n" + body, encoding="utf-8")
    elif how == "not-utf8":  # length and checksum right, a byte that is no UTF-8
        header_line, _, body = raw.partition(b"\n")
        body = body.replace(b'"T-1"', b'"T-\xff"')
        header = json.loads(header_line)
        header.update(length=len(body), sha256=hashlib.sha256(body).hexdigest())
        entry.write_bytes(json.dumps(header).encode() + b"\n" + body)
    elif how == "unknown-node":
        _rewrite(entry, _swap_tag)
    elif how == "wrong-node-class":
        _rewrite(entry, _wrong_node_class)
    elif how == "wrong-field-type":
        _rewrite(entry, _wrong_field)
    elif how == "too-deep":
        _rewrite(entry, _too_deep)
    elif how == "not-an-object":
        _rewrite(entry, [1, 2, 3])
    elif how == "fifo":
        entry.unlink()
        os.mkfifo(entry)


BREAKAGES = [
    "garbage",
    "truncated",
    "checksum",
    "foreign",
    "not-utf8",
    "unknown-node",
    "wrong-node-class",
    "wrong-field-type",
    "too-deep",
    "not-an-object",
    "fifo",
]


@pytest.mark.parametrize("how", BREAKAGES)
def test_a_bad_module_entry_is_ignored_and_rebuilt(
    tmp_path: Path, cache_dir: Path, how: str
) -> None:
    folder = _pack(tmp_path)
    fresh = load_pack(folder).modules
    cache.parse_module.cache_clear()
    (entry,) = _entries(cache_dir, "module")
    _break_module(entry, how)
    cache.parse_module.cache_clear()
    again = load_pack(folder).modules
    assert again == fresh and _spans(again[0]) == _spans(fresh[0])
    # rebuilt: the entry verifies again (a FIFO is refused as a target: it stays a miss)
    cache.parse_module.cache_clear()
    key = cache.tool_key(text=cache.text_digest(RULES))
    assert (cache.read_entry("module", key) is None) == (how == "fifo")


@pytest.mark.parametrize(
    "change",
    [
        lambda body: {**body, "rules": [["T-1"]]},
        lambda body: {**body, "rules": [[*body["rules"][0][:16], 10**6, body["rules"][0][17]]]},
        lambda body: {
            **body,
            "classes": [*body["classes"], "RuleRef"],
            "rules": [
                [*body["rules"][0][:5], [len(body["classes"]), 0, "T-1"], *body["rules"][0][6:]]
            ],
        },
        lambda body: {**body, "rules": [[*body["rules"][0][:17], 0]]},
        lambda body: {**body, "rules": [[*body["rules"][0][:7], ["x", 1], *body["rules"][0][8:]]]},
        lambda body: {**body, "warnings": [["unused", "x", None, "fatal", None, None]]},
        lambda body: {**body, "consts": [["LIMIT", ["$pickle", "x"]]]},
        lambda body: {**body, "files": [7]},
        lambda body: "hostile",
    ],
    ids=[
        "short-rule",
        "no-such-place",
        "not-an-expression",
        "overrides-not-a-list",
        "cite-not-texts",
        "bad-level",
        "bad-value",
        "files",
        "string",
    ],
)
def test_a_bad_checked_entry_is_ignored_and_rebuilt(
    tmp_path: Path, cache_dir: Path, change: object
) -> None:
    folder = _pack(tmp_path)
    fresh = _checked(folder)
    (entry,) = _entries(cache_dir, "checked")
    written = entry.read_bytes()
    _rewrite(entry, change)
    again = _checked(folder)
    assert again.rules == fresh.rules and again.warnings == fresh.warnings
    assert again.consts == fresh.consts
    # refused, not read as something close: the entry was rebuilt as first written
    assert entry.read_bytes() == written


def _module_body() -> dict[str, Any]:
    module = load_pack("cn-credit-reporting").modules[0]
    encoder = cache.TreeEncoder()
    tree = encoder.node(module)
    return json.loads(json.dumps({"tree": tree, **encoder.tables()}))  # type: ignore[no-any-return]


def _set(where: str, value: object) -> object:
    """A change to a module's body: ``value`` put at ``where`` (keys and indexes, by dots)."""

    def change(body: dict[str, Any]) -> None:
        *path, last = [int(k) if k.lstrip("-").isdigit() else k for k in where.split(".")]
        target: Any = body
        for key in path:
            target = target[key]
        target[last] = value(body) if callable(value) else value

    return change


# Each breaks one rule of the format; the decoder must refuse it (not decode something else)
MALFORMED = {
    "class-a-bool": _set("tree.0", False),  # Module is class 0: False == 0 in a lookup
    "class-negative": _set("tree.0", -1),
    "class-out-of-range": _set("tree.0", 99),
    "class-unknown": _set("classes.0", "Evil"),
    "class-not-a-name": _set("classes.0", 0),
    "span-a-bool": _set("tree.1", True),
    "span-negative": _set("tree.1", -1),
    "span-out-of-range": _set("tree.1", lambda body: len(body["spans"]) // 5),
    "places-not-in-fives": _set("spans", lambda body: body["spans"][:-1]),
    "place-in-no-file": _set("spans.0", lambda body: len(body["files"])),
    "place-file-negative": _set("spans.0", -1),
    "place-line-a-bool": _set("spans.1", True),
    "place-column-a-float": _set("spans.2", 1.0),
    "place-end-a-string": _set("spans.3", "1"),
    "files-not-names": _set("files.0", 3),
    "module-path-not-text": _set("tree.2", 3),
    "definitions-not-a-tuple": _set("tree.3.0", "$list"),
    "node-width": _set("tree", lambda body: [*body["tree"], None]),
    "tables-missing": lambda body: body.pop("classes"),
}


def test_the_decoder_reads_an_unchanged_body() -> None:
    body = _module_body()
    module = cache.TreeDecoder(body).node(body["tree"])
    assert module == load_pack("cn-credit-reporting").modules[0]


@pytest.mark.parametrize("how", MALFORMED)
def test_the_decoder_refuses_a_malformed_body(how: str) -> None:
    body = _module_body()
    MALFORMED[how](body)  # type: ignore[operator]
    with pytest.raises(cache.UNTRUSTWORTHY):
        cache.TreeDecoder(body).node(body["tree"])


def test_a_cache_folder_that_cannot_be_written_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(blocker / "cache"))
    cache.parse_module.cache_clear()
    checked = _checked(_pack(tmp_path))
    assert [r.id for r in checked.rules] == ["T-1"]


def test_caching_off_reads_and_writes_nothing(tmp_path: Path, cache_dir: Path) -> None:
    with cache.caching(False):
        _checked(_pack(tmp_path))
    assert not cache_dir.exists()


def test_where_the_cache_lives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "override"))
    assert cache.cache_dir() == tmp_path / "override"
    monkeypatch.delenv(cache.CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "licensecheck"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "licensecheck"
    with cache.caching(False):
        assert cache.cache_dir() is None


CHECK = [
    "check",
    "examples/demo-credit-scoring.yaml",
    "--pack",
    "cn-credit-reporting",
    "--format",
    "json",
    "--as-of",
    "2026-01-15",
]
CHILD = """
import json, sys
from licensecheck.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
loaded = ["lark", "jsonschema", "licensecheck.engine.check", "licensecheck.engine.codegen"]
print(json.dumps([name in sys.modules for name in loaded]), file=sys.stderr)
"""


def _run(args: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, cache.CACHE_DIR_ENV: str(folder)}
    return subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_warm_check_is_byte_identical_and_loads_no_parser_jsonschema_or_static_checks(
    tmp_path: Path,
) -> None:
    cold = _run(CHECK, tmp_path / "c")
    warm = _run(CHECK, tmp_path / "c")
    assert cold.returncode == warm.returncode == 0 or cold.returncode == warm.returncode == 1
    assert warm.stdout == cold.stdout and warm.stdout.startswith("{")
    # [Lark, jsonschema, the static checks, the code generator loaded]: a valid declaration
    # never needs jsonschema (the compiled validator accepts it), a warm cache never needs
    # the parser nor the checks, and one declaration never runs a pack warm enough to
    # generate its code
    assert json.loads(cold.stderr.splitlines()[-1]) == [True, False, True, False]
    assert json.loads(warm.stderr.splitlines()[-1]) == [False, False, False, False]
    off = _run([*CHECK, "--no-cache"], tmp_path / "off")
    assert off.stdout == cold.stdout and not (tmp_path / "off").exists()
