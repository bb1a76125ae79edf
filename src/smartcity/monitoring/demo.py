"""Synthetic measured data for trying ``smartcity monitor``, with the truth behind it.

:func:`make_demo` turns a run of the default district (baseline and lighthouse) into
the files a municipality would collect -- meter readings, a meter map, measured weather,
traffic counts and ridership, in the documented schemas -- and writes ``truth.json``
with the savings, balance points and flows the data were made from, so the estimates of
``smartcity monitor`` can be checked against them.

How the meter data are made
---------------------------
Each monitored building gets a **degree-day signature** per year,
``use = b0 + bh * max(Tb - T, 0)`` per day [kWh/d] for the day's mean outdoor temperature
T, derived from the model:

* ``b0``: the row's hot-water heat need per building and day, and ``bh`` such that the
  signature reproduces the row's annual space-heating need per building on the scenario's
  own weather year (the 5R1C results ``hot_water_need`` and ``space_heating_need``
  divided by ``building_count``); both divided by the district-heating substation
  efficiency, since a heat meter measures the heat delivered to the substation.
* ``Tb``: the balance point that the change-point model (:func:`baseline.fit_daily`)
  finds in the model's own daily district-heating space-heating series of the base
  year (15 °C for the default district), plus a per-meter offset drawn uniformly from
  ±:data:`BALANCE_POINT_SPREAD_K`; after a measure the balance point falls by
  :data:`RENOVATION_BALANCE_SHIFT_K` times the fraction of the space-heating need it
  saves (lower losses let the same internal and solar gains cover more of them).

A monitored building follows the baseline scenario until the start year of its measure
group (a measure of the lighthouse with the group's name) and the lighthouse scenario
from then on; control meters follow the lighthouse throughout. Within a year a
building's signature is the model's row average (the ramp's treated share), so the
**true savings** are the model's. Weather is the reference year's daily means perturbed
per year (:func:`synthetic_temperature`), noise is AR(1) (:func:`ar1_noise`), some days
are missing. Daily readings are written for most meters and monthly bills for the
campus control meters, so both baseline methods are exercised. With ``problems=True``
typical data problems are injected (a duplicate, a conflicting duplicate, a negative
reading, a unit mix-up, rows out of order, a gap, a period ending before it starts):
the readers report them and ``smartcity monitor`` prints the report.

Traffic counts are the model's peak-hour car flows (``link_peak_flow``) on the busiest
links, hourly counts of the morning peak on five weekdays, times a per-link bias and
Poisson noise; ridership is the model's boardings per average day (``line_boardings``)
times the days of each month, a per-line bias and day-to-day noise.

Every noise level and spread below is an assumption, flagged with its reason.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import OutputExistsError, SmartcityError
from smartcity.writing import temporary_folder

__all__ = [
    "DEMO_FILES",
    "BALANCE_POINT_SPREAD_K",
    "RENOVATION_BALANCE_SHIFT_K",
    "NOISE_CV",
    "NOISE_AR1",
    "MONITORED",
    "Signature",
    "expected_use",
    "ar1_noise",
    "synthetic_temperature",
    "model_balance_point",
    "building_signatures",
    "synthetic_daily_use",
    "DemoData",
    "make_demo",
    "write_demo",
]

#: Files written by :func:`write_demo`.
DEMO_FILES = ("meters.csv", "meter_map.csv", "weather.csv", "counts.csv", "ridership.csv", "truth.json")
#: The hourly results the demo reads from a results file: monitoring's (the plan's
#: :data:`~smartcity.monitoring.progress.PLAN_HOURLY`) and the district-heated buildings'
#: hourly space heating its meters follow.
DEMO_HOURLY = ("grid_carbon_intensity", "outdoor_air_temperature", "district_space_heating")

#: Half-width of the uniform spread of balance points between buildings (assumption:
#: setpoints, internal gains and shading differ between blocks by some ±1 K of balance
#: temperature). [K]
BALANCE_POINT_SPREAD_K = 1.0
#: Fall of the balance point for a measure that saved all of the space-heating need
#: (assumption: deeply renovated 1970s Danish blocks show balance points of some 11-13 °C
#: against 15-16 °C before; the steady-state relation Tb = Ti - gains/H gives the
#: direction, the size is bounded to what is observed). [K]
RENOVATION_BALANCE_SHIFT_K = 4.0
#: Standard deviation of the daily noise as a share of the mean daily use, by building
#: use (assumption: a block meter sums many flats and is smoother than one house; daily
#: CV(RMSE) of CalTRACK models of single homes is often 15-30 %, of multi-family meters
#: 5-10 %). [1]
NOISE_CV = {"apartment_block": 0.08, "terraced_house": 0.15, "single_family": 0.15, "education": 0.08}
#: Lag-1 autocorrelation of the daily noise (assumption: occupancy, wind and sun persist
#: for a few days; residuals of daily baselines typically show 0.3-0.6). [1]
NOISE_AR1 = 0.5
#: Share of days missing at random, and probability of one communication outage of 3-7
#: days per meter-year (assumption: remote-read heat meters; keeps meters within
#: CalTRACK's 37 missing days). [1]
MISSING_SHARE = 0.005
OUTAGE_PROBABILITY = 0.3
#: Temperature anomalies of the synthetic years (assumption: Danish annual means vary by
#: about ±0.7 K from year to year (DMI climate records); daily anomalies from the mean
#: annual cycle have a standard deviation of some 2-3 K and a lag-1 autocorrelation of
#: about 0.8 (synoptic persistence)). [K], [1]
YEAR_OFFSET_SD_K = 0.7
DAILY_ANOMALY_SD_K = 2.5
DAILY_ANOMALY_AR1 = 0.8
#: Link-specific bias of counts against the model (lognormal sd; assumption: count sites
#: differ from a calibrated model by some 10 %) and of ridership per line. [1]
COUNT_BIAS_SD = 0.10
RIDERSHIP_BIAS_SD = 0.10
RIDERSHIP_DAILY_SD = 0.05

#: The monitored buildings: building row, meter id prefix, measure group, number of
#: meters, resolution. The Kildeparken blocks and courtyard houses verify the renovation;
#: detached houses and campus buildings (monthly bills) form the control group.
MONITORED = (
    ("kildeparken_fyrkildevej_ab", "DH-KP-FYR", "kildeparken_renovation", 6, "daily"),
    ("kildeparken_ravn_blaa_ab", "DH-KP-RAV", "kildeparken_renovation", 6, "daily"),
    ("kildeparken_courtyard_th", "DH-KP-GRD", "kildeparken_renovation", 4, "daily"),
    ("sfh_1979_1998_dh", "DH-SFH", "control", 4, "daily"),
    ("aau_campus_1990", "DH-AAU", "control", 2, "billing"),
)


@dataclass(frozen=True)
class Signature:
    """A degree-day signature ``use = b0 + bh * max(Tb - T, 0)``.

    Attributes
    ----------
    intercept : float or ndarray
        b0, use per day independent of the weather. [kWh/d]
    heating_slope : float or ndarray
        bh. [kWh/(K d)]
    balance_point : float or ndarray
        Tb. [°C]
    """

    intercept: float | np.ndarray
    heating_slope: float | np.ndarray
    balance_point: float | np.ndarray


def expected_use(signature: Signature, temperature) -> np.ndarray:
    """Noise-free use per day of a signature. [kWh/d]

    Parameters
    ----------
    signature : Signature
        Scalars, or arrays broadcasting with ``temperature`` (e.g. one value per day).
    temperature : array_like
        Daily mean outdoor temperature. [°C]
    """
    t = np.asarray(temperature, dtype=np.float64)
    return signature.intercept + signature.heating_slope * np.maximum(signature.balance_point - t, 0.0)


def ar1_noise(rng: np.random.Generator, n: int, phi: float, sd: float | np.ndarray) -> np.ndarray:
    """Stationary AR(1) noise ``e_t = phi e_(t-1) + u_t`` with standard deviation ``sd``.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        Length. [-]
    phi : float
        Lag-1 autocorrelation, ``|phi| < 1``. [1]
    sd : float or ndarray
        Marginal standard deviation (scalar or one per step). [any unit]
    """
    if not -1.0 < phi < 1.0:
        raise ValueError(f"phi = {phi!r}; allowed: -1 < phi < 1")
    u = rng.standard_normal(n) * np.sqrt(1.0 - phi * phi)
    e = np.empty(n)
    e[0] = rng.standard_normal()
    for i in range(1, n):
        e[i] = phi * e[i - 1] + u[i]
    return e * sd


def synthetic_temperature(years, rng: np.random.Generator, reference=None) -> pd.Series:
    """Daily mean temperatures of several calendar years: the reference year perturbed.

    Each year is the reference year's daily means (29 February repeats 28 February)
    plus a yearly offset (sd :data:`YEAR_OFFSET_SD_K`) and an AR(1) daily anomaly (sd
    :data:`DAILY_ANOMALY_SD_K`, lag-1 correlation :data:`DAILY_ANOMALY_AR1`).

    Parameters
    ----------
    years : iterable of int
        Calendar years, consecutive. [a]
    rng : numpy.random.Generator
    reference : array_like of 365 floats, optional
        Daily means of the reference year; default the package's Aalborg reference year. [°C]

    Returns
    -------
    pandas.Series
        Index ``date`` (consecutive days), name ``temperature_C``. [°C]
    """
    if reference is None:
        from smartcity.monitoring.readers import daily_mean_temperature
        from smartcity.weather import reference_year

        reference = daily_mean_temperature(reference_year()).to_numpy()
    reference = np.asarray(reference, dtype=np.float64)
    parts = []
    for year in years:
        dates = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
        doy = np.minimum(dates.day_of_year.to_numpy() - 1 - ((dates.is_leap_year) & (dates.day_of_year > 59)), 364)
        values = (reference[doy] + rng.normal(0.0, YEAR_OFFSET_SD_K)
                  + ar1_noise(rng, len(dates), DAILY_ANOMALY_AR1, DAILY_ANOMALY_SD_K))
        parts.append(pd.Series(values, index=dates))
    out = pd.concat(parts)
    out.index.name = "date"
    out.name = "temperature_C"
    return out


def model_balance_point(results, scenario: str = "baseline") -> float:
    """The balance point of the model's daily district-heating space heating in its first year.

    The change-point baseline (heating only) fitted to the daily sums of
    ``district_space_heating`` (heating system ``district_heating``) against the daily
    means of the scenario's weather. [°C]
    """
    from smartcity.monitoring import baseline as bl

    one = results.sel(scenario=scenario)
    year = int(one["year"].values[0])
    heat = one["district_space_heating"].sel(year=year, heating_system="district_heating").to_numpy()
    temp = one["outdoor_air_temperature"].to_numpy()
    n = len(temp) // 24
    fit = bl.fit_daily(heat[: n * 24].reshape(n, 24).sum(axis=1), temp[: n * 24].reshape(n, 24).mean(axis=1),
                       cooling_balance_points=[])
    return float(fit.heating_balance_point[0])


def _row_needs(results, scenario: str, building: str, years) -> tuple[np.ndarray, np.ndarray]:
    """Space-heating and hot-water need per building of a row, per year. [kWh/a]"""
    one = results.sel(scenario=scenario)
    count = float(one["building_count"].sel(building=building))
    sh = one["space_heating_need"].sel(building=building).reindex(year=list(years), method="nearest")
    dhw = one["hot_water_need"].sel(building=building).reindex(year=list(years), method="nearest")
    return sh.to_numpy() / count, dhw.to_numpy() / count


def building_signatures(results, building: str, years, *, start_year: int | None, balance_point: float,
                        substation_efficiency: float = 0.97, scenario: str = "lighthouse",
                        baseline: str = "baseline") -> dict[int, Signature]:
    """The signature of one building of a row in each year (see the module notes).

    Parameters
    ----------
    results : xarray.Dataset
        A run holding ``baseline`` and ``scenario``.
    building : str
        Building row (``building`` coordinate).
    years : sequence of int
        Calendar years. [a]
    start_year : int or None
        Start of the building's measure group: earlier years follow ``baseline``; None:
        every year follows ``scenario``. [a]
    balance_point : float
        The building's balance point before any measure. [°C]
    substation_efficiency : float
        Useful heat per delivered district heat. [1]

    Returns
    -------
    dict of int to Signature
        Per year; ``intercept`` [kWh/d], ``heating_slope`` [kWh/(K d)], ``balance_point`` [°C].
    """
    years = list(years)
    weather = results["outdoor_air_temperature"].isel(scenario=0).to_numpy()
    n = len(weather) // 24
    t_model = weather[: n * 24].reshape(n, 24).mean(axis=1)
    sh_s, dhw_s = _row_needs(results, scenario, building, years)
    sh_b, dhw_b = _row_needs(results, baseline, building, years)
    reference_sh = sh_b[0]
    out = {}
    for i, year in enumerate(years):
        before = start_year is not None and year < start_year
        sh, dhw = (sh_b[i], dhw_b[i]) if before else (sh_s[i], dhw_s[i])
        saved = max(0.0, 1.0 - sh / reference_sh) if reference_sh > 0 else 0.0
        tb = balance_point - RENOVATION_BALANCE_SHIFT_K * saved
        hdd = float(np.maximum(tb - t_model, 0.0).sum())
        out[year] = Signature(intercept=dhw / 365.0 / substation_efficiency,
                              heating_slope=sh / hdd / substation_efficiency if hdd > 0 else 0.0,
                              balance_point=tb)
    return out


def synthetic_daily_use(rng: np.random.Generator, signatures: dict[int, Signature], temperature: pd.Series,
                        cv: float, *, phi: float = NOISE_AR1, missing_share: float = MISSING_SHARE,
                        outage_probability: float = OUTAGE_PROBABILITY) -> tuple[np.ndarray, np.ndarray]:
    """Noisy daily use of one meter and its noise-free expectation.

    Parameters
    ----------
    rng : numpy.random.Generator
    signatures : dict of int to Signature
        The signature of each calendar year of ``temperature``.
    temperature : pandas.Series
        Daily means indexed by date. [°C]
    cv : float
        Noise sd as a share of each year's mean expected use per day. [1]
    phi : float
        Lag-1 autocorrelation of the noise. [1]
    missing_share, outage_probability : float
        Days missing at random; chance of one 3-7 day outage per year. [1]

    Returns
    -------
    measured : ndarray
        Use per day, NaN on missing days, never negative. [kWh/d]
    expected : ndarray
        Noise-free use per day. [kWh/d]
    """
    years = temperature.index.year.to_numpy()
    t = temperature.to_numpy(dtype=np.float64)
    expected = np.empty(len(t))
    sd = np.empty(len(t))
    for year in np.unique(years):
        these = years == year
        expected[these] = expected_use(signatures[int(year)], t[these])
        sd[these] = cv * expected[these].mean()
    measured = np.maximum(expected + ar1_noise(rng, len(t), phi, sd), 0.0)
    missing = rng.random(len(t)) < missing_share
    for year in np.unique(years):
        if rng.random() < outage_probability:
            idx = np.flatnonzero(years == year)
            length = int(rng.integers(3, 8))
            start = int(rng.integers(idx[0], idx[-1] - length))
            missing[start:start + length] = True
    measured[missing] = np.nan
    return measured, expected


# --------------------------------------------------------------------------------------
# The demo data set
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoData:
    """The tables and the truth of a demo (:func:`make_demo`)."""

    meters: pd.DataFrame
    meter_map: pd.DataFrame
    weather: pd.DataFrame
    counts: pd.DataFrame
    ridership: pd.DataFrame
    truth: dict


def _date_text(days) -> np.ndarray:
    return np.asarray(pd.DatetimeIndex(days).strftime("%Y-%m-%d"), dtype=object)


def _readings_rows(meter: str, dates: pd.DatetimeIndex, values: np.ndarray, resolution: str) -> pd.DataFrame:
    """Rows of the meter readings schema: daily readings, or monthly bills (sums)."""
    if resolution == "daily":
        ok = np.isfinite(values)
        return pd.DataFrame({"meter_id": meter, "carrier": "district_heat", "start": _date_text(dates[ok]),
                             "end": _date_text(dates[ok] + pd.Timedelta(days=1)), "value": np.round(values[ok], 2),
                             "unit": "kWh"})
    month = dates.to_period("M")
    bills = pd.Series(values, index=dates).groupby(month).sum()  # a bill meter has no missing day
    starts = bills.index.to_timestamp()
    ends = (bills.index + 1).to_timestamp()
    return pd.DataFrame({"meter_id": meter, "carrier": "district_heat", "start": _date_text(starts),
                         "end": _date_text(ends), "value": np.round(bills.to_numpy() / 1000.0, 4), "unit": "MWh"})


def _truth_for(dates: pd.DatetimeIndex, temperature: np.ndarray, signatures: dict, baseline_year: int,
               years: list[int], measured: np.ndarray, typical: np.ndarray) -> dict:
    """True avoided energy (over days with a reading) and normalised savings per reporting year."""
    base = signatures[baseline_year]
    out = {}
    for year in years:
        if year <= baseline_year:
            continue
        these = (dates.year == year) & np.isfinite(measured)
        sig = signatures[year]
        avoided = float(np.sum(expected_use(base, temperature[these]) - expected_use(sig, temperature[these])))
        normal = float(np.sum(expected_use(base, typical) - expected_use(sig, typical)))
        out[str(year)] = {"avoided_energy_kWh": avoided, "normalised_savings_kWh": normal,
                          "days_with_reading": int(these.sum())}
    return out


def _inject_problems(meters: pd.DataFrame, rng: np.random.Generator, ids: list[str], last_year: int) -> tuple:
    """Typical data problems in the readings of the daily meters ``ids`` (seven needed).

    Returns the table and ``{meter: [problems]}``.
    """
    affected: dict[str, list[str]] = {}
    frames = [meters]

    def rows_of(meter):
        return meters.index[meters["meter_id"] == meter]

    a, b, c, d, e, f, g = ids[:7]
    # identical duplicate
    frames.append(meters.loc[rows_of(a)[10:11]])
    affected.setdefault(a, []).append("duplicate_identical")
    # conflicting duplicate
    dup = meters.loc[rows_of(b)[20:21]].copy()
    dup["value"] = dup["value"] * 1.3
    frames.append(dup)
    affected.setdefault(b, []).append("duplicate_conflicting")
    # negative reading
    meters.loc[rows_of(c)[30], "value"] = -abs(meters.loc[rows_of(c)[30], "value"])
    affected.setdefault(c, []).append("negative")
    # unit mix-up: a month of the last year labelled MWh while the values are still kWh
    rd = rows_of(d)
    month = meters.loc[rd, "start"].str.startswith(f"{last_year}-03")
    meters.loc[rd[month.to_numpy()], "unit"] = "MWh"
    affected.setdefault(d, []).append("unit_mix_up")
    # gap of 10 days in the last year
    re_ = rows_of(e)
    gap = meters.loc[re_, "start"].str.startswith(f"{last_year}-05-1")
    meters = meters.drop(index=re_[gap.to_numpy()])
    affected.setdefault(e, []).append("gap")
    # a period ending before it starts
    rf = rows_of(f)[40]
    meters.loc[rf, ["start", "end"]] = meters.loc[rf, ["end", "start"]].to_numpy()
    affected.setdefault(f, []).append("end_not_after_start")
    frames[0] = meters
    out = pd.concat(frames, ignore_index=True)
    # rows of one meter out of order
    rg = np.flatnonzero(out["meter_id"].to_numpy() == g)
    out.iloc[rg] = out.iloc[rng.permutation(rg)].to_numpy()
    affected.setdefault(g, []).append("unsorted")
    return out, affected


def make_demo(results, *, seed: int = 1, problems: bool = False, first_year: int = 2016,
              last_year: int = 2024, scenario: str = "lighthouse", baseline: str = "baseline",
              substation_efficiency: float = 0.97, measure_start_years: dict | None = None) -> DemoData:
    """Synthetic measured data of the default district with known savings.

    Parameters
    ----------
    results : xarray.Dataset
        A run of ``baseline`` and ``scenario`` (the default Aalborg East scenarios).
    seed : int
        Seed of every random draw: same seed, same files.
    problems : bool
        Inject typical data problems into the meter readings.
    first_year, last_year : int
        Calendar years of the data. The first is the baseline year. [a]
    scenario, baseline : str
        Scenario names in ``results``.
    substation_efficiency : float
        Useful heat per delivered district heat of the scenario. [1]
    measure_start_years : dict of str to int, optional
        Start year of each measure group; default: read from the scenario's resolved
        TOML in ``results`` (``measures.<id>.start_year``).

    Returns
    -------
    DemoData
    """
    import tomllib

    from smartcity.monitoring.savings import typical_temperature

    if last_year <= first_year:
        raise SmartcityError(f"last_year = {last_year} must be after first_year = {first_year}")
    names = [str(s) for s in results["scenario"].values]
    for name in (scenario, baseline):
        if name not in names:
            raise SmartcityError(f"the results hold no scenario '{name}' (they hold {', '.join(names)})")
    if measure_start_years is None:
        doc = tomllib.loads(str(results["resolved_scenario"].sel(scenario=scenario).item()))
        measure_start_years = {k: int(v["start_year"]) for k, v in doc.get("measures", {}).items()
                               if isinstance(v, dict) and "start_year" in v}
    rng = np.random.default_rng(seed)
    years = list(range(first_year, last_year + 1))
    temperature = synthetic_temperature(years, rng)
    dates = temperature.index
    t = temperature.to_numpy()
    typical = typical_temperature().to_numpy()
    tb0 = model_balance_point(results, baseline)

    readings, map_rows, meter_truth = [], [], {}
    for building, prefix, group, n_meters, resolution in MONITORED:
        use = str(results["building_use"].sel(scenario=scenario, building=building).item())
        cv = NOISE_CV.get(use, 0.10)
        start = measure_start_years.get(group)
        for k in range(n_meters):
            meter = f"{prefix}-{k + 1:02d}"
            tb = tb0 + rng.uniform(-BALANCE_POINT_SPREAD_K, BALANCE_POINT_SPREAD_K)
            sigs = building_signatures(results, building, years, start_year=start, balance_point=tb,
                                       substation_efficiency=substation_efficiency, scenario=scenario,
                                       baseline=baseline)
            if resolution == "daily":
                measured, _ = synthetic_daily_use(rng, sigs, temperature, cv)
            else:
                measured, _ = synthetic_daily_use(rng, sigs, temperature, cv, missing_share=0.0,
                                                  outage_probability=0.0)
            readings.append(_readings_rows(meter, dates, measured, resolution))
            map_rows.append((meter, building, "", group, 1.0))
            baseline_year = (start - 1) if start is not None else first_year
            meter_truth[meter] = {
                "building_id": building, "measure_group": group, "carrier": "district_heat",
                "resolution": resolution, "baseline_year": baseline_year, "noise_cv": cv, "noise_ar1": NOISE_AR1,
                "signature": {str(y): {"intercept_kWh_d": float(s.intercept),
                                       "heating_slope_kWh_Kd": float(s.heating_slope),
                                       "balance_point_C": float(s.balance_point)} for y, s in sigs.items()},
                "balance_point_C": float(sigs[baseline_year].balance_point),
                "savings": _truth_for(dates, t, sigs, baseline_year, years, measured, typical),
                "problems": [],
            }
    meters = pd.concat(readings, ignore_index=True)
    if problems:
        daily = [m for m, v in meter_truth.items() if v["resolution"] == "daily"]
        meters, affected = _inject_problems(meters, rng, daily, last_year)
        for meter, kinds in affected.items():
            meter_truth[meter]["problems"] = kinds
    meter_map = pd.DataFrame(map_rows, columns=["meter_id", "building_id", "group", "measure_group", "share"])
    weather = pd.DataFrame({"time": _date_text(dates), "temperature_C": np.round(t, 2)})

    counts, link_truth = _demo_counts(results, scenario, rng, [first_year, last_year])
    ridership, line_truth = _demo_ridership(results, scenario, rng, years)
    truth = {
        "description": "Truth behind the synthetic monitoring data of smartcity.monitoring.demo",
        "seed": seed, "years": years, "scenario": scenario, "baseline": baseline,
        "model_balance_point_C": tb0, "substation_efficiency": substation_efficiency,
        "units": {"energy": "kWh", "temperature": "degC", "flow": "veh/h", "boardings": "pax/d"},
        "meters": meter_truth, "links": link_truth, "lines": line_truth,
    }
    return DemoData(meters=meters, meter_map=meter_map, weather=weather, counts=counts, ridership=ridership,
                    truth=truth)


def _demo_counts(results, scenario: str, rng: np.random.Generator, years: list[int], n_links: int = 15):
    """Hourly peak counts (07:00-08:00, five weekdays in September) on the busiest links."""
    one = results.sel(scenario=scenario)
    flows = one["link_peak_flow"]
    busiest = np.argsort(-flows.sel(year=years[-1]).to_numpy())[:n_links]
    rows, truth = [], {}
    for j in busiest:
        a, b = int(one["link_from_node"].values[j]), int(one["link_to_node"].values[j])
        bias = float(np.exp(rng.normal(0.0, COUNT_BIAS_SD)))
        key = f"{a}->{b}"
        truth[key] = {"bias": bias}
        for year in years:
            model = float(flows.sel(year=year).values[j])
            truth[key][str(year)] = {"modelled_flow_veh_h": model}
            days = pd.bdate_range(f"{year}-09-07", periods=5)
            for day in days:
                rows.append((a, b, "car", f"{day:%Y-%m-%d}T07:00", f"{day:%Y-%m-%d}T08:00",
                             float(rng.poisson(model * bias))))
    frame = pd.DataFrame(rows, columns=["from_node", "to_node", "vehicle_class", "start", "end", "vehicles"])
    frame.insert(3, "date", "")
    return frame, truth


def _demo_ridership(results, scenario: str, rng: np.random.Generator, years: list[int]):
    """Monthly boardings per line in service (model boardings per average day x days x noise)."""
    one = results.sel(scenario=scenario)
    if "line_boardings" not in one:
        return pd.DataFrame(columns=["line", "day_type", "date", "start", "end", "boardings"]), {}
    rows, truth = [], {}
    for line in [str(v) for v in one["line"].values]:
        bias = float(np.exp(rng.normal(0.0, RIDERSHIP_BIAS_SD)))
        truth[line] = {"bias": bias}
        for year in years:
            per_day = float(one["line_boardings"].sel(line=line).reindex(year=[year], method="nearest").values[0])
            truth[line][str(year)] = {"modelled_boardings_per_day": per_day}
            if per_day <= 0:
                continue
            for month in range(1, 13):
                start = pd.Timestamp(year=year, month=month, day=1)
                end = start + pd.offsets.MonthBegin(1)
                days = (end - start).days
                count = per_day * bias * days * float(np.exp(rng.normal(0.0, RIDERSHIP_DAILY_SD / np.sqrt(days))))
                rows.append((line, "all", "", f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}", round(count)))
    return pd.DataFrame(rows, columns=["line", "day_type", "date", "start", "end", "boardings"]), truth


def write_demo(demo: DemoData, out_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Write the demo's files (:data:`DEMO_FILES`) into ``out_dir`` atomically.

    Everything is written to a hidden temporary folder in ``out_dir`` first and then
    moved into place; existing files are only replaced with ``force=True``.

    Returns
    -------
    list of Path
        The written files.

    Raises
    ------
    OutputExistsError
        A demo file already exists and ``force`` is false (nothing is written).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise SmartcityError(f"{out_dir}: the output folder is a file; choose another folder with -o")
    existing = [out_dir / name for name in DEMO_FILES if (out_dir / name).exists()]
    if existing and not force:
        raise OutputExistsError(f"{existing[0]}: file already exists; pass --force to replace the demo files or "
                                "choose another folder with -o")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = temporary_folder(out_dir, "demo")
    except OSError as exc:
        raise SmartcityError(f"{out_dir}: cannot create the output folder ({exc.strerror or exc})") from None
    try:
        for name, frame in (("meters.csv", demo.meters), ("meter_map.csv", demo.meter_map),
                            ("weather.csv", demo.weather), ("counts.csv", demo.counts),
                            ("ridership.csv", demo.ridership)):
            with open(tmp / name, "w", encoding="utf-8", newline="\n") as handle:
                frame.to_csv(handle, index=False, lineterminator="\n")
        (tmp / "truth.json").write_text(json.dumps(demo.truth, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        written = []
        umask = os.umask(0)
        os.umask(umask)
        for name in DEMO_FILES:
            os.chmod(tmp / name, 0o666 & ~umask)
            os.replace(tmp / name, out_dir / name)
            written.append(out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return written
