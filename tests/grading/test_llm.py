"""The optional LLM grader against a local server that speaks the OpenAI chat protocol."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from prepdeck.grading.llm import LLMConfig, grade_with_llm
from prepdeck.scheduling import Rating

REFERENCE = "Weight tying shares one matrix between the input embedding and the output projection."
POINTS = ["The input embedding and the output projection share one matrix.", "It saves parameters."]
SECRET = "sk-test-secret-123"


class _Server:
    def __init__(self) -> None:
        self.reply: Any = None
        self.delay = 0.0
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
                )
                time.sleep(outer.delay)
                payload = outer.reply if isinstance(outer.reply, str) else json.dumps(outer.reply)
                data = json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": payload}}]}
                )
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server() -> Iterator[_Server]:
    s = _Server()
    yield s
    s.httpd.shutdown()


def _config(server: _Server, timeout: float = 5.0) -> LLMConfig:
    return LLMConfig(server.url, "local-model", SECRET, timeout)


def test_llm_judgements_become_the_grade(server: _Server) -> None:
    answer = "The embedding and the output layer share one matrix."
    server.reply = {
        "key_points": [
            {"index": 1, "hit": True, "evidence": "share one matrix"},
            {"index": 2, "hit": False, "evidence": None},
        ],
        "score": 0.5,
    }
    grade = grade_with_llm(answer, REFERENCE, POINTS, "What is weight tying?", _config(server))
    assert grade.method == "llm:local-model"
    assert [k.hit for k in grade.key_points] == [True, False]
    assert grade.key_points[0].span == (
        answer.find("share one matrix"),
        answer.find("share one matrix") + 16,
    )
    assert grade.score == pytest.approx(0.5) and grade.rating is Rating.HARD
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == f"Bearer {SECRET}"
    assert request["body"]["model"] == "local-model"
    assert SECRET not in json.dumps(grade.to_dict())


@pytest.mark.parametrize(
    "setup",
    [
        {"reply": "not json at all"},
        {"reply": {"key_points": "nope"}},
        {"reply": {"key_points": [{"index": 1, "hit": True}]}},  # point 2 not judged
        {"status": 500, "reply": {}},
        {"delay": 1.5, "reply": {}},
    ],
    ids=["garbage", "wrong-shape", "missing-point", "http-500", "timeout"],
)
def test_any_failure_falls_back_offline(server: _Server, setup: dict[str, Any]) -> None:
    for key, value in setup.items():
        setattr(server, key, value)
    grade = grade_with_llm(
        "They share one matrix.", REFERENCE, POINTS, None, _config(server, timeout=0.5)
    )
    assert not grade.method.startswith("llm:")
    assert any("LLM grader unavailable" in note for note in grade.notes)
    assert all(SECRET not in note for note in grade.notes)


def test_unreachable_endpoint_falls_back() -> None:
    config = LLMConfig("http://127.0.0.1:9/v1", "m", SECRET, 0.5)
    grade = grade_with_llm("They share one matrix.", REFERENCE, POINTS, None, config)
    assert any("cannot reach" in note for note in grade.notes)
    assert SECRET not in repr(config)
