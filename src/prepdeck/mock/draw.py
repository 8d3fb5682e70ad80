"""Which questions a mock asks: the weakest first, spread over topics, with a difficulty mix.

Weakness is a number in about [0, 1.6]: for a studied card, how likely it is forgotten now
(1 - FSRS retrievability) plus a penalty for lapses (more for lapses in the last 30 days);
for a never-seen item, a fixed guess, higher when its whole topic is unseen. The draw is
deterministic for a given seed: ties are broken by a seeded shuffle.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from prepdeck.mock.presets import MockError

#: Share of easy, medium and hard questions in a mock (what interviews tend to ask).
DEFAULT_MIX: Mapping[str, float] = {"easy": 0.25, "medium": 0.5, "hard": 0.25}
#: Seconds to answer one question, by difficulty (scaled to fit a mock given in minutes).
LIMIT_S: Mapping[str, int] = {"easy": 180, "medium": 300, "hard": 420}
#: An unseen item whose topic you have studied: as likely missed as a card at 50% recall.
NEW_IN_SEEN_TOPIC = 0.5
#: An unseen item of a topic you have never studied: a gap an interviewer would find.
NEW_IN_NEW_TOPIC = 0.9
LAPSE_WEIGHT = 0.05
RECENT_LAPSE_WEIGHT = 0.15
MAX_LAPSE_PENALTY = 0.6


class NoEligibleQuestions(MockError):
    """No question matches what the mock asks for."""


@dataclass(frozen=True)
class Candidate:
    """An item that could be asked. ``recall`` is None for a never-reviewed item."""

    item_pk: int
    topic: str
    difficulty: str | None
    recall: float | None
    lapses: int = 0
    recent_lapses: int = 0

    @property
    def level(self) -> str:
        return (
            self.difficulty
            if self.difficulty is not None and self.difficulty in LIMIT_S
            else "medium"
        )


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    weakness: float
    reason: str


def weakness(candidate: Candidate, topic_seen: bool) -> tuple[float, str]:
    """How weak the user is on ``candidate``, and a short reason a report can show."""
    if candidate.recall is None:
        if topic_seen:
            return NEW_IN_SEEN_TOPIC, "never seen"
        return NEW_IN_NEW_TOPIC, "topic never studied"
    penalty = min(
        LAPSE_WEIGHT * candidate.lapses + RECENT_LAPSE_WEIGHT * candidate.recent_lapses,
        MAX_LAPSE_PENALTY,
    )
    reason = f"recall {candidate.recall:.0%}"
    if candidate.recent_lapses:
        reason += f", {candidate.recent_lapses} recent lapse(s)"
    elif candidate.lapses:
        reason += f", {candidate.lapses} lapse(s)"
    return (1.0 - candidate.recall) + penalty, reason


def rank(candidates: Sequence[Candidate], seed: int) -> list[Scored]:
    """Candidates from weakest to strongest; equal weakness in a seeded random order."""
    seen_topics = {c.topic for c in candidates if c.recall is not None}
    order = list(range(len(candidates)))
    random.Random(seed).shuffle(order)
    tiebreak = {candidates[i].item_pk: n for n, i in enumerate(order)}
    scored = []
    for c in candidates:
        value, reason = weakness(c, c.topic in seen_topics)
        scored.append(Scored(c, round(value, 9), reason))
    return sorted(scored, key=lambda s: (-s.weakness, tiebreak[s.candidate.item_pk]))


def quotas(n: int, mix: Mapping[str, float]) -> dict[str, int]:
    """``n`` split by ``mix`` (largest remainder; ties go to the first level of the mix)."""
    total = sum(max(v, 0.0) for v in mix.values()) or 1.0
    exact = {k: n * max(v, 0.0) / total for k, v in mix.items()}
    counts = {k: math.floor(v) for k, v in exact.items()}
    left = n - sum(counts.values())
    by_remainder = sorted(mix, key=lambda k: -(exact[k] - counts[k]))
    for k in by_remainder[:left]:
        counts[k] += 1
    return counts


def draw(
    candidates: Sequence[Candidate],
    n: int,
    *,
    seed: int,
    mix: Mapping[str, float] = DEFAULT_MIX,
) -> list[Scored]:
    """Up to ``n`` questions: weakest first, at most an even share per topic, ``mix`` by level.

    When the bank cannot meet the mix or the topic share (few hard questions, one topic
    left), the weakest remaining questions fill the gap. The result is ordered for the
    interview: easy to hard, weakest first within a level. Raises :class:`NoEligibleQuestions`.
    """
    if not candidates:
        raise NoEligibleQuestions("no question matches: pick other topics or add a bank")
    ranked = rank(candidates, seed)
    n = min(n, len(ranked))
    want = quotas(n, mix)
    topics = {s.candidate.topic for s in ranked}
    cap = math.ceil(n / len(topics))
    chosen: list[Scored] = []
    taken: set[int] = set()
    per_topic: Counter[str] = Counter()
    per_level: Counter[str] = Counter()
    # Strict first, then without the mix, then without the topic share.
    for strict_level, strict_topic in ((True, True), (False, True), (False, False)):
        for s in ranked:
            if len(chosen) >= n:
                break
            c = s.candidate
            if c.item_pk in taken:
                continue
            if strict_level and per_level[c.level] >= want.get(c.level, 0):
                continue
            if strict_topic and per_topic[c.topic] >= cap:
                continue
            chosen.append(s)
            taken.add(c.item_pk)
            per_topic[c.topic] += 1
            per_level[c.level] += 1
    levels = list(LIMIT_S)
    return sorted(chosen, key=lambda s: (levels.index(s.candidate.level), -s.weakness))


def questions_for(minutes: int | None, count: int | None, mix: Mapping[str, float]) -> int:
    """How many questions a mock of ``minutes`` (or exactly ``count``) asks."""
    if count is not None:
        return count
    total = sum(mix.values()) or 1.0
    average = sum(LIMIT_S.get(k, LIMIT_S["medium"]) * v for k, v in mix.items()) / total
    return max(1, round((minutes or 30) * 60 / average))


def time_limits(levels: Sequence[str], minutes: int | None) -> list[int]:
    """Seconds per question: by difficulty, scaled so they add up to ``minutes`` when given."""
    base = [LIMIT_S.get(level, LIMIT_S["medium"]) for level in levels]
    if minutes is None or not base:
        return base
    scale = minutes * 60 / sum(base)
    return [max(30, round(b * scale)) for b in base]
