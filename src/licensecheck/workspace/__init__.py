"""The workspace: assessments remembered in a database; history, portfolio, supply graph, regulatory-change impact."""
