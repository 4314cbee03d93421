"""Bounded load run on loopback: requests/s and p99 latency of the indicator endpoints.

    python benchmarks/bench_load.py --db /tmp/civwatch-bench-indicators/bench-2500000.sqlite
    python benchmarks/run.py load --db ...

Starts `civwatch serve` on a free port (its own process group, stopped at the end), then runs
wrk (Debian package `wrk`) for --seconds against a rotation of indicator URLs, and, as the
baseline in the same run, against GET /api/indicators (the definitions: no store access),
which is the ceiling of the framework on this machine. Without --db, a store is made from the
real GED files in ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CIVWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
CIVWATCH = Path(sys.executable).parent / "civwatch"
PATHS = [
    "/api/indicators/civilian-deaths?by=year",
    "/api/indicators/civilian-deaths?by=country",
    "/api/indicators/incidents?by=month",
    "/api/indicators/ewipa-share?by=year",
    "/api/indicators/women-children-share?by=party_category",
    "/api/indicators/civilian-deaths?by=year&source=ucdp-ged&change=yoy",
    "/api/indicators/civilian-deaths?by=weapon&country=SYR",
    "/api/compare?by=party_category",
]
LUA = """
paths = {%s}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, seconds: int, connections: int, script: Path | None) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", str(script)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0}


def demo_store(tmp: Path) -> str:
    db = tmp / "load.sqlite"
    for name in ("ged_ukraine_statebased_2014_2022.csv", "ged_v23_1_global_random_sample_991.csv"):
        subprocess.run([str(CIVWATCH), "--db", str(db), "import", str(SHARED / "ucdp_ged" / name)], check=True, capture_output=True)
    return str(db)


def run(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="store URL or SQLite path (default: a store of the real GED files)")
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--fresh-within", type=float, default=0.0, help="CIVWATCH_FRESH_WITHIN for the server")
    args = ap.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="civwatch-load-"))
    db = args.db or demo_store(tmp)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    if args.fresh_within:
        env["CIVWATCH_FRESH_WITHIN"] = str(args.fresh_within)
    server = subprocess.Popen(
        [str(CIVWATCH), "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                for path in PATHS:  # warm every worker's cube check and cache
                    urllib.request.urlopen(base + path, timeout=60).read()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.5)
        script = tmp / "rotate.lua"
        script.write_text(LUA % ", ".join(json.dumps(p) for p in PATHS))
        baseline = wrk(base + "/api/indicators", args.seconds, args.connections, None)
        load = wrk(base + "/", args.seconds, args.connections, script)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return [
        {"case": f"indicator endpoints ({len(PATHS)} URLs rotated), {args.workers} workers, {args.connections} connections",
         "figure": round(load["rps"], 1), "unit": "req/s", "fresh_within_s": args.fresh_within, "p50_ms": load["p50"], "p99_ms": load["p99"], "non2xx": load["non2xx"],
         "baseline": round(baseline["rps"], 1), "baseline_p99_ms": baseline["p99"], "ratio": round(load["rps"] / baseline["rps"], 2)},
    ]


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row))
