"""The example firms under examples/: the packs each is assessed with, and on which date."""

from __future__ import annotations

import datetime as dt

from .rules import AS_OF

CN = ["cn-credit-reporting", "cn-data-collection-conduct"]

EXAMPLES: dict[str, tuple[list[str], dt.date]] = {
    "crawler-firm-2019": (CN, AS_OF),
    "three-factor-reseller": (CN, AS_OF),
    "risk-scoring-vendor": (CN, AS_OF),
    "state-backed-data-co": (CN, AS_OF),
    "demo-credit-scoring": (["starter", *CN], AS_OF),
    "us-data-broker": (["us-data-broker"], dt.date(2026, 11, 15)),
    "eu-data-broker": (["eu-gdpr-data-broker"], dt.date(2026, 11, 15)),
}
