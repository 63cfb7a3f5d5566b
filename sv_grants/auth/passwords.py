"""Password rules and hashing.

The rules follow NCSC and NIST SP 800-63B: a minimum length, room for long passphrases, no
composition rules, and no password that appears in breach data. Hashes are argon2id.
"""

from __future__ import annotations

import functools
import string
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 256
_AFFIXES = string.digits + string.punctuation + " "


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """The error message to show for ``password``, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    common = common_passwords()
    # "Password123!" and "sunshine2024" are common passwords with digits and symbols added.
    core = lowered.strip(_AFFIXES)
    if lowered in common or core in common or len(set(lowered)) <= 2:
        return ("Password is too easy to guess: it is one of the most commonly used passwords. "
                "Choose a different password")
    personal = {part for part in (email.lower().split("@")[0], email.lower(), name.lower()) if len(part) >= 4}
    if core in personal or lowered in personal:
        return "Password must not be your name or email address"
    return None


@functools.cache
def _hasher(memory_kib: int) -> PasswordHasher:
    # argon2id with the RFC 9106 second recommended settings (t=3, 64 MiB, p=4) by default.
    return PasswordHasher(time_cost=3, memory_cost=memory_kib, parallelism=4)


def hasher() -> PasswordHasher:
    return _hasher(current_app.config["PASSWORD_HASH_MEMORY_KIB"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the same time as a real check, so timing does not tell which e-mails have accounts."""
    verify_password(_dummy_hash(), "not the password")


@functools.cache
def _dummy_hash_for(memory_kib: int) -> str:
    return _hasher(memory_kib).hash("dummy password for timing")


def _dummy_hash() -> str:
    return _dummy_hash_for(current_app.config["PASSWORD_HASH_MEMORY_KIB"])
