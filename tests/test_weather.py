"""Tests of smartcity.weather: readers, validation, the reference year, irradiance."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity import weather as W
from smartcity.errors import InputError
from smartcity.weather.reference import _smooth_monthly

DATA = Path(__file__).parent / "data" / "weather"


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ref() -> W.Weather:
    return W.reference_year()


@pytest.fixture(scope="module")
def generated() -> W.Weather:
    return W.generate_reference_year()


@pytest.fixture(scope="module")
def normals() -> dict:
    text = (resources.files("smartcity") / "data/aalborg_normals.toml").read_text("utf-8")
    return tomllib.loads(text)


def monthly_mean_temperature(weather: W.Weather) -> np.ndarray:
    data = weather.data
    return data["temp_air"].groupby(data.index.month).mean().to_numpy()


def monthly_irradiation(weather: W.Weather) -> np.ndarray:
    """Monthly global horizontal irradiation [kWh/m²]."""
    data = weather.data
    return data["ghi"].groupby(data.index.month).sum().to_numpy() / 1000.0


def file_metadata(path: Path) -> dict:
    meta = {}
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].partition("=")
        if sep and key.strip().isidentifier():
            meta[key.strip()] = value.strip()
    return meta


def write_epw(path: Path, weather: W.Weather, city: str = "Aalborg Test") -> Path:
    """Write ``weather`` as an EPW file: 8 header lines and 35 fields per hour.

    The rows carry mixed years (odd months 1999, even months 2004), as typical-year
    files do, so the reader's year coercion is exercised. EPW hour h covers h-1..h, so
    the hour starting at 00:00 is written as hour 1.
    """
    header = [
        f"LOCATION,{city},-,DNK,smartcity test,061030,{weather.latitude:.2f},"
        f"{weather.longitude:.2f},{weather.utc_offset:.1f},{weather.altitude:.1f}",
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,written by tests/test_weather.py",
        "COMMENTS 2,",
        "DATA PERIODS,1,1,Data,Thursday, 1/ 1,12/31",
    ]
    flags = "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9"
    d = weather.data
    rows = []
    for ts, t, rh, ghi, dni, dhi, ws in zip(
            d.index, d["temp_air"], d["relative_humidity"], d["ghi"], d["dni"], d["dhi"],
            d["wind_speed"]):
        year = 1999 if ts.month % 2 else 2004
        fields = [year, ts.month, ts.day, ts.hour + 1, 60, flags,
                  f"{t:.2f}", f"{t - 2:.2f}", f"{rh:.2f}", 101325, 0, 0, 300,
                  f"{ghi:.2f}", f"{dni:.2f}", f"{dhi:.2f}", 0, 0, 0, 0,
                  180, f"{ws:.2f}", 5, 5, 9999, 77777, 9, 999999999, 0, 0, 0, 88, 0.2, 0, 1]
        assert len(fields) == 35
        rows.append(",".join(str(f) for f in fields))
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    return path


def pvlib_clear_sky_ghi(weather: W.Weather) -> np.ndarray:
    """Ineichen clear-sky GHI by pvlib's own Location path (independent of weather.py)."""
    location = pvlib.location.Location(weather.latitude, weather.longitude,
                                       tz=weather.tz, altitude=weather.altitude)
    clear = location.get_clearsky(weather.index + pd.Timedelta(minutes=30),
                                  model="ineichen")
    return clear["ghi"].to_numpy()


# --------------------------------------------------------------------------------------
# the reference year
# --------------------------------------------------------------------------------------

def test_normals_file_cites_a_source_for_every_series(normals):
    for key in ("temp_air", "ghi", "temp_air_daily_range", "wind_speed",
                "relative_humidity"):
        series = normals[key]
        assert len(series["values"]) == 12
        assert series["source"]
        if series.get("assumption"):
            assert series["reason"]
    assert normals["temp_air"]["values"] == [1.5, 0.2, 2.9, 6.2, 11.4, 14.7, 16.6, 17.0,
                                             12.3, 9.7, 5.1, 1.6]
    assert normals["ghi"]["values"] == [14, 30, 68, 104, 153, 167, 161, 133, 77, 45, 17, 11]
    assert normals["location"]["approximate"] is True
    assert W.reference_normals() == normals


