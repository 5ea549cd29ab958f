"""Load a policy pack: find its folder, read and validate ``pack.yaml``, parse its rules.

Input: a pack id (found on the pack search path, then among the bundled packs) or a folder
path. Output: a :class:`LoadedPack` holding the manifest (with the source positions of its
keys), the parsed modules, the pack's ``schema.json`` fragment and the loaded parents
(``extends``: several parents, several levels, each with an optional version constraint).
A pack reached twice (a diamond) is loaded once. Nothing is checked here beyond syntax, the
manifest's shape, version constraints and ``extends`` cycles; :mod:`licensecheck.engine.check` does
the rest, including applying ``overrides`` and ``disable``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .. import codes
from .._record import fields_getter
from ..errors import Diagnostic, PackError, Span, UsageError, did_you_mean
from ..lang import nodes as n
from ..resources import policies_dir
from ..sources.located import SourceFile
from ..sources.parse import parse_text
from ..sources.text import FileKind, read_source_text
from ..sources.validation import empty_list, validation_diagnostics
from .cache import parse_modules  # the parser's trees, kept between runs

PACK_ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"
DOMAIN_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
DURATION_PATTERN = r"^\d(_?\d)*(\.\d(_?\d)*)? (day|days|month|months|year|years)$"
DISABLE_PATTERN = r"^([A-Z][A-Z0-9]*(-[A-Z0-9]+)+|[A-Za-z_][A-Za-z0-9_]*)$"
MAX_RULES_FILE_BYTES = 2 * 1024 * 1024
MAX_SCHEMA_FILE_BYTES = 1024 * 1024
#: The files of a pack, for the one file reader: what messages call them, and their limits
RULES_FILE = FileKind("rules file", PackError, MAX_RULES_FILE_BYTES)
PACK_FILE = FileKind("pack file", PackError, MAX_RULES_FILE_BYTES)
SCHEMA_FILE = FileKind("schema file", PackError, MAX_SCHEMA_FILE_BYTES)
#: The pack's declaration-schema fragment: the fields of ``extensions.<pack-id>``
SCHEMA_FRAGMENT_FILE = "schema.json"
#: Folders searched for packs by id before the bundled ones (``os.pathsep``-separated)
PACK_PATH_ENV = "LICENSECHECK_PACK_PATH"
#: The pack used when none is named and no declaration tells which fits (``init``,
#: ``explain RULE``, a waiver file without ``pack:``).
DEFAULT_PACK = "starter"
#: The longest chain of ``extends`` from a pack to its furthest ancestor: real packs build on
#: two or three others, and every later stage walks the chain (see docs/security.md)
MAX_EXTENDS_DEPTH = 64


class DomainInfo(BaseModel):
    """A domain of requirements (licensing, consent, security, …) and its display names."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    title: str = Field(description="Display name of the domain.")
    title_zh: str | None = Field(
        default=None, alias="title@zh", description="Chinese display name."
    )
    description: str | None = Field(default=None, description="What the domain covers.")


class RuleOverride(BaseModel):
    """Changes a pack makes to one inherited rule (``overrides: {RULE-ID: {...}}``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    title: str | None = Field(default=None, description="New title.")
    title_zh: str | None = Field(default=None, alias="title@zh", description="New Chinese title.")
    severity: Literal["critical", "high", "medium", "low"] | None = Field(
        default=None, description="New severity."
    )
    effort: str | None = Field(
        default=None,
        pattern=DURATION_PATTERN,
        description="New remediation effort, a duration such as '30 days' or '6 months'.",
    )
    remediation: str | None = Field(default=None, description="New remediation text.")
    remediation_zh: str | None = Field(
        default=None, alias="remediation@zh", description="New Chinese remediation text."
    )
    message: str | None = Field(default=None, description="New failure message.")
    message_zh: str | None = Field(
        default=None, alias="message@zh", description="New Chinese failure message."
    )
    after: list[Annotated[str, StringConstraints(pattern=RULE_ID_PATTERN)]] | None = Field(
        default=None,
        description="Replaces the rule's 'after' list: rules whose remediation must come first.",
    )

    def changes(self) -> dict[str, Any]:
        """The overridden fields (by their pack.yaml keys) and their new values."""
        return self.model_dump(by_alias=True, exclude_none=True)


class PackSource(BaseModel):
    """A legal text a pack's rules are drawn from."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(
        min_length=1, description="The text's name, e.g. 'PIPL' or '征信业管理条例'."
    )
    # Reports link to it: only web addresses, never javascript: or a path on the reader's disk.
    url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s<>\"]+$",
        description="Where to read it (http or https).",
    )


