"""Mock interviews: questions drawn by weakness, timed, graded, and a report with a trend.

The core works on any :class:`~prepdeck.storage.Store`; the CLI (``prepdeck mock``) and the
web UI (``/mock``) are thin skins over :class:`MockInterviews`.
"""

from __future__ import annotations

from prepdeck.mock.draw import DEFAULT_MIX, Candidate, NoEligibleQuestions, draw, rank
from prepdeck.mock.interview import MockConflict, MockInterviews, MockRequest, QuestionStep
from prepdeck.mock.presets import PRESETS, MockError, Preset, preset, resolve_topics
from prepdeck.mock.records import MockListing, MockNotFound, MockQuestion, MockRecord
from prepdeck.mock.report import MockReport, build_report

__all__ = [
    "DEFAULT_MIX",
    "PRESETS",
    "Candidate",
    "MockConflict",
    "MockError",
    "MockInterviews",
    "MockListing",
    "MockNotFound",
    "MockQuestion",
    "MockRecord",
    "MockReport",
    "MockRequest",
    "NoEligibleQuestions",
    "Preset",
    "QuestionStep",
    "build_report",
    "draw",
    "preset",
    "rank",
    "resolve_topics",
]