@pytest.mark.parametrize("which", ["shipped", "generated"])
def test_reference_year_matches_monthly_normals(which, ref, generated, normals):
    weather = ref if which == "shipped" else generated
    assert weather.n_hours == 8760
    assert weather.tz == "Etc/GMT-1"
    assert weather.index[0] == pd.Timestamp("2015-01-01 00:00", tz="Etc/GMT-1")
    assert (weather.latitude, weather.longitude, weather.altitude) == (57.03, 10.0, 10.0)
    # 0.3 K and 3 % are the acceptance limits; by construction both match to rounding.
    np.testing.assert_allclose(monthly_mean_temperature(weather),
                               normals["temp_air"]["values"], atol=0.3)
    np.testing.assert_allclose(monthly_irradiation(weather), normals["ghi"]["values"],
                               rtol=0.03)


def test_shipped_file_equals_generator_output(ref, generated):
    # The file holds the generator's output rounded to 0.01; one rounding step of
    # tolerance absorbs last-bit differences between machines.
    assert list(ref.data.columns) == list(W.COLUMNS)
    assert ref.index.equals(generated.index)
    np.testing.assert_allclose(ref.data.to_numpy(), generated.data.to_numpy(),
                               rtol=0, atol=0.006)
    path = resources.files("smartcity") / "data/aalborg_reference_year.csv"
    meta = file_metadata(Path(str(path)))
    assert int(meta["seed"]) == 20140623
    assert int(meta["generator_version"]) == W.GENERATOR_VERSION
    assert Path(str(path)).stat().st_size < 600_000


def test_reference_year_is_cached_and_protected(ref):
    first = W.reference_year()
    assert first == ref and hash(first) == hash(ref)
    first.data.loc[first.index[0], "temp_air"] = 55.0
    first.data["ghi"] = 0.0
    again = W.reference_year()
    assert again.data["temp_air"].iloc[0] != 55.0
    assert again.ghi.sum() > 900_000
    with pytest.raises(ValueError):
        again.temp_air[0] = 1.0  # column arrays are read-only
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.latitude = 0.0


def test_generator_is_deterministic_per_seed(generated, normals):
    same = W.generate_reference_year()
    pd.testing.assert_frame_equal(same.data, generated.data)
    other = W.generate_reference_year(seed=7)
    assert not np.allclose(other.temp_air, generated.temp_air)
    assert not np.allclose(other.ghi, generated.ghi)
    np.testing.assert_allclose(monthly_mean_temperature(other),
                               normals["temp_air"]["values"], atol=1e-6)
    np.testing.assert_allclose(monthly_irradiation(other), normals["ghi"]["values"],
                               rtol=1e-6)


@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")  # pvlib's Location
def test_reference_year_irradiance_is_physical(ref):
    sun = W.solar_position(ref)
    night = sun["apparent_zenith"].to_numpy() >= 90.0
    assert night.sum() > 3000
    assert np.all(ref.ghi[night] == 0.0)
    assert np.all(ref.dni[night] == 0.0)
    # The generator caps GHI at 1.1 x its clear sky; pvlib's own clear sky interpolates
    # the turbidity slightly differently, hence 1.2 x plus 1 W/m² near sunrise.
    assert np.all(ref.ghi <= 1.2 * pvlib_clear_sky_ghi(ref) + 1.0)
    assert np.all(ref.dhi <= ref.ghi + 0.01)  # 0.01: CSV rounding
    # Erbs keeps closure exactly; the file's rounding to 0.01 allows 0.005 in each of
    # GHI, DNI and DHI, so up to 0.015 W/m².
    cos_zenith = np.cos(np.radians(sun["zenith"].to_numpy()))
    closure = ref.dni * cos_zenith + ref.dhi
    assert np.max(np.abs(closure - ref.ghi)) < 0.016
    # Sunny enough to matter: some clear hours with a strong beam in summer.
    assert ref.dni.max() > 700