class PackManifest(BaseModel):
    """``pack.yaml``: what a policy pack is and how it relates to others."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, title="licensecheck pack manifest"
    )

    id: str = Field(
        pattern=PACK_ID_PATTERN,
        description="Pack id: lower-case words joined by dashes; the folder name.",
    )
    version: str = Field(
        pattern=r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$", description="Semantic version of the pack."
    )
    title: str = Field(description="Display name of the pack.")
    title_zh: str | None = Field(
        default=None, alias="title@zh", description="Chinese display name."
    )
    description: str = Field(default="", description="What the pack checks, in a few sentences.")
    jurisdiction: str | None = Field(
        default=None, description="Where the requirements apply (ISO 3166 code, EU, …)."
    )
    business_lines: list[str] = Field(
        default_factory=empty_list,
        description="The business-line kinds (a declaration's business_lines[].kind, e.g. "
        "credit_scoring) the pack is written for; empty: a baseline for any line. With "
        "jurisdiction, it decides which packs 'check' offers when no pack is named.",
    )
    languages: list[str] = Field(
        default_factory=lambda: ["en"], description="Languages the rule texts are written in."
    )
    extends: str | list[str] | None = Field(
        default=None,
        description="Parent pack(s): each a pack id (searched on the pack path, then among the "
        "bundled packs) or a folder path relative to this pack, optionally followed by a "
        "version constraint, e.g. 'cn-personal-information >=1.2,<2'.",
    )
    overrides: dict[Annotated[str, StringConstraints(pattern=RULE_ID_PATTERN)], RuleOverride] = (
        Field(
            default_factory=dict,
            description="Inherited rule id -> the fields this pack changes (severity, effort, "
            "remediation, message, after, title; text fields also with an @zh variant).",
        )
    )
    disable: list[
        Annotated[
            str,
            StringConstraints(pattern=DISABLE_PATTERN),
        ]
    ] = Field(
        default_factory=empty_list,
        description="Inherited rule ids (CR-LIC-001) or whole domains (licensing) to leave out.",
    )
    reviewed_on: dt.date | None = Field(
        default=None,
        description="The date the pack's legal content was last checked against its sources "
        "(YYYY-MM-DD); shown in the catalogue and in reports.",
    )
    sources: list[PackSource] = Field(
        default_factory=empty_list,
        description="The legal texts the rules are drawn from, each a title and a link.",
    )
    calendar: Literal["weekends", "cn", "none"] | None = Field(
        default=None,
        description="The working days remediation plans count by default (plan --calendar): "
        "weekends (Monday to Friday), cn (mainland China's public holidays and make-up working "
        "days) or none (every day). Unset: the nearest ancestor's, else weekends.",
    )
    declaration_schema: list[int] = Field(
        default_factory=lambda: [1],
        description="Declaration schema_version values the pack supports.",
    )
    domains: dict[str, DomainInfo] = Field(
        default_factory=dict,
        description="The domains rules may use; when given, any other domain is an error.",
    )


class LoadedPack:
    # Written out, not a dataclass (~0.6 ms of every cold start, issue #12): the fields in
    # this order with their defaults, equality by them (and, being mutable, no hash) and the
    # repr, as the dataclass had them.
    manifest: PackManifest
    root: Path
    modules: list[n.Module]
    texts: dict[str, str]  # display path -> source text
    parents: list[LoadedPack]
    manifest_file: SourceFile | None
    #: the pack's schema.json: a JSON Schema of its section ``extensions.<pack-id>``
    schema_fragment: dict[str, Any] | None
    schema_file: SourceFile | None

    def __init__(
        self,
        manifest: PackManifest,
        root: Path,
        modules: list[n.Module],
        texts: dict[str, str] | None = None,
        parents: list[LoadedPack] | None = None,
        manifest_file: SourceFile | None = None,
        schema_fragment: dict[str, Any] | None = None,
        schema_file: SourceFile | None = None,
    ) -> None:
        self.manifest = manifest
        self.root = root
        self.modules = modules
        self.texts = {} if texts is None else texts
        self.parents = [] if parents is None else parents
        self.manifest_file = manifest_file
        self.schema_fragment = schema_fragment
        self.schema_file = schema_file

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return _pack_fields(self) == _pack_fields(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _PACK_FIELDS)
        return f"{self.__class__.__qualname__}({shown})"

    @property
    def parent(self) -> LoadedPack | None:
        """The first parent (packs written before ``extends`` took a list)."""
        return self.parents[0] if self.parents else None

    def lineage(self) -> Iterator[LoadedPack]:
        """Every pack this one builds on, each once, ancestors before descendants (parents in
        the order ``extends`` lists them), then this pack."""
        seen: set[Path] = set()

        def visit(pack: LoadedPack) -> Iterator[LoadedPack]:
            for parent in pack.parents:
                if parent.root not in seen:
                    yield from visit(parent)
            if pack.root not in seen:
                seen.add(pack.root)
                yield pack

        return visit(self)

    def all_domains(self, *, keep_disabled: bool = False) -> dict[str, dict[str, str]]:
        """Every domain of the lineage (a later pack may retitle one), except (unless
        ``keep_disabled``) those a pack's ``disable`` leaves out."""
        domains: dict[str, dict[str, str]] = {}
        for pack in self.lineage():
            for key, info in pack.manifest.domains.items():
                domains[key] = {
                    "en": info.title,
                    **({"zh": info.title_zh} if info.title_zh else {}),
                }
            for key in () if keep_disabled else pack.manifest.disable:
                domains.pop(key, None)
        return domains


