"""The cost of the access rule on every request: the guard, the token or session lookup.

    python benchmarks/run.py access [--requests 2000]

One SQLite store with one incident, a recorder with an API token and a logged-in web session.
Timed, on the same app in the same process (Starlette's in-process client, so the figure is
the app's work, not the network's):

* token: GET /api/incidents/{id} on a private server (CIVWATCH_PRIVATE_READS) with a Bearer
  token: the guard resolves the token, the route reads the incident;
* session: GET /incidents/{id}.json on a private server with the session cookie;
* baselines: the same two GETs on the same app with the guard taken out and public reads,
  anonymous: the route alone.

Figures: requests per second, best of three interleaved rounds (ratio = ours / baseline; below 1 is slower).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from civwatch.app import AccessGuard, create_app
from civwatch.services import auth
from civwatch.store import migrate
from civwatch.store.db import make_engine

INCIDENT = {"date_start": "2024-03-02", "country_iso3": "SDN", "headline": "Shelling of a market",
            "civilian_deaths": {"best": 12}}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench access", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    return parser.parse_args(argv)


def _rate(client: TestClient, url: str, n: int, headers: dict | None = None) -> float:
    assert client.get(url, headers=headers).status_code == 200
    started = time.perf_counter()
    for _ in range(n):
        client.get(url, headers=headers)
    return n / (time.perf_counter() - started)


def run(argv: list[str]) -> list[dict]:
    args = parse(argv)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'civwatch.sqlite'}")
        migrate.upgrade(engine)
        auth.add_user(engine, "rita", "a long bench password", "recorder")
        token = auth.issue_token(engine, "rita")
        bearer = {"Authorization": f"Bearer {token}"}

        private = TestClient(create_app(engine, private_reads=True))
        incident = private.post("/api/incidents", json=INCIDENT, headers=bearer).json()["id"]
        session = TestClient(private.app)
        csrf = re.search(r'name="csrf" value="([^"]+)"', session.get("/login").text).group(1)
        session.post("/login", data={"username": "rita", "password": "a long bench password", "csrf": csrf})

        bare_app = create_app(engine, private_reads=False)
        bare_app.user_middleware = [m for m in bare_app.user_middleware if m.cls is not AccessGuard]
        bare = TestClient(bare_app)

        rates: dict[str, list[float]] = {"baseline": [], "page": [], "token": [], "session": []}
        for _ in range(3):  # interleaved rounds, best of each: the machine is shared
            rates["baseline"].append(_rate(bare, f"/api/incidents/{incident}", args.requests))
            rates["page"].append(_rate(bare, f"/incidents/{incident}.json", args.requests))
            rates["token"].append(_rate(private, f"/api/incidents/{incident}", args.requests, bearer))
            rates["session"].append(_rate(session, f"/incidents/{incident}.json", args.requests))
        baseline, page, with_token, with_session = (max(rates[k]) for k in ("baseline", "page", "token", "session"))
        engine.dispose()
    return [
        {"case": "token (guard + token lookup + route)", "figure": round(with_token, 1), "unit": "requests/s",
         "baseline": round(baseline, 1), "ratio": round(with_token / baseline, 3)},
        {"case": "session (guard + session lookup + page twin)", "figure": round(with_session, 1), "unit": "requests/s",
         "baseline": round(page, 1), "ratio": round(with_session / page, 3)},
    ]


if __name__ == "__main__":
    import sys

    for row in run(sys.argv[1:]):
        print(row)
