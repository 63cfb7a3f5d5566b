"""The ten task-list sections of an application, in the order an applicant meets them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    # The application's own columns this section writes; lines and links are saved by their services.
    fields: tuple[str, ...] = ()


SECTIONS: tuple[Section, ...] = (
    Section("about", "About the project", ("title", "summary", "description")),
    Section("priorities", "Priorities"),
    Section("reach", "Who it reaches", ("age_bands", "gender_focus", "people_expected", "referral_routes",
                                        "delivery_areas", "delivery_places")),
    Section("approach", "Approach and evidence", ("intervention_type_id", "intervention_other",
                                                  "approach_reason", "evidence")),
    Section("outputs", "Outputs and outcomes"),
    Section("budget", "Budget"),
    Section("delivery", "Delivery plan and dates", ("start_date", "end_date", "milestones", "risks")),
    Section("safeguarding", "Safeguarding", ("dbs_checks", "dbs_details", "safeguarding_lead_confirmed")),
    Section("documents", "Documents"),
    Section("declaration", "Declaration", ("declaration_name", "declaration_role")),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}

AGE_BANDS = [("under_10", "Under 10"), ("10_13", "10 to 13"), ("14_17", "14 to 17"), ("18_24", "18 to 24"),
             ("25_plus", "25 and over")]
GENDER_FOCUS = [("all", "Everyone"), ("female", "Mainly girls and young women"),
                ("male", "Mainly boys and young men")]
DBS_CHECKS = [
    ("all", "Yes, everyone working with children or adults at risk has an enhanced DBS check"),
    ("some", "Some people do: we are arranging checks for the others before they start"),
    ("not_needed", "No one will work with children or adults at risk"),
]
# Budget categories and whether each is a labour cost, which the funding return reports apart.
BUDGET_CATEGORIES = [
    ("staff", "Staff salaries", True),
    ("sessional", "Sessional workers and freelancers", True),
    ("volunteers", "Volunteer expenses", False),
    ("venue", "Venue hire", False),
    ("equipment", "Equipment and materials", False),
    ("travel", "Travel", False),
    ("training", "Training", False),
    ("overheads", "Management and overheads", False),
    ("other", "Other costs", False),
]
LABOUR_CATEGORIES = {code for code, _, labour in BUDGET_CATEGORIES if labour}
CATEGORY_LABELS = {code: label for code, label, _ in BUDGET_CATEGORIES}
