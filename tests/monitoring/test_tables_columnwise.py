"""The shared CSV table reader reads plain files column-wise: the same cells, line numbers
and messages as the record-wise reader, for every file either of them reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcity.errors import InputError
from smartcity.schema import tables
from smartcity.schema.tables import check_table, load_schema, read_table

HEADER = "meter_id,carrier,start,end,value,unit"

PLAIN = {
    "plain": HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh\nM2,electricity,2021-01-01,2021-01-02,6.5,MWh\n",
    "crlf": (HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh\nM1,district_heat,2021-01-02,2021-01-03,7,kWh"
             "\n").replace("\n", "\r\n"),
    "blanks around cells": HEADER + "\n M1 ,\tdistrict_heat, 2021-01-01 ,2021-01-02, 5 ,kWh \n",
    "trailing empty cells": HEADER + ",,\nM1,district_heat,2021-01-01,2021-01-02,5,kWh,,\n",
    "no final line end": HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh",
    "byte order mark": "\ufeff" + HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh\n",
    "not ascii": HEADER + "\nHøje\u00a0Tåstrup ,district_heat,2021-01-01,2021-01-02,5,kWh\n",
    "header only": HEADER + "\n",
}
RECORD_WISE = {
    "quoted cell": HEADER + '\n"M1, block 3",district_heat,2021-01-01,2021-01-02,5,kWh\n',
    "blank line": HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh\n\nM1,district_heat,2021-01-02,2021-01-03,"
                           "6,kWh\n",
    "line of commas": HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh\n,,,,,\n",
    "line of blanks and commas": HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh\n , ,\t, ,, \n",
    "blank last line": HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh\n\n",
    "blank line, CRLF": (HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh\n\nM1,district_heat,2021-01-02,"
                         "2021-01-03,6,kWh\n").replace("\n", "\r\n"),
    "one column, a line of spaces": "meter_id\nM1\n   \nM2\n",
    "one column, a line of no-break spaces": "meter_id\nM1\n\u00a0\u2003\nM2\n",
    "a cell too many": HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh,x\n",
    "a cell too few": HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5\n",
    "semicolons": HEADER.replace(",", ";") + "\nM1;district_heat;2021-01-01;2021-01-02;5;kWh\n",
}
BAD_VALUES = {
    "not a number": (HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kWh\nM1,district_heat,2021-01-02,"
                     "2021-01-03,five,kWh\n", "line 3, column 'value': not a finite number; got 'five'"),
    "unit not allowed": (HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,5,kW\n",
                         "line 2, column 'unit': value not allowed; got 'kW'"),
    "empty carrier": (HEADER + "\nM1,,2021-01-01,2021-01-02,5,kWh\n", "line 2, column 'carrier': empty value"),
    "empty number": (HEADER + "\nM1,district_heat,2021-01-01,2021-01-02,,kWh\n",
                     "line 2, column 'value': not a finite number; got ''"),
}


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    return [[str(v) for v in row] for row in frame.astype(object).itertuples(index=False)]


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_files_read_column_wise_give_the_cells_of_the_record_wise_reader(tmp_path, name):
    text = PLAIN[name]
    data = text.encode("utf-8")
    fast = tables._read_plain_csv(data)
    assert fast is not None, "a plain file is read column-wise"
    slow = tables._read_csv_records(data.decode("utf-8-sig"), tmp_path / "x.csv")
    assert list(fast[0].columns) == list(slow[0].columns)
    assert _cells(fast[0]) == _cells(slow[0])
    assert np.array_equal(fast[1], slow[1])


def test_without_pyarrow_pandas_reads_the_same_cells(tmp_path, monkeypatch):
    expected = {name: tables._read_plain_csv(text.encode("utf-8")) for name, text in PLAIN.items()}
    monkeypatch.setattr(tables, "_arrow_csv", lambda: None)
    for name, text in PLAIN.items():
        fast = tables._read_plain_csv(text.encode("utf-8"))
        assert fast is not None, name
        assert _cells(fast[0]) == _cells(expected[name][0]), name
        assert np.array_equal(fast[1], expected[name][1]), name


@pytest.mark.parametrize("name", sorted(RECORD_WISE))
def test_other_files_go_to_the_record_wise_reader(name):
    assert tables._read_plain_csv(RECORD_WISE[name].encode("utf-8")) is None


@pytest.mark.parametrize("name", sorted(PLAIN) + sorted(RECORD_WISE) + sorted(BAD_VALUES))
def test_read_table_is_the_record_wise_reading(tmp_path, name):
    text = {**PLAIN, **RECORD_WISE, **{k: v[0] for k, v in BAD_VALUES.items()}}[name]
    path = tmp_path / "meters.csv"
    path.write_bytes(text.encode("utf-8"))
    schema = load_schema("meter_readings")

    def outcome(read):
        try:
            frame = read()
        except InputError as exc:
            return "error", str(exc)
        return "table", (_cells(frame), frame.attrs["source_lines"].tolist(), [str(t) for t in frame.dtypes])

    got = outcome(lambda: read_table(path, schema))
    def record_wise():
        raw, lines = tables._read_csv_records(path.read_text(encoding="utf-8-sig"), path)
        return check_table(raw, schema, file=path, lines=lines)

    want = outcome(record_wise)
    if name == "semicolons":
        assert got[0] == "error" and "separated by ';'" in got[1]
    if got[0] == "table" and want[0] == "table":  # pandas may make Arrow text of the column-wise cells
        assert got[1][:2] == want[1][:2]
    else:
        assert got == want


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_messages_of_bad_values_name_the_line(tmp_path, name):
    text, message = BAD_VALUES[name]
    path = tmp_path / "meters.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table(path, "meter_readings")
    assert message in str(info.value)


def test_a_large_file_keeps_its_line_numbers(tmp_path):
    n = 5000
    days = pd.date_range("2016-01-01", periods=n, freq="D")
    values = np.arange(n) * 0.5
    lines = [HEADER] + [f"M1,district_heat,{d:%Y-%m-%d},{d + pd.Timedelta(days=1):%Y-%m-%d},{v},kWh"
                        for d, v in zip(days, values)]
    lines[4001] = lines[4001].replace(f",{values[4000]},", ",x,")
    path = tmp_path / "meters.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 4002, column 'value': not a finite number; got 'x'"):
        read_table(path, "meter_readings")
    lines[4001] = lines[4001].replace(",x,", ",1,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = read_table(path, "meter_readings")
    assert frame.attrs["source_lines"].tolist() == list(range(2, n + 2))
    assert frame["value"].iloc[-1] == values[-1] and frame["meter_id"].eq("M1").all()
