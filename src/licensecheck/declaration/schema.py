"""The declaration schema: JSON Schema document in, typed :class:`SchemaNode` tree out.

``schemas/declaration.schema.json`` is the contract users see. This module loads it (or any
other document, such as the bundled one merged with pack fragments), checks that it is a valid
draft 2020-12 schema, and turns it into a tree of :class:`SchemaNode` that both the rule static
checker (which declaration paths exist, what type each has) and the declaration loader (where
dates are, for converting them) walk. Validation itself stays with ``jsonschema``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from licensecheck import codes
from licensecheck._record import Record
from licensecheck.errors import Diagnostic, LicenseCheckError
from licensecheck.lang.operations import compile_pattern
from licensecheck.resources import schemas_dir

# jsonschema (about a quarter of a cold start's imports) is imported only where it is used:
# valid declarations are accepted by the compiled validator and never need it, and the
# bundled schema is not checked against the metaschema at run time.
if TYPE_CHECKING:
    # No stubs ship for jsonschema; "unused-ignore" keeps this quiet if types-jsonschema is added.
    import jsonschema.protocols  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "ANY",
    "KIND_KEYWORD",
    "DeclarationSchema",
    "SchemaDefinitionError",
    "SchemaKind",
    "SchemaNode",
    "build_schema",
    "describe",
    "description_key",
    "load_declaration_schema",
]

SchemaKind = Literal["object", "array", "string", "integer", "number", "boolean", "date", "any"]

DECLARATION_SCHEMA_FILE = "declaration.schema.json"

#: Field descriptions in other languages: ``declaration.<lang>.json`` beside the schema, a JSON
#: object from a :func:`description_key` to the description in that language.
DESCRIPTIONS_FILE = "declaration.{lang}.json"

#: The schema annotation that sorts fields into facts (``"fact"``: a licence's kind, a data
#: volume, a past incident) and controls (anything else: what the firm can put in place).
#: JSON Schema ignores keywords it does not know, so validators pass it through; this module
#: is the one place that reads it.
KIND_KEYWORD = "x-licensecheck-kind"

_EMPTY: Mapping[str, SchemaNode] = MappingProxyType({})


class SchemaDefinitionError(LicenseCheckError):
    """A schema document is not one licensecheck can use (invalid, or a non-local ``$ref``)."""


class SchemaNode(Record):
    """What the schema allows at one place of a declaration.

    ``kind`` is the JSON type, except that a string with ``format: date`` is ``"date"`` and a
    schema without a single type is ``"any"``. ``properties`` lists an object's known keys;
    ``additional`` is the schema of any other key (``None`` when the object is closed);
    ``items`` is an array's element schema. ``pointer`` is the JSON pointer of this schema in
    the document, so errors about the schema itself can say where to look. ``fact`` marks a
    fact about the firm (``"x-licensecheck-kind": "fact"``): what it is, holds or has done,
    which a fix suggestion must never propose to re-declare (see :data:`KIND_KEYWORD`).

    ``enforced`` says that validation guarantees ``kind`` (a ``type`` keyword naming that one
    type, without ``null``), not just that the kind was inferred from other keywords; ``required``
    lists an object's keys validation guarantees present. Generated code for validated data
    relies on both (engine/codegen.py), so they are never claimed beyond what validation checks.
    """

    # A Record, not a frozen dataclass: building that compiled its methods at every start
    # (~0.7 ms of a cold check, issue #12). It behaves as the dataclass did: the fields in
    # this order, each with its default; FrozenInstanceError on assignment; a repr without
    # the subtrees. Nodes are compared and hashed by identity (the dataclass had eq=False):
    # they are built once per schema and the static checker keys tables by node; field-wise
    # equality over a whole subtree would be slow and, with mappings inside, unhashable.
    __match_args__ = (
        "kind",
        "description",
        "properties",
        "additional",
        "items",
        "enum",
        "minimum",
        "maximum",
        "pointer",
        "fact",
        "enforced",
        "required",
    )
    # Subtrees stay out of repr: printing one node should not print the whole schema.
    _shown = (
        "kind",
        "description",
        "enum",
        "minimum",
        "maximum",
        "pointer",
        "fact",
        "enforced",
        "required",
    )
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    kind: SchemaKind
    description: str
    properties: Mapping[str, SchemaNode]
    additional: SchemaNode | None
    items: SchemaNode | None
    enum: tuple[object, ...] | None
    minimum: float | None
    maximum: float | None
    pointer: str
    fact: bool
    enforced: bool
    required: frozenset[str]

    def __init__(
        self,
        kind: SchemaKind,
        description: str = "",
        properties: Mapping[str, SchemaNode] = _EMPTY,
        additional: SchemaNode | None = None,
        items: SchemaNode | None = None,
        enum: tuple[object, ...] | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        pointer: str = "",
        fact: bool = False,
        enforced: bool = False,
        required: frozenset[str] = frozenset(),
    ) -> None:
        self.__dict__.update(
            kind=kind,
            description=description,
            properties=properties,
            additional=additional,
            items=items,
            enum=enum,
            minimum=minimum,
            maximum=maximum,
            pointer=pointer,
            fact=fact,
            enforced=enforced,
            required=required,
        )

    def _with(self, **changes: Any) -> SchemaNode:
        """A copy with ``changes`` (what :func:`dataclasses.replace` did)."""
        return SchemaNode(**{**self.__dict__, **changes})

    def child(self, key: str | int) -> SchemaNode | None:
        """The schema of ``self[key]``: a property (or an extra key) of an object, an array item."""
        if self.kind == "any":
            return self  # nothing is known below an unconstrained value
        if isinstance(key, str):
            if self.kind != "object":
                return None
            return self.properties.get(key, self.additional)
        if self.kind == "array":
            return self.items
        return None


ANY = SchemaNode(kind="any")


class DeclarationSchema:
    """A declaration JSON Schema document and the :class:`SchemaNode` tree built from it;
    ``text`` is the JSON text the document was read from, when it was read from one."""

    def __init__(
        self, document: dict[str, Any], root: SchemaNode, *, text: str | None = None
    ) -> None:
        self.document = document
        self.root = root
        self.text = text
        self._validator: jsonschema.protocols.Validator | None = None
        self._compiled: Any = None  # jsonschema_rs.Validator, built on first use
        self._reaching: dict[str, frozenset[int]] = {}

    def validator(self) -> jsonschema.protocols.Validator:
        """A draft 2020-12 validator that also checks ``format`` (so bad dates are errors)
        and matches ``pattern`` and ``patternProperties`` with RE2, in linear time."""
        if self._validator is None:
            validator_class = _re2_validator_class()
            checker = validator_class.FORMAT_CHECKER
            self._validator = validator_class(self.document, format_checker=checker)
        return self._validator

    def accepts(self, data: object) -> bool:
        """Whether ``data`` is valid, by a compiled (Rust) validator that also checks formats.

        The fast path for valid documents: ``True`` is trusted, ``False`` only means that
        :meth:`validator` must find and word the problems (it alone gives the messages).
        The compiled validator is at least as strict: its ``date`` format is RFC 3339's.
        """
        if self._compiled is None:
            import jsonschema_rs

            self._compiled = jsonschema_rs.validator_for(self.document, validate_formats=True)
        try:
            return bool(self._compiled.is_valid(data))
        except (ValueError, TypeError, OverflowError):  # e.g. an integer beyond 64 bits
            return False

    def reaching(self, name: str, test: Callable[[SchemaNode], bool]) -> frozenset[int]:
        """The ids of the nodes with a node below them (or themselves) that ``test`` holds
        for, worked out once per ``name``: a walk of a declaration for what ``test`` looks
        for (dates to convert, lists with ids) leaves the other parts unvisited."""
        found = self._reaching.get(name)
        if found is None:
            found = self._reaching[name] = _reaching(self.root, test)
        return found

    def node_at(self, path: Sequence[str | int]) -> SchemaNode | None:
        """The node for a declaration path such as ``("data_sources", 0, "kind")``, if allowed."""
        node: SchemaNode | None = self.root
        for key in path:
            if node is None:
                return None
            node = node.child(key)
        return node

    def is_fact(self, path: Sequence[str | int]) -> bool:
        """Whether the field at ``path`` is, or is part of, a fact about the firm (see
        :data:`KIND_KEYWORD`): an item of a list of facts is a fact too."""
        node: SchemaNode | None = self.root
        for key in path:
            if node is None:
                return False
            node = node.child(key)
            if node is not None and node.fact:
                return True
        return False


def _reaching(root: SchemaNode, test: Callable[[SchemaNode], bool]) -> frozenset[int]:
    """See :meth:`DeclarationSchema.reaching`; a schema with ``$ref`` cycles is a graph, so
    what ``test`` holds for is spread up its edges from child to parent until nothing moves."""
    nodes: dict[int, SchemaNode] = {}
    parents: dict[int, list[int]] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in nodes:
            continue
        nodes[id(node)] = node
        children = [*node.properties.values(), node.additional, node.items]
        for child in children:
            if child is not None:
                parents.setdefault(id(child), []).append(id(node))
                stack.append(child)
    reached = {key for key, node in nodes.items() if test(node)}
    pending = list(reached)
    while pending:
        for parent in parents.get(pending.pop(), ()):
            if parent not in reached:
                reached.add(parent)
                pending.append(parent)
    return frozenset(reached)


@cache
def load_declaration_schema() -> DeclarationSchema:
    """The bundled declaration schema (read once per process)."""
    path = schemas_dir() / DECLARATION_SCHEMA_FILE
    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text)
    except (OSError, ValueError) as exc:
        raise SchemaDefinitionError(
            Diagnostic(codes.SCHEMA_DEFINITION, f"cannot read the bundled schema {path}: {exc}")
        ) from exc
    # The bundled schema is checked against the metaschema by the test suite; checking it
    # again in every process would cost a third of the start-up time.
    return build_schema(document, trusted=True, text=text)


def build_schema(
    document: dict[str, Any], *, trusted: bool = False, text: str | None = None
) -> DeclarationSchema:
    """Check ``document`` as a draft 2020-12 schema (unless ``trusted``) and build its node
    tree; ``text``, when given, is the JSON text ``document`` was read from."""
    if not isinstance(document, dict):
        raise _definition_error("", "a schema document must be a JSON object")
    try:
        if not trusted:
            _check_against_metaschema(document)
        root = _Builder(document).build(document, "", ())
    except RecursionError:  # a (pack) schema nested absurdly deep: refuse it, do not crash
        raise _definition_error("", "the schema is nested too deeply") from None
    return DeclarationSchema(document, root, text=text)


def _check_against_metaschema(document: dict[str, Any]) -> None:
    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    try:
        jsonschema.Draft202012Validator.check_schema(document)
    except jsonschema.exceptions.SchemaError as exc:
        where = _pointer(exc.absolute_path)
        raise _definition_error(where, f"not a valid JSON Schema: {exc.message}") from exc


class _Builder:
    """Turns schema objects into nodes, following local ``$ref`` links."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        #: each ``$ref`` target built once: its subtree is the same wherever it is referred
        #: to (its pointers are the target's); the schema refers to ``date`` alone 48 times
        self.targets: dict[str, SchemaNode] = {}

    def build(self, schema: object, pointer: str, refs: tuple[str, ...]) -> SchemaNode:
        # The schema tree is small and hand-written, so recursion is bounded by its nesting;
        # ``refs`` holds the $ref chain being expanded, so a cycle is reported, not followed.
        if not isinstance(schema, dict):  # ``true`` (anything goes) or ``false``
            return ANY._with(pointer=pointer)
        description = str(schema.get("description", ""))
        fact = schema.get(KIND_KEYWORD) == "fact"
        if "$ref" in schema:
            target = self.build_ref(schema["$ref"], pointer, refs)
            return target._with(
                description=description or target.description,
                pointer=pointer,
                fact=fact or target.fact,
            )
        branch = _single_branch(schema)
        if branch is not None:
            branch_pointer, branch_schema = branch
            node = self.build(branch_schema, f"{pointer}{branch_pointer}", refs)
            return node._with(
                description=description or node.description,
                pointer=pointer,
                fact=fact or node.fact,
                # `X or null` lets null through where nulls are kept (list items)
                enforced=node.enforced and _only_branch(schema),
            )
        kind = _kind_of(schema)
        return SchemaNode(
            kind=kind,
            description=description,
            properties=self.properties(schema, pointer, refs) if kind == "object" else _EMPTY,
            additional=self.additional(schema, pointer, refs) if kind == "object" else None,
            items=self.items(schema, pointer, refs) if kind == "array" else None,
            enum=_enum_of(schema),
            minimum=_number(schema.get("minimum")),
            maximum=_number(schema.get("maximum")),
            pointer=pointer,
            fact=fact,
            enforced=_enforced(schema, kind),
            required=_required(schema) if kind == "object" else frozenset(),
        )

    def build_ref(self, ref: object, pointer: str, refs: tuple[str, ...]) -> SchemaNode:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise _definition_error(
                pointer, f"$ref {ref!r} is not supported: only local references ('#/$defs/...') are"
            )
        if ref in refs:
            chain = " -> ".join((*refs, ref))
            raise _definition_error(pointer, f"recursive $ref is not supported ({chain})")
        built = self.targets.get(ref)
        if built is None:
            target = _resolve_pointer(self.document, ref[1:], pointer)
            built = self.targets[ref] = self.build(target, ref[1:], (*refs, ref))
        return built

    def properties(
        self, schema: dict[str, Any], pointer: str, refs: tuple[str, ...]
    ) -> Mapping[str, SchemaNode]:
        props = schema.get("properties", {})
        return MappingProxyType(
            {
                key: self.build(sub, f"{pointer}/properties/{_escape(key)}", refs)
                for key, sub in props.items()
            }
        )

    def additional(
        self, schema: dict[str, Any], pointer: str, refs: tuple[str, ...]
    ) -> SchemaNode | None:
        extra = schema.get("additionalProperties", schema.get("unevaluatedProperties", True))
        if extra is False:
            return None
        return self.build(extra, f"{pointer}/additionalProperties", refs)

    def items(self, schema: dict[str, Any], pointer: str, refs: tuple[str, ...]) -> SchemaNode:
        return self.build(schema.get("items", True), f"{pointer}/items", refs)


