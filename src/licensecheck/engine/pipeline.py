"""The single-file pipeline: a pack and a declaration in, one assessment out.

Input: a pack (id, folder, or an already loaded, checked or compiled pack), a declaration
(file, mapping or loaded), the date ``as_of`` and options (language, waivers, baseline).
Output: an :class:`~licensecheck.engine.models.Assessment`. Each step is done once: the date is
parsed once, the language checked once, the pack compiled once and reused; batches, pack tests
and the public API all call these functions.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import codes
from ..declaration.evidence import EvidenceStatus, check_evidence, evidence_not_at_hand
from ..declaration.loader import Declaration
from ..declaration.loader import load_declaration as _load_declaration
from ..declaration.schema import DeclarationSchema, load_declaration_schema
from ..errors import Diagnostic, UsageError
from ..packs.loader import LoadedPack, load_pack
from .assurance import apply_assurance, demanded_statuses, pack_demands_evidence
from .compile import CompiledPack, compile_pack
from .evaluate import assess_compiled, rule_statuses
from .models import Assessment, Status
from .pack_cache import checked_pack
from .rules import CheckedPack

if TYPE_CHECKING:
    from .baseline import Baseline
    from .waivers import WaiverSet

LANGUAGES = ("en", "zh")

PackRef = str | os.PathLike[str] | LoadedPack | CheckedPack | CompiledPack
DeclarationRef = str | os.PathLike[str] | Mapping[str, Any] | Declaration


def check_lang(lang: str) -> str:
    """``lang`` itself, or a usage error naming the languages."""
    if lang not in LANGUAGES:
        raise UsageError(
            Diagnostic(codes.USAGE, f"unknown language '{lang}'; use one of {', '.join(LANGUAGES)}")
        )
    return lang


def prepare_pack(
    pack: PackRef,
    *,
    schema: DeclarationSchema | None = None,
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
) -> CompiledPack:
    """Load (by id or folder), statically check and compile a pack.

    A pack id is searched in ``pack_path`` (folders holding pack folders), then in the
    ``LICENSECHECK_PACK_PATH`` folders, then among the bundled packs. Raises
    :class:`~licensecheck.errors.PackError` listing every problem. The result can be reused
    for any number of declarations.
    """
    if isinstance(pack, CompiledPack):
        return pack
    if isinstance(pack, CheckedPack):
        return compile_pack(pack)
    with _no_garbage_collection():  # building thousands of nodes triggers useless GC passes
        loaded = pack if isinstance(pack, LoadedPack) else load_pack(pack, pack_path=pack_path)
        return compile_pack(checked_pack(loaded, schema or load_declaration_schema()))


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_declaration(
    declaration: DeclarationRef, *, schema: DeclarationSchema | None = None
) -> Declaration:
    """Read and validate a declaration file (YAML or JSON) or an in-memory mapping."""
    if isinstance(declaration, Declaration):
        return declaration
    return _load_declaration(declaration, schema=schema or load_declaration_schema())


def parse_as_of(value: str | dt.date | None) -> dt.date:
    """The assessment date: ``YYYY-MM-DD`` only (``fromisoformat`` would also take
    ``20260115`` and ``2026-W03-4``), or today's date in UTC when none is given, so a CI runner
    and a laptop in another time zone agree on what "today" is."""
    if value is None:
        return dt.datetime.now(dt.UTC).date()
    if isinstance(value, dt.date):
        return value
    try:
        return calendar_date(value)
    except ValueError as exc:
        raise UsageError(Diagnostic(codes.USAGE, f"--as-of: {exc}")) from None


def calendar_date(value: str) -> dt.date:
    """The date ``value`` writes as ``YYYY-MM-DD``; :class:`ValueError` saying why otherwise
    (the one reading of a written date: ``--as-of``, watchlist dates)."""
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_why_not_a_date(value)) from None


def _why_not_a_date(value: str) -> str:
    """Why ``value`` is no date: a well-formed one that does not exist says which part."""
    parts = value.split("-")
    if (
        len(parts) != 3
        or [len(p) for p in parts] != [4, 2, 2]
        or not (value.replace("-", "").isascii() and value.replace("-", "").isdigit())
    ):
        return f"'{value}' is not a date (YYYY-MM-DD)"
    year, month, day = (int(p) for p in parts)
    if not 1 <= month <= 12:
        return f"'{value}' does not exist (month {month})"
    return f"'{value}' does not exist ({year:04d}-{month:02d} has no day {day})"


_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def assess(
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
    baseline: str | os.PathLike[str] | Baseline | Assessment | None = None,
    evidence_root: str | os.PathLike[str] | None = None,
    evidence: Sequence[EvidenceStatus] | None = None,
    witnesses: bool = True,
) -> Assessment:
    """Assess one declaration against one pack on the date ``as_of`` (default: today).

    ``waivers``: a waiver file (or :func:`load_waivers` result); covered gaps become
    ``waived`` and every waiver's state is recorded. ``baseline``: an earlier JSON report
    (file, :func:`load_baseline` result or :class:`Assessment`); each finding is marked new,
    worsened, improved, unchanged or fixed, and :func:`exit_code` counts only new and
    worsened gaps. ``evidence_root``: a folder evidence files may be in besides the
    declaration's own; each finding's assurance (evidenced, declared, contradicted) is judged
    from the declaration's evidence, and a rule demanding evidence passes only when evidenced.
    ``evidence``: the entries' states already checked elsewhere (a submission bundle checks
    them against its members), used instead of reading files beside the declaration.
    ``witnesses=False`` skips tracing the gaps for their witnesses (see
    :func:`~licensecheck.engine.evaluate.assess_compiled`), unless waivers or a baseline,
    which compare witnesses, are given; assurance then judges only the rules demanding
    evidence (their status depends on it), and the summary has no evidenced score.
    """
    check_lang(lang)
    witnesses = witnesses or waivers is not None or baseline is not None
    day = parse_as_of(as_of)
    compiled = prepare_pack(pack)
    waiver_set = prepare_waivers(waivers, compiled) if waivers is not None else None
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    result = assess_compiled(compiled, loaded, day, lang, witnesses=witnesses)
    if evidence is None:
        evidence = _evidence_states(loaded, day, evidence_root)
    result = apply_assurance(result, compiled, loaded, evidence, day, judge_all=witnesses)
    if waiver_set is not None:
        from .waivers import apply_waivers

        result = apply_waivers(result, waiver_set, loaded)
    if baseline is not None:
        from .baseline import apply_baseline

        if isinstance(baseline, Assessment):
            result = apply_baseline(result, baseline, baseline.declaration)
        else:
            base = load_baseline(baseline)
            result = apply_baseline(result, base.for_declaration(loaded.source), base.source)
    return result


def evaluate(
    pack: PackRef,
    declaration: DeclarationRef,
    as_of: str | dt.date | None = None,
    *,
    evidence_root: str | os.PathLike[str] | None = None,
) -> dict[str, Status]:
    """Rule id -> status of every rule on ``declaration`` on ``as_of``: the statuses
    :func:`assess` gives (without waivers or a baseline) at the engine's full speed, without
    messages, witnesses or a report. Pass a compiled pack (:func:`prepare_pack`) to compile
    once; a mapping is validated (dates as ``YYYY-MM-DD`` strings) and converted first, so a
    warm pack runs its schema-typed generated code on it (``evaluate_rules``). A rule
    demanding evidence (``evidence: required``) that passes unevidenced is ``unknown``, as in
    :func:`assess`: only such rules are traced, and evidence files are hashed only then."""
    day = parse_as_of(as_of)
    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    statuses = rule_statuses(compiled, loaded, day)
    if not pack_demands_evidence(compiled):
        return statuses
    evidence = _evidence_states(loaded, day, evidence_root)
    return demanded_statuses(compiled, loaded, statuses, evidence, day)


def _evidence_states(
    declaration: Declaration, as_of: dt.date, root: str | os.PathLike[str] | None
) -> tuple[EvidenceStatus, ...]:
    """The declaration's evidence on ``as_of``; none read when it declares none, and no file
    looked at when it came from outside (``reads_evidence``: a web form's text has no folder
    here, so its files are missing)."""
    if not declaration.data.get("evidence"):
        return ()
    if not declaration.reads_evidence:
        return evidence_not_at_hand(declaration, as_of)
    return check_evidence(declaration, as_of, Path(root) if root is not None else None)


def load_waivers(path: str | os.PathLike[str]) -> WaiverSet:
    """Read and validate a waiver file on its own (schema, paths, duplicates)."""
    from .waivers import load_waivers as _load

    return _load(path)


def prepare_waivers(waivers: str | os.PathLike[str] | WaiverSet, pack: PackRef) -> WaiverSet:
    """Load a waiver file (unless already loaded) and check it against ``pack``: unknown
    rules and critical rules without ``approved_by`` raise :class:`WaiverError`."""
    from .waivers import WaiverSet, check_waivers

    waiver_set = waivers if isinstance(waivers, WaiverSet) else load_waivers(waivers)
    check_waivers(waiver_set, prepare_pack(pack))
    return waiver_set


def load_baseline(baseline: str | os.PathLike[str] | Baseline) -> Baseline:
    """Read a JSON report (``check --format json``, one file or a batch) as a baseline."""
    from .baseline import Baseline
    from .baseline import load_baseline as _load

    return baseline if isinstance(baseline, Baseline) else _load(baseline)