def test_generated_closure_is_exact(generated):
    sun = W.solar_position(generated)
    closure = generated.dni * np.cos(np.radians(sun["zenith"].to_numpy())) + generated.dhi
    np.testing.assert_allclose(closure, generated.ghi, atol=1e-9)


def test_reference_year_temperature_shape(ref):
    data = ref.data
    by_hour = data["temp_air"].groupby(data.index.hour).mean()
    assert 13 <= by_hour.idxmax() <= 16  # afternoon maximum
    assert 3 <= by_hour.idxmin() <= 8    # minimum near sunrise
    daily = data["temp_air"].resample("D")
    daily_range = (daily.max() - daily.min()).groupby(lambda t: t.month).mean()
    assert daily_range[6] > daily_range[12]  # larger diurnal swing in summer
    daily_mean = daily.mean()
    assert daily_mean.std() > 5.0
    assert -25.0 < ref.temp_air.min() < -2.0 and 20.0 < ref.temp_air.max() < 35.0
    # hour-to-hour steps stay plausible (no jumps at midnight or month boundaries)
    assert np.max(np.abs(np.diff(ref.temp_air))) < 4.0


def test_hour_of_year_and_properties(ref):
    np.testing.assert_array_equal(ref.hour_of_year, np.arange(8760))
    assert ref.temp_air.dtype == np.float64 and ref.temp_air.shape == (8760,)
    assert ref.utc_offset == 1.0
    assert "Aalborg" in repr(ref)


# --------------------------------------------------------------------------------------
# readers
# --------------------------------------------------------------------------------------

def test_epw_round_trip(tmp_path, ref):
    path = write_epw(tmp_path / "aalborg_test.epw", ref)
    weather = W.read_epw(path)
    assert weather.name == "Aalborg Test"
    assert (weather.latitude, weather.longitude, weather.altitude) == (57.03, 10.0, 10.0)
    assert weather.tz == "Etc/GMT-1"
    # EPW hour 1 (00:00-01:00 on 1 January) becomes the label 00:00: start of the hour
    assert weather.index[0] == pd.Timestamp("2015-01-01 00:00", tz="Etc/GMT-1")
    assert weather.index[-1] == pd.Timestamp("2015-12-31 23:00", tz="Etc/GMT-1")
    assert weather.index.equals(ref.index)
    for column in ("temp_air", "ghi", "dni", "dhi", "wind_speed", "relative_humidity"):
        np.testing.assert_allclose(weather.data[column], ref.data[column], atol=1e-9)
    assert W.load_weather(path) == weather


def test_epw_with_february_29_gets_a_leap_year(tmp_path):
    index = pd.date_range("2016-01-01", periods=8784, freq="h", tz="Etc/GMT-1")
    ghi = np.zeros(8784)
    data = pd.DataFrame({"temp_air": 5.0, "ghi": ghi, "dni": ghi, "dhi": ghi,
                         "wind_speed": 3.0, "relative_humidity": 80.0}, index=index)
    leap = W.Weather(data=data, latitude=57.0, longitude=10.0, altitude=0.0)
    weather = W.read_epw(write_epw(tmp_path / "leap.epw", leap))
    assert weather.n_hours == 8784
    assert weather.index[0].year == 2016


def test_csv_round_trip(tmp_path, ref):
    path = W.write_weather_csv(ref, tmp_path / "copy.csv", comments=["a copy"])
    weather = W.read_weather_csv(path)
    pd.testing.assert_frame_equal(weather.data, ref.data, check_freq=False)
    assert weather.name == ref.name
    assert W.load_weather(path) == weather


