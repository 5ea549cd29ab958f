"""Checked packs from the pack cache: a loaded pack in, its checked pack out, checked once.

Input: a :class:`~licensecheck.packs.loader.LoadedPack` and the declaration schema. Output:
the :class:`~licensecheck.engine.rules.CheckedPack` :func:`~.check.check_pack` gives, warnings
included, read back from :mod:`licensecheck.packs.cache` when an entry holds it for the same
files (every file of the lineage, as read, under the names messages show), the same folders,
the same declaration schema, grammar and tool version; otherwise checked and stored.

An entry keeps the rules (metadata and the expressions of ``when`` and ``require``), the
predicates, the folded consts and the warnings; the rules files' trees are not needed for a
hit, so the loader leaves them unread (:class:`~licensecheck.packs.cache.DeferredModules`).
Every part is type-checked when read; an entry that does not fit is a miss.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import typing
import weakref
from collections.abc import Mapping
from typing import Any

from ..declaration.schema import DeclarationSchema
from ..errors import Diagnostic, Span
from ..lang import nodes as n
from ..lang.values import Duration
from ..packs.cache import (
    UNTRUSTWORTHY,
    CorruptEntry,
    TreeDecoder,
    TreeEncoder,
    read_entry,
    text_digest,
    tool_key,
    write_entry,
)
from ..packs.extensions import with_extensions
from ..packs.loader import LoadedPack
from ..trust.digest import pack_digest
from .rules import AppliedOverride, CheckedPack, Rule

KIND = "checked"


def checked_pack(loaded: LoadedPack, schema: DeclarationSchema) -> CheckedPack:
    """:func:`~.check.check_pack`, from the cache when it holds this pack's result."""
    key = _key(loaded, schema)
    body = read_entry(KIND, key)
    if body is not None:
        try:
            return _decode(body, loaded, schema)
        except UNTRUSTWORTHY:
            pass  # rebuilt and overwritten below
    # imported on a miss only: a hit needs none of the static checks (a dozen modules that a
    # cold `check` with the cache warm would otherwise import for nothing)
    from .check import check_pack

    checked = check_pack(loaded, schema)
    try:
        encoded = _Encoder().pack(checked)
    except TypeError:  # a value the cache cannot store: run without it
        return checked
    write_entry(KIND, key, encoded)
    return checked


def _key(loaded: LoadedPack, schema: DeclarationSchema) -> dict[str, str]:
    files: dict[str, str] = {}
    roots = []
    for pack in loaded.lineage():
        roots.append(str(pack.root))
        texts = dict(pack.texts)
        for source in (pack.manifest_file, pack.schema_file):
            if source is not None:
                texts[source.shown] = source.text
        files.update({shown: text_digest(text) for shown, text in texts.items()})
    return tool_key(
        pack=pack_digest(files),
        folders=hashlib.sha256("\n".join(roots).encode("utf-8", "surrogatepass")).hexdigest(),
        schema=_schema_digest(schema),
    )


def _schema_digest(schema: DeclarationSchema) -> str:
    """Once per schema object: serialising the declaration schema costs more than reading a
    small pack's entry, and the bundled one is the same object all along the process. A
    schema read from a file (the bundled one) is identified by that file's text: hashing it
    is a seventh of serialising the document again (~0.8 ms a cold check)."""
    digest = _SCHEMA_DIGESTS.get(schema)
    if digest is None:
        text = schema.text
        if text is None:
            text = json.dumps(schema.document, sort_keys=True, ensure_ascii=False, default=str)
        digest = _SCHEMA_DIGESTS[schema] = text_digest(text)
    return digest


_SCHEMA_DIGESTS: weakref.WeakKeyDictionary[DeclarationSchema, str] = weakref.WeakKeyDictionary()


# ---------------------------------------------------------------- writing


class _Encoder(TreeEncoder):
    def expr(self, expr: n.Expr | None) -> Any:
        return None if expr is None else self.node(expr)

    def pack(self, pack: CheckedPack) -> dict[str, Any]:
        body = {
            "id": pack.id,
            "version": pack.version,
            "title": pack.title,
            "rules": [self.rule(rule) for rule in pack.rules],
            "consts": [[name, self.value(value)] for name, value in pack.consts.items()],
            "predicates": [[name, self.expr(expr)] for name, expr in pack.predicates.items()],
            "domains": {key: dict(text) for key, text in pack.domains.items()},
            "warnings": [self.diagnostic(w) for w in pack.warnings],
            "disabled": dict(pack.disabled),
        }
        body.update(self.tables())  # last: the nodes and spans above filled them
        return body

    def rule(self, rule: Rule) -> list[Any]:
        return [
            rule.id,
            rule.pack_id,
            dict(rule.title),
            rule.domain,
            rule.severity,
            self.expr(rule.require),
            self.expr(rule.when),
            list(rule.cite),
            dict(rule.message),
            dict(rule.remediation),
            self.value(rule.effort),
            list(rule.after),
            list(rule.evidence),
            list(rule.tags),
            self.value(rule.effective_from),
            self.value(rule.grace_until),
            self.span(rule.span),
            [[o.pack_id, o.key, o.before, o.after, self.span(o.span)] for o in rule.overrides],
        ]

    def diagnostic(self, d: Diagnostic) -> list[Any]:
        span = self.span(d.span) if d.span is not None else None
        return [d.code, d.message, span, d.level, d.snippet, d.hint]


