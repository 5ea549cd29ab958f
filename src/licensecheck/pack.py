"""Load a policy pack: find its folder, read and validate ``pack.yaml``, parse its rules.

Input: a pack id (a bundled pack) or a folder path. Output: a :class:`LoadedPack` holding
the manifest, the parsed modules and the loaded parent (``extends``). Nothing is checked
here beyond syntax and the manifest's shape; :mod:`licensecheck.check` does the rest.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .declaration import Declaration, Positions, parse_declaration_text
from .errors import (
    DeclarationError,
    Diagnostic,
    PackError,
    Span,
    UsageError,
    did_you_mean,
    source_snippet,
)
from .lang import nodes as n
from .lang.parser import parse_module
from .resources import policies_dir

PACK_ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
MAX_RULES_FILE_BYTES = 2 * 1024 * 1024


class DomainInfo(BaseModel):
    """A domain of requirements (licensing, consent, security, …) and its display names."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    title: str = Field(description="Display name of the domain.")
    title_zh: str | None = Field(
        default=None, alias="title@zh", description="Chinese display name."
    )
    description: str | None = Field(default=None, description="What the domain covers.")


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
    languages: list[str] = Field(
        default_factory=lambda: ["en"], description="Languages the rule texts are written in."
    )
    extends: str | None = Field(
        default=None,
        description="Parent pack (a bundled pack id or a folder path relative to this pack).",
    )
    declaration_schema: list[int] = Field(
        default_factory=lambda: [1],
        description="Declaration schema_version values the pack supports.",
    )
    domains: dict[str, DomainInfo] = Field(
        default_factory=dict,
        description="The domains rules may use; when given, any other domain is an error.",
    )


@dataclass
class LoadedPack:
    manifest: PackManifest
    root: Path
    modules: list[n.Module]
    texts: dict[str, str] = field(default_factory=dict)  # display path -> source text
    parent: LoadedPack | None = None

    def lineage(self) -> Iterator[LoadedPack]:
        """Ancestors first, then this pack."""
        if self.parent is not None:
            yield from self.parent.lineage()
        yield self

    def all_domains(self) -> dict[str, dict[str, str]]:
        domains: dict[str, dict[str, str]] = {}
        for pack in self.lineage():
            for key, info in pack.manifest.domains.items():
                domains[key] = {
                    "en": info.title,
                    **({"zh": info.title_zh} if info.title_zh else {}),
                }
        return domains


def bundled_pack_ids() -> list[str]:
    root = policies_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "pack.yaml").is_file())


def resolve_pack_dir(ref: str | os.PathLike[str], relative_to: Path | None = None) -> Path:
    """A pack folder from a bundled id or a path; raise :class:`UsageError` if neither."""
    text = os.fspath(ref)
    candidates = []
    if relative_to is not None and not re.match(PACK_ID_PATTERN, text):
        candidates.append(relative_to / text)
    candidates.append(Path(text))
    if re.match(PACK_ID_PATTERN, text):
        candidates.insert(0, policies_dir() / text)
    for candidate in candidates:
        if (candidate / "pack.yaml").is_file():
            return candidate
    if Path(text).is_file() and Path(text).name == "pack.yaml":
        return Path(text).parent
    known = bundled_pack_ids()
    suggestion = did_you_mean(text, known)
    message = f"no pack '{text}': not a bundled pack id and not a folder with a pack.yaml"
    if suggestion:
        message += f" (did you mean '{suggestion}'?)"
    raise UsageError(Diagnostic("unknown-pack", message, hint="bundled packs: " + ", ".join(known)))