def test_csv_with_offsets_and_ghi_only_is_decomposed(tmp_path, ref):
    table = pd.DataFrame({
        "time": ref.index.strftime("%Y-%m-%dT%H:%M%z").str.replace(
            r"(\d\d)(\d\d)$", r"\1:\2", regex=True),
        "temp_air": ref.temp_air, "ghi": ref.ghi,
        "latitude": ref.latitude, "longitude": ref.longitude,
    })
    path = tmp_path / "ghi_only.CSV"
    table.to_csv(path, index=False)
    weather = W.load_weather(path)
    assert weather.tz == "Etc/GMT-1"
    assert weather.altitude == 0.0
    np.testing.assert_array_equal(weather.wind_speed, W.DEFAULT_WIND_SPEED)
    np.testing.assert_array_equal(weather.relative_humidity, W.DEFAULT_RELATIVE_HUMIDITY)
    sun = W.solar_position(weather)
    closure = weather.dni * np.cos(np.radians(sun["zenith"].to_numpy())) + weather.dhi
    np.testing.assert_allclose(closure, weather.ghi, atol=1e-9)
    assert np.all(weather.dhi <= weather.ghi + 1e-9)


def test_small_csv_file_in_test_data():
    # The reference year's first 24 hours with a comment header: too short, so it must
    # be refused with the row count.
    with pytest.raises(InputError, match="8760"):
        W.read_weather_csv(DATA / "aalborg_first_day.csv")


def test_load_weather_none_is_reference_year(ref):
    assert W.load_weather(None) == ref


# --------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------

def _csv_with(tmp_path, ref, name, change) -> Path:
    data = change(ref.data.copy())
    weather = dataclasses.replace(ref, data=data)
    return W.write_weather_csv(weather, tmp_path / name)


def test_nan_temperature_names_row_time_and_column(tmp_path, ref):
    def put_nan(data):
        data.iloc[100, data.columns.get_loc("temp_air")] = np.nan
        return data
    path = _csv_with(tmp_path, ref, "nan_temp.csv", put_nan)
    with pytest.raises(InputError) as info:
        W.read_weather_csv(path)
    message = str(info.value)
    assert "nan_temp.csv" in message
    assert "line 108" in message and "column 'temp_air'" in message
    assert "2015-01-05T04:00:00+01:00" in message  # hour 100 = 5 January 04:00
    assert info.value.row == 108 and info.value.line and info.value.column == "temp_air"


def test_wrong_number_of_rows(tmp_path, ref):
    path = _csv_with(tmp_path, ref, "short.csv", lambda data: data.iloc[:100])
    with pytest.raises(InputError) as info:
        W.read_weather_csv(path)
    message = str(info.value)
    assert "short.csv" in message and "got 100" in message and "8760" in message


