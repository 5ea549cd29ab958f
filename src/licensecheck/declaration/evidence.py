"""Evidence entries of a declaration: its ``evidence[]`` list in, typed entries and their
state on a date out.

An entry names a document (a file by ``path``, relative to the declaration's folder, or a
``uri`` licensecheck never fetches), pins its sha256 and lists the declaration paths it
``covers`` (the older ``supports`` means the same). :func:`check_evidence` says of each entry
whether it still proves anything: ``valid``, ``missing``, ``altered`` (its file's hash is not
the pinned one), ``expired``, ``unhashed`` (no sha256 pinned) or ``remote`` (a ``uri``).
Files are hashed as streams (:func:`~licensecheck.trust.digest.sha256_file`) and are confined
to the declaration's folder, or to ``--evidence-root`` when one is given: an absolute path, a
``..`` that climbs out or a symbolic link that leads out is a :class:`TrustError` at the
entry's ``path``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeAlias

from .. import codes
from .._record import Record, set_field
from ..errors import DeclarationError, Diagnostic, Span, TrustError, did_you_mean, source_snippet
from ..sources.paths import ElementId, parse_path, value_at
from ..sources.text import MEMORY_SOURCE, STDIN_SOURCE
from ..trust.digest import sha256_file
from .loader import Declaration
from .schema import DeclarationSchema

__all__ = [
    "EVIDENCE_KINDS",
    "CoverKey",
    "ElementId",
    "EvidenceEntry",
    "EvidenceState",
    "EvidenceStatus",
    "check_evidence",
    "cover_problem",
    "declaration_dir",
    "evidence_entries",
    "evidence_file",
    "evidence_state",
    "parse_cover",
    "resolve_cover",
]

#: The kinds of document an entry may be (the schema's enum, in its order).
EVIDENCE_KINDS = (
    "licence",
    "contract",
    "consent_text",
    "policy",
    "audit_report",
    "assessment_report",
    "screenshot",
    "other",
)

EvidenceState = Literal["valid", "missing", "altered", "expired", "unhashed", "remote"]
#: States in which covering evidence contradicts a claim instead of proving it.
CONTRADICTING: frozenset[EvidenceState] = frozenset({"missing", "altered", "expired"})


CoverKey: TypeAlias = str | int | ElementId


class EvidenceEntry(Record):
    """One entry of ``evidence[]``, read and checked for shape (not yet for its file)."""

    # a Record, not a frozen dataclass (~0.7 ms of every cold start, issue #12); not a
    # NamedTuple, whose tuple.index its ``index`` would hide
    __slots__ = __match_args__ = (
        "id",
        "title",
        "kind",
        "path",
        "uri",
        "sha256",
        "covers",
        "issued_by",
        "issued_on",
        "expires_on",
        "span",
        "index",
        "path_span",
    )
    id: str
    title: str | None
    kind: str | None
    path: str | None
    uri: str | None
    sha256: str | None
    covers: tuple[str, ...]
    issued_by: str | None
    issued_on: dt.date | None
    expires_on: dt.date | None
    span: Span
    index: int
    path_span: Span | None

    def __init__(
        self,
        id: str,
        title: str | None,
        kind: str | None,
        path: str | None,
        uri: str | None,
        sha256: str | None,
        covers: tuple[str, ...],
        issued_by: str | None,
        issued_on: dt.date | None,
        expires_on: dt.date | None,
        span: Span,
        index: int = 0,
        path_span: Span | None = None,
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "kind", kind)
        set_field(self, "path", path)
        set_field(self, "uri", uri)
        set_field(self, "sha256", sha256)
        set_field(self, "covers", covers)
        set_field(self, "issued_by", issued_by)
        set_field(self, "issued_on", issued_on)
        set_field(self, "expires_on", expires_on)
        set_field(self, "span", span)
        set_field(self, "index", index)
        set_field(self, "path_span", path_span)


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has.
class EvidenceStatus(NamedTuple):
    """What an entry proves on a date: its state, the file it resolved to and, when the file
    was hashed, the hash it has now."""

    entry: EvidenceEntry
    state: EvidenceState
    file: Path | None = None
    actual_sha256: str | None = None

    @property
    def contradicts(self) -> bool:
        return self.state in CONTRADICTING


# --------------------------------------------------------------------------- reading entries


def evidence_entries(declaration: Declaration) -> tuple[EvidenceEntry, ...]:
    """The declaration's evidence entries, in order.

    Raises :class:`DeclarationError` (code ``evidence-entry``) for every entry that has both or
    neither of ``path`` and ``uri`` or covers a path that is not a path; all such problems at
    once (the schema already refused a repeated id).
    """
    raw = declaration.data.get("evidence") or []
    entries: list[EvidenceEntry] = []
    problems: list[Diagnostic] = []
    for index, item in enumerate(raw):
        entry = _entry(declaration, index, item)
        problems.extend(_shape_problems(declaration, entry, item))
        entries.append(entry)
    if problems:
        raise DeclarationError(problems)
    return tuple(entries)


def _entry(declaration: Declaration, index: int, item: Mapping[str, Any]) -> EvidenceEntry:
    covers = tuple(item.get("covers", ())) + tuple(item.get("supports", ()))
    path = item.get("path")
    return EvidenceEntry(
        id=str(item["id"]),
        title=item.get("title"),
        kind=item.get("kind"),
        path=path,
        uri=item.get("uri"),
        sha256=item["sha256"].lower() if "sha256" in item else None,
        covers=tuple(dict.fromkeys(covers)),  # supports and covers may repeat a path
        issued_by=item.get("issued_by"),
        issued_on=item.get("issued_on"),
        expires_on=item.get("expires_on"),
        span=_span(declaration, ("evidence", index)),
        index=index,
        path_span=_span(declaration, ("evidence", index, "path")) if path else None,
    )


def _shape_problems(
    declaration: Declaration, entry: EvidenceEntry, item: Mapping[str, Any]
) -> Iterable[Diagnostic]:
    where = ("evidence", entry.index)
    if (entry.path is None) == (entry.uri is None):
        both = "both" if entry.path is not None else "neither"
        yield _diagnostic(
            declaration,
            where,
            f"evidence '{entry.id}' has {both} of 'path' and 'uri': give exactly one",
        )
    for key in ("covers", "supports"):
        for position, text in enumerate(item.get(key, ())):
            try:
                parse_cover(text)
            except ValueError as exc:
                yield _diagnostic(
                    declaration, (*where, key, position), f"'{text}' is not a path: {exc}"
                )


def _span(declaration: Declaration, path: Sequence[str | int]) -> Span:
    line, column = declaration.locate(path) or (1, 1)
    return Span(declaration.source, line, column)


def _diagnostic(declaration: Declaration, path: Sequence[str | int], message: str) -> Diagnostic:
    span = _span(declaration, path)
    return Diagnostic(codes.EVIDENCE_ENTRY, message, span, snippet=_snippet(declaration, span))


def _snippet(declaration: Declaration, span: Span) -> str | None:
    return source_snippet(declaration.text, span.line, span.column) if declaration.text else None


# --------------------------------------------------------------------------- covers paths


def parse_cover(text: str) -> tuple[CoverKey, ...]:
    """A covers path → its keys: ``data_sources[ds-carrier].supplier`` gives
    ``("data_sources", ElementId("ds-carrier"), "supplier")``: the path syntax of
    :mod:`licensecheck.sources.paths` with list items named by id. :class:`ValueError`
    saying where it goes wrong otherwise."""
    return parse_path(text, element_ids=True)


def resolve_cover(keys: Sequence[CoverKey], data: object) -> tuple[str | int, ...] | None:
    """A parsed covers path as the concrete path witnesses use (list items by index), or
    ``None`` when a list item it names by id is not in the declaration. Keys below the
    declared values are kept as written: evidence may cover a field not declared yet."""
    resolved: list[str | int] = []
    node: object = data
    for key in keys:
        if isinstance(key, ElementId):
            index = _index_of(node, key)
            if index is None:
                return None
            resolved.append(index)
            node = node[index] if isinstance(node, list) else None
            continue
        resolved.append(key)
        node = value_at(node, (key,))
    return tuple(resolved)


def _index_of(node: object, element: str) -> int | None:
    if not isinstance(node, list):
        return None
    for index, item in enumerate(node):
        if isinstance(item, Mapping) and item.get("id") == element:
            return index
    return None


def cover_problem(text: str, schema: DeclarationSchema) -> tuple[str, str | None] | None:
    """Why ``text`` is no covers path the declaration schema allows, and the nearest path it
    does allow; ``None`` when it is one."""
    try:
        keys = parse_cover(text)
    except ValueError as exc:
        return f"'{text}' is not a path: {exc}", None
    node = schema.root
    for depth, key in enumerate(keys):
        concrete: str | int = 0 if isinstance(key, ElementId) else key
        child = node.child(concrete)
        if child is None:
            return _no_such_field(text, keys[:depth], key, node.properties)
        node = child
    return None


def _no_such_field(
    text: str, parent: Sequence[CoverKey], key: CoverKey, fields: Mapping[str, Any]
) -> tuple[str, str | None]:
    where = _cover_text(parent) or "the declaration"
    message = f"'{text}' is not a declaration path: {where} has no field '{key}'"
    near = did_you_mean(str(key), fields) if isinstance(key, str) else None
    return message, (_cover_text([*parent, near]) if near else None)


def _cover_text(keys: Sequence[CoverKey]) -> str:
    parts: list[str] = []
    for key in keys:
        if isinstance(key, ElementId | int):
            parts.append(f"[{key}]")
        else:
            parts.append(f".{key}" if parts else key)
    return "".join(parts)


# --------------------------------------------------------------------------- files and states


def declaration_dir(declaration: Declaration) -> Path:
    """The folder evidence paths are relative to: the declaration file's, or the current
    folder for standard input and in-memory declarations."""
    if declaration.source in (MEMORY_SOURCE, STDIN_SOURCE):
        return Path.cwd()
    return Path(declaration.source).parent


def evidence_file(entry: EvidenceEntry, declaration_dir: Path, evidence_root: Path | None) -> Path:
    """The file ``entry.path`` names, resolved through any links.

    It must stay inside ``declaration_dir`` or, when given, ``evidence_root``; an absolute
    path, a ``..`` that climbs out or a link that leads out raises :class:`TrustError` (code
    ``evidence-path``) at the entry's ``path``. The file need not exist.
    """
    if entry.path is None:
        raise ValueError(f"evidence '{entry.id}' names a uri, not a file")
    written = entry.path
    if _is_absolute(written):
        raise _outside(
            entry,
            f"evidence path '{written}' is absolute",
            "write it relative to the declaration's folder",
        )
    candidate = declaration_dir / written
    real = Path(os.path.realpath(candidate))
    roots = [declaration_dir] + ([evidence_root] if evidence_root is not None else [])
    if any(_inside(real, Path(os.path.realpath(root))) for root in roots):
        return real
    allowed = " or ".join(f"'{root}'" for root in roots)
    lexical = Path(os.path.normpath(candidate))
    how = (
        "is a link that leads"
        if any(_inside(lexical, Path(os.path.normpath(r))) for r in roots)
        else "leads"
    )
    raise _outside(
        entry,
        f"evidence path '{written}' {how} outside {allowed}",
        "keep evidence beside the declaration, or allow its folder with --evidence-root",
    )


def _is_absolute(written: str) -> bool:
    # a Windows drive or UNC path is absolute too, wherever the check runs
    return (
        os.path.isabs(written)
        or written.startswith("\\")
        or re.match(r"[A-Za-z]:", written) is not None
    )


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _outside(entry: EvidenceEntry, message: str, hint: str) -> TrustError:
    span = entry.path_span or entry.span
    return TrustError(Diagnostic(codes.EVIDENCE_PATH, message, span, hint=hint))


def check_evidence(
    declaration: Declaration, as_of: dt.date, evidence_root: Path | None = None
) -> tuple[EvidenceStatus, ...]:
    """Each evidence entry's state on ``as_of``: missing, altered, expired, unhashed, remote
    or valid, the first that applies in that order (an expired ``uri`` is expired).

    Raises :class:`DeclarationError` for a malformed entry and :class:`TrustError` for a path
    that leaves its allowed folder; a file that exists is hashed as a stream.
    """
    folder = declaration_dir(declaration)
    return tuple(
        _status(entry, folder, evidence_root, as_of) for entry in evidence_entries(declaration)
    )


def evidence_not_at_hand(declaration: Declaration, as_of: dt.date) -> tuple[EvidenceStatus, ...]:
    """Each entry's state when the declaration came without its files (text posted to the web
    app): a file entry is ``missing`` — as the command line says of the same text saved alone
    in a folder — and nothing on this machine is looked at."""
    return tuple(
        EvidenceStatus(entry, evidence_state(entry, None, as_of))
        for entry in evidence_entries(declaration)
    )


def _status(
    entry: EvidenceEntry, folder: Path, evidence_root: Path | None, as_of: dt.date
) -> EvidenceStatus:
    if entry.path is None:
        return EvidenceStatus(entry, evidence_state(entry, None, as_of))
    file = evidence_file(entry, folder, evidence_root)
    actual = sha256_file(file) if _is_regular_file(file) else None
    return EvidenceStatus(entry, evidence_state(entry, actual, as_of), file, actual)


def evidence_state(entry: EvidenceEntry, actual: str | None, as_of: dt.date) -> EvidenceState:
    """The state of ``entry`` whose file has the sha256 ``actual`` (``None``: there is no such
    file) on ``as_of``: the one rule, whether the file is on disk or in a submission bundle."""
    expired = entry.expires_on is not None and entry.expires_on < as_of
    if entry.path is None:
        return "expired" if expired else "remote"
    if actual is None:
        return "missing"
    if entry.sha256 is not None and actual != entry.sha256:
        return "altered"
    if expired:
        return "expired"
    return "unhashed" if entry.sha256 is None else "valid"


def _is_regular_file(path: Path) -> bool:
    # a FIFO or a device would block or never end when hashed: only a regular file is evidence
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False
