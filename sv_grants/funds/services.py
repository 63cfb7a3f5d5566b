"""Reading the reference data other packages need from funds."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Area


def local_authority_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).where(Area.kind == "local_authority").order_by(Area.name)))
