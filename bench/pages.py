"""The key pages: latency and SQL queries per request in-process, and requests per second through
gunicorn as a ratio to /healthz measured in the same run."""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from sv_grants.extensions import db
from sv_grants.runtime import settle_heap

from .database import Subjects, cookie_name, server_env, session_cookie

LAYOUT_ONLY = "/accessibility"
LAYOUT_NAME = "layout only (accessibility statement)"
# Keeps a full run within about ten minutes when a page is seconds, not milliseconds, slow.
PAGE_SECONDS = 10.0
MIN_SAMPLES = 3


@dataclass(frozen=True)
class Page:
    name: str
    user: str
    url: str


def key_pages(subjects: Subjects) -> list[Page]:
    period = "to-date"
    return [
        Page("applicant dashboard", "applicant", "/organisation"),
        Page("officer application list", "officer",
             f"/rounds/{subjects.round_id}/applications?status=in_assessment&page=2"),
        Page("reviewer queue", "reviewer", "/reviews"),
        Page("panel ranking", "officer", f"/rounds/{subjects.round_id}/panel"),
        Page("application view", "officer", f"/applications/{subjects.application_id}/view"),
        Page("funding return HTML", "officer", f"/reports/{subjects.page_fund_slug}/funding/{period}"),
        Page("impact return HTML", "officer", f"/reports/{subjects.page_fund_slug}/impact/{period}"),
    ]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def cookies_for(app: Flask, subjects: Subjects) -> dict[str, str]:
    return {role: session_cookie(app, user_id) for role, user_id in subjects.users.items()}


def in_process(app: Flask, subjects: Subjects, repeats: int) -> dict[str, dict[str, float]]:
    """{page: {median_ms, p95_ms, queries, status}}, each page opened ``repeats`` times after a warm-up."""
    counter = {"n": 0}

    def count(*_: object) -> None:
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    cookies = cookies_for(app, subjects)
    results: dict[str, dict[str, float]] = {}
    try:
        for page in key_pages(subjects):
            client = app.test_client()
            client.set_cookie(cookie_name(app), cookies[page.user])
            response = client.get(page.url)  # warm-up: templates compiled, caches filled
            settle_heap()  # as wsgi.py does once a worker has started
            timings, queries = [], []
            budget_ends = time.perf_counter() + PAGE_SECONDS
            for done in range(repeats):
                if done >= MIN_SAMPLES and time.perf_counter() > budget_ends:
                    break  # a page far over its target needs no more samples to show it
                counter["n"] = 0
                started = time.perf_counter()
                response = client.get(page.url)
                timings.append((time.perf_counter() - started) * 1000)
                queries.append(counter["n"])
            results[page.name] = {"median_ms": round(statistics.median(timings), 1),
                                  "p95_ms": round(_percentile(timings, 0.95), 1),
                                  "queries": max(queries), "status": response.status_code,
                                  "samples": len(timings)}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return results


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with two workers on a free port, serving the bench's database."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.port = _free_port()
        env = server_env(url, workdir)
        env.update({"BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2"})
        root = Path(__file__).resolve().parent.parent
        self.log = (workdir / f"gunicorn-{self.port}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter running gunicorn
            [sys.executable, "-m", "gunicorn", "--config", str(root / "gunicorn.conf.py"), "wsgi:app"],
            cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                if _get(self.port, "/healthz", None)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within a minute")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _get(port: int, url: str, cookie: str | None) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Host": "127.0.0.1", "Connection": "close"}
        if cookie:
            headers["Cookie"] = cookie
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def _rate(port: int, url: str, cookie: str | None, seconds: float, threads: int) -> tuple[float, set[int]]:
    done, statuses, lock = [0], set(), threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < stop_at:
            status, _ = _get(port, url, cookie)
            with lock:
                done[0] += 1
                statuses.add(status)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return done[0] / (time.perf_counter() - started), statuses


def throughput(app: Flask, subjects: Subjects, url: str, workdir: Path, seconds: float,
               threads: int = 4) -> dict[str, dict[str, float]]:
    """{page: {rps, ratio, status}} with /healthz measured first and last, its mean the baseline."""
    cookies = {role: f"{cookie_name(app)}={value}" for role, value in cookies_for(app, subjects).items()}
    server = Server(url, workdir)
    try:
        for page in key_pages(subjects):  # warm each worker's templates and caches
            for _ in range(2):
                _get(server.port, page.url, cookies[page.user])
        first, _ = _rate(server.port, "/healthz", None, seconds, threads)
        results: dict[str, dict[str, float]] = {}
        for page in key_pages(subjects):
            rps, statuses = _rate(server.port, page.url, cookies[page.user], seconds, threads)
            results[page.name] = {"rps": round(rps, 1), "status": max(statuses)}
        # Not a key page: the layout alone for a signed-in person (session, roles, menu, footer), so
        # the table shows how much of each page's cost is the service's frame rather than the page.
        rps, statuses = _rate(server.port, LAYOUT_ONLY, cookies["officer"], seconds, threads)
        layout = {"rps": round(rps, 1), "status": max(statuses)}
        last, _ = _rate(server.port, "/healthz", None, seconds, threads)
    finally:
        server.stop()
    baseline = (first + last) / 2
    for figures in [*results.values(), layout]:
        figures["ratio"] = round(figures["rps"] / baseline, 3) if baseline else 0.0
    results["/healthz"] = {"rps": round(baseline, 1), "ratio": 1.0, "status": 200}
    results[LAYOUT_NAME] = layout
    return results


def cpu_count() -> int:
    return os.cpu_count() or 1
