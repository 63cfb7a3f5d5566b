"""Grants and monitoring: bank accounts, grants with their payment instalments and variations,
monitoring returns with outputs, reach counts, outcomes and spend, return reminders, and each
fund's cost centre.

Revision ID: 0004_grants
Revises: 0003_assessment
Create Date: 2026-11-21 22:23:19.290763

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004_grants'
down_revision = '0003_assessment'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('account_name', sa.String(length=140), nullable=False),
    sa.Column('sort_code', sa.String(length=6), nullable=False),
    sa.Column('account_number', sa.String(length=8), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verification_method', sa.String(length=200), nullable=True),
    sa.Column('verification_note', sa.Text(), nullable=True),
    sa.CheckConstraint('length(account_number) = 8', name=op.f('ck_bank_accounts_account_number_eight_digits')),
    sa.CheckConstraint('length(sort_code) = 6', name=op.f('ck_bank_accounts_sort_code_six_digits')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_bank_accounts_entered_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_bank_accounts_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_bank_accounts_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_accounts'))
    )
    with op.batch_alter_table('bank_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_accounts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=24), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('awarded_pence', sa.BigInteger(), nullable=False),
    sa.Column('paid_pence', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=False),
    sa.Column('offered_by_id', sa.Integer(), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accept_by', sa.Date(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('acceptance_name', sa.String(length=200), nullable=True),
    sa.Column('acceptance_role', sa.String(length=200), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reporting_complete_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('underspend_pence', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('clawback_pence', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('clawback_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('offered', 'accepted', 'active', 'suspended', 'closed', 'withdrawn')", name=op.f('ck_grants_known_status')),
    sa.CheckConstraint('awarded_pence >= 0', name=op.f('ck_grants_award_not_negative')),
    sa.CheckConstraint('end_date > start_date', name=op.f('ck_grants_ends_after_start')),
    sa.CheckConstraint('paid_pence >= 0 AND paid_pence <= awarded_pence', name=op.f('ck_grants_paid_within_award')),
    sa.CheckConstraint('underspend_pence >= 0 AND clawback_pence >= 0', name=op.f('ck_grants_adjustments_not_negative')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_grants_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_grants_application_id_applications')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_grants_approved_by_id_users')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_grants_fund_id_funds')),
    sa.ForeignKeyConstraint(['offered_by_id'], ['users.id'], name=op.f('fk_grants_offered_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_grants_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants')),
    sa.UniqueConstraint('application_id', name=op.f('uq_grants_application_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_grants_reference'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_status'), ['status'], unique=False)

    op.create_table('grant_variations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('amount', 'end_date', 'outputs')", name=op.f('ck_grant_variations_known_kind')),
    sa.CheckConstraint("status IN ('requested', 'approved', 'refused')", name=op.f('ck_grant_variations_known_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_grant_variations_decided_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_variations_grant_id_grants')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_grant_variations_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_variations'))
    )
    with op.batch_alter_table('grant_variations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_variations_grant_id'), ['grant_id'], unique=False)

    op.create_table('monitoring_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('financial_year', sa.String(length=7), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('new_participants', sa.Integer(), nullable=True),
    sa.Column('progress', sa.Text(), nullable=True),
    sa.Column('challenges', sa.Text(), nullable=True),
    sa.Column('case_study', sa.Text(), nullable=True),
    sa.Column('safeguarding_incidents', sa.Integer(), nullable=True),
    sa.Column('rag', sa.String(length=5), nullable=True),
    sa.Column('reviewer_comment', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('quarterly', 'final')", name=op.f('ck_monitoring_returns_known_kind')),
    sa.CheckConstraint("rag IS NULL OR rag IN ('green', 'amber', 'red')", name=op.f('ck_monitoring_returns_known_rag')),
    sa.CheckConstraint("status IN ('not_started', 'draft', 'submitted', 'changes_requested', 'accepted')", name=op.f('ck_monitoring_returns_known_status')),
    sa.CheckConstraint('new_participants IS NULL OR new_participants >= 0', name=op.f('ck_monitoring_returns_participants_not_negative')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_monitoring_returns_period_order')),
    sa.CheckConstraint('quarter IS NULL OR quarter BETWEEN 1 AND 4', name=op.f('ck_monitoring_returns_quarter_range')),
    sa.CheckConstraint('safeguarding_incidents IS NULL OR safeguarding_incidents >= 0', name=op.f('ck_monitoring_returns_incidents_not_negative')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_monitoring_returns_grant_id_grants')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_monitoring_returns_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_monitoring_returns_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_returns')),
    sa.UniqueConstraint('grant_id', 'number', name='uq_return_number')
    )
    with op.batch_alter_table('monitoring_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_returns_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_returns_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_returns_status'), ['status'], unique=False)

    op.create_table('payment_instalments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('after_return', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('held_status', sa.String(length=12), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paid_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remittance_reference', sa.String(length=60), nullable=True),
    sa.Column('bank_account_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(trigger = 'after_return') = (after_return IS NOT NULL)", name=op.f('ck_payment_instalments_return_named')),
    sa.CheckConstraint("status != 'paid' OR (paid_on IS NOT NULL AND paid_by_id IS NOT NULL)", name=op.f('ck_payment_instalments_paid_recorded')),
    sa.CheckConstraint("status IN ('scheduled', 'due', 'approved', 'paid', 'on_hold', 'cancelled')", name=op.f('ck_payment_instalments_known_status')),
    sa.CheckConstraint("trigger IN ('on_acceptance', 'after_return', 'final_return')", name=op.f('ck_payment_instalments_known_trigger')),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_payment_instalments_amount_positive')),
    sa.CheckConstraint('paid_by_id IS NULL OR approved_by_id IS NULL OR paid_by_id != approved_by_id', name=op.f('ck_payment_instalments_payer_is_not_approver')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_payment_instalments_approved_by_id_users')),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_accounts.id'], name=op.f('fk_payment_instalments_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_payment_instalments_grant_id_grants')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['users.id'], name=op.f('fk_payment_instalments_paid_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_instalments')),
    sa.UniqueConstraint('grant_id', 'sequence', name='uq_instalment_sequence')
    )
    with op.batch_alter_table('payment_instalments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_instalments_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_instalments_status'), ['status'], unique=False)

    op.create_table('outcome_actuals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('planned_outcome_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['planned_outcome_id'], ['planned_outcomes.id'], name=op.f('fk_outcome_actuals_planned_outcome_id_planned_outcomes')),
    sa.ForeignKeyConstraint(['return_id'], ['monitoring_returns.id'], name=op.f('fk_outcome_actuals_return_id_monitoring_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_actuals')),
    sa.UniqueConstraint('return_id', 'planned_outcome_id', name='uq_outcome_once')
    )
    with op.batch_alter_table('outcome_actuals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_actuals_planned_outcome_id'), ['planned_outcome_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_actuals_return_id'), ['return_id'], unique=False)

    op.create_table('output_actuals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('planned_output_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_output_actuals_quantity_not_negative')),
    sa.ForeignKeyConstraint(['planned_output_id'], ['planned_outputs.id'], name=op.f('fk_output_actuals_planned_output_id_planned_outputs')),
    sa.ForeignKeyConstraint(['return_id'], ['monitoring_returns.id'], name=op.f('fk_output_actuals_return_id_monitoring_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_output_actuals')),
    sa.UniqueConstraint('return_id', 'planned_output_id', name='uq_output_once')
    )
    with op.batch_alter_table('output_actuals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_output_actuals_planned_output_id'), ['planned_output_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_output_actuals_return_id'), ['return_id'], unique=False)

    op.create_table('reach_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=12), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.CheckConstraint("dimension IN ('age_band', 'sex', 'area', 'cohort')", name=op.f('ck_reach_counts_known_dimension')),
    sa.CheckConstraint('count >= 0', name=op.f('ck_reach_counts_count_not_negative')),
    sa.ForeignKeyConstraint(['return_id'], ['monitoring_returns.id'], name=op.f('fk_reach_counts_return_id_monitoring_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reach_counts')),
    sa.UniqueConstraint('return_id', 'dimension', 'category', name='uq_reach_once')
    )
    with op.batch_alter_table('reach_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reach_counts_return_id'), ['return_id'], unique=False)

    op.create_table('return_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['return_id'], ['monitoring_returns.id'], name=op.f('fk_return_reminders_return_id_monitoring_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_reminders')),
    sa.UniqueConstraint('return_id', 'kind', name='uq_return_reminder_once')
    )
    with op.batch_alter_table('return_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_reminders_return_id'), ['return_id'], unique=False)

    op.create_table('spend_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('budget_line_id', sa.Integer(), nullable=False),
    sa.Column('spent_pence', sa.BigInteger(), nullable=False),
    sa.Column('profile_pence', sa.BigInteger(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.CheckConstraint('spent_pence >= 0', name=op.f('ck_spend_lines_spend_not_negative')),
    sa.ForeignKeyConstraint(['budget_line_id'], ['budget_lines.id'], name=op.f('fk_spend_lines_budget_line_id_budget_lines')),
    sa.ForeignKeyConstraint(['return_id'], ['monitoring_returns.id'], name=op.f('fk_spend_lines_return_id_monitoring_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spend_lines')),
    sa.UniqueConstraint('return_id', 'budget_line_id', name='uq_spend_once')
    )
    with op.batch_alter_table('spend_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_lines_budget_line_id'), ['budget_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spend_lines_return_id'), ['return_id'], unique=False)

    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost_centre', sa.String(length=20), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.drop_column('cost_centre')

    with op.batch_alter_table('spend_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_lines_return_id'))
        batch_op.drop_index(batch_op.f('ix_spend_lines_budget_line_id'))

    op.drop_table('spend_lines')
    with op.batch_alter_table('return_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_reminders_return_id'))

    op.drop_table('return_reminders')
    with op.batch_alter_table('reach_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reach_counts_return_id'))

    op.drop_table('reach_counts')
    with op.batch_alter_table('output_actuals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_output_actuals_return_id'))
        batch_op.drop_index(batch_op.f('ix_output_actuals_planned_output_id'))

    op.drop_table('output_actuals')
    with op.batch_alter_table('outcome_actuals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_actuals_return_id'))
        batch_op.drop_index(batch_op.f('ix_outcome_actuals_planned_outcome_id'))

    op.drop_table('outcome_actuals')
    with op.batch_alter_table('payment_instalments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_instalments_status'))
        batch_op.drop_index(batch_op.f('ix_payment_instalments_grant_id'))

    op.drop_table('payment_instalments')
    with op.batch_alter_table('monitoring_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_returns_status'))
        batch_op.drop_index(batch_op.f('ix_monitoring_returns_grant_id'))
        batch_op.drop_index(batch_op.f('ix_monitoring_returns_due_on'))

    op.drop_table('monitoring_returns')
    with op.batch_alter_table('grant_variations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_variations_grant_id'))

    op.drop_table('grant_variations')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_status'))
        batch_op.drop_index(batch_op.f('ix_grants_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_grants_fund_id'))

    op.drop_table('grants')
    with op.batch_alter_table('bank_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_accounts_organisation_id'))

    op.drop_table('bank_accounts')
