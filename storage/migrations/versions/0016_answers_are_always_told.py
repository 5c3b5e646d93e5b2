"""A payment's outcome and an appeal's answer are told whatever the settings

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

They answer what the resident did (paid, asked), and the bot promises them on screen; they
are no longer kinds a resident turns off, and those turned off before are turned on.
"""

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM notification_optouts WHERE kind IN ('payment-result', 'appeal-answered')"
    )


def downgrade() -> None:
    pass  # nothing to bring back: each resident had them on or off, and on is the default
