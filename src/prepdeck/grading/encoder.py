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
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_DIR = Path(__file__).parent / "model"
ENV_VAR = "PREPDECK_GRADING_MODEL"
# The model has 512 positions; shorter windows keep attention cheap and lose little.
WINDOW = 254
# Reference answers and key points repeat across calls for the same item: their encodings
# are kept, least recently used first out, up to this many texts (~100 KB each at most).
CACHE_SIZE = 2048

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
        self._cache: OrderedDict[str, Encoded] = OrderedDict()
        self._cache_lock = threading.Lock()

    def tokens(self, text: str) -> list[str]:
        """Wordpieces of ``text`` without [CLS]/[SEP]."""
        return list(self.tokenizer.encode(text, add_special_tokens=False).tokens)

    def encode(self, text: str) -> Encoded:
        """Encode one text (not cached: typed answers rarely repeat)."""
        return self._encode(text)

    def encode_cached(self, text: str) -> Encoded:
        """Encode ``text`` through the process-wide LRU cache (reference answers, key points)."""
        return self.encode_many([text], cache=True)[0]

    def encode_many(self, texts: Sequence[str], *, cache: bool = False) -> list[Encoded]:
        """Encode ``texts``, one ONNX call per text. With ``cache``, texts seen before come from
        the LRU cache and new ones are added to it.

        Not batched: the int8 model quantizes activations per call, so a text's vectors
        would depend on its batch-mates (up to 0.034 apart, measured) and a grade on
        what else was encoded with it.
        """
        out: list[Encoded] = []
        for text in texts:
            hit = None
            if cache:
                with self._cache_lock:
                    hit = self._cache.get(text)
                    if hit is not None:
                        self._cache.move_to_end(text)
            if hit is None:
                hit = self._encode(text)
                if cache:
                    with self._cache_lock:
                        self._cache[text] = hit
                        while len(self._cache) > CACHE_SIZE:
                            self._cache.popitem(last=False)
            out.append(hit)
        return out

    def _encode(self, text: str) -> Encoded:
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        ids = list(enc.ids)
        if not ids:
            return Encoded(np.zeros((0, 384), np.float32), (), ())
        vectors = np.concatenate(
            [self._run(ids[i : i + WINDOW]) for i in range(0, len(ids), WINDOW)]
        )
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        vectors.setflags(write=False)  # shared through the cache
        return Encoded(vectors, tuple(enc.tokens), tuple((int(s), int(e)) for s, e in enc.offsets))

    def cache_info(self) -> tuple[int, int]:
        """(texts cached, capacity)."""
        with self._cache_lock:
            return len(self._cache), CACHE_SIZE

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()

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
