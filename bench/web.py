"""Web benchmark: requests/s and p50/p99 latency of the practice page and of grading an answer.

Usage: python bench/web.py [--seconds 15] [--clients 1,32] [--workers 1]

Starts the real app (uvicorn on 127.0.0.1, a free port) in a subprocess on a fresh SQLite store
in a temporary directory holding the bundled bank, then drives it with a closed-loop load
generator (httpx's async client; each simulated user has its own keep-alive connection and its
own practice session) for ``--seconds`` per scenario:

- ``practice page``: ``GET /practice/{sid}``, the page showing the current card (full HTML);
- ``grade answer``: ``POST /api/practice/{sid}/check`` with a typed answer (JSON API; runs the
  grading engine).

Every request goes to 127.0.0.1 only, and each scenario stops by itself after its time.
Besides req/s and p50/p99 latency the table gives the server's CPU time per request (from
/proc): latency on a shared machine moves with whatever else runs, CPU per request much less.

Why one uvicorn worker by default on this 2-core machine: the load generator, being Python
too, needs the second core for itself (sessions live in the store, so ``--workers`` above 1
works; bench/server.py measures several workers on PostgreSQL). The
server is pinned to one CPU and the load generator to the other where the OS allows it
(``--no-pin`` turns that off).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

HOST = "127.0.0.1"
CSRF_COOKIE = "prepdeck_csrf"
CSRF_HEADER = "x-csrf-token"
ANSWERS = (
    "The errors have mean zero and the model is linear in its parameters.",
    "It reduces variance by averaging many trees trained on bootstrap samples.",
    "Regularisation shrinks the weights, trading a little bias for less variance.",
    "Precision is the share of predicted positives that are right; recall is the share found.",
)


@dataclass(frozen=True)
class Result:
    scenario: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    server_cpu_s: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Server CPU time per request (robust to other load on the machine)."""
        if self.server_cpu_s is None or not self.requests:
            return float("nan")
        return self.server_cpu_s * 1000 / self.requests

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def pin(cpu: int) -> None:
    """Run this process on one CPU (Linux only; silently skipped elsewhere or on 1 CPU)."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {cpu})


def cpu_seconds(pid: int) -> float | None:
    """User+system CPU time of ``pid`` and its children (Linux /proc; None elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
        for one in pids:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError):
        return None
    return total


def serve(database_url: str, port: int, workers: int, cpu: int | None) -> None:
    """The server side (run in the subprocess)."""
    import uvicorn

    if cpu is not None:
        pin(cpu)
    os.environ["PREPDECK_BENCH_DATABASE_URL"] = database_url
    uvicorn.run(
        "web:make_app",
        factory=True,
        app_dir=str(Path(__file__).parent),
        host=HOST,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        server_header=False,
    )


def make_app() -> object:
    """uvicorn factory: the prepdeck app on the benchmark's store."""
    from prepdeck.settings import Settings
    from prepdeck.web import create_app

    return create_app(Settings(database_url=os.environ["PREPDECK_BENCH_DATABASE_URL"], fuzz=False))


def wait_until_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/home", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not come up in time")


class User:
    """One simulated user: a keep-alive connection, a CSRF token and a practice session."""

    def __init__(self, base: str) -> None:
        token = secrets.token_urlsafe(32)
        self.client = httpx.AsyncClient(
            base_url=base,
            headers={CSRF_HEADER: token, "cookie": f"{CSRF_COOKIE}={token}"},
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=30.0,
        )
        self.sid = ""
        self.item_pk = 0
        self.turn = 0

    async def start(self) -> None:
        response = await self.client.post("/api/practice", json={})
        response.raise_for_status()
        step = response.json()
        self.sid, self.item_pk = step["session"], step["card"]["item_pk"]

    async def practice_page(self) -> bool:
        response = await self.client.get(f"/practice/{self.sid}")
        return response.status_code == 200 and b'id="answer"' in response.content

    async def grade(self) -> bool:
        self.turn += 1
        body = {"item_pk": self.item_pk, "answer": ANSWERS[self.turn % len(ANSWERS)]}
        response = await self.client.post(f"/api/practice/{self.sid}/check", json=body)
        return response.status_code == 200

    async def close(self) -> None:
        await self.client.aclose()


