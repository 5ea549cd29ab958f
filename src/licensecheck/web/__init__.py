"""The local web app (``licensecheck serve``): the questionnaire, the results and the HTTP API.

Above the public facade, as the CLI is: it calls :mod:`licensecheck.api` for assessments,
reports and plans, and reads the workspace for drafts, history and the portfolio. In:
requests; out: pages, fragments (htmx), downloads and the API's JSON.
"""
