"""Declaration skeletons: the fields a pack's rules read, as a form to fill in (``init``).

Input: a checked pack (its rules' expressions, the predicates they use, and the declaration
schema merged with the pack's extensions). Output: the declaration paths every rule reads
(:func:`rule_reads`, also shown by ``explain``) and a YAML skeleton holding exactly those
fields (:func:`declaration_skeleton`), each commented with what it is, the values it
allows and the rules that use it. Fields are left empty, so an assessment of the untouched
skeleton reports them as "not declared"; required fields get placeholders so that the
skeleton is a valid declaration from the start.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..declaration.schema import SchemaNode
from ..engine.rules import CheckedPack, Rule
from ..lang import nodes as n
from ..resources import schemas_dir

#: The marker of "an element of this list" in a read path: ``data_sources[].kind``
ELEMENT = "[]"

ReadPath = tuple[str, ...]


# ---------------------------------------------------------------- what rules read


def rule_reads(rule: Rule, pack: CheckedPack) -> set[ReadPath]:
    """Every declaration path the rule reads, its predicates' included; list elements are
    :data:`ELEMENT` steps and a computed index reads every element."""
    reads: set[ReadPath] = set()
    walker = _Reads(pack, reads)
    for expr in (rule.when, rule.require):
        if expr is not None:
            walker.visit(expr, {})
    return reads


def format_read(path: ReadPath) -> str:
    """``("data_sources", "[]", "kind")`` as ``data_sources[].kind``."""
    text = ""
    for key in path:
        if key == ELEMENT:
            text += ELEMENT
        elif key.isidentifier():
            text += f".{key}" if text else key
        else:
            text += f"[{json.dumps(key, ensure_ascii=False)}]"
    return text


class _Reads:
    def __init__(self, pack: CheckedPack, reads: set[ReadPath]) -> None:
        self.pack = pack
        self.reads = reads
        self.top = set(pack.schema.root.properties)
        self.predicates_seen: set[str] = set()

    def visit(self, expr: n.Expr, env: Mapping[str, ReadPath]) -> None:
        path = self.path(expr, env)
        if path is not None:
            self.reads.add(path)
        if isinstance(expr, n.Quantifier | n.Aggregate):
            self.visit(expr.collection, env)
            collection = self.path(expr.collection, env)
            inner = {**env, expr.var: (*collection, ELEMENT)} if collection else dict(env)
            inner_env = inner if collection else {k: v for k, v in env.items() if k != expr.var}
            for part in (expr.filter, expr.body):
                if part is not None:
                    self.visit(part, inner_env)
            return
        if isinstance(expr, n.Name) and expr.name in self.pack.predicates:
            if expr.name not in self.predicates_seen:
                self.predicates_seen.add(expr.name)
                self.visit(self.pack.predicates[expr.name], {})
            return
        if isinstance(expr, n.Attr | n.Index) and path is not None:
            if isinstance(expr, n.Index):
                self.visit(expr.index, env)
            self._visit_indexes(expr.obj, env)
            return
        for child in expr.children():
            self.visit(child, env)

    def _visit_indexes(self, expr: n.Expr, env: Mapping[str, ReadPath]) -> None:
        """Computed indexes inside a path read declaration values of their own."""
        while isinstance(expr, n.Attr | n.Index):
            if isinstance(expr, n.Index):
                self.visit(expr.index, env)
            expr = expr.obj

    def path(self, expr: n.Expr, env: Mapping[str, ReadPath]) -> ReadPath | None:
        """The declaration path a path expression reads, or None for a computed value."""
        if isinstance(expr, n.Name):
            if expr.name in env:
                return env[expr.name]
            if expr.name in self.top and expr.name not in self.pack.consts:
                return (expr.name,)
            return None
        if isinstance(expr, n.Attr):
            base = self.path(expr.obj, env)
            return (*base, expr.name) if base is not None else None
        if isinstance(expr, n.Index):
            base = self.path(expr.obj, env)
            if base is None:
                return None
            index = expr.index
            if isinstance(index, n.Literal_) and isinstance(index.value, str):
                return (*base, index.value)
            return (*base, ELEMENT)
        return None


# ---------------------------------------------------------------- the skeleton


@dataclass
class _Field:
    key: str
    schema: SchemaNode | None
    rules: set[str] = field(default_factory=set)
    children: dict[str, _Field] = field(default_factory=dict)
    read: bool = False  # read as a value itself, not only through its children


def declaration_skeleton(pack: CheckedPack) -> str:
    """A YAML declaration holding exactly the fields ``pack``'s rules read, each commented."""
    root = _Field("", pack.schema.root)
    count = 0
    for rule in sorted(pack.rules, key=lambda r: r.id):
        for path in rule_reads(rule, pack):
            node = root
            for key in path:
                if key not in node.children:
                    node.children[key] = _Field(key, _child_schema(node.schema, key))
                node = node.children[key]
            if not node.read:
                count += 1
            node.read = True
            node.rules.add(rule.id)
    for key in ("schema_version", "company"):  # required of every declaration
        root.children.setdefault(key, _Field(key, _child_schema(root.schema, key)))
    company = root.children["company"]
    company.children.setdefault("name", _Field("name", _child_schema(company.schema, "name")))
    intro = (
        f"A declaration for the pack {pack.id} {pack.version} ({pack.title}): the {count} fields "
        f"its {len(pack.rules)} rules read, each with what it is, the values it takes and the "
        "rules that use it. Fill in what you know; a field left empty counts as not declared "
        "(the rules that need it report 'unknown' and name it). Delete the comments as you go."
    )
    lines = [f"# {line}" for line in textwrap.wrap(intro, 96, break_on_hyphens=False)]
    lines.append(f"#   licensecheck validate FILE  ·  licensecheck check FILE --pack {pack.id}")
    lines.extend(_mapping(root, 0))
    return "\n".join(lines) + "\n"


