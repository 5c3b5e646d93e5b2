"""Notifications are queued before they are sent; residents choose the kinds they get

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

A notification is a row (chat, kind, key) before it goes out, so the same one is never
queued twice; broadcasts name the runs of scheduled ones; a resident's turned-off kinds are
kept per profile; a Telegram user who blocked the bot is marked until they write again.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('telegram_users') as batch:
        batch.add_column(sa.Column('unreachable_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'broadcasts',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=128), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('key'),
    )
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=128), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column(
            'broadcast_id',
            sa.Integer(),
            sa.ForeignKey('broadcasts.id', ondelete='SET NULL'),
            nullable=True,
        ),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=256), nullable=True),
        sa.UniqueConstraint('chat_id', 'key'),
    )
    op.create_index('ix_notifications_broadcast_id', 'notifications', ['broadcast_id'])
    op.create_index('ix_notifications_status_due_at', 'notifications', ['status', 'due_at'])
    op.create_table(
        'notification_optouts',
        sa.Column(
            'profile_id',
            sa.Integer(),
            sa.ForeignKey('profiles.id', ondelete='CASCADE'),
            primary_key=True,
        ),
        sa.Column('kind', sa.String(length=32), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table('notification_optouts')
    op.drop_index('ix_notifications_status_due_at', table_name='notifications')
    op.drop_index('ix_notifications_broadcast_id', table_name='notifications')
    op.drop_table('notifications')
    op.drop_table('broadcasts')
    with op.batch_alter_table('telegram_users') as batch:
        batch.drop_column('unreachable_at')
