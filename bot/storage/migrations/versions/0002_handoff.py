"""Handoffs, coordinators, console sessions, audit log, notification outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 09:18:23

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coordinator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordinator')),
    sa.UniqueConstraint('username', name=op.f('uq_coordinator_username'))
    )
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_ip'), ['ip'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_username'), ['username'], unique=False)

    op.create_table('console_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinator.id'], name=op.f('fk_console_session_coordinator_id_coordinator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_console_session_token_hash'))
    )
    op.create_table('handoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=255), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=True),
    sa.Column('transcript', sa.JSON(), nullable=False),
    sa.Column('assigned_to', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("priority IN ('urgent', 'normal')", name=op.f('ck_handoff_priority')),
    sa.CheckConstraint("reason IN ('intake_complete', 'patient_request', 'not_understood', 'red_flag')", name=op.f('ck_handoff_reason')),
    sa.CheckConstraint("status IN ('open', 'claimed', 'closed')", name=op.f('ck_handoff_status')),
    sa.ForeignKeyConstraint(['assigned_to'], ['coordinator.id'], name=op.f('fk_handoff_assigned_to_coordinator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff'))
    )
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_status'), ['status'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoff.id'], name=op.f('fk_audit_log_handoff_id_handoff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_handoff_id'), ['handoff_id'], unique=False)

    op.create_table('handoff_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['coordinator.id'], name=op.f('fk_handoff_note_author_id_coordinator')),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoff.id'], name=op.f('fk_handoff_note_handoff_id_handoff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_note'))
    )
    with op.batch_alter_table('handoff_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_note_handoff_id'), ['handoff_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('webhook', 'email')", name=op.f('ck_notification_kind')),
    sa.CheckConstraint("status IN ('pending', 'sent')", name=op.f('ck_notification_status')),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoff.id'], name=op.f('fk_notification_handoff_id_handoff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_handoff_id'), ['handoff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_status'))
        batch_op.drop_index(batch_op.f('ix_notification_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_notification_handoff_id'))

    op.drop_table('notification')
    with op.batch_alter_table('handoff_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_note_handoff_id'))

    op.drop_table('handoff_note')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_handoff_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_status'))
        batch_op.drop_index(batch_op.f('ix_handoff_conversation_id'))

    op.drop_table('handoff')
    op.drop_table('console_session')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_username'))
        batch_op.drop_index(batch_op.f('ix_login_attempt_ip'))
        batch_op.drop_index(batch_op.f('ix_login_attempt_at'))

    op.drop_table('login_attempt')
    op.drop_table('coordinator')
