r"""licensecheck: licensing-readiness policy-as-code for data companies.

The pipeline, one subpackage a stage (docs/architecture.md draws it)::

    sources/ (read files with positions) -> declaration/ (validate)    packs/ (load packs)
                                        \                             /
                                         engine/ (check, compile, evaluate, gate)
                                                        |
                              reports/ (gap reports, plans)   formats/ (SARIF, JUnit, ...)

The functions below are the public API (:mod:`licensecheck.api`); the CLI (:mod:`licensecheck.cli`)
is a thin layer over them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._lazy import load_attribute
from ._version import __version__

if TYPE_CHECKING:
    from .api import (
        assess,
        assess_many,
        compare,
        declaration_skeleton,
        evaluate,
        exit_code,
        explain_evaluation,
        explain_rule,
        find_declarations,
        format_pack,
        format_rules,
        gap_report,
        lint_pack,
        lint_waivers,
        load_baseline,
        load_config,
        load_declaration,
        load_waivers,
        new_pack,
        plan,
        prepare_pack,
        render,
        render_plan,
        render_report,
        run_pack_tests,
        start_batch,
        waiver_fingerprint,
    )
    from .engine.models import Assessment, Finding, Witness
    from .errors import (
        DeclarationError,
        Diagnostic,
        LicenseCheckError,
        PackError,
        RuleRuntimeError,
        Span,
        UsageError,
        WaiverError,
    )

#: Where the public names not the API's are defined
_NOT_THE_API = {
    "Assessment": ".engine.models",
    "Finding": ".engine.models",
    "Witness": ".engine.models",
    "DeclarationError": ".errors",
    "Diagnostic": ".errors",
    "LicenseCheckError": ".errors",
    "PackError": ".errors",
    "RuleRuntimeError": ".errors",
    "Span": ".errors",
    "UsageError": ".errors",
    "WaiverError": ".errors",
}


def __getattr__(name: str) -> Any:
    return load_attribute(__name__, globals(), name, _HOMES)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Assessment",
    "DeclarationError",
    "Diagnostic",
    "Finding",
    "LicenseCheckError",
    "PackError",
    "RuleRuntimeError",
    "Span",
    "UsageError",
    "WaiverError",
    "Witness",
    "__version__",
    "assess",
    "assess_many",
    "compare",
    "declaration_skeleton",
    "evaluate",
    "exit_code",
    "explain_evaluation",
    "explain_rule",
    "find_declarations",
    "format_pack",
    "format_rules",
    "gap_report",
    "lint_pack",
    "lint_waivers",
    "load_baseline",
    "load_config",
    "load_declaration",
    "load_waivers",
    "new_pack",
    "plan",
    "prepare_pack",
    "render",
    "render_plan",
    "render_report",
    "run_pack_tests",
    "start_batch",
    "waiver_fingerprint",
]

#: Where each public name is defined: imported when first asked for, so that ``python -m
#: licensecheck`` and the ``licensecheck`` command load the API and its models only as far as
#: the command run needs them (issue #12, cold start).
_HOMES = {name: _NOT_THE_API.get(name, ".api") for name in __all__ if name != "__version__"}