def _kind_of(schema: dict[str, Any]) -> SchemaKind:
    """The node kind of one schema object (``type`` first, else inferred from keywords)."""
    declared = schema.get("type")
    types = [declared] if isinstance(declared, str) else list(declared or [])
    # A nullable type means "X or absent": the loader drops explicit nulls anyway.
    types = [t for t in types if t != "null"]
    if set(types) == {"integer", "number"}:
        types = ["number"]
    if len(types) == 1:
        kind = types[0]
    elif types:
        return "any"
    elif "properties" in schema or "additionalProperties" in schema:
        kind = "object"
    elif "items" in schema:
        kind = "array"
    else:
        return _kind_of_values(_enum_of(schema))
    if kind == "string" and schema.get("format") == "date":
        return "date"
    return _JSON_KINDS.get(kind, "any")


_JSON_KINDS: dict[object, SchemaKind] = {
    "object": "object",
    "array": "array",
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
}


def _kind_of_values(values: tuple[object, ...] | None) -> SchemaKind:
    """The kind shared by all ``enum``/``const`` values, for a schema that gives no ``type``."""
    if not values:
        return "any"
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, str) for v in values):
        return "string"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "number"
    return "any"


def _enforced(schema: dict[str, Any], kind: SchemaKind) -> bool:
    """Whether validating against ``schema`` guarantees ``kind``: its ``type`` names exactly
    that one JSON type (``number`` admits ints and floats, so it is never enforced)."""
    declared = schema.get("type")
    if kind in ("any", "number") or not isinstance(declared, str):
        return False
    return declared == ("string" if kind == "date" else kind)


