"""library downloads: one anonymous row per full download of a library file

Revision ID: c16c00000001
Revises: c16a00000001
Create Date: 2026-12-06 18:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c16c00000001'
down_revision = "c16a00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('library_downloads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('document_version_id', sa.Integer(), nullable=False),
    sa.Column('downloaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['library_documents.id'], name=op.f('fk_library_downloads_document_id_library_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_version_id'], ['library_document_versions.id'], name=op.f('fk_library_downloads_document_version_id_library_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_downloads'))
    )
    with op.batch_alter_table('library_downloads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_downloads_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_downloads_document_version_id'), ['document_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_downloads_downloaded_at'), ['downloaded_at'], unique=False)


def downgrade():
    with op.batch_alter_table('library_downloads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_downloads_downloaded_at'))
        batch_op.drop_index(batch_op.f('ix_library_downloads_document_version_id'))
        batch_op.drop_index(batch_op.f('ix_library_downloads_document_id'))

    op.drop_table('library_downloads')
