"""An appeal knows when its author's profile was deleted

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

Deleting a profile empties its appeals' texts, attachments and answers (152-ФЗ): what is
left says only that there was an appeal, on which account, and when the data went.
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('appeals') as batch:
        batch.add_column(sa.Column('forgotten_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('appeals') as batch:
        batch.drop_column('forgotten_at')
