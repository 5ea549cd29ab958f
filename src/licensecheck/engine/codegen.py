"""Compile a whole checked pack into one Python function, built with the ``ast`` module.

Input: a :class:`~licensecheck.engine.rules.CheckedPack` and the rules to run (a selection
may keep only some). Output: a :class:`GeneratedPack` whose function ``(data, today,
max_steps)`` gives every rule's outcome in order, with exactly the statuses of the closure
compiler's untraced path (:mod:`.compile`), which stays the traced path and the oracle.

The pack's text never becomes Python source. Each node kind of the rule language maps to a
fixed shape of Python syntax tree built here; every identifier is minted (``_v12``, ``_p3``);
pack values enter only as :class:`ast.Constant` of plain types or as objects handed to the
function through its globals (dates, durations, lists, RE2 patterns, the nodes that error
messages point at). :mod:`.codegen_safety` bounds and audits the tree before ``compile()``
and runs it with empty ``__builtins__``. Each rule's block has its own ``try``: an error in
one gives that rule the status ``error`` and the next rule runs.
"""

from __future__ import annotations

import ast
import datetime as dt
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..errors import RuleRuntimeError, Span
from ..lang import nodes as n
from ..lang.operations import compile_pattern
from ..lang.values import UNKNOWN, Duration
from .codegen_fusion import FusionEmitter, fusion_groups
from .codegen_peephole import merge_absent_tests
from .codegen_safety import build_function
from .codegen_tree import (
    _ORDERED_TYPES,
    _SCALARS,
    _TYPE_NAMES,
    Fact,
    Outcomes,
    Scope,
    Statements,
    _assign,
    _call,
    _const,
    _fold_constant,
    _if,
    _is,
    _is_not,
    _load,
    _method,
    _pick,
    _type_is,
    _unknown,
    depends_only_on_today,
    field_fact,
    path_steps,
)
from .codegen_typed import TypedEmitter
from .comparisons import PLAIN_EQUALITY, PLAIN_ORDER
from .rules import CheckedPack, Rule

#: Whether evaluation runs fused loops (:mod:`.codegen_fusion`). Off: on CPython 3.11 the
#: fused code measured 3-10% slower than one loop per rule on bench/pack (bench/README.md,
#: "Generated code for whole packs"): a fused loop saves a loop step per rule and element
#: but tests per rule and element whether the rule is still undecided, and the reads it
#: shares are cheap ``dict.get`` calls. bench/run.py times both; flip this when it pays.
FUSE_LOOPS: Final = False


@dataclass(frozen=True)
class GeneratedPack:
    """One pack's generated function, and the tree it was compiled from when asked to keep
    it (a 1,000-rule pack's tree is half a million nodes: evaluation does not keep it)."""

    run: Callable[[dict[str, Any], dt.date, int], list[Any]]
    tree: ast.Module | None = None
    typed: bool = False
    fused: bool = False

    def source(self) -> str:
        """The generated code as Python text (for reading; it is compiled from the tree),
        after a comment saying which variant it is."""
        if self.tree is None:
            raise ValueError("the tree of this generated pack was not kept")
        variant = (
            "schema-typed variant: run on declarations validated against the pack's schema"
            if self.typed
            else "untyped variant: run on mappings not validated against the pack's schema"
        )
        loops = "loops over the same collection fused" if self.fused else "one loop per rule"
        return f"# {variant}; {loops}\n{ast.unparse(self.tree)}\n"


def generate_pack(
    pack: CheckedPack,
    rules: Sequence[Rule],
    outcomes: Outcomes,
    *,
    typed: bool = False,
    fuse: bool = FUSE_LOOPS,
    keep_tree: bool = False,
) -> GeneratedPack:
    """Generate, bound, audit and compile the function that evaluates ``rules``.

    ``typed`` generates the schema-typed variant: it relies on what validation against the
    pack's schema guarantees (a field's exact type, a required field's presence) to leave
    out type tests and unknown branches, so it must only ever run on data the loader
    validated against that schema and converted (``evaluate_rules(..., validated=True)``).
    Its outcomes on such data are the untyped variant's; on other data they are undefined.
    ``fuse`` runs the rules that loop over the same collection in one loop
    (:mod:`.codegen_fusion`; the default is :data:`FUSE_LOOPS`); without it each rule has
    its own."""
    enabled = gc.isenabled()
    gc.disable()  # a large tree of new objects: collections would find nothing to free
    try:
        emitter = _Emitter(pack, outcomes, typed)
        tree = emitter.module(rules, fuse)
        run = emitter.build(tree)
    finally:
        if enabled:
            gc.enable()
    return GeneratedPack(run, tree if keep_tree else None, typed, fuse)


