"""Evaluate a compiled pack against a declaration: statuses, witnesses, summary.

Input: a :class:`~licensecheck.engine.compile.CompiledPack`, a loaded
:class:`~licensecheck.declaration.loader.Declaration` and the assessment date. Output: an
:class:`~licensecheck.engine.models.Assessment`. Each rule runs on its own: an ``error`` in one
never stops the rest. For the rules that fail or are unknown, the few declaration paths
that decided the outcome (witnesses) are found by explaining the deciding part directly
(:mod:`.direct_explanation`), or, where that cannot tell, from a traced run.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ..declaration.loader import Declaration
from ..errors import PackError, RuleRuntimeError
from ..lang.printer import expression_text
from ..lang.values import UNKNOWN
from ..sources.limits import current_limits
from ..sources.paths import format_path
from .codegen_tree import Outcomes
from .compile import GENERATE_AFTER, CompiledPack, CompiledRule
from .direct_explanation import direct_witnesses
from .explanation import RawWitness, display_actual, explained
from .gate import gap_blocks_readiness
from .models import (
    SEVERITIES,
    SEVERITY_WEIGHTS,
    STATUSES,
    Assessment,
    Counts,
    Finding,
    PackInfo,
    Status,
    Summary,
    Witness,
    constructed,
    tool_info,
    updated,
)
from .rules import Rule
from .runtime import Env, PathKey, Trace
from .witness_memo import static_reads, witness_key

if TYPE_CHECKING:
    from .codegen import GeneratedPack

#: The most witness lists remembered per pack (see :func:`_raw_witnesses`): some 600 bytes
#: each (cn-credit-reporting), a few MB at most
MEMO_SIZE = 8192


class RuleOutcome(NamedTuple):
    status: Status
    trace: Trace | None = None
    error: str | None = None
    #: which part decided the status: "when" (the rule's applicability) or "require"
    decided_by: str = "require"


# Untraced outcomes without an error are the same few values: build them once.
_PLAIN_OUTCOMES: dict[tuple[Status, str], RuleOutcome] = {
    (status, part): RuleOutcome(status, None, None, part)
    for status in ("pass", "fail", "unknown", "not_applicable")
    for part in ("when", "require")
}


def run_rule(
    compiled: CompiledRule, data: dict[str, Any], today: dt.date, trace: Trace | None = None
) -> RuleOutcome:
    """The status of one rule, optionally recording a trace."""
    return _run(compiled, Env(data, today, trace=trace), trace)


#: What the generated function appends for each rule: the same outcomes :func:`_run` gives.
_GENERATED_OUTCOMES = Outcomes(
    passed=_PLAIN_OUTCOMES["pass", "require"],
    failed=_PLAIN_OUTCOMES["fail", "require"],
    unknown_when=_PLAIN_OUTCOMES["unknown", "when"],
    unknown_require=_PLAIN_OUTCOMES["unknown", "require"],
    not_applicable=_PLAIN_OUTCOMES["not_applicable", "when"],
    when_not_boolean=RuleOutcome("error", None, "'when' did not give true or false"),
    require_not_boolean=RuleOutcome("error", None, "'require' did not give true or false"),
    too_deep=RuleOutcome("error", None, "the rule nests too deeply to evaluate"),
    error=lambda exc: RuleOutcome("error", None, exc.diagnostics[0].message),
)


def evaluate_rules(
    pack: CompiledPack, data: dict[str, Any], today: dt.date, *, validated: bool = False
) -> list[RuleOutcome]:
    """The untraced outcome of every rule of ``pack`` on one declaration.

    Once the pack has been evaluated often enough to pay for it, its generated function
    (:mod:`.codegen`) runs every rule in one call; before that, and for a pack beyond the
    generator's bounds, the closures do, with the same outcomes. A predicate that several
    rules use is evaluated once; each rule's step budget starts afresh.

    ``validated`` says that the loader validated ``data`` against the pack's own schema and
    converted it (a :class:`Declaration` whose ``schema`` is ``pack.checked.schema``): the
    schema-typed generated code then runs, without the type tests and unknown branches the
    schema makes needless. Any other mapping (the default) gets the untyped code, exact on
    whatever it holds.
    """
    generated = pack.generated_when_warm(_GENERATED_OUTCOMES, validated)
    if generated is None:
        return closure_outcomes(pack, data, today)
    outcomes: list[RuleOutcome] = generated.run(data, today, current_limits().max_rule_steps)
    return outcomes


def generated_code(
    pack: CompiledPack, *, typed: bool = True, fuse: bool | None = None
) -> GeneratedPack:
    """The generated function :func:`evaluate_rules` runs for ``pack`` once warm (by default
    the schema-typed variant, which validated declarations get), built now with its tree
    kept (``packs compile --show`` prints it);
    :class:`~licensecheck.errors.PackError` when the pack is beyond the generator's bounds."""
    from .codegen import FUSE_LOOPS, generate_pack  # loaded only when code is generated

    rules = tuple(c.rule for c in pack.rules)
    return generate_pack(
        pack.checked,
        rules,
        _GENERATED_OUTCOMES,
        typed=typed,
        fuse=FUSE_LOOPS if fuse is None else fuse,
        keep_tree=True,
    )


