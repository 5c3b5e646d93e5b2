"""An appeal closed without an answer says why

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Staff close an appeal for one of a few reasons the resident is told; those closed so far
carry none.
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('appeals') as batch:
        batch.add_column(sa.Column('close_reason', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('appeals') as batch:
        batch.drop_column('close_reason')
