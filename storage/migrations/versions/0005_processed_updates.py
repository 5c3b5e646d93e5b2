"""Each Telegram update is processed once: the ids of the updates taken

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'processed_updates',
        sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('update_id', name=op.f('pk_processed_updates')),
    )
    op.create_index(
        op.f('ix_processed_updates_received_at'), 'processed_updates', ['received_at']
    )


def downgrade() -> None:
    op.drop_table('processed_updates')
