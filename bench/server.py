"""Server load and fault benchmark: many learners practising at once against PostgreSQL.

Usage: python bench/server.py [--learners 200] [--seconds 20] [--workers 4] [--restart-postgres]

Makes a throwaway PostgreSQL cluster of its own (initdb in a temporary folder, a free port,
never the shared server on 5432), migrates it and loads the bundled bank, creates one account
and one API token per learner, and starts ``prepdeck serve --workers N`` on it with accounts on
(which runs the practice API on each worker's event loop, the ``inline_api`` setting;
``PREPDECK_INLINE_API=false`` in the environment measures it on the thread pool instead).
Then each simulated learner (asyncio, its own keep-alive connection and token) practises as
fast as the server lets it for ``--seconds``, the way the API's client does: start a session
(``POST /api/practice`` answers with its first card), then rate the card shown (``POST
.../rate`` with a fresh ``Idempotency-Key``; the answer saves the rating and carries the next
card), and so on; a finished session is followed by a new one. So one request is one review,
and its latency includes finding the next card. Sessions are 50 cards, but each learner's
first is of a random length (1-50), so that session starts are spread over the run rather
than falling all in the same second every 50 ratings. A rating that fails (503 while the database
is down, a dropped connection, a timeout) is sent again with the same key until it is
acknowledged or the run is over.

``--restart-postgres`` stops the cluster in the middle of the run for ``--outage-seconds`` and
starts it again; the server is not touched and must recover by itself.

Afterwards every review a client saw acknowledged (the API returns its id) is checked against
the review log: present, of that learner, and once; and the log holds no rating that is not
tied to one request key (which would be a rating saved twice).

Prints a table: acknowledged reviews/s, p50/p99 latency of the rating and session-start requests,
errors by kind, and the check. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from _common import percentile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server.cluster import Cluster, free_port, unavailable_reason  # noqa: E402

HOST = "127.0.0.1"
RATINGS = (1, 2, 3, 4)
RATING_WEIGHTS = (0.10, 0.15, 0.60, 0.15)  # Again, Hard, Good, Easy
SESSION_CARDS = 50


# the database -------------------------------------------------------------------------------
def prepare(url: str, learners: int) -> list[tuple[int, str]]:
    """Migrate, load the bundled bank, and make (user id, API token) per learner."""
    from prepdeck.settings import Settings
    from prepdeck.store.context import open_store_context

    ctx = open_store_context(Settings(database_url=url))
    try:
        store = ctx.store
        made = []
        for n in range(learners):
            user = store.create_account(f"learner{n:04d}", secrets.token_urlsafe(12))
            made.append((user, store.create_api_token(user, "bench")))
        return made
    finally:
        ctx.close()


# the server ---------------------------------------------------------------------------------
@contextlib.contextmanager
def server(url: str, workers: int, port: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "PREPDECK_DATABASE_URL": url,
        "PREPDECK_ACCOUNTS": "true",
        "PREPDECK_NEW_PER_DAY": "1000",  # enough new cards for every learner's whole run
        "PREPDECK_REVIEWS_PER_DAY": "10000",
        "PREPDECK_LOG_FORMAT": "json",
        "PREPDECK_CONFIG": str(log_path.parent / "none.toml"),
    }
    prepdeck = str(Path(sys.executable).with_name("prepdeck"))
    command = [prepdeck, "serve", "--workers", str(workers), "--port", str(port)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"http://{HOST}:{port}/readyz", timeout=2).status_code == 200:
                        break
                if proc.poll() is not None:
                    sys.exit(f"the server exited early; see {log_path}")
                time.sleep(0.3)
            else:
                sys.exit(f"the server did not get ready; see {log_path}")
            time.sleep(1.0)  # every worker up, not just the first
            yield proc
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of ``pids`` (those still running), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def server_pids(proc: subprocess.Popen[bytes]) -> list[int]:
    return [proc.pid, *_children(proc.pid)]


def postgres_pids(cluster: Cluster) -> list[int]:
    with contextlib.suppress(OSError, ValueError):
        main = int((cluster.data / "postmaster.pid").read_text().split()[0])
        return [main, *_children(main)]
    return []


# the learners -------------------------------------------------------------------------------
@dataclass
class Tally:
    rate_ms: list[float] = field(default_factory=list)
    start_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    #: (user, review id) of every rating acknowledged to a client
    acknowledged: list[tuple[int, int]] = field(default_factory=list)
    replayed: int = 0
    sessions: int = 0
    first_error: float | None = None
    last_error: float | None = None


class HttpError(Exception):
    """A request that got no answer (refused, dropped, timed out); its kind names it."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Connection:
    """One keep-alive HTTP/1.1 connection, the lean way.

    The load generator shares the server's two cores, so each request must cost it little:
    a request is one write of prepared bytes and a read of the status, headers and a
    Content-Length body (what uvicorn sends), about a tenth of an httpx request's CPU.
    """

    def __init__(self, host: str, port: int, token: str, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.head = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: object, headers: str = ""
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode()
        raw = (
            f"{method} {path} HTTP/1.1\r\n{self.head}{headers}"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        ).encode() + data
        try:
            async with asyncio.timeout(self.timeout):
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                assert self.reader is not None
                self.writer.write(raw)
                head = await self.reader.readuntil(b"\r\n\r\n")
                status, length, close = _parse_head(head)
                payload = await self.reader.readexactly(length)
        except TimeoutError:
            self.close()
            raise HttpError("timeout") from None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            self.close()
            raise HttpError("connection") from None
        if close:
            self.close()
        return status, json.loads(payload) if payload else None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _parse_head(head: bytes) -> tuple[int, int, bool]:
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    return status, length, close


class Learner:
    """Practises like the API's client would: start a session (its first card comes back),
    then rate card after card, each rating's answer carrying the next card."""

    def __init__(
        self, user: int, token: str, port: int, tally: Tally, seed: int, every: float
    ) -> None:
        self.user = user
        self.tally = tally
        self.random = random.Random(seed)
        self.http = Connection(HOST, port, token, timeout=10.0)
        #: Seconds between the starts of two ratings (0: as fast as the server answers).
        self.every = every
        # The first session is of a random length, so learners end their sessions at
        # different times: started together with equal sessions at an equal pace, all 200
        # would start their next session in the same second, a burst no real group makes.
        self.first_limit = self.random.randint(1, SESSION_CARDS)
        self.sessions = 0

    def _error(self, kind: str) -> None:
        now = time.monotonic()
        self.tally.errors[kind] += 1
        self.tally.first_error = self.tally.first_error or now
        self.tally.last_error = now

    async def _send(
        self, method: str, path: str, body: object, headers: str = ""
    ) -> tuple[int, Any] | None:
        try:
            status, answer = await self.http.request(method, path, body, headers)
        except HttpError as exc:
            self._error(exc.kind)
            return None
        if status >= 400:
            self._error(str(status))
        return status, answer

    async def run(self, until: float, measure_from: float) -> None:
        step: dict[str, Any] | None = None  # the card in front of the learner
        due = time.monotonic() + self.random.uniform(0, self.every)  # spread the learners out
        try:
            while time.monotonic() < until:
                if self.every:  # a paced learner: a rating every ``every`` seconds at most
                    await asyncio.sleep(max(due - time.monotonic(), 0))
                    due = max(due + self.every, time.monotonic())
                if step is None or step.get("done"):
                    t0 = time.monotonic()
                    limit = SESSION_CARDS if self.sessions else self.first_limit
                    started = await self._send("POST", "/api/practice", {"limit": limit})
                    if started is None or started[0] != 201:
                        await asyncio.sleep(0.5)
                        continue
                    if t0 >= measure_from:
                        self.tally.start_ms.append((time.monotonic() - t0) * 1000)
                    step = started[1]
                    self.tally.sessions += 1
                    self.sessions += 1
                    continue
                step = await self._rate(step, until + 30, measure_from)
        finally:
            self.http.close()

    async def _rate(
        self, step: dict[str, Any], give_up: float, measure_from: float
    ) -> dict[str, Any] | None:
        """Rate until acknowledged (same key on every try) or the run is well over; the next
        step, or None to start afresh."""
        key = secrets.token_urlsafe(16)
        rating = self.random.choices(RATINGS, RATING_WEIGHTS)[0]
        path = f"/api/practice/{step['session']}/rate"
        body = {"item_pk": step["card"]["item_pk"], "rating": rating}
        first = True
        while time.monotonic() < give_up:
            t0 = time.monotonic()
            answer = await self._send("POST", path, body, f"Idempotency-Key: {key}\r\n")
            if answer is not None and answer[0] == 200:
                if first and t0 >= measure_from:
                    self.tally.rate_ms.append((time.monotonic() - t0) * 1000)
                saved = answer[1]["saved"]
                self.tally.acknowledged.append((self.user, int(saved["review_id"])))
                self.tally.replayed += bool(saved["replayed"])
                return dict(answer[1]["next"])
            if answer is not None and answer[0] in (404, 409):
                return None  # not retryable: the session moved on (counted as an error)
            first = False
            await asyncio.sleep(0.5)
        return None


Sample = Callable[[], tuple[float, float, float]]


async def _cpu_window(sample: Sample, warmup: float, seconds: float) -> tuple[float, ...]:
    await asyncio.sleep(warmup)
    before = sample()
    await asyncio.sleep(seconds)
    after = sample()
    return tuple(b - a for a, b in zip(before, after, strict=True))


async def drive(
    learners: list[tuple[int, str]],
    port: int,
    seconds: float,
    rate: float,
    outage: tuple[Cluster, float] | None,
    sample: Sample,
) -> tuple[Tally, tuple[float, ...], dict[str, float]]:
    tally = Tally()
    start = time.monotonic()
    warmup = min(2.0, seconds / 10)
    until = start + warmup + seconds
    every = len(learners) / rate if rate else 0.0
    crowd = [Learner(u, t, port, tally, n, every) for n, (u, t) in enumerate(learners)]
    tasks = [asyncio.create_task(learner.run(until, start + warmup)) for learner in crowd]
    cpu = asyncio.create_task(_cpu_window(sample, warmup, seconds))
    marks: dict[str, float] = {}
    if outage is not None:
        cluster, down_for = outage
        await asyncio.sleep(warmup + seconds / 2)
        marks["stop"] = time.monotonic() - start
        await asyncio.to_thread(cluster.stop)  # pg_ctl stop -m fast
        await asyncio.sleep(down_for)
        await asyncio.to_thread(cluster.start)
        marks["start"] = time.monotonic() - start
    await asyncio.gather(*tasks)
    return tally, await cpu, marks


# the check ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    acknowledged: int
    distinct: int
    missing: int
    wrong_user: int
    duplicated_acks: int
    reviews_in_log: int
    reviews_without_key: int
    saved_not_acknowledged: int

    @property
    def ok(self) -> bool:
        return not (self.missing or self.wrong_user or self.reviews_without_key)


def check(url: str, tally: Tally) -> Check:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, user_id FROM reviews WHERE kind = 'review'")).all()
        keyed = conn.execute(text("SELECT review_id FROM rate_requests")).scalars().all()
    engine.dispose()
    owner = {int(r.id): int(r.user_id) for r in rows}
    keyed_ids = Counter(int(k) for k in keyed)
    acked = {review for _user, review in tally.acknowledged}
    counts = Counter(review for _user, review in tally.acknowledged)
    return Check(
        acknowledged=len(tally.acknowledged),
        distinct=len(acked),
        missing=sum(1 for review in acked if review not in owner),
        wrong_user=sum(1 for user, review in tally.acknowledged if owner.get(review, user) != user),
        duplicated_acks=sum(c - 1 for c in counts.values() if c > 1),
        reviews_in_log=len(owner),
        reviews_without_key=sum(1 for review in owner if keyed_ids[review] != 1),
        saved_not_acknowledged=sum(1 for review in owner if review not in acked),
    )


# the report ---------------------------------------------------------------------------------
def report(
    args: argparse.Namespace,
    tally: Tally,
    checked: Check,
    marks: dict[str, float],
    cpu: tuple[float, ...],
) -> None:
    measured = len(tally.rate_ms)
    per = max(measured, 1)
    load = os.getloadavg()[0]
    rows = [
        ("learners / workers / seconds", f"{args.learners} / {args.workers} / {args.seconds:g}"),
        (
            "offered load (reviews/s)",
            f"{args.rate:g} (paced learners)" if args.rate else "as fast as answered",
        ),
        ("acknowledged reviews (measured window)", f"{measured:,}"),
        ("acknowledged reviews/s", f"{measured / args.seconds:,.1f}"),
        (
            "rate p50 / p99 (ms)",
            f"{percentile(tally.rate_ms, 0.5):.1f} / {percentile(tally.rate_ms, 0.99):.1f}",
        ),
        (
            "session start p50 / p99 (ms)",
            f"{percentile(tally.start_ms, 0.5):.1f} / {percentile(tally.start_ms, 0.99):.1f}",
        ),
        (
            "CPU ms per review: server / PostgreSQL / load generator",
            f"{cpu[0] * 1000 / per:.1f} / {cpu[1] * 1000 / per:.1f} / {cpu[2] * 1000 / per:.1f}",
        ),
        ("load average (1 min) at the end, cores", f"{load:.1f}, {os.cpu_count()}"),
        ("sessions started", f"{tally.sessions:,}"),
        (
            "errors by kind",
            ", ".join(f"{k}: {v}" for k, v in sorted(tally.errors.items())) or "none",
        ),
        ("ratings answered by replay (retried key)", f"{tally.replayed}"),
        ("acknowledged, all (incl. warm-up and retries)", f"{checked.acknowledged:,}"),
        ("acknowledged but not in the log", f"{checked.missing}"),
        ("acknowledged for another learner", f"{checked.wrong_user}"),
        ("log ratings not tied to exactly one request key", f"{checked.reviews_without_key}"),
        ("saved but never acknowledged (answer lost)", f"{checked.saved_not_acknowledged}"),
    ]
    if marks:
        window = ""
        if tally.first_error is not None and tally.last_error is not None:
            window = f"; errors seen for {tally.last_error - tally.first_error:.1f} s"
        rows.append(
            (
                "PostgreSQL stopped / started at (s)",
                f"{marks['stop']:.1f} / {marks['start']:.1f}{window}",
            )
        )
    rows.append(
        ("verdict", "every acknowledged review in the log, once" if checked.ok else "FAILED")
    )
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"| {'-' * width} | --- |")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")


