"""Packs installed as Python distributions (``pip install acme-packs``).

Input: the installed distributions' entry points in the group ``licensecheck.packs``. Output:
the pack folders they offer, each with the distribution (``name==version``) it came from.

The contract (docs/authoring.md, "7. Publishing a pack"): an entry point's *name* is the pack id and
its *value* the Python package whose folder holds the pack folder of that name::

    [project.entry-points."licensecheck.packs"]
    acme-credit = "acme_packs"          # → <acme_packs>/acme-credit/pack.yaml

The package is located with :func:`importlib.util.find_spec` on its top-level name and
folders below it, so finding a pack runs none of the distribution's code: a pack is data.
Entry points are read only when an id is not found on the pack path or among the bundled
packs, and by ``packs list``.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from .. import codes
from ..errors import Diagnostic, PackError

ENTRY_POINT_GROUP = "licensecheck.packs"
_PACKAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class DistributionPack:
    """A pack an installed distribution offers."""

    id: str
    #: the pack folder (holding pack.yaml), or None when the entry point leads nowhere
    folder: Path | None
    #: ``name==version`` of the distribution
    distribution: str
    #: the entry point as written, for messages
    entry_point: str


def distribution_packs() -> list[DistributionPack]:
    """Every pack the installed distributions offer, by id (the entry point's name, which
    the loader checks like any pack id) then distribution."""
    found = []
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry.dist
        distribution = f"{dist.name}=={dist.version}" if dist is not None else "unknown"
        found.append(
            DistributionPack(
                id=entry.name,
                folder=_pack_folder(entry.value, entry.name),
                distribution=distribution,
                entry_point=f"{entry.name} = {entry.value!r}",
            )
        )
    return sorted(found, key=lambda p: (p.id, p.distribution))


def distribution_pack_dir(pack_id: str) -> Path | None:
    """The folder of the pack ``pack_id`` an installed distribution offers, or None.

    Two distributions offering the same id is refused, as is an entry point that leads to no
    pack folder: installing a package must not silently decide which rules run."""
    offers = [p for p in distribution_packs() if p.id == pack_id]
    if len(offers) > 1:
        names = " and ".join(p.distribution for p in offers)
        raise PackError(
            Diagnostic(
                codes.PACK_DISTRIBUTION,
                f"two installed distributions offer the pack '{pack_id}': {names}",
                hint="uninstall one of them, or name the pack by its folder",
            )
        )
    if not offers:
        return None
    offer = offers[0]
    if offer.folder is None:
        raise PackError(
            Diagnostic(
                codes.PACK_DISTRIBUTION,
                f"{offer.distribution}: the entry point {offer.entry_point} in "
                f"'{ENTRY_POINT_GROUP}' names no folder holding {pack_id}/pack.yaml",
                hint="the value names the Python package whose folder holds the pack folder",
            )
        )
    return offer.folder


def _pack_folder(package: str, pack_id: str) -> Path | None:
    """``<folder of package>/<pack_id>`` when it holds a pack.yaml; None otherwise."""
    # the name becomes a folder name: never a path that climbs out of the package
    if not _PACKAGE.match(package) or pack_id in ("", ".", "..") or Path(pack_id).name != pack_id:
        return None
    top, *below = package.split(".")
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: nothing is imported
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        folder = Path(location).joinpath(*below, pack_id)
        if (folder / "pack.yaml").is_file():
            return folder
    return None


def source_of(root: Path) -> str | None:
    """``name==version`` of the distribution whose pack folder is ``root``, if any."""
    resolved = root.resolve()
    for offer in distribution_packs():
        if offer.folder is not None and offer.folder.resolve() == resolved:
            return offer.distribution
    return None
