"""The policy language: text of a ``.rules`` file in, a typed syntax tree out.

Enters: rules source text. Leaves: :mod:`.nodes` (the AST with spans), :mod:`.values`
(``UNKNOWN``, ``Duration``, calendar arithmetic), :mod:`.operations` (the runtime meaning of
each operator, shared by the checker and the compiler) and the one expression printer.
Depends on nothing in licensecheck but :mod:`licensecheck.errors`.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: The grammar of the rule language (Lark). Its digest lives here, not in :mod:`.parser`, so
#: that the pack cache can key entries by it without importing Lark (a cache hit never parses).
GRAMMAR_FILE = Path(__file__).with_name("grammar.lark")

#: How deeply expressions may nest. Every later stage (checker, compiler, evaluator) walks
#: expressions recursively, so a bound here keeps a hostile pack from exhausting the stack;
#: the parser enforces it on text and the pack cache on the trees it reads back.
MAX_EXPRESSION_DEPTH = 150


@functools.cache
def grammar_digest() -> str:
    """The sha256 of the grammar file: parse tables and cached trees are valid only for it."""
    return hashlib.sha256(GRAMMAR_FILE.read_bytes()).hexdigest()
