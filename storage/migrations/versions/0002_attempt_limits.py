"""Attempt limits taken atomically: one counter row per thing guessed at

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

The failure logs (login_failures, link_failures) become counters; the failures of the last
lock window carry over, so that a lock in force stays in force.
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attempt_limits',
        sa.Column('scope', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('used', sa.Integer(), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_attempt_limits')),
    )
    op.execute(
        "INSERT INTO attempt_limits (scope, key, used, last_at) "
        "SELECT 'login-email', email, COUNT(*), MAX(at) FROM login_failures GROUP BY email"
    )
    op.execute(
        "INSERT INTO attempt_limits (scope, key, used, last_at) "
        "SELECT 'login-user', CAST(telegram_id AS VARCHAR(300)), COUNT(*), MAX(at) "
        "FROM login_failures GROUP BY telegram_id"
    )
    op.execute(
        "INSERT INTO attempt_limits (scope, key, used, last_at) "
        "SELECT 'link', CAST(profile_id AS VARCHAR(20)) || ':' || CAST(account_id AS VARCHAR(20)), "
        "COUNT(*), MAX(at) FROM link_failures GROUP BY profile_id, account_id"
    )
    op.drop_table('link_failures')  # with their indexes
    op.drop_table('login_failures')


def downgrade() -> None:
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('telegram_id', sa.BigInteger(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    )
    op.create_index('ix_login_failures_email', 'login_failures', ['email'])
    op.create_index('ix_login_failures_telegram_id', 'login_failures', ['telegram_id'])
    op.create_table(
        'link_failures',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('profile_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['profile_id'], ['profiles.id'],
            name=op.f('fk_link_failures_profile_id_profiles'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['account_id'], ['accounts.id'],
            name=op.f('fk_link_failures_account_id_accounts'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_link_failures')),
    )
    op.create_index(
        'ix_link_failures_profile_account', 'link_failures', ['profile_id', 'account_id']
    )
    op.drop_table('attempt_limits')
