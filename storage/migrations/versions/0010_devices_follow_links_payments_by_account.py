"""Devices whose profile no longer has their account linked are revoked; payments are found
by account; an update is recorded as handled, not only taken

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

A device counts only while the link it was issued under exists: one issued before an unlink
is revoked now, as an unlink revokes it from now on. Starting a payment voids the account's
pending ones, and what is due reads its paid ones: both look payments up by account and
status. Telegram's updates are acknowledged once handled: the log says which were handled,
so that one taken by a process that died is taken again; those recorded so far count as
handled.
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        sa.text(
            'UPDATE devices SET revoked_at = CURRENT_TIMESTAMP '
            'WHERE revoked_at IS NULL AND NOT EXISTS ('
            'SELECT 1 FROM account_links l '
            'WHERE l.profile_id = devices.profile_id AND l.account_id = devices.account_id)'
        )
    )
    op.create_index('ix_payments_account_id_status', 'payments', ['account_id', 'status'])
    with op.batch_alter_table('processed_updates') as batch:
        batch.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE processed_updates SET done_at = received_at')


def downgrade() -> None:
    with op.batch_alter_table('processed_updates') as batch:
        batch.drop_column('done_at')
    op.drop_index('ix_payments_account_id_status', table_name='payments')
