"""Signing in: the password check behind rate limits that hold across every server worker.

Failures are counted in the store per attempted account name and per client address over a
sliding window, so any number of workers (or machines) share one count. A check and the
failure it records are not one transaction: a burst of parallel guesses can overshoot a limit
by the number of requests in flight, never by more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from prepdeck.accounts import Account
from prepdeck.errors import Location, PrepdeckError

#: Longest account name or address kept for counting (longer input is cut, never refused).
KEY_LENGTH = 200


@dataclass(frozen=True)
class SignInLimits:
    """At most ``per_account`` failures for one name and ``per_address`` from one address
    within ``window``; beyond that, sign-in is refused until the oldest failure ages out."""

    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


class SignInRefused(PrepdeckError):
    """Sign-in did not succeed; the message is safe to show (it never says which part was wrong)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, Location("sign-in"))

    def __str__(self) -> str:
        return self.message


class WrongCredentials(SignInRefused):
    pass


class AccountDisabled(SignInRefused):
    pass


class TooManyAttempts(SignInRefused):
    """Too many recent failures; ``retry_after`` is the wait in whole seconds (>= 1)."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(f"too many failed sign-in attempts; try again in {minutes} minute(s)")
        self.retry_after = retry_after


class SignInStore(Protocol):
    """What signing in needs from the store (``prepdeck.storage.AccountStore`` has it all)."""

    def authenticate(self, name: str, password: str) -> Account | None: ...

    def sign_in_failures(
        self, name: str, address: str, since: datetime
    ) -> tuple[list[datetime], list[datetime]]: ...

    def record_sign_in_failure(self, name: str, address: str, at: datetime) -> None: ...

    def clear_sign_in_failures(self, name: str) -> None: ...


def seconds_to_wait(failures: list[datetime], limit: int, window: timedelta, now: datetime) -> int:
    """Seconds until fewer than ``limit`` of ``failures`` lie within ``window`` (0: not now)."""
    if limit <= 0 or len(failures) < limit:
        return 0
    # The failure whose ageing-out brings the count below the limit.
    pivot = sorted(failures)[len(failures) - limit]
    return max(1, math.ceil((pivot + window - now).total_seconds()))


def sign_in(
    store: SignInStore,
    name: str,
    password: str,
    address: str,
    now: datetime,
    limits: SignInLimits | None = None,
) -> Account:
    """The account ``name`` signs in to with ``password`` from ``address`` (a client IP).

    Raises :class:`TooManyAttempts` before checking anything when a limit is reached,
    :class:`WrongCredentials` (recording a failure) when the name or password is wrong, and
    :class:`AccountDisabled` for a disabled account with the right password. A success
    clears the account's failures (not the address's).
    """
    limits = limits or SignInLimits()
    key = name.strip().lower()[:KEY_LENGTH]
    address = address[:KEY_LENGTH]
    by_name, by_address = store.sign_in_failures(key, address, now - limits.window)
    wait = max(
        seconds_to_wait(by_name, limits.per_account, limits.window, now),
        seconds_to_wait(by_address, limits.per_address, limits.window, now),
    )
    if wait:
        raise TooManyAttempts(wait)
    account = store.authenticate(key, password)
    if account is None:
        store.record_sign_in_failure(key, address, now)
        raise WrongCredentials("the name or the password is wrong")
    if account.disabled:
        raise AccountDisabled("this account is disabled; ask an admin to enable it")
    store.clear_sign_in_failures(key)
    return account