def closure_outcomes(pack: CompiledPack, data: dict[str, Any], today: dt.date) -> list[RuleOutcome]:
    """:func:`evaluate_rules` through the closures: the oracle the generated code matches."""
    env = Env(data, today)
    return [_run(compiled, env, None) for compiled in pack.rules]


def rule_statuses(
    pack: CompiledPack, declaration: Declaration, as_of: dt.date
) -> dict[str, Status]:
    """Rule id -> status of every rule of ``pack`` (by id), as an assessment without waivers
    or a baseline finds them, without its messages, witnesses or report."""
    outcomes = _declaration_outcomes(pack, declaration, as_of)
    statuses: dict[str, Status] = {
        c.rule.id: "not_applicable" if not_in_force(c.rule, as_of) else outcome.status
        for c, outcome in zip(pack.rules, outcomes, strict=True)
    }
    return dict(sorted(statuses.items()))


def _declaration_outcomes(
    pack: CompiledPack, declaration: Declaration, as_of: dt.date
) -> list[RuleOutcome]:
    """:func:`evaluate_rules` on a loaded declaration, typed when its schema allows."""
    return evaluate_rules(pack, declaration.data, as_of, validated=validated(pack, declaration))


#: Declarations from which a batch whose gaps are explained (for every output but
#: ``--quiet``) builds the generated code before its first file: the generated
#: explanations it then gets pay too, so sooner than :data:`~.compile.GENERATE_AFTER`.
#: Measured on cn-credit-reporting to JSON, with the code as cheap to build as it is now:
#: 150 declarations take 0.1 s longer with it, 200 the same time either way, 250 are 4%
#: faster, 500 are 10-15% faster.
EXPLAINED_BATCH_GENERATE_AFTER = 200


def expect_batch(pack: CompiledPack, declarations: int, *, witnesses: bool = True) -> None:
    """``declarations`` are about to be assessed with ``pack`` by one process (a batch,
    validated against its schema as a batch loads them), their gaps explained for their
    witnesses unless ``witnesses`` is false: where that many evaluations pay for the pack's
    typed generated code (:data:`EXPLAINED_BATCH_GENERATE_AFTER`, or without witnesses
    :data:`~.compile.GENERATE_AFTER`), it is built now, not after the first thousand (a
    batch calls this before it forks its workers, so that each inherits the code, or in
    each spawned worker for its share of the files)."""
    if declarations >= (EXPLAINED_BATCH_GENERATE_AFTER if witnesses else GENERATE_AFTER):
        with contextlib.suppress(PackError):  # beyond the generator's bounds: the closures
            pack.generated(_GENERATED_OUTCOMES, True)


def validated(pack: CompiledPack, declaration: Declaration) -> bool:
    """Whether the loader validated ``declaration`` against ``pack``'s own schema (so the
    schema-typed generated code may run on it)."""
    return declaration.schema is not None and declaration.schema is pack.checked.schema


def not_in_force(rule: Rule, as_of: dt.date) -> bool:
    """Whether ``rule`` takes effect after ``as_of`` (it then does not apply, whatever it finds)."""
    return rule.effective_from is not None and as_of < rule.effective_from


