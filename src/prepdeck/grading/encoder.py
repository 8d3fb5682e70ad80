"""The bundled sentence encoder: all-MiniLM-L6-v2 as int8 ONNX, run by ONNX Runtime.

The model files live in ``prepdeck/grading/model/`` (exported by ``scripts/export_model.py``;
Apache-2.0, see the NOTICE there). They load once per process, on first use, under a lock.
Nothing is ever downloaded.

``PREPDECK_GRADING_MODEL`` controls it: ``off`` (or ``0``, ``none``) disables the model, so
grading uses the lexical fallback; a directory path loads ``model.onnx`` and ``tokenizer.json``
from there instead of the bundled copy.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_DIR = Path(__file__).parent / "model"
ENV_VAR = "PREPDECK_GRADING_MODEL"
# The model has 512 positions; shorter windows keep attention cheap and lose little.
WINDOW = 254

Vectors = npt.NDArray[np.float32]


class ModelUnavailable(RuntimeError):
    """The encoder could not be loaded (disabled, files missing or runtime missing)."""


@dataclass(frozen=True)
class Encoded:
    """One text's wordpieces: unit-length last-layer vectors, shape (n, 384), float32,
    the wordpiece strings and their character offsets in the text. [CLS]/[SEP] are dropped."""

    vectors: Vectors
    tokens: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]

    def __len__(self) -> int:
        return len(self.tokens)


class Encoder:
    """A loaded model; thread-safe (ONNX Runtime sessions and tokenizers both are)."""

    def __init__(self, model_dir: Path) -> None:
        import onnxruntime as ort  # type: ignore[import-untyped]
        from tokenizers import Tokenizer

        started = time.perf_counter()
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()  # padded inputs dilute the alignment and run 4x slower
        self.tokenizer.no_truncation()  # long texts are windowed in encode()
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.load_seconds = time.perf_counter() - started

    def tokens(self, text: str) -> list[str]:
        """Wordpieces of ``text`` without [CLS]/[SEP]."""
        return list(self.tokenizer.encode(text, add_special_tokens=False).tokens)

    def encode(self, text: str) -> Encoded:
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        ids = list(enc.ids)
        if not ids:
            return Encoded(np.zeros((0, 384), np.float32), (), ())
        chunks = [self._run(ids[i : i + WINDOW]) for i in range(0, len(ids), WINDOW)]
        vectors = np.concatenate(chunks)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return Encoded(vectors, tuple(enc.tokens), tuple((int(s), int(e)) for s, e in enc.offsets))

    def _run(self, ids: list[int]) -> Vectors:
        row = np.array([[101, *ids, 102]], dtype=np.int64)  # [CLS] ... [SEP]
        out: Any = self.session.run(None, {"input_ids": row, "attention_mask": np.ones_like(row)})
        return np.asarray(out[0][0, 1:-1], dtype=np.float32)


_lock = threading.Lock()
_loaded: Encoder | None = None
_failure: str | None = None


def model_disabled() -> bool:
    return os.environ.get(ENV_VAR, "").strip().lower() in ("off", "0", "none", "false")


def get_encoder() -> Encoder:
    """The process-wide encoder, loaded on first call.

    Raises :class:`ModelUnavailable` when it is disabled by ``PREPDECK_GRADING_MODEL`` or
    cannot load; a load failure is remembered, so later calls fail fast.
    """
    global _loaded, _failure
    if model_disabled():
        raise ModelUnavailable(f"model disabled by {ENV_VAR}")
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is None and _failure is None:
            override = os.environ.get(ENV_VAR, "").strip()
            model_dir = Path(override) if override else MODEL_DIR
            try:
                _loaded = Encoder(model_dir)
            except Exception as exc:  # any failure means: grade lexically, and say why
                _failure = f"model could not load ({type(exc).__name__}: {exc})"
        if _loaded is None:
            raise ModelUnavailable(_failure or "model could not load")
        return _loaded
