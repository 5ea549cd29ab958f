"""The diagnostic codes: every code a :class:`~licensecheck.errors.Diagnostic` carries, once.

A code is the stable, machine-readable name of one kind of problem. It reaches users in the
text output, JSON reports, SARIF rule ids, JUnit error types and GitHub annotation titles, so
its string never changes. Each constant *is* that string (``UNKNOWN_PATH == "unknown-path"``),
so code written with the constants produces the same bytes; :data:`CODES` adds what the code
means, the stages that report it and the level it is reported at.

``docs/diagnostics.md`` is generated from this registry, and ``tests/test_diagnostic_codes.py``
fails when the two disagree, when a code is written as a string literal instead of a constant,
or when a registered code is no longer used. Regenerate the page with::

    python -m licensecheck.codes > docs/diagnostics.md
"""

from __future__ import annotations

from typing import Literal, NamedTuple

# What a diagnostic is about: the call (usage), reading a file (io), or the stage of the
# pipeline that found it.
Stage = Literal[
    "usage",
    "io",
    "config",
    "declaration",
    "pack",
    "check",
    "runtime",
    "waiver",
    "report",
    "plan",
    "template",
    "lint",
    "pack-test",
    "watchlist",
    "workspace",
    "trust",
]
Level = Literal["error", "warning"]

DOCS_PAGE = "docs/diagnostics.md"


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has.
class CodeInfo(NamedTuple):
    """One registered code: its string, what it means, who reports it and how loudly."""

    code: str
    meaning: str
    stages: tuple[Stage, ...]
    level: Level

    @property
    def anchor(self) -> str:
        """Where ``docs/diagnostics.md`` describes the code (the code is its own anchor)."""
        return f"{DOCS_PAGE}#{self.code}"


CODES: dict[str, CodeInfo] = {}


def _code(
    code: str, meaning: str, *, stage: Stage | tuple[Stage, ...], level: Level = "error"
) -> str:
    if code in CODES:
        raise ValueError(f"diagnostic code '{code}' is registered twice")
    stages = stage if isinstance(stage, tuple) else (stage,)
    CODES[code] = CodeInfo(code, meaning, stages, level)
    return code


# -- the call and its files
USAGE = _code(
    "usage",
    "the call is wrong: a bad option value, a missing input, an unknown format",
    stage="usage",
)
INPUT = _code(
    "input",
    "a problem with the input with no more specific code (JUnit's type for a file that could not be assessed)",
    stage="usage",
)
IO = _code(
    "io",
    "a file does not exist, is a folder, is too large or cannot be read",
    stage=("io", "declaration", "waiver", "report"),
)
ENCODING = _code(
    "encoding", "a file is not UTF-8 text", stage=("io", "declaration", "pack", "waiver")
)
CONFIG = _code(
    "config",
    "a configuration file (licensecheck.toml or [tool.licensecheck]) is missing, unreadable or invalid",
    stage="config",
)
SYNTAX = _code(
    "syntax",
    "the text does not follow its grammar: YAML or JSON of a declaration, waiver file or report, or a rules file",
    stage=("declaration", "pack", "waiver", "report", "watchlist"),
)

# -- declarations
SCHEMA = _code(
    "schema",
    "a declaration or waiver file does not fit its schema",
    stage=("declaration", "waiver"),
)
LIMIT = _code(
    "limit",
    "a declaration exceeds a size limit: nesting depth, list length, text length or alias expansion",
    stage="declaration",
)
SCHEMA_DEFINITION = _code(
    "schema-definition",
    "the bundled declaration schema cannot be read or is not a schema licensecheck understands",
    stage="declaration",
)

