"""offers and attendance

Revision ID: 0ffe25000002
Revises: 5e1ec7100001
Create Date: 2026-11-23 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0ffe25000002'
down_revision = '5e1ec7100001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
