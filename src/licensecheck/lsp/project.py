"""What the server knows: the open files' text and what the engine says about each pack.

Input: the text of open documents (absolute path → text) and the workspace configuration.
Output: diagnostics per file (``packs lint`` for a pack's files, ``validate`` for a
declaration), and the last pack that checked clean, for hovers, completions and navigation.
A change relints only the pack the file belongs to and the packs that extend it.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .. import api
from ..api import syntax

if TYPE_CHECKING:
    from ..api import CheckedPack, Diagnostic

FileKind = Literal["rules", "pack", "declaration"]
PACK_FILE = "pack.yaml"
DECLARATION_SUFFIXES = (".yaml", ".yml", ".json")


#: A declaration says which schema it follows at its top level; other YAML (CI workflows,
#: compose files) is none of the server's business
SCHEMA_VERSION = re.compile(r'^(schema_version\s*:|\s*\{?\s*"schema_version"\s*:)', re.MULTILINE)


def kind_of(path: str, text: str) -> FileKind | None:
    """What a file is to the server: rules, a pack manifest, a declaration, or nothing."""
    name = os.path.basename(path)
    if name.endswith(".rules"):
        return "rules"
    if name == PACK_FILE:
        return "pack"
    if name.endswith(DECLARATION_SUFFIXES) and SCHEMA_VERSION.search(text):
        return "declaration" if pack_root(path) is None else None
    return None


def pack_root(path: str) -> str | None:
    """The pack folder a file belongs to: its own folder, or (for test cases and schema
    files one level down) the parent, when that holds a ``pack.yaml``."""
    folder = Path(path).parent
    for candidate in (folder, folder.parent):
        if (candidate / PACK_FILE).is_file():
            return str(candidate.resolve())
    return None


def absolute(shown: str) -> str:
    """A span's file (shown relative to the working directory) as an absolute path."""
    return os.path.realpath(shown)


@dataclass
class PackState:
    """One pack's last results: its diagnostics and, if it checked clean, the checked pack."""

    root: str
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    checked: CheckedPack | None = None
    #: the folders of the packs it extends, itself included
    lineage: frozenset[str] = frozenset()


@dataclass
class Project:
    """The open documents and every pack and declaration checked so far."""

    texts: dict[str, str] = field(default_factory=dict)
    packs: dict[str, PackState] = field(default_factory=dict)
    pack_path: list[str] = field(default_factory=list)
    declaration: str | None = None
    lang: str = "en"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, folder: str | None) -> None:
        """Read the workspace configuration (``licensecheck.toml`` or ``[tool.licensecheck]``)
        that applies in ``folder``; a broken one leaves the defaults."""
        try:
            defaults = api.load_config(start=Path(folder) if folder else None).option_defaults()
        except api.LicenseCheckError:
            return
        self.pack_path = list(defaults.get("pack_path", []))
        self.declaration = defaults.get("lsp_declaration")

    def packs_to_check(self, path: str) -> list[str]:
        """The pack a changed file belongs to, then every known pack extending it."""
        root = pack_root(path)
        if root is None:
            return []
        dependants = [
            other for other, state in self.packs.items() if other != root and root in state.lineage
        ]
        return [root, *sorted(dependants)]

    def check_pack(self, root: str) -> PackState:
        """Lint a pack as ``packs lint`` does, reading open files as typed; keep the checked
        pack when it loads cleanly."""
        with self.lock, api.unsaved_texts(dict(self.texts)), api.pack_caching(False):
            try:
                result = api.lint_pack(root, pack_path=self.pack_path)
                found, checked = result.diagnostics, result.checked
            except api.LicenseCheckError as exc:  # a parent pack that cannot be found
                found, checked = exc.diagnostics, None
            state = PackState(root, _by_file(found, _pack_files(root)), checked)
            previous = self.packs.get(root)
            if state.checked is not None:
                state.lineage = _lineage(state.checked)
            elif previous is not None:  # keep what was known while the text is broken
                state.checked, state.lineage = previous.checked, previous.lineage
        if state.checked is None and previous is None:  # broken from the start: as saved
            state.checked, state.lineage = self._as_saved(root)
        self.packs[root] = state
        return state

    def _as_saved(self, root: str) -> tuple[CheckedPack | None, frozenset[str]]:
        try:
            checked = api.prepare_pack(root, pack_path=self.pack_path).checked
        except api.LicenseCheckError:
            return None, frozenset()
        return checked, _lineage(checked)

    def check_declaration(self, path: str) -> list[Diagnostic]:
        """The declaration's problems, as ``validate`` reports them."""
        with self.lock, api.unsaved_texts(dict(self.texts)), api.pack_caching(False):
            try:
                api.load_declaration(path)
            except api.LicenseCheckError as exc:
                return [d for d in exc.diagnostics if d.span is None or _same(d.span.file, path)]
        return []

    def checked_for(self, path: str) -> CheckedPack | None:
        """The last clean check of the pack ``path`` belongs to, checking it if unknown."""
        root = pack_root(path)
        if root is None:
            return None
        state = self.packs.get(root) or self.check_pack(root)
        return state.checked

    def known_packs(self) -> Iterable[CheckedPack]:
        """Every pack checked clean so far (for declarations: which rules read a field)."""
        return (s.checked for s in self.packs.values() if s.checked is not None)


def _lineage(pack: CheckedPack) -> frozenset[str]:
    return frozenset(str(p.root.resolve()) for p in pack.loaded.lineage())


def _pack_files(root: str) -> list[str]:
    folder = Path(root)
    return [str(p.resolve()) for p in (*sorted(folder.glob("*.rules")), folder / PACK_FILE)]


def _by_file(
    diagnostics: Iterable[Diagnostic], files: Iterable[str]
) -> dict[str, list[Diagnostic]]:
    """Diagnostics grouped by absolute path; every file of the pack is present, so that a
    fixed file has its old diagnostics cleared."""
    grouped: dict[str, list[Diagnostic]] = {f: [] for f in files}
    for diagnostic in diagnostics:
        if diagnostic.span is not None:
            grouped.setdefault(absolute(diagnostic.span.file), []).append(diagnostic)
    return grouped


def _same(shown: str, path: str) -> bool:
    return absolute(shown) == os.path.realpath(path)


def definitions(pack: CheckedPack) -> Iterable[tuple[syntax.Definition, str]]:
    """Every const, predicate and rule of the pack's lineage, with its absolute file."""
    for loaded in pack.loaded.lineage():
        for module in loaded.modules:
            for definition in module.definitions:
                yield definition, absolute(module.path)
