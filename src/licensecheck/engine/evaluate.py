"""Evaluate a compiled pack against a declaration: statuses, witnesses, summary.

Input: a :class:`~licensecheck.engine.compile.CompiledPack`, a loaded
:class:`~licensecheck.declaration.loader.Declaration` and the assessment date. Output: an
:class:`~licensecheck.engine.models.Assessment`. Each rule runs on its own: an ``error`` in one
never stops the rest. Rules that fail or are unknown run a second time with tracing on,
and the trace is reduced to the few declaration paths that decided the outcome.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .._version import __version__
from ..declaration.loader import Declaration
from ..errors import RuleRuntimeError
from ..lang import nodes as n
from ..lang.printer import (
    FLIPPED_OPERATORS,
    NEGATED_OPERATORS,
    Level,
    expression_text,
    literal_text,
)
from ..lang.values import UNKNOWN, display
from ..sources.limits import current_limits
from ..sources.paths import format_path
from .codegen_tree import Outcomes
from .compile import CompiledPack, CompiledRule
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
    ToolInfo,
    Witness,
    constructed,
    updated,
)
from .rules import Rule
from .runtime import Env, PathKey, Trace, TraceNode, budget_runs_out
from .witness_memo import static_reads, witness_key

if TYPE_CHECKING:
    from .codegen import GeneratedPack

MAX_WITNESSES = 50
#: The most witness lists remembered per pack (see :func:`_raw_witnesses`): some 600 bytes
#: each (cn-credit-reporting), a few MB at most
MEMO_SIZE = 8192
MAX_ELEMENTS_EXPLAINED = 5


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
        if trace is not None and trace.eager_after_when:
            trace.lazy = False
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
    and ``unknown`` rule runs again traced for its witnesses (at most :data:`MAX_WITNESSES`)
    unless ``witnesses`` is false. Without witnesses the statuses, counts, score and
    readiness are the same, but those findings name no witness and their message does not
    say what to declare: for outputs that print none of them (``check --quiet``)."""
    outcomes = _declaration_outcomes(pack, declaration, as_of)
    explained: dict[str, list[Witness]] | None = {} if witnesses else None
    findings = [
        _finding(pack, compiled, outcome, declaration, as_of, lang, explained)
        for compiled, outcome in zip(pack.rules, outcomes, strict=True)
    ]
    findings.sort(key=lambda f: f.rule_id)
    return Assessment(
        tool=ToolInfo(name="licensecheck", version=__version__),
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
) -> Finding:
    """``compiled``'s finding; its witnesses unless ``explained`` is None, which keeps those
    already found in this declaration for a ``when`` (see :func:`_unknown_when_key`)."""
    rule = compiled.rule
    # the models are frozen and nothing changes them in place (waivers, baselines and
    # assurance make copies), so the findings that do not depend on the declaration are
    # built once per rule and language, and the others copy the rule's validated fields
    passed = pack.shared(("finding", rule.id, lang), lambda: _passed(rule, lang))
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
            raw = _raw_witnesses(pack, rule, outcome.decided_by, declaration, as_of)
            witnesses = [_witness(w, declaration) for w in raw]
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
    alone (``require`` is never reached, and the explanation reads only the trace of the
    part that decided), as printed. Rules sharing a condition (five rules of
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
        by_domain.setdefault(domain, dict.fromkeys(STATUSES, 0))[status] += count
        if status in ("pass", "fail", "unknown", "error"):
            weight = SEVERITY_WEIGHTS[severity] * count
            total += weight
            passed += weight if status == "pass" else 0
        if gap_blocks_readiness(status, in_grace, severity):
            ready = False
    score = int(100 * passed / total + 0.5) if total else 100
    counts = Counts(
        by_status=by_status, by_severity=by_severity, by_domain=dict(sorted(by_domain.items()))
    )
    return Summary(score=score, ready=ready, counts=counts)


# ---------------------------------------------------------------- witnesses


class _RawWitness(NamedTuple):  # a tuple: made for every path an explanation visits
    path: PathKey | None
    actual: Any
    expected: str | None


def _raw_witnesses(
    pack: CompiledPack, rule: Rule, part: str, declaration: Declaration, as_of: dt.date
) -> list[_RawWitness]:
    """The witnesses of ``rule`` (fail or unknown, decided by ``part``) before they are
    placed in the file: from a traced run, or remembered from an earlier declaration with
    the same plain values at the paths that part can read (:mod:`.witness_memo`)."""
    decider = rule.when if part == "when" else rule.require
    assert decider is not None
    paths = pack.shared(("reads", rule.id, part), lambda: static_reads(decider, pack.checked))
    key = witness_key(paths, declaration.data, as_of)
    memo: dict[tuple[Any, ...], list[_RawWitness]] = pack.shared(("witness memo",), dict)
    if key is not None:
        found = memo.get((rule.id, part, key))
        if found is not None:
            return found
    raw = _traced_witnesses(pack, rule, part, declaration.data, as_of)
    if key is not None:
        if len(memo) >= MEMO_SIZE:
            memo.clear()  # bounded; a batch fills it again with what recurs
        memo[rule.id, part, key] = raw
    return raw


def _traced_witnesses(
    pack: CompiledPack, rule: Rule, part: str, data: dict[str, Any], as_of: dt.date
) -> list[_RawWitness]:
    """The witnesses of a traced run of ``rule``, its deciding ``part`` recorded lazily or,
    once that has proved faster for it, in full (:class:`_TraceChoice`). Both give the
    witnesses the plain lazy trace gives unless a run stops short: they spend steps (and
    stack) differently, so where the budget runs out or the rule nests too deeply they may
    stop at different places, and the plain lazy trace (the reference, as before there was
    a choice) gives the witnesses then."""
    compiled = pack.traced_rule(rule.id)
    choice: _TraceChoice = pack.shared(("trace choice", rule.id, part), _TraceChoice)
    ran_out = budget_runs_out()
    way = choice.next_way()
    if way == "trial":  # both ways on the same declaration, each first in turn
        runs = {
            eager: _timed_witnesses(compiled, part, data, as_of, eager) for eager in choice.order()
        }
        choice.record(lazily=runs[False][1], in_full=runs[True][1])
        raw = runs[False][0]
        stopped_short = runs[False][2] or runs[True][2]
    else:
        raw, _, stopped_short = _timed_witnesses(compiled, part, data, as_of, way == "in full")
    if stopped_short or budget_runs_out() != ran_out:
        return _explained(run_rule(compiled, data, as_of, Trace()))
    return raw


def _timed_witnesses(
    compiled: CompiledRule, part: str, data: dict[str, Any], as_of: dt.date, eager: bool
) -> tuple[list[_RawWitness], float, bool]:
    """The witnesses from one traced run, its deciding part in full (``eager``) or lazily;
    the seconds it took; whether it stopped short (an error the untraced run did not
    meet)."""
    if eager and part == "when":
        trace = Trace(lazy=False)
    else:  # a `when` that held is recorded lazily: nothing reads it
        trace = Trace(predict=True, eager_after_when=eager)
    started = time.perf_counter()
    outcome = run_rule(compiled, data, as_of, trace)
    raw = _explained(outcome)
    return raw, time.perf_counter() - started, outcome.status == "error"


class _TraceChoice:
    """Whether one rule's deciding part is explained faster from a lazy trace or from one
    recorded in full. A lazy trace costs an untraced run and a replay of what the
    explanation reads; a full one, every part: which is cheaper depends on the rule and the
    data (from 2x one way to 20x the other on the bundled packs). After :data:`WARM_UP`
    explanations (lazy: a check of a few files never pays for trials), the next
    :data:`TRIALS` are made both ways on the same declaration and timed, and the faster way
    is kept. Only the time changes: the witnesses are the same either way."""

    WARM_UP = 8
    TRIALS = 3
    __slots__ = ("eager_wins", "explained", "seconds")

    def __init__(self) -> None:
        self.explained = 0
        self.seconds = [0.0, 0.0]  # lazily, in full
        self.eager_wins: bool | None = None

    def next_way(self) -> str:
        """``lazy``, ``in full`` or ``trial`` (both) for the next explanation."""
        if self.eager_wins is not None:
            return "in full" if self.eager_wins else "lazy"
        self.explained += 1
        return "trial" if self.explained > self.WARM_UP else "lazy"

    def order(self) -> tuple[bool, bool]:
        """Which way goes first in this trial (in turn: the second runs on warmer caches)."""
        return (True, False) if self.explained % 2 else (False, True)

    def record(self, lazily: float, in_full: float) -> None:
        """The seconds one trial took each way (once the choice is made, nothing changes it)."""
        if self.eager_wins is not None:
            return
        self.seconds[0] += lazily
        self.seconds[1] += in_full
        if self.explained >= self.WARM_UP + self.TRIALS:
            self.eager_wins = self.seconds[1] < self.seconds[0]


def _explained(outcome: RuleOutcome) -> list[_RawWitness]:
    if outcome.trace is None or not outcome.trace.root.children:
        return []
    decided = outcome.trace.root.children[-1]  # `when` (if it decided) or `require`
    # one witness per place and value: several tests of one value (a threshold per tier)
    # become one line whose expectation lists them all, not the same line once per test
    merged: dict[tuple[Any, ...], list[_RawWitness]] = {}
    for w in _explain(decided, True):
        if w.path is None:
            continue
        group = merged.setdefault((w.path, _same_value_key(w.actual)), [])
        if all(other.expected != w.expected for other in group):
            group.append(w)
        if len(merged) > MAX_WITNESSES:
            break
    return [_joined(group) for group in merged.values()][:MAX_WITNESSES]


def _same_value_key(actual: Any) -> Any:
    try:
        hash(actual)
    except TypeError:
        return repr(actual)
    return actual


def _joined(group: list[_RawWitness]) -> _RawWitness:
    expected = [w.expected for w in group if w.expected]
    return _RawWitness(group[0].path, group[0].actual, "; ".join(expected) or None)


def _witness(raw: _RawWitness, declaration: Declaration) -> Witness:
    assert raw.path is not None
    where = declaration.place(raw.path)
    # every field is already of its declared type (text, whole numbers or None)
    fields = {
        "path": _path_text(raw.path),
        "line": where[0] if where else None,
        "column": where[1] if where else None,
        "actual": None if raw.actual is UNKNOWN else _display_actual(raw.actual),
        "expected": raw.expected,
        "element": _element_label(declaration.data, raw.path),
    }
    return constructed(Witness, fields)


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


def _explain(node: TraceNode, want: bool) -> Iterator[_RawWitness]:
    """The declaration paths that made ``node`` come out other than ``want``."""
    value = node.value
    if value is UNKNOWN:
        yield from _absent(node)
        return
    expr = node.expr
    kids = [c for c in node.children if c.element is None]
    if isinstance(expr, n.Not):
        yield from _explain(kids[0], not want)
    elif isinstance(expr, n.BoolOp):
        for child in kids:  # the parts that decided it; an unknown part did not
            if child.value is (not want):
                yield from _explain(child, want)
    elif isinstance(expr, n.Compare):
        yield from _compare_witness(node, want)
    elif isinstance(expr, n.Quantifier):
        yield from _quantifier_witness(node, want)
    elif isinstance(expr, n.If) and kids:
        chosen = kids[1] if kids[0].value is True else kids[-1]
        yield from _explain(chosen, want)
    elif isinstance(expr, n.Call) and expr.func == "declared":
        target = first_path_read(kids[0]) if kids else None
        if target is not None:
            yield _RawWitness(target.path, target.value, "declared" if want else "not declared")
    elif node.path is not None and not kids:
        yield _RawWitness(node.path, value, literal_text(want))
    elif kids:  # a predicate or a path through one: explain its body
        yield from _explain(kids[-1], want)


def _absent(node: TraceNode) -> Iterator[_RawWitness]:
    """Declaration paths read as absent somewhere below an unknown result."""
    if node.path is not None and node.value is UNKNOWN and not node.children:
        yield _RawWitness(node.path, UNKNOWN, None)
        return
    if isinstance(node.expr, n.Coalesce):
        return  # `??` supplied a default: the absence did not matter
    for child in node.children:
        # an unknown part, or a list literal holding one (x in [a.b, 5])
        holds_unknown = isinstance(child.value, list) and any(v is UNKNOWN for v in child.value)
        if child.element is None and (child.value is UNKNOWN or holds_unknown):
            yield from _absent(child)
    if node.path is not None and node.value is UNKNOWN and node.children:
        # a path whose base read was absent part-way (e.g. x.a.b with x.a missing)
        yield _RawWitness(node.path, UNKNOWN, None)


def first_path_read(node: TraceNode) -> TraceNode | None:
    if node.path is not None:
        return node
    for child in node.children:
        if child.element is None:
            found = first_path_read(child)
            if found is not None:
                return found
    return None


def _compare_witness(node: TraceNode, want: bool) -> Iterator[_RawWitness]:
    expr = node.expr
    assert isinstance(expr, n.Compare)
    kids = [c for c in node.children if c.element is None]
    if len(kids) < 2:
        return
    left, right = kids[0], kids[1]
    subject, other, other_expr = left, right, expr.right
    op: str = expr.op
    if first_path_read(left) is None and first_path_read(right) is not None:
        subject, other, other_expr = right, left, expr.left
        op = FLIPPED_OPERATORS.get(op, op)
        if op in ("in", "not in", "contains"):
            op = {"in": "contains", "not in": "does not contain", "contains": "in"}[op]
    if not want:
        op = NEGATED_OPERATORS.get(op, f"not {op}")
    expected = f"{op} {_value_text(other_expr, other.value)}"
    if isinstance(subject.expr, n.Aggregate):
        yield from _aggregate_witness(subject, expected)
        return
    target = subject if subject.path is not None else first_path_read(subject)
    if target is None:
        return
    if target is subject:
        yield _RawWitness(target.path, subject.value, expected)
    elif isinstance(subject.expr, n.Coalesce) and target.value is UNKNOWN:
        yield _RawWitness(
            target.path, _Text(f"not declared (default {display(subject.value)})"), expected
        )
    else:  # a computed value (date + 1 year, len(x), …): show the declared value and the whole test
        assert subject.expr is not None
        yield _RawWitness(
            target.path,
            target.value,
            f"{expression_text(subject.expr, limit=80, within=Level.ADD)} {expected}",
        )


def _value_text(expr: n.Expr, value: Any) -> str:
    source = expression_text(expr, limit=60)
    if isinstance(expr, n.Literal_ | n.ListExpr):
        return source
    shown = display(value)
    return source if shown == source else f"{source} ({shown})"


def _aggregate_witness(node: TraceNode, expected: str) -> Iterator[_RawWitness]:
    coll = next((c for c in node.children if c.element is None), None)
    if coll is not None and coll.path is not None:
        yield _RawWitness(coll.path, node.value, expected)
    for element, children in trace_elements(node):
        if all(c.value is True for c in children[:1]) and element.path is not None:
            yield _RawWitness(element.path, _label_value(element.value), "counted")


def _label_value(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("id") or value.get("name") or "{…}"
    return value


def trace_elements(node: TraceNode) -> Iterator[tuple[TraceNode, list[TraceNode]]]:
    """Pairs (element mark, the sub-evaluations made for that element)."""
    current: TraceNode | None = None
    group: list[TraceNode] = []
    for child in node.children:
        if child.element is not None:
            if current is not None:
                yield current, group
            current, group = child, []
        elif current is not None:
            group.append(child)
    if current is not None:
        yield current, group


def _quantifier_witness(node: TraceNode, want: bool) -> Iterator[_RawWitness]:
    expr = node.expr
    assert isinstance(expr, n.Quantifier)
    has_filter = expr.filter is not None
    # the body must hold (all) or must not hold (none) for each element; `any` needs one
    body_want = want if expr.kind != "none" else not want
    # which body value made the quantifier come out as it did (the opposite of body_want)
    offending_value = not body_want if expr.kind != "any" else True
    offenders = []
    for element, children in trace_elements(node):
        filt = children[0] if has_filter and children else None
        body = children[-1] if children and (not has_filter or len(children) > 1) else None
        if body is None or (filt is not None and filt.value is False):
            continue
        if body.value is offending_value and (expr.kind != "any" or not want):
            offenders.append((element, body))
    if (expr.kind == "any" and want) or (expr.kind == "all" and not want):
        coll = next((c for c in node.children if c.element is None), None)
        count = sum(1 for _ in trace_elements(node))
        if coll is not None and coll.path is not None:
            quality = "qualifies" if expr.kind == "any" else "fails"
            actual = (
                "an empty list"
                if count == 0
                else f"{count} element{'s' if count != 1 else ''}, none {quality}"
            )
            condition = expression_text(expr.body, limit=100)
            needed = (
                f"at least one {expr.var} where {condition}"
                if want
                else f"some {expr.var} where not ({condition})"
            )
            yield _RawWitness(coll.path, _Text(actual), needed)
        if expr.kind == "any" and want:  # why each element fell short (the first few)
            for _element, children in list(trace_elements(node))[:MAX_ELEMENTS_EXPLAINED]:
                body = children[-1] if children else None
                if (
                    body is not None
                    and body.value is False
                    and (not has_filter or children[0].value is True)
                ):
                    yield from _explain(body, True)
        return
    for element, body in offenders:
        inner = list(_explain(body, body_want if expr.kind != "any" else False))
        if inner:
            yield from inner
        elif element.path is not None:
            yield _RawWitness(
                element.path,
                _label_value(element.value),
                f"{'not ' if not body_want else ''}{expression_text(expr.body, limit=100)}",
            )


class _Text(str):
    """Already-rendered text for a witness's ``actual`` (shown without quotes)."""


def _display_actual(value: Any) -> str:
    return str(value) if isinstance(value, _Text) else display(value)
