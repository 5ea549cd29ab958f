"""Loop fusion in generated pack code: the rules whose ``require`` is a quantifier over the
same top-level collection share one loop over it.

Input: the rules to run, and the emitter of :mod:`.codegen`. Output: which rules fuse
(:func:`fusion_groups`) and, for each group, one block (:meth:`FusionEmitter.fused`) that
runs every rule of the group over each element in turn and keeps each rule's outcome in a
name of its own, which the rule's place in the pack then appends.

Each rule keeps exactly its own semantics: its ``when`` first, its own step count, its own
``try`` (an error in its body makes that rule, and only it, ``error``), the first element that
decides it, its filter and its unknown elements. A rule stops taking part once decided; the
loop ends early only when every rule of the group is decided. Rules that use a predicate do
not fuse: a predicate is charged to the step count of the rule that first needs it, which
running rules in another order would change. In the schema-typed variant each field of an
element is read once, at the top of the loop, into a local all the rules read.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from ..lang import nodes as n
from .codegen_loops import LoopEmitter, decided_value, undecided_value
from .codegen_tree import (
    Fact,
    Scope,
    Statements,
    _assign,
    _call,
    _const,
    _if,
    _is,
    _is_not,
    _load,
    _method,
    _pick,
    _unknown,
    field_fact,
)
from .rules import CheckedPack, Rule

#: A group of rules fused into one loop: their positions among the rules, and the collection.
Group = tuple[tuple[int, ...], str]


def fusion_groups(pack: CheckedPack, rules: Sequence[Rule]) -> list[Group]:
    """The groups of two or more rules whose ``require`` is a quantifier over the same
    top-level collection (a declaration field, read by name) and that use no predicate."""
    by_collection: dict[str, list[int]] = {}
    for position, rule in enumerate(rules):
        collection = _fusable_collection(pack, rule)
        if collection is not None:
            by_collection.setdefault(collection, []).append(position)
    return [(tuple(p), name) for name, p in by_collection.items() if len(p) > 1]


def _fusable_collection(pack: CheckedPack, rule: Rule) -> str | None:
    require = rule.require
    if not isinstance(require, n.Quantifier) or not isinstance(require.collection, n.Name):
        return None
    name = require.collection.name
    if not pack.is_field(name):
        return None
    parts = [require] if rule.when is None else [require, rule.when]
    if any(isinstance(x, n.Name) and x.name in pack.predicates for p in parts for x in n.walk(p)):
        return None
    return name


class FusionEmitter(LoopEmitter):
    """Writes fused loops; the emitter it is part of writes each rule's parts."""

    outcomes: dict[str, str]
    sink: tuple[str, str | None] | None
    applied: set[str]  # the outcome names of the fused rules without `when`
    hoisted: dict[str, str]  # a field of the fused loop's element -> the local holding it
    #: the fused element's name, where its shared fields are read, and which fields those are
    hoisting: tuple[str, Statements, frozenset[str]] | None

    def applies(self, rule: Rule, then: Statements) -> Statements:
        raise NotImplementedError

    def handlers(self) -> list[ast.ExceptHandler]:
        raise NotImplementedError

    def _append(self, outcome: ast.expr) -> Statements:
        raise NotImplementedError

    def _keys(
        self, expr: n.Expr, start: str, keys: tuple[str | int, ...], out: Statements
    ) -> ast.Name:
        raise NotImplementedError

    def fused(self, rules: Sequence[Rule], collection: str, names: Sequence[str]) -> Statements:
        """One loop over ``collection`` for ``rules``, each rule's outcome left in its name
        of ``names``."""
        quantifiers = [r.require for r in rules if isinstance(r.require, n.Quantifier)]
        steps = [self.mint("v") for _ in rules]
        label = f"fused loop over {collection}: rules {', '.join(r.id for r in rules)}"
        out: Statements = [ast.Expr(_const(label))]
        for rule, name, count in zip(rules, names, steps, strict=True):
            out += [_assign(name, _const(None)), _assign(count, _const(0))]
            if rule.when is not None:  # a rule that does not apply is decided now
                self.steps, self.sink = count, (name, None)
                out.append(ast.Try(self.applies(rule, []), self.handlers(), [], []))
        self.steps, self.sink = "_steps", None
        # the rules without `when` are undecided here: no test needed for them until the loop
        self.applied = {name for rule, name in zip(rules, names, strict=True) if rule.when is None}
        live = self.mint("v")
        out.append(_assign(live, _const(len(self.applied))))
        for name in names:
            if name not in self.applied:
                out.append(_if(_is(_load(name), _const(None)), [_add(live, 1)]))
        where = quantifiers[0].collection
        items = self._keys(where, "_root", (collection,), out)
        fact = self.facts.get(items.id)
        unknown: Statements = []
        for name in names:
            unknown += self._before_loop(name, [_assign(name, self._outcome("unknown_require"))])
        listed = self._loop(quantifiers, names, steps, live, items, fact)
        if fact is None or fact.kind is not list:
            not_a_list: Statements = []
            for q, name in zip(quantifiers, names, strict=True):
                refused: Statements = [_not_a_list(items, self.node(q))]
                not_a_list += self._before_loop(name, self._guarded(name, None, refused))
            listed = [_if(_is_not(_call("_type", items), _load("_list")), not_a_list, listed)]
        if fact is None or not fact.certain:
            listed = [_if(_is(items, _unknown()), unknown, listed)]
        out.append(_if(_load(live), listed))
        return out

    def _loop(
        self,
        quantifiers: Sequence[n.Quantifier],
        names: Sequence[str],
        steps: Sequence[str],
        live: str,
        items: ast.Name,
        fact: Fact | None,
    ) -> Statements:
        """The loop over a list: each undecided rule charged for it, then each element
        given to each rule still undecided, then the undecided rules' outcomes."""
        out: Statements = []
        for q, name, count in zip(quantifiers, names, steps, strict=True):
            self.steps = count
            charge = self._charge(items, self.node(q))
            out += self._before_loop(name, self._guarded(name, live, charge))
        item, element, body = self._element_name(fact)
        prefix: Statements = []
        self.hoisting, self.hoisted = (element, prefix, _shared_fields(quantifiers)), {}
        saws = [self.mint("v") for _ in quantifiers]
        steps_of_rules: Statements = []
        for q, name, count, saw in zip(quantifiers, names, steps, saws, strict=True):
            self.steps, self.sink = count, (name, live)
            decided = self._append(self._outcome("passed" if decided_value(q) else "failed"))
            inner: Scope = {q.var: element}
            step = self._element_step(q, inner, saw, decided)
            steps_of_rules.append(_undecided(name, self._guarded(name, live, step)))
        self.steps, self.sink, self.hoisting = "_steps", None, None
        body += [*prefix, *steps_of_rules, _if(ast.UnaryOp(ast.Not(), _load(live)), [ast.Break()])]
        out += [_assign(saw, _const(False)) for saw in saws]
        out.append(_if(_load(live), [ast.For(ast.Name(item, ast.Store()), items, body, [])]))
        for q, name, saw in zip(quantifiers, names, saws, strict=True):
            otherwise = self._outcome("passed" if undecided_value(q) else "failed")
            ending = _pick(_load(saw), self._outcome("unknown_require"), otherwise)
            out.append(_undecided(name, [_assign(name, ending)]))
        return out

    def _before_loop(self, name: str, body: Statements) -> Statements:
        """``body`` while the rule whose outcome is kept in ``name`` is undecided: before
        the loop, a rule without ``when`` always is."""
        return body if name in self.applied else [_undecided(name, body)]

    def _hoisted(self, element: str, key: str, fact: Fact, prefix: Statements) -> str:
        """The local holding ``element[key]`` (unknown when absent), read once per element
        at the top of a fused loop: validated data makes the read safe to do early."""
        name = self.hoisted.get(key)
        if name is None:
            name = self.mint("v")
            prefix.append(_assign(name, _method(_load(element), "get", _const(key))))
            child = field_fact(fact, key)
            if child is None or not child.certain:
                prefix.append(_if(_is(_load(name), _const(None)), [_assign(name, _unknown())]))
            if child is not None:
                self.facts[name] = child
            self.hoisted[key] = name
        return name

    def _guarded(self, name: str, live: str | None, body: Statements) -> Statements:
        """``body`` in the rule's own ``try``: an error is its outcome."""
        self.sink = (name, live)
        guarded: Statements = [ast.Try(body, self.handlers(), [], [])]
        self.sink = None
        return guarded

    def _outcome(self, which: str) -> ast.Name:
        return _load(self.outcomes[which])


