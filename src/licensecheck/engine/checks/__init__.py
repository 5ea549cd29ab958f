"""The static checks of a pack, one module per stage.

Enters: a :class:`CheckState` (:mod:`.state`) holding a loaded pack, the declaration schema
and what the stages before found. Each stage module adds diagnostics and results to it:
:mod:`.names` (definitions and unused ones), :mod:`.consts` (folding), :mod:`.expressions`
(types of predicates and rule expressions, with :mod:`.enums` for enum values and
:mod:`.types` for the type model), :mod:`.rule_fields` (each rule's fields into a
:class:`~licensecheck.engine.rules.Rule`), :mod:`.order` (``after`` references and cycles) and
:mod:`.composition`. Leaves: the state's rules, consts, predicates, errors and warnings;
:mod:`licensecheck.engine.check` runs the stages in order and turns the state into a
:class:`~licensecheck.engine.rules.CheckedPack` or one :class:`~licensecheck.errors.PackError`.
"""
