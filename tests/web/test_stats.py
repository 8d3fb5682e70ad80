"""Stats: the four plots as accessible server-made SVG, and the numbers behind them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from xml.etree import ElementTree

from fastapi.testclient import TestClient

from prepdeck import charts
from prepdeck.progress import FORECAST_DAYS, RETENTION_WEEKS, REVIEW_DAYS
from tests.web.conftest import csrf


def _practise(client: TestClient, ratings: list[int]) -> None:
    step = client.post("/api/practice", json={"limit": len(ratings)}, headers=csrf(client)).json()
    for rating in ratings:
        step = client.post(
            f"/api/practice/{step['session']}/rate",
            json={"item_pk": step["card"]["item_pk"], "rating": rating},
            headers=csrf(client),
        ).json()["next"]


def test_stats_api_before_any_review(client: TestClient) -> None:
    data = client.get("/api/stats").json()
    assert len(data["reviews_per_day"]) == REVIEW_DAYS
    assert len(data["retention_per_week"]) == RETENTION_WEEKS
    assert len(data["due_forecast"]) == FORECAST_DAYS
    assert data["due_forecast"][0]["day"] == data["today"]
    assert sum(d["count"] for d in data["reviews_per_day"]) == 0
    assert all(w["retention"] is None for w in data["retention_per_week"])
    stats = next(t for t in data["topics"] if t["topic"] == "Statistics")
    assert stats["items"] > 0 and stats["mastery"] == 0 and stats["mean_recall"] == 0
    assert data["interview_date"] is None and data["days_to_interview"] is None


def test_stats_count_reviews_and_forecast(client: TestClient) -> None:
    _practise(client, [4, 4, 3])
    data = client.get("/api/stats").json()
    assert data["reviews_per_day"][-1] == {"day": data["today"], "count": 3}
    assert sum(d["count"] for d in data["due_forecast"]) == 3
    assert sum(t["studied"] for t in data["topics"]) == 3
    assert any(t["mean_recall"] > 0 for t in data["topics"])


def test_stats_page_renders_four_accessible_plots(client: TestClient) -> None:
    _practise(client, [3])
    page = client.get("/stats")
    assert page.status_code == 200 and 'href="/stats" aria-current="page"' in page.text
    svgs = re.findall(r"<svg .*?</svg>", page.text, flags=re.S)
    assert len(svgs) == 4
    for svg in svgs:
        root = ElementTree.fromstring(svg)  # well-formed XML
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img" and root.get("aria-labelledby")
        assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
        assert "style=" not in svg and "<script" not in svg
    assert "Reviews per day, last 60 days" in page.text and "Show the numbers" in page.text
    assert 'class="bar"' in page.text and "1 reviews" in page.text


def test_interview_countdown(client: TestClient) -> None:
    day = (_today(client) + timedelta(days=12)).isoformat()
    client.put("/api/settings", json={"interview_date": day}, headers=csrf(client))
    assert client.get("/api/stats").json()["days_to_interview"] == 12
    assert 'id="interview">12<' in client.get("/stats").text


def _today(client: TestClient) -> date:
    return date.fromisoformat(client.get("/api/stats").json()["today"])


def test_charts_escape_text_and_scale() -> None:
    svg = charts.bar_chart(
        [("<b>&", 3), ("two", 7)], chart_id='x"y', title="<script>", x_label="a", y_label="b"
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;&amp;" in svg
    assert 'id="x&quot;y"' in svg
    ElementTree.fromstring(svg)
    line = charts.line_chart(
        [("w1", None), ("w2", 0.5), ("w3", 0.9)], chart_id="l", title="t", x_label="x", y_label="y"
    )
    assert line.count("<circle") == 2 and "<polyline" in line
    bars = charts.category_bars(
        [("Topic & co", 0.25, 0.5)], chart_id="m", title="t", series=("a", "b")
    )
    assert "Topic &amp; co" in bars and "25%" in bars
    assert [charts.nice_max(v) for v in (0, 0.3, 7, 12, 101)] == [1, 0.5, 10, 20, 200]
