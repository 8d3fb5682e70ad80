"""``prepdeck users``: accounts for the multi-user server, managed from the server's shell."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from prepdeck.accounts import Account, AccountError, Role
from prepdeck.cli.options import DatabaseOpt
from prepdeck.settings import load_settings
from prepdeck.store import SqlStore

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

app = typer.Typer(
    help="Accounts for the multi-user server (PREPDECK_ACCOUNTS=true): add the first admin, "
    "list, disable and enable accounts, reset passwords, make API tokens and invitation links. "
    "Run these on the server, with the same --database (or PREPDECK_DATABASE_URL) as serve.",
    no_args_is_help=True,
)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input (for scripts) "
        "instead of prompting.",
    ),
]


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"error: {message}")
    raise typer.Exit(code)


@contextmanager
def _store(database: str | None) -> Iterator[SqlStore]:
    store = SqlStore.open(load_settings(database_url=database).resolved_database_url)
    try:
        yield store
    except AccountError as exc:
        _fail(str(exc), 2)
    finally:
        store.close()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            _fail("--password-stdin: standard input is empty", 2)
        return line.rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _account(store: SqlStore, name: str) -> Account:
    account = store.account_by_name(name)
    if account is None:
        _fail(f"no account named '{name.strip().lower()}' (see: prepdeck users list)")
    return account


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="2-40 letters, digits, '.', '_' or '-'.")],
    admin: Annotated[
        bool, typer.Option("--admin", help="May manage accounts and invite people.")
    ] = False,
    password_stdin: PasswordStdin = False,
    database: DatabaseOpt = None,
) -> None:
    """Create an account; the first admin of a new server is made this way.

    Prompts twice for the password (at least 8 characters) unless --password-stdin is given:

        prepdeck users add alice --admin
        printf '%s\\n' "$PASSWORD" | prepdeck users add bob --password-stdin
    """
    password = _password(password_stdin)
    with _store(database) as store:
        store.create_account(name, password, Role.ADMIN if admin else Role.LEARNER)
    role = "admin" if admin else "learner"
    out.print(f"Added {role} '{name.strip().lower()}'; they can sign in now.")


@app.command("list")
def list_users(
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.table,
    database: DatabaseOpt = None,
) -> None:
    """Every account with its role and whether it can sign in."""
    with _store(database) as store:
        accounts = store.accounts()
    if output_format is ListFormat.json:
        rows = [
            {
                "name": a.name,
                "role": a.role.value,
                "disabled": a.disabled,
                "has_password": a.has_password,
                "created_at": a.created_at.isoformat(),
            }
            for a in accounts
        ]
        out.print_json(json.dumps(rows))
        return
    table = Table("name", "role", "status", "created")
    for a in accounts:
        status = "disabled" if a.disabled else "active" if a.has_password else "no password"
        table.add_row(a.name, a.role.value, status, a.created_at.strftime("%Y-%m-%d"))
    out.print(table)
    out.print(f"{len(accounts)} account(s)")


def _set_disabled(name: str, disabled: bool, database: str | None) -> None:
    with _store(database) as store:
        account = _account(store, name)
        store.set_disabled(account.id, disabled)
    if disabled:
        out.print(f"Disabled '{account.name}': signed out everywhere, API tokens refused.")
    else:
        out.print(f"Enabled '{account.name}'; they can sign in again.")


@app.command("disable")
def disable(
    name: Annotated[str, typer.Argument(help="The account to disable.")],
    database: DatabaseOpt = None,
) -> None:
    """Stop an account from signing in or using its API tokens (its data stays)."""
    _set_disabled(name, True, database)


@app.command("enable")
def enable(
    name: Annotated[str, typer.Argument(help="The account to enable.")],
    database: DatabaseOpt = None,
) -> None:
    """Let a disabled account sign in again (its old sign-ins stay ended)."""
    _set_disabled(name, False, database)


@app.command("reset-password")
def reset_password(
    name: Annotated[str, typer.Argument(help="Whose password to set.")],
    password_stdin: PasswordStdin = False,
    database: DatabaseOpt = None,
) -> None:
    """Set a new password for an account and sign it out everywhere."""
    with _store(database) as store:
        account = _account(store, name)
        store.set_password(account.id, _password(password_stdin))
    out.print(f"New password set for '{account.name}'; their other sign-ins were ended.")


@app.command("token")
def token(
    name: Annotated[str, typer.Argument(help="Whose token it is.")],
    label: Annotated[
        str, typer.Option("--label", "-l", help="What uses it, to recognise it later.")
    ] = "cli",
    database: DatabaseOpt = None,
) -> None:
    """Make an API token; send it as 'Authorization: Bearer TOKEN'. It is shown only once."""
    with _store(database) as store:
        account = _account(store, name)
        secret = store.create_api_token(account.id, label)
    err.print(f"API token '{label}' for '{account.name}' (shown once; keep it secret):")
    print(secret)


@app.command("invite")
def invite(
    base_url: Annotated[
        str, typer.Option("--url", help="The server's address as people reach it.")
    ] = "http://127.0.0.1:8000",
    admin: Annotated[bool, typer.Option("--admin", help="The new account is an admin.")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Print a single-use sign-up link, which works even when sign-up is off.

    The link expires after PREPDECK_INVITATION_LIFETIME (7d by default).
    """
    settings = load_settings(database_url=database)
    with _store(database) as store:
        secret = store.create_invitation(
            Role.ADMIN if admin else Role.LEARNER, settings.invitation_lifetime
        )
    print(f"{base_url.rstrip('/')}/invitations/{secret}")
