"""Optional grading by an LLM behind an OpenAI-compatible chat endpoint.

For users who have one (a local llama.cpp server, Ollama, vLLM, or a hosted API). The model
judges each key point and returns JSON; the request is time-limited, and on any failure
(network, timeout, bad JSON, wrong shape) the offline grader's result is returned with a
note saying so. The API key is sent only in the Authorization header: it never appears in a
grade, a note, an error message or a log line.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from prepdeck.grading.bands import DEFAULT_BANDS, Bands
from prepdeck.grading.types import Grade, KeyPointResult

_SYSTEM = (
    "You grade a candidate's answer to a data-science interview question against a reference "
    "answer. For each numbered key point, decide whether the candidate's answer states it "
    "correctly (not negated, not about the wrong concept). Reply with JSON only: "
    '{"key_points": [{"index": 1, "hit": true, '
    '"evidence": "exact words from the answer or null"}], "score": 0.0-1.0}'
)


@dataclass(frozen=True)
class LLMConfig:
    """Where the endpoint is. ``url`` is the API base (…/v1); ``timeout_s`` bounds the call."""

    url: str
    model: str
    api_key: str = ""
    timeout_s: float = 20.0

    def __repr__(self) -> str:  # keep the key out of reprs and tracebacks
        return f"LLMConfig(url={self.url!r}, model={self.model!r}, timeout_s={self.timeout_s})"


class LLMGradingError(Exception):
    """The endpoint failed or answered something unusable (message never holds the key)."""


def _prompt(answer: str, reference: str, points: Sequence[str], question: str | None) -> str:
    numbered = "\n".join(f"{i}. {p}" for i, p in enumerate(points, start=1))
    return (
        f"Question: {question or '(not given)'}\n\nReference answer:\n{reference}\n\n"
        f"Key points:\n{numbered}\n\nCandidate's answer:\n{answer}\n"
    )


def _call(config: LLMConfig, prompt: str) -> dict[str, Any]:
    body = json.dumps(
        {
            "model": config.model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": _SYSTEM},
                {"role": "user", "content": prompt},
            ],
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    request = urllib.request.Request(
        config.url.rstrip("/") + "/chat/completions", data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout_s) as response:
            payload = json.loads(response.read().decode("utf-8"))
        content = payload["choices"][0]["message"]["content"]
        start, end = content.find("{"), content.rfind("}")
        data = json.loads(content[start : end + 1])
    except TimeoutError:
        raise LLMGradingError(f"no answer within {config.timeout_s:g} s") from None
    except urllib.error.HTTPError as exc:
        raise LLMGradingError(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise LLMGradingError(f"cannot reach the endpoint ({type(exc.reason).__name__})") from None
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        raise LLMGradingError("the endpoint's reply was not the JSON asked for") from None
    if not isinstance(data, dict):
        raise LLMGradingError("the endpoint's reply was not a JSON object")
    return data


def _judgements(data: dict[str, Any], points: Sequence[str], answer: str) -> list[KeyPointResult]:
    raw = data.get("key_points")
    if not isinstance(raw, list):
        raise LLMGradingError("the reply has no key_points list")
    by_index: dict[int, dict[str, Any]] = {}
    for entry in raw:
        if isinstance(entry, dict) and isinstance(entry.get("index"), int):
            by_index[entry["index"]] = entry
    results = []
    for i, point in enumerate(points, start=1):
        entry = by_index.get(i)
        if entry is None:
            raise LLMGradingError(f"the reply does not judge key point {i}")
        evidence = entry.get("evidence")
        evidence = evidence if isinstance(evidence, str) and evidence.strip() else None
        start = answer.find(evidence) if evidence else -1
        span = (start, start + len(evidence)) if evidence and start >= 0 else None
        hit = bool(entry.get("hit"))
        results.append(KeyPointResult(point, hit, 1.0 if hit else 0.0, evidence, span))
    return results


def grade_with_llm(
    answer: str,
    reference: str,
    key_points: Sequence[str] | None,
    question: str | None,
    config: LLMConfig,
    *,
    bands: Bands = DEFAULT_BANDS,
) -> Grade:
    """Grade with the LLM; on any failure, the offline grade with a note saying why."""
    from prepdeck.grading import grade as offline_grade

    offline = offline_grade(answer, reference, key_points, question, bands=bands)
    points = [k.text for k in offline.key_points]
    if not answer.strip() or not points:
        return offline
    try:
        data = _call(config, _prompt(answer, reference, points, question))
        results = _judgements(data, points, answer)
    except LLMGradingError as exc:
        note = f"LLM grader unavailable ({exc}); graded offline"
        return replace(offline, notes=(*offline.notes, note))
    hits = sum(1 for r in results if r.hit)
    score = hits / len(results)
    reported = data.get("score")
    if isinstance(reported, int | float) and 0.0 <= float(reported) <= 1.0:
        score = (score + float(reported)) / 2
    return Grade(
        score=score,
        rating=bands.rating(score),
        verdict=bands.verdict(score, hits, len(results)),
        key_points=tuple(results),
        derived_key_points=offline.derived_key_points,
        method=f"llm:{config.model}",
    )
