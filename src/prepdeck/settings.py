"""Settings in one place: defaults, then the config file, then ``PREPDECK_*`` variables.

The config file is TOML at ``<user config dir>/prepdeck/config.toml`` (or the path in
``PREPDECK_CONFIG``), for example::

    desired_retention = 0.9
    new_per_day = 20
    reviews_per_day = 200
    learning_steps = ["1m", "10m"]
    database_url = "postgresql+psycopg://me@127.0.0.1/prepdeck"
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import platformdirs

from prepdeck.errors import Location, PrepdeckError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

THEMES = ("system", "light", "dark")
#: What a user sets for themselves on the settings page (stored per user in the database).
USER_SETTINGS = (
    "desired_retention",
    "new_per_day",
    "reviews_per_day",
    "interview_date",
    "schedule_toward_date",
    "theme",
)
MAX_NEW_PER_DAY = 1000
MAX_REVIEWS_PER_DAY = 10_000


class SettingsError(PrepdeckError):
    """A setting has a value prepdeck cannot use."""


def parse_duration(text: str) -> timedelta:
    """'90s', '10m', '1h', '2d' -> timedelta."""
    m = _DURATION.match(str(text))
    if not m:
        raise ValueError(f"'{text}' is not a duration like 10m, 1h or 2d")
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])


def format_duration(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def data_dir() -> Path:
    return Path(os.environ.get("PREPDECK_DATA_DIR") or platformdirs.user_data_dir("prepdeck"))


def config_path() -> Path:
    explicit = os.environ.get("PREPDECK_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_config_dir("prepdeck")) / "config.toml"


@dataclass(frozen=True)
class Settings:
    """Everything a user can set. Durations are timedeltas; retention is in (0, 1)."""

    database_url: str = ""
    user: str = "local"
    desired_retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval_days: int = 36500
    day_starts_at_hour: int = 4
    fuzz: bool = True
    #: Optional LLM grader (an OpenAI-compatible endpoint); empty url = offline grading only.
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout_s: float = 20.0
    #: The day of the interview being prepared for (shown on the stats page); None = not set.
    interview_date: date | None = None
    #: Pull due dates that fall after the interview date into its last days (scheduling.py).
    schedule_toward_date: bool = False
    #: How many days before the interview those pulled reviews are spread over.
    toward_date_days: int = 5
    #: Colour theme of the web UI: system, light or dark.
    theme: str = "system"
    #: Largest bank upload the web UI accepts, in bytes (a .md file or a .zip of a folder).
    upload_max_bytes: int = 5 * 1024 * 1024
    #: A card that has lapsed (been forgotten after learning) this many times is a leech.
    leech_threshold: int = 8
    #: Multi-user server (PREPDECK_ACCOUNTS=true): every page needs a signed-in account.
    accounts: bool = False
    #: With accounts: anyone may create an account at /sign-up (false: admin invitations only).
    signup: bool = True
    #: With accounts: how long a sign-in lasts (then the browser asks for the password again).
    session_lifetime: timedelta = timedelta(days=14)
    #: How long an admin's invitation link stays usable.
    invitation_lifetime: timedelta = timedelta(days=7)
    #: Secure flag on cookies: auto (when the request came over https), true or false.
    secure_cookies: str = "auto"
    #: Failed sign-ins allowed per account name and per client address within the window.
    sign_in_failures_per_account: int = 5
    sign_in_failures_per_address: int = 20
    sign_in_window: timedelta = timedelta(minutes=15)
    #: Server logs: text (one readable line per request) or json (one JSON object a line).
    log_format: str = "text"
    #: Requests one server process works on at once (its thread pool). The work of a request
    #: holds Python's GIL nearly all the time, so a few threads keep a process busy and more
    #: only contend for it (bench/server.py, 4 workers, 200 learners: 4 threads beat anyio's
    #: 40 by ~20%; then 1 and 2 threads 461 and 462 reviews/s, 4 threads 419); two, so one
    #: slow request (an import, a grading) does not hold up a process's other requests. Run
    #: more processes (--workers) to use more cores.
    request_threads: int = 2
    #: Where the JSON practice API's steps run: on the process's event loop ("true": no thread
    #: hop, one step at a time per process) or on the thread pool ("false"). "auto" is true for
    #: the workers of ``prepdeck serve --workers N`` (N > 1) on PostgreSQL, where other
    #: processes keep the cores busy while one waits on the database (bench/server.py, 4
    #: workers, 200 learners, 30 s: 484 / 460 against 437 / 432 reviews/s, p99 624 / 696
    #: against 779 / 941 ms), and false for a single process, where a step waiting on the
    #: database would hold up every other request.
    inline_api: str = "auto"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{data_dir() / 'prepdeck.sqlite3'}"

    def check(self, where: str = "settings") -> Settings:
        problems = []
        if not 0.7 <= self.desired_retention <= 0.99:
            problems.append("desired_retention must be between 0.7 and 0.99")
        if self.new_per_day < 0 or self.reviews_per_day < 0:
            problems.append("daily limits must be zero or more")
        if not 0 <= self.day_starts_at_hour <= 23:
            problems.append("day_starts_at_hour must be 0..23")
        if self.theme not in THEMES:
            problems.append(f"theme must be one of {', '.join(THEMES)}")
        if self.upload_max_bytes < 1:
            problems.append("upload_max_bytes must be at least 1")
        if self.leech_threshold < 1:
            problems.append("leech_threshold must be at least 1")
        if not 1 <= self.toward_date_days <= 60:
            problems.append("toward_date_days must be 1..60")
        if self.secure_cookies not in ("auto", "true", "false"):
            problems.append("secure_cookies must be auto, true or false")
        if self.inline_api not in ("auto", "true", "false"):
            problems.append("inline_api must be auto, true or false")
        if self.log_format not in ("text", "json"):
            problems.append("log_format must be text or json")
        if not 1 <= self.request_threads <= 256:
            problems.append("request_threads must be 1..256")
        if min(self.sign_in_failures_per_account, self.sign_in_failures_per_address) < 1:
            problems.append("sign_in_failures_per_account and _per_address must be at least 1")
        if min(self.session_lifetime, self.invitation_lifetime, self.sign_in_window) <= timedelta():
            problems.append("session_lifetime, invitation_lifetime and sign_in_window must be > 0")
        if self.sign_in_window > timedelta(days=1):  # older failures are deleted (store)
            problems.append("sign_in_window must be at most 1d")
        if problems:
            raise SettingsError("; ".join(problems), Location(where))
        return self


def _coerce(name: str, value: Any, where: str) -> Any:
    try:
        if name in ("learning_steps", "relearning_steps"):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(parse_duration(str(v)) for v in items if str(v).strip())
        if name in ("session_lifetime", "invitation_lifetime", "sign_in_window"):
            return value if isinstance(value, timedelta) else parse_duration(str(value))
        if name in ("desired_retention", "llm_timeout_s"):
            return float(value)
        if name in (
            "new_per_day",
            "reviews_per_day",
            "maximum_interval_days",
            "day_starts_at_hour",
            "upload_max_bytes",
            "leech_threshold",
            "toward_date_days",
            "sign_in_failures_per_account",
            "sign_in_failures_per_address",
            "request_threads",
        ):
            return int(value)
        if name == "interview_date":
            if value is None or isinstance(value, date):
                return value
            return date.fromisoformat(str(value)) if str(value).strip() else None
        if name in ("fuzz", "accounts", "signup", "schedule_toward_date"):
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        if name in ("secure_cookies", "log_format", "inline_api"):
            return str(value).strip().lower()
        return str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{name}: {exc}", Location(where)) from None


def load_settings(
    env: Mapping[str, str] | None = None, path: Path | None = None, **overrides: Any
) -> Settings:
    """Defaults <- config file <- ``PREPDECK_<NAME>`` variables <- ``overrides``."""
    env = os.environ if env is None else env
    path = path or config_path()
    names = {f.name for f in fields(Settings)} - {"extra"}
    values: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(
                f"config file is not valid TOML: {exc}", Location(str(path))
            ) from None
        for key, value in data.items():
            if key not in names:
                raise SettingsError(f"unknown setting '{key}'", Location(str(path)))
            values[key] = _coerce(key, value, str(path))
    for name in names:
        raw = env.get(f"PREPDECK_{name.upper()}")
        if raw is not None and raw != "":
            values[name] = _coerce(name, raw, f"PREPDECK_{name.upper()}")
    for name, value in overrides.items():
        if value is not None:
            values[name] = _coerce(name, value, f"--{name.replace('_', '-')}")
    return replace(Settings(), **values).check(str(path))


class UserSettingsError(SettingsError):
    """Some of a user's own settings are invalid; ``problems`` maps each field to its message."""

    def __init__(self, problems: dict[str, str], where: str = "user settings") -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()), Location(where))
        self.problems = problems


