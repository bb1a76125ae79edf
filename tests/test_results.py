"""Results files: round trip with units and provenance, atomic writes, no silent overwrite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from smartcity import writing
from smartcity.results import (
    GROUPS,
    OutputExistsError,
    check_dataset,
    dataset,
    open_result,
    provenance_attrs,
    schema,
    write_netcdf,
)


def small_dataset() -> xr.Dataset:
    ds = xr.Dataset(
        {"heat": (("scenario", "year"), np.arange(6.0).reshape(2, 3), {"units": "kWh/a", "long_name": "heat"}),
         "label": ((), "text", {"units": "-", "long_name": "a string"})},
        coords={"scenario": ("scenario", ["a", "b"], {"units": "-", "long_name": "scenario name"}),
                "year": ("year", [2014, 2015, 2016], {"units": "1", "long_name": "simulated calendar year"})},
    )
    ds.attrs.update(provenance_attrs("smartcity run test"))
    return ds


def test_round_trip_keeps_values_units_and_provenance(tmp_path):
    ds = small_dataset()
    path = write_netcdf(ds, tmp_path / "out" / "r.nc")
    back = open_result(path)
    xr.testing.assert_identical(back, ds)
    assert back["heat"].attrs["units"] == "kWh/a"
    for key in ("smartcity_version", "command", "created_utc", "library_versions"):
        assert back.attrs[key] == ds.attrs[key]
    assert back.attrs["created_utc"].endswith("Z")


def test_no_overwrite_without_force(tmp_path):
    path = write_netcdf(small_dataset(), tmp_path / "r.nc")
    before = path.read_bytes()
    changed = small_dataset()
    changed["heat"] = changed["heat"] * 2
    with pytest.raises(OutputExistsError, match="already exists"):
        write_netcdf(changed, path)
    assert path.read_bytes() == before
    write_netcdf(changed, path, force=True)
    assert float(open_result(path)["heat"].sum()) == 30.0


def test_variable_without_units_is_refused(tmp_path):
    ds = small_dataset()
    ds["bad"] = ("year", [1.0, 2.0, 3.0], {"long_name": "no units"})
    with pytest.raises(ValueError, match="'bad' has no units"):
        check_dataset(ds)
    with pytest.raises(ValueError):
        write_netcdf(ds, tmp_path / "r.nc")
    assert not (tmp_path / "r.nc").exists()


def test_every_declared_unit_is_a_udunits_unit():
    """Units are CF: parsed by UDUNITS-2 (cf-units); "-" marks identifiers and text."""
    from cf_units import Unit

    coordinates, variables = schema()
    for declared in list(coordinates.values()) + list(variables.values()):
        if declared.units == "-":
            assert declared.dtype in ("str", "int"), declared.name  # labels only
            continue
        unit = Unit(declared.units)  # raises ValueError for what UDUNITS cannot parse
        assert not unit.is_unknown(), declared.name
        if declared.dtype == "str":
            pytest.fail(f"{declared.name}: text with units {declared.units!r}")
    # the units the results had before: 't/a' would be tonnes per are (100 m2) ...
    assert Unit("t/a").convert(1.0, "t m-2") == pytest.approx(0.01)
    # ... money has no UDUNITS unit: amounts carry the currency beside a count
    for name in ("measure_investment", "measure_annual_cost", "measure_om_cost"):
        assert variables[name].units == "yr-1" and variables[name].attrs["currency"] == "EUR"
    assert variables["outdoor_air_temperature"].standard_name == "air_temperature"


def test_declared_variables_are_checked_against_their_declaration():
    coordinates, variables = schema()
    assert {v.group for v in variables.values()} <= set(GROUPS)
    years = [2020, 2021]
    good = dataset({"pv_capacity": [1.0, 2.0]}, {"year": years})
    with pytest.raises(ValueError, match="not co2_without_measures"):  # half of a group
        check_dataset(dataset({"co2_reduction_interaction": [0.0, 0.0]}, {"year": years}))
    assert good["pv_capacity"].attrs["units"] == "kW"
    wrong_units = good.copy()
    wrong_units["pv_capacity"].attrs["units"] = "kWp"
    with pytest.raises(ValueError, match="'pv_capacity' has units 'kWp'; declared 'kW'"):
        check_dataset(wrong_units)
    wrong_dims = xr.Dataset({"pv_capacity": (("hour",), [1.0], variables["pv_capacity"].attrs)})
    with pytest.raises(ValueError, match="declared \\('year',\\)"):
        check_dataset(wrong_dims)


def test_a_run_holds_only_declared_variables(default_run):
    coordinates, variables = schema()
    check_dataset(default_run)
    assert set(default_run.data_vars) == set(variables)
    assert set(default_run.coords) == set(coordinates)


def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    def explode(fd):  # the bytes are in the temporary when the interrupt comes
        raise KeyboardInterrupt

    monkeypatch.setattr(writing.os, "fsync", explode)
    with pytest.raises(KeyboardInterrupt):
        write_netcdf(small_dataset(), tmp_path / "r.nc")
    assert list(tmp_path.iterdir()) == []


def test_killed_process_leaves_no_file_under_the_final_name(tmp_path):
    # A process killed with SIGKILL cannot clean up; the final name must still not exist.
    final = tmp_path / "big.nc"
    script = textwrap.dedent(f"""
        import numpy as np, xarray as xr, sys
        from smartcity.results import write_netcdf
        rng = np.random.default_rng(0)
        ds = xr.Dataset({{"x": (("a", "b"), rng.random((4000, 4000)), {{"units": "1", "long_name": "noise"}})}},
                        coords={{"a": ("a", np.arange(4000), {{"units": "1", "long_name": "a"}}),
                                 "b": ("b", np.arange(4000), {{"units": "1", "long_name": "b"}})}})
        print("ready", flush=True)
        for i in range(100):
            write_netcdf(ds, {str(final)!r}, force=True)
            print("wrote", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".big.nc.") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline, "the writer never started a temporary file"
        time.sleep(0.001)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    if final.exists():  # only if a complete earlier write finished: then it must be complete
        assert float(open_result(final)["x"].size) == 16e6
    else:
        assert not final.exists()
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".big.nc.")]
    assert all(p.name.endswith(".tmp") for p in leftovers)


