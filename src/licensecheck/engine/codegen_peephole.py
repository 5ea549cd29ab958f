"""A last pass over the schema-typed variant of generated pack code: one test fewer per read.

Input: the statements of the generated function. Output: the same statements, where a field
read that turns an absent value into unknown is followed at once by a test for unknown,
with the two tests made one::

    v = x.get('f')                      v = x.get('f')
    if v is None:                       if v is None:
        v = _UNKNOWN            ->          v = _UNKNOWN
    if v is _UNKNOWN:                       A
        A                           else:
    else:                                   B
        B

(and ``r = X if v is _UNKNOWN else Y`` likewise). Only for data the loader read: there a
value that was not absent is never the unknown marker itself, so ``v is not None`` there
means ``v is not _UNKNOWN``; a raw mapping could hold the marker, so the untyped variant is
left as it is.
"""

from __future__ import annotations

import ast

from .codegen_tree import _UNKNOWN, Statements, _assign, _is, _load


def merge_absent_tests(statements: Statements) -> Statements:
    """``statements`` with each normalisation of an absent value and the unknown test right
    after it merged, at every depth."""
    merged: Statements = []
    for statement in statements:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list):
                setattr(statement, field, merge_absent_tests(inner))
        for handler in getattr(statement, "handlers", ()):
            handler.body = merge_absent_tests(handler.body)
        one = _merged(merged[-1], statement) if merged else None
        if one is None:
            merged.append(statement)
        else:
            merged[-1] = one
    return merged


def _merged(previous: ast.stmt, statement: ast.stmt) -> ast.If | None:
    name = _made_unknown_when_absent(previous)
    if name is None:
        return None
    assert isinstance(previous, ast.If)
    if isinstance(statement, ast.If) and _tests_unknown(statement.test, name):
        return ast.If(previous.test, [*previous.body, *statement.body], statement.orelse)
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(target := statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.IfExp)
        and _tests_unknown(statement.value.test, name)
    ):
        known = statement.value
        return ast.If(
            previous.test,
            [*previous.body, _assign(target.id, known.body)],
            [_assign(target.id, known.orelse)],
        )
    return None


def _made_unknown_when_absent(statement: ast.stmt) -> str | None:
    """``v`` when ``statement`` is ``if v is None: v = _UNKNOWN`` (and nothing else)."""
    if not (isinstance(statement, ast.If) and not statement.orelse and len(statement.body) == 1):
        return None
    test, (body,) = statement.test, statement.body
    if not (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return None
    name = test.left.id
    unknown = _assign(name, _load(_UNKNOWN))
    return name if ast.dump(body) == ast.dump(unknown) else None


def _tests_unknown(test: ast.expr, name: str) -> bool:
    """Whether ``test`` is ``name is _UNKNOWN``."""
    return ast.dump(test) == ast.dump(_is(_load(name), _load(_UNKNOWN)))