def load_pack(
    ref: str | os.PathLike[str], *, _seen: tuple[Path, ...] = (), _relative_to: Path | None = None
) -> LoadedPack:
    """Read a pack and, through ``extends``, its parents; syntax errors are collected per file."""
    root = resolve_pack_dir(ref, _relative_to).resolve()
    manifest = _load_manifest(root / "pack.yaml")
    if root in _seen:
        chain = " -> ".join(p.name for p in (*_seen, root))
        raise PackError(
            Diagnostic(
                "extends-cycle",
                f"'extends' forms a cycle: {chain}",
                Span(str(root / "pack.yaml"), 1, 1),
            )
        )
    parent = None
    if manifest.extends:
        parent = load_pack(manifest.extends, _seen=(*_seen, root), _relative_to=root)
    modules, texts = _parse_rules_files(root)
    return LoadedPack(manifest=manifest, root=root, modules=modules, texts=texts, parent=parent)


def _display_path(path: Path) -> str:
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
                "empty-pack",
                "the pack has no *.rules files",
                Span(_display_path(root / "pack.yaml"), 1, 1),
            )
        )
    for path in files:
        shown = _display_path(path)
        text = _read_text(path, shown, root)
        texts[shown] = text
        try:
            modules.append(parse_module(text, shown))
        except PackError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise PackError(problems)
    return modules, texts


def _read_text(path: Path, shown: str, root: Path) -> str:
    span = Span(shown, 1, 1)
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise PackError(Diagnostic("outside-pack", f"{shown} points outside the pack folder", span))
    try:
        if resolved.stat().st_size > MAX_RULES_FILE_BYTES:
            raise PackError(
                Diagnostic(
                    "too-large", f"{shown} is larger than {MAX_RULES_FILE_BYTES} bytes", span
                )
            )
        return resolved.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PackError(
            Diagnostic("encoding", f"{shown} is not UTF-8 text (byte {exc.start})", span)
        ) from None
    except OSError as exc:
        raise PackError(
            Diagnostic("unreadable", f"cannot read {shown}: {exc.strerror}", span)
        ) from None


def _load_manifest(path: Path) -> PackManifest:
    shown = _display_path(path)
    text = _read_text(path, shown, path.parent.resolve())
    try:
        data, positions = parse_declaration_text(text, shown)
    except DeclarationError as exc:  # the shared YAML reader speaks of declarations
        raise PackError(exc.diagnostics) from None
    try:
        manifest = PackManifest.model_validate(data)
    except ValidationError as exc:
        raise PackError(_manifest_diagnostics(exc, positions, shown, text)) from None
    if manifest.id != path.parent.name:
        where = _position(positions, ("id",)) or (1, 1)
        raise PackError(
            Diagnostic(
                "manifest",
                f"pack id '{manifest.id}' differs from its folder name '{path.parent.name}'",
                Span(shown, *where),
                snippet=source_snippet(text, *where),
            )
        )
    return manifest


def _position(positions: Positions, path: tuple[str | int, ...]) -> tuple[int, int] | None:
    return Declaration(data={}, positions=positions).locate(path)


def _manifest_diagnostics(
    exc: ValidationError, positions: Positions, shown: str, text: str
) -> list[Diagnostic]:
    diagnostics = []
    fields = [f.alias or name for name, f in PackManifest.model_fields.items()]
    for error in exc.errors():
        loc = tuple(error["loc"])
        where = _position(positions, loc) or (1, 1)
        dotted = ".".join(str(p) for p in loc)
        if error["type"] == "extra_forbidden":
            suggestion = did_you_mean(str(loc[-1]), fields) if len(loc) == 1 else None
            message = f"unknown key '{dotted}' in pack.yaml" + (
                f" (did you mean '{suggestion}'?)" if suggestion else ""
            )
        else:
            message = f"pack.yaml: {dotted}: {error['msg'].lower()}"
        diagnostics.append(
            Diagnostic(
                "manifest", message, Span(shown, *where), snippet=source_snippet(text, *where)
            )
        )
    return diagnostics


def pack_summary(pack: LoadedPack) -> Mapping[str, Any]:
    m = pack.manifest
    return {"id": m.id, "version": m.version, "title": m.title, "extends": m.extends}
