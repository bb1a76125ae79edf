"""Tables with declared schemas: conversion, defaults and one clear error per problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.errors import InputError
from smartcity.schema.tables import load_schema, read_table, schema_markdown

DATA = Path(__file__).resolve().parent / "data"
SMALL = DATA / "buildings_small.csv"


def edited(tmp_path: Path, old: str, new: str, *, drop: str | None = None) -> Path:
    frame = pd.read_csv(SMALL, dtype=str, keep_default_na=False)
    if drop:
        frame = frame.drop(columns=drop)
    text = frame.to_csv(index=False).replace(old, new, 1)
    path = tmp_path / "buildings.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_and_converts():
    t = read_table(SMALL, "buildings")
    schema = load_schema("buildings")
    assert list(t.columns) == [c.name for c in schema.column]
    assert t["count"].dtype == np.int64 and t["heated_floor_area_m2"].dtype == np.float64
    assert t.loc[0, "building_id"] == "block_1970"
    # an optional column absent from the file is filled with its default
    assert (t["frame_fraction"] == 0.3).all() and (t["shading_factor"] == 0.6).all()
    # a column a filler completes is left empty (NaN) when absent
    assert t["glazing_panes"].isna().all()


def test_parquet_reads_the_same(tmp_path):
    pytest.importorskip("pyarrow")
    frame = pd.read_csv(SMALL)
    frame.to_parquet(tmp_path / "b.parquet")
    a = read_table(SMALL, "buildings")
    b = read_table(tmp_path / "b.parquet", "buildings")
    pd.testing.assert_frame_equal(a, b)


def test_negative_area_names_line_column_value(tmp_path):
    path = edited(tmp_path, ",10,2400,", ",10,-2400,")
    with pytest.raises(InputError) as info:
        read_table(path, "buildings")
    assert str(info.value) == (
        f"{path}, line 2, column 'heated_floor_area_m2': value out of range; got -2400; "
        "allowed: a number > 0 and <= 1000000 [m2]"
    )


def test_not_a_number(tmp_path):
    path = edited(tmp_path, ",0.6,0.3,0.4,", ",abc,0.3,0.4,")
    with pytest.raises(InputError, match=r"line 3, column 'u_wall_w_m2k': not a finite number; got 'abc'"):
        read_table(path, "buildings")


def test_not_an_integer(tmp_path):
    path = edited(tmp_path, ",40,140,", ",40.5,140,")
    with pytest.raises(InputError, match=r"line 3, column 'count': not an integer; got 40.5"):
        read_table(path, "buildings")


def test_value_not_allowed(tmp_path):
    path = edited(tmp_path, "gas_boiler", "coal_stove")
    with pytest.raises(InputError, match=r"line 3, column 'heating_system': value not allowed; got 'coal_stove'; "
                                         r"allowed: one of 'district_heating'"):
        read_table(path, "buildings")


def test_missing_required_column(tmp_path):
    path = edited(tmp_path, "x", "x", drop="heated_floor_area_m2")
    with pytest.raises(InputError, match=r"column 'heated_floor_area_m2': required column is missing"):
        read_table(path, "buildings")


def test_unknown_column(tmp_path):
    path = edited(tmp_path, "u_roof_w_m2k", "u_rooof_w_m2k")
    with pytest.raises(InputError, match=r"column 'u_rooof_w_m2k': unknown column; "
                                         r"allowed: the columns of the 'buildings' schema"):
        read_table(path, "buildings")


def test_a_column_no_longer_read_names_its_replacement(tmp_path):
    path = edited(tmp_path, "u_roof_w_m2k", "solar_reduction_factor")
    with pytest.raises(InputError, match=r"column 'solar_reduction_factor': column no longer read; "
                                         r"allowed: frame_fraction \(F_F\) and shading_factor"):
        read_table(path, "buildings")


def test_duplicate_id(tmp_path):
    path = edited(tmp_path, "house_1965", "block_1970")
    with pytest.raises(InputError, match=r"line 3, column 'building_id': duplicate value"):
        read_table(path, "buildings")


def test_missing_file_names_the_scenario_key(tmp_path):
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "none.csv", "buildings", scenario_file=tmp_path / "s.toml",
                   scenario_key="buildings.table")
    msg = str(info.value)
    assert "s.toml" in msg and "'buildings.table'" in msg and "table file not found" in msg and "none.csv" in msg


def test_empty_table(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(SMALL.read_text().splitlines()[0] + "\n")
    with pytest.raises(InputError, match="no data rows"):
        read_table(path, "buildings")


def test_unsupported_format(tmp_path):
    path = tmp_path / "b.xls"
    path.write_text("x")
    with pytest.raises(InputError, match="unsupported table format"):
        read_table(path, "buildings")


def test_schema_markdown_lists_every_column():
    text = schema_markdown(load_schema("buildings"))
    for c in load_schema("buildings").column:
        assert f"`{c.name}`" in text


@settings(max_examples=50, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True, width=64))
def test_range_check_never_accepts_values_outside_the_schema(tmp_path_factory, x):
    tmp = tmp_path_factory.mktemp("h")
    path = edited(tmp, ",0.5,0.25,", f",{x!r},0.25,")
    column = load_schema("buildings").columns["u_wall_w_m2k"]
    ok = np.isfinite(x) and column.min < x <= column.max
    if ok:
        assert read_table(path, "buildings").loc[0, "u_wall_w_m2k"] == pytest.approx(x)
    else:
        with pytest.raises(InputError, match="u_wall_w_m2k"):
            read_table(path, "buildings")


def write_csv(tmp_path: Path, text: str, name: str = "b.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def small_lines() -> list[str]:
    return SMALL.read_text(encoding="utf-8").splitlines()


def test_blank_lines_keep_editor_line_numbers(tmp_path):
    lines = small_lines()
    lines[3] = lines[3].replace(",2,5000,", ",2,-5000,")
    path = write_csv(tmp_path, "\n".join([lines[0], "", lines[1], "", lines[2], lines[3]]) + "\n\n")
    with pytest.raises(InputError, match=r"line 6, column 'heated_floor_area_m2'"):
        read_table(path, "buildings")


def test_duplicate_header_column(tmp_path):
    lines = small_lines()
    path = write_csv(tmp_path, "\n".join([lines[0] + ",zone"] + [row + ",x" for row in lines[1:]]))
    with pytest.raises(InputError, match=r"column 'zone': column appears twice in the header"):
        read_table(path, "buildings")


def test_row_with_an_extra_cell(tmp_path):
    lines = small_lines()
    lines[2] += ",surplus"
    path = write_csv(tmp_path, "\n".join(lines))
    with pytest.raises(InputError, match=r"line 3: row has 26 cells but the header has 25"):
        read_table(path, "buildings")


def test_spreadsheet_quirks_are_accepted(tmp_path):
    # a byte-order mark, quoted numbers and empty trailing cells (as spreadsheet programs write them)
    lines = small_lines()
    lines = [lines[0] + ",,"] + [row.replace(",10,2400,", ',"10","2400",') + ",," for row in lines[1:]]
    path = tmp_path / "b.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    pd.testing.assert_frame_equal(read_table(path, "buildings"), read_table(SMALL, "buildings"))


def test_semicolon_separated_file_gets_a_hint(tmp_path):
    path = write_csv(tmp_path, "\n".join(row.replace(",", ";") for row in small_lines()))
    with pytest.raises(InputError, match=r"line 1: the header is separated by ';'.*comma"):
        read_table(path, "buildings")


def test_folder_instead_of_table(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_table(tmp_path, "buildings")


def test_source_lines_travel_with_the_table():
    # pandas deep-copies attrs on column access and compares them on concat: the line
    # numbers must survive both, without being copied per access.
    t = read_table(SMALL, "buildings")
    lines = t.attrs["source_lines"]
    assert lines.tolist() == list(range(2, 2 + len(t)))
    assert t[["building_id"]].attrs["source_lines"] is lines
    both = pd.concat([t, read_table(SMALL, "buildings")], ignore_index=True)
    assert both.attrs["source_lines"] == lines  # same file twice: pandas keeps equal attrs
    with pytest.raises(ValueError):
        lines._lines[0] = 1  # read-only


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.just(float("nan")), st.text(max_size=6), st.integers(), st.floats(),
                          st.booleans(), st.binary(max_size=3)), max_size=12))
def test_text_cells_are_stripped_as_python_writes_each_value(values):
    # the vectorised reading of a text column's distinct values is str(value).strip(), "" when missing
    from smartcity.schema.tables import _missing, _stripped_texts

    array = np.array(values + [None], dtype=object)  # as _distinct gives them: a missing cell last
    expected = ["" if _missing(v) else str(v).strip() for v in array]
    assert list(_stripped_texts(array)) == expected
