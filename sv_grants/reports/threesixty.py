"""A fund's awarded grants in the 360Giving Data Standard (1.4): a JSON data package and the flat
spreadsheet 360Giving's templates use, one row per grant.

Identifiers follow the standard's schemes so the data joins up with every other funder's: a grant is
``<publisher prefix>-<application reference>``; an organisation is ``GB-CHC-<number>`` when it is a
charity registered in England and Wales, else ``GB-COH-<number>`` when Companies House registers it,
else an identifier of our own under the publisher prefix (360Giving's advice for unregistered
groups); places are ONS codes. The grants are exactly those the transparency list publishes, and
like it the data names no people and gives no addresses: recipients are located by local authority.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select

from ..dates import clock
from ..extensions import db
from ..funds.models import Area, Fund
from ..grants.models import Grant, Instalment, Variation
from ..organisations.models import Organisation
from ..spreadsheets import safe_cell
from . import threesixty_flat
from .transparency import Award, awards

VERSION = "1.4"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

# 360Giving's geoCodeType codelist names an ONS code's kind; the kind is the code's first three
# characters (its ONS "statistical entity"). Only the kinds a grant's places can be are listed.
GEO_CODE_TYPES = {
    "E05": "WD", "E06": "UA", "E07": "NMD", "E08": "MD", "E09": "LONB", "E10": "CTY", "E22": "CSP",
    "E23": "PFA", "W05": "WD", "W06": "UA", "S12": "CA", "S13": "WD",
}

# Grants come from a round that any eligible organisation could apply to.
FROM_OPEN_CALL = "Yes"


def prefix() -> str:
    return current_app.config["THREESIXTY_PREFIX"]


def grant_id(reference: str) -> str:
    return f"{prefix()}-{reference}"


def organisation_id(organisation: Organisation) -> str:
    if organisation.charity_number:
        # A linked charity's number ("1234567-1") is registered under its main charity's number.
        return "GB-CHC-" + organisation.charity_number.strip().split("-")[0]
    if organisation.company_number:
        return "GB-COH-" + organisation.company_number.strip().upper()
    return f"{prefix()}-org-{organisation.id}"


def funder_id(fund: Fund) -> str:
    return fund.funder_org_id.strip() or f"{prefix()}-funder"


def pounds(pence: int) -> int | float:
    """Pence as a JSON number of pounds: whole pounds as an integer, others exactly to the penny."""
    whole, rest = divmod(pence, 100)
    return whole if rest == 0 else float(Decimal(pence) / 100)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _months(start: date, end: date) -> int:
    """A delivery period in whole months (1 April to 31 March is 12), never less than one."""
    return max(1, round(((end - start).days + 1) / (365.25 / 12)))


def _location(code: str, names: dict[str, str]) -> dict[str, Any]:
    location: dict[str, Any] = {"name": names[code]} if code in names else {}
    location |= {"countryCode": "GB", "geoCode": code}
    if code[:3] in GEO_CODE_TYPES:
        location["geoCodeType"] = GEO_CODE_TYPES[code[:3]]
    return location


def _recipient(organisation: Organisation, names: dict[str, str]) -> dict[str, Any]:
    recipient: dict[str, Any] = {"id": organisation_id(organisation), "name": organisation.name}
    if organisation.charity_number:
        recipient["charityNumber"] = organisation.charity_number.strip()
    if organisation.company_number:
        recipient["companyNumber"] = organisation.company_number.strip().upper()
    if organisation.local_authority_code:
        recipient["location"] = [_location(organisation.local_authority_code, names)]
    return recipient


def _area_names(rows: list[Award]) -> dict[str, str]:
    codes = {code for award in rows for code in award.application.delivery_areas or []}
    codes |= {award.application.organisation.local_authority_code for award in rows} - {None}
    if not codes:
        return {}
    return dict(db.session.execute(select(Area.code, Area.name).where(Area.code.in_(codes))).tuples().all())


def _last_changes(fund: Fund) -> dict[int, datetime]:
    """When each of the fund's grants last had a variation decided or a payment recorded: both change
    what is published (the award, the amount paid), so both count towards a grant's dateModified."""
    latest: dict[int, datetime] = {}
    for key, column in ((Variation.grant_id, Variation.decided_at), (Instalment.grant_id, Instalment.paid_recorded_at)):
        found = db.session.execute(select(key, func.max(column)).join(Grant, Grant.id == key)
                                   .where(Grant.fund_id == fund.id).group_by(key)).tuples()
        for grant, moment in found:
            if moment is not None and (grant not in latest or moment > latest[grant]):
                latest[grant] = moment
    return latest


