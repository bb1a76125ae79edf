"""A plain numpy ISO 13790 5R1C model, and random inputs for it.

The reference follows ISO 13790:2008 Annex C as written: equations (C.1) to (C.11)
with H_tr_1 = 1/(1/H_ve + 1/H_tr_is), and the §C.4.2 procedure with its three steps
(free-floating air temperature, air temperature with 10 W/m2 of heating, linear
interpolation to the setpoint, then the capped power applied). It loops over hours
and is vectorised over buildings. It shares no code with the numba kernel and is used
to check it (and as the slow baseline in the benchmarks).

``random_stock`` makes seeded, physically plausible inputs for both.
"""

from __future__ import annotations

import numpy as np

__all__ = ["reference_5r1c", "random_stock", "random_weather"]


def reference_5r1c(
    *,
    floor_area,
    h_tr_w,
    h_tr_op,
    h_ve,
    c_m,
    a_m,
    max_heating_w,
    max_cooling_w,
    theta_e,
    irradiance,
    solar_aperture,
    internal_gains,
    heating_setpoint,
    cooling_setpoint,
    schedule_index,
    group_index,
    weight,
    n_groups,
    warmup_hours,
    a_t=None,
    h_is=3.45,
    convective_share=0.5,
    opaque_irradiance=None,
    opaque_aperture=None,
    sky_loss_coefficient=None,
    sky_temperature_difference=None,
    ground_conductance=None,
    ground_swing_ratio=None,
    ground_mean_temperature=None,
    ground_swing=None,
):
    """Simulate buildings with ISO 13790 Annex C; same keywords as ``simulate_5r1c``.

    The ground floor enters as ISO 13790 §8.3 has it for elements towards another
    temperature: H_tr_em connects the mass to the conductance-weighted boundary temperature
    (1 - f_g) theta_e + f_g theta_gr, f_g = H_g / H_tr_op, theta_gr = mean + ratio swing.

    Requires h_ve > 0 and h_tr_op > 0 (the standard's formulas divide by them).
    Returns a dict of numpy arrays named like the fields of ``ThermalResult``.
    """
    a_f = np.asarray(floor_area, dtype=float)
    a_t = 4.5 * a_f if a_t is None else np.asarray(a_t, dtype=float)
    h_tr_is = np.asarray(h_is, dtype=float) * a_t
    conv = np.asarray(convective_share, dtype=float)
    h_tr_ms = 9.1 * np.asarray(a_m, dtype=float)
    h_tr_em = 1.0 / (1.0 / h_tr_op - 1.0 / h_tr_ms)  # ISO 13790 §12.2.2
    h_tr_1 = 1.0 / (1.0 / h_ve + 1.0 / h_tr_is)  # (C.6)
    h_tr_2 = h_tr_1 + h_tr_w  # (C.7)
    h_tr_3 = 1.0 / (1.0 / h_tr_2 + 1.0 / h_tr_ms)  # (C.8)
    n_b = a_f.size
    n_h = len(theta_e)
    theta_m_prev = heating_setpoint[schedule_index, 0].astype(float)

    out = {
        name: np.zeros(n_b)
        for name in (
            "heating_wh", "cooling_wh", "peak_heating_w", "peak_cooling_w",
            "unmet_heating_hours", "unmet_cooling_hours", "window_transmission_wh",
            "opaque_transmission_wh", "ventilation_wh", "internal_gains_wh",
            "solar_gains_wh", "opaque_solar_gains_wh", "sky_loss_wh",
        )
    }
    heating_by_group = np.zeros((n_groups, n_h))
    cooling_by_group = np.zeros((n_groups, n_h))
    theta_m_start = theta_m_prev.copy()

    for t in range(-warmup_hours, n_h):
        h = t % n_h  # the series is periodic: the warm-up uses its last hours
        te = theta_e[h]
        theta_sup = te
        if ground_conductance is not None:
            f_g = np.asarray(ground_conductance, dtype=float) / h_tr_op
            theta_gr = ground_mean_temperature + np.asarray(ground_swing_ratio, dtype=float) * ground_swing[h]
            te_em = (1.0 - f_g) * te + f_g * theta_gr  # the boundary temperature of H_tr_em
        else:
            te_em = te
        phi_int = internal_gains[schedule_index, h] * a_f
        phi_win = solar_aperture @ irradiance[h]
        # ISO 13790 §11.3.2: the opaque elements' absorbed sun minus their radiation to the sky
        phi_op = opaque_aperture @ opaque_irradiance[h] if opaque_irradiance is not None else 0.0 * phi_win
        phi_sky = (sky_loss_coefficient * sky_temperature_difference[h] if sky_loss_coefficient is not None
                   else 0.0 * phi_win)
        phi_sol = phi_win + phi_op - phi_sky
        phi_ia = conv * phi_int  # (C.1), the standard's share 0.5
        phi_ir = (1.0 - conv) * phi_int  # radiated to the surfaces (the standard: the other half)
        phi_m = a_m / a_t * (phi_ir + phi_sol)  # (C.2)
        phi_st = (1.0 - a_m / a_t - h_tr_w / (9.1 * a_t)) * (phi_ir + phi_sol)  # (C.3)

        def nodes(phi_hc):
            phi_mtot = phi_m + h_tr_em * te_em + h_tr_3 * (
                phi_st + h_tr_w * te + h_tr_1 * ((phi_ia + phi_hc) / h_ve + theta_sup)
            ) / h_tr_2  # (C.5)
            cm3600 = c_m / 3600.0
            theta_m_t = (
                theta_m_prev * (cm3600 - 0.5 * (h_tr_3 + h_tr_em)) + phi_mtot
            ) / (cm3600 + 0.5 * (h_tr_3 + h_tr_em))  # (C.4)
            theta_m = 0.5 * (theta_m_t + theta_m_prev)  # (C.9)
            theta_s = (
                h_tr_ms * theta_m + phi_st + h_tr_w * te
                + h_tr_1 * (theta_sup + (phi_ia + phi_hc) / h_ve)
            ) / (h_tr_ms + h_tr_w + h_tr_1)  # (C.10)
            theta_air = (h_tr_is * theta_s + h_ve * theta_sup + phi_ia + phi_hc) / (
                h_tr_is + h_ve
            )  # (C.11)
            return theta_m_t, theta_m, theta_s, theta_air

        # §C.4.2 step 1: free floating.
        theta_air_0 = nodes(0.0)[3]
        th_h = heating_setpoint[schedule_index, h]
        th_c = cooling_setpoint[schedule_index, h]
        theta_set = np.where(
            theta_air_0 < th_h, th_h, np.where(theta_air_0 > th_c, th_c, theta_air_0)
        )
        # Step 2: apply 10 W/m2 and interpolate linearly to the setpoint.
        phi_10 = 10.0 * a_f
        theta_air_10 = nodes(phi_10)[3]
        phi_un = phi_10 * (theta_set - theta_air_0) / (theta_air_10 - theta_air_0)
        # Step 3: cap at the available power and compute the actual state.
        phi = np.clip(phi_un, -max_cooling_w, max_heating_w)
        theta_m_t, theta_m, theta_s, theta_air = nodes(phi)

        if t >= 0:
            heat = np.maximum(phi, 0.0)
            cool = np.maximum(-phi, 0.0)
            out["heating_wh"] += heat
            out["cooling_wh"] += cool
            out["peak_heating_w"] = np.maximum(out["peak_heating_w"], heat)
            out["peak_cooling_w"] = np.maximum(out["peak_cooling_w"], cool)
            out["unmet_heating_hours"] += phi_un > max_heating_w
            out["unmet_cooling_hours"] += phi_un < -max_cooling_w
            direct = h_tr_w / (9.1 * a_t) * (phi_ir + phi_sol)
            out["window_transmission_wh"] += h_tr_w * (theta_s - te) + direct
            out["opaque_transmission_wh"] += h_tr_em * (theta_m - te_em)
            out["ventilation_wh"] += h_ve * (theta_air - te)
            out["internal_gains_wh"] += phi_int
            out["solar_gains_wh"] += phi_win
            out["opaque_solar_gains_wh"] += phi_op
            out["sky_loss_wh"] += phi_sky
            heating_by_group[:, h] = np.bincount(group_index, weight * heat, n_groups)
            cooling_by_group[:, h] = np.bincount(group_index, weight * cool, n_groups)
        else:
            theta_m_start = theta_m_t
        theta_m_prev = theta_m_t

    out["stored_heat_change_wh"] = c_m * (theta_m_prev - theta_m_start) / 3600.0
    out["heating_by_group_w"] = heating_by_group
    out["cooling_by_group_w"] = cooling_by_group
    return out


