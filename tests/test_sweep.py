"""Sweeps: overrides, plans, the Dask engine, the Zarr store, resuming and failures."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")
zarr = pytest.importorskip("zarr")

from smartcity.cli import main  # noqa: E402
from smartcity.errors import InputError, SmartcityError  # noqa: E402
from smartcity.run import run_scenarios  # noqa: E402
from smartcity.scenario import load_scenario  # noqa: E402
from smartcity.sweep import (  # noqa: E402
    OverrideKeyError,
    compact_result,
    open_sweep,
    parse_grid,
    parse_value,
    plan_sweep,
    run_sweep,
    with_overrides,
)
from tests.conftest import FEEDBACK  # noqa: E402

EF = "supply.electricity.emission_factor"


@pytest.fixture
def uncertain_scenario(small_scenario: Path) -> Path:
    path = small_scenario.parent / "uncertain.toml"
    text = small_scenario.read_text(encoding="utf-8").replace('name = "small"', 'name = "small-uncertain"')
    path.write_text(text + FEEDBACK, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# overrides and plans (no cluster)
# --------------------------------------------------------------------------------------


def test_parse_grid_and_values():
    axis = parse_grid(f"{EF}*=0.5,1,1.5")
    assert (axis.key, axis.op, axis.values, axis.override_key) == (EF, "*=", (0.5, 1.0, 1.5), EF + "*")
    axis = parse_grid("measures.m.enabled=true,false")
    assert axis.values == (True, False)
    assert parse_value("12") == 12 and parse_value("1e3") == 1000.0 and parse_value("DK2") == "DK2"
    assert parse_value('"12"') == "12"
    for bad in ("nokey", "a.b=", "a.b=1,,2", "a.b*=x", "a.b=1,1"):
        with pytest.raises(InputError):
            parse_grid(bad)


def test_overrides_set_and_scale(small_scenario):
    resolved = load_scenario(small_scenario)
    nominal = resolved.model.supply.electricity.emission_factor
    out = with_overrides(resolved, {"weather.ground_albedo": 0.35, EF + "*": 0.5, "scenario.seed": 11,
                                    "buildings.warmup_hours*": 2})
    albedo = out.model.weather.ground_albedo
    assert (albedo.value, albedo.unit) == (0.35, "1")
    assert albedo.source.startswith("sweep grid point: weather.ground_albedo=0.35")
    factor = out.model.supply.electricity.emission_factor  # a default, not written in the file
    assert factor.unit == nominal.unit and factor.year == nominal.year
    np.testing.assert_allclose(factor.value, np.asarray(nominal.value) * 0.5)
    assert "sweep grid point" in factor.source and nominal.source in factor.source
    assert out.model.scenario.seed == 11 and out.model.buildings.warmup_hours == 96
    assert resolved.model.weather.ground_albedo.value == 0.2  # the original is unchanged
    assert out.path == resolved.path and out.files == resolved.files
    assert with_overrides(resolved, {}) is resolved


def test_override_errors_name_key_and_value(small_scenario):
    resolved = load_scenario(small_scenario)
    with pytest.raises(OverrideKeyError, match="did you mean 'ground_albedo'"):
        with_overrides(resolved, {"weather.ground_albdo": 0.3})
    with pytest.raises(OverrideKeyError, match="not a value"):
        with_overrides(resolved, {"supply.electricity": 1})
    with pytest.raises(OverrideKeyError, match="trajectory"):
        with_overrides(resolved, {EF: 100})
    with pytest.raises(OverrideKeyError, match="only numbers can be scaled"):
        with_overrides(resolved, {"scenario.name*": 2})
    with pytest.raises(OverrideKeyError, match="quantity's key"):
        with_overrides(resolved, {"weather.ground_albedo.value": 0.3})
    with pytest.raises(InputError) as err:
        with_overrides(resolved, {"weather.ground_albedo": 1.5})
    assert err.value.key == "weather.ground_albedo" and err.value.value == 1.5 and "out of range" in str(err.value)
    with pytest.raises(InputError) as err:
        with_overrides(resolved, {"scenario.seed": "x"})
    assert err.value.key == "scenario.seed"
    with pytest.raises(InputError, match="finite number"):
        with_overrides(resolved, {"weather.ground_albedo": "high"})


def test_plan_samples(small_scenario, uncertain_scenario):
    plan = plan_sweep([uncertain_scenario], [f"{EF}*=0.5,1"], samples=4)
    assert plan.shape == (1, 2, 4) and plan.n_tasks == 8
    [entry] = plan.scenarios
    assert entry["uncertain"] == ["measures.feedback.heat_saving_share"]
    values = np.asarray(entry["sample_values"][0])
    assert np.all((values >= 1) & (values <= 5)) and len(set(values)) == 4
    assert plan_sweep([uncertain_scenario], [f"{EF}*=0.5,1"], samples=4).fingerprint == plan.fingerprint
    assert plan_sweep([uncertain_scenario], [f"{EF}*=0.5,2"], samples=4).fingerprint != plan.fingerprint
    task = plan.task(5)  # scenario 0, point 1, sample 1
    assert task["grid"] == {EF + "*": 1.0} and task["sample"] == 1
    assert task["sampled"] == {"measures.feedback.heat_saving_share": values[1]}
    applied = with_overrides(load_scenario(uncertain_scenario), task["sampled"], source="sweep sample 1")
    q = applied.model.measures["feedback"].heat_saving_share
    assert q.value == values[1] and q.unit == "%" and not q.uncertain
    with pytest.raises(InputError, match="has none"):
        plan_sweep([small_scenario], samples=4)
    with pytest.raises(InputError, match="also an uncertain input"):
        plan_sweep([uncertain_scenario], ["measures.feedback.heat_saving_share=2,4"], samples=4)
    with pytest.raises(InputError, match="did you mean"):
        plan_sweep([small_scenario], ["weather.ground_albdo=0.1,0.2"])
    with pytest.raises(InputError, match="two grid options"):
        plan_sweep([small_scenario], ["weather.ground_albedo=0.1", "weather.ground_albedo=0.2"])


def test_run_without_attribution(uncertain_scenario):
    full = run_scenarios([uncertain_scenario])
    only = run_scenarios([uncertain_scenario], attribution=False)
    np.testing.assert_array_equal(only["co2"].values, full["co2"].values)
    assert "co2_without_measures" in full and "co2_without_measures" not in only
    assert "co2_reduction_by_measure" not in only


# --------------------------------------------------------------------------------------
# the engine
# --------------------------------------------------------------------------------------


def _serial(path: Path, task: dict) -> dict:
    """The task run directly, without Dask: with_overrides, then run_scenarios."""
    import tomli_w

    resolved = with_overrides(load_scenario(path), task["grid"])
    resolved = with_overrides(resolved, task["sampled"])
    copy = path.parent / f"serial-{task['id']}.toml"
    copy.write_text(tomli_w.dumps(resolved.document), encoding="utf-8")
    return compact_result(run_scenarios([copy]), task["years"])


def test_sweep_on_local_cluster_matches_serial_run(uncertain_scenario, tmp_path):
    grid = [f"{EF}*=1,0.5"]
    out2 = tmp_path / "two.zarr"
    report = run_sweep([uncertain_scenario], out2, grid=grid, samples=2, workers=2)
    assert (report.n_tasks, report.computed, report.failed, report.already_done) == (4, 4, [], 0)
    ds = open_sweep(out2)
    assert dict(ds["co2"].sizes) == {"scenario": 1, "point": 2, "sample": 2, "year": 3, "sector": 4}
    assert bool(ds["done"].all()) and not bool(ds["failed"].any())
    assert list(ds[EF].values) == [1.0, 0.5] and ds[EF].attrs["operation"] == "scale"
    plan = plan_sweep([uncertain_scenario], grid, samples=2)
    for i in range(plan.n_tasks):
        expected = _serial(uncertain_scenario, plan.task(i))
        s, p, k = np.unravel_index(i, plan.shape)
        for name in ("co2", "final_energy", "grid_import", "pv_generation"):
            np.testing.assert_array_equal(ds[name].values[s, p, k], expected[name], err_msg=f"{name}, task {i}")
    # independent of with_overrides: the sampled value written into the file by hand
    value = float(ds["sampled_value"].values[0, 1, 0])
    text = uncertain_scenario.read_text(encoding="utf-8").replace(
        'value = 3, unit = "%", distribution = "triangular", low = 1, mode = 3, high = 5,',
        f'value = {value!r}, unit = "%",')
    by_hand = uncertain_scenario.parent / "by_hand.toml"
    by_hand.write_text(text, encoding="utf-8")
    np.testing.assert_array_equal(ds["co2"].values[0, 0, 1], compact_result(run_scenarios([by_hand]))["co2"])
    # the same arguments on one worker: the same numbers, whatever the order of completion
    out1 = tmp_path / "one.zarr"
    run_sweep([uncertain_scenario], out1, grid=grid, samples=2, workers=1)
    one = open_sweep(out1)
    for name in ("co2", "final_energy", "grid_import", "pv_generation"):
        np.testing.assert_array_equal(one[name].values, ds[name].values)
    # rerun: everything is done, nothing is computed (and no cluster is started)
    again = run_sweep([uncertain_scenario], out2, grid=grid, samples=2, workers=2)
    assert (again.computed, again.already_done, again.resumed) == (0, 4, True)
    # another sweep into the same store is refused without --force
    with pytest.raises(SmartcityError, match="--force"):
        run_sweep([uncertain_scenario], out2, grid=[f"{EF}*=1,0.7"], samples=2)
    not_a_store = tmp_path / "notes"
    not_a_store.mkdir()
    (not_a_store / "todo.txt").write_text("keep me")
    with pytest.raises(SmartcityError, match="not a Zarr store"):
        run_sweep([uncertain_scenario], not_a_store, grid=grid, force=True)


def test_failing_task_is_reported_and_others_complete(small_scenario, tmp_path, capsys):
    # A valid grid value whose task fails on the worker: a table file that is not there.
    out = tmp_path / "fail.zarr"
    shutil.copy(small_scenario.parent / "buildings.csv", small_scenario.parent / "copy.csv")
    argv = ["sweep", str(small_scenario), "--grid", "buildings.table=buildings.csv,missing.csv,copy.csv",
            "--workers", "1", "-o", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("failed:")]
    assert len(lines) == 1
    assert "task 1 (scenario small, buildings.table=missing.csv)" in lines[0] and "not found" in lines[0]
    ds = open_sweep(out)
    assert ds["done"].values.ravel().tolist() == [True, False, True]
    assert ds["failed"].values.ravel().tolist() == [False, True, False]
    assert np.isfinite(ds["co2"].values[0, [0, 2]]).all() and np.isnan(ds["co2"].values[0, 1]).all()
    assert "buildings.table=missing.csv" in ds.attrs["failures"]
    # the summary of the store, without running
    assert main(["sweep", "--summary", "-o", str(out)]) == 0
    assert "buildings.table=copy.csv" in capsys.readouterr().out


def _done(store: Path) -> np.ndarray | None:
    try:
        return np.asarray(zarr.open_group(str(store), mode="r")["done"][:], dtype=bool)
    except Exception:  # not created yet
        return None


def test_killed_sweep_resumes_with_only_the_missing_tasks(small_scenario, tmp_path):
    out = tmp_path / "killed.zarr"
    values = ",".join(f"{0.05 + 0.1 * i:.2f}" for i in range(10))
    cmd = [sys.executable, "-m", "smartcity", "sweep", str(small_scenario), "--grid",
           f"weather.ground_albedo={values}", "--workers", "1", "-o", str(out)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            done = _done(out)
            if done is not None and done.any():
                break
            if proc.poll() is not None:
                pytest.fail(f"the sweep ended before it could be killed: {proc.communicate()}")
            time.sleep(0.02)
        else:
            pytest.fail("no task finished in time")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the command, its scheduler and its worker processes
        proc.communicate()
    first = _done(out)
    n_first = int(first.sum())
    assert 1 <= n_first < 10, n_first
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    missing = 10 - n_first
    assert f"10 tasks, {n_first} done before, {missing} computed, 0 failed" in again.stdout
    group = zarr.open_group(str(out), mode="r")
    assert np.asarray(group["done"][:]).all()
    run = np.asarray(group["run"][:])
    np.testing.assert_array_equal(run == 1, ~first)  # the second run computed exactly the missing tasks
    np.testing.assert_array_equal(run[first], 0)
    runs = group.attrs["runs"]
    assert len(runs) == 2 and not runs[0]["finished"]
    assert (runs[1]["submitted"], runs[1]["computed"], runs[1]["failed"]) == (missing, missing, 0)


def test_sweep_on_a_running_scheduler(small_scenario, tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "remote.zarr"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        report = run_sweep([small_scenario], out, grid=[f"{EF}*=1,2"], scheduler=cluster.scheduler_address)
    assert (report.computed, report.failed) == (2, [])
    ds = open_sweep(out)
    nominal = compact_result(run_scenarios([small_scenario]))
    np.testing.assert_array_equal(ds["co2"].values[0, 0, 0], nominal["co2"])
    electricity = ds["co2"].sel(sector=["residential", "tertiary"]).values  # the factor doubles grid CO2 only
    assert np.all(electricity[0, 1, 0] >= electricity[0, 0, 0])
    assert ds.attrs["runs"].count(cluster.scheduler_address) == 1


def test_store_layout_in_the_docstring_matches_the_results_schema():
    import smartcity.sweep as sweep_module

    rows = {" ".join(line.split()) for line in sweep_module.__doc__.splitlines()}
    for name, (dims, units, _) in sweep_module.RESULT_VARS.items():
        assert f"{name} task, {', '.join(dims)} {units}" in rows, name


def test_damaged_store_is_refused_on_reading_and_repaired_on_resume(small_scenario, tmp_path, capsys):
    # A finished task's chunk deleted or overwritten with garbage: reading the store is exit 2
    # naming it; running the same sweep again computes exactly the damaged tasks anew.
    store = tmp_path / "s.zarr"
    argv = ["sweep", "-q", str(small_scenario), "--grid", "weather.ground_albedo=0.1,0.2,0.3", "--workers", "1",
            "-o", str(store)]
    assert main(argv) == 0
    intact = open_sweep(store)["co2"].values.copy()
    chunk = store / "co2" / "c" / "1" / "0" / "0"
    for damage in ("deleted", "garbage"):
        if damage == "deleted":
            chunk.unlink()
        else:
            chunk.write_bytes(b"\x00garbage" * 10)
        capsys.readouterr()
        assert main(["kpi", str(store), "--format", "csv"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"error: {store}:") and "missing or damaged" in err and "task 1" in err
        assert "\n" not in err and "Traceback" not in err
        assert main(argv[:1] + argv[2:]) == 0
        out = capsys.readouterr().out
        assert "3 tasks, 2 done before (1 with damaged results computed again), 1 computed" in out
        np.testing.assert_array_equal(open_sweep(store)["co2"].values, intact)
    # a store written before checksums were kept resumes, and gains them
    shutil.rmtree(store / "checksum")
    zarr.open_group(str(store), mode="r+")["done"][1] = False
    assert main(argv[:1] + argv[2:]) == 0
    assert "3 tasks, 2 done before, 1 computed" in capsys.readouterr().out
    assert (store / "checksum").is_dir()
    np.testing.assert_array_equal(open_sweep(store)["co2"].values, intact)
    # broken metadata: every reader names the store, with exit 2
    (store / "zarr.json").write_text("{ not json")
    for command in (["kpi", str(store)], ["sweep", "--summary", "-o", str(store)], argv):
        capsys.readouterr()
        assert main(command) == 2, command
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"error: {store}: cannot read the sweep store's metadata") and "\n" not in err


def test_force_never_deletes_a_store_this_tool_did_not_write(small_scenario, tmp_path, capsys):
    store = tmp_path / "other.zarr"
    zarr.open_group(str(store), mode="w").create_array("x", shape=(2,), dtype="f8")
    before = sorted(p.relative_to(store) for p in store.rglob("*"))
    argv = ["sweep", str(small_scenario), "--workers", "1", "--force", "-o", str(store)]
    assert main(argv) == 2
    assert "not a smartcity sweep" in capsys.readouterr().err
    assert sorted(p.relative_to(store) for p in store.rglob("*")) == before


def test_grid_values_are_checked_before_any_task_runs(small_scenario, tmp_path, capsys):
    store = tmp_path / "g.zarr"
    for grid, expected in (("weather.ground_albedo=0.1,abc", "'abc'"), ("weather.ground_albedo=0.1,1.5", "1.5")):
        assert main(["sweep", str(small_scenario), "--grid", grid, "--workers", "1", "-o", str(store)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: ") and "weather.ground_albedo" in err and expected in err and "\n" not in err
        assert not store.exists()


def test_a_store_in_use_is_refused(small_scenario, tmp_path, capsys):
    from smartcity.writing import folder_lock

    store = tmp_path / "busy.zarr"
    with folder_lock(store):  # as another sweep holds it
        assert main(["sweep", str(small_scenario), "--workers", "1", "-o", str(store)]) == 2
    assert "another smartcity command is writing into the sweep store" in capsys.readouterr().err
    assert not any(store.iterdir())


def test_local_cluster_is_private():
    # TLS with temporary credentials on 127.0.0.1: a plain TCP client cannot connect; the web
    # server Dask always starts serves no page (no dashboard, API or metrics) unless asked.
    import urllib.error
    import urllib.request

    from distributed import Client

    from smartcity.sweep import _local_cluster

    for dashboard, status in ((False, 404), (True, 200)):
        with _local_cluster(1, dashboard=dashboard) as cluster:
            assert cluster.scheduler_address.startswith("tls://127.0.0.1:")
            url = f"http://127.0.0.1:{cluster.scheduler.http_server.port}/json/identity.json"
            try:
                code = urllib.request.urlopen(url, timeout=5).status
            except urllib.error.HTTPError as exc:
                code = exc.code
            assert code == status
            if not dashboard:
                with pytest.raises(OSError):  # distributed's CommClosedError
                    Client(cluster.scheduler_address.replace("tls://", "tcp://"), timeout="3s")


def test_a_new_store_keeps_its_lock(small_scenario, tmp_path):
    # Creating the store must not replace the locked folder (Zarr's mode "w" deletes and re-creates it).
    from smartcity.sweep import _open_store
    from smartcity.writing import folder_lock

    store = tmp_path / "locked.zarr"
    plan = plan_sweep([small_scenario])
    with folder_lock(store):
        _open_store(store, plan, force=False)
        with pytest.raises(SmartcityError, match="another smartcity command"):
            with folder_lock(store):
                pass


def test_checksums_do_not_depend_on_the_nan_written(tmp_path):
    # An all-NaN row is not stored (it equals the fill value) and reads back as Zarr's NaN; a NaN
    # with the sign bit set (0/0 on x86) must give the same checksum.
    from smartcity.sweep import _stored_row, _task_checksum

    negative = -np.full(3, np.nan)
    assert np.signbit(negative).all()
    arr = zarr.open_group(str(tmp_path / "g.zarr"), mode="w").create_array(
        "x", shape=(2, 3), chunks=(1, 3), dtype="f8", fill_value=np.nan)
    arr[0] = _stored_row(negative)
    assert _task_checksum([negative]) == _task_checksum([np.asarray(arr[0])])
