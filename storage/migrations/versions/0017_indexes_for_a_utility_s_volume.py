"""Indexes for a utility's volume: the reminder, the payments export, the senders' claim, the
appeals, the residents of an account and the bills an import brought read through an index

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

On a database of 100,000 accounts and two years of history (4 M readings, 2.4 M bills, 5 M
payments) each of these scanned its table: the reminder every reading, the export every
payment, each claim of the senders every pending notice, an account's appeals every
appeal, and an import's news every bill.
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PENDING = sa.text("status IN ('queued', 'sending')")
UNPOSTED = sa.text("staff_message_id IS NULL")
# An account's and a resident's appeals newest first, the open ones.
APPEALS = {
    "ix_appeals_account_id_id": ["account_id", "id"],
    "ix_appeals_profile_id_id": ["profile_id", "id"],
    "ix_appeals_status": ["status"],
}


def upgrade() -> None:
    op.create_index("ix_readings_meter_id_billing_month", "readings", ["meter_id", "billing_month"])
    op.create_index("ix_payments_paid_at", "payments", ["paid_at"])
    op.create_index("ix_account_links_account_id", "account_links", ["account_id"])
    op.create_index("ix_bills_arrived_at_period", "bills", ["arrived_at", "period"])
    op.create_index(
        "ix_notifications_pending_due_at",
        "notifications",
        ["due_at", "id"],
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.drop_index("ix_notifications_status_due_at", table_name="notifications")
    for name, columns in APPEALS.items():
        op.create_index(name, "appeals", columns)
    op.create_index(
        "ix_appeals_unposted", "appeals", ["id"], sqlite_where=UNPOSTED, postgresql_where=UNPOSTED
    )


def downgrade() -> None:
    op.drop_index("ix_appeals_unposted", table_name="appeals")
    for name in APPEALS:
        op.drop_index(name, table_name="appeals")
    op.create_index("ix_notifications_status_due_at", "notifications", ["status", "due_at"])
    op.drop_index("ix_notifications_pending_due_at", table_name="notifications")
    op.drop_index("ix_bills_arrived_at_period", table_name="bills")
    op.drop_index("ix_account_links_account_id", table_name="account_links")
    op.drop_index("ix_payments_paid_at", table_name="payments")
    op.drop_index("ix_readings_meter_id_billing_month", table_name="readings")
