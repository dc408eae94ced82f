"""development plans, goals, activities, public commitments; library document skills

Revision ID: c14a00000001
Revises: b11a00000003
Create Date: 2026-12-06 17:35:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14a00000001'
down_revision = "b11a00000003"
branch_labels = None
depends_on = None

OLD_FIELDS = ('name', 'organisation', 'job_title', 'roles', 'sector', 'region', 'top_skills')
NEW_FIELDS = (*OLD_FIELDS, 'commitments')
CONSENT_TABLES = ('consent_wordings', 'consents', 'consent_events')
COMMITMENTS_WORDING = (
    'Publish the development goals I choose to make public commitments, with whether I kept them'
)


def _field_type(values):
    return sa.Enum(*values, name='consentfield', native_enum=False, create_constraint=True, length=32)


def _change_consent_fields(old, new):
    # The field's CHECK constraint lists every field, so it is rebuilt with the new list.
    for table in CONSENT_TABLES:
        if op.get_bind().dialect.name == 'sqlite':
            with op.batch_alter_table(table, recreate='always') as batch_op:
                batch_op.alter_column('field', existing_type=_field_type(old), type_=_field_type(new))
        else:
            op.drop_constraint(op.f(f'ck_{table}_consentfield'), table, type_='check')
            values = ', '.join(f"'{value}'" for value in new)
            op.create_check_constraint('consentfield', table, f'field IN ({values})')


def upgrade():
    _change_consent_fields(OLD_FIELDS, NEW_FIELDS)
    wordings = sa.table(
        'consent_wordings',
        sa.column('field', sa.String), sa.column('version', sa.Integer),
        sa.column('text', sa.Text), sa.column('created_at', sa.DateTime(timezone=True)),
    )
    op.bulk_insert(wordings, [{
        'field': 'commitments', 'version': 1, 'text': COMMITMENTS_WORDING,
        'created_at': datetime(2026, 12, 6, 17, 35, tzinfo=timezone.utc),
    }])
    op.create_table('library_document_skills',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('skill_code', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['library_documents.id'], name=op.f('fk_library_document_skills_document_id_library_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'skill_code', name=op.f('pk_library_document_skills'))
    )
    with op.batch_alter_table('library_document_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_document_skills_skill_code'), ['skill_code'], unique=False)

    op.create_table('development_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('role_code', sa.String(length=64), nullable=False),
    sa.Column('role_level_code', sa.String(length=64), nullable=False),
    sa.Column('aim', sa.Enum('current', 'next', name='planaim', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('share_token_hash', sa.String(length=64), nullable=True),
    sa.Column('share_created_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_development_plans_assessment_id_assessments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_development_plans_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['framework_versions.id'], name=op.f('fk_development_plans_version_id_framework_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_plans')),
    sa.UniqueConstraint('share_token_hash', name=op.f('uq_development_plans_share_token_hash'))
    )
    with op.batch_alter_table('development_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_plans_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_development_plans_user_id'), ['user_id'], unique=False)

    op.create_table('development_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('skill_code', sa.String(length=16), nullable=False),
    sa.Column('skill_name', sa.String(length=200), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('previous_codes', sa.JSON(), nullable=False),
    sa.Column('start_level', sa.Integer(), nullable=True),
    sa.Column('target_level', sa.Integer(), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('achieved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('target_level > 0', name=op.f('ck_development_goals_target_level_positive')),
    sa.ForeignKeyConstraint(['plan_id'], ['development_plans.id'], name=op.f('fk_development_goals_plan_id_development_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['framework_versions.id'], name=op.f('fk_development_goals_version_id_framework_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_goals')),
    sa.UniqueConstraint('plan_id', 'skill_code', name=op.f('uq_development_goals_plan_id_skill_code'))
    )
    with op.batch_alter_table('development_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_goals_plan_id'), ['plan_id'], unique=False)

    op.create_table('development_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('workshop', 'document', 'course', 'mentoring', 'shadowing', 'on_the_job', name='activitykind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('planned', 'in_progress', 'done', 'dropped', name='activitystate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['library_documents.id'], name=op.f('fk_development_activities_document_id_library_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['development_goals.id'], name=op.f('fk_development_activities_goal_id_development_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_development_activities_workshop_id_workshops'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_activities'))
    )
    with op.batch_alter_table('development_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_activities_goal_id'), ['goal_id'], unique=False)

    op.create_table('development_commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('skill_name', sa.String(length=200), nullable=False),
    sa.Column('level_name', sa.String(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Enum('open', 'kept', 'missed', 'renewed', name='commitmentoutcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['goal_id'], ['development_goals.id'], name=op.f('fk_development_commitments_goal_id_development_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_development_commitments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_commitments'))
    )
    with op.batch_alter_table('development_commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_commitments_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_development_commitments_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('development_commitments')
    op.drop_table('development_activities')
    op.drop_table('development_goals')
    op.drop_table('development_plans')
    op.drop_table('library_document_skills')
    for table in ('consents', 'consent_events'):
        op.execute(sa.text(f"DELETE FROM {table} WHERE field = 'commitments'"))
    op.execute(sa.text("DELETE FROM consent_wordings WHERE field = 'commitments'"))
    _change_consent_fields(NEW_FIELDS, OLD_FIELDS)
