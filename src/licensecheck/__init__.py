"""licensecheck: licensing-readiness policy-as-code for data companies.

The pipeline, one module a stage::

    declaration.py (load a declaration)   pack.py (load a pack)
                    \\                      /
                     check.py (static checks) -> compile.py -> evaluate.py -> report.py

The functions below are the public API; the CLI (``cli.py``) is a thin layer over them.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import assess, exit_code, load_declaration, prepare_pack
from .errors import (
    DeclarationError,
    Diagnostic,
    LicenseCheckError,
    PackError,
    RuleRuntimeError,
    Span,
    UsageError,
)
from .models import Assessment, Finding, Witness

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
    "Witness",
    "__version__",
    "assess",
    "exit_code",
    "load_declaration",
    "prepare_pack",
]
