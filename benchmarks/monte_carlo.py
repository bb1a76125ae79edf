"""Monte Carlo of the default lighthouse scenario: wall time, samples per second, worker scaling.

Usage::

    python benchmarks/monte_carlo.py                       # 1,000 samples on 2 workers, then 1
    python benchmarks/monte_carlo.py --samples 200 --workers 2,1
    python benchmarks/monte_carlo.py --quick               # 16 samples on 1 worker (a smoke test)

Each configuration runs ``smartcity sweep scenarios/aalborg-east/lighthouse.toml --samples N
--workers W`` as a new process into a fresh store (so the numba cache is warm but nothing else
is), checks that every task is done, and reads the sweep's own wall time from the store. The
numbers of the configurations are compared: the same seed must give the same results whatever
the number of workers. Results are written to ``benchmarks/results/monte_carlo.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCENARIO = ROOT / "scenarios" / "aalborg-east" / "lighthouse.toml"


def run(samples: int, workers: int, store: Path) -> dict:
    cmd = [sys.executable, "-m", "smartcity", "sweep", str(SCENARIO), "--samples", str(samples),
           "--workers", str(workers), "-o", str(store), "-q"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    import numpy as np
    import zarr

    group = zarr.open_group(str(store), mode="r")
    done = np.asarray(group["done"][:], dtype=bool)
    if not done.all():
        raise SystemExit(f"{int((~done).sum())} tasks not done")
    sweep_wall = float(group.attrs["runs"][-1]["wall_s"])
    durations = np.asarray(group["duration"][:], dtype=np.float64)
    return {"samples": samples, "workers": workers, "process_wall_s": round(wall, 2),
            "sweep_wall_s": round(sweep_wall, 2), "samples_per_s": round(samples / sweep_wall, 3),
            "mean_task_s": round(float(durations.mean()), 3),
            "co2": np.asarray(group["co2"][:]).tolist()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--workers", default="2,1", help="comma-separated worker counts (default: 2,1)")
    parser.add_argument("--quick", action="store_true", help="16 samples on 1 worker")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "monte_carlo.json")
    args = parser.parse_args(argv)
    samples, workers = (16, [1]) if args.quick else (args.samples, [int(w) for w in args.workers.split(",")])
    results = []
    with tempfile.TemporaryDirectory(prefix="smartcity-mc-") as tmp:
        for w in workers:
            r = run(samples, w, Path(tmp) / f"mc-{w}.zarr")
            print(f"{samples} samples, {w} worker(s): sweep {r['sweep_wall_s']:.1f} s "
                  f"({r['samples_per_s']:.2f} samples/s, {r['mean_task_s']:.2f} s per sample on a worker); "
                  f"process {r['process_wall_s']:.1f} s", flush=True)
            results.append(r)
    identical = all(r["co2"] == results[0]["co2"] for r in results[1:])
    print("same numbers for every worker count:", identical)
    if len(results) > 1:
        by = {r["workers"]: r for r in results}
        if 1 in by:
            for w, r in sorted(by.items()):
                print(f"speed-up with {w} worker(s): {by[1]['sweep_wall_s'] / r['sweep_wall_s']:.2f}x")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    record = {"scenario": str(SCENARIO.relative_to(ROOT)), "identical_across_workers": identical,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "runs": [{k: v for k, v in r.items() if k != "co2"} for r in results]}
    args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