def test_open_result_leaves_out_the_hourly_series_not_asked_for(small_results):
    path = small_results[0]
    full = open_result(path)
    part = open_result(path, hourly=["grid_carbon_intensity"])
    hourly = {k for k, v in full.data_vars.items() if "hour" in v.dims}
    assert "grid_carbon_intensity" in hourly and len(hourly) > 1
    assert set(part.data_vars) == (set(full.data_vars) - hourly) | {"grid_carbon_intensity"}
    for name in part.data_vars:  # the variables read are the same values, attributes and coordinates
        xr.testing.assert_identical(part[name], full[name])
    assert part.attrs == full.attrs
    assert set(open_result(path, hourly=[]).data_vars) == set(full.data_vars) - hourly


def test_plan_of_a_results_file_reads_what_monitoring_uses(small_results):
    # The monitoring plan reads the annual results and the hourly series it names; the
    # district KPIs it reports are those of the whole file.
    from smartcity.kpi import kpi_table
    from smartcity.monitoring.progress import PLAN_HOURLY
    from smartcity.run import load_plan

    path = small_results[0]
    plan = load_plan(path, baseline="small")
    hourly = {k for k, v in plan.results.data_vars.items() if "hour" in v.dims}
    assert hourly == set(PLAN_HOURLY) & set(open_result(path).data_vars)
    ids = ["co2_total", "co2_reduction_vs_baseline", "energy_savings", "public_transport_ridership"]
    pd.testing.assert_frame_equal(kpi_table(plan.results, ids=ids, baseline="small"),
                                  kpi_table(open_result(path), ids=ids, baseline="small"))
