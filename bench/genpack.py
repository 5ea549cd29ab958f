"""Write large synthetic packs (hundreds of rules) for the load-time benchmark.

``write_pack(folder, n_rules)`` fills ``folder`` with a ``pack.yaml``, a ``common.rules`` of
constants and predicates, and the rules spread over one file per domain, as the bundled packs
are laid out. Each rule is one of a dozen templates of realistic requirements (filtered
quantifiers, counts and sums, date arithmetic, membership, ``matches``, ``??``) with its own
thresholds and enum values, and carries the full metadata a real rule has (English and Chinese
texts, citations, remediation, effort, ``after`` links). Deterministic for a given size.
"""

from __future__ import annotations

import random
from pathlib import Path

DOMAINS = ("licensing", "collection", "consent", "recipients", "security", "governance")

MANIFEST = """\
id: {pack_id}
version: 1.0.0
title: "Generated benchmark pack ({n} rules)"
title@zh: "生成的基准规则包（{n} 条规则）"
description: "Synthetic rules for timing pack load, check and compile."
jurisdiction: CN
languages: [en, zh]
declaration_schema: [1]
domains:
{domains}"""

COMMON = """\
# Constants and predicates shared by the generated rules.
const MIN_CAPITAL = 50_000_000
const PROHIBITED = ["religion", "genetic", "fingerprint", "blood_type", "medical_history"]
const CRAWL_KINDS = ["crawled", "user_authorized_crawl"]
const LENDERS = ["bank", "consumer_finance", "microlender", "online_lending_platform"]
const MECHANISMS = ["security_assessment", "standard_contract", "certification"]
const USCC_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{{2}}[0-9]{{6}}[0-9A-HJ-NPQRTUWXY]{{10}}$"

predicate provides_personal_credit =
    any b in business_lines: b.provides_credit_information and b.subject_type != "enterprise"

predicate processes_personal_info =
    any s in data_sources: s.contains_personal_info
"""

# (domain, when or None, require) with {placeholders} filled per rule
TEMPLATES: list[tuple[str, str | None, str]] = [
    (
        "licensing",
        "provides_personal_credit",
        'any l in company.licenses: l.kind == "{license_kind}" and l.valid_until >= today + {days} days',
    ),
    (
        "licensing",
        None,
        "company.registered_capital_cny >= MIN_CAPITAL * {factor} or not provides_personal_credit",
    ),
    ("licensing", None, "company.uscc matches USCC_PATTERN"),
    (
        "collection",
        None,
        "all s in data_sources where s.kind in CRAWL_KINDS:\n"
        "                 not s.collection.stores_user_credentials\n"
        "                 and (s.collection.share_of_target_traffic ?? 0) <= 0.{pct}",
    ),
    (
        "collection",
        None,
        "none s in data_sources: any c in s.sensitive_categories: c in PROHIBITED",
    ),
    (
        "collection",
        "(sum s in data_sources where s.contains_personal_info: s.volume_individuals ?? 0)"
        " >= {volume}",
        "security.mlps.level >= {level}",
    ),
    (
        "consent",
        "processes_personal_info",
        'all s in data_sources where s.lawful_basis == "consent":\n'
        "                 s.consent.obtained and s.consent.{consent_flag}",
    ),
    (
        "recipients",
        None,
        "(count r in recipients where r.kind in LENDERS and not r.via_licensed_agency) <= {small}",
    ),
    (
        "recipients",
        None,
        'all r in recipients where declared(r.purpose) and lower(r.purpose) contains "{word}":\n'
        "                 r.separate_consent",
    ),
    (
        "security",
        "processes_personal_info",
        "security.mlps.certified_on + {years} year >= today and security.audit_logging.retention_days >= {days}",
    ),
    ("security", None, "days_since(security.penetration_test_on ?? 2000-01-01) <= {days}"),
    (
        "governance",
        None,
        'all a in governance.impact_assessments where a.triggers contains "{trigger}":\n'
        "                 a.done_on >= today - {years} years",
    ),
    (
        "governance",
        None,
        "if (count t in cross_border.transfers) > {small}\n"
        "             then (all t in cross_border.transfers where t.contains_personal_info:"
        " t.mechanism in MECHANISMS)\n"
        "             else (governance.staff_training.hours_per_year ?? 0) >= {hours}",
    ),
]

LICENSE_KINDS = ["personal_credit_reporting", "enterprise_credit_filing", "icp", "payment"]
CONSENT_FLAGS = ["separate", "written", "withdrawable", "scope_documented", "impact_notice"]
WORDS = ["marketing", "collection", "resale", "profiling"]
TRIGGERS = ["sensitive_pi", "automated_decision", "third_party_provision", "cross_border"]
SEVERITIES = ["critical", "high", "medium", "low"]

RULE = """\
rule G-{tag}-{number:04d} {{
    title: "Generated requirement {number} ({domain})"
    title@zh: "生成的第 {number} 条要求（{domain}）"
    domain: {domain}
    severity: {severity}
    cite: ["Regulation {number} Art. {article}", "《示例条例》第{article}条"]
{when}    require: {require}
    message: "generated requirement {number} is not met"
    message@zh: "第 {number} 条要求未满足"
    remediation: "Fix whatever requirement {number} checks, then declare it."
    remediation@zh: "按第 {number} 条要求整改后重新申报。"
    effort: {effort} days
{after}}}
"""


def rule_text(number: int, rng: random.Random) -> tuple[str, str]:
    """The domain and source text of generated rule ``number``."""
    domain, when, require = TEMPLATES[number % len(TEMPLATES)]
    values = {
        "license_kind": rng.choice(LICENSE_KINDS),
        "days": rng.choice([0, 30, 90, 180, 365]),
        "factor": rng.choice([1, 2]),
        "pct": rng.choice([2, 33, 5]),
        "volume": rng.choice([100_000, 1_000_000]),
        "level": rng.choice([2, 3]),
        "consent_flag": rng.choice(CONSENT_FLAGS),
        "small": rng.randint(0, 3),
        "word": rng.choice(WORDS),
        "years": rng.choice([1, 2, 3]),
        "trigger": rng.choice(TRIGGERS),
        "hours": rng.choice([4, 8, 16]),
    }
    after = ""
    if number > 10 and rng.random() < 0.2:  # an earlier rule whose remediation comes first
        after = f"    after: [G-LIC-{((number - 1) // 13) * 13:04d}]\n"
    text = RULE.format(
        tag=domain[:3].upper(),
        number=number,
        domain=domain,
        severity=rng.choice(SEVERITIES),
        article=rng.randint(1, 80),
        when=f"    when: {when.format(**values)}\n" if when else "",
        require=require.format(**values),
        effort=rng.choice([7, 14, 30, 60, 90]),
        after=after,
    )
    return domain, text


def write_pack(folder: Path, n_rules: int) -> Path:
    """Write a pack of ``n_rules`` rules into ``folder`` (its name is the pack id)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(n_rules)
    domains = "".join(f"  {d}: {{title: {d.title()}, title@zh: {d}}}\n" for d in DOMAINS)
    (folder / "pack.yaml").write_text(
        MANIFEST.format(pack_id=folder.name, n=n_rules, domains=domains), encoding="utf-8"
    )
    (folder / "common.rules").write_text(COMMON.format(), encoding="utf-8")
    files: dict[str, list[str]] = {d: [] for d in DOMAINS}
    for number in range(n_rules):
        domain, text = rule_text(number, rng)
        files[domain].append(text)
    for domain, texts in files.items():
        (folder / f"{domain}.rules").write_text("\n".join(texts), encoding="utf-8")
    return folder
