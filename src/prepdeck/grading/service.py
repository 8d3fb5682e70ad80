"""Grade a typed answer to a bank item with the user's choice of grader and bands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prepdeck.grading.bands import DEFAULT_BANDS, Bands
from prepdeck.grading.llm import LLMConfig, grade_with_llm
from prepdeck.grading.types import Grade
from prepdeck.model import Item
from prepdeck.settings import Settings


def bands_from(user_settings: Mapping[str, Any] | None) -> Bands:
    """The user's own bands (saved by `prepdeck grading report --apply`) or the defaults."""
    raw = (user_settings or {}).get("bands")
    if isinstance(raw, dict):
        try:
            return Bands(float(raw["hard"]), float(raw["good"]), float(raw["easy"]))
        except (KeyError, TypeError, ValueError):
            pass
    return DEFAULT_BANDS


def grade_item(item: Item, answer: str, settings: Settings, bands: Bands = DEFAULT_BANDS) -> Grade:
    """The LLM grader when one is configured (falling back offline), else the offline grader."""
    key_points = item.key_points or None
    if settings.llm_url and settings.llm_model:
        config = LLMConfig(
            settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout_s
        )
        return grade_with_llm(answer, item.answer, key_points, item.question, config, bands=bands)
    from prepdeck.grading import grade

    return grade(answer, item.answer, key_points, item.question, bands=bands)
