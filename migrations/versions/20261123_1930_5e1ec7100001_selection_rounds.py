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
    op.create_table('selection_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('open', 'confirmed', name='roundstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('max_places_per_person', sa.Integer(), nullable=False),
    sa.Column('min_per_target_role', sa.Integer(), nullable=False),
    sa.Column('time_limit', sa.Double(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('max_places_per_person >= 1', name=op.f('ck_selection_rounds_person_limit_positive')),
    sa.CheckConstraint('min_per_target_role >= 0', name=op.f('ck_selection_rounds_role_minimum_not_negative')),
    sa.CheckConstraint('time_limit > 0', name=op.f('ck_selection_rounds_time_limit_positive')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_selection_rounds_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_selection_rounds_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_rounds'))
    )
    op.create_table('selection_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('input_document', sa.JSON(), nullable=False),
    sa.Column('input_hash', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('solver', sa.String(length=40), nullable=False),
    sa.Column('solver_version', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('objective', sa.Double(), nullable=False),
    sa.Column('mip_gap', sa.Double(), nullable=False),
    sa.Column('solve_seconds', sa.Double(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_selection_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['selection_rounds.id'], name=op.f('fk_selection_runs_round_id_selection_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_runs')),
    sa.UniqueConstraint('round_id', 'number', name=op.f('uq_selection_runs_round_id_number'))
    )
    with op.batch_alter_table('selection_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_runs_round_id'), ['round_id'], unique=False)
    op.create_table('selection_locks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('in', 'out', name='lockkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_selection_locks_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['selection_rounds.id'], name=op.f('fk_selection_locks_round_id_selection_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_selection_locks_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_selection_locks_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_locks'))
    )
    with op.batch_alter_table('selection_locks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_locks_round_id'), ['round_id'], unique=False)
    op.create_table('selection_round_workshops',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['selection_rounds.id'], name=op.f('fk_selection_round_workshops_round_id_selection_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_selection_round_workshops_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'workshop_id', name=op.f('pk_selection_round_workshops'))
    )


def downgrade():
    with op.batch_alter_table('selection_locks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selection_locks_round_id'))

    op.drop_table('selection_locks')
    with op.batch_alter_table('selection_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selection_runs_round_id'))

    op.drop_table('selection_runs')
    op.drop_table('selection_round_workshops')
    op.drop_table('selection_rounds')
