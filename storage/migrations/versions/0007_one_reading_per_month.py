"""A resident's reading is kept once per meter, zone and month: a later one replaces it

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

The guide takes one reading per period. Where a month holds several of a resident's
readings of one zone, the latest stands and the others go.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

RESIDENT = sa.text("source = 'resident'")


def upgrade() -> None:
    op.execute(
        "DELETE FROM readings WHERE source = 'resident' AND EXISTS ("
        "SELECT 1 FROM readings later WHERE later.source = 'resident' "
        "AND later.meter_id = readings.meter_id AND later.zone = readings.zone "
        "AND later.billing_month = readings.billing_month "
        "AND (later.taken_at > readings.taken_at "
        "OR (later.taken_at = readings.taken_at AND later.id > readings.id)))"
    )
    op.drop_index('uq_readings_resident_value', table_name='readings')
    op.create_index(
        'uq_readings_resident_month',
        'readings',
        ['meter_id', 'zone', 'billing_month'],
        unique=True,
        sqlite_where=RESIDENT,
        postgresql_where=RESIDENT,
    )


def downgrade() -> None:
    op.drop_index('uq_readings_resident_month', table_name='readings')
    op.create_index(
        'uq_readings_resident_value',
        'readings',
        ['meter_id', 'zone', 'billing_month', 'value'],
        unique=True,
        sqlite_where=RESIDENT,
        postgresql_where=RESIDENT,
    )
