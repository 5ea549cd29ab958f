"""What the tests share, in one place: test files import from here, never from each other.

- ``paths``: the repository and the test data folders (goldens, fixtures, hostile inputs).
- ``rules``: the assessment date, throw-away one-rule packs and the statuses they give.
- ``packs``: pack folders on disk with parents, overrides and several rules.
- ``cli``: running the command line in-process or as a subprocess.
- ``examples``: the example firms and the packs and dates each is assessed with.
- ``expressions``: Hypothesis strategies for syntax trees of the rules language.
- ``reports``: the example firms' cached assessments and a hand-computed readiness score.
- ``external_schemas``: validators from the official SARIF/JUnit/OSCAL/... schemas.

Fixtures (``make_pack``, ``assess``, ``golden``) live in ``tests/conftest.py``. The folder is
importable because ``[tool.pytest.ini_options] pythonpath`` puts ``tests/`` on the path.
"""
