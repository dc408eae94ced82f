"""cpd record and reminders: CPD activities, yearly targets, reminder rhythms and sends; outbox headers

Revision ID: c14b00000001
Revises: c14a00000001
Create Date: 2026-12-06 17:27:06.917383

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14b00000001'
down_revision = 'c14a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cpd_targets',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('yearly_hours', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('yearly_hours > 0', name=op.f('ck_cpd_targets_yearly_hours_positive')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cpd_targets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_cpd_targets'))
    )
    op.create_table('reminder_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('rhythm', sa.Enum('none', 'monthly', 'quarterly', name='rhythm', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reminder_preferences'))
    )
    op.create_table('reminder_sends',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('rhythm', sa.Enum('none', 'monthly', 'quarterly', name='rhythm', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_sends_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sends')),
    sa.UniqueConstraint('user_id', 'period', name=op.f('uq_reminder_sends_user_id_period'))
    )
    op.create_table('cpd_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('workshop', 'course', 'conference', 'reading', 'mentoring', 'on-the-job', 'other', name='cpdkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('learned', sa.Text(), nullable=False),
    sa.Column('application', sa.Text(), nullable=False),
    sa.Column('skill_codes', sa.JSON(), nullable=False),
    sa.Column('framework_version_id', sa.Integer(), nullable=True),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes > 0 AND minutes <= 60000', name=op.f('ck_cpd_activities_minutes_in_range')),
    sa.ForeignKeyConstraint(['framework_version_id'], ['framework_versions.id'], name=op.f('fk_cpd_activities_framework_version_id_framework_versions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['development_goals.id'], name=op.f('fk_cpd_activities_goal_id_development_goals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cpd_activities_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_cpd_activities_workshop_id_workshops'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpd_activities')),
    sa.UniqueConstraint('user_id', 'workshop_id', name=op.f('uq_cpd_activities_user_id_workshop_id'))
    )
    with op.batch_alter_table('cpd_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cpd_activities_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index('ix_cpd_activities_user_id_done_on', ['user_id', 'done_on'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('headers')

    with op.batch_alter_table('cpd_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_cpd_activities_user_id_done_on')
        batch_op.drop_index(batch_op.f('ix_cpd_activities_goal_id'))

    op.drop_table('cpd_activities')
    op.drop_table('reminder_sends')
    op.drop_table('reminder_preferences')
    op.drop_table('cpd_targets')
