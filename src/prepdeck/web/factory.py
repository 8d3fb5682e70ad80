"""The app for process managers: ``create_app_from_env()`` reads every setting from the environment.

Server processes started by ``prepdeck serve --workers N``, by gunicorn
(``gunicorn -k uvicorn.workers.UvicornWorker 'prepdeck.web.factory:create_app_from_env()'``) or
by uvicorn (``uvicorn --factory prepdeck.web.factory:create_app_from_env``) each build their own
app here from ``PREPDECK_*`` variables (and the config file), with logs in ``log_format``.
"""

from __future__ import annotations

from fastapi import FastAPI

from prepdeck.settings import load_settings
from prepdeck.web.app import create_app
from prepdeck.web.logging import configure_logging


def create_app_from_env() -> FastAPI:
    """The web app on the database named by ``PREPDECK_DATABASE_URL`` (or the config file)."""
    settings = load_settings()
    configure_logging(settings.log_format)
    return create_app(settings)