# ---------------------------------------------------------------- the emitter


class _Emitter(FusionEmitter, TypedEmitter):
    def __init__(self, pack: CheckedPack, outcomes: Outcomes | None, typed: bool) -> None:
        self.pack = pack
        # what is known of the values in minted names: what validation guarantees (typed
        # variant only) and what the rule's text fixes (a literal, declared(…): both); the
        # root is a mapping in both variants (evaluate_rules takes one)
        root = Fact(dict, True, pack.schema.root if typed else None)
        self.facts: dict[str, Fact] = {"_root": root}
        self.typed = typed
        if typed:  # the assessment date, from the loader's caller (parse_as_of)
            self.facts["_today"] = Fact(dt.date, True)
        self.steps = "_steps"  # the step count of the rule being emitted
        self.sink: tuple[str, str | None] | None = None  # see _append
        self.hoisted: dict[str, str] = {}  # see FusionEmitter
        self.hoisting: tuple[str, Statements, frozenset[str]] | None = None
        self.applied: set[str] = set()
        self.values: dict[str, Any] = {}  # minted global -> object passed in
        self.minted: set[str] = set()
        self._serial = 0
        self._by_identity: dict[int, str] = {}
        self.predicates: dict[str, tuple[str, str]] = {}  # predicate -> (function, memo)
        self.predicate_defs: Statements = []
        self.day_memos: list[str] = []  # per-call memos of today-only values
        self.frames: list[list[str]] = [[]]  # the memos each function being built assigns
        # what each rule's block appends (none for code that gives no outcomes: an element
        # loop, engine/codegen_elements.py)
        self.outcomes = (
            {}
            if outcomes is None
            else {field: self.value(getattr(outcomes, field)) for field in outcomes._fields}
        )

    # -- names and values
    def mint(self, letter: str) -> str:
        name = f"_{letter}{self._serial}"
        self._serial += 1
        self.minted.add(name)
        return name

    def value(self, obj: Any, letter: str = "k") -> str:
        """A minted global holding ``obj`` (one name per object)."""
        known = self._by_identity.get(id(obj))
        if known is not None and self.values[known] is obj:
            return known
        name = self.mint(letter)
        self.values[name] = obj
        self._by_identity[id(obj)] = name
        return name

    def node(self, node: n.Node) -> ast.Name:
        """The syntax node an error message points at, passed in (never printed into code)."""
        return _load(self.value(node, "n"))

    def constant(self, value: Any) -> ast.expr:
        if value is None:
            return _unknown()
        if type(value) in _SCALARS:
            return _const(value)
        return _load(self.value(value))

    # -- the module
    def module(self, rules: Sequence[Rule], fuse: bool) -> ast.Module:
        blocks: Statements = []
        fused: dict[int, tuple[tuple[int, ...], str]] = {}
        kept: dict[int, str] = {}  # a fused rule's position -> the name holding its outcome
        for positions, collection in fusion_groups(self.pack, rules) if fuse else ():
            fused[positions[0]] = (positions, collection)
            kept.update((p, self.mint("o")) for p in positions)
        for position, rule in enumerate(rules):
            if position in fused:
                positions, collection = fused[position]
                group = [rules[p] for p in positions]
                blocks += self.fused(group, collection, [kept[p] for p in positions])
            if position in kept:  # its outcome (from the fused loop), in its place
                blocks.append(ast.Expr(_const(f"rule {rule.id}")))
                blocks.append(ast.Expr(_method(_load("_out"), "append", _load(kept[position]))))
            else:
                blocks.extend(self.rule(rule))
        body: Statements = [
            _assign("_steps", _const(0)),
            _assign("_out", ast.List([], ast.Load())),
            *self.prologue(),
            *blocks,
            ast.Return(_load("_out")),
        ]
        if self.typed:
            body = merge_absent_tests(body)
        arguments = ast.arguments(
            posonlyargs=[],
            args=[ast.arg("_root"), ast.arg("_today"), ast.arg("_max")],
            kwonlyargs=[],
            kw_defaults=[],
            defaults=[],
        )
        function = ast.FunctionDef("_pack", arguments, body, [], None)
        return ast.Module([function], [])  # the audit gives every node its location

    def build(self, tree: ast.Module) -> Callable[..., Any]:
        """The function ``_pack`` of ``tree`` (a module this emitter wrote): bounded, audited
        and compiled with the values the emitter passed in (:func:`.build_function`); a
        problem is a :class:`~licensecheck.errors.PackError` at the pack's ``pack.yaml``."""
        where = Span(str(self.pack.loaded.root / "pack.yaml"), 1, 1)
        return build_function(tree, "_pack", self.values, frozenset(self.minted), where)

    def prologue(self) -> Statements:
        """What a generated function starts with, once its body is emitted: each predicate's
        and each day-only value's memo unset, and the predicates' functions."""
        memos = [_assign(memo, _load("_UNSET")) for _, memo in self.predicates.values()]
        memos += [_assign(memo, _load("_UNSET")) for memo in self.day_memos]
        return [*memos, *self.predicate_defs]

    def rule(self, rule: Rule) -> Statements:
        """One rule's block: its outcome appended, whatever happens inside."""
        require: Statements = []
        r = self.expr(rule.require, {}, require)
        require.append(self._append_status(r, "require"))
        inner = self.applies(rule, require)
        label = ast.Expr(_const(f"rule {rule.id}"))  # shown by `packs compile --show`
        return [label, _assign("_steps", _const(0)), ast.Try(inner, self.handlers(), [], [])]

    def applies(self, rule: Rule, then: Statements) -> Statements:
        """``then`` when the rule applies (its ``when`` is true or absent); its outcome when
        it does not, or its ``when`` is unknown or not a truth value."""
        if rule.when is None:
            return then
        outcome = self.outcomes
        inner: Statements = []
        w = self.expr(rule.when, {}, inner)
        inner.append(
            _if(
                _is(w, _const(True)),
                then,
                [
                    _if(
                        _is(w, _const(False)),
                        self._append(_load(outcome["not_applicable"])),
                        [
                            _if(
                                _is(w, _unknown()),
                                self._append(_load(outcome["unknown_when"])),
                                self._append(_load(outcome["when_not_boolean"])),
                            )
                        ],
                    )
                ],
            )
        )
        return inner

    def handlers(self) -> list[ast.ExceptHandler]:
        """A rule's ``except`` clauses: its error is its outcome."""
        error = _call(self.outcomes["error"], _load("_error"))
        too_deep = self._append(_load(self.outcomes["too_deep"]))
        return [
            ast.ExceptHandler(_load("_RuleRuntimeError"), "_error", self._append(error)),
            ast.ExceptHandler(_load("_RecursionError"), None, too_deep),
        ]

    def _append(self, outcome: ast.expr) -> Statements:
        """The rule's outcome: appended to the results, or, in a fused loop, kept in the
        rule's own name (and the loop's count of undecided rules lowered)."""
        if self.sink is None:
            return [ast.Expr(_method(_load("_out"), "append", outcome))]
        name, live = self.sink
        done: Statements = [_assign(name, outcome)]
        if live is not None:
            done.append(ast.AugAssign(ast.Name(live, ast.Store()), ast.Sub(), _const(1)))
        return done

    def _append_status(self, r: ast.expr, part: str) -> ast.stmt:
        outcome = self.outcomes
        fact = self.fact(r)
        if fact is not None and fact.kind is bool and fact.certain:
            passed, failed = _load(outcome["passed"]), _load(outcome["failed"])
            return _if(r, self._append(passed), self._append(failed))
        return _if(
            _is(r, _const(True)),
            self._append(_load(outcome["passed"])),
            [
                _if(
                    _is(r, _const(False)),
                    self._append(_load(outcome["failed"])),
                    [
                        _if(
                            _is(r, _unknown()),
                            self._append(_load(outcome[f"unknown_{part}"])),
                            self._append(_load(outcome[f"{part}_not_boolean"])),
                        )
                    ],
                )
            ],
        )

    # -- expressions: each appends its statements to `out` and returns a name or constant
    def expr(self, expr: n.Expr, scope: Scope, out: Statements) -> ast.expr:
        if isinstance(expr, n.Arith | n.Call | n.Neg) and depends_only_on_today(
            expr, scope, self.pack
        ):
            folded = self._folded(expr)
            if folded is not None:
                return self._named(folded, out)
            return self._once_per_call(expr, scope, out)
        return self._dispatch(expr, scope, out)

    def _dispatch(self, expr: n.Expr, scope: Scope, out: Statements) -> ast.expr:
        method: Callable[[Any, Scope, Statements], ast.expr] = getattr(
            self, "_" + type(expr).__name__.rstrip("_").lower()
        )
        return self._named(method(expr, scope, out), out)

    def _named(self, result: ast.expr, out: Statements) -> ast.expr:
        if isinstance(result, ast.Constant) and type(result.value) is not bool:
            return self._result(out, result)  # `is` tests read names: Python warns on literals
        return result

    def _folded(self, expr: n.Expr) -> ast.expr | None:
        """The value of an expression of literals and consts alone (``3 * 365``), computed
        now; None when it reads the date or fails (the error then happens at run time, in
        its rule, as in the closures)."""
        if any(isinstance(x, n.Name) and x.name == "today" for x in n.walk(expr)):
            return None
        try:
            value = _fold_constant(expr, self.pack)
        except (RuleRuntimeError, ValueError, ArithmeticError, TypeError):
            return None
        return _unknown() if value is UNKNOWN else self.constant(value)

    def _once_per_call(self, expr: n.Expr, scope: Scope, out: Statements) -> ast.Name:
        """``today - 1 year`` and the like: computed where first needed in a call and kept
        for the rest of it (the closures keep it per date), never computed ahead of need so
        that an error stays in the rule that meets it."""
        memo = self.mint("d")
        self.day_memos.append(memo)
        self.frames[-1].append(memo)
        compute: Statements = []
        value = self._dispatch(expr, scope, compute)
        compute.append(_assign(memo, value))
        out.append(_if(_is(_load(memo), _load("_UNSET")), compute))
        fact = self.fact(value)
        if fact is not None:  # set past the test whichever way it went
            self.facts[memo] = fact
        return _load(memo)

    def _result(self, out: Statements, value: ast.expr) -> ast.Name:
        name = self.mint("v")
        out.append(_assign(name, value))
        return _load(name)

    def _literal(self, expr: n.Literal_, scope: Scope, out: Statements) -> ast.expr:
        constant = self.constant(expr.value)
        if type(expr.value) in (str, int, float):  # a known value of its own type
            return self._typed(out, constant, Fact(type(expr.value), True))
        return constant

    def _listexpr(self, expr: n.ListExpr, scope: Scope, out: Statements) -> ast.expr:
        if all(isinstance(i, n.Literal_) for i in expr.items):
            return _load(self.value([i.value for i in expr.items if isinstance(i, n.Literal_)]))
        items = [self.expr(i, scope, out) for i in expr.items]
        return self._result(out, ast.List(items, ast.Load()))

    def _name(self, expr: n.Name, scope: Scope, out: Statements) -> ast.expr:
        return self._path(expr, scope, out)

    def _attr(self, expr: n.Attr, scope: Scope, out: Statements) -> ast.expr:
        return self._path(expr, scope, out)

    def _index(self, expr: n.Index, scope: Scope, out: Statements) -> ast.expr:
        return self._path(expr, scope, out)

    # -- paths
    def _path(self, expr: n.Expr, scope: Scope, out: Statements) -> ast.expr:
        node, steps = path_steps(expr)
        keys = tuple(s for s in steps if isinstance(s, str | int))
        if isinstance(node, n.Name) and len(keys) == len(steps):
            name = node.name
            if name in scope:
                return _load(scope[name]) if not keys else self._keys(expr, scope[name], keys, out)
            if self.pack.is_field(name):
                return self._keys(expr, "_root", (name, *keys), out)
            if name == "today" and not keys:
                return _load("_today")
        return self._general_path(expr, node, steps, scope, out)

    def _keys(
        self, expr: n.Expr, start: str, keys: tuple[str | int, ...], out: Statements
    ) -> ast.Name:
        """Fixed keys read inline with ``dict.get`` while they are text; the rest (lists,
        numbers, absent values, mistyped data) through the closures' slow path. Where the
        schema fixes a value's type (typed variant) its type test is left out, and where it
        cannot be absent, its unknown test."""
        fact = self.facts.get(start)
        if self.hoisting is not None and start == self.hoisting[0] and keys:
            key = keys[0]
            shared = key in self.hoisting[2]
            if shared and fact is not None and fact.kind is dict and type(key) is str:
                field = self._hoisted(start, key, fact, self.hoisting[1])
                return _load(field) if len(keys) == 1 else self._keys(expr, field, keys[1:], out)
        v = self.mint("v")
        keys_const = ast.Tuple([_const(k) for k in keys], ast.Load())
        final: list[Fact | None] = []  # the fact about the value read, on each way
        absent: list[bool] = []  # a way that ends unknown because a parent was absent

        def read(position: int, fact: Fact | None) -> Statements:
            if position == len(keys):
                final.append(fact)
                if fact is not None and fact.certain:
                    return []
                return [_if(_is(_load(v), _const(None)), [_assign(v, _unknown())])]
            key = keys[position]
            source = _load(start if position == 0 else v)
            if fact is not None and fact.kind is dict and type(key) is str:
                got = _assign(v, _method(source, "get", _const(key)))
                return [got, *then(position, key, fact)]
            final.append(None)
            rest = _call("_rest", source, keys_const, _const(position), self.node(expr))
            slow: Statements = [_assign(v, rest)]
            if type(key) is not str:
                return slow
            fast = [_assign(v, _method(source, "get", _const(key))), *read(position + 1, None)]
            return [_if(_type_is(source, "_dict"), fast, slow)]

        def then(position: int, key: str, parent: Fact) -> Statements:
            """After ``v = source.get(key)`` of a mapping: the rest of the path."""
            child = field_fact(parent, key)
            if position + 1 == len(keys) or child is None or child.certain:
                return read(position + 1, child)
            absent.append(True)
            present = Fact(child.kind, True, child.node)  # absent: the whole path is unknown
            rest = read(position + 1, present)
            return [_if(_is_not(_load(v), _const(None)), rest, [_assign(v, _unknown())])]

        if not keys:
            out.append(_assign(v, _load(start)))
        if keys and fact is not None and not fact.certain:  # a field read once (fusion)
            absent.append(True)
            inner = read(0, Fact(fact.kind, True, fact.node))
            out.append(_if(_is(_load(start), _unknown()), [_assign(v, _unknown())], inner))
        else:
            out.extend(read(0, fact))
        first = final[0] if final else None
        if first is not None and all(f == first for f in final):
            self.facts[v] = Fact(first.kind, first.certain and not absent, first.node)
        return _load(v)

    def _general_path(
        self,
        expr: n.Expr,
        base: n.Expr,
        steps: Sequence[str | int | n.Expr],
        scope: Scope,
        out: Statements,
    ) -> ast.Name:
        """``base.step…`` with dynamic indexes: each index evaluated only once the value so
        far is known, as the closures' ``path_reader`` does."""
        v = self.mint("v")
        out.append(_assign(v, self._base(base, scope, out)))
        block = out
        for key in steps:
            inner: Statements = []
            if isinstance(key, str | int):
                index_value: ast.expr = _const(key)
            else:
                index_value = self.expr(key, scope, inner)
            inner.append(_assign(v, _call("_step", _load(v), index_value, self.node(expr))))
            block.append(_if(_is_not(_load(v), _unknown()), inner))
            block = inner
        return _load(v)

    def _base(self, node: n.Expr, scope: Scope, out: Statements) -> ast.expr:
        if not isinstance(node, n.Name):
            return self.expr(node, scope, out)
        name = node.name
        if name in scope:
            return _load(scope[name])
        if name in self.pack.consts:
            return self.constant(self.pack.consts[name])
        if name in self.pack.predicates:
            return self._predicate(name, out)
        if name == "today":
            return _load("_today")
        return _method(_load("_root"), "get", _const(name), _unknown())

    # -- predicates: one nested function each, memoised per declaration
    def _predicate(self, name: str, out: Statements) -> ast.expr:
        if name not in self.predicates:  # the checker rejects cycles, so this terminates
            function, memo = self.mint("p"), self.mint("m")
            self.predicates[name] = (function, memo)
            self.frames.append([])
            body: Statements = []
            result = self.expr(self.pack.predicates[name], {}, body)
            assigned = ["_steps", memo, *self.frames.pop()]
            body = [ast.Nonlocal(assigned), *body, _assign(memo, result), ast.Return(_load(memo))]
            arguments = ast.arguments([], [], None, [], [], None, [])
            self.predicate_defs.append(ast.FunctionDef(function, arguments, body, [], None))
        function, memo = self.predicates[name]
        return self._result(
            out, _pick(_is_not(_load(memo), _load("_UNSET")), _load(memo), _call(function))
        )

    # -- functions
    def _call(self, expr: n.Call, scope: Scope, out: Statements) -> ast.expr:
        (arg_expr,) = expr.args
        arg = self.expr(arg_expr, scope, out)
        if expr.func == "declared":
            return self._typed(out, _is_not(arg, _unknown()), Fact(bool, True))
        typed = self._typed_call(expr.func, arg, out)
        if typed is not None:
            return typed
        applied: ast.expr = _call("_call", _const(expr.func), arg, _load("_today"), self.node(expr))
        if expr.func == "len":  # the common cases inline, the rest (and errors) by the helper
            sized = ast.BoolOp(ast.Or(), [_type_is(arg, "_list"), _type_is(arg, "_str")])
            applied = _pick(sized, _call("_len", arg), applied)
        elif expr.func in ("lower", "upper"):
            applied = _pick(_type_is(arg, "_str"), _method(arg, expr.func), applied)
        elif expr.func == "days_since":
            elapsed = ast.Attribute(ast.BinOp(_load("_today"), ast.Sub(), arg), "days", ast.Load())
            applied = _pick(_type_is(arg, "_date"), elapsed, applied)
        return self._result(out, _pick(_is(arg, _unknown()), _unknown(), applied))

    # -- logic
    def _not(self, expr: n.Not, scope: Scope, out: Statements) -> ast.expr:
        v = self.expr(expr.operand, scope, out)
        fact = self.fact(v)
        if fact is not None and fact.kind is bool:  # true, false or (unless certain) unknown
            negated: ast.expr = ast.UnaryOp(ast.Not(), v)
            if not fact.certain:
                negated = _pick(_is(v, _unknown()), _unknown(), negated)
            return self._typed(out, negated, Fact(bool, fact.certain))
        otherwise = _call("_truth", v, self.node(expr), _const("'not'"))
        value = _pick(
            _is(v, _const(True)),
            _const(False),
            _pick(_is(v, _const(False)), _const(True), otherwise),
        )
        return self._result(out, value)

    def _boolop(self, expr: n.BoolOp, scope: Scope, out: Statements) -> ast.expr:
        """Kleene ``and``/``or``: the left side decides alone when it can, and a non-boolean
        side is an error whenever it is evaluated, as in the closures."""
        deciding = expr.op == "or"  # `or` is decided by a true side, `and` by a false one
        r = self.mint("v")
        a = self.expr(expr.left, scope, out)
        right: Statements = []
        b = self.expr(expr.right, scope, right)
        what = _const(f"'{expr.op}'")
        fa, fb = self.fact(a), self.fact(b)
        if fa is not None and fb is not None and fa.kind is bool and fb.kind is bool:
            # both true/false/unknown: no type test; a known left side leaves the right's value
            if fa.certain:
                right.append(_assign(r, b))
            else:
                both = ast.BoolOp(
                    ast.And(), [_is(a, _const(not deciding)), _is(b, _const(not deciding))]
                )
                right.append(
                    _if(
                        _is(b, _const(deciding)),
                        [_assign(r, _const(deciding))],
                        [_if(both, [_assign(r, _const(not deciding))], [_assign(r, _unknown())])],
                    )
                )
            out.append(_if(_is(a, _const(deciding)), [_assign(r, _const(deciding))], right))
            self.facts[r] = Fact(bool, fa.certain and fb.certain)
            return _load(r)
        right.append(
            _if(
                _is(b, _const(deciding)),
                [_assign(r, _const(deciding))],
                [
                    _if(
                        ast.BoolOp(
                            ast.And(), [_is(a, _const(not deciding)), _is(b, _const(not deciding))]
                        ),
                        [_assign(r, _const(not deciding))],
                        [
                            ast.Expr(_call("_truth", a, self.node(expr.left), what)),
                            ast.Expr(_call("_truth", b, self.node(expr.right), what)),
                            _assign(r, _unknown()),
                        ],
                    )
                ],
            )
        )
        out.append(_if(_is(a, _const(deciding)), [_assign(r, _const(deciding))], right))
        return _load(r)

    def _if(self, expr: n.If, scope: Scope, out: Statements) -> ast.expr:
        r = self.mint("v")
        c = self.expr(expr.cond, scope, out)
        then: Statements = []
        then.append(_assign(r, self.expr(expr.then, scope, then)))
        otherwise: Statements = []
        otherwise.append(_assign(r, self.expr(expr.otherwise, scope, otherwise)))
        neither = [_assign(r, _call("_truth", c, self.node(expr.cond), _const("'if'")))]
        out.append(
            _if(_is(c, _const(True)), then, [_if(_is(c, _const(False)), otherwise, neither)])
        )
        return _load(r)

    def _coalesce(self, expr: n.Coalesce, scope: Scope, out: Statements) -> ast.expr:
        r = self.mint("v")
        v = self.expr(expr.value, scope, out)
        default: Statements = []
        d = self.expr(expr.default, scope, default)
        default.append(_assign(r, d))
        out.append(_if(_is(v, _unknown()), default, [_assign(r, v)]))
        fv, fd = self.fact(v), self.fact(d)
        if fv is not None and fd is not None and fv.kind is fd.kind:
            # the value's type either way (`x ?? 0` of a whole number is one), known when
            # the default is; what its fields are is the schema's only for the value
            self.facts[r] = Fact(fv.kind, fd.certain)
        return _load(r)

    # -- comparisons
    def _compare(self, expr: n.Compare, scope: Scope, out: Statements) -> ast.expr:
        if expr.op in ("in", "not in", "contains"):
            return self._membership(expr, scope, out)
        if expr.op == "matches":
            return self._matches(expr, scope, out)
        r = self.mint("v")
        a = self.expr(expr.left, scope, out)
        known: Statements = []
        if isinstance(expr.right, n.Literal_) and expr.right.value is not None:
            constant = expr.right.value
            c = self.constant(constant)
            general = _call("_compare", _const(expr.op), a, c, self.node(expr))
            plain = (*_ORDERED_TYPES, bool) if expr.op in ("==", "!=") else _ORDERED_TYPES
            fact = self.fact(a)
            if type(constant) in plain and fact is not None and fact.kind is type(constant):
                exact = [_assign(r, self._python(expr.op, a, c))]  # the schema fixes a's type
                if fact.certain:
                    out.extend(exact)
                else:
                    out.append(_if(_is(a, _unknown()), [_assign(r, _unknown())], exact))
                self.facts[r] = Fact(bool, fact.certain)
                return _load(r)
            if type(constant) in plain:  # the common case first: the constant's own type
                same_type = _type_is(a, _TYPE_NAMES[type(constant)])
                unknown = _if(_is(a, _unknown()), [_assign(r, _unknown())], [_assign(r, general)])
                exact = [_assign(r, self._python(expr.op, a, c))]
                out.append(_if(same_type, exact, [unknown]))
                return _load(r)
            known.append(_assign(r, general))
        else:
            b = self.expr(expr.right, scope, known)
            if self._typed_comparison(expr.op, a, b, r, known, out):
                return _load(r)
            same_plain = ast.BoolOp(
                ast.And(),
                [
                    _is(_call("_type", a), _call("_type", b)),
                    ast.Compare(_call("_type", a), [ast.In()], [_load(self._plain(expr.op))]),
                ],
            )
            general = _call("_compare", _const(expr.op), a, b, self.node(expr))
            known.append(
                _if(
                    _is(b, _unknown()),
                    [_assign(r, _unknown())],
                    [
                        _if(
                            same_plain,
                            [_assign(r, self._python(expr.op, a, b))],
                            [_assign(r, general)],
                        )
                    ],
                )
            )
        out.append(_if(_is(a, _unknown()), [_assign(r, _unknown())], known))
        return _load(r)

    def _plain(self, op: str) -> str:
        """The set of types Python compares as the language does, for ``op``."""
        return self.value(PLAIN_EQUALITY if op in ("==", "!=") else PLAIN_ORDER)

    def _membership(self, expr: n.Compare, scope: Scope, out: Statements) -> ast.expr:
        constant = self._constant_strings(expr.right) if expr.op in ("in", "not in") else None
        a = self.expr(expr.left, scope, out)
        if constant is None:
            b = self.expr(expr.right, scope, out)
            typed = self._typed_membership(expr.op, a, b, out)
            if typed is not None:
                return typed
            general = _call("_membership", _const(expr.op), a, b, self.node(expr))
            return self._result(out, general)
        test: type[ast.cmpop] = ast.NotIn if expr.op == "not in" else ast.In
        found: ast.expr = ast.Compare(a, [test()], [_load(self.value(constant))])
        fact = self.fact(a)
        if fact is not None and fact.kind is str:  # text or (unless certain) unknown
            if not fact.certain:
                found = _pick(_is(a, _unknown()), _unknown(), found)
            return self._typed(out, found, Fact(bool, fact.certain))
        listed = _load(self.value(sorted(constant)))
        general = _call("_membership", _const(expr.op), a, listed, self.node(expr))
        return self._result(out, _pick(_type_is(a, "_str"), found, general))

    def _constant_strings(self, expr: n.Expr) -> frozenset[str] | None:
        """The values of a literal list or const that holds only text, as a set."""
        values: Any = None
        if isinstance(expr, n.ListExpr) and all(isinstance(i, n.Literal_) for i in expr.items):
            values = [i.value for i in expr.items if isinstance(i, n.Literal_)]
        elif isinstance(expr, n.Name) and expr.name in self.pack.consts:
            values = self.pack.consts[expr.name]
        if isinstance(values, list) and all(type(v) is str for v in values):
            return frozenset(values)
        return None

    def _matches(self, expr: n.Compare, scope: Scope, out: Statements) -> ast.expr:
        r = self.mint("v")
        text = self.expr(expr.left, scope, out)
        regex = self._fixed_pattern(expr.right)
        known: Statements = []
        pattern = self.expr(expr.right, scope, known)
        matched: ast.expr = _call("_match", text, pattern, regex or _const(None), self.node(expr))
        if regex is not None:  # text against a pattern compiled once: RE2 directly
            matched = _pick(_type_is(text, "_str"), _method(regex, "found_in", text), matched)
        known.append(_assign(r, _pick(_is(pattern, _unknown()), _unknown(), matched)))
        out.append(_if(_is(text, _unknown()), [_assign(r, _unknown())], known))
        return _load(r)

    def _fixed_pattern(self, expr: n.Expr) -> ast.Name | None:
        """The RE2 pattern of a literal or a const, compiled now (as the closures compile a
        literal's); None leaves it to run time, which words a bad one as the closures do."""
        fixed = expr.value if isinstance(expr, n.Literal_) else None
        if isinstance(expr, n.Name) and expr.name in self.pack.consts:
            fixed = self.pack.consts[expr.name]
        if not isinstance(fixed, str):
            return None
        try:
            return _load(self.value(compile_pattern(fixed)))
        except ValueError:
            return None

    # -- arithmetic
    def _arith(self, expr: n.Arith, scope: Scope, out: Statements) -> ast.expr:
        r = self.mint("v")
        a = self.expr(expr.left, scope, out)
        known: Statements = []
        b = self.expr(expr.right, scope, known)
        shift = isinstance(expr.right, n.Literal_) and isinstance(expr.right.value, Duration)
        helper = "_date_shift" if shift and expr.op in "+-" else "_arith"  # `x + 1 year`
        computed = _call(helper, _const(expr.op), a, b, self.node(expr))
        fb = self.fact(b)
        if shift or (fb is not None and fb.certain):  # b is never unknown (`1 year`, today)
            known.append(_assign(r, computed))
        else:
            known.append(_assign(r, _pick(_is(b, _unknown()), _unknown(), computed)))
        fact = self.fact(a)
        if fact is not None and fact.certain:
            out.extend(known)
        else:
            out.append(_if(_is(a, _unknown()), [_assign(r, _unknown())], known))
        if shift and expr.op in "+-" and fact is not None and fact.kind is dt.date:
            self.facts[r] = Fact(dt.date, fact.certain)  # a date moved is a date
        return _load(r)

    def _neg(self, expr: n.Neg, scope: Scope, out: Statements) -> ast.expr:
        v = self.expr(expr.operand, scope, out)
        negated = _call("_negative", v, self.node(expr))
        return self._result(out, _pick(_is(v, _unknown()), _unknown(), negated))
