"""library and publishing

Revision ID: 11b2a2700004
Revises: c025e4700003
Create Date: 2026-11-23 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '11b2a2700004'
down_revision = 'c025e4700003'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
