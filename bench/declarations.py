"""Deterministic generator of realistic declarations for the benchmark.

``generate(n, seed)`` returns ``n`` plain mappings (dates as ISO strings, as a YAML file
would hold them) shaped like a mid-sized Chinese credit-data company's declaration: 5–30
data sources and recipients, a handful of licences, shareholders, officers, business lines,
transfers and incidents. About one optional field in twenty is left out, so the rules see
absent data (``unknown``) as well as passes and failures. The same seed always gives the
same declarations.

``size`` chooses how many entries each list holds (:data:`SIZES`): ``"large"`` (the
default, about 22 KB of YAML a declaration, as every benchmark has used) or ``"small"``
(about 5 KB, the size of the declarations issue #12 measured).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

AS_OF = dt.date(2026, 1, 15)

LICENSE_KINDS = [
    "personal_credit_reporting",
    "enterprise_credit_filing",
    "icp",
    "value_added_telecom",
    "payment",
    "other",
]
BUSINESS_KINDS = [
    "credit_scoring",
    "credit_report",
    "identity_verification",
    "multi_lending_query",
    "anti_fraud",
    "marketing",
    "risk_consulting",
]
SOURCE_KINDS = [
    "first_party",
    "user_authorized_crawl",
    "crawled",
    "purchased",
    "partner_exchange",
    "operator_channel",
    "government",
    "public_disclosure",
]
LAWFUL_BASES = ["consent", "consent", "consent", "contract", "legal_duty", "publicly_disclosed"]
SENSITIVE = [
    "biometric",
    "religion",
    "genetic",
    "fingerprint",
    "blood_type",
    "medical_history",
    "health",
    "financial_account",
    "location_trace",
    "identity_document",
]
DATA_CATEGORIES = [
    "basic_identity",
    "contact",
    "identity_document",
    "financial_account",
    "credit_history",
    "transaction",
    "device",
    "behavioral",
]
RECIPIENT_KINDS = [
    "bank",
    "consumer_finance",
    "microlender",
    "online_lending_platform",
    "insurer",
    "fintech",
    "credit_agency",
    "other",
]
PURPOSES = [
    "credit risk assessment",
    "anti-fraud screening",
    "Marketing campaigns",
    "identity verification",
    "collections",
    "joint marketing and cross-selling",
]
MECHANISMS = ["security_assessment", "standard_contract", "certification", "exemption", "none"]
COUNTRIES = ["CN", "CN", "CN", "HK", "SG", "US", "DE"]
INCIDENT_KINDS = ["breach", "unauthorized_access", "loss", "leak", "ransomware", "other"]
LOG_FIELDS = ["user", "time", "method", "content", "purpose"]
TRIGGERS = ["sensitive_pi", "automated_decision", "third_party_provision", "cross_border"]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: How many entries each list of a declaration holds (drawn uniformly in [low, high]).
SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "large": {
        "licenses": (1, 6),
        "shareholders": (1, 8),
        "officers": (2, 10),
        "impact_assessments": (0, 6),
        "business_lines": (1, 6),
        "data_sources": (5, 30),
        "recipients": (5, 30),
        "transfers": (0, 8),
        "incidents": (0, 6),
    },
    "small": {
        "licenses": (1, 3),
        "shareholders": (1, 3),
        "officers": (1, 3),
        "impact_assessments": (0, 2),
        "business_lines": (1, 2),
        "data_sources": (1, 6),
        "recipients": (1, 4),
        "transfers": (0, 2),
        "incidents": (0, 2),
    },
}


class _Gen:
    def __init__(self, seed: int, size: str) -> None:
        self.r = random.Random(seed)
        self.sizes = SIZES[size]

    def count(self, entries: str) -> range:
        """The indices of a list of ``entries`` (its length drawn from :data:`SIZES`)."""
        return range(self.r.randint(*self.sizes[entries]))

    # -- helpers
    def maybe(self, obj: dict[str, Any], key: str, value: Any, keep: float = 0.95) -> None:
        """Set ``obj[key]`` unless this optional field is (randomly) left undeclared."""
        if self.r.random() < keep:
            obj[key] = value

    def flag(self, p_true: float) -> bool:
        return self.r.random() < p_true

    def day(self, lo_days: int, hi_days: int) -> str:
        """A date between ``lo_days`` and ``hi_days`` from the assessment date."""
        return (AS_OF + dt.timedelta(days=self.r.randint(lo_days, hi_days))).isoformat()

    def subset(self, items: list[str], lo: int, hi: int) -> list[str]:
        return self.r.sample(items, self.r.randint(lo, min(hi, len(items))))

    def uscc(self) -> str:
        code = "91" + "".join(self.r.choice("0123456789") for _ in range(6))
        code += "".join(self.r.choice(USCC_CHARS) for _ in range(10))
        if self.flag(0.1):  # a typo: a letter the code never uses
            code = code[:-1] + "I"
        return code

    # -- sections
    def company(self, i: int) -> dict[str, Any]:
        r = self.r
        company: dict[str, Any] = {"name": f"Benchmark Data Co {i}"}
        self.maybe(company, "name_zh", f"基准数据科技有限公司{i}")
        self.maybe(company, "uscc", self.uscc(), 0.95)
        company["jurisdiction"] = "CN"
        self.maybe(company, "incorporated_on", self.day(-4000, -400))
        self.maybe(company, "registered_capital_cny", r.choice([10, 30, 50, 80, 200]) * 1_000_000)
        company["headcount"] = r.randint(20, 900)
        company["licenses"] = [self.license(k) for k in self.count("licenses")]
        company["shareholders"] = [self.shareholder(k) for k in self.count("shareholders")]
        company["officers"] = [self.officer(k) for k in self.count("officers")]
        return company

    def license(self, k: int) -> dict[str, Any]:
        lic: dict[str, Any] = {"id": f"lic-{k}", "kind": self.r.choice(LICENSE_KINDS)}
        lic["authority"] = "PBOC" if "credit" in lic["kind"] else "MIIT"
        lic["number"] = f"L{self.r.randint(10_000, 99_999)}"
        self.maybe(lic, "issued_on", self.day(-2500, -200))
        self.maybe(lic, "valid_until", self.day(-120, 1500))
        return lic

    def shareholder(self, k: int) -> dict[str, Any]:
        holder: dict[str, Any] = {"id": f"sh-{k}", "name": f"Holder {k}"}
        self.maybe(holder, "pct", round(self.r.uniform(0.5, 60), 1))
        self.maybe(holder, "major_violations_last_3_years", self.flag(0.05))
        return holder

    def officer(self, k: int) -> dict[str, Any]:
        officer: dict[str, Any] = {"id": f"off-{k}", "name": f"Officer {k}"}
        officer["role"] = self.r.choice(["director", "supervisor", "senior_manager"])
        self.maybe(officer, "pboc_qualification_approved", self.flag(0.9))
        self.maybe(officer, "major_violations_last_3_years", self.flag(0.03))
        return officer

    def business_line(self, k: int) -> dict[str, Any]:
        r = self.r
        line: dict[str, Any] = {"id": f"bl-{k}", "name": f"Product {k}"}
        line["kind"] = r.choice(BUSINESS_KINDS)
        self.maybe(line, "subject_type", r.choice(["individual", "enterprise", "both"]))
        self.maybe(line, "provides_credit_information", self.flag(0.6))
        line["clients"] = self.subset(["bank", "consumer_finance", "microlender", "insurer"], 1, 3)
        line["delivery"] = self.subset(["api", "batch_file", "report"], 1, 2)
        self.maybe(line, "direct_connection_to_financial_institutions", self.flag(0.08))
        self.maybe(line, "uses_automated_decisions", self.flag(0.5))
        return line

    def data_source(self, k: int) -> dict[str, Any]:
        r = self.r
        kind = r.choice(SOURCE_KINDS)
        source: dict[str, Any] = {"id": f"ds-{k}", "name": f"Source {k}", "kind": kind}
        personal = self.flag(0.8)
        self.maybe(source, "contains_personal_info", personal)
        self.maybe(source, "contains_credit_information", self.flag(0.5))
        if self.flag(0.35):  # prohibited categories (religion, genetic, …) are rare
            pool = SENSITIVE if self.flag(0.1) else SENSITIVE[6:]
            source["sensitive_categories"] = self.subset(pool, 1, 3)
        else:
            self.maybe(source, "sensitive_categories", [])
        source["data_categories"] = self.subset(DATA_CATEGORIES, 1, 4)
        if personal:
            self.maybe(source, "volume_individuals", r.randint(1_000, 400_000))
        self.maybe(source, "contains_income_or_assets", self.flag(0.2))
        self.maybe(source, "lawful_basis", r.choice([*LAWFUL_BASES, "none"]), 0.9)
        self.maybe(source, "necessity_documented", self.flag(0.7))
        consent: dict[str, Any] = {}
        for key, p in (
            ("obtained", 0.9),
            ("separate", 0.7),
            ("written", 0.6),
            ("withdrawable", 0.85),
            ("impact_notice", 0.7),
            ("adverse_consequences_explained", 0.6),
        ):
            self.maybe(consent, key, self.flag(p))
        consent["purpose"] = r.choice(PURPOSES)
        self.maybe(source, "consent", consent, 0.9)
        if kind == "purchased" or self.flag(0.2):
            supplier: dict[str, Any] = {"name": f"Supplier {k}"}
            self.maybe(supplier, "licensed", self.flag(0.85))
            self.maybe(supplier, "contract_signed", self.flag(0.9))
            self.maybe(supplier, "contract_reviewed_on", self.day(-500, -5))
            source["supplier"] = supplier
        if kind in ("crawled", "user_authorized_crawl") or self.flag(0.9):
            collection: dict[str, Any] = {"method": "crawler" if "crawl" in kind else "api"}
            self.maybe(collection, "respects_robots_txt", self.flag(0.8))
            self.maybe(collection, "bypasses_anti_crawling", self.flag(0.05))
            self.maybe(collection, "stores_user_credentials", self.flag(0.05))
            self.maybe(collection, "share_of_target_traffic", round(r.uniform(0, 0.5), 2), 0.6)
            source["collection"] = collection
        self.maybe(source, "retention_days", r.choice([90, 180, 365, 730, 1095, 1825]))
        self.maybe(source, "cross_border", self.flag(0.1))
        return source

    def recipient(self, k: int) -> dict[str, Any]:
        r = self.r
        recipient: dict[str, Any] = {"id": f"rc-{k}", "name": f"Client {k}"}
        recipient["kind"] = r.choice(RECIPIENT_KINDS)
        self.maybe(recipient, "country", r.choice(COUNTRIES))
        self.maybe(recipient, "licensed", self.flag(0.9))
        self.maybe(recipient, "contract_signed", self.flag(0.9))
        self.maybe(recipient, "purpose", r.choice(PURPOSES))
        self.maybe(recipient, "receives_personal_info", self.flag(0.7))
        self.maybe(recipient, "receives_credit_information", self.flag(0.5))
        self.maybe(recipient, "separate_consent", self.flag(0.8))
        self.maybe(recipient, "via_licensed_agency", self.flag(0.7))
        recipient["data_categories"] = self.subset(DATA_CATEGORIES, 1, 3)
        return recipient

    def security(self) -> dict[str, Any]:
        r = self.r
        security: dict[str, Any] = {}
        mlps: dict[str, Any] = {}
        self.maybe(mlps, "level", r.choice([2, 3, 3, 3, 4]))
        self.maybe(mlps, "filed_on", self.day(-900, -300))
        self.maybe(mlps, "certified_on", self.day(-500, -10))
        self.maybe(security, "mlps", mlps, 0.95)
        self.maybe(security, "encryption_at_rest", self.flag(0.85))
        self.maybe(security, "encryption_in_transit", self.flag(0.95))
        access: dict[str, Any] = {"role_based": True}
        self.maybe(access, "least_privilege", self.flag(0.8))
        self.maybe(access, "reviewed_on", self.day(-300, -5))
        security["access_control"] = access
        logging: dict[str, Any] = {}
        self.maybe(logging, "enabled", self.flag(0.9))
        self.maybe(logging, "retention_days", r.choice([30, 90, 180, 365]))
        self.maybe(logging, "fields", self.subset(LOG_FIELDS, 2, 5))
        self.maybe(security, "audit_logging", logging, 0.95)
        plan: dict[str, Any] = {}
        self.maybe(plan, "exists", self.flag(0.85))
        self.maybe(plan, "tested_on", self.day(-600, -10))
        self.maybe(security, "incident_response_plan", plan)
        self.maybe(security, "penetration_test_on", self.day(-700, -10), 0.7)
        return security

    def governance(self) -> dict[str, Any]:
        r = self.r
        governance: dict[str, Any] = {}
        officer: dict[str, Any] = {}
        self.maybe(officer, "appointed", self.flag(0.8))
        self.maybe(officer, "name", "Zhang Wei")
        self.maybe(governance, "pi_protection_officer", officer, 0.9)
        audit: dict[str, Any] = {}
        self.maybe(audit, "last_on", self.day(-800, -20))
        self.maybe(audit, "interval_months", r.choice([6, 12, 24]), 0.7)
        self.maybe(governance, "compliance_audit", audit, 0.9)
        governance["impact_assessments"] = [
            self.impact_assessment(k) for k in self.count("impact_assessments")
        ]
        self.maybe(governance, "staff_training", {"hours_per_year": r.choice([2, 4, 8, 12, 16])})
        return governance

    def impact_assessment(self, k: int) -> dict[str, Any]:
        assessment: dict[str, Any] = {"id": f"pia-{k}", "subject": f"Assessment {k}"}
        self.maybe(assessment, "triggers", self.subset(TRIGGERS, 1, 3))
        self.maybe(assessment, "done_on", self.day(-1500, -10))
        return assessment

    def transfer(self, k: int) -> dict[str, Any]:
        r = self.r
        transfer: dict[str, Any] = {"id": f"xb-{k}", "recipient": f"Partner {k}"}
        transfer["destination"] = r.choice(["HK", "SG", "US", "DE"])
        self.maybe(transfer, "contains_personal_info", self.flag(0.7))
        self.maybe(transfer, "volume_individuals", r.randint(100, 80_000))
        self.maybe(transfer, "contains_important_data", self.flag(0.15))
        self.maybe(transfer, "mechanism", r.choice(MECHANISMS))
        if self.flag(0.4):
            transfer["approved_on"] = self.day(-700, -30)
        return transfer

    def incident(self, k: int) -> dict[str, Any]:
        r = self.r
        incident: dict[str, Any] = {"id": f"inc-{k}", "kind": r.choice(INCIDENT_KINDS)}
        self.maybe(incident, "occurred_on", self.day(-1800, -5))
        self.maybe(incident, "individuals_affected", r.choice([10, 500, 20_000, 2_000_000]))
        self.maybe(incident, "reported_to_regulator", self.flag(0.8))
        self.maybe(incident, "reported_within_hours", r.choice([4, 24, 48, 96]), 0.7)
        self.maybe(incident, "individuals_notified", self.flag(0.7))
        return incident

    def declaration(self, i: int) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "as_of": AS_OF.isoformat(),
            "company": self.company(i),
            "business_lines": [self.business_line(k) for k in self.count("business_lines")],
            "data_sources": [self.data_source(k) for k in self.count("data_sources")],
            "recipients": [self.recipient(k) for k in self.count("recipients")],
            "security": self.security(),
            "governance": self.governance(),
            "cross_border": {"transfers": [self.transfer(k) for k in self.count("transfers")]},
            "incidents": [self.incident(k) for k in self.count("incidents")],
        }


def generate(n: int, seed: int = 20260115, size: str = "large") -> list[dict[str, Any]]:
    """``n`` declarations of ``size`` (a key of :data:`SIZES`); the same ``seed`` and
    ``size`` always give the same list."""
    return list(stream(n, seed, size))


def stream(n: int, seed: int = 20260115, size: str = "large") -> Iterator[dict[str, Any]]:
    """:func:`generate`'s declarations one at a time (for folders too large to hold)."""
    gen = _Gen(seed, size)
    return (gen.declaration(i) for i in range(n))