def _run(compiled: CompiledRule, env: Env, trace: Trace | None) -> RuleOutcome:
    env.steps = 0
    try:
        if compiled.when is not None:
            applies = compiled.when(env)
            if applies is not True:
                if applies is False:
                    return _outcome("not_applicable", "when", trace)
                if applies is UNKNOWN:
                    return _outcome("unknown", "when", trace)
                return RuleOutcome("error", trace, "'when' did not give true or false")
        result = compiled.require(env)
    except RuleRuntimeError as exc:
        return RuleOutcome("error", trace, exc.diagnostics[0].message)
    except RecursionError:
        return RuleOutcome("error", trace, "the rule nests too deeply to evaluate")
    if result is True:
        return _outcome("pass", "require", trace)
    if result is False:
        return _outcome("fail", "require", trace)
    if result is UNKNOWN:
        return _outcome("unknown", "require", trace)
    return RuleOutcome("error", trace, "'require' did not give true or false")


def _outcome(status: Status, part: str, trace: Trace | None) -> RuleOutcome:
    return (
        _PLAIN_OUTCOMES[status, part] if trace is None else RuleOutcome(status, trace, None, part)
    )


def text(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def assess_compiled(
    pack: CompiledPack,
    declaration: Declaration,
    as_of: dt.date,
    lang: str = "en",
    *,
    witnesses: bool = True,
) -> Assessment:
    """The assessment of ``declaration``: statuses from the untraced rules; each ``fail``
    and ``unknown`` rule is explained for its witnesses (at most
    :data:`~.explanation.MAX_WITNESSES`) unless ``witnesses`` is false. Without witnesses
    the statuses, counts, score and readiness are the same, but those findings name no
    witness and their message does not say what to declare: for outputs that print none of
    them (``check --quiet``)."""
    outcomes = _declaration_outcomes(pack, declaration, as_of)
    explained: dict[str, list[Witness]] | None = {} if witnesses else None
    # each rule's finding when it passes, in this language: built once per pack
    passing: dict[str, Finding] = pack.shared(("passing findings", lang), dict)
    findings = [
        _finding(pack, compiled, outcome, declaration, as_of, lang, explained, passing)
        for compiled, outcome in zip(pack.rules, outcomes, strict=True)
    ]
    findings.sort(key=lambda f: f.rule_id)
    return Assessment(
        tool=tool_info(),
        pack=pack_info(pack, lang),
        declaration=declaration.source,
        as_of=as_of,
        lang=lang,
        summary=summarize(findings),
        findings=findings,
    )


def pack_info(pack: CompiledPack, lang: str = "en") -> PackInfo:
    """The pack as reports describe it: id, version, title, domain titles in ``lang``."""
    return pack.shared(("pack_info", lang), lambda: _pack_info(pack, lang))


def _pack_info(pack: CompiledPack, lang: str) -> PackInfo:
    return PackInfo(
        id=pack.checked.id,
        version=pack.checked.version,
        title=pack.checked.title,
        domains={key: text(titles, lang) for key, titles in sorted(pack.checked.domains.items())},
    )


def _finding(
    pack: CompiledPack,
    compiled: CompiledRule,
    outcome: RuleOutcome,
    declaration: Declaration,
    as_of: dt.date,
    lang: str,
    explained: dict[str, list[Witness]] | None,
    passing: dict[str, Finding],
) -> Finding:
    """``compiled``'s finding; its witnesses unless ``explained`` is None, which keeps those
    already found in this declaration for a ``when`` (see :func:`_unknown_when_key`);
    ``passing``: the pack's findings of passing rules in ``lang``, by rule (filled here)."""
    rule = compiled.rule
    # the models are frozen and nothing changes them in place (waivers, baselines and
    # assurance make copies), so the findings that do not depend on the declaration are
    # built once per rule and language, and the others copy the rule's validated fields
    passed = passing.get(rule.id)
    if passed is None:
        passed = passing[rule.id] = _passed(rule, lang)
    if not_in_force(rule, as_of):
        return pack.shared(("not in force", rule.id, lang), lambda: _not_in_force(passed, rule))
    if outcome.status == "pass":
        return passed
    if outcome.status == "not_applicable":
        return pack.shared(("not applicable", rule.id, lang), lambda: _not_applicable(passed, rule))
    witnesses: list[Witness] = []
    if explained is not None and outcome.status in ("fail", "unknown"):
        key = _unknown_when_key(pack, rule) if outcome.decided_by == "when" else None
        if key is not None and key in explained:
            witnesses = list(explained[key])
        else:
            raw = _raw_witnesses(pack, rule, outcome, declaration, as_of)
            witnesses = _witnesses(raw, declaration)
            if key is not None:
                explained[key] = witnesses
    in_grace = (
        outcome.status == "fail" and rule.grace_until is not None and as_of <= rule.grace_until
    )
    if explained is None and outcome.status in ("fail", "unknown"):
        # without witnesses the finding depends on the rule, its status and grace alone
        unexplained = ("gap", rule.id, lang, outcome.status, outcome.decided_by, str(in_grace))
        return pack.shared(unexplained, lambda: _gap(passed, rule, outcome, [], lang, in_grace))
    return _gap(passed, rule, outcome, witnesses, lang, in_grace)


def _gap(
    passed: Finding,
    rule: Rule,
    outcome: RuleOutcome,
    witnesses: list[Witness],
    lang: str,
    in_grace: bool,
) -> Finding:
    message = _message(rule, outcome, witnesses, lang)
    if in_grace and rule.grace_until is not None:
        message += f" (grace period until {rule.grace_until.isoformat()})"
    changes = {
        "status": outcome.status,
        "message": message,
        "in_grace": in_grace,
        "witnesses": witnesses,
    }
    return updated(passed, changes)


def _unknown_when_key(pack: CompiledPack, rule: Rule) -> str | None:
    """What the witnesses of ``rule`` depend on when its ``when`` is unknown: the ``when``
    alone (``require`` is never reached, and the explanation reads only the part that
    decided), as printed. Rules sharing a condition (five rules of
    cn-personal-information apply when ``uses_entrusted_processors``) share its witnesses in
    a declaration, found once."""
    when = rule.when
    if when is None:
        return None
    return pack.shared(("when", rule.id), lambda: expression_text(when))


def _passed(rule: Rule, lang: str) -> Finding:
    """The rule's finding when it passes: also the validated fields the others copy."""
    fields: dict[str, Any] = {
        "rule_id": rule.id,
        "title": text(rule.title, lang),
        "domain": rule.domain,
        "severity": rule.severity,
        "cite": list(rule.cite),
        "remediation": text(rule.remediation, lang) or None,
        "effort_days": rule.effort.days if rule.effort else None,
        "after": list(rule.after),
    }
    return Finding(status="pass", message="requirement met", **fields)


def _not_in_force(passed: Finding, rule: Rule) -> Finding:
    assert rule.effective_from is not None
    message = f"not yet in force (takes effect on {rule.effective_from.isoformat()})"
    return passed.model_copy(update={"status": "not_applicable", "message": message})


def _not_applicable(passed: Finding, rule: Rule) -> Finding:
    assert rule.when is not None
    message = f"does not apply: {expression_text(rule.when, limit=120)} is false"
    return passed.model_copy(update={"status": "not_applicable", "message": message})


def _message(rule: Rule, outcome: RuleOutcome, witnesses: list[Witness], lang: str) -> str:
    if outcome.status == "error":
        return f"the rule could not be evaluated: {outcome.error}"
    if outcome.status == "unknown":
        missing = [w.path for w in witnesses if w.actual is None]
        what = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        stage = (
            "whether the rule applies"
            if outcome.decided_by == "when"
            else "whether the requirement is met"
        )
        return (
            f"cannot tell {stage}: declare {what}"
            if missing
            else f"cannot tell {stage} from the declaration"
        )
    return (
        text(rule.message, lang)
        or f"requirement not met: {expression_text(rule.require, limit=160)}"
    )


def summarize(findings: list[Finding], *, evidenced: bool = False) -> Summary:
    """Counts, readiness and the score of ``findings``; with ``evidenced`` (the declaration
    has evidence or the pack demands it) also the score counting only evidenced passes."""
    summary = _summary(findings)
    if not evidenced:
        return summary
    only_evidenced = [
        f
        if f.status != "pass" or f.assurance == "evidenced"
        else f.model_copy(update={"status": "unknown"})
        for f in findings
    ]
    return summary.model_copy(update={"evidenced_score": _summary(only_evidenced).score})


def _summary(findings: list[Finding]) -> Summary:
    # counted by kind of finding (a few dozen kinds however many rules): the loop over the
    # findings is one C-level tally, and the rest runs once a kind
    tally = collections.Counter([(f.status, f.severity, f.domain, f.in_grace) for f in findings])
    by_status: dict[str, int] = dict.fromkeys(STATUSES, 0)
    by_severity: dict[str, dict[str, int]] = {s: dict.fromkeys(STATUSES, 0) for s in SEVERITIES}
    by_domain: dict[str, dict[str, int]] = {}
    total = passed = 0
    ready = True
    for (status, severity, domain, in_grace), count in tally.items():
        by_status[status] += count
        by_severity[severity][status] += count
        in_domain = by_domain.get(domain)
        if in_domain is None:
            in_domain = by_domain[domain] = dict.fromkeys(STATUSES, 0)
        in_domain[status] += count
        if status in ("pass", "fail", "unknown", "error"):
            weight = SEVERITY_WEIGHTS[severity] * count
            total += weight
            passed += weight if status == "pass" else 0
        if ready and gap_blocks_readiness(status, in_grace, severity):
            ready = False
    score = int(100 * passed / total + 0.5) if total else 100
    counts = Counts(
        by_status=by_status, by_severity=by_severity, by_domain=dict(sorted(by_domain.items()))
    )
    return Summary(score=score, ready=ready, counts=counts)


# ---------------------------------------------------------------- witnesses


def _raw_witnesses(
    pack: CompiledPack,
    rule: Rule,
    outcome: RuleOutcome,
    declaration: Declaration,
    as_of: dt.date,
) -> list[RawWitness]:
    """The witnesses of ``rule`` (its ``outcome`` fail or unknown) before they are placed in
    the file: explained directly or, where that cannot tell, from a traced run; or
    remembered from an earlier declaration with the same plain values at the paths the part
    that decided can read (:mod:`.witness_memo`)."""
    part = outcome.decided_by
    decider = rule.when if part == "when" else rule.require
    assert decider is not None
    paths = pack.shared(("reads", rule.id, part), lambda: static_reads(decider, pack.checked))
    key = witness_key(paths, declaration.data, as_of)
    memo: dict[tuple[Any, ...], list[RawWitness]] = pack.shared(("witness memo",), dict)
    if key is not None:
        found = memo.get((rule.id, part, key))
        if found is not None:
            return found
    # the deciding part came to false (a rule that fails) or unknown
    value = False if outcome.status == "fail" else UNKNOWN
    typed = validated(pack, declaration)
    raw = direct_witnesses(pack, decider, declaration.data, as_of, value=value, validated=typed)
    if raw is None:
        raw = _traced_witnesses(pack, rule, declaration.data, as_of)
    if key is not None:
        if len(memo) >= MEMO_SIZE:
            memo.clear()  # bounded; a batch fills it again with what recurs
        memo[rule.id, part, key] = raw
    return raw


def _traced_witnesses(
    pack: CompiledPack, rule: Rule, data: dict[str, Any], as_of: dt.date
) -> list[RawWitness]:
    """The witnesses of a traced run of ``rule``, for where the direct way cannot tell (an
    error a traced loop meets past the element that decided it, a step budget run out): the
    trace shows what the run read before it stopped."""
    return explained(run_rule(pack.traced_rule(rule.id), data, as_of, Trace()).trace)


def _witnesses(raw: list[RawWitness], declaration: Declaration) -> list[Witness]:
    """``raw`` placed in the declaration's file, as the findings show them."""
    place, data = declaration.place, declaration.data
    placed = []
    for path, actual, expected in raw:
        assert path is not None
        where = place(path)
        # every field is already of its declared type (text, whole numbers or None)
        fields = {
            "path": _path_text(path),
            "line": where[0] if where else None,
            "column": where[1] if where else None,
            "actual": None if actual is UNKNOWN else display_actual(actual),
            "expected": expected,
            "element": _element_label(data, path),
        }
        placed.append(constructed(Witness, fields))
    return placed


#: the same paths recur in every declaration of a batch (data_sources[3].kind …)
_path_text = functools.lru_cache(maxsize=4096)(format_path)


def _element_label(data: Any, path: PathKey) -> str | None:
    label = None
    value = data
    for key in path:
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
            if isinstance(value, dict):
                found = value.get("id") or value.get("name")
                label = str(found) if found is not None else label
        else:
            break
    return label
