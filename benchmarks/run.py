"""Run civwatch's benchmarks: `python benchmarks/run.py [NAME ...] [BENCH OPTIONS]`.

    make bench                                   every benchmarks/bench_*.py with its defaults
    make bench BENCH_ARGS="import --rows 100000" bench_import.py with its own options

Each benchmark module has `run(argv) -> list[dict]`: one dict per measurement with at least
`case`, `figure`, `unit`, and, when a baseline ran in the same process, `baseline` and `ratio`.
The runner prints them and writes benchmarks/out/<name>-<UTC time>.json (gitignored).
"""

from __future__ import annotations

import importlib.util
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def discover() -> dict[str, Path]:
    """bench_<name>.py files, by name."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def load(path: Path) -> ModuleType:
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))  # benchmarks import generate.py as a sibling
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split_args(argv: list[str], known: dict[str, Path]) -> tuple[list[str], list[str]]:
    """Leading benchmark names, then the options handed to each selected benchmark."""
    names: list[str] = []
    rest = list(argv)
    while rest and not rest[0].startswith("-"):
        name = rest.pop(0).removeprefix("bench_").removesuffix(".py")
        if name not in known:
            raise SystemExit(f"unknown benchmark {name!r}; known: {', '.join(known) or 'none'}")
        names.append(name)
    return names or list(known), rest


def format_result(result: dict) -> str:
    line = f"  {result['case']:<48} {result['figure']:>12,.1f} {result['unit']}"
    if result.get("baseline") is not None:
        line += f"   baseline {result['baseline']:,.1f}   ratio {result['ratio']:.2f}x"
    for key in ("peak_rss_mb", "csv_parse_floor", "target", "error", "baseline_error"):
        if result.get(key) is not None:
            line += f"   {key} {result[key]}"
    return line


def main(argv: list[str] | None = None) -> int:
    known = discover()
    names, options = split_args(sys.argv[1:] if argv is None else argv, known)
    OUT.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name in names:
        module = load(known[name])
        print(f"== {name} {' '.join(options)}".rstrip(), flush=True)
        began = time.perf_counter()
        results = module.run(options)
        took = time.perf_counter() - began
        for result in results:
            print(format_result(result), flush=True)
        failed += sum(1 for r in results if r.get("meets_target") is False)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        report = {
            "benchmark": name,
            "argv": options,
            "at": stamp,
            "seconds": round(took, 1),
            "python": platform.python_version(),
            "machine": platform.platform(),
            "results": results,
        }
        path = OUT / f"{name}-{stamp}.json"
        path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"   -> {path.relative_to(HERE.parent)} ({took:.0f} s)", flush=True)
    if failed:
        print(f"{failed} measurement(s) missed their target", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
