"""Payments are found by their profile

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

The payment form offers the receipt's address the resident gave last; deleting a profile
detaches its payments. Both look payments up by profile, which an index spares a scan.
"""

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_payments_profile_id_created_at', 'payments', ['profile_id', 'created_at']
    )


def downgrade() -> None:
    op.drop_index('ix_payments_profile_id_created_at', table_name='payments')
