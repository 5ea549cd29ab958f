"""Machine outputs for tools and CI: an assessment or a batch in, a standard format out.

Enters: assessments (a batch) and, where a format describes rules, the compiled pack. Leaves:
text and JSON (the report contract), SARIF 2.1.0, JUnit XML, GitHub workflow commands and
OSCAL assessment results / POA&M — each valid against its official schema.
:mod:`.dispatch` picks the renderer for a format name, for these and for the documents.
"""
