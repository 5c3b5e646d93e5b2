"""Indexes for a utility's volume: the reminder, the payments export and the senders' claim
read through an index, not the whole table

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

On a database of 100,000 accounts and two years of history (4 M readings, 2.4 M bills, 5 M
payments) each of these scanned its table: the reminder every reading, the export every
payment, and each claim of the senders every pending notice.
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PENDING = sa.text("status IN ('queued', 'sending')")


def upgrade() -> None:
    op.create_index("ix_readings_meter_id_billing_month", "readings", ["meter_id", "billing_month"])
    op.create_index("ix_payments_paid_at", "payments", ["paid_at"])
    op.create_index(
        "ix_notifications_pending_due_at",
        "notifications",
        ["due_at", "id"],
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.drop_index("ix_notifications_status_due_at", table_name="notifications")


def downgrade() -> None:
    op.create_index("ix_notifications_status_due_at", "notifications", ["status", "due_at"])
    op.drop_index("ix_notifications_pending_due_at", table_name="notifications")
    op.drop_index("ix_payments_paid_at", table_name="payments")
    op.drop_index("ix_readings_meter_id_billing_month", table_name="readings")
