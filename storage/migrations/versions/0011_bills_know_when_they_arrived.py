"""Bills know when they arrived from billing

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

A bill is news to a resident only when it arrived after they linked the account: one that
was there already they saw when linking. The bills kept so far arrived, as far as anyone
knows, on the day they were issued (the first of the month after their period).
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bills') as batch:
        batch.add_column(sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE bills SET arrived_at = (period + interval '1 month') AT TIME ZONE 'UTC'")
    else:
        op.execute("UPDATE bills SET arrived_at = date(period, '+1 month') || ' 00:00:00.000000'")
    with op.batch_alter_table('bills') as batch:
        batch.alter_column('arrived_at', nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('bills') as batch:
        batch.drop_column('arrived_at')
