"""selection rounds

Revision ID: 5e1ec7100001
Revises: 3a1d17e0c0de
Create Date: 2026-11-23 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1ec7100001'
down_revision = '3a1d17e0c0de'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
