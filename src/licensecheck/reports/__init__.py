"""Documents for people: gap reports and remediation plans.

Enters: an :class:`~licensecheck.engine.models.Assessment` with its compiled pack and
declaration. Leaves: a ``GapReport`` (requirements in words, smallest fixes, questionnaire of
unknowns) or a ``Plan`` (tasks, phases, working-day schedule, critical path), rendered as
Markdown, HTML (charts, Jinja2 templates), JSON or CSV in English or Chinese.
"""
