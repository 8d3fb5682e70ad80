"""Role presets (data scientist, ML engineer, analyst) and checking the topics a mock asks for.

A preset names topics of the bundled bank; a preset or topic nobody has is an error naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from prepdeck.errors import PrepdeckError


class MockError(PrepdeckError):
    """A mock cannot be started or continued as asked (bad preset, topic, length...)."""


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    topics: tuple[str, ...]


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "data-scientist",
            "Data scientist",
            (
                "Statistics",
                "Probability",
                "Experimentation and A/B testing",
                "Machine learning fundamentals",
                "Classical models",
                "SQL and data wrangling",
                "Python for data science",
                "Time series",
            ),
        ),
        Preset(
            "ml-engineer",
            "ML engineer",
            (
                "Machine learning fundamentals",
                "Deep learning",
                "Optimisation and training",
                "ML system design",
                "MLOps and production ML",
                "NLP and transformers",
                "Large language models",
                "Computer vision",
                "Recommender systems",
            ),
        ),
        Preset(
            "analyst",
            "Analyst",
            (
                "SQL and data wrangling",
                "Statistics",
                "Probability",
                "Experimentation and A/B testing",
                "Python for data science",
                "Time series",
            ),
        ),
    )
}
ALIASES = {
    "ds": "data-scientist",
    "datascientist": "data-scientist",
    "mle": "ml-engineer",
    "mlengineer": "ml-engineer",
    "machine-learning-engineer": "ml-engineer",
    "data-analyst": "analyst",
    "da": "analyst",
}


def preset(name: str) -> Preset:
    """The preset called ``name`` ('data scientist', 'ml-engineer', 'mle'...). Raises MockError."""
    key = "-".join(name.strip().lower().replace("_", " ").split())
    key = ALIASES.get(key, ALIASES.get(key.replace("-", ""), key))
    if key not in PRESETS:
        known = ", ".join(PRESETS)
        raise MockError(f"unknown preset '{name}': choose one of {known}")
    return PRESETS[key]


def resolve_topics(
    asked: Sequence[str], preset_name: str | None, available: Iterable[str]
) -> tuple[str, ...]:
    """The topics a mock draws from, spelled as the store has them (matching ignores case).

    ``asked`` topics must all exist; a preset keeps those of its topics the store has. With
    neither, every available topic. Raises :class:`MockError` naming an unknown topic or preset.
    """
    by_key = {t.lower(): t for t in available}
    chosen: list[str] = []
    for topic in asked:
        found = by_key.get(topic.strip().lower())
        if found is None:
            raise MockError(
                f"unknown topic '{topic}': `prepdeck status` lists the topics of your banks"
            )
        if found not in chosen:
            chosen.append(found)
    if preset_name:
        for topic in preset(preset_name).topics:
            found = by_key.get(topic.lower())
            if found is not None and found not in chosen:
                chosen.append(found)
    if not asked and not preset_name:
        chosen = sorted(by_key.values())
    return tuple(chosen)
