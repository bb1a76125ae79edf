"""The national-stock benchmark's job: the same buildings and totals whatever the chunking and the engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dask import distributed

from benchmarks import national_stock as stock


def test_a_range_of_buildings_is_the_same_whatever_blocks_it_is_cut_from():
    whole = stock.rows(9_000, 12_500, 20_000)
    parts = pd.concat([stock.rows(9_000, 10_000, 20_000), stock.rows(10_000, 12_500, 20_000)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)
    assert whole["building_id"].iloc[0] == "B0009000" and len(whole) == 3_500


def test_the_stock_follows_its_sources():
    table = stock.rows(0, 20_000, stock.N_BUILDINGS)
    detached = (table["use"] == "single_family").mean()
    # 1,137,091 detached houses and 220,000 holiday homes in 3,000,000 buildings: 45.2 % (± sampling)
    assert detached == pytest.approx((1_137_091 + 220_000) / 3e6, abs=0.012)
    # district heating on 55.3 % of the heated area, drawn per building
    assert (table["heating_system"] == "district_heating").mean() == pytest.approx(0.553, abs=0.012)
    # the whole stock's floor area is Denmark's heated area, 535.8 million m2 (± sampling)
    assert table["heated_floor_area_m2"].mean() * 3e6 == pytest.approx(535.8e6, rel=0.05)
    assert (table["construction_year"] < 1979).mean() == pytest.approx(0.75, abs=0.012)


@pytest.fixture(scope="module")
def in_one_chunk(tmp_path_factory):
    out = tmp_path_factory.mktemp("one")
    return stock.run(3_000, 3_000, out=str(out)), out


def test_totals_do_not_depend_on_the_chunking(in_one_chunk, tmp_path):
    one, out_one = in_one_chunk
    three = stock.run(3_000, 1_100, out=str(tmp_path))
    # sums in another order: equal to rounding (the promise is 1e-9 relative)
    for key in ("heating", "cooling", "final"):
        np.testing.assert_allclose(three[key], one[key], rtol=1e-9, atol=1e-9 * np.abs(one[key]).max())
    annual_one = pd.read_parquet(out_one / "annual")
    annual_three = pd.read_parquet(tmp_path / "annual")
    assert len(list((tmp_path / "annual").glob("part-*.parquet"))) == 3
    pd.testing.assert_frame_equal(annual_one.reset_index(drop=True), annual_three.reset_index(drop=True))
    # the hourly heating need summed over hours is the buildings' annual need
    assert one["heating"].sum() == pytest.approx(annual_one["heating_kwh"].sum(), rel=1e-9)


def test_the_same_job_on_dask_workers_gives_the_same_totals(in_one_chunk, tmp_path):
    one, _ = in_one_chunk
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        on_dask = stock.run(3_000, 700, out=str(tmp_path), client=client)
    for key in ("heating", "final"):
        np.testing.assert_allclose(on_dask[key], one[key], rtol=1e-9, atol=1e-9 * np.abs(one[key]).max())
    assert len(pd.read_parquet(tmp_path / "annual")) == 3_000


def test_a_folder_with_an_earlier_runs_parts_is_refused(in_one_chunk):
    _, out = in_one_chunk
    with pytest.raises(FileExistsError, match="earlier run"):
        stock.run(3_000, 1_000, out=str(out))
