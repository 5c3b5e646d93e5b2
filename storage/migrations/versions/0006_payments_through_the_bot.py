"""Payments made through the bot: how, by whom, their provider's page and checks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every payment so far came from the billing import: it is in billing already.
    with op.batch_alter_table('payments') as batch:
        batch.add_column(
            sa.Column('method', sa.String(16), nullable=False, server_default='billing')
        )
        batch.add_column(sa.Column('telegram_id', sa.BigInteger()))
        batch.add_column(sa.Column('idempotence_key', sa.String(64)))
        batch.add_column(sa.Column('confirmation_url', sa.String(2048)))
        batch.add_column(sa.Column('cancel_reason', sa.String(64)))
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True)))
        batch.add_column(
            sa.Column('in_billing', sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column('checks', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('next_check_at', sa.DateTime(timezone=True)))
        batch.create_unique_constraint('uq_payments_idempotence_key', ['idempotence_key'])
    op.create_index('ix_payments_next_check_at', 'payments', ['next_check_at'])


def downgrade() -> None:
    op.drop_index('ix_payments_next_check_at', 'payments')
    with op.batch_alter_table('payments') as batch:
        batch.drop_constraint('uq_payments_idempotence_key', type_='unique')
        for column in (
            'next_check_at', 'checks', 'in_billing', 'expires_at', 'cancel_reason',
            'confirmation_url', 'idempotence_key', 'telegram_id', 'method',
        ):
            batch.drop_column(column)
