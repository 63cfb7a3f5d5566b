"""What the returns need beyond the grants themselves: the Home Office context measures officers
enter each period, and the anonymised case studies they choose for the impact return."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import UTCDateTime
from ..dates import utcnow
from ..extensions import db
from ..monitoring.models import MonitoringReturn


class Measure(StrEnum):
    """The Home Office success measures for the Serious Violence Duty."""

    HOMICIDES = "homicides"
    KNIFE_ADMISSIONS = "knife_admissions"
    KNIFE_CRIME = "knife_crime"

    @property
    def label(self) -> str:
        return {
            "homicides": "Homicides",
            "knife_admissions": "Hospital admissions for assault with a knife or sharp object",
            "knife_crime": "Police-recorded knife or sharp instrument offences",
        }[self.value]


class ContextMeasure(db.Model):
    """A partnership-level figure for an area and period, with where it came from. Shown beside the
    impact return as context; never attributed to a grant."""

    __tablename__ = "context_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(20))
    area_name: Mapped[str] = mapped_column(String(100))
    financial_year: Mapped[str] = mapped_column(String(7))  # "2024-25"
    # 1 to 4 for a financial quarter (April to June is 1); 0 for the whole year. Not NULL, so the
    # unique constraint holds for whole-year figures too.
    quarter: Mapped[int] = mapped_column(default=0)
    value: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(Text)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])

    __table_args__ = (
        UniqueConstraint("measure", "area_name", "financial_year", "quarter", name="uq_context_measure_once"),
        CheckConstraint("measure IN ('homicides', 'knife_admissions', 'knife_crime')", name="known_measure"),
        CheckConstraint("quarter BETWEEN 0 AND 4", name="quarter_range"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    @property
    def measure_enum(self) -> Measure:
        return Measure(self.measure)

    @property
    def period_label(self) -> str:
        year = self.financial_year.replace("-", "/")
        return f"{year}" if self.quarter == 0 else f"{year} quarter {self.quarter}"


class FeaturedCaseStudy(db.Model):
    """An officer's choice of an accepted return's anonymised case study for the impact return."""

    __tablename__ = "featured_case_studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id"), unique=True)
    chosen_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    monitoring_return: Mapped[MonitoringReturn] = relationship()
    chosen_by: Mapped[User] = relationship(foreign_keys=[chosen_by_id])
