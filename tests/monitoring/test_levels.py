"""Silent unit switches (a meter's values jump by a power of 1000 under the same unit label)
are found against the meter's weather model, reported with their lines and corrected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcity.monitoring import demo
from smartcity.monitoring.levels import correct_unit_switches
from smartcity.monitoring.readers import read_meter_readings
from smartcity.monitoring.realistic import realistic_meters

SIGNATURE = demo.Signature(intercept=120.0, heating_slope=35.0, balance_point=15.0)


def one_meter(tmp_path, scale_from=None, scale=1.0, unit="kWh", seed=3):
    """Two years of daily readings of one heating meter; from day ``scale_from`` on the values
    are multiplied by ``scale`` (the unit column unchanged). Returns the file, the weather and
    the true use per day."""
    rng = np.random.default_rng(seed)
    weather = demo.synthetic_temperature([2020, 2021], rng)
    use, _ = demo.synthetic_daily_use(rng, {2020: SIGNATURE, 2021: SIGNATURE}, weather, cv=0.08,
                                      missing_share=0.0, outage_probability=0.0)
    values = use.copy()
    if scale_from is not None:
        values[scale_from:] *= scale
    days = weather.index
    lines = ["meter_id,carrier,start,end,value,unit"] + [
        f"M1,district_heat,{d:%Y-%m-%d},{d + pd.Timedelta(days=1):%Y-%m-%d},{v:.6g},{unit}"
        for d, v in zip(days, values)]
    path = tmp_path / "meters.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, weather, use


@pytest.mark.parametrize("scale, likely", [(1e-3, "MWh"), (1e3, "Wh")])
def test_a_silent_switch_is_reported_with_its_lines_and_corrected(tmp_path, scale, likely):
    first = 500  # 2021-05-16: the 501st day, line 502 of the file
    path, weather, use = one_meter(tmp_path, scale_from=first, scale=scale)
    readings = read_meter_readings(path)
    assert not readings.report.by_check("unit_switch")  # the reader alone cannot see it (no label change)
    checked = correct_unit_switches(readings, weather)
    issues = checked.report.by_check("unit_switch")
    assert len(issues) == 1
    issue = issues[0]
    assert issue.severity == "warning" and issue.subject == "M1"
    assert issue.rows[0] == first + 2 and issue.rows[-1] == len(use) + 1 and len(issue.rows) == len(use) - first
    assert f"likely in {likely} while the unit column says kWh" in issue.problem
    assert "corrected" in issue.action and f"lines {first + 2}, {first + 3}," in issue.format()
    data = checked.data
    assert data["energy_kWh"].to_numpy() == pytest.approx(use, rel=1e-5)
    assert data["corrected"].sum() == len(use) - first and not data["suspect"].any()
    assert checked.levels_checked and readings.report.by_check("unit_switch") == ()


def test_a_step_by_a_factor_100_is_not_a_unit_switch(tmp_path):
    path, weather, _ = one_meter(tmp_path, scale_from=500, scale=1e-2)
    checked = correct_unit_switches(read_meter_readings(path), weather)
    assert not checked.report.by_check("unit_switch") and not checked.data["corrected"].any()


def test_realistic_meters_without_a_switch_are_left_alone(tmp_path):
    data = realistic_meters(30, seed=11, unit_switch=False)
    data.meters.to_csv(tmp_path / "meters.csv", index=False)
    weather = pd.Series(data.weather["temperature_C"].to_numpy(),
                        index=pd.DatetimeIndex(pd.to_datetime(data.weather["time"]), name="date"))
    readings = read_meter_readings(tmp_path / "meters.csv")
    checked = correct_unit_switches(readings, weather)
    assert not checked.report.by_check("unit_switch")
    assert checked.data["energy_kWh"].equals(readings.data["energy_kWh"])


def test_labelled_mix_up_confirmed_by_the_weather_is_corrected_too(tmp_path):
    # a month labelled MWh whose values are still in kWh: the reader marks it suspect (a unit
    # mix-up and spikes), the weather check confirms the factor 1000 and corrects it
    path, weather, use = one_meter(tmp_path)
    text = path.read_text().splitlines()
    for k in range(400, 431):
        text[k + 1] = text[k + 1].replace(",kWh", ",MWh")
    path.write_text("\n".join(text) + "\n")
    readings = read_meter_readings(path)
    assert readings.report.by_check("unit_mix_up") and readings.data["suspect"].sum() >= 30
    checked = correct_unit_switches(readings, weather)
    issue = checked.report.by_check("unit_switch")[0]
    assert "likely in kWh while the unit column says MWh" in issue.problem
    assert issue.rows == tuple(range(402, 433))
    month = checked.data["row"].between(402, 432)
    assert not checked.data.loc[month, "suspect"].any() and checked.data.loc[month, "corrected"].all()
    assert checked.data["energy_kWh"].to_numpy() == pytest.approx(use, rel=1e-5)