async def run_scenario(
    base: str,
    name: str,
    action: Callable[[User], Awaitable[bool]],
    clients: int,
    seconds: float,
    server_pid: int,
) -> Result:
    users = [User(base) for _ in range(clients)]
    try:
        for user in users:  # sessions first, one at a time, outside the measured window
            await user.start()
        for user in users:  # warm up each connection
            await action(user)
        latencies: list[float] = []
        errors = 0
        cpu_before = cpu_seconds(server_pid)
        started = time.perf_counter()
        stop_at = started + seconds

        async def loop(user: User) -> None:
            nonlocal errors
            while time.perf_counter() < stop_at:
                t0 = time.perf_counter()
                try:
                    ok = await action(user)
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += not ok

        await asyncio.gather(*(loop(u) for u in users))
        elapsed = time.perf_counter() - started
        cpu_after = cpu_seconds(server_pid)
        cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
        return Result(name, clients, len(latencies), errors, elapsed, latencies, cpu)
    finally:
        for user in users:
            await user.close()


SCENARIOS: dict[str, Callable[[User], Awaitable[bool]]] = {
    "practice page (GET /practice/{sid})": User.practice_page,
    "grade answer (POST /api/practice/{sid}/check)": User.grade,
}


def table(results: list[Result]) -> str:
    head = f"{'scenario':<46} {'clients':>7} {'requests':>9} {'errors':>6} {'req/s':>8} "
    head += f"{'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10}"
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.scenario:<46} {r.clients:>7} {r.requests:>9} {r.errors:>6} {r.rps:>8.1f} "
            f"{r.percentile(0.50):>8.1f} {r.percentile(0.99):>8.1f} {r.cpu_ms:>10.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=15.0, help="per scenario (default 15)")
    parser.add_argument("--clients", default="1,32", help="concurrent clients, comma-separated")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (default 1)")
    parser.add_argument("--only", choices=("page", "grade"), help="run one scenario only")
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to CPUs")
    parser.add_argument("--serve", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.workers, args.cpu)
        return

    from prepdeck.settings import Settings
    from prepdeck.store.context import open_store_context

    pinning = not args.no_pin and (os.cpu_count() or 1) > 1
    counts = [int(c) for c in args.clients.split(",") if c.strip()]
    scenarios = list(SCENARIOS.items())
    if args.only:
        scenarios = [scenarios[0] if args.only == "page" else scenarios[1]]
    with tempfile.TemporaryDirectory(prefix="prepdeck-bench-web-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        open_store_context(Settings(database_url=url, fuzz=False)).close()  # bundled bank in
        port = free_port()
        command = [sys.executable, __file__, "--serve", url, "--port", str(port)]
        command += ["--workers", str(args.workers)]
        if pinning and args.workers == 1:
            command += ["--cpu", "0"]
        proc = subprocess.Popen(command)
        try:
            base = f"http://{HOST}:{port}"
            wait_until_up(base, proc)
            if pinning and args.workers == 1:
                pin(1)
            results = []
            for name, action in scenarios:
                for clients in counts:
                    result = asyncio.run(
                        run_scenario(base, name, action, clients, args.seconds, proc.pid)
                    )
                    print(
                        f"  {name} x{clients}: {result.rps:.1f} req/s, "
                        f"p99 {result.percentile(0.99):.1f} ms",
                        file=sys.stderr,
                    )
                    results.append(result)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    cpus = os.cpu_count()
    print(
        f"prepdeck web benchmark: uvicorn, {args.workers} worker(s), {cpus} CPUs, "
        f"{args.seconds:g} s per row, SQLite, bundled bank, Python {sys.version.split()[0]}"
    )
    print(table(results))
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    failed = sum(r.errors for r in results)
    if failed:
        raise SystemExit(f"{failed} requests failed")


if __name__ == "__main__":
    main()
