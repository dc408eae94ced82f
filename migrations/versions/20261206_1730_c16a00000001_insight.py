"""insight: statistics opt-out and differentially private releases

Revision ID: c16a00000001
Revises: c14b00000001
Create Date: 2026-12-06 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c16a00000001'
down_revision = "c14b00000001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_statistics_opt_out', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('insight_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('epsilon', sa.Double(), nullable=False),
    sa.Column('sensitivity', sa.Integer(), nullable=False),
    sa.Column('scale', sa.Double(), nullable=False),
    sa.Column('max_ratings_per_person', sa.Integer(), nullable=False),
    sa.Column('mechanism', sa.String(length=200), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('library_key', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['framework_versions.id'], name=op.f('fk_insight_releases_version_id_framework_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_releases')),
    sa.UniqueConstraint('number', name=op.f('uq_insight_releases_number'))
    )
    with op.batch_alter_table('insight_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_releases_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('insight_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_releases_version_id'))

    op.drop_table('insight_releases')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_statistics_opt_out')
