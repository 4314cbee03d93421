"""Time to interactive of the dashboard's overview in Chromium, on the demo data and at scale.

    python benchmarks/run.py dashboard [--rows 0 2500000] [--runs 5] [--seed 0]

`--rows 0` is the bundled demo sample (civwatch demo); N > 0 is a generated GED-layout file of
N rows (benchmarks/generate.py, cached in benchmarks/out/data/) imported into a fresh SQLite
store with services.importing, then the indicators refreshed as after any import.

The app runs under uvicorn in a thread of this process; Debian's Chromium loads `/` in a new
browser context per run (no HTTP cache). Figure: milliseconds from navigation start until the
page says it is interactive (`body[data-ready="1"]`: figures rendered, chart drawn, map shapes
loaded and shaded), median of the runs, with

* cold: the indicator results cache emptied before every run (the server computes every figure);
* warm: the cache kept (what most visitors get).

Baseline, same process: the very same HTML bytes, captured once, served by a route that
computes nothing, so the ratio is what computing the figures adds to the page's own load.
Targets (issue 5): interactive within 1 s on the demo data, within 2 s at 2.5M reports.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
TARGET_MS = {0: 1000, 2_500_000: 2000}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench dashboard", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def generated(rows: int, seed: int) -> Path:
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import generate

    return generate.cached("ged", rows, seed)


def load_store(rows: int, seed: int, folder: Path):
    from civwatch.services import demo, importing, indicators
    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    engine = make_engine(f"sqlite:///{folder / 'bench.sqlite'}")
    migrate.upgrade(engine)
    began = time.perf_counter()
    if rows == 0:
        demo.load_sample(engine, actor="bench")
    else:
        importing.import_file(engine, generated(rows, seed), format="ucdp-ged", actor="bench")
    loaded = time.perf_counter() - began
    began = time.perf_counter()
    indicators.refresh(engine)
    return engine, loaded, time.perf_counter() - began


def serve(engine):
    import uvicorn
    from fastapi.responses import HTMLResponse

    from civwatch.app import create_app

    app = create_app(engine)
    captured: dict[str, str] = {}

    @app.get("/__baseline", include_in_schema=False)
    def baseline() -> HTMLResponse:  # the same bytes as `/`, nothing computed
        return HTMLResponse(captured["html"])

    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}", captured


def time_to_interactive(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    ms = page.evaluate("performance.now()")  # since navigation start
    context.close()
    return ms


def run(argv: list[str]) -> list[dict]:
    import httpx
    from playwright.sync_api import sync_playwright

    from civwatch.services import indicators

    args = parse(argv)
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for rows in args.rows:
            label = "demo sample" if rows == 0 else f"{rows:,} generated GED reports"
            with tempfile.TemporaryDirectory(prefix="civwatch-bench-") as tmp:
                engine, load_s, refresh_s = load_store(rows, args.seed, Path(tmp))
                print(f"   {label}: loaded in {load_s:.1f} s, indicators refreshed in {refresh_s:.1f} s", flush=True)
                server, thread, base, captured = serve(engine)
                try:
                    captured["html"] = httpx.get(base + "/", timeout=120).text
                    time_to_interactive(browser, base + "/__baseline")  # warm the browser process
                    baseline = statistics.median(time_to_interactive(browser, base + "/__baseline") for _ in range(args.runs))
                    cold = []
                    for _ in range(args.runs):
                        indicators._cache.clear()  # every figure computed again
                        cold.append(time_to_interactive(browser, base + "/"))
                    warm = [time_to_interactive(browser, base + "/") for _ in range(args.runs)]
                finally:
                    server.should_exit = True
                    thread.join(timeout=10)
                    engine.dispose()
                target = TARGET_MS.get(rows)
                for case, values in (("cold", cold), ("warm", warm)):
                    figure = statistics.median(values)
                    results.append({
                        "case": f"overview TTI, {label}, {case}",
                        "figure": figure,
                        "unit": "ms (median)",
                        "baseline": baseline,
                        "ratio": figure / baseline,
                        "max_ms": round(max(values), 1),
                        "target": f"<= {target} ms: {'met' if figure <= target else 'NOT met'}" if target else None,
                    })
        browser.close()
    return results