def test_missing_column(tmp_path, ref):
    path = _csv_with(tmp_path, ref, "no_ghi.csv", lambda data: data)
    text = path.read_text("utf-8").replace("time,temp_air,ghi,", "time,temp_air,global,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        W.read_weather_csv(path)
    assert "no_ghi.csv" in str(info.value) and "column 'ghi'" in str(info.value)


def test_irregular_time_step(tmp_path, ref):
    def shift(data):
        index = data.index.to_series()
        index.iloc[500:] += pd.Timedelta(minutes=30)
        data.index = pd.DatetimeIndex(index)
        return data
    path = _csv_with(tmp_path, ref, "irregular.csv", shift)
    with pytest.raises(InputError) as info:
        W.read_weather_csv(path)
    message = str(info.value)
    assert "irregular.csv" in message and "line 508" in message and "'time'" in message


def test_temperature_out_of_range(tmp_path, ref):
    def too_hot(data):
        data.iloc[9, data.columns.get_loc("temp_air")] = 99.9  # EPW's missing-value code
        return data
    path = _csv_with(tmp_path, ref, "hot.csv", too_hot)
    with pytest.raises(InputError) as info:
        W.read_weather_csv(path)
    message = str(info.value)
    assert "hot.csv" in message and "line 17" in message and "[-60, 60]" in message


def test_text_in_a_number_column(tmp_path, ref):
    path = _csv_with(tmp_path, ref, "text.csv", lambda data: data)
    lines = path.read_text("utf-8").splitlines()
    header_line = next(i for i, line in enumerate(lines) if line.startswith("time,"))
    fields = lines[header_line + 3].split(",")
    fields[2] = "sunny"
    lines[header_line + 3] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        W.read_weather_csv(path)
    message = str(info.value)
    assert "text.csv" in message and "row 3" in message and "column 'ghi'" in message


def test_csv_without_location_or_time_zone(tmp_path, ref):
    path = _csv_with(tmp_path, ref, "no_tz.csv", lambda data: data)
    text = path.read_text("utf-8")
    path.write_text(text.replace("# tz = Etc/GMT-1\n", ""), encoding="utf-8")
    with pytest.raises(InputError, match="no_tz.csv.*time zone unknown"):
        W.read_weather_csv(path)
    path.write_text(text.replace("# tz = Etc/GMT-1", "# tz = Europe/Copenhagen"),
                    encoding="utf-8")
    with pytest.raises(InputError, match="daylight saving"):
        W.read_weather_csv(path)
    path.write_text(text.replace("# latitude = 57.03\n", ""), encoding="utf-8")
    with pytest.raises(InputError, match="key 'latitude'"):
        W.read_weather_csv(path)


def test_unknown_extension(tmp_path):
    path = tmp_path / "weather.txt"
    path.write_text("time,temp_air,ghi\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        W.load_weather(path)
    assert "weather.txt" in str(info.value) and "'.txt'" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="absent.epw: file not found"):
        W.load_weather(tmp_path / "absent.epw")


def test_malformed_epw_header(tmp_path, ref):
    path = write_epw(tmp_path / "bad_header.epw", ref)
    lines = path.read_text("utf-8").splitlines()
    lines[0] = "LOCATION,Aalborg,-,DNK,test,061030,north,10.00,1.0,10.0"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        W.read_epw(path)
    assert "bad_header.epw" in str(info.value) and "EPW" in str(info.value)


def test_malformed_epw_data_line(tmp_path, ref):
    path = write_epw(tmp_path / "bad_row.epw", ref)
    lines = path.read_text("utf-8").splitlines()
    fields = lines[8 + 20].split(",")
    fields[6] = "warm"  # dry-bulb temperature of the 21st hour
    lines[8 + 20] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        W.read_epw(path)
    message = str(info.value)
    assert "bad_row.epw" in message and "line 29" in message
    assert "column 'temp_air'" in message


def test_truncated_epw(tmp_path, ref):
    path = write_epw(tmp_path / "truncated.epw", ref)
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join(lines[:8 + 5000]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="truncated.epw.*got 5000"):
        W.read_epw(path)


# --------------------------------------------------------------------------------------
# plane-of-array irradiance
# --------------------------------------------------------------------------------------

def test_horizontal_plane_receives_ghi(generated, ref):
    # The generated (unrounded) year satisfies closure exactly, so a horizontal plane
    # gets GHI back to floating-point precision.
    weather = generated
    daylight = weather.ghi > 0
    isotropic = W.plane_irradiance(weather, 0.0, 180.0, model="isotropic")[:, 0]
    np.testing.assert_allclose(isotropic[daylight], weather.ghi[daylight], rtol=1e-6)
    # Perez floors cos(zenith) at cos(85°) in its circumsolar term, so it equals GHI
    # exactly only for zenith < 85°; lower suns lose a few percent of their diffuse.
    perez = W.plane_irradiance(weather, 0.0, 180.0)[:, 0]
    zenith = W.solar_position(weather)["zenith"].to_numpy()
    high_sun = daylight & (zenith < 85.0)
    np.testing.assert_allclose(perez[high_sun], weather.ghi[high_sun], rtol=1e-6)
    assert perez.sum() == pytest.approx(weather.ghi.sum(), rel=0.002)
    assert np.all(perez[~daylight] == 0.0)
    # The shipped file is rounded to 0.01, which limits closure to 0.015 W/m².
    shipped = W.plane_irradiance(ref, 0.0, 180.0, model="isotropic")[:, 0]
    np.testing.assert_allclose(shipped, ref.ghi, atol=0.016)


def test_walls_and_tilted_roof(ref):
    walls = W.plane_irradiance(ref, [90] * 4, [0, 90, 180, 270])
    assert walls.shape == (8760, 4) and walls.dtype == np.float64
    assert walls.flags.c_contiguous
    assert np.all(np.isfinite(walls)) and np.all(walls >= 0.0)
    north, east, south, west = walls.sum(axis=0) / 1000.0  # [kWh/m²]
    assert south > 2.0 * north
    assert south > east and south > west
    assert east == pytest.approx(west, rel=0.1)
    # Denmark: GHI ~1000 kWh/m²/yr, south-facing tilted ~1100-1250.
    roof = W.plane_irradiance(ref, 35.0, 180.0).sum() / 1000.0
    assert 1100.0 < roof < 1250.0


def test_plane_angles_broadcast(ref):
    assert W.plane_irradiance(ref, 30.0, 180.0).shape == (8760, 1)
    both = W.plane_irradiance(ref, 30.0, [90.0, 270.0])
    assert both.shape == (8760, 2)
    np.testing.assert_allclose(both[:, 1], W.plane_irradiance(ref, 30.0, 270.0)[:, 0])
    with pytest.raises(InputError, match="differ in length"):
        W.plane_irradiance(ref, [10.0, 20.0, 30.0], [90.0, 270.0])
    with pytest.raises(InputError, match="surface_tilt"):
        W.plane_irradiance(ref, 200.0, 180.0)
    with pytest.raises(InputError, match="model"):
        W.plane_irradiance(ref, 30.0, 180.0, model="magic")


@settings(max_examples=25, deadline=None)
@given(tilt=st.floats(0.0, 180.0), azimuth=st.floats(0.0, 360.0),
       albedo=st.floats(0.0, 1.0))
def test_plane_irradiance_is_finite_and_bounded(ref, tilt, azimuth, albedo):
    poa = W.plane_irradiance(ref, tilt, azimuth, albedo=albedo)
    assert np.all(np.isfinite(poa)) and np.all(poa >= 0.0)
    assert np.all(poa <= 1500.0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-30.0, 30.0), min_size=12, max_size=12))
