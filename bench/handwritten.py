"""The rules of ``bench/pack`` written by hand in plain Python: the speed baseline.

Each function takes the declaration data (``Declaration.data``: dicts, lists and
``datetime.date`` values, absent keys missing) and the assessment date, and returns the
rule's status: ``pass``, ``fail``, ``unknown`` or ``not_applicable``. They implement the
language's three-valued semantics the way a careful Python programmer would: ``None`` stands
for unknown, reads are ``dict.get`` chains, Kleene ``and``/``or`` are spelled out inline, a
quantifier stops at the first deciding element, ``count``/``sum`` give up at the first unknown,
membership in a constant list is a ``frozenset`` lookup, ``matches`` uses the standard ``re``
(the engine uses RE2, for safety against hostile patterns), and loop-invariant dates
(``today - 3 years``) are computed once per call. No helper layers, no tracing: this is the
fastest honest implementation, and ``bench/run.py`` asserts that it agrees with the engine on
every declaration before timing either.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

Data = dict[str, Any]
Status = str
RuleFn = Callable[[Data, dt.date], Status]

MIN_PERSONAL_CREDIT_CAPITAL_CNY = 50_000_000
PROHIBITED_CATEGORIES = frozenset(
    {"religion", "genetic", "fingerprint", "blood_type", "medical_history"}
)
CRAWL_KINDS = frozenset({"crawled", "user_authorized_crawl"})
LENDER_KINDS = frozenset({"bank", "consumer_finance", "microlender", "online_lending_platform"})
TELECOM_KINDS = frozenset({"icp", "value_added_telecom"})
TRANSFER_MECHANISMS = frozenset({"security_assessment", "standard_contract", "certification"})
REPORTABLE_INCIDENTS = frozenset({"breach", "leak", "ransomware"})
REQUIRED_LOG_FIELDS = ("user", "time", "method")
USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
EPOCH_2000 = dt.date(2000, 1, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    """Calendar arithmetic, clamped to the month's last day (2024-02-29 + 1 year = 2025-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _status(value: bool | None) -> Status:
    return "pass" if value is True else "fail" if value is False else "unknown"


# ---------------------------------------------------------------- predicates


def provides_personal_credit(d: Data) -> bool | None:
    lines = d.get("business_lines")
    if lines is None:
        return None
    unknown = False
    for b in lines:
        p = b.get("provides_credit_information")
        if p is False:
            continue
        subject = b.get("subject_type")
        q = None if subject is None else subject != "enterprise"
        if q is False:
            continue
        if p is True and q is True:
            return True
        unknown = True
    return None if unknown else False


def processes_personal_info(d: Data) -> bool | None:
    sources = d.get("data_sources")
    if sources is None:
        return None
    unknown = False
    for s in sources:
        v = s.get("contains_personal_info")
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


# ---------------------------------------------------------------- licensing


def b_lic_001(d: Data, today: dt.date) -> Status:
    applies = provides_personal_credit(d)
    if applies is not True:
        return "not_applicable" if applies is False else "unknown"
    licenses = d["company"].get("licenses")
    if licenses is None:
        return "unknown"
    unknown = False
    for lic in licenses:
        kind = lic.get("kind")
        a = None if kind is None else kind == "personal_credit_reporting"
        if a is False:
            continue
        until = lic.get("valid_until")
        b = None if until is None else until >= today
        if b is False:
            continue
        if a is True and b is True:
            return "pass"
        unknown = True
    return "unknown" if unknown else "fail"


def b_lic_002(d: Data, today: dt.date) -> Status:
    applies = provides_personal_credit(d)
    if applies is not True:
        return "not_applicable" if applies is False else "unknown"
    capital = d["company"].get("registered_capital_cny")
    return "unknown" if capital is None else _status(capital >= MIN_PERSONAL_CREDIT_CAPITAL_CNY)


def b_lic_003(d: Data, today: dt.date) -> Status:
    lines = d.get("business_lines")
    if lines is None:
        return "unknown"
    unknown = False
    for b in lines:
        v = b.get("direct_connection_to_financial_institutions")
        if v is True:
            return "fail"
        if v is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_lic_004(d: Data, today: dt.date) -> Status:
    uscc = d["company"].get("uscc")
    return "unknown" if uscc is None else _status(USCC.search(uscc) is not None)


