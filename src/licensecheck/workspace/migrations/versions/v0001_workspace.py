"""The workspace: firms, blobs, pack versions and files, assessments, findings, watchlist.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "firms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("registration_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_firms"),
        sa.UniqueConstraint("key", name="uq_firms_key"),
    )
    op.create_table(
        "blobs",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_blobs"),
    )
    op.create_table(
        "pack_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pack_versions"),
        sa.UniqueConstraint(
            "pack_id", "version", "digest", name="uq_pack_versions_pack_id_version_digest"
        ),
    )
    op.create_table(
        "pack_files",
        sa.Column("pack_version_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("blob", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_version_id"],
            ["pack_versions.id"],
            name="fk_pack_files_pack_version_id_pack_versions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["blob"], ["blobs.digest"], name="fk_pack_files_blob_blobs"),
        sa.PrimaryKeyConstraint("pack_version_id", "path", name="pk_pack_files"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("pack_version_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(200), nullable=False),
        sa.Column("declaration_blob", sa.String(64), nullable=False),
        sa.Column("declaration_path", sa.String(4000), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("tool_version", sa.String(50), nullable=False),
        sa.Column("waivers_digest", sa.String(64), nullable=False),
        sa.Column("fail_on", sa.String(10), nullable=False),
        sa.Column("lang", sa.String(10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("score_worst", sa.Integer(), nullable=False),
        sa.Column("score_best", sa.Integer(), nullable=False),
        sa.Column("ready", sa.Boolean(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("gaps", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name="fk_assessments_firm_id_firms", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pack_version_id"],
            ["pack_versions.id"],
            name="fk_assessments_pack_version_id_pack_versions",
        ),
        sa.ForeignKeyConstraint(
            ["declaration_blob"],
            ["blobs.digest"],
            name="fk_assessments_declaration_blob_blobs",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.UniqueConstraint(
            "firm_id",
            "declaration_blob",
            "pack_version_id",
            "as_of",
            "tool_version",
            "waivers_digest",
            name="uq_assessments_inputs",
        ),
    )
    op.create_index("ix_assessments_latest", "assessments", ["pack_id", "firm_id", "as_of", "id"])
    op.create_index("ix_assessments_firm", "assessments", ["firm_id", "as_of"])
    op.create_table(
        "findings",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(200), nullable=False),
        sa.Column("element", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("domain", sa.String(100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("in_grace", sa.Boolean(), nullable=False),
        sa.Column("waiver_id", sa.String(200), nullable=True),
        sa.Column("waiver_state", sa.String(20), nullable=True),
        sa.Column("witnesses", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_findings_assessment_id_assessments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", "rule_id", "element", name="pk_findings"),
    )
    op.create_table(
        "watchlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("registration_id", sa.String(64), nullable=True),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_watchlist_entries"),
    )


def downgrade() -> None:
    op.drop_table("watchlist_entries")
    op.drop_table("findings")
    op.drop_index("ix_assessments_firm", table_name="assessments")
    op.drop_index("ix_assessments_latest", table_name="assessments")
    op.drop_table("assessments")
    op.drop_table("pack_files")
    op.drop_table("pack_versions")
    op.drop_table("blobs")
    op.drop_table("firms")
