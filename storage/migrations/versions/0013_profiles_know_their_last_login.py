"""A profile knows when it last logged in

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

The first login asks for the fields registration left empty (the guide's Fig. 7). Profiles
that exist already have not logged in since this is kept, so their next login is their first.
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('profiles') as batch:
        batch.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('profiles') as batch:
        batch.drop_column('last_login_at')
