"""assessment reviews: independent review of a submitted assessment, validated assessments

Revision ID: c15a00000001
Revises: b11a00000003
Create Date: 2026-12-06 17:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c15a00000001'
down_revision = "b11a00000003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_user_id', sa.Integer(), nullable=True),
    sa.Column('relationship_kind', sa.Enum('line manager', 'peer', 'mentor', 'organiser', 'other', name='reviewerrelationship', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reviewer_name', sa.String(length=200), nullable=False),
    sa.Column('reviewer_email', sa.String(length=320), nullable=True),
    sa.Column('reviewer_job_title', sa.String(length=200), nullable=False),
    sa.Column('reviewer_organisation', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'given', 'accepted', 'declined', 'cancelled', name='reviewstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('validated_assessment_id', sa.Integer(), nullable=True),
    sa.Column('request_message_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_reviews_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_assessment_reviews_member_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_user_id'], ['users.id'], name=op.f('fk_assessment_reviews_reviewer_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_message_id'], ['outbox_messages.id'], name=op.f('fk_assessment_reviews_request_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['validated_assessment_id'], ['assessments.id'], name=op.f('fk_assessment_reviews_validated_assessment_id_assessments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_reviews')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_assessment_reviews_token_hash')),
    sa.UniqueConstraint('validated_assessment_id', name=op.f('uq_assessment_reviews_validated_assessment_id'))
    )
    with op.batch_alter_table('assessment_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_reviews_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_reviews_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_reviews_reviewer_user_id'), ['reviewer_user_id'], unique=False)

    op.create_table('assessment_review_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('skill_code', sa.String(length=16), nullable=False),
    sa.Column('agrees', sa.Boolean(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('is_not_applicable', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('level IS NULL OR NOT is_not_applicable', name=op.f('ck_assessment_review_items_level_or_na')),
    sa.ForeignKeyConstraint(['review_id'], ['assessment_reviews.id'], name=op.f('fk_assessment_review_items_review_id_assessment_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_review_items')),
    sa.UniqueConstraint('review_id', 'skill_code', name=op.f('uq_assessment_review_items_review_id_skill_code'))
    )

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validated_from_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_assessments_validated_from_id'), ['validated_from_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_assessments_validated_from_id_assessments'), 'assessments', ['validated_from_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('assessment_ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_validated', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('assessment_ratings', schema=None) as batch_op:
        batch_op.drop_column('is_validated')

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assessments_validated_from_id_assessments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_assessments_validated_from_id'))
        batch_op.drop_column('validated_from_id')

    op.drop_table('assessment_review_items')
    with op.batch_alter_table('assessment_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_reviews_reviewer_user_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_reviews_member_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_reviews_assessment_id'))

    op.drop_table('assessment_reviews')
