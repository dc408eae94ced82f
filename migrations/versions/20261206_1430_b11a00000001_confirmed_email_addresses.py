"""confirmed email addresses

Revision ID: b11a00000001
Revises: 11b2a2700004
Create Date: 2026-12-06 14:30:00

Every account that exists before this migration is unconfirmed and marked as predating
confirmation: it is asked to confirm at its next sign-in and is never purged for not doing so.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b11a00000001'
down_revision = '11b2a2700004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pending_consent_fields', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('predates_confirmation', sa.Boolean(), server_default=sa.false(), nullable=False))

    users = sa.table('users', sa.column('predates_confirmation', sa.Boolean()))
    op.execute(users.update().values(predates_confirmation=True))

    op.create_table('email_confirmation_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('is_change', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_confirmation_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_confirmation_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_confirmation_tokens_token_hash'))
    )
    with op.batch_alter_table('email_confirmation_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_confirmation_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('email_confirmation_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_confirmation_tokens_user_id'))

    op.drop_table('email_confirmation_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('predates_confirmation')
        batch_op.drop_column('pending_consent_fields')
        batch_op.drop_column('email_confirmed_at')