def _user_value(name: str, raw: Any) -> Any:
    """One user setting from a form or JSON value; ValueError with a readable message."""
    text = "" if raw is None else str(raw).strip()
    if name == "desired_retention":
        try:
            value = float(text)
        except ValueError:
            raise ValueError("enter a number such as 0.9") from None
        if not 0.7 <= value <= 0.99:
            raise ValueError("must be between 0.70 and 0.99")
        return value
    if name in ("new_per_day", "reviews_per_day"):
        top = MAX_NEW_PER_DAY if name == "new_per_day" else MAX_REVIEWS_PER_DAY
        if isinstance(raw, bool) or not re.fullmatch(r"\d+", text):
            raise ValueError(f"enter a whole number from 0 to {top}")
        if int(text) > top:
            raise ValueError(f"must be at most {top}")
        return int(text)
    if name == "interview_date":
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("enter a date as YYYY-MM-DD") from None
    if name == "schedule_toward_date":
        if isinstance(raw, bool):
            return raw
        if text.lower() in ("true", "on", "1", "yes"):
            return True
        if text.lower() in ("false", "off", "0", "no", ""):
            return False
        raise ValueError("choose on or off")
    if text not in THEMES:
        raise ValueError(f"choose one of {', '.join(THEMES)}")
    return text


def with_user_settings(
    settings: Settings, values: Mapping[str, Any], where: str = "user settings"
) -> Settings:
    """``settings`` with a user's own values (``USER_SETTINGS`` keys) laid over them.

    This is the one place where per-user values meet the configured ones; keys not in
    ``USER_SETTINGS`` are ignored. Raises :class:`UserSettingsError` naming every bad value.
    """
    problems: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for name in USER_SETTINGS:
        if name in values:
            try:
                changes[name] = _user_value(name, values[name])
            except ValueError as exc:
                problems[name] = str(exc)
    if problems:
        raise UserSettingsError(problems, where)
    return replace(settings, **changes)


def user_settings_dict(settings: Settings) -> dict[str, Any]:
    """The ``USER_SETTINGS`` of ``settings`` as JSON-ready values (dates as YYYY-MM-DD)."""
    values = {name: getattr(settings, name) for name in USER_SETTINGS}
    date_value = values["interview_date"]
    values["interview_date"] = date_value.isoformat() if date_value else None
    return values