def random_weather(n_hours, seed, start_hour=0, latitude=57.0):
    """Synthetic hourly outdoor temperature and vertical irradiance (N, E, S, W).

    A Danish-like annual and daily temperature cycle with autocorrelated noise, and
    irradiance on the four vertical orientations from a simple clear-sky sun model
    scaled by a random daily cloudiness. Plausible magnitudes, not a climate file.

    Returns
    -------
    theta_e : (n_hours,) array [°C]
    irradiance : (n_hours, 4) array [W/m2]
    """
    rng = np.random.default_rng(seed)
    t = start_hour + np.arange(n_hours)
    day = t / 24.0
    hour = t % 24
    seasonal = 8.3 - 8.4 * np.cos(2 * np.pi * (day - 30.0) / 365.0)
    summer = 0.5 - 0.5 * np.cos(2 * np.pi * (day - 30.0) / 365.0)
    daily = (2.0 + 3.0 * summer) * np.cos(2 * np.pi * (hour - 15.0) / 24.0)
    noise = np.zeros(n_hours)
    shocks = rng.normal(0.0, 0.35, n_hours)
    for i in range(1, n_hours):
        noise[i] = 0.985 * noise[i - 1] + shocks[i]
    theta_e = seasonal + daily + noise

    lat = np.radians(latitude)
    decl = np.radians(23.45) * np.sin(2 * np.pi * (284.0 + day) / 365.0)
    omega = np.radians(15.0 * (hour + 0.5 - 12.0))
    east = -np.cos(decl) * np.sin(omega)
    north = np.cos(lat) * np.sin(decl) - np.sin(lat) * np.cos(decl) * np.cos(omega)
    up = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(omega)
    daylight = up > 0.0
    n_days = int(np.ceil((start_hour % 24 + n_hours) / 24.0)) + 1
    clearness = rng.uniform(0.15, 1.0, n_days)[(t // 24 - start_hour // 24)]
    beam = np.where(daylight, 900.0 * np.exp(-0.15 / np.maximum(up, 0.05)), 0.0) * clearness**2
    diffuse = np.where(daylight, (60.0 + 120.0 * (1.0 - clearness)) * up, 0.0)
    irradiance = np.empty((n_hours, 4))
    for o, azimuth in enumerate(np.radians([0.0, 90.0, 180.0, 270.0])):
        cos_inc = east * np.sin(azimuth) + north * np.cos(azimuth)
        irradiance[:, o] = beam * np.maximum(cos_inc, 0.0) + 0.5 * diffuse
    return theta_e, irradiance


def random_stock(n_buildings, n_hours, seed, start_hour=0, n_groups=5, warmup_hours=168, envelope=False):
    """Seeded random buildings, weather and schedules for ``simulate_5r1c``.

    Buildings range from houses to large blocks with plausible envelopes; about a
    third have finite heating and cooling power limits that bind in cold or sunny
    hours, some schedules have a night setback and some have cooling.

    With ``envelope``, also the terms of the envelope beyond the standard's constants: the
    surface area A_t and coefficient h_is per building, the convective share of the
    internal gains, the sun absorbed by walls and roof and their radiation to the sky, and the
    ground floor's heat flow to the ground.

    Returns
    -------
    dict
        Keyword arguments of ``simulate_5r1c`` (and of :func:`reference_5r1c`).
    """
    rng = np.random.default_rng(seed)
    n = n_buildings
    floor_area = rng.uniform(80.0, 3000.0, n)
    height = rng.uniform(2.4, 3.2, n)
    compact = rng.uniform(0.6, 1.6, n)  # envelope area per floor area
    wall = compact * floor_area * rng.uniform(0.5, 1.0, n)
    roof = floor_area * rng.uniform(0.2, 1.0, n)
    ground = roof * rng.uniform(0.8, 1.0, n)
    windows = floor_area * rng.uniform(0.05, 0.25, n)
    shares = rng.dirichlet(np.ones(4), n)
    u_wall = rng.uniform(0.15, 1.2, n)
    u_roof = rng.uniform(0.1, 1.0, n)
    u_floor = rng.uniform(0.1, 0.8, n)
    u_window = rng.uniform(0.8, 3.0, n)
    g_value = rng.uniform(0.4, 0.75, n)
    ach = rng.uniform(0.3, 1.5, n)
    recovery = np.where(rng.random(n) < 0.4, rng.uniform(0.5, 0.85, n), 0.0)

    capped = rng.random(n) < 0.35
    stock = dict(
        floor_area=floor_area,
        h_tr_w=u_window * windows,
        h_tr_op=u_wall * wall + u_roof * roof + u_floor * ground,
        h_ve=1200.0 / 3600.0 * ach * floor_area * height * (1.0 - recovery),
        c_m=rng.uniform(80e3, 370e3, n) * floor_area,
        a_m=rng.uniform(2.5, 3.5, n) * floor_area,
        max_heating_w=np.where(capped, rng.uniform(3.0, 30.0, n) * floor_area, np.inf),
        # Some have no cooling system at all: their unmet hours count overheating.
        max_cooling_w=np.where(
            capped,
            rng.uniform(0.5, 8.0, n) * floor_area,
            np.where(rng.random(n) < 0.15, 0.0, np.inf),
        ),
        solar_aperture=windows[:, None] * shares * (g_value * 0.378)[:, None],
    )

    theta_e, irradiance = random_weather(n_hours, rng.integers(2**32), start_hour)
    n_s = 6
    hour = (start_hour + np.arange(n_hours)) % 24
    occupied = (hour >= 7) & (hour < 22)
    gains = rng.uniform(1.0, 4.0, (n_s, 1)) + rng.uniform(0.0, 20.0, (n_s, 1)) * occupied
    gains = gains * rng.uniform(0.7, 1.3, (n_s, n_hours))
    heating = rng.uniform(19.0, 22.0, (n_s, 1)) - np.where(
        rng.random((n_s, 1)) < 0.5, rng.uniform(2.0, 5.0, (n_s, 1)), 0.0
    ) * ~occupied
    cooling = np.where(rng.random((n_s, 1)) < 0.6, rng.uniform(22.0, 25.0, (n_s, 1)), 50.0)
    stock.update(
        theta_e=theta_e,
        irradiance=irradiance,
        internal_gains=gains,
        heating_setpoint=heating * np.ones((1, n_hours)),
        cooling_setpoint=cooling * np.ones((1, n_hours)),
        schedule_index=rng.integers(0, n_s, n),
        group_index=rng.integers(0, n_groups, n),
        weight=rng.integers(1, 20, n).astype(float),
        n_groups=n_groups,
        warmup_hours=warmup_hours,
    )
    if envelope:
        r_se = 0.04  # external surface resistance [m2 K/W] (ISO 6946)
        stock.update(
            # at least A_m + H_tr_w / 9.1 (+ a margin): the gain shares of (C.3) stay below 1
            a_t=np.maximum(rng.uniform(3.5, 6.0, n) * floor_area,
                           stock["a_m"] + stock["h_tr_w"] / 9.1 + 0.1 * floor_area),
            h_is=rng.uniform(2.5, 4.5, n),
            convective_share=rng.uniform(0.2, 0.8, n),
            # walls facing the four directions (the window planes) and a flat roof
            opaque_irradiance=np.column_stack([irradiance, irradiance.mean(axis=1) * 1.3]),
            opaque_aperture=np.column_stack([
                (rng.uniform(0.3, 0.9, n) * r_se * u_wall * wall)[:, None] * shares,
                rng.uniform(0.3, 0.9, n) * r_se * u_roof * roof,
            ]),
            # F_r R_se U A h_r with h_r = 5 eps: walls F_r 0.5, roof 1
            sky_loss_coefficient=5.0 * 0.9 * r_se * (0.5 * u_wall * wall + u_roof * roof),
            sky_temperature_difference=rng.uniform(2.0, 20.0, n_hours),
        )
        # the floor to the ground (ISO 13370): some rows have none; an annual swing of 8 K,
        # damped to H_pe / H_g of it under the floor
        stock.update(
            ground_conductance=u_floor * ground * (rng.random(n) < 0.8),
            ground_swing_ratio=rng.uniform(0.0, 0.8, n),
            ground_mean_temperature=8.0,
            ground_swing=-8.0 * np.cos(2 * np.pi * ((start_hour + np.arange(n_hours)) / 8760.0 - 0.1)),
        )
    return stock
