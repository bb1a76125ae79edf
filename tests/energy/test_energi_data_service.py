"""Day-ahead electricity prices from Energi Data Service exports (the CO2 dataset: tests/energy/test_supply.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcity.energy.energi_data_service import read_spot_prices
from smartcity.errors import InputError


def write(tmp_path, lines, name="prices.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_hourly_elspot_prices_in_danish_locale(tmp_path):
    # newest first, as the service lists them; semicolons and decimal commas; a negative price
    lines = ["HourUTC;HourDK;PriceArea;SpotPriceDKK;SpotPriceEUR"]
    for utc, dk, eur in (("2023-01-01T01:00:00", "2023-01-01T02:00:00", "-1,5"),
                         ("2023-01-01T00:00:00", "2023-01-01T01:00:00", "3,25"),
                         ("2022-12-31T23:00:00", "2023-01-01T00:00:00", "10")):
        lines.append(f"{utc};{dk};DK1;0;{eur}")
        lines.append(f"{utc};{dk};DK2;0;99")
    prices = read_spot_prices(write(tmp_path, lines))
    assert prices.name == "price_eur_per_mwh" and prices.attrs["units"] == "EUR/MWh"
    assert prices.index[0] == pd.Timestamp("2023-01-01 00:00", tz="Etc/GMT-1")  # 23:00 UTC = 00:00 UTC+1
    assert prices.tolist() == [10.0, 3.25, -1.5]
    assert read_spot_prices(write(tmp_path, lines), price_area="DK2").tolist() == [99.0] * 3


def test_quarter_hourly_day_ahead_prices_become_hourly_means(tmp_path):
    lines = ["TimeUTC,TimeDK,PriceArea,DayAheadPriceDKK,DayAheadPriceEUR"]
    start = pd.Timestamp("2025-10-01T00:00:00")
    for k in range(8):
        t = start + pd.Timedelta(minutes=15 * k)
        lines.append(f"{t:%Y-%m-%dT%H:%M:%S},{t + pd.Timedelta(hours=2):%Y-%m-%dT%H:%M:%S},DK1,0,{10 * k}")
    prices = read_spot_prices(write(tmp_path, lines))
    assert prices.tolist() == [15.0, 55.0]  # means of 0, 10, 20, 30 and of 40, 50, 60, 70


def test_a_whole_year(tmp_path):
    hours = pd.date_range("2022-12-31T23:00", periods=8760, freq="h")  # 2023 in Danish standard time
    price = 50.0 + 30.0 * np.sin(np.arange(8760) * 2 * np.pi / 24)
    lines = ["HourUTC;HourDK;PriceArea;SpotPriceDKK;SpotPriceEUR"]
    lines += [f"{t:%Y-%m-%dT%H:%M:%S};{t:%Y-%m-%dT%H:%M:%S};DK1;0;{p:.4f}" for t, p in zip(hours, price)]
    prices = read_spot_prices(write(tmp_path, lines), year=2023)
    assert len(prices) == 8760
    np.testing.assert_allclose(prices.to_numpy(), np.round(price, 4))
    with pytest.raises(InputError, match=r"hour\(s\) without data for DK1"):
        read_spot_prices(write(tmp_path, lines[:-5]), year=2023)


@pytest.mark.parametrize(("row", "message"), [
    ("HourUTC;HourDK;PriceArea;SpotPriceDKK;Price", r"column 'SpotPriceEUR': missing required column.*"
                                                    r"'Elspot Prices' or 'Day-Ahead Prices' dataset"),
    ("2023-01-01T00:00:00;x;DK1;0;20000", r"line 2, column 'SpotPriceEUR': value out of range; got 20000.0; "
                                          r"allowed: a number in \[-1000, 10000\] \[EUR/MWh\]"),
    ("2023-01-01T00:00:00;x;DK1;0;cheap", r"line 2, column 'SpotPriceEUR': not a number; got 'cheap'"),
])
def test_bad_price_files_are_named(tmp_path, row, message):
    lines = ["HourUTC;HourDK;PriceArea;SpotPriceDKK;SpotPriceEUR", row] if not row.startswith("HourUTC") else [row]
    with pytest.raises(InputError, match=r"prices.csv.*" + message):
        read_spot_prices(write(tmp_path, lines))
