"""The core of accounts: name and password rules, argon2 hashes, secrets, sign-in limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from prepdeck.accounts import (
    AccountError,
    Role,
    check_name,
    check_password,
    check_role,
    check_token_label,
    hash_password,
    new_api_token,
    secret_hash,
    verify_password,
)
from prepdeck.settings import SettingsError, load_settings
from prepdeck.sign_in import TooManyAttempts, seconds_to_wait

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_names_are_trimmed_lower_cased_and_checked() -> None:
    assert check_name("  Ada.Lovelace ") == "ada.lovelace"
    for bad in ("", "a", "-ada", "ada lovelace", "ada/../x", "é" * 3, "x" * 41):
        with pytest.raises(AccountError) as caught:
            check_name(bad)
        assert caught.value.field == "name"
        assert "letters, digits" in str(caught.value)


def test_password_rules_name_the_field() -> None:
    assert check_password("correct horse", "ada") == "correct horse"
    for bad, reason in (
        ("short", "at least 8"),
        ("x" * 1025, "at most 1024"),
        (" " * 9, "only spaces"),
        ("Ada-Lovelace", "account name"),
    ):
        with pytest.raises(AccountError) as caught:
            check_password(bad, "ada-lovelace")
        assert caught.value.field == "password" and reason in str(caught.value)


def test_roles_and_token_labels() -> None:
    assert check_role("admin") is Role.ADMIN
    with pytest.raises(AccountError, match="role: must be admin or learner"):
        check_role("root")
    assert check_token_label("  nightly   sync ") == "nightly sync"
    with pytest.raises(AccountError, match="label"):
        check_token_label("   ")


def test_password_hash_is_argon2id_and_verifies_only_the_password() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("$argon2id$") and "correct" not in stored
    assert verify_password(stored, "correct horse").ok
    assert verify_password(stored, "correct horsf").ok is False
    assert verify_password(None, "correct horse").ok is False
    assert verify_password("not a hash", "correct horse").ok is False
    assert verify_password(stored, "correct horse").new_hash is None


def test_a_hash_with_older_parameters_is_rehashed_on_verify() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("correct horse")
    check = verify_password(weak, "correct horse")
    assert check.ok and check.new_hash is not None and check.new_hash != weak
    assert "m=65536" in check.new_hash and "m=8," in weak
    assert verify_password(check.new_hash, "correct horse").ok


def test_secrets_are_random_and_stored_as_sha256() -> None:
    token, other = new_api_token(), new_api_token()
    assert token.startswith("pdk_") and len(token) > 40 and token != other
    digest = secret_hash(token)
    assert len(digest) == 64 and token not in digest and digest == secret_hash(token)


def test_wait_counts_from_the_failure_that_must_age_out() -> None:
    window = timedelta(minutes=15)
    failures = [NOW - timedelta(minutes=m) for m in (14, 10, 6, 2, 1)]
    assert seconds_to_wait(failures[1:], 5, window, NOW) == 0
    assert seconds_to_wait(failures, 5, window, NOW) == 60  # the 14-minute-old one, in 1 min
    assert seconds_to_wait(failures, 3, window, NOW) == 9 * 60  # the 3rd newest (6 min old)
    assert TooManyAttempts(61).retry_after == 61
    assert "2 minute(s)" in str(TooManyAttempts(61))


def test_account_settings_from_the_environment(tmp_path: Path) -> None:
    missing = tmp_path / "none.toml"
    default = load_settings(env={}, path=missing)
    assert not default.accounts and default.signup and default.secure_cookies == "auto"
    settings = load_settings(
        env={
            "PREPDECK_ACCOUNTS": "true",
            "PREPDECK_SIGNUP": "false",
            "PREPDECK_SESSION_LIFETIME": "8h",
            "PREPDECK_SECURE_COOKIES": "TRUE",
            "PREPDECK_SIGN_IN_FAILURES_PER_ACCOUNT": "3",
            "PREPDECK_SIGN_IN_WINDOW": "30m",
        },
        path=missing,
    )
    assert settings.accounts and not settings.signup
    assert settings.session_lifetime == timedelta(hours=8) and settings.secure_cookies == "true"
    assert settings.sign_in_failures_per_account == 3
    assert settings.sign_in_window == timedelta(minutes=30)
    for name, value, message in (
        ("SECURE_COOKIES", "maybe", "secure_cookies must be auto, true or false"),
        ("SIGN_IN_WINDOW", "2d", "sign_in_window must be at most 1d"),
        ("SIGN_IN_FAILURES_PER_ADDRESS", "0", "must be at least 1"),
        ("SESSION_LIFETIME", "soon", "session_lifetime"),
    ):
        with pytest.raises(SettingsError, match=message):
            load_settings(env={f"PREPDECK_{name}": value}, path=missing)
