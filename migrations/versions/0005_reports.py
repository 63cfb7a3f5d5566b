"""Returns: the Home Office context measures officers enter, the case studies they feature in the
impact return, and each fund's funder identifier for 360Giving.

Revision ID: 0005_reports
Revises: 0004_grants
Create Date: 2026-11-22 00:15:42.483838

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005_reports'
down_revision = '0004_grants'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('context_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('area_name', sa.String(length=100), nullable=False),
    sa.Column('financial_year', sa.String(length=7), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("measure IN ('homicides', 'knife_admissions', 'knife_crime')", name=op.f('ck_context_measures_known_measure')),
    sa.CheckConstraint('quarter BETWEEN 0 AND 4', name=op.f('ck_context_measures_quarter_range')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_context_measures_value_not_negative')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_context_measures_entered_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_context_measures_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_context_measures')),
    sa.UniqueConstraint('measure', 'area_name', 'financial_year', 'quarter', name='uq_context_measure_once')
    )
    op.create_table('featured_case_studies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('chosen_by_id', sa.Integer(), nullable=False),
    sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chosen_by_id'], ['users.id'], name=op.f('fk_featured_case_studies_chosen_by_id_users')),
    sa.ForeignKeyConstraint(['return_id'], ['monitoring_returns.id'], name=op.f('fk_featured_case_studies_return_id_monitoring_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_featured_case_studies')),
    sa.UniqueConstraint('return_id', name=op.f('uq_featured_case_studies_return_id'))
    )
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('funder_org_id', sa.String(length=60), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.drop_column('funder_org_id')

    op.drop_table('featured_case_studies')
    op.drop_table('context_measures')