# -- loading a pack
UNKNOWN_PACK = _code("unknown-pack", "no pack has the given id on the pack path", stage="usage")
NO_PACK = _code(
    "no-pack",
    "a command that assesses a declaration was given no pack (--pack or the configuration's "
    "pack) and cannot ask for one (not on a terminal); the message lists the packs that fit",
    stage="usage",
)
MANIFEST = _code(
    "manifest", "pack.yaml is malformed, or the pack id differs from its folder name", stage="pack"
)
EMPTY_PACK = _code("empty-pack", "a pack folder holds no *.rules files", stage="pack")
OUTSIDE_PACK = _code(
    "outside-pack", "a file of the pack points outside the pack folder", stage="pack"
)
SCHEMA_FRAGMENT = _code(
    "schema-fragment", "a pack's schema.json is not a JSON Schema of an object", stage="pack"
)
EXTENDS = _code(
    "extends",
    "an 'extends' entry cannot be resolved: an unknown parent, a loop, two packs with one id, an empty entry",
    stage="pack",
)
EXTENDS_VERSION = _code(
    "extends-version",
    "a parent's version does not satisfy the constraint in 'extends'",
    stage="pack",
)
UNKNOWN_OVERRIDE = _code(
    "unknown-override", "pack.yaml 'overrides' names a rule the pack does not inherit", stage="pack"
)
PARENT_CONFLICT = _code(
    "parent-conflict", "two parents override one inherited field differently", stage="pack"
)
UNKNOWN_DISABLE = _code(
    "unknown-disable", "pack.yaml 'disable' names no inherited rule or domain", stage="pack"
)
TOO_DEEP = _code(
    "too-deep",
    "an expression or the pack's predicates nest too deeply to parse, check or compile",
    stage="pack",
)
GENERATED_BOUND = _code(
    "generated-bound",
    "a pack's generated code would exceed its bound on size or nesting (its rules still run as closures)",
    stage="pack",
)
GENERATED_AUDIT = _code(
    "generated-audit",
    "the audit of a pack's generated code found a construct outside its whitelist (a bug: please report it)",
    stage="pack",
)

# -- static checks of the rules
UNKNOWN_FIELD = _code(
    "unknown-field",
    "a rule field that does not exist, or a language variant of a field without variants",
    stage="check",
)
DUPLICATE_FIELD = _code("duplicate-field", "a field is given twice in a rule", stage="check")
MISSING_FIELD = _code(
    "missing-field", "a rule has no title, domain, severity or require", stage="check"
)
GRACE_ORDER = _code(
    "grace-order", "a rule's 'grace_until' is before its 'effective_from'", stage="check"
)
FIELD_TYPE = _code("field-type", "a rule field holds the wrong kind of value", stage="check")
UNKNOWN_SEVERITY = _code(
    "unknown-severity", "a severity other than critical, high, medium, low", stage="check"
)
UNKNOWN_DOMAIN = _code(
    "unknown-domain", "a rule's domain is not listed in pack.yaml", stage="check"
)
DUPLICATE_RULE = _code(
    "duplicate-rule", "two rules have the same id (also across extended packs)", stage="check"
)
UNKNOWN_RULE = _code(
    "unknown-rule",
    "a rule id that the pack does not have: in 'after', an override, a waiver or 'explain'",
    stage=("check", "pack", "waiver", "usage"),
)
AFTER_CYCLE = _code("after-cycle", "'after' links between rules form a loop", stage="check")
NAME_CLASH = _code(
    "name-clash",
    "a const or predicate named like a top-level field or built-in, or a variable hiding another name",
    stage="check",
)
DUPLICATE_NAME = _code("duplicate-name", "a const or predicate is defined twice", stage="check")
NOT_CONSTANT = _code("not-constant", "a const that is not a fixed value", stage="check")
PREDICATE_CYCLE = _code(
    "predicate-cycle", "predicates refer to each other in a loop", stage="check"
)
CONST_CYCLE = _code("const-cycle", "consts refer to each other in a loop", stage="check")
UNKNOWN_NAME = _code(
    "unknown-name", "a name that is no variable, const, predicate or top-level field", stage="check"
)
UNKNOWN_PATH = _code("unknown-path", "a field the declaration schema does not have", stage="check")
NOT_AN_OBJECT = _code("not-an-object", "a field of a list or of a plain value", stage="check")
TYPE = _code("type", "a type mismatch that the schema makes certain", stage="check")
UNKNOWN_VALUE = _code(
    "unknown-value", "a quoted value that a fixed-value field never holds", stage="check"
)
BAD_PATTERN = _code("bad-pattern", "an invalid regular expression (RE2 syntax)", stage="check")
UNKNOWN_FUNCTION = _code("unknown-function", "a function that does not exist", stage="check")
ARITY = _code("arity", "a function is given the wrong number of arguments", stage="check")
MISSING_CITE = _code("missing-cite", "a rule has no 'cite'", stage="check", level="warning")
MISSING_REMEDIATION = _code(
    "missing-remediation", "a rule has no 'remediation'", stage="check", level="warning"
)
UNUSED = _code("unused", "a const or predicate is never used", stage="check", level="warning")
UNLISTED_DOMAINS = _code(
    "unlisted-domains",
    "pack.yaml lists no domains, so a rule's domain is not checked",
    stage="check",
    level="warning",
)