def _run(coro: Any) -> Any:
    """``asyncio.run``, on uvloop when it is installed (the server uses it too)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200, help="simulated learners (200)")
    parser.add_argument(
        "--seconds", type=float, default=20, help="measured seconds (20: a smoke run; 120 in full)"
    )
    parser.add_argument("--workers", type=int, default=4, help="server processes (4)")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="pace the learners to this many reviews/s in all, to read latency at a given load "
        "(0, the default: every learner rates as fast as the server answers, which measures "
        "the most the server does; latency is then queueing: learners / throughput)",
    )
    parser.add_argument(
        "--restart-postgres",
        action="store_true",
        help="stop the bench's own PostgreSQL halfway through and start it again",
    )
    parser.add_argument(
        "--outage-seconds", type=float, default=3.0, help="how long it stays down (3)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the cluster and logs")
    args = parser.parse_args()

    if (reason := unavailable_reason()) is not None:
        sys.exit(f"bench/server.py {reason}")
    cluster = Cluster(max_connections=max(100, args.workers * 30 + 20))
    try:
        cluster.start()
        print(f"PostgreSQL cluster of the bench's own at {HOST}:{cluster.port} ({cluster.root})")
        learners = prepare(cluster.url, args.learners)
        port = free_port()
        log_path = cluster.root / "server-log.jsonl"
        with server(cluster.url, args.workers, port, log_path) as proc:
            outage = (cluster, args.outage_seconds) if args.restart_postgres else None

            def sample() -> tuple[float, float, float]:
                return (
                    cpu_seconds(server_pids(proc)),
                    cpu_seconds(postgres_pids(cluster)),
                    time.process_time(),
                )

            tally, cpu, marks = _run(drive(learners, port, args.seconds, args.rate, outage, sample))
        checked = check(cluster.url, tally)
        report(args, tally, checked, marks, cpu)
        if not checked.ok:
            sys.exit(1)
    finally:
        if args.keep:
            print(f"kept {cluster.root}")
        else:
            cluster.destroy()


if __name__ == "__main__":
    main()