_PACK_FIELDS = tuple(LoadedPack.__annotations__)
_pack_fields = fields_getter(_PACK_FIELDS)


def bundled_pack_ids() -> list[str]:
    root = policies_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "pack.yaml").is_file())


# ---------------------------------------------------------------- the pack search path

_SCOPED_PACK_PATH: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar(
    "licensecheck_pack_path", default=()
)
# Whether ``extends`` may name a pack by a path outside the search path (--allow-extends-outside)
_EXTENDS_OUTSIDE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "licensecheck_extends_outside", default=False
)
# The pack supply chain's check of every pack folder loaded (packs/lock.py: the lock's
# digests, required signatures), given the pack id and folder; raises to refuse the pack
PackGuard = Callable[[str, Path], None]
_PACK_GUARD: contextvars.ContextVar[PackGuard | None] = contextvars.ContextVar(
    "licensecheck_pack_guard", default=None
)


@contextlib.contextmanager
def guarding_packs(guard: PackGuard | None) -> Iterator[None]:
    """Within the block, every pack folder loaded (and each it extends) passes ``guard``
    first; ``None`` lifts the check (``packs lock`` and ``packs list`` read packs as they are)."""
    token = _PACK_GUARD.set(guard)
    try:
        yield
    finally:
        _PACK_GUARD.reset(token)


def guard_pack(pack_id: str, root: Path) -> None:
    """Pass one pack folder through the guard in force, if any: the loader calls it for every
    folder it loads, and so must any path that hands out a pack without loading it (a cache)."""
    guard = _PACK_GUARD.get()
    if guard is not None:
        guard(pack_id, root)