# -- evaluating a rule (the rule's status becomes error)
RUNTIME = _code(
    "runtime",
    "a rule failed while evaluating, for example a type mismatch on unconstrained data",
    stage="runtime",
)
BUDGET = _code(
    "budget", "a rule visited more list elements than its evaluation budget", stage="runtime"
)

# -- waivers
WAIVER = _code(
    "waiver", "a waiver is malformed, for example its path is not a path", stage="waiver"
)
EMPTY = _code("empty", "a waiver file is empty", stage="waiver")
DUPLICATE_WAIVER = _code(
    "duplicate-waiver",
    "two waivers share an id, or waive one rule with the same scope",
    stage="waiver",
)
APPROVAL_REQUIRED = _code(
    "approval-required", "a critical rule is waived without 'approved_by'", stage="waiver"
)
NO_EXPIRY = _code(
    "no-expiry", "a waiver has no 'expires_on': it never expires", stage="waiver", level="warning"
)
NO_FINGERPRINT = _code(
    "no-fingerprint",
    "a waiver has no 'fingerprint': it keeps applying when the declaration changes",
    stage="waiver",
    level="warning",
)
EXPIRED = _code(
    "expired", "a waiver has expired by the assessment date", stage="waiver", level="warning"
)

# -- reports, plans and templates
REPORT = _code(
    "report",
    "a JSON file given as a report (--baseline, diff) is not a licensecheck JSON report",
    stage="report",
)
SCHEDULE = _code(
    "schedule",
    "remediation jobs cannot be scheduled: duplicate or unknown job ids, none can start",
    stage="plan",
)
CYCLE = _code("cycle", "remediation tasks depend on each other in a loop", stage="plan")
TEMPLATE = _code(
    "template", "a custom report template is missing or fails to render", stage="template"
)

# -- packs lint and packs test
MISSING_TRANSLATION = _code(
    "missing-translation",
    "a rule lacks a text in a language pack.yaml lists",
    stage="lint",
    level="warning",
)
UNKNOWN_BUSINESS_LINE = _code(
    "unknown-business-line",
    "pack.yaml business_lines names a kind the declaration schema does not have, so the pack "
    "is never offered to a firm of that kind",
    stage="lint",
    level="warning",
)
OVERRIDE_OWN = _code(
    "override-own",
    "a pack overrides its own rule instead of changing it",
    stage="lint",
    level="warning",
)
OVERRIDE_UNCHANGED = _code(
    "override-unchanged",
    "an override gives the value the field already has",
    stage="lint",
    level="warning",
)
STALE_TRANSLATION = _code(
    "stale-translation",
    "an overridden text leaves its translation saying the old thing",
    stage="lint",
    level="warning",
)
DISABLE_OWN = _code(
    "disable-own",
    "a pack disables a rule or domain that it defines itself",
    stage="lint",
    level="warning",
)
HIDDEN_CHARACTER = _code(
    "hidden-character",
    "a pack file holds a bidirectional-control or zero-width character (Trojan Source)",
    stage="lint",
    level="warning",
)
CONFUSABLE_ID = _code(
    "confusable-id",
    "an id in a pack holds non-ASCII letters that can pass for ASCII ones",
    stage="lint",
    level="warning",
)
NO_TESTS = _code(
    "no-tests", "a pack has no test cases (tests/*.yaml)", stage="lint", level="warning"
)
TEST_UNKNOWN_RULE = _code(
    "test-unknown-rule",
    "a test case names a rule the pack does not have",
    stage="lint",
    level="warning",
)
TEST_CASE = _code(
    "test-case",
    "a pack test case is malformed or names a base that cannot be used",
    stage="pack-test",
)

