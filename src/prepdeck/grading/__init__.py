"""Offline grading of typed answers against a reference answer, with key-point feedback.

``grade(answer, reference, key_points=None, question=None) -> Grade``; ``grade_many`` for
batches. Runs the bundled all-MiniLM-L6-v2 (ONNX) when it loads, a stemmed-recall fallback
otherwise (``Grade.method`` and ``Grade.notes`` say which). Imports no CLI, web or SQL code.
"""

from __future__ import annotations

from prepdeck.grading.bands import DEFAULT_BANDS, Bands
from prepdeck.grading.engine import grade, grade_many
from prepdeck.grading.types import Grade, KeyPointResult

__all__ = ["DEFAULT_BANDS", "Bands", "Grade", "KeyPointResult", "grade", "grade_many"]
