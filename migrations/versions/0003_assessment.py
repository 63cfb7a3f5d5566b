"""Assessment: eligibility checks, clarification questions, reviewer assignments with their
conflict declarations, reviews and scores, moderated scores and the panel's decisions.

Revision ID: 0003_assessment
Revises: 0002_applications
Create Date: 2026-11-21 21:14:31.402329

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003_assessment'
down_revision = '0002_applications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('declaration', sa.String(length=12), nullable=False),
    sa.Column('interest_details', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("declaration <> 'conflicted' OR interest_details <> ''", name=op.f('ck_assignments_interest_described')),
    sa.CheckConstraint("declaration IN ('undeclared', 'none', 'conflicted')", name=op.f('ck_assignments_known_declaration')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_assignments_application_id_applications')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_assignments_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('application_id', 'reviewer_id', name='uq_reviewer_once')
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('clarifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_clarifications_answered_by_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_clarifications_application_id_applications')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_clarifications_asked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clarifications'))
    )
    with op.batch_alter_table('clarifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clarifications_application_id'), ['application_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('awarded_pence', sa.BigInteger(), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('panel_date', sa.Date(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notified_by_id', sa.Integer(), nullable=True),
    sa.Column('published_outcome', sa.String(length=12), nullable=True),
    sa.Column('published_awarded_pence', sa.BigInteger(), nullable=True),
    sa.Column('published_conditions', sa.Text(), nullable=False),
    sa.Column('published_feedback', sa.Text(), nullable=False),
    sa.CheckConstraint("(outcome = 'approved') = (awarded_pence IS NOT NULL)", name=op.f('ck_decisions_award_only_if_approved')),
    sa.CheckConstraint("outcome IN ('approved', 'rejected', 'reserve')", name=op.f('ck_decisions_known_outcome')),
    sa.CheckConstraint('awarded_pence IS NULL OR awarded_pence >= 100', name=op.f('ck_decisions_award_at_least_a_pound')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_decisions_application_id_applications')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['notified_by_id'], ['users.id'], name=op.f('fk_decisions_notified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_decisions_application_id'))
    )
    op.create_table('eligibility_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome = 'pass' OR reason <> ''", name=op.f('ck_eligibility_checks_fail_has_reason')),
    sa.CheckConstraint("outcome IN ('pass', 'fail')", name=op.f('ck_eligibility_checks_known_outcome')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_eligibility_checks_application_id_applications')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_eligibility_checks_checked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_checks')),
    sa.UniqueConstraint('application_id', name=op.f('uq_eligibility_checks_application_id'))
    )
    op.create_table('moderations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('score_tenths', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('moderated_by_id', sa.Integer(), nullable=False),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score_tenths BETWEEN 0 AND 1000', name=op.f('ck_moderations_score_percentage')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_moderations_application_id_applications')),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['users.id'], name=op.f('fk_moderations_moderated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderations'))
    )
    with op.batch_alter_table('moderations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderations_application_id'), ['application_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('recommendation', sa.String(length=24), nullable=True),
    sa.Column('overall_comment', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("recommendation IS NULL OR recommendation IN ('fund', 'fund_with_conditions', 'do_not_fund')", name=op.f('ck_reviews_known_recommendation')),
    sa.CheckConstraint("status = 'draft' OR (recommendation IS NOT NULL AND submitted_at IS NOT NULL)", name=op.f('ck_reviews_submitted_is_complete')),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_reviews_known_status')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_reviews_assignment_id_assignments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_reviews_assignment_id'))
    )
    op.create_table('scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('score IS NULL OR score >= 0', name=op.f('ck_scores_score_not_negative')),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_scores_criterion_id_criteria')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_scores_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores')),
    sa.UniqueConstraint('review_id', 'criterion_id', name='uq_score_once')
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scores_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_review_id'))
        batch_op.drop_index(batch_op.f('ix_scores_criterion_id'))

    op.drop_table('scores')
    op.drop_table('reviews')
    with op.batch_alter_table('moderations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderations_application_id'))

    op.drop_table('moderations')
    op.drop_table('eligibility_checks')
    op.drop_table('decisions')
    with op.batch_alter_table('clarifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clarifications_application_id'))

    op.drop_table('clarifications')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_application_id'))

    op.drop_table('assignments')
