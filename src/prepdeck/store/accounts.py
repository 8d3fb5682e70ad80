"""Accounts: passwords, roles, API tokens, invitations and sign-in limits (issue 9).

Password hashing (about 0.2 s of CPU) always runs outside a transaction: SQLite takes its
write lock when a transaction begins, and no other request should wait on a hash.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from prepdeck.accounts import (
    Account,
    AccountError,
    ApiToken,
    Invitation,
    Role,
    check_name,
    check_password,
    check_role,
    check_token_label,
    hash_password,
    new_api_token,
    new_secret,
    secret_hash,
    verify_password,
)
from prepdeck.scheduling import utcnow
from prepdeck.store.base import StoreBase
from prepdeck.store.tables import api_tokens, auth_sessions, invitations, sign_in_attempts, users

#: A session's (or token's) last-seen time is written at most this often.
TOUCH_EVERY = timedelta(minutes=1)
#: Sign-in failures older than this are deleted when new ones are recorded.
KEEP_ATTEMPTS = timedelta(days=1)

_ACCOUNT_COLUMNS = (
    users.c.id,
    users.c.name,
    users.c.role,
    users.c.disabled,
    users.c.password_hash.is_not(None).label("has_password"),
    users.c.created_at,
    users.c.email,
)


def _to_account(row: Row[Any]) -> Account:
    return Account(
        id=int(row.id),
        name=str(row.name),
        role=Role(row.role) if row.role in tuple(Role) else Role.LEARNER,
        disabled=bool(row.disabled),
        has_password=bool(row.has_password),
        created_at=row.created_at,
        email=row.email,
    )


class AccountQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore` (``prepdeck.storage.AccountStore``)."""

    # accounts ----------------------------------------------------------------------------
    def create_account(self, name: str, password: str | None, role: str = "learner") -> int:
        """A new account; ``password`` None makes one that cannot sign in until a password is set.

        Raises :class:`AccountError` for a bad or taken name, a weak password or a bad role.
        """
        name = check_name(name)
        chosen = check_role(role)
        hashed = None if password is None else hash_password(check_password(password, name))
        with self._begin() as conn:
            return _insert_account(conn, name, hashed, chosen)

    def account(self, user: int) -> Account | None:
        with self._begin() as conn:
            row = conn.execute(select(*_ACCOUNT_COLUMNS).where(users.c.id == user)).first()
        return None if row is None else _to_account(row)

    def account_profile(
        self, user: int
    ) -> tuple[Account, dict[str, Any], list[float] | None] | None:
        """The account with its saved settings and FSRS parameters, in one query.

        What a request needs to build the user's Context; None if there is no such user.
        """
        columns = (*_ACCOUNT_COLUMNS, users.c.settings, users.c.parameters)
        with self._begin() as conn:
            row = conn.execute(select(*columns).where(users.c.id == user)).first()
        return None if row is None else _to_profile(row)

    def profile_by_credentials(
        self, *, token: str | None = None, cookie: str | None = None
    ) -> tuple[Account, dict[str, Any], list[float] | None] | None:
        """:meth:`account_profile` of the enabled user a live API token (or else a live session
        cookie) belongs to, in one query (and one transaction); None if it is unknown,
        revoked, expired or the account disabled. Its last-used time is touched as by
        :meth:`verify_api_token` and :meth:`session_user`. Every request runs it, so on
        PostgreSQL it runs without a transaction (autocommit).
        """
        now = utcnow()
        if token is not None:
            kind, digest = "token", secret_hash(token)
        elif cookie is not None:
            kind, digest = "cookie", secret_hash(cookie)
        else:
            return None
        table, seen = _CREDENTIALS[kind]
        with self._read() as conn:  # the touch below stands alone: no transaction needed
            row = conn.execute(_profile_query(kind), {"digest": digest, "now": now}).first()
            if row is None:
                return None
            if row.seen_at is None or now - row.seen_at >= TOUCH_EVERY:
                conn.execute(
                    update(table).where(table.c.id == row.credential_id).values({seen: now})
                )
        return _to_profile(row)

    def account_by_name(self, name: str) -> Account | None:
        with self._begin() as conn:
            query = select(*_ACCOUNT_COLUMNS).where(users.c.name == name.strip().lower())
            row = conn.execute(query).first()
        return None if row is None else _to_account(row)

    def accounts(self) -> list[Account]:
        with self._begin() as conn:
            rows = conn.execute(select(*_ACCOUNT_COLUMNS).order_by(users.c.name)).all()
        return [_to_account(row) for row in rows]

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account if ``password`` is its password (disabled ones too: the caller decides).

        A hash made with older argon2 parameters is replaced by a current one.
        """
        with self._begin() as conn:
            query = select(users.c.id, users.c.password_hash).where(
                users.c.name == name.strip().lower()
            )
            row = conn.execute(query).first()
        stored = None if row is None else row.password_hash
        check = verify_password(stored, password)
        if not check.ok or row is None:
            return None
        if check.new_hash:
            with self._begin() as conn:
                conn.execute(
                    update(users)
                    .where(users.c.id == row.id, users.c.password_hash == stored)
                    .values(password_hash=check.new_hash)
                )
        return self.account(int(row.id))

    def set_password(self, user: int, password: str) -> None:
        """Set a new password and end every sign-in session of the account."""
        account = self._existing(user)
        hashed = hash_password(check_password(password, account.name))
        with self._begin() as conn:
            conn.execute(update(users).where(users.c.id == user).values(password_hash=hashed))
            conn.execute(delete(auth_sessions).where(auth_sessions.c.user_id == user))

    def set_disabled(self, user: int, disabled: bool) -> None:
        """Disable (ending its sessions; its API tokens stop working) or enable an account."""
        self._existing(user)
        with self._begin() as conn:
            conn.execute(update(users).where(users.c.id == user).values(disabled=disabled))
            if disabled:
                conn.execute(delete(auth_sessions).where(auth_sessions.c.user_id == user))

    def set_role(self, user: int, role: str) -> None:
        chosen = check_role(role)
        self._existing(user)
        with self._begin() as conn:
            conn.execute(update(users).where(users.c.id == user).values(role=chosen.value))

    def _existing(self, user: int) -> Account:
        account = self.account(user)
        if account is None:
            raise AccountError("user", f"there is no account with id {user}")
        return account

    # API tokens --------------------------------------------------------------------------
    def create_api_token(self, user: int, label: str) -> str:
        """A new API token for ``user``, returned once in plaintext (only its hash is kept)."""
        label = check_token_label(label)
        self._existing(user)
        token = new_api_token()
        with self._begin() as conn:
            conn.execute(
                insert(api_tokens).values(
                    user_id=user, label=label, token_hash=secret_hash(token), created_at=utcnow()
                )
            )
        return token

    def verify_api_token(self, token: str) -> int | None:
        """The user a live token belongs to; None if unknown, revoked or the account disabled."""
        profile = self.profile_by_credentials(token=token)
        return None if profile is None else profile[0].id

    def api_tokens(self, user: int) -> list[ApiToken]:
        """The user's live (not revoked) tokens, newest first."""
        with self._begin() as conn:
            rows = conn.execute(
                select(api_tokens)
                .where(api_tokens.c.user_id == user, api_tokens.c.revoked_at.is_(None))
                .order_by(api_tokens.c.created_at.desc(), api_tokens.c.id.desc())
            ).all()
        return [ApiToken(r.id, r.label, r.created_at, r.last_used_at) for r in rows]

    def revoke_api_token(self, user: int, token_id: int) -> bool:
        """Revoke one of ``user``'s tokens; False if they have no live token with that id."""
        with self._begin() as conn:
            result = conn.execute(
                update(api_tokens)
                .where(
                    api_tokens.c.id == token_id,
                    api_tokens.c.user_id == user,
                    api_tokens.c.revoked_at.is_(None),
                )
                .values(revoked_at=utcnow())
            )
        return bool(result.rowcount)

    # sign-in sessions --------------------------------------------------------------------
    def create_auth_session(self, user: int, lifetime: timedelta) -> str:
        """A new sign-in session; returns the cookie value (only its hash is kept)."""
        secret = new_secret()
        now = utcnow()
        with self._begin() as conn:
            conn.execute(
                insert(auth_sessions).values(
                    user_id=user,
                    token_hash=secret_hash(secret),
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + lifetime,
                )
            )
            # Expired sessions of this user go now, so the table does not grow without end.
            conn.execute(
                delete(auth_sessions).where(
                    auth_sessions.c.user_id == user, auth_sessions.c.expires_at <= now
                )
            )
        return secret

    def session_user(self, secret: str) -> int | None:
        """The enabled user a live (unexpired) session cookie belongs to, or None."""
        profile = self.profile_by_credentials(cookie=secret)
        return None if profile is None else profile[0].id

    def end_auth_session(self, secret: str) -> None:
        with self._begin() as conn:
            conn.execute(
                delete(auth_sessions).where(auth_sessions.c.token_hash == secret_hash(secret))
            )

    def end_auth_sessions(self, user: int, keep: str | None = None) -> int:
        """End the user's sessions, except the one with cookie value ``keep``; how many ended."""
        condition = auth_sessions.c.user_id == user
        if keep is not None:
            condition = condition & (auth_sessions.c.token_hash != secret_hash(keep))
        with self._begin() as conn:
            return int(conn.execute(delete(auth_sessions).where(condition)).rowcount)

    # invitations -------------------------------------------------------------------------
    def create_invitation(
        self, role: str, lifetime: timedelta, created_by: int | None = None
    ) -> str:
        """A single-use sign-up link secret, valid for ``lifetime``, for an account of ``role``."""
        chosen = check_role(role)
        secret = new_secret()
        now = utcnow()
        with self._begin() as conn:
            conn.execute(
                insert(invitations).values(
                    token_hash=secret_hash(secret),
                    role=chosen.value,
                    created_by=created_by,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
        return secret

    def invitation(self, secret: str) -> Invitation | None:
        """The invitation if it is still usable (not used, not expired), else None."""
        with self._begin() as conn:
            row = conn.execute(
                select(invitations).where(
                    invitations.c.token_hash == secret_hash(secret),
                    invitations.c.used_at.is_(None),
                    invitations.c.expires_at > utcnow(),
                )
            ).first()
        if row is None:
            return None
        return Invitation(row.id, check_role(row.role), row.created_at, row.expires_at)

    def accept_invitation(self, secret: str, name: str, password: str) -> int:
        """Create the invited account; the link is used up in the same transaction.

        Raises :class:`AccountError` ("invitation") when the link is unknown, used or
        expired, or naming the field for a bad name or password; nothing changes then.
        """
        name = check_name(name)
        hashed = hash_password(check_password(password, name))
        now = utcnow()
        with self._begin() as conn:
            row = conn.execute(
                select(invitations.c.id, invitations.c.role).where(
                    invitations.c.token_hash == secret_hash(secret),
                    invitations.c.used_at.is_(None),
                    invitations.c.expires_at > now,
                )
            ).first()
            if row is None:
                raise AccountError("invitation", "this link is used up, expired or unknown")
            user = _insert_account(conn, name, hashed, check_role(row.role))
            taken = conn.execute(
                update(invitations)
                .where(invitations.c.id == row.id, invitations.c.used_at.is_(None))
                .values(used_at=now, used_by=user)
            )
            if not taken.rowcount:  # another request used it first: roll the account back
                raise AccountError("invitation", "this link is used up, expired or unknown")
        return user

    # sign-in failures --------------------------------------------------------------------
    def sign_in_failures(
        self, name: str, address: str, since: datetime
    ) -> tuple[list[datetime], list[datetime]]:
        """Failure times since ``since``: (for account ``name``, from ``address``)."""
        with self._begin() as conn:
            rows = conn.execute(
                select(
                    sign_in_attempts.c.account,
                    sign_in_attempts.c.address,
                    sign_in_attempts.c.attempted_at,
                ).where(
                    sign_in_attempts.c.attempted_at >= since,
                    or_(sign_in_attempts.c.account == name, sign_in_attempts.c.address == address),
                )
            ).all()
        by_name = [r.attempted_at for r in rows if r.account == name]
        by_address = [r.attempted_at for r in rows if r.address == address]
        return by_name, by_address

    def record_sign_in_failure(self, name: str, address: str, at: datetime) -> None:
        with self._begin() as conn:
            conn.execute(
                insert(sign_in_attempts).values(account=name, address=address, attempted_at=at)
            )
            conn.execute(
                delete(sign_in_attempts).where(sign_in_attempts.c.attempted_at < at - KEEP_ATTEMPTS)
            )

    def clear_sign_in_failures(self, name: str) -> None:
        with self._begin() as conn:
            conn.execute(delete(sign_in_attempts).where(sign_in_attempts.c.account == name))

    def count_admins(self) -> int:
        """Enabled admin accounts (so the last one is not disabled or demoted by mistake)."""
        with self._begin() as conn:
            query = (
                select(func.count())
                .select_from(users)
                .where(users.c.role == Role.ADMIN.value, users.c.disabled.is_(False))
            )
            return int(conn.execute(query).scalar_one())


def _to_profile(row: Row[Any]) -> tuple[Account, dict[str, Any], list[float] | None]:
    """The account, saved settings and FSRS parameters of a row that selected
    ``_ACCOUNT_COLUMNS`` with ``users.c.settings`` and ``users.c.parameters``."""
    settings = dict(row.settings) if isinstance(row.settings, dict) else {}
    parameters = [float(v) for v in row.parameters] if row.parameters else None
    return _to_account(row), settings, parameters


def _insert_account(conn: Connection, name: str, password_hash: str | None, role: Role) -> int:
    taken = conn.execute(select(users.c.id).where(users.c.name == name)).first()
    if taken is not None:
        raise AccountError("name", f"'{name}' is taken; choose another name")
    try:
        result = conn.execute(
            insert(users).values(
                name=name, created_at=utcnow(), password_hash=password_hash, role=role.value
            )
        )
    except IntegrityError:  # another request took the name between the check and the insert
        raise AccountError("name", f"'{name}' is taken; choose another name") from None
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


#: Where each kind of credential lives, and its last-used column.
_CREDENTIALS = {
    "token": (api_tokens, api_tokens.c.last_used_at),
    "cookie": (auth_sessions, auth_sessions.c.last_seen_at),
}


@lru_cache(maxsize=2)
def _profile_query(kind: str) -> Select[Any]:
    """The enabled user (with settings and parameters) whose live credential hashes to
    ``:digest`` (``:now`` is when a session cookie must outlive). Built once per kind: it runs
    on every request."""
    table, seen = _CREDENTIALS[kind]
    live: ColumnElement[bool] = (
        api_tokens.c.revoked_at.is_(None)
        if kind == "token"
        else auth_sessions.c.expires_at > bindparam("now")
    )
    profile = (*_ACCOUNT_COLUMNS, users.c.settings, users.c.parameters)
    return (
        select(*profile, table.c.id.label("credential_id"), seen.label("seen_at"))
        .select_from(table.join(users, users.c.id == table.c.user_id))
        .where(table.c.token_hash == bindparam("digest"), live, users.c.disabled.is_(False))
    )