def _required(schema: dict[str, Any]) -> frozenset[str]:
    keys = schema.get("required")
    return (
        frozenset(k for k in keys if isinstance(k, str)) if isinstance(keys, list) else frozenset()
    )


def _only_branch(schema: dict[str, Any]) -> bool:
    """Whether the schema's ``anyOf``/``oneOf``/``allOf`` has one branch and no ``null``."""
    return any(
        isinstance(schema.get(k), list) and len(schema[k]) == 1 for k in ("anyOf", "oneOf", "allOf")
    )


def _single_branch(schema: dict[str, Any]) -> tuple[str, object] | None:
    """The one non-null branch (and its relative pointer) of an ``anyOf``/``oneOf``/``allOf``
    in a schema without its own ``type``: ``X or null`` is just ``X`` to the rules."""
    if "type" in schema:
        return None
    for keyword in ("anyOf", "oneOf", "allOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            real = [(i, b) for i, b in enumerate(branches) if b != {"type": "null"}]
            if len(real) != 1:
                return None
            index, branch = real[0]
            return f"/{keyword}/{index}", branch
    return None


def _enum_of(schema: dict[str, Any]) -> tuple[object, ...] | None:
    if "const" in schema:
        return (schema["const"],)
    values = schema.get("enum")
    if isinstance(values, list):
        return tuple(v for v in values if v is not None)
    return None


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _escape(key: str) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _pointer(path: Sequence[object]) -> str:
    return "".join(f"/{_escape(str(p))}" for p in path)


def _resolve_pointer(document: object, pointer: str, at: str) -> object:
    """The value at a JSON pointer such as ``/$defs/date`` inside ``document``."""
    node = document
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise _definition_error(at, f"$ref '#{pointer}' points at nothing in the schema")
    return node


def _definition_error(pointer: str, message: str) -> SchemaDefinitionError:
    where = f"at '{pointer}'" if pointer else "at the top"
    return SchemaDefinitionError(Diagnostic(codes.SCHEMA_DEFINITION, f"schema {where}: {message}"))


# ---------------------------------------------------------------- linear-time patterns


def pattern_found(pattern: str, text: str) -> bool:
    """Whether ``pattern`` (a JSON Schema regular expression) occurs in ``text``, matched by
    RE2 in linear time: jsonschema's own ``re.search`` backtracks (``^(a+)+$`` hangs on 34
    characters). A pattern RE2 cannot compile matches nothing; loading a pack refuses it
    first (:func:`licensecheck.packs.extensions`), with its position."""
    try:
        return compile_pattern(pattern).found_in(text)
    except ValueError:
        return False


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not pattern_found(pattern, instance):
        yield _validation_error(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if pattern_found(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, extra: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = [
        key
        for key in instance
        if key not in known and not any(pattern_found(p, key) for p in patterns)
    ]
    if validator.is_type(extra, "object"):
        for key in extras:
            yield from validator.descend(instance[key], extra, path=key)
    elif not extra and extras:
        listed = ", ".join(repr(key) for key in sorted(extras))
        yield _validation_error(
            f"Additional properties are not allowed ({listed} {'was' if len(extras) == 1 else 'were'} unexpected)"
        )


def _validation_error(message: str) -> Any:
    import jsonschema.exceptions  # type: ignore[import-untyped, unused-ignore]

    return jsonschema.exceptions.ValidationError(message)


@cache
def _re2_validator_class() -> Any:
    """Draft 2020-12 with RE2 for ``pattern``, ``patternProperties`` and
    ``additionalProperties``: built on the first declaration that needs its messages."""
    import jsonschema.validators  # type: ignore[import-untyped, unused-ignore]

    return jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        {
            "pattern": _pattern,
            "patternProperties": _pattern_properties,
            "additionalProperties": _additional_properties,
        },
    )


def description_key(path: Sequence[str | int]) -> str:
    """The key of a field in a descriptions file: dotted property names from the root, ``[]``
    for an array's items (``company.licenses[].kind``); an index or ``"[]"`` step is an item."""
    out = ""
    for step in path:
        if isinstance(step, int) or step == "[]":
            out += "[]"
        else:
            out += f".{step}" if out else str(step)
    return out


@cache
def descriptions(lang: str) -> Mapping[str, str]:
    """The bundled field descriptions in ``lang`` (empty for English or a language without a
    file). Read once per process; this is the one reader of the descriptions files."""
    if lang == "en" or not lang.isalpha():
        return MappingProxyType({})
    path = schemas_dir() / DESCRIPTIONS_FILE.format(lang=lang)
    if not path.is_file():
        return MappingProxyType({})
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaDefinitionError(
            Diagnostic(
                codes.SCHEMA_DEFINITION, f"cannot read the bundled descriptions {path}: {exc}"
            )
        ) from exc
    if not isinstance(document, dict):
        return MappingProxyType({})
    return MappingProxyType({str(k): str(v) for k, v in document.items()})


def describe(path: Sequence[str | int], node: SchemaNode | None, lang: str) -> str:
    """The description of the field at ``path`` in ``lang``, falling back to the schema's own
    (English) description when the language has none for it."""
    translated = descriptions(lang).get(description_key(path))
    if translated:
        return translated
    return node.description if node is not None else ""