def pack_search_path(pack_path: Iterable[str | os.PathLike[str]] | None = None) -> list[Path]:
    """The folders searched for packs by id, first to last: ``pack_path`` (or the folders a
    :func:`using_pack_path` block set), then those of ``LICENSECHECK_PACK_PATH``.

    A folder given explicitly must exist (a typo is an error); missing folders named by the
    environment variable are skipped, as ``PATH`` does.
    """
    explicit = [Path(p) for p in pack_path] if pack_path is not None else []
    explicit += [p for p in _SCOPED_PACK_PATH.get() if p not in explicit]
    for folder in explicit:
        if not folder.is_dir():
            raise UsageError(
                Diagnostic(
                    codes.USAGE, f"--pack-path: {folder} is not a folder", hint=PACK_PATH_HINT
                )
            )
    from_env = [Path(p) for p in os.environ.get(PACK_PATH_ENV, "").split(os.pathsep) if p]
    return [*explicit, *(p for p in from_env if p.is_dir() and p not in explicit)]


PACK_PATH_HINT = f"--pack-path and {PACK_PATH_ENV} name folders that hold pack folders (FOLDER/PACK-ID/pack.yaml)"


@contextlib.contextmanager
def using_pack_path(
    pack_path: Sequence[str | os.PathLike[str]], *, allow_extends_outside: bool = False
) -> Iterator[None]:
    """Within the block, packs are also searched in ``pack_path`` (the CLI's ``--pack-path``),
    and with ``allow_extends_outside`` (``--allow-extends-outside``) ``extends`` may name a
    pack folder by a path that leads outside the pack search path."""
    token = _SCOPED_PACK_PATH.set(tuple(Path(p) for p in pack_path))
    outside = _EXTENDS_OUTSIDE.set(allow_extends_outside)
    try:
        yield
    finally:
        _EXTENDS_OUTSIDE.reset(outside)
        _SCOPED_PACK_PATH.reset(token)


def resolve_pack_dir(
    ref: str | os.PathLike[str],
    relative_to: Path | None = None,
    search: Sequence[Path] | None = None,
) -> Path:
    """A pack folder from an id or a path; raise :class:`UsageError` if there is none.

    An id is looked up beside the pack that extends it (``relative_to``), then in the
    ``search`` folders, then among the bundled packs, then in the working directory. A path
    is relative to the extending pack, else to the working directory. An id found nowhere
    else may come from an installed distribution (packs/distributions.py).
    """
    text = os.fspath(ref)
    search = pack_search_path() if search is None else search
    is_id = re.match(PACK_ID_PATTERN, text) is not None
    candidates: list[Path] = []
    if is_id:
        if relative_to is not None:
            candidates.append(relative_to.parent / text)
        candidates.extend(folder / text for folder in search)
        candidates.append(policies_dir() / text)
    elif relative_to is not None:
        candidates.append(relative_to / text)
    candidates.append(Path(text))
    for candidate in candidates:
        if (candidate / "pack.yaml").is_file():
            return candidate
    if Path(text).is_file() and Path(text).name == "pack.yaml":
        return Path(text).parent
    # installed distributions are asked last, and only then imported (issue #12, cold start)
    from .distributions import distribution_pack_dir, distribution_packs

    installed = distribution_pack_dir(text) if is_id else None
    if installed is not None:
        return installed
    known = sorted(
        {
            *bundled_pack_ids(),
            *(p.name for f in search for p in _pack_folders(f)),
            *(p.id for p in distribution_packs()),
        }
    )
    suggestion = did_you_mean(text, known)
    where = "on the pack path or " if search else ""
    message = f"no pack '{text}': not a pack id {where}among the bundled packs, and not a folder with a pack.yaml"
    if suggestion:
        message += f" (did you mean '{suggestion}'?)"
    raise UsageError(Diagnostic(codes.UNKNOWN_PACK, message, hint="packs: " + ", ".join(known)))


def _pack_folders(folder: Path) -> Iterator[Path]:
    with contextlib.suppress(OSError):
        for child in sorted(folder.iterdir()):
            if (child / "pack.yaml").is_file():
                yield child


# ---------------------------------------------------------------- loading

_EXTENDS_ENTRY = re.compile(r"^\s*(?P<ref>\S+)(?:\s+(?P<spec>\S.*?))?\s*$")


