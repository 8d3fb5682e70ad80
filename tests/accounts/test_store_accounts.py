"""Accounts in the store, on SQLite and PostgreSQL: only hashes are kept, every rule holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from prepdeck.accounts import AccountError, Role, secret_hash
from prepdeck.scheduling import utcnow
from prepdeck.sign_in import (
    AccountDisabled,
    SignInLimits,
    TooManyAttempts,
    WrongCredentials,
    sign_in,
)
from prepdeck.store import SqlStore
from prepdeck.store.tables import api_tokens, auth_sessions, invitations, users

DAY = timedelta(days=1)


def test_create_account_hashes_the_password_and_refuses_a_taken_name(store: SqlStore) -> None:
    ada = store.create_account("Ada", "correct horse", "admin")
    with store.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.id == ada)).scalar()
    assert stored is not None and stored.startswith("$argon2id$") and "horse" not in stored
    account = store.account(ada)
    assert account is not None and account.name == "ada" and account.role is Role.ADMIN
    assert account.has_password and not account.disabled and account.is_admin
    with pytest.raises(AccountError, match="name: 'ada' is taken"):
        store.create_account("ADA", "another password")
    with pytest.raises(AccountError, match="password: use at least 8"):
        store.create_account("bob", "short")
    assert store.account_by_name("bob") is None
    assert [a.name for a in store.accounts()] == ["ada"]
    assert store.count_admins() == 1


def test_the_single_user_default_keeps_working(store: SqlStore) -> None:
    local = store.user_id("local")
    account = store.account(local)
    assert account is not None and account.role is Role.LEARNER and not account.has_password
    assert store.authenticate("local", "") is None
    with pytest.raises(AccountError, match="'local' is taken"):
        store.create_account("local", None)


def test_authenticate_checks_the_password(store: SqlStore) -> None:
    ada = store.create_account("ada", "correct horse")
    signed = store.authenticate(" ADA ", "correct horse")
    assert signed is not None and signed.id == ada
    assert store.authenticate("ada", "wrong horse") is None
    assert store.authenticate("nobody", "correct horse") is None


def test_password_change_ends_every_session(store: SqlStore) -> None:
    ada = store.create_account("ada", "correct horse")
    cookie = store.create_auth_session(ada, DAY)
    assert store.session_user(cookie) == ada
    store.set_password(ada, "battery staple")
    assert store.session_user(cookie) is None
    assert store.authenticate("ada", "correct horse") is None
    assert store.authenticate("ada", "battery staple") is not None
    with pytest.raises(AccountError, match="password"):
        store.set_password(ada, "ada")
    with pytest.raises(AccountError, match="user: there is no account with id 999"):
        store.set_password(999, "battery staple")


def test_disabled_account_loses_sessions_and_tokens(store: SqlStore) -> None:
    ada = store.create_account("ada", "correct horse")
    cookie = store.create_auth_session(ada, DAY)
    token = store.create_api_token(ada, "script")
    store.set_disabled(ada, True)
    assert store.session_user(cookie) is None
    assert store.verify_api_token(token) is None
    account = store.authenticate("ada", "correct horse")
    assert account is not None and account.disabled
    store.set_disabled(ada, False)
    assert store.verify_api_token(token) == ada
    assert store.session_user(cookie) is None  # sessions do not come back


def test_api_tokens_are_stored_as_hashes_and_revoked_by_their_owner_only(
    store: SqlStore,
) -> None:
    ada = store.create_account("ada", "correct horse")
    bob = store.create_account("bob", "battery staple")
    token = store.create_api_token(ada, " nightly  sync ")
    with store.engine.connect() as conn:
        kept = conn.execute(select(api_tokens.c.token_hash)).scalars().all()
    assert kept == [secret_hash(token)]
    assert store.verify_api_token(token) == ada
    assert store.verify_api_token(token + "x") is None
    listed = store.api_tokens(ada)
    assert [t.label for t in listed] == ["nightly sync"] and listed[0].last_used_at is not None
    assert store.api_tokens(bob) == []
    assert store.revoke_api_token(bob, listed[0].id) is False
    assert store.verify_api_token(token) == ada
    assert store.revoke_api_token(ada, listed[0].id) is True
    assert store.verify_api_token(token) is None
    assert store.api_tokens(ada) == []
    assert store.revoke_api_token(ada, listed[0].id) is False
    with pytest.raises(AccountError, match="label"):
        store.create_api_token(ada, "")


def test_sessions_expire_and_end(store: SqlStore) -> None:
    ada = store.create_account("ada", "correct horse")
    expired = store.create_auth_session(ada, timedelta(seconds=-1))
    assert store.session_user(expired) is None
    one, two = store.create_auth_session(ada, DAY), store.create_auth_session(ada, DAY)
    with store.engine.connect() as conn:
        hashes = set(conn.execute(select(auth_sessions.c.token_hash)).scalars())
    assert secret_hash(one) in hashes and one not in hashes
    assert secret_hash(expired) not in hashes  # expired sessions are swept
    assert store.session_user("not a cookie") is None
    assert store.end_auth_sessions(ada, keep=two) == 1
    assert store.session_user(one) is None and store.session_user(two) == ada
    store.end_auth_session(two)
    assert store.session_user(two) is None


def test_invitation_is_single_use_and_expires(store: SqlStore) -> None:
    admin = store.create_account("root", "correct horse", "admin")
    link = store.create_invitation("learner", timedelta(days=7), created_by=admin)
    invitation = store.invitation(link)
    assert invitation is not None and invitation.role is Role.LEARNER
    with pytest.raises(AccountError, match="name: 'root' is taken"):
        store.accept_invitation(link, "root", "battery staple")
    assert store.invitation(link) is not None  # a refused attempt does not use the link
    bea = store.accept_invitation(link, "bea", "battery staple")
    assert store.authenticate("bea", "battery staple") is not None
    assert store.invitation(link) is None
    with pytest.raises(AccountError, match="invitation: this link is used up"):
        store.accept_invitation(link, "cid", "battery staple")
    assert store.account_by_name("cid") is None
    with store.engine.connect() as conn:
        used_by = conn.execute(select(invitations.c.used_by)).scalar()
    assert used_by == bea
    old = store.create_invitation("admin", timedelta(seconds=-1))
    assert store.invitation(old) is None
    with pytest.raises(AccountError, match="invitation"):
        store.accept_invitation(old, "dee", "battery staple")


def test_sign_in_limits_per_account_and_per_address(store: SqlStore) -> None:
    store.create_account("ada", "correct horse")
    limits = SignInLimits(per_account=3, per_address=5, window=timedelta(minutes=15))
    now = utcnow()
    for _ in range(3):
        with pytest.raises(WrongCredentials):
            sign_in(store, "ada", "wrong horse", "10.0.0.1", now, limits)
    with pytest.raises(TooManyAttempts) as caught:
        sign_in(store, "ada", "correct horse", "10.0.0.2", now, limits)
    assert 0 < caught.value.retry_after <= 15 * 60
    later = now + timedelta(minutes=15, seconds=1)
    assert sign_in(store, "ada", "correct horse", "10.0.0.2", later, limits).name == "ada"
    # Other names from one address: the address limit (5) stops the sixth guess.
    for name in ("x1", "x2", "x3", "x4", "x5"):
        with pytest.raises(WrongCredentials):
            sign_in(store, name, "whatever1", "10.0.0.9", now, limits)
    with pytest.raises(TooManyAttempts):
        sign_in(store, "ada", "correct horse", "10.0.0.9", now, limits)
    assert sign_in(store, "ada", "correct horse", "10.0.0.3", now, limits).name == "ada"


def test_success_clears_the_account_count_and_disabled_is_refused(store: SqlStore) -> None:
    ada = store.create_account("ada", "correct horse")
    limits = SignInLimits(per_account=2, per_address=10)
    now = utcnow()
    with pytest.raises(WrongCredentials):
        sign_in(store, "ada", "wrong horse", "10.0.0.1", now, limits)
    sign_in(store, "ada", "correct horse", "10.0.0.1", now, limits)
    with pytest.raises(WrongCredentials):
        sign_in(store, "ada", "wrong horse", "10.0.0.1", now, limits)
    store.set_disabled(ada, True)
    with pytest.raises(AccountDisabled, match="disabled"):
        sign_in(store, "ada", "correct horse", "10.0.0.1", now, limits)


def test_account_profile_carries_settings_and_parameters(store: SqlStore) -> None:
    ada = store.create_account("ada", "correct horse")
    profile = store.account_profile(ada)
    assert profile is not None and profile[0].name == "ada" and profile[1:] == ({}, None)
    store.set_user_settings(ada, {"new_per_day": 3})
    store.set_parameters(ada, [0.5] * 21)
    profile = store.account_profile(ada)
    assert profile is not None and profile[1] == {"new_per_day": 3} and profile[2] == [0.5] * 21
    assert store.account_profile(9999) is None