def b_lic_005(d: Data, today: dt.date) -> Status:
    licenses = d["company"].get("licenses")
    if licenses is None:
        return "unknown"
    unknown = False
    for lic in licenses:
        kind = lic.get("kind")
        f = None if kind is None else kind in TELECOM_KINDS
        if f is False:
            continue
        until = lic.get("valid_until")
        b = None if until is None else (until - today).days >= 90
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_lic_006(d: Data, today: dt.date) -> Status:
    licenses = d["company"].get("licenses")
    if licenses is None:
        return "unknown"
    count = 0
    for lic in licenses:
        until = lic.get("valid_until")
        if until is None:
            return "unknown"
        if until < today:
            count += 1
    return _status(count == 0)


def b_lic_007(d: Data, today: dt.date) -> Status:
    applies = provides_personal_credit(d)
    if applies is not True:
        return "not_applicable" if applies is False else "unknown"
    holders = d["company"].get("shareholders")
    if holders is None:
        return "unknown"
    unknown = False
    for h in holders:
        pct = h.get("pct")
        if (0 if pct is None else pct) < 5:
            continue
        violations = h.get("major_violations_last_3_years")
        if violations is True:
            return "fail"
        if violations is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_lic_008(d: Data, today: dt.date) -> Status:
    cond = provides_personal_credit(d)
    if cond is None:
        return "unknown"
    if cond is False:
        return "pass"
    officers = d["company"].get("officers")
    if officers is None:
        return "unknown"
    unknown = False
    for o in officers:
        v = o.get("pboc_qualification_approved")
        if v is False:
            return "fail"
        if v is None:
            unknown = True
    return "unknown" if unknown else "pass"


# ---------------------------------------------------------------- collection


