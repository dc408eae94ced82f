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
    op.create_table('workshop_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('choice_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('offered', 'accepted', 'declined', 'expired', 'withdrawn', name='offerstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_replacement', sa.Boolean(), nullable=False),
    sa.Column('invitation_sequence', sa.Integer(), nullable=True),
    sa.Column('offered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['choice_id'], ['workshop_choices.id'], name=op.f('fk_workshop_offers_choice_id_workshop_choices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offered_by_id'], ['users.id'], name=op.f('fk_workshop_offers_offered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_offers')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_workshop_offers_token_hash'))
    )
    with op.batch_alter_table('workshop_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_offers_choice_id'), ['choice_id'], unique=False)

    with op.batch_alter_table('workshop_choices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attended', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('attendance_recorded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('workshop_choices', schema=None) as batch_op:
        batch_op.drop_column('attendance_recorded_at')
        batch_op.drop_column('attended')

    with op.batch_alter_table('workshop_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_offers_choice_id'))

    op.drop_table('workshop_offers')
