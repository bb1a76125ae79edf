"""Results files: round trip with units and provenance, atomic writes, no silent overwrite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from smartcity.results import OutputExistsError, check_dataset, open_result, provenance_attrs, write_netcdf


def small_dataset() -> xr.Dataset:
    ds = xr.Dataset(
        {"heat": (("scenario", "year"), np.arange(6.0).reshape(2, 3), {"units": "kWh/a", "long_name": "heat"}),
         "label": ((), "text", {"units": "-", "long_name": "a string"})},
        coords={"scenario": ("scenario", ["a", "b"], {"units": "-", "long_name": "scenario"}),
                "year": ("year", [2014, 2015, 2016], {"units": "a", "long_name": "year"})},
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


def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    def explode(self, path, **kwargs):
        Path(path).write_bytes(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(xr.Dataset, "to_netcdf", explode)
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
