"""The questions asked before an application is created, and why an answer stops someone.

Each answer is checked on its own, so an applicant who cannot apply is told at the question that
rules them out, with the reason and what they can do instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..dates import format_date
from ..funds.models import Round
from ..money import gbp

QUESTIONS = ("organisation_type", "delivers_locally", "priority", "amount", "start_date")
OTHER_TYPE = "other"
NO_PRIORITY = "none"


@dataclass(frozen=True)
class Ineligible:
    reason: str
    instead: str


def check(question: str, answer: str, round_: Round) -> Ineligible | None:
    """``answer`` is the stored form of the answer: a code, an id, pence or an ISO date."""
    if question == "organisation_type" and answer == OTHER_TYPE:
        return Ineligible(
            "This fund is for charities, community groups, community interest companies and social "
            "enterprises. Public bodies, schools, individuals and businesses that distribute profit "
            "to owners cannot apply.",
            "If you work with a local voluntary or community organisation, it could apply as the lead "
            "partner and include your work in its project.")
    if question == "delivers_locally" and answer == "no":
        return Ineligible(
            "The fund pays only for work delivered in County Durham or Darlington.",
            "Contact the Police and Crime Commissioner for the area where you work: most run similar funds.")
    if question == "priority" and answer == NO_PRIORITY:
        return Ineligible(
            "Every funded project must address at least one of the four priorities of the Serious "
            "Violence Response Strategy.",
            "Read the priorities again: if your work could be shaped to address one of them, you can "
            "start again. Otherwise, ask the grants team about other funding.")
    if question == "amount":
        pence = int(answer)
        if not round_.min_award_pence <= pence <= round_.max_award_pence:
            return Ineligible(
                f"This round gives grants of between {gbp(round_.min_award_pence)} and "
                f"{gbp(round_.max_award_pence)}. You said you would ask for {gbp(pence)}.",
                "Change the size of the project so the amount fits, or look for match funding "
                "for the rest.")
    if question == "start_date":
        start = date.fromisoformat(answer)
        if not round_.delivery_from <= start < round_.delivery_until:
            return Ineligible(
                f"Projects funded in this round must start between {format_date(round_.delivery_from)} "
                f"and {format_date(round_.delivery_until)}. You said yours would start on "
                f"{format_date(start)}.",
                "If the project could start within those dates, go back and change your answer.")
    return None