def _modified(award: Award, last_changes: dict[int, datetime]) -> datetime:
    moments = [award.application.updated_at, award.decision.notified_at]
    if award.grant is not None:
        grant = award.grant
        moments += [grant.offered_at, grant.accepted_at, grant.status_changed_at, grant.closed_at,
                    last_changes.get(grant.id)]
    return max(moment for moment in moments if moment is not None)


def _grant(award: Award, fund: Fund, names: dict[str, str], last_changes: dict[int, datetime]) -> dict[str, Any]:
    application, grant = award.application, award.grant
    title = application.display_title
    data: dict[str, Any] = {
        "id": grant_id(application.reference or str(application.id)),
        "title": title,
        "description": award.purpose or title,
        "currency": "GBP",
    }
    if application.requested_pence:
        data["amountAppliedFor"] = pounds(application.requested_pence)
    data["amountAwarded"] = pounds(award.amount_pence)
    if grant is not None:
        data["amountDisbursed"] = pounds(grant.paid_pence)
    data["awardDate"] = award.award_date.isoformat()
    start = grant.start_date if grant else application.start_date
    end = grant.end_date if grant else application.end_date
    if start and end:
        data["plannedDates"] = [{"startDate": start.isoformat(), "endDate": end.isoformat(),
                                 "duration": _months(start, end)}]
    data["recipientOrganization"] = [_recipient(application.organisation, names)]
    if application.delivery_areas:
        data["beneficiaryLocation"] = [_location(code, names) for code in application.delivery_areas]
    data["fundingOrganization"] = [{"id": funder_id(fund), "name": fund.funder_name}]
    data["grantProgramme"] = [{"code": f"{fund.slug}-{application.round.id}", "title": application.round.name}]
    data["fromOpenCall"] = FROM_OPEN_CALL
    priority = award.priority
    if priority is not None:
        data["classifications"] = [{"vocabulary": f"{fund.name} priorities", "code": priority.code,
                                    "title": priority.title}]
    data["dateModified"] = _timestamp(_modified(award, last_changes))
    return data


def grant_objects(fund: Fund) -> list[dict[str, Any]]:
    """Every published award of the fund as a 360Giving grant."""
    rows = awards(fund)
    names, last_changes = _area_names(rows), _last_changes(fund)
    return [_grant(award, fund, names, last_changes) for award in rows]


def _public_url(path: str) -> str:
    # From BASE_URL, as e-mails are: the command line has no request to take a host from.
    return current_app.config["BASE_URL"].rstrip("/") + path


def package(fund: Fund) -> dict[str, Any]:
    """The data package: the grants with what the package schema says about who published them,
    when and under which licence. A fund with no published awards gives an empty list of grants,
    which the package schema refuses ("minItems": 1): publish nothing until there is a grant."""
    grants = grant_objects(fund)
    now = clock.now()
    modified = max((datetime.fromisoformat(grant["dateModified"]) for grant in grants), default=now)
    funder = {"name": fund.funder_name, "identifier": funder_id(fund)}
    return {
        "grants": grants,
        "version": VERSION,
        "title": f"{fund.name}: grants awarded",
        "description": (f"Grants awarded by {fund.funder_name} from the {fund.name} ({fund.financial_year}), "
                        "published once each applicant has been told of the award."),
        "identifier": f"{prefix()}-{fund.slug}",
        "issued": _timestamp(now),
        "modified": _timestamp(modified),
        "publisher": funder,
        "license": LICENSE,
        "accessURL": _public_url(f"/transparency/{fund.slug}"),
        "downloadURL": _public_url(f"/transparency/{fund.slug}/360giving.json"),
    }


def package_json(fund: Fund) -> bytes:
    return json.dumps(package(fund), ensure_ascii=False, indent=2).encode("utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        # openpyxl refuses control characters; a pasted summary can carry them.
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _sheet_rows(grants: list[dict[str, Any]]) -> Iterable[list[Any]]:
    headings, rows = threesixty_flat.flatten(grants)
    yield [_cell(heading) for heading in headings]
    for row in rows:
        yield [_cell(row.get(heading)) for heading in headings]


def workbook(fund: Fund) -> bytes:
    """The grants as the 360Giving spreadsheet: a "grants" sheet, headings in the first row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("grants")
    for row in _sheet_rows(grant_objects(fund)):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