def schema_modeline(written_to: str | os.PathLike[str]) -> str:
    """The first line that has the YAML language server validate a declaration saved as
    ``written_to`` against the declaration schema (named relative to the file)."""
    schema = schemas_dir() / "declaration.schema.json"
    folder = os.path.dirname(os.path.abspath(written_to))
    try:
        where = os.path.relpath(schema, folder)
    except ValueError:  # another drive on Windows
        where = str(schema)
    return f"# yaml-language-server: $schema={Path(where).as_posix()}\n"


def _child_schema(schema: SchemaNode | None, key: str) -> SchemaNode | None:
    if schema is None:
        return None
    return schema.items if key == ELEMENT else schema.child(key)


def _ordered(node: _Field) -> list[_Field]:
    """Children in the schema's order (then any others by name)."""
    order = list(node.schema.properties) if node.schema is not None else []
    rank = {key: i for i, key in enumerate(order)}
    return sorted(node.children.values(), key=lambda f: (rank.get(f.key, len(rank)), f.key))


def _mapping(node: _Field, indent: int) -> list[str]:
    """The children of ``node`` as mapping entries at ``indent`` spaces."""
    lines: list[str] = []
    for child in _ordered(node):
        comments, entry = _entry(child, indent)
        lines.extend(comments + entry)
    return lines


def _entry(node: _Field, indent: int) -> tuple[list[str], list[str]]:
    """(comment lines, entry lines) of one field."""
    pad = " " * indent
    comments = [f"{pad}# {line}" for line in _describe(node)]
    key = node.key if node.key.isidentifier() else json.dumps(node.key, ensure_ascii=False)
    head = f"{pad}{key}:"
    element = node.children.get(ELEMENT)
    if element is not None:
        is_object = element.schema is not None and element.schema.kind == "object"
        if element.children or is_object:
            return comments, [head, *_element(element, indent + 2)]
        return comments, [head]  # a list of plain values: left empty
    if node.children:
        return comments, [head, *_mapping(node, indent + 2)]
    return comments, [f"{head} {_placeholder(node)}".rstrip()]


