"""Red flags on handoffs: category, triggering words, and "not an emergency".

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 10:00:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('red_flag_category', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('red_flag_text', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('not_emergency_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('not_emergency_by', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_handoff_red_flag_category'), ['red_flag_category'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_handoff_not_emergency_by_coordinator'), 'coordinator',
                                    ['not_emergency_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_handoff_not_emergency_by_coordinator'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_handoff_red_flag_category'))
        batch_op.drop_column('not_emergency_by')
        batch_op.drop_column('not_emergency_at')
        batch_op.drop_column('red_flag_text')
        batch_op.drop_column('red_flag_category')