def test_smooth_monthly_curve_preserves_monthly_means(monthly):
    index = pd.date_range("2015-01-01", periods=8760, freq="h")
    month = index.month.to_numpy() - 1
    curve = _smooth_monthly(np.array(monthly), month, (np.arange(8760) + 0.5) / 24.0)
    means = np.bincount(month, weights=curve) / np.bincount(month)
    np.testing.assert_allclose(means, monthly, atol=1e-6)
    assert np.all(np.isfinite(curve))


def test_importing_the_package_does_not_import_pvlib_or_scipy():
    code = ("import smartcity.weather, sys; "
            "print('pvlib' in sys.modules, 'scipy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "False"]


def test_public_names_are_reexported_from_the_package():
    from smartcity.weather import container, io, reference, solar

    for module in (container, io, reference, solar):
        for name in module.__all__:
            assert getattr(W, name) is getattr(module, name), (module.__name__, name)


# --------------------------------------------------------------------------------------
# plane-of-array irradiance by component
# --------------------------------------------------------------------------------------

WALLS = (90.0, [0.0, 90.0, 180.0, 270.0])
# ('king' is left out: pvlib 0.16 deprecates it, and warnings are errors here)
SPLIT_MODELS = ["perez", "haydavies", "isotropic", "klucher", "reindl", "perez-driesse"]


@pytest.mark.parametrize("model", SPLIT_MODELS)
@pytest.mark.parametrize("tilt, azimuth", [WALLS, ([0.0, 30.0, 120.0], 180.0)])
def test_components_add_up_to_the_plane_irradiance(ref, model, tilt, azimuth):
    parts = W.plane_irradiance_components(ref, tilt, azimuth, model=model)
    total = W.plane_irradiance(ref, tilt, azimuth, model=model)
    for key in ("beam", "sky", "horizon", "ground", "aoi"):
        assert parts[key].shape == total.shape and parts[key].dtype == np.float64
        assert parts[key].flags.c_contiguous and np.all(np.isfinite(parts[key]))
    added = parts["beam"] + parts["sky"] + parts["horizon"] + parts["ground"]
    lit = total > 0.0
    # the same pvlib terms summed in another order: equal to rounding (1e-9 relative is generous)
    np.testing.assert_allclose(added[lit], total[lit], rtol=1e-9)
    assert np.all(added[~lit] <= 1e-9)


def test_component_aoi_is_the_angle_of_incidence_at_mid_hour(ref):
    parts = W.plane_irradiance_components(ref, *WALLS)
    hours = np.array([0, 1000, 4000, 4300, 6000, 8759])
    times = ref.data.index[hours] + pd.Timedelta(minutes=30)
    sun = pvlib.solarposition.get_solarposition(times, ref.latitude, ref.longitude, altitude=ref.altitude)
    for j, azimuth in enumerate(WALLS[1]):
        expected = pvlib.irradiance.aoi(90.0, azimuth, sun["zenith"].to_numpy(), sun["azimuth"].to_numpy())
        # the same SPA code on fewer times: equal up to rounding
        np.testing.assert_allclose(parts["aoi"][hours, j], expected, atol=1e-9)
    assert np.all((parts["aoi"] >= 0.0) & (parts["aoi"] <= 180.0))


def test_isotropic_components_have_no_horizon_or_circumsolar_part(ref):
    tilt, azimuth = WALLS
    parts = W.plane_irradiance_components(ref, tilt, azimuth, model="isotropic")
    assert np.all(parts["horizon"] == 0.0)
    # beam without circumsolar: DNI cos(aoi), 0 with the sun behind the plane
    direct = np.maximum(ref.dni[:, None] * np.cos(np.radians(parts["aoi"])), 0.0)
    np.testing.assert_allclose(parts["beam"], direct, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(parts["sky"], np.tile(ref.dhi[:, None] * 0.5, (1, 4)), rtol=1e-12)
    np.testing.assert_allclose(parts["ground"], np.tile(ref.ghi[:, None] * 0.2 * 0.5, (1, 4)), rtol=1e-12)


def test_perez_components_keep_their_sign_and_klucher_has_no_split(ref):
    perez = W.plane_irradiance_components(ref, *WALLS)
    assert perez["horizon"].min() < 0.0  # the Perez horizon band is not clipped
    assert np.all(perez["beam"] >= 0.0) and np.all(perez["ground"] >= 0.0)
    iso = W.plane_irradiance_components(ref, *WALLS, model="isotropic")
    assert np.all(perez["beam"] >= iso["beam"] - 1e-9)  # Perez adds circumsolar to the beam
    klucher = W.plane_irradiance_components(ref, *WALLS, model="klucher")
    assert np.all(klucher["horizon"] == 0.0)
    np.testing.assert_array_equal(klucher["beam"], iso["beam"])


def test_components_check_their_arguments_as_plane_irradiance_does(ref):
    with pytest.raises(InputError, match="differ in length"):
        W.plane_irradiance_components(ref, [10.0, 20.0, 30.0], [90.0, 270.0])
    with pytest.raises(InputError, match="surface_azimuth"):
        W.plane_irradiance_components(ref, 90.0, 400.0)
    with pytest.raises(InputError, match="albedo"):
        W.plane_irradiance_components(ref, 90.0, 180.0, albedo=1.5)
    with pytest.raises(InputError, match="model"):
        W.plane_irradiance_components(ref, 90.0, 180.0, model="magic")
    assert W.plane_irradiance_components(ref, 30.0, 180.0)["beam"].shape == (8760, 1)