def parse_extends(entry: str) -> tuple[str, str | None]:
    """``"cn-personal-information >=1.2,<2"`` -> ``("cn-personal-information", ">=1.2,<2")``."""
    match = _EXTENDS_ENTRY.match(entry)
    if match is None:
        return entry, None
    return match.group("ref"), match.group("spec")


def extends_entries(manifest: PackManifest) -> list[str]:
    if manifest.extends is None:
        return []
    return [manifest.extends] if isinstance(manifest.extends, str) else list(manifest.extends)


def load_pack(
    ref: str | os.PathLike[str], *, pack_path: Iterable[str | os.PathLike[str]] | None = None
) -> LoadedPack:
    """Read a pack and, through ``extends``, its ancestors; syntax errors are collected per file.

    ``pack_path`` lists folders to search for packs by id before the bundled packs (see
    :func:`pack_search_path`).
    """
    return _Loader(pack_search_path(pack_path)).load(ref, None, (), None)


class _Loader:
    """Loads a pack graph: each folder once (diamonds share it), cycles and clashes reported
    at the ``extends`` entry that causes them."""

    def __init__(self, search: list[Path]) -> None:
        self.search = search
        self.loaded: dict[Path, LoadedPack] = {}
        # where ``extends`` by path may lead: the search path, the bundled packs, and the
        # folder holding the pack named on the command line (set when it is found)
        self.confines = [os.path.realpath(p) for p in (*search, policies_dir())]

    def load(
        self,
        ref: str | os.PathLike[str],
        child: LoadedPack | None,
        stack: tuple[Path, ...],
        via: Span | None,
    ) -> LoadedPack:
        try:
            root = resolve_pack_dir(ref, child.root if child else None, self.search).resolve()
        except UsageError as exc:
            if child is None or via is None:
                raise
            raise PackError(
                self._at(child, via, exc.diagnostics[0].message, codes.EXTENDS)
            ) from None
        if child is None:
            self.confines.append(str(root.parent))
        elif via is not None:
            self._check_reach(ref, root, child, stack, via)
        if root in stack:
            assert child is not None and via is not None
            chain = " -> ".join(p.name for p in (*stack[stack.index(root) :], root))
            raise PackError(
                self._at(child, via, f"'extends' forms a cycle: {chain}", codes.EXTENDS)
            )
        if root in self.loaded:
            return self.loaded[root]
        manifest, source = _load_manifest(root / "pack.yaml", self.search)
        guard_pack(manifest.id, root)
        for other in self.loaded.values():
            if other.manifest.id == manifest.id and other.root != root:
                assert child is not None and via is not None
                raise PackError(
                    self._at(
                        child,
                        via,
                        f"two different packs are named '{manifest.id}': {display_path(other.root)} "
                        f"and {display_path(root)}",
                        codes.EXTENDS,
                    )
                )
        pack = LoadedPack(manifest=manifest, root=root, modules=[], manifest_file=source)
        for index, entry in enumerate(extends_entries(manifest)):
            span = (
                source.span("extends", index)
                if isinstance(manifest.extends, list)
                else source.span("extends")
            )
            parent_ref, spec = parse_extends(entry)
            if not parent_ref.strip():
                raise PackError(self._at(pack, span, "an 'extends' entry is empty", codes.EXTENDS))
            parent = self.load(parent_ref, pack, (*stack, root), span)
            if spec is not None:
                self._check_version(pack, parent, spec, span)
            if parent not in pack.parents:
                pack.parents.append(parent)
        pack.modules, pack.texts = _parse_rules_files(root)
        pack.schema_fragment, pack.schema_file = _load_schema_fragment(root)
        self.loaded[root] = pack
        return pack

    def _check_reach(
        self,
        ref: str | os.PathLike[str],
        root: Path,
        child: LoadedPack,
        stack: tuple[Path, ...],
        via: Span,
    ) -> None:
        """An ``extends`` chain stays shallow, and a path leads nowhere outside the pack
        search path unless the user allowed it: a pack should not make the tool read (and
        quote in errors) files the user never pointed it at."""
        if len(stack) >= MAX_EXTENDS_DEPTH:
            raise PackError(
                self._at(
                    child,
                    via,
                    f"'extends' chains more than {MAX_EXTENDS_DEPTH} packs deep",
                    codes.EXTENDS,
                )
            )
        if re.match(PACK_ID_PATTERN, os.fspath(ref)) or _EXTENDS_OUTSIDE.get():
            return
        real = os.path.realpath(root)
        if not any(os.path.commonpath([real, c]) == c for c in self.confines):
            raise PackError(
                self._at(
                    child,
                    via,
                    f"'extends' names {display_path(root)}, outside the pack search path",
                    codes.EXTENDS,
                    hint="put the pack on --pack-path, or pass --allow-extends-outside",
                )
            )

    def _check_version(self, child: LoadedPack, parent: LoadedPack, spec: str, span: Span) -> None:
        # imported here: only packs with a version constraint pay for it at start-up
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion, Version

        shown = spec if len(spec) <= 40 else spec[:39] + "…"
        not_a_constraint = PackError(
            self._at(
                child,
                span,
                f"'{shown}' is not a version constraint (write e.g. '>=1.2,<2')",
                codes.EXTENDS,
            )
        )
        try:
            constraint = SpecifierSet(spec)
        except InvalidSpecifier:
            raise not_a_constraint from None
        version = parent.manifest.version
        try:
            satisfied = constraint.contains(Version(version), prereleases=True)
        except InvalidVersion:
            satisfied = False
        except ValueError:  # a number past Python's 4,300-digit conversion limit
            raise not_a_constraint from None
        if not satisfied:
            raise PackError(
                self._at(
                    child,
                    span,
                    f"{parent.manifest.id} is version {version}, which does not satisfy '{shown}'",
                    codes.EXTENDS_VERSION,
                    hint=f"found at {display_path(parent.root)}",
                )
            )

    @staticmethod
    def _at(
        pack: LoadedPack, span: Span, message: str, code: str, hint: str | None = None
    ) -> Diagnostic:
        snippet = pack.manifest_file.snippet(span) if pack.manifest_file else None
        return Diagnostic(code, message, span, snippet=snippet, hint=hint)