def _shared_fields(quantifiers: Sequence[n.Quantifier]) -> frozenset[str]:
    """The element fields that more than one of the rules reads (``s.kind`` in two rules
    over ``s``): read once for all of them. A field only one rule reads stays in that
    rule's part, read only while the rule is undecided."""
    readers: dict[str, int] = {}
    for q in quantifiers:
        fields = {
            x.name
            for part in (q.filter, q.body)
            if part is not None
            for x in n.walk(part)
            if isinstance(x, n.Attr) and isinstance(x.obj, n.Name) and x.obj.name == q.var
        }
        for name in fields:
            readers[name] = readers.get(name, 0) + 1
    return frozenset(name for name, count in readers.items() if count > 1)


def _undecided(name: str, body: Statements) -> ast.If:
    """``body`` while the rule whose outcome is kept in ``name`` is undecided (its outcome
    still None: an outcome never is, and ``is None`` is Python's cheapest test)."""
    return _if(_is(_load(name), _const(None)), body)


def _add(name: str, amount: int) -> ast.AugAssign:
    return ast.AugAssign(ast.Name(name, ast.Store()), ast.Add(), _const(amount))


def _not_a_list(items: ast.Name, node: ast.Name) -> ast.Expr:
    return ast.Expr(_call("_not_a_list", items, node))
