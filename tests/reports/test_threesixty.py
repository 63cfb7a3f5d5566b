"""The 360Giving export: valid against the standard's own schema, identifiers in its schemes, the same
grants as the transparency list, nothing personal, and a spreadsheet that reads back to the same data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.reports import threesixty
from sv_grants.spreadsheets import safe_cell

from .published_awards import WARD, many_awards, published_awards
from .schema_check import SCHEMA_DIR, schema_errors, sheet_to_grants


@pytest.fixture
def published(app, setting, make_user):
    return published_awards(app, setting, make_user)


def package_of(app, fund_id: int) -> dict[str, Any]:
    with app.app_context():
        return threesixty.package(db.session.get(Fund, fund_id))


def by_id(package: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {grant["id"]: grant for grant in package["grants"]}


def test_the_package_validates_against_the_360giving_schema_with_no_errors(app, published):
    package = package_of(app, published.fund_id)

    assert schema_errors(package) == []
    assert len(package["grants"]) == 3
    assert package["version"] == "1.4"
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publisher"] == {"name": "The PCC", "identifier": "360G-svgrants-funder"}


def test_grants_and_organisations_are_identified_in_the_standards_schemes(app, published):
    grants = by_id(package_of(app, published.fund_id))

    charity = grants["360G-svgrants-SVF-2425-0001"]["recipientOrganization"][0]
    company = grants["360G-svgrants-SVF-2425-0002"]["recipientOrganization"][0]
    group = grants["360G-svgrants-SVF-2425-0003"]["recipientOrganization"][0]
    assert (charity["id"], charity["charityNumber"], "companyNumber" in charity) == ("GB-CHC-1234567", "1234567", False)
    assert (company["id"], company["companyNumber"], "charityNumber" in company) == ("GB-COH-SC123456", "SC123456",
                                                                                     False)
    assert group["id"].startswith("360G-svgrants-org-") and group["name"] == "Hilltop Residents Group"
    assert group["location"] == [{"geoCode": "E06000047", "geoCodeType": "UA", "countryCode": "GB",
                                  "name": "County Durham"}]


def test_a_grant_carries_its_amounts_dates_places_programme_and_priority(app, published):
    grants = by_id(package_of(app, published.fund_id))
    charity, company = grants["360G-svgrants-SVF-2425-0001"], grants["360G-svgrants-SVF-2425-0002"]

    assert (charity["amountAppliedFor"], charity["amountAwarded"], charity["amountDisbursed"]) == (20000, 20000, 0)
    assert (company["amountAppliedFor"], company["amountAwarded"]) == (15000, 12500.5)
    assert "amountDisbursed" not in company  # no grant has been offered yet, so nothing can have been paid
    assert charity["currency"] == "GBP" and charity["fromOpenCall"] == "Yes"
    assert charity["plannedDates"] == [{"startDate": "2025-04-01", "endDate": "2026-03-31", "duration": 12}]
    assert charity["beneficiaryLocation"] == [
        {"geoCode": "E06000005", "geoCodeType": "UA", "countryCode": "GB", "name": "Darlington"},
        {"geoCode": WARD[0], "geoCodeType": "WD", "countryCode": "GB", "name": WARD[1]}]
    assert charity["fundingOrganization"] == [{"id": "360G-svgrants-funder", "name": "The PCC"}]
    assert charity["grantProgramme"][0]["title"] == "Round 1"
    assert charity["grantProgramme"][0]["code"].startswith("svpf-2024-25-")
    assert charity["classifications"] == [{"vocabulary": "Serious Violence Prevention Fund priorities", "code": "P1",
                                           "title": "Early intervention"}]
    assert charity["description"] == "Summary of A project"


def test_the_funders_own_identifier_and_the_configured_prefix_are_used(make_app, setting, make_user):
    app = make_app(THREESIXTY_PREFIX="360G-durhampcc")
    published = published_awards(app, setting, make_user)
    with app.app_context():
        db.session.get(Fund, published.fund_id).funder_org_id = "GB-GOR-PC000123"
        db.session.commit()

    package = package_of(app, published.fund_id)

    assert set(by_id(package)) == {"360G-durhampcc-SVF-2425-0001", "360G-durhampcc-SVF-2425-0002",
                                   "360G-durhampcc-SVF-2425-0003"}
    assert package["publisher"]["identifier"] == "GB-GOR-PC000123"
    assert {grant["fundingOrganization"][0]["id"] for grant in package["grants"]} == {"GB-GOR-PC000123"}
    assert schema_errors(package) == []


def test_drafts_rejections_and_withdrawn_grants_are_not_exported(app, published):
    text = json.dumps(package_of(app, published.fund_id))

    for reference in (published.draft, published.rejected, published.withdrawn):
        assert reference not in text
    for name in published.unpublished:
        assert name not in text


def test_no_personal_data_is_exported(app, published):
    text = json.dumps(package_of(app, published.fund_id), ensure_ascii=False)
    with app.app_context():
        sheet = threesixty.workbook(db.session.get(Fund, published.fund_id))
    cells = " ".join(str(cell) for row in load_workbook_rows(sheet) for cell in row)

    for detail in published.personal:
        assert detail not in text
        assert detail not in cells
    assert "postalCode" not in text and "streetAddress" not in text


def load_workbook_rows(content: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content), read_only=True)["grants"].iter_rows(values_only=True))


def _safe(value: Any) -> Any:
    """What the spreadsheet holds for a JSON value: text made safe for spreadsheet programs."""
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_safe(item) for item in value]
    return safe_cell(value) if isinstance(value, str) else value


def test_the_spreadsheet_reads_back_to_the_same_valid_grants_with_safe_cells(app, published):
    with app.app_context():
        fund = db.session.get(Fund, published.fund_id)
        content, grants = threesixty.workbook(fund), threesixty.grant_objects(fund)

    _, read_back = sheet_to_grants(content)

    assert read_back == [_safe(grant) for grant in grants]
    assert schema_errors({"grants": read_back}) == []
    company = next(grant for grant in read_back if grant["id"].endswith(published.company))
    assert company["description"].startswith("'=HYPERLINK")


def test_the_spreadsheet_headings_are_the_360giving_template_titles(app, published):
    with app.app_context():
        headings, _ = sheet_to_grants(threesixty.workbook(db.session.get(Fund, published.fund_id)))

    assert headings[:8] == ["Identifier", "Title", "Description", "Currency", "Amount Applied For", "Amount Awarded",
                            "Amount Disbursed", "Award Date"]
    for heading in ("Planned Dates:Start Date", "Planned Dates:Duration (months)", "Recipient Org:Identifier",
                    "Recipient Org:Name", "Recipient Org:Charity Number", "Recipient Org:Company Number",
                    "Recipient Org:Location:0:Geographic Code", "Funding Org:Identifier", "Funding Org:Name",
                    "Grant Programme:Code", "Grant Programme:Title", "Beneficiary Location:0:Name",
                    "Beneficiary Location:1:Geographic Code Type", "Classifications:0:Vocabulary",
                    "From An Open Call?", "Last Modified"):
        assert heading in headings
    assert headings.index("Recipient Org:Name") < headings.index("Beneficiary Location:0:Name") \
        < headings.index("Funding Org:Name") < headings.index("Grant Programme:Code")


def test_a_fund_with_no_awards_gives_a_package_with_no_grants(app, setting):
    package = package_of(app, setting.fund_id)

    assert package["grants"] == []
    # The only complaint is the standard's rule that a package holds at least one grant, which is
    # why the site offers no 360Giving file until there is one.
    assert [error for error in schema_errors(package) if not error.startswith("grants: [] should be non-empty")] == []


def test_the_export_takes_a_fixed_number_of_queries_however_many_grants(app, setting, make_user):
    officer = make_user(Role.GRANTS_OFFICER)
    many_awards(app, setting, officer.id, 60)
    statements = []
    with app.app_context():
        fund = db.session.get(Fund, setting.fund_id)
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        package = threesixty.package(fund)

    assert len(package["grants"]) == 60
    assert len(statements) <= 8, statements
    assert schema_errors(package) == []


def test_geographic_code_types_agree_with_the_360giving_codelist():
    with (SCHEMA_DIR / "geoCodeType.csv").open(encoding="utf-8") as file:
        entities = {row["Documentation (URL)"].rsplit("/", 1)[-1]: row["Code"] for row in csv.DictReader(file)}

    assert {prefix: entities[prefix] for prefix in threesixty.GEO_CODE_TYPES} == threesixty.GEO_CODE_TYPES


def test_the_app_ships_the_same_grant_schema_the_tests_validate_against():
    shipped = Path(threesixty.__file__).parent.parent / "data" / "360-giving-schema.json"

    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == \
        hashlib.sha256((SCHEMA_DIR / "360-giving-schema.json").read_bytes()).hexdigest()


def test_the_command_writes_the_package_as_json(app, published, tmp_path):
    output = tmp_path / "grants.json"

    result = app.test_cli_runner().invoke(args=["export", "360giving", "--fund", published.slug, "--format", "json",
                                                "--output", str(output)])

    assert result.exit_code == 0, result.output
    assert "Wrote 3 grants from Serious Violence Prevention Fund" in result.output
    package = json.loads(output.read_bytes())
    assert schema_errors(package) == [] and len(package["grants"]) == 3


def test_the_command_writes_the_spreadsheet(app, published, tmp_path):
    output = tmp_path / "grants.xlsx"

    result = app.test_cli_runner().invoke(args=["export", "360giving", "--fund", published.slug, "--format", "xlsx",
                                                "--output", str(output)])

    assert result.exit_code == 0, result.output
    headings, grants = sheet_to_grants(output.read_bytes())
    assert headings[0] == "Identifier" and len(grants) == 3
    assert schema_errors({"grants": grants}) == []


def test_the_command_refuses_an_unknown_fund_with_a_usage_error(app, setting, tmp_path):
    output = tmp_path / "grants.json"

    result = app.test_cli_runner().invoke(args=["export", "360giving", "--fund", "no-such-fund", "--output",
                                                str(output)])

    assert result.exit_code == 2
    assert "there is no fund with the slug 'no-such-fund'. Funds: svpf-2024-25." in result.output
    assert not output.exists()


def test_the_command_warns_that_a_fund_with_no_awards_has_nothing_to_publish(app, setting, tmp_path):
    output = tmp_path / "grants.json"

    result = app.test_cli_runner().invoke(args=["export", "360giving", "--fund", "svpf-2024-25", "--output",
                                                str(output)])

    assert result.exit_code == 0
    assert "Wrote 0 grants" in result.stdout and "do not publish this file" in result.stderr
    assert json.loads(output.read_bytes())["grants"] == []
