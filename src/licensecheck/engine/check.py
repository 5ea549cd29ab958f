"""Static checks: turn a loaded pack into checked rules, or report every problem at once.

Input: a :class:`~licensecheck.packs.loader.LoadedPack` (parsed modules of a pack and its parents)
and the declaration schema. Output: a :class:`~licensecheck.engine.rules.CheckedPack` whose
rules are known to be well-formed, whose names resolve, whose declaration paths exist in the
schema and whose types fit, plus warnings. Errors are collected and raised together as one
:class:`~licensecheck.errors.PackError`.

The checks run as the named stages of :data:`STAGES`, in order, each a module of
:mod:`licensecheck.engine.checks` adding to one shared :class:`~.checks.state.CheckState`.
A stage that needs well-formed input (composition) runs only when no stage before it found
an error; otherwise every error of every stage is reported together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import codes
from ..declaration.schema import DeclarationSchema
from ..errors import Diagnostic, PackError, Span
from ..packs.extensions import with_extensions
from ..packs.loader import LoadedPack
from .checks.composition import compose_rules
from .checks.consts import fold_consts
from .checks.expressions import type_predicates
from .checks.names import collect_names, warn_unused
from .checks.order import check_after_cycles, check_after_references
from .checks.rule_fields import check_rules, collect_rule_definitions
from .checks.state import CheckState
from .rules import CheckedPack


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[CheckState], None]
    #: run only when no stage before found an error (it needs well-formed rules)
    needs_clean: bool = False


STAGES: tuple[Stage, ...] = (
    Stage("names", collect_names),  # consts and predicates: defined once, no clashes
    Stage("consts", fold_consts),  # each const a fixed value, no cycles
    Stage("predicates", type_predicates),  # paths vs schema, types, enums; no cycles
    Stage("rule ids", collect_rule_definitions),  # each rule id defined once
    Stage("rules", check_rules),  # fields, severity, domain, types of when/require
    Stage("after references", check_after_references),  # `after` names known rules
    Stage("unused names", warn_unused),
    Stage("composition", compose_rules, needs_clean=True),  # extends, overrides, disable
    Stage("remediation order", check_after_cycles),  # no cycle of `after`
)


def check_pack(pack: LoadedPack, schema: DeclarationSchema) -> CheckedPack:
    """Run every static check; raise :class:`PackError` listing all errors.

    ``schema`` is the declaration schema; the ``schema.json`` fragments of the pack's lineage
    are merged into it (``extensions.<pack-id>``), and the checked pack carries the result.
    """
    return _checked(CheckState(pack, with_extensions(schema, pack)))


def pack_diagnostics(
    pack: LoadedPack, schema: DeclarationSchema
) -> tuple[CheckedPack | None, list[Diagnostic]]:
    """Every error and warning of a pack at once (``packs lint``), and the checked pack when
    there is no error."""
    try:
        state = CheckState(pack, with_extensions(schema, pack))
    except PackError as exc:
        return None, list(exc.diagnostics)
    try:
        checked = _checked(state)
    except PackError as exc:
        return None, [*exc.diagnostics, *state.warnings]
    return checked, list(checked.warnings)


def _checked(state: CheckState) -> CheckedPack:
    try:
        _run_stages(state)
    except RecursionError:  # e.g. hundreds of predicates each using the next
        where = Span(str(state.pack.root / "pack.yaml"), 1, 1)
        raise PackError(Diagnostic(codes.TOO_DEEP, _TOO_DEEP, where)) from None
    manifest = state.pack.manifest
    return CheckedPack(
        id=manifest.id,
        version=manifest.version,
        title=manifest.title,
        rules=tuple(state.rules.values()),
        consts=dict(state.consts),
        predicates=dict(state.predicates),
        domains=state.pack.all_domains(),
        warnings=tuple(sorted(state.warnings, key=Diagnostic.sort_key)),
        schema=state.schema,
        loaded=state.pack,
        disabled=state.disabled,
    )


def _run_stages(state: CheckState) -> None:
    for stage in STAGES:
        if stage.needs_clean:
            _raise_errors(state)
        stage.run(state)
    _raise_errors(state)


def _raise_errors(state: CheckState) -> None:
    if state.errors:
        raise PackError(sorted(state.errors, key=Diagnostic.sort_key))


_TOO_DEEP = "the pack's predicates and expressions nest too deeply to check; split them up"