def _element(element: _Field, indent: int) -> list[str]:
    """A list holding one element: ``- `` before its first entry (its ``id``, which list
    elements require)."""
    id_schema = _child_schema(element.schema, "id")
    if id_schema is not None and "id" not in element.children:
        element.children["id"] = _Field("id", id_schema)
    lines: list[str] = []
    for index, child in enumerate(_ordered(element)):
        comments, entry = _entry(child, indent + 2)
        if index == 0:
            comments = [" " * indent + c.lstrip() for c in comments]
            entry = [" " * indent + "- " + entry[0].lstrip(), *entry[1:]]
        lines.extend(comments + entry)
    return lines


def _placeholder(node: _Field) -> str:
    if node.key == "schema_version":
        return "1"
    if (
        node.key == "name"
        and node.schema is not None
        and node.schema.pointer.startswith("/properties/company")
    ):
        return '"(your company\'s legal name)"'
    if node.key == "id":
        return "example-1"
    return ""


def _describe(node: _Field) -> list[str]:
    if node.key in ("schema_version",):
        return []
    schema = node.schema
    parts: list[str] = []
    if schema is not None and schema.description:
        parts.append(first_sentence(schema.description))
    allowed = value_words(schema)
    if allowed:
        parts.append(allowed)
    if node.rules:
        parts.append("used by " + ", ".join(sorted(node.rules)))
    text = "; ".join(parts)
    return textwrap.wrap(text, 96, break_on_hyphens=False) if text else []


def value_words(schema: SchemaNode | None) -> str:
    """What a field takes, in words: "true or false", "one of a, b", "a list of …"."""
    if schema is None:
        return ""
    if schema.kind == "array" and schema.items is not None:
        inner = value_words(schema.items)
        return f"a list of {inner.removeprefix('one of ')}" if inner else "a list"
    if schema.enum:
        return "one of " + ", ".join(str(v) for v in schema.enum)
    return {
        "boolean": "true or false",
        "integer": "a whole number",
        "number": "a number",
        "date": "a date YYYY-MM-DD",
        "string": "text",
    }.get(schema.kind, "")


#: Words whose trailing period ends an abbreviation, not a sentence ("e.g. a bank", "No. 5")
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "cf", "no", "nos", "para", "vs", "ltd", "inc", "co"}
)


def first_sentence(text: str) -> str:
    """The first sentence of a schema description, or all of it when no period surely ends
    one: a comment cut at "Art." or "e.g." would stop mid-sentence and mislead."""
    for end in re.finditer(r"\.\s+(?=\S)", text):
        before = text[: end.start()]
        if before.count("(") == before.count(")") and not _abbreviation(before.split()[-1]):
            return before
    return text.rstrip(".")


def _abbreviation(word: str) -> bool:
    """ "e.g", "V.S.A" and short capitalised words ("Art", "Cal", "Civ") end with a period that
    does not end the sentence."""
    return (
        word.lower() in _ABBREVIATIONS
        or "." in word
        or (len(word) <= 4 and word[:1].isupper() and word[1:].islower())
    )


def schema_at(pack: CheckedPack, path: ReadPath) -> SchemaNode | None:
    """The schema of a read path (``ELEMENT`` steps go into a list's items)."""
    node: SchemaNode | None = pack.schema.root
    for key in path:
        node = _child_schema(node, key)
    return node


def read_fields(pack: CheckedPack) -> dict[ReadPath, set[str]]:
    """Every path the pack's rules read, with the rules that read it."""
    fields: dict[ReadPath, set[str]] = {}
    for rule in pack.rules:
        for path in rule_reads(rule, pack):
            fields.setdefault(path, set()).add(rule.id)
    return fields


def leaves(paths: Iterable[ReadPath]) -> set[ReadPath]:
    """The paths that are no other path's prefix."""
    all_paths = set(paths)
    prefixes = {p[:i] for p in all_paths for i in range(1, len(p))}
    return all_paths - prefixes
