"""Silent unit switches: a meter's readings jump by a power of 1000 while the unit column
stays the same (an export that starts writing MWh under the label kWh, or Wh).

The readers see a *labelled* unit change (``unit_mix_up``) and single readings far above
the meter's median (``spike``); a switch that keeps its label and lasts for weeks shows
neither: the values simply drop (or rise) by a factor 1000 from one day on. This module
finds such level shifts against the meter's own weather model and corrects them.

Method
------
1. **Screening.** For each meter, the energy per hour of its readings in time order,
   on a log10 scale: at every reading, the mean of the next ``w`` readings minus the
   mean of the previous ``w`` (``w`` = 5 for readings of a day or shorter, 2 for bills).
   A step of 2 or more decades (a factor 100) that rounds to a whole number of factors
   1000 marks a possible switch; weather, occupancy and noise change daily use by far
   less, and gradually. Readings of zero say nothing about a level and are skipped.
2. **Reference level.** The steps cut the meter's record into segments of levels 0, ±1,
   ... (factors 1000). The unit column is trusted where the record starts: the
   reference is the earliest segment covering at least :data:`MIN_REFERENCE_DAYS` days
   (else the longest).
3. **Weather check.** For each other segment, a change-point baseline
   (:func:`~smartcity.monitoring.baseline.fit_daily`, or
   :func:`~smartcity.monitoring.baseline.fit_billing` for bills) is fitted to the
   readings of the reference level within a year of it; the segment is a unit switch if
   the median of log10(measured / model) over its readings is within
   :data:`TOLERANCE_DECADES` of the step's power of 1000 (readings on days when the
   model predicts little, below a fifth of its mean, are not used). A step the weather
   model does not confirm is left as it is.
4. **Correction.** The readings of a confirmed segment are multiplied by the factor
   (1000 for values in MWh under the label kWh) and reported as ``unit_switch``
   (warning, with their lines); they are used as corrected, and the meter table of the
   savings says how many readings of the meter were corrected. Readings the readers
   marked suspect (a ``spike``, or a labelled ``unit_mix_up`` whose values stayed in the
   old unit) that belong to a corrected segment are no longer suspect; those outside one
   stay suspect and unused.

A switch shorter than about ``w`` readings is not seen by the screening; an upward one
is still caught by the spike check, a downward one stays in the data.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from smartcity.monitoring import baseline as bl
from smartcity.monitoring.parsing import _period_text
from smartcity.monitoring.quality import DataQualityReport
from smartcity.monitoring.readers import ENERGY_UNIT_TO_KWH, MeterReadings

__all__ = ["STEP_DECADES", "TOLERANCE_DECADES", "MIN_REFERENCE_DAYS", "correct_unit_switches"]

#: Smallest step of the screening's log10 energy per hour that marks a possible switch
#: (a factor 100, far above day-to-day changes of use). [decades]
STEP_DECADES = 2.0
#: Largest distance of a segment's median log10(measured / model) from the step's power
#: of 1000 for the switch to be confirmed. [decades]
TOLERANCE_DECADES = 0.5
#: Days a segment must cover to be the reference of the meter's level. [d]
MIN_REFERENCE_DAYS = 30.0
_WINDOW = {"short": 5, "billing": 2}


def _steps(level: np.ndarray, window: int) -> np.ndarray:
    """Mean of the next ``window`` values minus the mean of the previous ``window`` (NaN near the ends)."""
    n = len(level)
    out = np.full(n, np.nan)
    if n < 2 * window:
        return out
    cum = np.concatenate([[0.0], np.cumsum(level)])
    i = np.arange(window, n - window + 1)
    out[i] = (cum[i + window] - cum[i]) / window - (cum[i] - cum[i - window]) / window
    return out


def _screen(level: np.ndarray, group: np.ndarray, window: int) -> np.ndarray:
    """Values (of many meters, ``group`` sorted) where :func:`_steps` within the group reaches
    :data:`STEP_DECADES`."""
    n = len(level)
    out = np.zeros(n, dtype=bool)
    if n < 2 * window:
        return out
    cum = np.concatenate([[0.0], np.cumsum(level)])
    first = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1]
    start_of = np.repeat(first, np.diff(np.r_[first, n]))  # first position of each value's group
    end_of = np.repeat(np.r_[first[1:], n], np.diff(np.r_[first, n]))
    i = np.arange(n)
    inside = (i - window >= start_of) & (i + window <= end_of)
    j = i[inside]
    step = (cum[j + window] - cum[j]) / window - (cum[j] - cum[j - window]) / window
    out[j] = np.abs(step) >= STEP_DECADES
    return out


def _segments(level: np.ndarray, window: int) -> np.ndarray | None:
    """Level (in powers of 1000) of each value, or None if the screening finds no step."""
    step = _steps(level, window)
    big = np.abs(np.nan_to_num(step)) >= STEP_DECADES
    if not big.any():
        return None
    shift = np.zeros(len(level), dtype=np.int64)
    runs = np.split(np.flatnonzero(big), np.flatnonzero(np.diff(np.flatnonzero(big)) > 1) + 1)
    found = False
    for run in runs:
        at = int(run[np.argmax(np.abs(step[run]))])
        k = int(np.round(step[at] / 3.0))
        if k != 0:
            shift[at] += k
            found = True
    return np.cumsum(shift) if found else None


def correct_unit_switches(readings: MeterReadings, temperature: pd.Series) -> MeterReadings:
    """Find and correct silent unit switches of every meter (see the module notes).

    Parameters
    ----------
    readings : MeterReadings
        From :func:`~smartcity.monitoring.readers.read_meter_readings`.
    temperature : pandas.Series
        Measured daily mean outdoor temperature indexed by date. [°C]

    Returns
    -------
    MeterReadings
        The readings with confirmed switches corrected (``energy_kWh`` multiplied by the
        factor, ``corrected`` true), a report holding the reader's issues and one
        ``unit_switch`` warning per corrected segment, and ``levels_checked`` true.
        The input is returned unchanged (apart from ``levels_checked``) if nothing is found.
    """
    data = readings.data
    report = DataQualityReport(readings.report.source, readings.report.row_label, readings.report.n_rows)
    report.extend(readings.report.issues)
    if data.empty:
        return replace(readings, report=report, levels_checked=True)
    hours = data["hours"].to_numpy(dtype=np.float64)
    energy = data["energy_kWh"].to_numpy(dtype=np.float64)
    candidate = (hours > 0) & (energy > 0)
    codes, names = pd.factorize(data["meter_id"])
    start = data["start"].to_numpy(dtype="datetime64[ns]")
    end = data["end"].to_numpy(dtype="datetime64[ns]")
    short = (end - start) <= np.timedelta64(24, "h")
    level = np.full(len(data), np.nan)
    level[candidate] = np.log10(energy[candidate] / hours[candidate])

    factor = np.ones(len(data))
    for kind, mask in (("short", short), ("billing", ~short)):
        index = np.flatnonzero(mask & candidate)
        flagged = _screen(level[index], codes[index], _WINDOW[kind])
        for code in np.unique(codes[index][flagged]):
            these = index[codes[index] == code]
            segment_level = _segments(level[these], _WINDOW[kind])
            if segment_level is not None:
                _confirm(str(names[code]), kind, these, segment_level, start, end, energy, temperature, factor,
                         report, data)
    changed = factor != 1.0
    if not changed.any():
        return replace(readings, report=report, levels_checked=True)
    out = data.copy()
    out["energy_kWh"] = energy * factor
    previous = out["corrected"].to_numpy(dtype=bool) if "corrected" in out else np.zeros(len(out), dtype=bool)
    out["corrected"] = previous | changed
    out["suspect"] = out["suspect"].to_numpy(dtype=bool) & ~changed
    return replace(readings, data=out, report=report, levels_checked=True)


def _confirm(meter, kind, index, segment_level, start, end, energy, temperature, factor, report, data) -> None:
    """Check the segments of one meter against its weather model; correct and report confirmed ones."""
    spans = np.flatnonzero(np.r_[True, segment_level[1:] != segment_level[:-1], True])
    days = (end[index] - start[index]) / np.timedelta64(1, "D")
    reference = None
    for a, b in zip(spans[:-1], spans[1:]):
        if days[a:b].sum() >= MIN_REFERENCE_DAYS:
            reference = int(segment_level[a])
            break
    if reference is None:
        longest = max(zip(spans[:-1], spans[1:]), key=lambda ab: days[ab[0]:ab[1]].sum())
        reference = int(segment_level[longest[0]])
    rows = data["row"].to_numpy()
    year = np.timedelta64(366, "D")
    for a, b in zip(spans[:-1], spans[1:]):
        k = int(segment_level[a]) - reference
        if k == 0:
            continue
        # the model of the reference readings within a year of the segment (use changes over the years)
        near = (segment_level == reference) & (start[index] >= start[index[a]] - year) & (
            start[index] < end[index[b - 1]] + year)
        ratio = _model_ratio(kind, index, near, start, end, energy, temperature)
        if ratio is None:
            continue
        observed = np.nanmedian(ratio[a:b]) if np.isfinite(ratio[a:b]).any() else np.nan
        if not (np.isfinite(observed) and abs(observed - 3.0 * k) <= TOLERANCE_DECADES):
            continue
        these = index[a:b]
        scale = 1000.0 ** (-k)
        factor[these] = scale
        unit = str(data["unit"].iloc[these[0]])
        implied = [u for u, f in ENERGY_UNIT_TO_KWH.items()
                   if np.isclose(f, ENERGY_UNIT_TO_KWH.get(unit, 1.0) * scale, rtol=1e-9)]
        likely = f"likely in {implied[0]} while the unit column says {unit}" if implied else "likely in another unit"
        report.add("warning", "unit_switch", meter, rows[these],
                   f"{_period_text(start[these[0]], end[these[-1]])} ({len(these)} readings): the energy is "
                   f"x{10.0 ** observed:.3g} the meter's weather model, about x{1000.0 ** k:g}: the values are "
                   f"{likely}", f"corrected (multiplied by {scale:g}) and used")


def _model_ratio(kind, index, is_reference, start, end, energy, temperature) -> np.ndarray | None:
    """log10(measured / model) of each reading ``index`` (NaN where the model predicts
    little or there is no temperature), the model fitted to the reference readings; None
    if it cannot be fitted."""
    from smartcity.errors import InputError

    s, e = start[index], end[index]
    if kind == "short":  # the day of each reading
        a_day = s.astype("datetime64[D]")
        b_day = a_day + 1
    else:  # bills rounded to the nearest midnights, as the billing baselines take them
        a_day = (s + np.timedelta64(12, "h")).astype("datetime64[D]")
        b_day = np.maximum((e + np.timedelta64(12, "h")).astype("datetime64[D]"), a_day + 1)
    first, stop = a_day.min(), b_day.max()
    dates = pd.DatetimeIndex(np.arange(first, stop).astype("datetime64[ns]"))
    t = temperature.reindex(dates).interpolate(limit=3, limit_area="inside").to_numpy(dtype=np.float64)
    known = np.isfinite(t)
    if known.sum() < 30:
        return None
    a = (a_day - first).astype(np.int64)
    b = (b_day - first).astype(np.int64)
    cum_unknown = np.r_[0, np.cumsum(~known)]
    has_weather = (cum_unknown[b] - cum_unknown[a]) == 0
    t_filled = np.where(known, t, np.nanmean(t))
    hours = (e - s) / np.timedelta64(1, "h")
    try:
        if kind == "short":  # readings of a day or shorter summed per day, on the reference level
            day_use = np.bincount(a[is_reference], weights=energy[index][is_reference], minlength=len(dates))
            covered = np.bincount(a[is_reference], weights=hours[is_reference], minlength=len(dates))
            y = np.where((np.abs(covered - 24.0) < 1e-6) & known, day_use, np.nan)
            fit = bl.fit_daily(y, t_filled, min_days=30)
        else:
            keep = is_reference & has_weather
            fit = bl.fit_billing(energy[index][keep], t_filled, a[keep], b[keep], min_periods=6)
    except (InputError, ValueError):  # too few reference days or bills for a model: nothing is checked
        return None
    per_day = bl.predict(fit, t_filled)[0]  # [kWh/d]
    cum = np.r_[0.0, np.cumsum(per_day)]
    if kind == "short":
        predicted, daily = per_day[a] * hours / 24.0, per_day[a]
    else:
        predicted = cum[b] - cum[a]
        daily = predicted / (b - a)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.log10(energy[index] / predicted)
    usable = has_weather & (daily > 0.2 * per_day.mean()) & np.isfinite(ratio)
    return np.where(usable, ratio, np.nan)
