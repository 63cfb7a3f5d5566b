"""The task-list sections of a return, in the order an organisation meets them.

Outputs and participant reach are counted quarter by quarter only. The final return covers the
whole grant, so repeating them there would count every session and every participant twice: it
reports outcomes, spend and the closing narrative only.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import MonitoringReturn


@dataclass(frozen=True)
class Section:
    key: str
    title: str


OUTPUTS = Section("outputs", "Outputs delivered")
REACH = Section("reach", "Participants reached")
OUTCOMES = Section("outcomes", "Outcomes")
SPEND = Section("spend", "Spend to date")
NARRATIVE = Section("narrative", "Progress and case study")

QUARTERLY_SECTIONS = (OUTPUTS, REACH, OUTCOMES, SPEND, NARRATIVE)
FINAL_SECTIONS = (OUTCOMES, SPEND, NARRATIVE)
COMPLETED, IN_PROGRESS = "completed", "in_progress"


def sections_of(monitoring_return: MonitoringReturn) -> tuple[Section, ...]:
    return FINAL_SECTIONS if monitoring_return.is_final else QUARTERLY_SECTIONS


def section_state(monitoring_return: MonitoringReturn, key: str) -> str | None:
    return (monitoring_return.sections or {}).get(key)


def incomplete_sections(monitoring_return: MonitoringReturn) -> list[Section]:
    return [s for s in sections_of(monitoring_return) if section_state(monitoring_return, s.key) != COMPLETED]