# ---------------------------------------------------------------- reading


def _decode(body: Any, loaded: LoadedPack, schema: DeclarationSchema) -> CheckedPack:
    if not isinstance(body, dict):
        raise CorruptEntry("body")
    decoder = _Decoder(body)
    return CheckedPack(
        id=_str(body["id"]),
        version=_str(body["version"]),
        title=_str(body["title"]),
        rules=tuple(decoder.rule(raw) for raw in _list(body["rules"])),
        consts={_str(k): decoder.value(v) for k, v in _pairs(body["consts"])},
        predicates={_str(k): decoder.expr(v) for k, v in _pairs(body["predicates"])},
        domains={_str(k): _text(v) for k, v in _dict(body["domains"]).items()},
        warnings=tuple(decoder.diagnostic(raw) for raw in _list(body["warnings"])),
        schema=with_extensions(schema, loaded),
        loaded=loaded,
        disabled={_str(k): _str(v) for k, v in _dict(body["disabled"]).items()},
    )


class _Decoder(TreeDecoder):
    def expr(self, raw: Any) -> n.Expr:
        # its class checked by the decoder's lookup among the expressions
        return typing.cast("n.Expr", self.node(raw, _EXPRESSIONS))

    def typed(self, raw: Any, cls: type) -> Any:
        if raw is None:
            return None
        value = self.value(raw)
        if value is not None and (not isinstance(value, cls) or isinstance(value, dt.datetime)):
            raise CorruptEntry(cls.__name__)
        return value

    def rule(self, raw: Any) -> Rule:
        (
            rule_id,
            pack_id,
            title,
            domain,
            severity,
            require,
            when,
            cite,
            message,
            remediation,
            effort,
            after,
            evidence,
            tags,
            effective_from,
            grace_until,
            span,
            overrides,
        ) = _list(raw)
        if not (
            type(rule_id) is str
            and type(pack_id) is str
            and type(domain) is str
            and type(severity) is str
        ):
            raise CorruptEntry("rule")
        _texts(title, message, remediation)
        # every field checked here; a Rule (a NamedTuple) is then one tuple.__new__ call
        return Rule(
            id=rule_id,
            pack_id=pack_id,
            title=title,
            domain=domain,
            severity=severity,
            require=self.expr(require),
            when=None if when is None else self.expr(when),
            cite=_strings(cite),
            message=message,
            remediation=remediation,
            effort=self.typed(effort, Duration),
            after=_strings(after),
            evidence=_strings(evidence),
            tags=_strings(tags),
            effective_from=self.typed(effective_from, dt.date),
            grace_until=self.typed(grace_until, dt.date),
            span=self.span(span),
            overrides=tuple([self.override(o) for o in overrides]) if _list(overrides) else (),
        )

    def override(self, raw: Any) -> AppliedOverride:
        pack_id, key, before, after, span = _list(raw)
        return AppliedOverride(_str(pack_id), _str(key), _str(before), _str(after), self.span(span))

    def diagnostic(self, raw: Any) -> Diagnostic:
        code, message, span, level, snippet, hint = _list(raw)
        if level not in ("error", "warning"):
            raise CorruptEntry("level")
        where: Span | None = None if span is None else self.span(span)
        return Diagnostic(
            _str(code), _str(message), where, level, _opt_str(snippet), _opt_str(hint)
        )


#: The node classes an expression may be (the members of ``nodes.Expr``)
_EXPRESSIONS = frozenset(typing.get_args(n.Expr))


# Plain functions with exact type tests, not one generic checker: a hit runs them about
# 30 times a rule.


def _str(raw: Any) -> str:
    if type(raw) is not str:
        raise CorruptEntry("string")
    return raw


def _opt_str(raw: Any) -> str | None:
    return None if raw is None else _str(raw)


def _list(raw: Any) -> list[Any]:
    if type(raw) is not list:
        raise CorruptEntry("list")
    return raw


def _dict(raw: Any) -> dict[str, Any]:
    if type(raw) is not dict:
        raise CorruptEntry("object")
    return raw


def _pairs(raw: Any) -> list[tuple[Any, Any]]:
    pairs = _list(raw)
    if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise CorruptEntry("pairs")
    return [(p[0], p[1]) for p in pairs]


def _strings(raw: Any) -> tuple[str, ...]:
    items = _list(raw)
    if items and not set(map(type, items)) <= _ONLY_STR:  # one pass in C
        raise CorruptEntry("string")
    return tuple(items)


_ONLY_STR = frozenset({str})


def _text(raw: Any) -> Mapping[str, str]:
    _texts(raw)
    return raw  # type: ignore[no-any-return]


def _texts(*raws: Any) -> None:
    """Each of ``raws`` a text in several languages (a rule has three: one call)."""
    for raw in raws:
        for value in _dict(raw).values():  # JSON object keys are strings already
            if type(value) is not str:
                raise CorruptEntry("string")
