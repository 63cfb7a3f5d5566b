"""Time-based one-time passwords (RFC 6238) from an authenticator app.

A code is accepted for its own 30-second step and one step either side (clock drift). Each
accepted step is recorded on the user with a conditional UPDATE, so the same code, or an older
one, cannot be used again, not even by two requests racing each other.
"""

from __future__ import annotations

import base64
from datetime import datetime

import pyotp
import segno
from sqlalchemy import update

from ..extensions import db
from .models import User

STEP_SECONDS = 30
ISSUER = "SV Grants"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """An SVG QR code as a data: URI, drawn on the server so no script is needed."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` belongs to (allowing one step of drift), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // STEP_SECONDS
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            return candidate
    return None


def use_code(user: User, secret: str, code: str, now: datetime) -> bool:
    """Accept ``code`` once: True if it is valid and newer than every code used before."""
    step = matching_step(secret, code, now)
    if step is None:
        return False
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.totp_last_step < step)
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(user, ["totp_last_step"])
    return True
