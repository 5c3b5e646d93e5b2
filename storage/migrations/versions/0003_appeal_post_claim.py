"""An appeal is claimed before it is posted to staff

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('appeals') as batch:
        batch.add_column(sa.Column('post_claimed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('appeals') as batch:
        batch.drop_column('post_claimed_at')
