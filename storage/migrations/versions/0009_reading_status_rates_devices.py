"""Readings carry their status, the bill that used them, billing's reason for replacing
them and a photo; tariffs carry rates by zone and consumption band; devices send readings

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

A resident's readings kept so far are "sent" (billing has not answered for them yet); the
billing system's own are "received". A device's reading counts as the bot's own: one per meter,
zone and month with the resident's, so the partial index covers both sources.
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

RESIDENT = sa.text("source = 'resident'")
OWN = sa.text("source IN ('resident', 'device')")


def upgrade() -> None:
    # The index goes first: SQLite's batch copy of the table would keep it without its WHERE.
    op.drop_index('uq_readings_resident_month', table_name='readings')
    with op.batch_alter_table('readings') as batch:
        batch.add_column(
            sa.Column('status', sa.String(length=16), nullable=False, server_default='sent')
        )
        batch.add_column(sa.Column('used_in', sa.Date(), nullable=True))
        batch.add_column(sa.Column('reason', sa.String(length=256), nullable=True))
        batch.add_column(sa.Column('photo', sa.String(length=256), nullable=True))
    op.execute("UPDATE readings SET status = 'received' WHERE source <> 'resident'")
    with op.batch_alter_table('readings') as batch:
        batch.alter_column('status', server_default=None)
    op.create_index(
        'uq_readings_own_month',
        'readings',
        ['meter_id', 'zone', 'billing_month'],
        unique=True,
        sqlite_where=OWN,
        postgresql_where=OWN,
    )
    op.create_table(
        'tariff_rates',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            'tariff_id',
            sa.Integer(),
            sa.ForeignKey('tariffs.id', ondelete='CASCADE'),
            nullable=False,
        ),
        sa.Column('zone', sa.String(length=16), nullable=True),
        sa.Column('above', sa.BigInteger(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
    )
    op.create_index('ix_tariff_rates_tariff_id', 'tariff_rates', ['tariff_id'])
    op.create_table(
        'devices',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            'account_id',
            sa.Integer(),
            sa.ForeignKey('accounts.id', ondelete='CASCADE'),
            nullable=False,
        ),
        sa.Column(
            'profile_id',
            sa.Integer(),
            sa.ForeignKey('profiles.id', ondelete='CASCADE'),
            nullable=False,
        ),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_devices_account_id', 'devices', ['account_id'])


def downgrade() -> None:
    op.drop_index('ix_devices_account_id', table_name='devices')
    op.drop_table('devices')
    op.drop_index('ix_tariff_rates_tariff_id', table_name='tariff_rates')
    op.drop_table('tariff_rates')
    op.execute("DELETE FROM readings WHERE source = 'device'")
    op.drop_index('uq_readings_own_month', table_name='readings')
    with op.batch_alter_table('readings') as batch:
        batch.drop_column('photo')
        batch.drop_column('reason')
        batch.drop_column('used_in')
        batch.drop_column('status')
    op.create_index(
        'uq_readings_resident_month',
        'readings',
        ['meter_id', 'zone', 'billing_month'],
        unique=True,
        sqlite_where=RESIDENT,
        postgresql_where=RESIDENT,
    )
