"""A resident's reading is kept once per meter, zone, month and value, by the database

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Readings sent twice at the same moment were both kept; the earliest of each is kept.
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

RESIDENT = sa.text("source = 'resident'")


def upgrade() -> None:
    op.execute(
        "DELETE FROM readings WHERE source = 'resident' AND id NOT IN ("
        "SELECT MIN(id) FROM readings WHERE source = 'resident' "
        "GROUP BY meter_id, zone, billing_month, value)"
    )
    op.create_index(
        'uq_readings_resident_value',
        'readings',
        ['meter_id', 'zone', 'billing_month', 'value'],
        unique=True,
        sqlite_where=RESIDENT,
        postgresql_where=RESIDENT,
    )


def downgrade() -> None:
    op.drop_index('uq_readings_resident_value', table_name='readings')