def display_path(path: Path) -> str:
    """Relative to the working directory when inside it, else absolute."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _parse_rules_files(root: Path) -> tuple[list[n.Module], dict[str, str]]:
    modules: list[n.Module] = []
    texts: dict[str, str] = {}
    problems: list[Diagnostic] = []
    files = sorted(root.glob("*.rules"))
    if not files:
        problems.append(
            Diagnostic(
                codes.EMPTY_PACK,
                "the pack has no *.rules files",
                Span(display_path(root / "pack.yaml"), 1, 1),
            )
        )
    for path in files:
        shown = display_path(path)
        texts[shown] = read_pack_text(path, shown, root, RULES_FILE)
    try:
        modules = parse_modules(texts)  # every syntax error of every file, or the trees
    except PackError as exc:
        problems.extend(exc.diagnostics)
    if problems:
        raise PackError(problems)
    return modules, texts


def read_pack_text(path: Path, shown: str, root: Path, kind: FileKind) -> str:
    """A file of the pack, which must not lead (by a symlink) outside the pack's folder
    ``root`` (resolved); ``packs fmt`` reads the files it rewrites with it too."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise PackError(
            Diagnostic(
                codes.OUTSIDE_PACK, f"{shown} points outside the pack folder", Span(shown, 1, 1)
            )
        )
    return read_source_text(resolved, kind, shown=shown)


def read_source(path: Path, root: Path) -> tuple[Any, SourceFile]:
    """Read a small YAML file of a pack with the positions of its keys."""
    shown = display_path(path)
    return _parse_source(read_pack_text(path, shown, root, PACK_FILE), shown, json_file=False)


