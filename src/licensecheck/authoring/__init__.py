"""Tools for pack authors: lint, test, format, explain, scaffold and document packs.

Enters: a pack (id or folder), its ``tests/`` cases, rules text. Leaves: diagnostics,
per-case results with coverage, canonical rules text, explanations and evaluation traces,
declaration skeletons (``init``), new pack folders, Markdown catalogues, generated schemas.
"""
