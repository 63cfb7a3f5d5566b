"""Performance: indexes for a round's application list, which is filtered by status, ordered by
reference and counted by status, found by ``python -m bench`` on a round of 500 applications.

Revision ID: 0006_performance
Revises: 0005_reports
Create Date: 2026-11-22 02:50:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_performance'
down_revision = '0005_reports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_round_reference', ['round_id', 'reference'], unique=False)
        batch_op.create_index('ix_applications_round_status', ['round_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_round_status')
        batch_op.drop_index('ix_applications_round_reference')
