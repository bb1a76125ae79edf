"""Rules across the columns of a buildings table."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity.energy.buildings import check_buildings
from smartcity.errors import InputError
from smartcity.schema.tables import read_table

SMALL = Path(__file__).resolve().parents[1] / "data" / "buildings_small.csv"


def table_with(tmp_path: Path, old: str, new: str):
    path = tmp_path / "b.csv"
    path.write_text(SMALL.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return path, read_table(path, "buildings")


def test_small_table_passes():
    check_buildings(read_table(SMALL, "buildings"))


def test_heating_setpoint_above_cooling(tmp_path):
    path, table = table_with(tmp_path, ",21,26,district_heating", ",27,26,district_heating")
    with pytest.raises(InputError) as info:
        check_buildings(table)
    assert str(info.value).startswith(f"{path}, line 4, column 'heating_setpoint_c': heating setpoint above")
    assert "got 27.0" in str(info.value)


def test_envelope_too_large_for_floor_area(tmp_path):
    # a 140 m2 house given 6,000 m2 of wall (H_tr_op 3,600 W/K > H_tr_ms 3,185 W/K)
    path, table = table_with(tmp_path, "140,2.4,150,", "140,2.4,6000,")
    with pytest.raises(InputError, match=r"line 3, column 'wall_area_m2': opaque envelope heat loss too large"):
        check_buildings(table)


def test_window_loss_too_large(tmp_path):
    path, table = table_with(tmp_path, ",6,4,10,4,", ",600,400,1000,400,")
    with pytest.raises(InputError, match=r"line 3, column 'u_window_w_m2k': window heat loss too large"):
        check_buildings(table)