def b_col_001(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if sources is None:
        return "unknown"
    unknown = False
    for s in sources:
        kind = s.get("kind")
        f = None if kind is None else kind in CRAWL_KINDS
        if f is False:
            continue
        collection = s.get("collection")
        stores = None if collection is None else collection.get("stores_user_credentials")
        if stores is True:  # the body `not stores` is false
            if f is True:
                return "fail"
            unknown = True
        elif stores is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_col_002(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if sources is None:
        return "unknown"
    unknown = False
    for s in sources:
        collection = s.get("collection")
        v = None if collection is None else collection.get("bypasses_anti_crawling")
        if v is True:
            return "fail"
        if v is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_col_003(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if sources is None:
        return "unknown"
    unknown = False
    for s in sources:
        categories = s.get("sensitive_categories")
        if categories is None:
            unknown = True
            continue
        for c in categories:
            if c in PROHIBITED_CATEGORIES:
                return "fail"
    return "unknown" if unknown else "pass"


def b_col_004(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if sources is None:
        return "unknown"
    unknown = False
    for s in sources:
        kind = s.get("kind")
        f = None if kind is None else kind == "crawled"
        if f is False:
            continue
        collection = s.get("collection")
        share = None if collection is None else collection.get("share_of_target_traffic")
        a = (0 if share is None else share) <= 0.33
        if a:
            robots = None if collection is None else collection.get("respects_robots_txt")
            b = robots
        else:
            b = False
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_col_006(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if sources is None:
        return "unknown"
    unknown = False
    for s in sources:
        kind = s.get("kind")
        f = None if kind is None else kind == "purchased"
        if f is False:
            continue
        supplier = s.get("supplier")
        reviewed = None if supplier is None else supplier.get("contract_reviewed_on")
        b = None if reviewed is None else _add_months(reviewed, 12) >= today
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_col_007(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if sources is None:
        return "unknown"
    total = 0
    for s in sources:
        f = s.get("contains_personal_info")
        if f is None:
            return "unknown"
        if f:
            volume = s.get("volume_individuals")
            total += 0 if volume is None else volume
    if total < 1_000_000:
        return "not_applicable"
    security = d.get("security")
    mlps = None if security is None else security.get("mlps")
    level = None if mlps is None else mlps.get("level")
    return "unknown" if level is None else _status(level >= 3)


def b_col_008(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if not sources:
        return "unknown"
    days = sources[0].get("retention_days")
    return "unknown" if days is None else _status(days <= 3 * 365)


# ---------------------------------------------------------------- consent


def b_con_001(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if sources is None:
        return "unknown"
    unknown = False
    for s in sources:
        f = s.get("contains_personal_info")
        if f is False:
            continue
        basis = s.get("lawful_basis")
        b = None if basis is None else basis != "none"
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_con_002(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if sources is None:
        return "unknown"
    unknown = False
    for s in sources:
        basis = s.get("lawful_basis")
        f = None if basis is None else basis == "consent"
        if f is False:
            continue
        consent = s.get("consent")
        if consent is None:
            b = None
        else:
            obtained = consent.get("obtained")
            if obtained is False:
                b = False
            else:
                withdrawable = consent.get("withdrawable")
                if withdrawable is False:
                    b = False
                elif obtained is True and withdrawable is True:
                    b = True
                else:
                    b = None
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_con_003(d: Data, today: dt.date) -> Status:
    sources = d.get("data_sources")
    if sources is None:
        return "unknown"
    unknown = False
    for s in sources:
        if not s.get("sensitive_categories"):  # absent or empty: filtered out
            continue
        consent = s.get("consent")
        if consent is None:
            unknown = True
            continue
        separate = consent.get("separate")
        if separate is False:
            return "fail"
        notice = consent.get("impact_notice")
        if notice is False:
            return "fail"
        if separate is None or notice is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_con_005(d: Data, today: dt.date) -> Status:
    applies = processes_personal_info(d)
    if applies is not True:
        return "not_applicable" if applies is False else "unknown"
    sources = d["data_sources"]
    count = 0
    for s in sources:
        p = s.get("contains_personal_info")
        if p is False:
            continue
        documented = s.get("necessity_documented")
        if documented is True:
            continue
        if p is None or documented is None:
            return "unknown"
        count += 1
    return _status(count <= 2)


# ---------------------------------------------------------------- recipients


def b_rec_001(d: Data, today: dt.date) -> Status:
    recipients = d.get("recipients")
    if recipients is None:
        return "unknown"
    unknown = False
    for r in recipients:
        f = r.get("receives_personal_info")
        if f is False:
            continue
        b = r.get("separate_consent")
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_rec_002(d: Data, today: dt.date) -> Status:
    recipients = d.get("recipients")
    if recipients is None:
        return "unknown"
    count = 0
    for r in recipients:
        licensed = r.get("licensed")
        if licensed is None:
            return "unknown"
        if not licensed:
            count += 1
    return _status(count == 0)


def b_rec_003(d: Data, today: dt.date) -> Status:
    recipients = d.get("recipients")
    if recipients is None:
        return "unknown"
    unknown = False
    for r in recipients:
        kind = r.get("kind")
        f = None if kind is None else kind in LENDER_KINDS
        if f is False:
            continue
        via = r.get("via_licensed_agency")
        if via is True:
            continue
        credit = r.get("receives_credit_information")
        if credit is False:
            continue
        b = False if via is False and credit is True else None
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_rec_005(d: Data, today: dt.date) -> Status:
    recipients = d.get("recipients")
    if recipients is None:
        return "unknown"
    unknown = False
    for r in recipients:
        purpose = r.get("purpose")
        if purpose is None or "marketing" not in purpose.lower():
            continue
        separate = r.get("separate_consent")
        if separate is False:
            return "fail"
        if separate is None:
            unknown = True
    return "unknown" if unknown else "pass"


# ---------------------------------------------------------------- security


def b_sec_001(d: Data, today: dt.date) -> Status:
    applies = processes_personal_info(d)
    if applies is not True:
        return "not_applicable" if applies is False else "unknown"
    security = d.get("security")
    mlps = None if security is None else security.get("mlps")
    if mlps is None:
        return "unknown"
    level = mlps.get("level")
    a = None if level is None else level >= 3
    if a is False:
        return "fail"
    certified = mlps.get("certified_on")
    b = None if certified is None else _add_months(certified, 12) >= today
    if b is False:
        return "fail"
    return "pass" if a is True and b is True else "unknown"


def b_sec_002(d: Data, today: dt.date) -> Status:
    security = d.get("security")
    logging = None if security is None else security.get("audit_logging")
    if logging is None:
        return "unknown"
    enabled = logging.get("enabled")
    if enabled is False:
        return "fail"
    days = logging.get("retention_days")
    b = None if days is None else days >= 180
    if b is False:
        return "fail"
    return "pass" if enabled is True and b is True else "unknown"


def b_sec_003(d: Data, today: dt.date) -> Status:
    security = d.get("security")
    logging = None if security is None else security.get("audit_logging")
    fields = None if logging is None else logging.get("fields")
    if fields is None:
        return "unknown"
    for f in REQUIRED_LOG_FIELDS:
        if f not in fields:
            return "fail"
    return "pass"


def b_sec_004(d: Data, today: dt.date) -> Status:
    security = d.get("security")
    tested = None if security is None else security.get("penetration_test_on")
    return _status((today - (EPOCH_2000 if tested is None else tested)).days <= 365)


def b_sec_005(d: Data, today: dt.date) -> Status:
    security = d.get("security")
    plan = None if security is None else security.get("incident_response_plan")
    if plan is None:
        return "unknown"
    exists = plan.get("exists")
    if exists is False:
        return "fail"
    tested = plan.get("tested_on")
    b = None if tested is None else tested >= _add_months(today, -12)
    if b is False:
        return "fail"
    return "pass" if exists is True and b is True else "unknown"


def b_sec_007(d: Data, today: dt.date) -> Status:
    security = d.get("security")
    access = None if security is None else security.get("access_control")
    reviewed = None if access is None else access.get("reviewed_on")
    return "unknown" if reviewed is None else _status(_add_months(reviewed, 6) >= today)


# ---------------------------------------------------------------- governance


def b_gov_001(d: Data, today: dt.date) -> Status:
    applies = processes_personal_info(d)
    if applies is not True:
        return "not_applicable" if applies is False else "unknown"
    governance = d.get("governance")
    officer = None if governance is None else governance.get("pi_protection_officer")
    return _status(None if officer is None else officer.get("appointed"))


def b_gov_002(d: Data, today: dt.date) -> Status:
    governance = d.get("governance")
    training = None if governance is None else governance.get("staff_training")
    hours = None if training is None else training.get("hours_per_year")
    return _status((0 if hours is None else hours) >= 8)


def b_gov_003(d: Data, today: dt.date) -> Status:
    governance = d.get("governance")
    audit = None if governance is None else governance.get("compliance_audit")
    if audit is None:
        return "unknown"
    last = audit.get("last_on")
    if last is None:
        return "unknown"
    interval = audit.get("interval_months")
    return _status((today - last).days <= 30 * (12 if interval is None else interval))


def b_gov_004(d: Data, today: dt.date) -> Status:
    governance = d.get("governance")
    assessments = None if governance is None else governance.get("impact_assessments")
    if assessments is None:
        return "unknown"
    cutoff = _add_months(today, -36)
    unknown = False
    for a in assessments:
        triggers = a.get("triggers")
        f = None if triggers is None else "sensitive_pi" in triggers
        if f is False:
            continue
        done = a.get("done_on")
        b = None if done is None else done >= cutoff
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


# ---------------------------------------------------------------- cross-border


def _transfers(d: Data) -> list[Any] | None:
    cross_border = d.get("cross_border")
    return None if cross_border is None else cross_border.get("transfers")


def b_xb_001(d: Data, today: dt.date) -> Status:
    transfers = _transfers(d)
    if transfers is None:
        return "unknown"
    unknown = False
    for t in transfers:
        f = t.get("contains_personal_info")
        if f is False:
            continue
        mechanism = t.get("mechanism")
        b = None if mechanism is None else mechanism in TRANSFER_MECHANISMS
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_xb_002(d: Data, today: dt.date) -> Status:
    transfers = _transfers(d)
    if transfers is None:
        return "unknown"
    applies: bool | None = False
    for t in transfers:
        v = t.get("contains_important_data")
        if v is True:
            applies = True
            break
        if v is None:
            applies = None
    if applies is not True:
        return "not_applicable" if applies is False else "unknown"
    unknown = False
    for t in transfers:
        f = t.get("contains_important_data")
        if f is False:
            continue
        mechanism = t.get("mechanism")
        b: bool | None
        if "approved_on" not in t or mechanism not in (None, "security_assessment"):
            b = False
        else:
            b = None if mechanism is None else True
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_xb_003(d: Data, today: dt.date) -> Status:
    transfers = _transfers(d)
    if transfers is None:
        return "unknown"
    total: int | None = 0
    for t in transfers:
        f = t.get("contains_personal_info")
        if f is False:
            continue
        volume = t.get("volume_individuals")
        if f is None or volume is None:
            total = None
            break
        total += volume
    a = None if total is None else total < 100_000
    if a is True:
        return "pass"
    unknown = False
    for t in transfers:
        mechanism = t.get("mechanism")
        if mechanism is None:
            unknown = True
        elif mechanism == "none":
            return "fail" if a is False else "unknown"
    return "unknown" if unknown else "pass"


# ---------------------------------------------------------------- incidents


def b_inc_001(d: Data, today: dt.date) -> Status:
    incidents = d.get("incidents")
    if incidents is None:
        return "unknown"
    cutoff = _add_months(today, -36)
    unknown = False
    for i in incidents:
        occurred = i.get("occurred_on")
        p = None if occurred is None else occurred >= cutoff
        if p is False:
            continue
        kind = i.get("kind")
        q = None if kind is None else kind in REPORTABLE_INCIDENTS
        if q is False:
            continue
        f = True if p is True and q is True else None
        reported = i.get("reported_to_regulator")
        if reported is False:
            b: bool | None = False
        else:
            hours = i.get("reported_within_hours")
            in_time = (999 if hours is None else hours) <= 72
            b = False if not in_time else reported
        if b is False:
            if f is True:
                return "fail"
            b = None
        if b is None:
            unknown = True
    return "unknown" if unknown else "pass"


def b_inc_002(d: Data, today: dt.date) -> Status:
    incidents = d.get("incidents")
    if incidents is None:
        return "unknown"
    if not incidents:
        return "not_applicable"
    largest = 0
    for i in incidents:
        affected = i.get("individuals_affected")
        largest = max(largest, 0 if affected is None else affected)
    if largest < 1_000_000:
        return "pass"
    unknown = False
    for i in incidents:
        notified = i.get("individuals_notified")
        if notified is False:
            return "fail"
        if notified is None:
            unknown = True
    return "unknown" if unknown else "pass"


RULES: dict[str, RuleFn] = {
    "B-LIC-001": b_lic_001,
    "B-LIC-002": b_lic_002,
    "B-LIC-003": b_lic_003,
    "B-LIC-004": b_lic_004,
    "B-LIC-005": b_lic_005,
    "B-LIC-006": b_lic_006,
    "B-LIC-007": b_lic_007,
    "B-LIC-008": b_lic_008,
    "B-COL-001": b_col_001,
    "B-COL-002": b_col_002,
    "B-COL-003": b_col_003,
    "B-COL-004": b_col_004,
    "B-COL-006": b_col_006,
    "B-COL-007": b_col_007,
    "B-COL-008": b_col_008,
    "B-CON-001": b_con_001,
    "B-CON-002": b_con_002,
    "B-CON-003": b_con_003,
    "B-CON-005": b_con_005,
    "B-REC-001": b_rec_001,
    "B-REC-002": b_rec_002,
    "B-REC-003": b_rec_003,
    "B-REC-005": b_rec_005,
    "B-SEC-001": b_sec_001,
    "B-SEC-002": b_sec_002,
    "B-SEC-003": b_sec_003,
    "B-SEC-004": b_sec_004,
    "B-SEC-005": b_sec_005,
    "B-SEC-007": b_sec_007,
    "B-GOV-001": b_gov_001,
    "B-GOV-002": b_gov_002,
    "B-GOV-003": b_gov_003,
    "B-GOV-004": b_gov_004,
    "B-XB-001": b_xb_001,
    "B-XB-002": b_xb_002,
    "B-XB-003": b_xb_003,
    "B-INC-001": b_inc_001,
    "B-INC-002": b_inc_002,
}
