"""insight: an index covering the ratings the community picture counts

Revision ID: d16a00000001
Revises: c16c00000001
Create Date: 2026-12-06 20:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd16a00000001'
down_revision = "c16c00000001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment_ratings', schema=None) as batch_op:
        batch_op.create_index(
            'ix_assessment_ratings_counted',
            ['assessment_id', 'skill_code', 'level', 'is_not_applicable'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('assessment_ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_ratings_counted')