def _parse_source(text: str, shown: str, *, json_file: bool) -> tuple[Any, SourceFile]:
    data, positions = parse_text(
        text,
        shown,
        noun=PACK_FILE.noun,
        error=PackError,
        json=json_file,
        not_a_mapping=lambda found: (
            f"the {PACK_FILE.noun} must be a mapping, but this file holds {found}"
        ),
    )
    return data, SourceFile(shown, text, positions)


def _load_manifest(path: Path, search: Sequence[Path]) -> tuple[PackManifest, SourceFile]:
    """The manifest, or a :class:`PackError` with every problem of it at once: with schema
    errors come the ``extends`` parents that do not exist (a valid manifest has them
    reported by the loader, at the same place)."""
    data, source = read_source(path, path.parent.resolve())
    problems = _id_mismatch(data, path.parent.name, source)
    try:
        manifest = PackManifest.model_validate(data)
    except ValidationError as exc:
        problems = [
            *_unknown_parents(data, path.parent.resolve(), search, source),
            *validation_diagnostics(
                exc,
                data,
                PackManifest,
                source,
                label="pack.yaml",
                code=codes.MANIFEST,
                pack_wording=True,
                pattern_words=PATTERN_WORDS,
            ),
            *problems,
        ]
    if problems:
        raise PackError(sorted(problems, key=Diagnostic.sort_key)) from None
    return manifest, source


def _unknown_parents(
    data: Any, root: Path, search: Sequence[Path], source: SourceFile
) -> list[Diagnostic]:
    """The ``extends`` entries of the raw data that name no pack, so that they come with the
    schema's errors rather than after those are fixed."""
    extends = data.get("extends") if isinstance(data, dict) else None
    entries = [extends] if isinstance(extends, str) else extends
    if not isinstance(entries, list):
        return []
    problems = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, str) or not entry.strip():
            continue
        try:
            resolve_pack_dir(parse_extends(entry)[0], root, search)
        except UsageError as exc:
            span = (
                source.span("extends", index)
                if isinstance(extends, list)
                else source.span("extends")
            )
            message = exc.diagnostics[0].message
            problems.append(Diagnostic(codes.EXTENDS, message, span, snippet=source.snippet(span)))
    return problems


def _id_mismatch(data: Any, folder: str, source: SourceFile) -> list[Diagnostic]:
    """The id differing from the folder name, checked on the raw data so that it comes with
    the schema's errors rather than after they are fixed."""
    found = data.get("id") if isinstance(data, dict) else None
    if not isinstance(found, str) or found == folder:
        return []
    span = source.span("id")
    message = f"pack id '{found}' differs from its folder name '{folder}'"
    return [Diagnostic(codes.MANIFEST, message, span, snippet=source.snippet(span))]


#: Plain words for the patterns of the manifest's fields
PATTERN_WORDS = {
    RULE_ID_PATTERN: "not a rule id: write one such as CR-LIC-001",
    DURATION_PATTERN: "not a duration: write one such as '30 days', '6 months' or '1 year'",
    DISABLE_PATTERN: "not a rule id (CR-LIC-001) or a domain name (licensing)",
    PACK_ID_PATTERN: "not a pack id: lower-case words joined by dashes, such as acme-credit",
}


def _load_schema_fragment(root: Path) -> tuple[dict[str, Any] | None, SourceFile | None]:
    """The pack's ``schema.json``, if it has one: a JSON Schema object for its extension fields."""
    path = root / SCHEMA_FRAGMENT_FILE
    if not os.path.lexists(path):  # present but not a file (a FIFO, a folder): refused below
        return None, None
    shown = display_path(path)
    text = read_pack_text(path, shown, root, SCHEMA_FILE)
    try:
        is_object = isinstance(json.loads(text), dict)
    except ValueError:
        is_object = True  # not JSON at all: the reader below says where
    if not is_object:
        raise PackError(
            Diagnostic(
                codes.SCHEMA_FRAGMENT,
                f"{shown} must hold a JSON Schema object, such as "
                '{"type": "object", "properties": {…}}',
                Span(shown, 1, 1),
            )
        )
    return _parse_source(text, shown, json_file=True)
