"""Names a package loads when they are first asked for (PEP 562): the package's own public
names and its API facade's, so that a command imports only as far as it runs (issue #12,
cold start)."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping, MutableMapping
from typing import Any


def load_attribute(
    package: str, namespace: MutableMapping[str, Any], name: str, homes: Mapping[str, str]
) -> Any:
    """``name`` of ``package``: the attribute of that name of the module ``homes`` gives
    for it (relative to ``package``), or else ``package``'s submodule of that name, as
    reachable as when everything was imported at once. Kept in ``namespace`` (the package's
    globals) so that the next look-up does not come here; AttributeError when there is none."""
    if name in homes:
        value = getattr(importlib.import_module(homes[name], package), name)
    elif not name.startswith("_") and importlib.util.find_spec(f"{package}.{name}"):
        value = importlib.import_module(f".{name}", package)
    else:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    namespace[name] = value
    return value
