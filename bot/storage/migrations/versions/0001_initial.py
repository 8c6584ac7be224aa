"""Initial tables: intake.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 16:00:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

INTAKE = "intake"


def upgrade() -> None:
    op.create_table(
        INTAKE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("respondent", sa.String(length=16), nullable=True),
        sa.Column("diagnosis", sa.String(length=16), nullable=True),
        sa.Column("histology", sa.String(length=32), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=True),
        sa.Column("setting", sa.String(length=40), nullable=True),
        sa.Column("ecog", sa.Integer(), nullable=True),
        sa.Column("egfr", sa.String(length=16), nullable=True),
        sa.Column("alk", sa.String(length=16), nullable=True),
        sa.Column("pdl1", sa.String(length=16), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=200), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("answered_fields", sa.JSON(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_text_version", sa.String(length=64), nullable=True),
        sa.Column("eligibility", sa.JSON(), nullable=True),
        sa.Column("tier", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_intake"),
        sa.CheckConstraint(
            "status IN ('in_progress', 'completed', 'cancelled')", name="ck_intake_status"
        ),
        sa.CheckConstraint("ecog IS NULL OR (ecog >= 0 AND ecog <= 4)", name="ck_intake_ecog_range"),
        sa.CheckConstraint("age IS NULL OR (age >= 0 AND age <= 120)", name="ck_intake_age_range"),
    )
    op.create_index("ix_intake_conversation_id", INTAKE, ["conversation_id"], unique=True)
    op.create_index("ix_intake_tier", INTAKE, ["tier"], unique=False)
    op.create_index("ix_intake_status", INTAKE, ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_intake_status", table_name=INTAKE)
    op.drop_index("ix_intake_tier", table_name=INTAKE)
    op.drop_index("ix_intake_conversation_id", table_name=INTAKE)
    op.drop_table(INTAKE)
