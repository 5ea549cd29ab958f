"""The policy language: text of a ``.rules`` file in, a typed syntax tree out.

Enters: rules source text. Leaves: :mod:`.nodes` (the AST with spans), :mod:`.values`
(``UNKNOWN``, ``Duration``, calendar arithmetic), :mod:`.operations` (the runtime meaning of
each operator, shared by the checker and the compiler) and the one expression printer.
Depends on nothing in licensecheck but :mod:`licensecheck.errors`.
"""