# -- watchlists
WATCHLIST = _code(
    "watchlist",
    "a watchlist (CSV or YAML) is malformed: a missing or unknown column or key, a value of the "
    "wrong kind, a date that is not a real YYYY-MM-DD",
    stage="watchlist",
)

# -- the workspace (assessments remembered in a database)
WORKSPACE = _code(
    "workspace",
    "no workspace is found, a firm is not in it, or a workspace command cannot be done there",
    stage="workspace",
)
WORKSPACE_DATABASE = _code(
    "workspace-database",
    "the workspace database cannot be used: not a database, not a licensecheck workspace, "
    "or a server that cannot be reached",
    stage="workspace",
)
WORKSPACE_VERSION = _code(
    "workspace-version",
    "the workspace database was made by a newer licensecheck (a schema revision this one "
    "does not know)",
    stage="workspace",
)


# -- trust: keys and signatures
KEY = _code(
    "key",
    "a key file is not an ed25519 key in PEM or OpenSSH form, is encrypted without "
    "LICENSECHECK_KEY_PASSPHRASE set, or is of another algorithm (RSA, ECDSA)",
    stage="trust",
)
SIGNATURE = _code(
    "signature",
    "a signature document is malformed, or does not verify: altered content, another "
    "subject, or a key that is not trusted",
    stage="trust",
)


# -- pack supply chain
PACK_LOCK = _code(
    "pack-lock",
    "licensecheck.lock is malformed, or a locked pack's files differ from the digest the lock "
    "pins (the changed, added and removed files are named)",
    stage="trust",
)
PACK_SIGNATURE = _code(
    "pack-signature",
    "a pack is unsigned, signed by a key that is not trusted, or changed since it was signed, "
    "where a valid signature is required (--require-signed, packs verify)",
    stage="trust",
)
PACK_DISTRIBUTION = _code(
    "pack-distribution",
    "an installed distribution's licensecheck.packs entry point names no pack folder, or two "
    "distributions offer the same pack id",
    stage="trust",
)

# -- evidence
EVIDENCE_ENTRY = _code(
    "evidence-entry",
    "an evidence entry of a declaration has both or neither of path and uri, or covers "
    "something that is not a declaration path",
    stage="trust",
)
EVIDENCE_PATH = _code(
    "evidence-path",
    "an evidence path is absolute, or climbs or links out of the declaration's folder "
    "(and of --evidence-root when given)",
    stage="trust",
)


# -- bundles
BUNDLE = _code(
    "bundle",
    "a submission bundle cannot be read safely: not a zip, no manifest, or a hostile member "
    "(a name outside the bundle, a link, a duplicate, encryption, or a size, ratio or count "
    "over the bounds)",
    stage="trust",
)


def markdown() -> str:
    """``docs/diagnostics.md``: every code, its level, its stages and what it means."""
    lines = [
        "# Diagnostic codes",
        "",
        "<!-- Generated from src/licensecheck/codes.py: edit the registry, then run",
        "     python -m licensecheck.codes > docs/diagnostics.md -->",
        "",
        "Every problem licensecheck reports carries a stable code. The text output shows only",
        "the message; the code is `code` in JSON (`packs lint --format json`, the errors of a",
        "batch report), the descriptor id of a SARIF tool notification, the `type` of a JUnit",
        "error and the title of a GitHub annotation. A code never changes its string or its",
        "meaning; new codes may be added. The level is the one the code is reported at",
        "(`packs lint --strict` makes warnings errors). The stage says what was being read or",
        "checked; the language's static checks (stage `check`) are described with examples in",
        "[the language reference](language.md#14-static-checks-errors-and-warnings-at-load-time).",
        "",
        "| code | level | stage | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for info in sorted(CODES.values(), key=lambda i: i.code):
        anchor = f'<a id="{info.code}"></a>`{info.code}`'
        stages = ", ".join(info.stages)
        lines.append(f"| {anchor} | {info.level} | {stages} | {info.meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(markdown())
