"""Tests of the typical use profiles, :mod:`smartcity.energy.profiles`."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity import weather
from smartcity.energy import day_types, profiles, thermal
from smartcity.errors import InputError
from smartcity.schema.tables import load_schema, read_table

REPO = Path(__file__).resolve().parents[2]
SHIPPED_TABLE = REPO / "scenarios" / "aalborg-east" / "buildings.csv"
PROFILES_TEXT = resources.files("smartcity").joinpath("data/use_profiles.toml").read_text(encoding="utf-8")
USES = load_schema("buildings").columns["use"].allowed
NON_RESIDENTIAL = ("office", "education", "retail", "daycare")


@functools.cache
def _year():
    w = weather.reference_year()
    irradiance = thermal.window_irradiance(w)
    return w.data.index, w.data["temp_air"].to_numpy(dtype=np.float64), irradiance


def _index():
    return _year()[0]


# --------------------------------------------------------------------------------------
# The profiles file
# --------------------------------------------------------------------------------------


def test_every_use_has_a_profile():
    loaded = profiles.load_use_profiles()
    assert list(loaded.use) == list(USES)
    for use in USES:
        assert loaded.use[use].description


def _entries(node, key=()):
    """Every TOML table holding numbers (value, values or hours), with its key."""
    if isinstance(node, dict):
        if any(k in node for k in ("value", "values", "hours")):
            yield ".".join(key), node
        for k, v in node.items():
            yield from _entries(v, key + (k,))


def test_every_number_has_a_source_or_a_reasoned_assumption():
    entries = list(_entries(tomllib.loads(PROFILES_TEXT)))
    # 8 uses x (4 defaults + 4 hour ranges + 6 shapes)
    assert len(entries) == len(USES) * 14
    for key, entry in entries:
        sourced = bool(str(entry.get("source", "")).strip())
        reasoned = entry.get("assumption") is True and bool(str(entry.get("reason", "")).strip())
        assert sourced or reasoned, key
        if entry.get("assumption") is True:
            assert reasoned, key


def test_filled_columns_are_the_profile_defaults_and_in_schema_range():
    assert profiles.filled_columns() == [
        "internal_gains_w_m2", "heating_setback_k", "dhw_kwh_m2", "electricity_kwh_m2",
    ]
    columns = load_schema("buildings").columns
    assert not columns["internal_gains_w_m2"].required
    defaults = profiles.default_values()
    assert list(defaults.index) == list(USES)
    for name in profiles.filled_columns():
        column = columns[name]
        assert column.filled_by == profiles.FILLER
        assert defaults[name].between(column.min, column.max).all(), name


def test_default_gains_match_the_default_buildings_table():
    # The filler must reproduce the shipped table's gains (TABULA DK 3 W/m2 in dwellings;
    # the tertiary derivation of make_buildings.py), to the 2 decimals of the profiles file.
    table = read_table(SHIPPED_TABLE, "buildings")
    defaults = profiles.default_values()["internal_gains_w_m2"]
    for use, gains in table.groupby("use")["internal_gains_w_m2"]:
        np.testing.assert_allclose(gains.to_numpy(), defaults[use], atol=0.005, err_msg=use)
    assert defaults["single_family"] == 3.0
    note = profiles.load_use_profiles().use["single_family"].internal_gains_w_m2.note
    assert "5.0 W/m2" in note  # the Be18 alternative is stated


def test_non_residential_gains_and_electricity_peak_in_the_occupied_hours():
    loaded = profiles.load_use_profiles()
    for use in NON_RESIDENTIAL:
        for day in ("weekday", "weekend"):
            occupied = getattr(loaded.use[use], f"occupied_{day}").mask()
            for kind in ("gains", "electricity"):
                values = getattr(loaded.use[use], f"{kind}_{day}").array()
                if occupied.any():
                    np.testing.assert_array_equal(values > values.min(), occupied, err_msg=f"{use} {kind} {day}")
                else:
                    assert np.ptp(values) == 0.0
            # Full setpoint whenever occupied.
            assert not (getattr(loaded.use[use], f"setback_{day}").mask() & occupied).any()


def _edited(tmp_path, old, new):
    assert old in PROFILES_TEXT, old
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILES_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('value = 13.1\nunit = "kWh/(m2 a)"\nsource = ', 'value = 13.1\nunit = "kWh/(m2 a)"\nnotsource = ',
         r"key 'use\.single_family\.dhw_kwh_m2\.notsource': unknown key"),
        ('value = 3.0\nunit = "W/m2"', 'value = 3.0\nunit = "W/m3"', r"internal_gains_w_m2.*wrong unit.*'W/m3'"),
        ('value = 4.0\nunit = "K"', 'value = 40.0\nunit = "K"', r"heating_setback_k.*out of range; got 40\.0"),
        ("hours = [[7, 17]]", "hours = [[7, 25]]", r"office\.occupied_weekday.*not an hour range"),
        ("hours = [[0, 6], [17, 24]]", "hours = [[0, 6], [5, 24]]", r"hour ranges overlap"),
        ("values = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 20.0", "values = [-2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 20.0",
         r"office\.gains_weekday.*finite number >= 0"),
        ("values = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 20.0", "values = [2.0, 2.0, 20.0",
         r"office\.gains_weekday\.values"),
        ('reason = "typical thermostat night period 23:00-06:00', 'note = "typical thermostat night period 23:00-06:00',
         r"single_family\.setback_weekday': an assumption needs a reason; allowed"),
        ("[use.daycare]", "[use.nursery]", r"unknown use; got 'nursery'"),
        ("[use.office]\n", "[use.office\n", r"not valid TOML"),
    ],
)
def test_bad_profiles_file_names_file_and_key(tmp_path, old, new, match):
    path = _edited(tmp_path, old, new)
    with pytest.raises(InputError, match=match) as info:
        profiles.load_use_profiles(path)
    assert str(path) in str(info.value)


def test_profile_without_source_is_refused(tmp_path):
    old = 'source = "SBi-anvisning 213 (Be18): dwellings are in use 168 h per week"'
    path = _edited(tmp_path, old, "")
    with pytest.raises(InputError, match=r"single_family\.occupied_weekday': the entry has no source; allowed"):
        profiles.load_use_profiles(path)


def test_missing_use_is_refused(tmp_path):
    start = PROFILES_TEXT.index("[use.daycare]")
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILES_TEXT[:start], encoding="utf-8")
    with pytest.raises(InputError, match=r"a use of the buildings schema has no profile; got 'daycare'"):
        profiles.load_use_profiles(path)


def test_shipped_profiles_are_cached():
    assert profiles.load_use_profiles() is profiles.load_use_profiles()


# --------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2000, "2000-04-23"), (2015, "2015-04-05"), (2016, "2016-03-27"), (2019, "2019-04-21"),
     (2024, "2024-03-31"), (2038, "2038-04-25")],
)
def test_easter_and_holidays(year, easter):
    holidays = day_types.danish_public_holidays(year)
    assert dt.date.fromisoformat(easter) in holidays
    assert dt.date(year, 1, 1) in holidays and dt.date(year, 12, 26) in holidays
    # General Prayer Day (4th Friday after Easter) was abolished from 2024.
    prayer = dt.date.fromisoformat(easter) + dt.timedelta(days=26)
    assert (prayer in holidays) == (year <= 2023)
    assert len(holidays) == (11 if year <= 2023 else 10)


def test_weekend_mask_uses_local_time_and_holidays():
    index = _index()
    mask = day_types.weekend_mask(index)
    hours = pd.Series(mask, index=index)
    assert hours["2015-01-03"].all() and hours["2015-01-04"].all()  # Saturday, Sunday
    assert not hours["2015-01-05"].any()  # Monday
    assert hours["2015-12-25"].all()  # Christmas Day, a Friday
    assert not pd.Series(day_types.weekend_mask(index, public_holidays=False), index=index)["2015-12-25"].any()
    # 104 weekend days + 8 public holidays on weekdays in 2015.
    assert mask.sum() == 24 * 112
    # The same wall-clock hours in UTC shift the day boundary by one hour.
    utc = day_types.weekend_mask(index.tz_convert("UTC"))
    assert utc.sum() == mask.sum() and not np.array_equal(utc, mask)


def test_calendar_is_shared_only_by_equal_indexes():
    index = _index()
    assert day_types.day_types(index, True) is day_types.day_types(index.copy(), True)
    # Same length, first and last hour, time zone; one hour differs.
    other = index.delete(1000).insert(2000, index[2000])
    assert len(other) == len(index) and other[0] == index[0] and other[-1] == index[-1]
    calendar = day_types.day_types(other, True)
    np.testing.assert_array_equal(calendar.timestamps, other.asi8)
    np.testing.assert_array_equal(calendar.hour, other.hour)


def test_shapes_are_copies():
    index = _index()
    shape = profiles.dhw_shape("office", index)
    expected = shape.copy()
    shape[:] = -1.0
    np.testing.assert_array_equal(profiles.dhw_shape("office", index), expected)


def test_index_must_be_whole_hours():
    with pytest.raises(ValueError, match="whole hours"):
        profiles.gains_shape("office", pd.date_range("2015-01-01 00:30", periods=3, freq="h"))
    with pytest.raises(ValueError, match="DatetimeIndex"):
        profiles.gains_shape("office", np.arange(3))
    with pytest.raises(InputError, match="use has no profile; got 'castle'"):
        profiles.gains_shape("castle", _index())


# --------------------------------------------------------------------------------------
# Shapes and schedules
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("use", USES)
def test_shapes_are_normalised_over_the_year(use):
    index = _index()
    np.testing.assert_allclose(profiles.gains_shape(use, index).mean(), 1.0, rtol=1e-12)
    for shape in (profiles.dhw_shape(use, index), profiles.electricity_shape(use, index)):
        assert np.all(shape >= 0.0)
        np.testing.assert_allclose(shape.sum(), 1.0, rtol=1e-12)


def test_a_part_of_the_year_gets_its_share():
    index = _index()
    part = index[24 * 30:24 * 44]
    np.testing.assert_allclose(profiles.gains_shape("office", part),
                               profiles.gains_shape("office", index)[24 * 30:24 * 44], rtol=1e-14)
    np.testing.assert_allclose(profiles.dhw_shape("apartment_block", part).sum(),
                               profiles.dhw_shape("apartment_block", index)[24 * 30:24 * 44].sum(), rtol=1e-12)
    # Two years: each sums to one.
    two = pd.date_range("2015-01-01", "2016-12-31 23:00", freq="h", tz="Etc/GMT-1")
    np.testing.assert_allclose(profiles.electricity_shape("retail", two).sum(), 2.0, rtol=1e-12)


def test_office_weekend_differs_from_weekday():
    index = _index()
    gains = pd.Series(profiles.gains_shape("office", index), index=index)
    monday, saturday = gains["2015-01-05"].to_numpy(), gains["2015-01-10"].to_numpy()
    assert not np.allclose(monday, saturday)
    assert monday[10] == 10.0 * saturday[10]  # ISO 13790 Table G.9: 20 vs 2 W/m2
    assert np.ptp(saturday) == 0.0
    electricity = pd.Series(profiles.electricity_shape("office", index), index=index)
    assert electricity["2015-01-05"].sum() > 5 * electricity["2015-01-10"].sum()
    occupied = pd.Series(profiles.occupancy("office", index), index=index)
    assert occupied["2015-01-05"].sum() == 10 and occupied["2015-01-10"].sum() == 0


def _stock(uses, gains=None, **columns):
    n = len(uses)
    frame = pd.DataFrame({
        "building_id": [f"b{i}" for i in range(n)],
        "use": list(uses),
        "count": np.arange(1, n + 1),
        "heated_floor_area_m2": np.full(n, 1000.0),
        "room_height_m": np.full(n, 3.0),
        "wall_area_m2": np.full(n, 500.0),
        "roof_area_m2": np.full(n, 250.0),
        "ground_floor_area_m2": np.full(n, 250.0),
        "window_area_north_m2": np.full(n, 60.0),
        "window_area_east_m2": np.full(n, 20.0),
        "window_area_south_m2": np.full(n, 60.0),
        "window_area_west_m2": np.full(n, 20.0),
        "u_wall_w_m2k": np.full(n, 0.4),
        "u_roof_w_m2k": np.full(n, 0.25),
        "u_floor_w_m2k": np.full(n, 0.3),
        "u_window_w_m2k": np.full(n, 1.8),
        "g_window": np.full(n, 0.6),
        "ventilation_ach": np.full(n, 0.8),
        "heat_recovery_efficiency": np.full(n, 0.6),
        "heating_setpoint_c": np.full(n, 20.0),
        "cooling_setpoint_c": np.full(n, 26.0),
    })
    if gains is not None:
        frame["internal_gains_w_m2"] = gains
    for name, values in columns.items():
        frame[name] = values
    return frame


def test_schedules_keep_each_rows_mean_and_setpoints():
    index = _index()
    uses = list(USES) + ["office", "office", "single_family"]
    gains = [3.0, 4.0, 3.0, 7.34, 8.0, 10.0, 9.5, 5.7, 7.34, 12.0, 5.0]
    setback = [0.0, 2.0, 0.0, 4.0, 4.0, 0.0, 3.0, 4.0, 4.0, 4.0, 2.0]
    stock = _stock(uses, gains, heating_setback_k=setback)
    s = profiles.hourly_schedules(stock, index)
    # Rows 3 and 8 are identical: one schedule.
    assert s["schedule_index"][3] == s["schedule_index"][8]
    assert s["internal_gains"].shape == (len(set(s["schedule_index"])), len(index))
    for i in range(len(uses)):
        k = s["schedule_index"][i]
        # Tolerance 1e-12 relative: the annual sum is reassembled from day counts.
        np.testing.assert_allclose(s["internal_gains"][k].mean(), gains[i], rtol=1e-12)
        heating = s["heating_setpoint"][k]
        lowered = profiles.setback_hours(uses[i], index)
        np.testing.assert_array_equal(heating, np.where(lowered, 20.0 - setback[i], 20.0))
        np.testing.assert_array_equal(s["cooling_setpoint"][k], 26.0)


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(USES), st.floats(0.0, 30.0), st.floats(0.0, 15.0), st.floats(16.0, 22.0)),
        min_size=1, max_size=12,
    )
)
def test_schedules_property(rows):
    index = _index()[: 24 * 21]
    uses, gains, setback, heating = (list(x) for x in zip(*rows))
    stock = _stock(uses, gains, heating_setback_k=setback, heating_setpoint_c=heating)
    s = profiles.hourly_schedules(stock, index)
    full = {u: profiles.gains_shape(u, _index())[: 24 * 21] for u in set(uses)}
    for i, use in enumerate(uses):
        k = s["schedule_index"][i]
        np.testing.assert_allclose(s["internal_gains"][k], gains[i] * full[use], rtol=1e-12, atol=1e-300)
        assert s["heating_setpoint"][k].max() <= heating[i]
        assert s["heating_setpoint"][k].min() >= heating[i] - setback[i] - 1e-12
        assert np.all(s["heating_setpoint"][k] <= s["cooling_setpoint"][k])


# --------------------------------------------------------------------------------------
# Thermal model with schedules
# --------------------------------------------------------------------------------------


def test_setback_lowers_office_heating_and_zero_setback_is_the_constant_setpoint():
    index, theta_e, irradiance = _year()
    offices = _stock(["office", "office"], [7.34, 7.34], heating_setback_k=[0.0, 4.0])
    result = thermal.simulate_stock(offices, theta_e, irradiance, index=index)
    assert result.heating_wh[1] < 0.95 * result.heating_wh[0]

    # Setback 0: the same as the same hourly gains with a constant heating setpoint.
    inputs = thermal.thermal_inputs_from_table(offices.iloc[:1], index)
    np.testing.assert_array_equal(inputs["heating_setpoint"], 20.0)
    inputs["heating_setpoint"] = np.full((inputs["heating_setpoint"].shape[0], 1), 20.0)
    for name in ("opaque_aperture", "sky_loss_coefficient", "ground_conductance", "ground_swing_ratio"):
        # window irradiance only, as simulate_stock here
        inputs.pop(name)
    constant = thermal.simulate_5r1c(**inputs, theta_e=theta_e, irradiance=irradiance)
    assert constant.heating_wh[0] == result.heating_wh[0]
    np.testing.assert_array_equal(constant.heating_by_group_w[0], thermal.simulate_stock(
        offices.iloc[:1], theta_e, irradiance, index=index).heating_by_group_w[0])


def test_hourly_gains_keep_the_annual_gains_of_the_constant_model():
    index, theta_e, irradiance = _year()
    stock = _stock(list(USES), [3.0, 3.0, 3.0, 7.34, 7.78, 10.0, 9.48, 5.71])
    hourly = thermal.simulate_stock(stock, theta_e, irradiance, index=index)
    constant = thermal.simulate_stock(stock, theta_e, irradiance)
    np.testing.assert_allclose(hourly.internal_gains_wh, constant.internal_gains_wh, rtol=1e-12)
    np.testing.assert_allclose(np.abs(hourly.balance_residual_wh), 0.0, atol=1e-6 * hourly.internal_gains_wh.max())


def test_thermal_without_index_is_unchanged_and_fills_missing_gains():
    table = read_table(SHIPPED_TABLE, "buildings")
    before = thermal.thermal_inputs_from_table(table)
    assert before["internal_gains"].shape[1] == 1
    no_gains = table.drop(columns="internal_gains_w_m2")
    after = thermal.thermal_inputs_from_table(no_gains)
    filled = profiles.default_values()["internal_gains_w_m2"][table["use"]].to_numpy()
    np.testing.assert_array_equal(after["internal_gains"][after["schedule_index"], 0], filled)
    with pytest.raises(InputError, match=r"column 'internal_gains_w_m2'.*no 'use' column"):
        thermal.thermal_inputs_from_table(no_gains.drop(columns="use"))


def test_simulate_stock_checks_the_index_length():
    index, theta_e, irradiance = _year()
    with pytest.raises(ValueError, match=r"index: expected 8760 timestamps"):
        thermal.simulate_stock(_stock(["office"], [7.0]), theta_e, irradiance, index=index[:100])


# --------------------------------------------------------------------------------------
# Filling a table
# --------------------------------------------------------------------------------------


def test_fill_use_defaults_fills_only_missing_values():
    table = pd.DataFrame({
        "use": ["office", "single_family", "hospital", "retail"],
        "heated_floor_area_m2": [100.0, 150.0, 1000.0, 500.0],
        "internal_gains_w_m2": [np.nan, 4.5, None, 0.0],
        "dhw_kwh_m2": ["", "20", " ", "7.5"],
    })
    table.attrs["source_file"] = "b.csv"
    original = table.copy()
    filled = profiles.fill_use_defaults(table)
    pd.testing.assert_frame_equal(table, original)  # input untouched
    assert filled.attrs == {"source_file": "b.csv"}
    np.testing.assert_array_equal(filled["internal_gains_w_m2"], [7.34, 4.5, 10.0, 0.0])
    np.testing.assert_array_equal(filled["dhw_kwh_m2"], [5.2, 20.0, 13.1, 7.5])
    np.testing.assert_array_equal(filled["heating_setback_k"], [4.0, 0.0, 0.0, 4.0])
    np.testing.assert_array_equal(filled["electricity_kwh_m2"], [36.0, 30.7, 88.0, 74.0])
    assert list(filled.columns[:4]) == list(table.columns)
    only = profiles.fill_use_defaults(table, ["heating_setback_k"])
    assert "electricity_kwh_m2" not in only and only["internal_gains_w_m2"].isna().sum() == 2
    with pytest.raises(ValueError, match="not filled from use profiles"):
        profiles.fill_use_defaults(table, ["u_wall_w_m2k"])


def test_fill_use_defaults_errors():
    with pytest.raises(InputError, match=r"row 2, column 'dhw_kwh_m2': not a number; got 'lots'"):
        profiles.fill_use_defaults(pd.DataFrame({"use": ["office", "office"], "dhw_kwh_m2": [1.0, "lots"]}))
    with pytest.raises(InputError, match=r"row 1, column 'use': use has no profile; got 'castle'"):
        profiles.fill_use_defaults(pd.DataFrame({"use": ["castle"]}))
    # Complete values need no use.
    complete = pd.DataFrame({c: [1.0] for c in profiles.filled_columns()})
    pd.testing.assert_frame_equal(profiles.fill_use_defaults(complete), complete)


def test_shipped_table_loads_and_fills(tmp_path):
    table = read_table(SHIPPED_TABLE, "buildings")
    filled = profiles.fill_use_defaults(table)
    assert not filled[profiles.filled_columns()].isna().any().any()
    assert filled.attrs["source_file"] == str(SHIPPED_TABLE)
    defaults = profiles.default_values()
    for name in profiles.filled_columns():
        given = table[name].notna().to_numpy()
        np.testing.assert_array_equal(filled[name][given], table[name][given])  # kept
        np.testing.assert_array_equal(filled[name][~given], defaults[name][table["use"][~given]].to_numpy())
    s = profiles.hourly_schedules(table, _index())
    assert s["internal_gains"].shape[0] <= len(table)

    # Without the use-profile columns the table still loads; the filler completes them.
    raw = pd.read_csv(SHIPPED_TABLE, dtype=str, keep_default_na=False)
    path = tmp_path / "buildings.csv"
    raw.drop(columns=[c for c in profiles.filled_columns() if c in raw.columns]).to_csv(path, index=False)
    bare = read_table(path, "buildings")
    assert bare[profiles.filled_columns()].isna().all().all()
    completed = profiles.fill_use_defaults(bare)
    for name in profiles.filled_columns():
        np.testing.assert_array_equal(completed[name], defaults[name][bare["use"]].to_numpy())


# --------------------------------------------------------------------------------------
# Hot water and electricity
# --------------------------------------------------------------------------------------


def test_annual_energy_per_building():
    table = pd.DataFrame({"use": ["apartment_block", "office"], "heated_floor_area_m2": [2000.0, 500.0],
                          "electricity_kwh_m2": [np.nan, 50.0]})
    np.testing.assert_allclose(profiles.annual_dhw_kwh(table), [2000.0 * 13.1, 500.0 * 5.2])
    np.testing.assert_allclose(profiles.annual_electricity_kwh(table), [2000.0 * 30.7, 500.0 * 50.0])
    with pytest.raises(InputError, match="heated_floor_area_m2"):
        profiles.annual_dhw_kwh(table.assign(heated_floor_area_m2=[1.0, -1.0]))


@pytest.mark.parametrize("shape_fn", [profiles.dhw_shape, profiles.electricity_shape])
def test_district_hourly_matches_a_per_building_reference(shape_fn):
    index = _index()
    rng = np.random.default_rng(5)
    n_b, n_groups = 40, 3
    table = pd.DataFrame({"use": rng.choice(USES, n_b), "heated_floor_area_m2": rng.uniform(50, 5000, n_b)})
    weights = rng.integers(0, 20, n_b).astype(float)
    energy = profiles.annual_electricity_kwh(table)
    groups = rng.integers(0, n_groups, n_b)
    got = profiles.district_hourly(table, weights, energy, shape_fn, index, groups, n_groups)
    # Reference: every building's hourly profile, summed by group.
    reference = np.zeros((n_groups, len(index)))
    for i in range(n_b):
        reference[groups[i]] += weights[i] * energy[i] * shape_fn(table["use"][i], index)
    np.testing.assert_allclose(got, reference, rtol=1e-10, atol=1e-9 * reference.max())
    np.testing.assert_allclose(got.sum(axis=1), np.bincount(groups, weights * energy, n_groups), rtol=1e-10)
    assert got.shape == (n_groups, len(index))


def test_district_hourly_argument_checks():
    index = _index()
    table = pd.DataFrame({"use": ["office"], "heated_floor_area_m2": [100.0]})
    with pytest.raises(ValueError, match=r"weights: expected shape \(1,\)"):
        profiles.district_hourly(table, [1, 2], [1.0], profiles.dhw_shape, index)
    with pytest.raises(ValueError, match=r"per_building_kwh\[0\] = -1\.0"):
        profiles.district_hourly(table, [1], [-1.0], profiles.dhw_shape, index)
    with pytest.raises(ValueError, match=r"group_index\[0\] = 2"):
        profiles.district_hourly(table, [1], [1.0], profiles.dhw_shape, index, [2], 2)
    with pytest.raises(ValueError, match=r"shape_fn\('office', index\): expected shape"):
        profiles.district_hourly(table, [1], [1.0], lambda use, ix: np.ones(3), index)
    np.testing.assert_array_equal(
        profiles.district_hourly(table, [0], [1.0], profiles.dhw_shape, index), np.zeros((1, len(index))))
