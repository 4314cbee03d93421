"""Benchmark: reading a large YAML action plan with line marks and the full checks.

    python benchmarks/bench_plan.py [--commitments 2000] [--repeat 3]

The plan is the bundled sample's commitments repeated with fresh identifiers (ILLUSTRATIVE
content, real schema). civwatch's path (sources.plan_yaml.parse: compose with line marks, the
raw-document checks, pydantic validation) runs beside a baseline in the same process:
yaml.load with libyaml's CSafeLoader + the same pydantic validation, without line marks or the cross-checks. Prints
both figures (commitments per second) and the ratio: what line-numbered refusals cost.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from civwatch.domain import plan as dom  # noqa: E402
from civwatch.sources import plan_yaml  # noqa: E402

SAMPLE = REPO / "src" / "civwatch" / "data" / "plan" / "sample_plan.yaml"


def big_plan(n: int) -> str:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    base = [c for o in data["objectives"] for c in o["commitments"]]
    out = []
    for k in range(n):
        c = yaml.safe_load(yaml.safe_dump(base[k % len(base)]))
        c["id"] = f"{c['id']}-{k}"
        for i in c["indicators"]:
            i["id"] = f"{i['id']}-{k}"
        for a in c.get("actions", []):
            a["id"] = f"{a['id']}-{k}"
        out.append(c)
    data["objectives"] = [{"id": "O1", "title": "All", "commitments": out}]
    return yaml.safe_dump(data, sort_keys=False)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--commitments", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    text = big_plan(args.commitments)
    ours = best(lambda: plan_yaml.parse(text), args.repeat)
    base = best(lambda: dom.Plan.model_validate(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))), args.repeat)
    n = args.commitments
    print(f"plan YAML of {n} commitments ({len(text.splitlines()):,} lines)")
    print(f"civwatch parse with line marks and checks: {ours:.3f} s ({n / ours:,.0f} commitments/s)")
    print(f"baseline safe_load + validation:          {base:.3f} s ({n / base:,.0f} commitments/s)")
    print(f"ratio (civwatch / baseline time): {ours / base:.2f}")


if __name__ == "__main__":
    main()
