"""Accounts: roles, name and password rules, argon2 password hashes and opaque secrets.

Passwords are hashed with argon2id (argon2-cffi, RFC 9106 low-memory profile) and rehashed
when they are verified under older parameters. Every other secret prepdeck hands out (API
tokens, session cookies, invitation links) is a random URL-safe string of which only the
SHA-256 is stored: a leaked database cannot be replayed against the server.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from prepdeck.errors import Location, PrepdeckError

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD = 8
#: Long enough for any passphrase or password manager, short enough to bound hashing work.
MAX_PASSWORD = 1024
MAX_TOKEN_LABEL = 100
#: API tokens start with this, so a leaked one is recognisable in logs and secret scanners.
TOKEN_PREFIX = "pdk_"

_HASHER = PasswordHasher()
# Verified when the account does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class Role(StrEnum):
    """What an account may do: admins manage users (and, later, shared banks)."""

    ADMIN = "admin"
    LEARNER = "learner"


class AccountError(PrepdeckError):
    """Bad account input or a refused account change; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", Location(field))
        self.field = field
        self.reason = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Account:
    """A user as the accounts pages see it. ``has_password`` False: cannot sign in yet."""

    id: int
    name: str
    role: Role
    disabled: bool
    has_password: bool
    created_at: datetime
    email: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class ApiToken:
    """An API token's record; the token itself is shown once, at creation, and never stored."""

    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None = None


@dataclass(frozen=True)
class Invitation:
    """A sign-up link an admin created; usable once, until ``expires_at``."""

    id: int
    role: Role
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


def check_name(name: str) -> str:
    """The account name to store: trimmed and lower-cased. Raises :class:`AccountError`."""
    cleaned = name.strip().lower()
    if not NAME_PATTERN.fullmatch(cleaned):
        raise AccountError(
            "name",
            "use 2 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return cleaned


def check_password(password: str, name: str = "") -> str:
    """``password`` if it may be used (8 to 1024 characters, not the name); else AccountError."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password", f"use at most {MAX_PASSWORD} characters")
    if not password.strip():
        raise AccountError("password", "must not be only spaces")
    if name and password.strip().lower() == name.strip().lower():
        raise AccountError("password", "must not be the account name")
    return password


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise AccountError("role", "must be admin or learner") from None


def check_token_label(label: str) -> str:
    cleaned = " ".join(label.split())
    if not cleaned:
        raise AccountError("label", "give the token a name, such as the script that uses it")
    if len(cleaned) > MAX_TOKEN_LABEL:
        raise AccountError("label", f"use at most {MAX_TOKEN_LABEL} characters")
    return cleaned


def hash_password(password: str) -> str:
    """An argon2id hash (PHC string) of ``password``; about 0.2 s of CPU by design."""
    return _HASHER.hash(password)


@dataclass(frozen=True)
class PasswordCheck:
    """The result of :func:`verify_password`; ``new_hash`` is set when it should be stored."""

    ok: bool
    new_hash: str | None = None


def verify_password(stored: str | None, password: str) -> PasswordCheck:
    """Check ``password`` against ``stored`` (None: no such account, or no password set).

    Costs the same whether or not there is a hash, so timing does not tell which names exist.
    When the hash was made with older parameters, ``new_hash`` holds a fresh one to store.
    """
    if stored is None:
        with contextlib.suppress(VerificationError):
            _HASHER.verify(_DUMMY_HASH, password)
        return PasswordCheck(False)
    try:
        _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return PasswordCheck(False)
    return PasswordCheck(
        True, hash_password(password) if _HASHER.check_needs_rehash(stored) else None
    )


def new_secret(prefix: str = "") -> str:
    """A fresh random secret (256 bits, URL-safe) for a token, session or invitation."""
    return prefix + secrets.token_urlsafe(32)


def new_api_token() -> str:
    return new_secret(TOKEN_PREFIX)


def secret_hash(secret: str) -> str:
    """SHA-256 hex of a secret: what the database keeps instead of the secret itself.

    A fast hash is right here (unlike passwords): the secrets are 256 random bits.
    """
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
