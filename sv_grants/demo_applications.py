"""Demo organisations' documents and one submitted application, so every role has something to
look at. The files are small PDFs drawn at seed time: nothing uploaded is kept in the repository."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from reportlab.pdfgen import canvas
from sqlalchemy import select

from .applications import services
from .applications.models import Application
from .assessment import assignments, checks
from .assessment.models import CheckOutcome
from .auth.models import User
from .extensions import db
from .funds.models import InterventionType, Round
from .organisations.documents import documents_of, upload_document
from .organisations.models import DocumentKind, Organisation

REQUIRED = (DocumentKind.CONSTITUTION, DocumentKind.ACCOUNTS, DocumentKind.SAFEGUARDING_POLICY)


def _pdf(title: str, organisation: str) -> bytes:
    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 760, title)
    page.setFont("Helvetica", 11)
    page.drawString(72, 735, organisation)
    page.drawString(72, 715, "Demonstration document for SV Grants.")
    page.save()
    return buffer.getvalue()


def add_documents(organisation: Organisation, uploader: User) -> None:
    """Constitution, accounts and safeguarding policy, once per organisation."""
    for kind in REQUIRED:
        if documents_of(organisation, kind):
            continue
        upload_document(uploader, organisation, kind, f"{kind.value.replace('_', '-')}.pdf",
                        _pdf(kind.label, organisation.name), None)


def add_submitted_application(organisation: Organisation, applicant: User) -> Application | None:
    """The demo's submitted application, or None when it is already there (seeding twice)."""
    round_ = db.session.scalar(select(Round).order_by(Round.id))
    if round_ is None or db.session.scalar(select(Application.id).where(
            Application.organisation_id == organisation.id)) is not None:
        return None
    priorities = round_.fund.priorities
    start = round_.delivery_from
    application = services.start_application(applicant, organisation, round_, {
        "organisation_type": organisation.legal_form, "delivers_locally": "yes",
        "priority": str(priorities[1].id), "priority_id": priorities[1].id, "amount": "2400000",
        "start_date": start.isoformat()})
    mentoring = db.session.scalar(select(InterventionType).where(InterventionType.name.ilike("%mentoring%")))
    services.save_fields(applicant, application, "about", 0, True, title="Night-time safe spaces in Durham city",
                         summary="Trained volunteers run a safe space and street outreach on Friday and Saturday "
                                 "nights, helping young people at risk of violence get home safely.",
                         description="We will open a safe space near the bus station from 9pm to 3am on Friday "
                                     "and Saturday nights, with street outreach by trained volunteers.")
    services.save_priorities(applicant, application, 0, True, [
        services.PriorityAnswer(priorities[1].id, "Our work takes place where night-time violence happens."),
        services.PriorityAnswer(priorities[0].id, "Volunteers refer young people to youth services.")],
        primary_id=priorities[1].id)
    services.save_fields(applicant, application, "reach", 0, True, age_bands=["14_17", "18_24"],
                         gender_focus="all", people_expected=600,
                         referral_routes="Street outreach, door staff, police and the bus station team.",
                         delivery_areas=["E06000047"], delivery_places="Durham city centre")
    services.save_fields(applicant, application, "approach", 0, True,
                         intervention_type_id=mentoring.id if mentoring else None,
                         intervention_other=None if mentoring else "Night-time outreach",
                         approach_reason="Young people tell us they feel unsafe getting home at night.",
                         evidence="Similar schemes in other cities report fewer assaults near safe spaces.")
    services.save_outputs(applicant, application, 0, True,
                          [services.OutputAnswer("Nights the safe space is open", "nights", 96, priorities[1].id)],
                          [services.OutcomeAnswer("% of visitors who say they felt safer", "80%")])
    services.save_budget(applicant, application, 0, True, [
        services.LineAnswer("sessional", "Two sessional youth workers, 96 nights", 14_400_00),
        services.LineAnswer("venue", "Safe space hire", 6_000_00),
        services.LineAnswer("volunteers", "Volunteer travel and training", 3_600_00)])
    services.save_fields(applicant, application, "delivery", 0, True, start_date=start,
                         end_date=start + timedelta(days=364), milestones="Volunteers trained in month 1.",
                         risks="Volunteer numbers drop: we recruit all year round.")
    documents = {kind: documents_of(organisation, kind)[0] for kind in REQUIRED}
    services.save_safeguarding(applicant, application, 0, True, documents[DocumentKind.SAFEGUARDING_POLICY],
                               dbs_checks="all", dbs_details=None, safeguarding_lead_confirmed=True)
    services.save_documents(applicant, application, 0, True, documents[DocumentKind.CONSTITUTION],
                            documents[DocumentKind.ACCOUNTS])
    services.save_fields(applicant, application, "declaration", 0, True, declaration_name=applicant.name,
                         declaration_role="Director")
    services.submit(applicant, application)
    return application


def start_assessment(application: Application, officer: User, reviewers: list[User]) -> None:
    """The demo application passes its eligibility check and goes to both demo reviewers, who
    can declare and score it straight away."""
    checks.record_check(officer, application, {item.key: True for item in checks.CHECKLIST},
                        "Registration checked on the Companies House register.", CheckOutcome.PASSED, "")
    assignments.assign(officer, [application], reviewers)
