"""Run the benchmark suite, write a JSON of results and check the speed-ratio floors.

Usage::

    python benchmarks/run.py                # full run -> benchmarks/results/latest.json
    python benchmarks/run.py --quick        # CI: smaller inputs, fewer rounds
    python benchmarks/run.py --json out.json

Timings are never compared with absolute seconds (machines differ and are noisy). Each
floor in ``benchmarks/floors.toml`` compares the throughput of two benchmarks of the same
run -- e.g. the numba kernel against its numpy reference -- and the run fails (exit 1) if a
ratio falls below its floor. Throughput is ``extra_info[work] / mean time``.

Every ``benchmarks/bench_*.py`` module is collected. Two run only in the full run:
``bench_aequilibrae.py`` (smartcity against AequilibraE on Sioux Falls; skipped with --quick
and, with a message, when aequilibrae -- the ``compare`` extra -- is not installed), whose
speed ratios are printed but not checked against a floor (AequilibraE is optional), and
``bench_run.py``'s cold-process start. ``bench_transport.py`` (the district transport model)
runs in both, one calibration round with --quick.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_pytest(json_path: Path, quick: bool, extra: list[str]) -> int:
    env = dict(os.environ)
    if quick:
        env["SMARTCITY_BENCH_QUICK"] = "1"
    args = [
        sys.executable, "-m", "pytest", str(HERE), "-o", "python_files=bench_*.py", "-o", "testpaths=benchmarks",
        "-p", "no:cacheprovider", "--benchmark-only", f"--benchmark-json={json_path}",
        "--benchmark-columns=min,mean,stddev,rounds", "--benchmark-sort=name", "-q",
    ]
    if quick:
        args += ["--benchmark-min-rounds=3", "--benchmark-max-time=0.5", "--benchmark-warmup=off"]
    return subprocess.call(args + extra, env=env, cwd=HERE.parent)


def throughput(bench: dict, work: str) -> float:
    return float(bench["extra_info"][work]) / float(bench["stats"]["mean"])


def check_floors(results: dict, floors_path: Path) -> list[str]:
    """Return one line per floor; lines starting with 'FAIL' are violations."""
    floors = tomllib.loads(floors_path.read_text(encoding="utf-8"))
    by_name = {b["name"]: b for b in results["benchmarks"]}
    lines = []
    for floor in floors.get("ratio", []):
        fast, slow = by_name.get(floor["fast"]), by_name.get(floor["slow"])
        if fast is None or slow is None:
            missing = floor["fast"] if fast is None else floor["slow"]
            lines.append(f"FAIL {floor['name']}: benchmark {missing} did not run")
            continue
        ratio = throughput(fast, floor["work"]) / throughput(slow, floor["work"])
        status = "ok  " if ratio >= floor["floor"] else "FAIL"
        lines.append(f"{status} {floor['name']}: ratio {ratio:,.1f} (floor {floor['floor']:g})")
    return lines


def report(results: dict) -> list[str]:
    lines = []
    for b in sorted(results["benchmarks"], key=lambda b: b["name"]):
        info = b.get("extra_info", {})
        text = f"{b['name']}: mean {b['stats']['mean'] * 1e3:,.2f} ms"
        for work in ("building_hours", "link_iterations", "samples", "meter_years", "unit_hours"):
            if work in info:
                text += f", {throughput(b, work):,.3g} {work.replace('_', '-')}/s"
        if "feedback_iterations" in info:
            text += f", {info['feedback_iterations']} feedback iterations"
        lines.append(text)
    return lines


def comparisons(results: dict) -> list[str]:
    """Speed ratios of the benchmarks that share ``extra_info["comparison"]`` (AequilibraE / smartcity)."""
    groups: dict[str, dict[str, dict]] = {}
    for b in results["benchmarks"]:
        info = b.get("extra_info", {})
        if "comparison" in info and "engine" in info:
            groups.setdefault(info["comparison"], {})[info["engine"]] = b
    lines = []
    for name, engines in sorted(groups.items()):
        other, ours = engines.get("aequilibrae_1_core"), engines.get("smartcity_1_thread")
        if other is None or ours is None:
            continue
        ratio = float(other["stats"]["mean"]) / float(ours["stats"]["mean"])
        lines.append(f"{name}: AequilibraE {other['stats']['mean']:.3f} s ({other['extra_info']['iterations']} it.) / "
                     f"smartcity {ours['stats']['mean'] * 1e3:.1f} ms ({ours['extra_info']['iterations']} it.), "
                     f"one core each: {ratio:,.0f}x (no floor)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small inputs and few rounds (CI)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json", help="output JSON")
    parser.add_argument("--floors", type=Path, default=HERE / "floors.toml")
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (e.g. -k thermal)")
    args = parser.parse_args(argv)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    status = run_pytest(args.json, args.quick, args.pytest_args)
    if status != 0:
        print(f"benchmarks: pytest exited with {status}", file=sys.stderr)
        return status
    results = json.loads(args.json.read_text(encoding="utf-8"))
    print("\n".join(report(results) + comparisons(results)))
    floor_lines = check_floors(results, args.floors)
    print("\n".join(floor_lines))
    print(f"benchmark results: {args.json}")
    return 1 if any(line.startswith("FAIL") for line in floor_lines) else 0


if __name__ == "__main__":
    sys.exit(main())
