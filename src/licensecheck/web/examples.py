"""The bundled example firms as questionnaires: ``licensecheck serve --example NAME``.

Input: an example's name (a file of the bundled ``examples/`` folder, without ``.yaml``) and
the packs to assess it against. Output: the id of a draft holding its answers, created once
per workspace and reused when served again.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import api, codes
from ..errors import Diagnostic, UsageError
from ..resources import examples_dir
from ..workspace.drafts import Draft, list_drafts, new_draft_id, save_draft
from .live import plain
from .questions import answers_of
from .state import Settings, State
from .views import Views

#: The pack an example is assessed against unless told otherwise.
EXAMPLE_PACKS = ("cn-credit-reporting",)


def example_names() -> list[str]:
    return sorted(p.stem for p in examples_dir().glob("*.yaml"))


def start_example(settings: Settings, name: str, packs: Sequence[str] = EXAMPLE_PACKS) -> str:
    """The draft of the example ``name`` (made now, or the one made before)."""
    if name not in example_names():
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"there is no example '{name}'; choose one of {', '.join(example_names())}",
            )
        )
    state = State(settings, Views())
    path = examples_dir() / f"{name}.yaml"
    declaration = api.load_declaration(path)
    firm = str(declaration.data["company"]["name"])
    for draft in list_drafts(settings.workspace):
        if draft.firm == firm and draft.packs == list(packs):
            return draft.id
    base = plain(declaration.data)
    draft = Draft(new_draft_id(), firm, list(packs), base=base)
    draft.answers, draft.lists = answers_of(state.questions(packs, "en"), base)
    save_draft(settings.workspace, draft)
    return draft.id
