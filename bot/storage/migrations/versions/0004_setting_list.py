"""`setting` is a list (contract section 1): every current or planned treatment.

Each stored value becomes a one-item list; the column becomes JSON.
Downgrading keeps the first treatment of each list (the old column held one).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 13:00:00

"""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_intake = sa.table('intake', sa.column('id', sa.Integer), sa.column('setting', sa.Text))


def _rewrite(convert) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_intake.c.id, _intake.c.setting).where(_intake.c.setting.isnot(None))).all()
    for row_id, value in rows:
        bind.execute(sa.update(_intake).where(_intake.c.id == row_id).values(setting=convert(value)))


def upgrade() -> None:
    with op.batch_alter_table('intake', schema=None) as batch_op:
        batch_op.alter_column('setting', existing_type=sa.String(length=40), type_=sa.Text(),
                              existing_nullable=True)
    _rewrite(lambda value: value if value.startswith('[') else json.dumps([value]))
    with op.batch_alter_table('intake', schema=None) as batch_op:
        batch_op.alter_column('setting', existing_type=sa.Text(), type_=sa.JSON(), existing_nullable=True,
                              postgresql_using='setting::json')


def downgrade() -> None:
    with op.batch_alter_table('intake', schema=None) as batch_op:
        batch_op.alter_column('setting', existing_type=sa.JSON(), type_=sa.Text(), existing_nullable=True,
                              postgresql_using='setting::text')
    _rewrite(lambda value: (json.loads(value) or [None])[0] if value.startswith('[') else value)
    with op.batch_alter_table('intake', schema=None) as batch_op:
        batch_op.alter_column('setting', existing_type=sa.Text(), type_=sa.String(length=40),
                              existing_nullable=True)
