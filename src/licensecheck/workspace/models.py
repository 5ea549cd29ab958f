"""The workspace's tables: firms, content-addressed blobs, pack versions, assessments,
findings and watchlist entries, as SQLAlchemy Core tables.

These tables are the target the Alembic migrations (``migrations/versions``) build; a test
compares the two, so a column added here without a migration fails.

Declarations and pack files are stored once each, by the sha256 of their bytes
(:data:`blobs`): an assessment names the declaration it read and the pack version it used,
and a pack version lists its files, so any past assessment can be run again exactly.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

METADATA = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: sha256 in lower-case hex
DIGEST = 64

firms = Table(
    "firms",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("key", String(500), nullable=False, unique=True),
    Column("name", String(500), nullable=False),
    Column("registration_id", String(64)),
)

blobs = Table(
    "blobs",
    METADATA,
    Column("digest", String(DIGEST), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

pack_versions = Table(
    "pack_versions",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("pack_id", String(200), nullable=False),
    Column("version", String(100), nullable=False),
    # sha256 over the sorted "path sha256" lines of its files (trust/digest.pack_digest)
    Column("digest", String(DIGEST), nullable=False),
    UniqueConstraint("pack_id", "version", "digest"),
)

pack_files = Table(
    "pack_files",
    METADATA,
    Column(
        "pack_version_id",
        ForeignKey("pack_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # "<pack folder>/<path in it>": the pack and every pack it extends
    Column("path", String(1000), primary_key=True),
    Column("blob", ForeignKey("blobs.digest"), nullable=False),
)

assessments = Table(
    "assessments",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("firm_id", ForeignKey("firms.id", ondelete="CASCADE"), nullable=False),
    Column("pack_version_id", ForeignKey("pack_versions.id"), nullable=False),
    # the pack version's id again, so that the portfolio's "latest per firm and pack" is one index
    Column("pack_id", String(200), nullable=False),
    Column("declaration_blob", ForeignKey("blobs.digest"), nullable=False),
    Column("declaration_path", String(4000), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("tool_version", String(50), nullable=False),
    # sha256 of the waiver file's bytes; "" when the run had no waivers
    Column("waivers_digest", String(DIGEST), nullable=False),
    Column("fail_on", String(10), nullable=False),
    Column("lang", String(10), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("score", Integer, nullable=False),
    Column("score_worst", Integer, nullable=False),
    Column("score_best", Integer, nullable=False),
    Column("ready", Boolean, nullable=False),
    # status -> number of rules
    Column("counts", JSON, nullable=False),
    # domain -> severity -> number of gaps (engine.gate.counts_as_gap), for the portfolio
    Column("gaps", JSON, nullable=False),
    # identical inputs are recorded once, however many recorders run at the same time
    UniqueConstraint(
        "firm_id",
        "declaration_blob",
        "pack_version_id",
        "as_of",
        "tool_version",
        "waivers_digest",
        name="uq_assessments_inputs",
    ),
    Index("ix_assessments_latest", "pack_id", "firm_id", "as_of", "id"),
    Index("ix_assessments_firm", "firm_id", "as_of"),
)

findings = Table(
    "findings",
    METADATA,
    Column(
        "assessment_id",
        ForeignKey("assessments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("rule_id", String(200), primary_key=True),
    # the list element the finding's witnesses are in; "" for the rule as a whole
    Column("element", String(500), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("domain", String(100), nullable=False),
    Column("title", Text, nullable=False),
    Column("in_grace", Boolean, nullable=False),
    Column("waiver_id", String(200)),
    Column("waiver_state", String(20)),
    Column("witnesses", JSON, nullable=False),
)

watchlist_entries = Table(
    "watchlist_entries",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String(500), nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("registration_id", String(64)),
    Column("source", String(500), nullable=False),
    Column("listed_on", Date),
    Column("reason", Text, nullable=False),
    # file:line:col of the entry in the file it was imported from
    Column("origin", String(4500)),
    # the name of the file it was imported from: importing that file again replaces them
    Column("list_file", String(500), nullable=False, server_default="", index=True),
)

# The web app's questionnaire drafts (licensecheck serve): the answers as given, saved on each
# change so that a refresh or a server restart loses nothing. Not an assessment: nothing here
# is read by the history or the portfolio.
drafts = Table(
    "drafts",
    METADATA,
    Column("id", String(32), primary_key=True),
    Column("firm", String(500), nullable=False),
    # pack ids, in the order chosen
    Column("packs", JSON, nullable=False),
    # the declaration the draft started from (uploaded or taken from the workspace), or {}
    Column("base", JSON, nullable=False),
    # "declaration path" -> the answer as typed (text, or a list of texts)
    Column("answers", JSON, nullable=False),
    # list path -> how many elements the questionnaire shows
    Column("lists", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

#: Tables a licensecheck workspace has; a database without them is not one.
TABLES = ("firms", "blobs", "pack_versions", "pack_files", "assessments", "findings")
