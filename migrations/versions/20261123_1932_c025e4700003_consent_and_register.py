"""consent and register

Revision ID: c025e4700003
Revises: 0ffe25000002
Create Date: 2026-11-23 19:30:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c025e4700003'
down_revision = '0ffe25000002'
branch_labels = None
depends_on = None

WORDING_V1 = [
    ('name', 'Publish my name'),
    ('organisation', 'Publish who I work for'),
    ('job_title', 'Publish the title of my job'),
    ('roles', 'Publish the role and level of my latest submitted self-assessment'),
    ('sector', 'Publish the sector I work in'),
    ('region', 'Publish the region I work in'),
    ('top_skills', 'Publish a summary of my strongest skills from my latest submitted self-assessment'),
]


def upgrade():
    op.create_table('consent_wordings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('field', sa.Enum('name', 'organisation', 'job_title', 'roles', 'sector', 'region', 'top_skills', name='consentfield', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_wordings')),
    sa.UniqueConstraint('field', 'version', name=op.f('uq_consent_wordings_field_version'))
    )
    op.create_table('consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.Enum('name', 'organisation', 'job_title', 'roles', 'sector', 'region', 'top_skills', name='consentfield', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('is_granted', sa.Boolean(), nullable=False),
    sa.Column('wording_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consent_events_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wording_id'], ['consent_wordings.id'], name=op.f('fk_consent_events_wording_id_consent_wordings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_events'))
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_events_user_id'), ['user_id'], unique=False)

    op.create_table('consents',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.Enum('name', 'organisation', 'job_title', 'roles', 'sector', 'region', 'top_skills', name='consentfield', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('wording_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consents_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wording_id'], ['consent_wordings.id'], name=op.f('fk_consents_wording_id_consent_wordings')),
    sa.PrimaryKeyConstraint('user_id', 'field', name=op.f('pk_consents'))
    )
    op.create_table('register_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('population', sa.JSON(), nullable=False),
    sa.Column('population_label', sa.String(length=500), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('people_count', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_notice', sa.Text(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_register_snapshots_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['replaces_id'], ['register_snapshots.id'], name=op.f('fk_register_snapshots_replaces_id_register_snapshots'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_snapshots')),
    sa.UniqueConstraint('number', name=op.f('uq_register_snapshots_number'))
    )
    op.create_table('register_snapshot_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['snapshot_id'], ['register_snapshots.id'], name=op.f('fk_register_snapshot_files_snapshot_id_register_snapshots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_snapshot_files')),
    sa.UniqueConstraint('snapshot_id', 'name', name=op.f('uq_register_snapshot_files_snapshot_id_name'))
    )
    op.create_table('register_snapshot_members',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['register_snapshots.id'], name=op.f('fk_register_snapshot_members_snapshot_id_register_snapshots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_register_snapshot_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('snapshot_id', 'user_id', name=op.f('pk_register_snapshot_members'))
    )
    with op.batch_alter_table('register_snapshot_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_snapshot_members_user_id'), ['user_id'], unique=False)

    # Version 1 of the consent wording (the text of skillsreg.register.rules.INITIAL_WORDING).
    wordings = sa.table(
        'consent_wordings',
        sa.column('field', sa.String),
        sa.column('version', sa.Integer),
        sa.column('text', sa.Text),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    seeded_at = datetime(2026, 11, 23, 19, 32, tzinfo=timezone.utc)
    op.bulk_insert(wordings, [
        {'field': field, 'version': 1, 'text': text, 'created_at': seeded_at}
        for field, text in WORDING_V1
    ])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('region')

    with op.batch_alter_table('register_snapshot_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_snapshot_members_user_id'))

    op.drop_table('register_snapshot_members')
    op.drop_table('register_snapshot_files')
    op.drop_table('register_snapshots')
    op.drop_table('consents')
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_events_user_id'))

    op.drop_table('consent_events')
    op.drop_table('consent_wordings')
