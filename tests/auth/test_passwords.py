"""Password rules (NCSC / NIST SP 800-63B) and argon2id hashing."""

from __future__ import annotations

import pytest

from sv_grants import config as settings
from sv_grants.auth.passwords import hash_password, password_problem, verify_password

TOO_SHORT = "Password must be 12 characters or more"
TOO_COMMON = "too easy to guess"


def argon2_parameters(password_hash: str) -> dict[str, int]:
    """{'m': ..., 't': ..., 'p': ...} from '$argon2id$v=19$m=65536,t=3,p=4$salt$hash'."""
    return {name: int(value) for name, value in (part.split("=") for part in password_hash.split("$")[3].split(","))}


@pytest.mark.parametrize("password", ["", "a", "eleven char"])
def test_a_password_shorter_than_twelve_characters_is_refused(password):
    assert password_problem(password) == TOO_SHORT


def test_a_password_of_exactly_twelve_characters_is_accepted():
    assert password_problem("tulip harbor") is None


@pytest.mark.parametrize("length", [128, 200])
def test_a_long_passphrase_is_accepted(length):
    words = "the quick brown fox jumps over the lazy dog near a quiet riverbank while rain falls "
    passphrase = (words * 5)[:length]
    assert len(passphrase) == length
    assert password_problem(passphrase) is None


@pytest.mark.parametrize("password", ["purple elephant marmalade", "lowercaseonlyletters", "correct horse battery"])
def test_no_mix_of_upper_case_digits_or_symbols_is_demanded(password):
    assert password_problem(password) is None


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "PASSWORD1234", "qwerty123456"])
def test_a_commonly_used_password_is_refused(password):
    assert TOO_COMMON in password_problem(password)


@pytest.mark.parametrize("password", ["Sunshine2024!!", "!!Password2024", "sunshine 2024 !!"])
def test_a_common_word_with_digits_and_symbols_added_is_still_refused(password):
    assert TOO_COMMON in password_problem(password)


def test_a_password_of_one_repeated_character_is_refused():
    assert TOO_COMMON in password_problem("aaaaaaaaaaaaaaaa")


@pytest.mark.parametrize("password", ["alexandra.jones@example.org", "alexandra.jones", "Alexandra.Jones2024!"])
def test_a_password_made_of_your_own_email_address_is_refused(password):
    problem = password_problem(password, email="alexandra.jones@example.org", name="Alexandra Jones")
    assert problem == "Password must not be your name or email address"


def test_a_password_made_of_your_own_name_is_refused():
    problem = password_problem("Alexandra Jones", email="aj@example.org", name="Alexandra Jones")
    assert problem == "Password must not be your name or email address"


def test_someone_elses_email_address_is_not_treated_as_personal():
    assert password_problem("alexandra.jones@example.org", email="sam@example.org") is None


def test_passwords_are_hashed_with_argon2id_and_verify(app):
    with app.app_context():
        hashed = hash_password("purple elephant marmalade")
        assert hashed.startswith("$argon2id$")
        assert "purple" not in hashed
        assert verify_password(hashed, "purple elephant marmalade")
        assert not verify_password(hashed, "purple elephant marmalad")
        assert not verify_password(None, "purple elephant marmalade")


def test_the_same_password_hashes_differently_each_time(app):
    with app.app_context():
        assert hash_password("purple elephant marmalade") != hash_password("purple elephant marmalade")


def test_the_default_setting_hashes_with_at_least_64_mib_of_memory(make_app, tmp_path, monkeypatch):
    monkeypatch.delenv("PASSWORD_HASH_MEMORY_KIB", raising=False)
    default = settings.load(str(tmp_path), {})["PASSWORD_HASH_MEMORY_KIB"]
    app = make_app(PASSWORD_HASH_MEMORY_KIB=default)
    with app.app_context():
        hashed = hash_password("purple elephant marmalade")
        assert verify_password(hashed, "purple elephant marmalade")
    assert hashed.startswith("$argon2id$")
    assert argon2_parameters(hashed)["m"] >= 64 * 1024
