"""consent and register

Revision ID: c025e4700003
Revises: 0ffe25000002
Create Date: 2026-11-23 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c025e4700003'
down_revision = '0ffe25000002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
