"""The declaration model: a firm's self-declaration, validated against its JSON Schema.

Enters: a YAML/JSON file or a mapping, and the declaration schema. Leaves: a
:class:`Declaration` (plain values with dates converted, the position of every path) or every
schema violation at once as positioned diagnostics; the typed schema tree the checker uses.
"""
