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

#: Where each public name below is defined: imported when first asked for (PEP 562), so that
#: ``python -m licensecheck`` and the ``licensecheck`` command load the API and its models only
#: as far as the command run needs them (issue #12, cold start).
_HOMES = {
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
    import importlib
    import importlib.util

    if name in __all__ and name != "__version__":
        value = getattr(importlib.import_module(_HOMES.get(name, ".api"), __name__), name)
    elif not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}"):
        # a subpackage (``licensecheck.api``, ``licensecheck.engine``…), as reachable as
        # when the package imported the API at once
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # once: the next look-up finds it without this function
    return value


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
