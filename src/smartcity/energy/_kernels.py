"""Numba kernels of the building energy models: the 5R1C thermal model and the battery.

Private module: the public functions in :mod:`smartcity.energy.thermal` and
:mod:`smartcity.energy.balance` check every
argument and then call these kernels with C-contiguous, writeable ``float64``/``int64``
arrays, so that one compiled signature serves all calls (and the on-disk cache).

The 5R1C kernel follows ISO 13790:2008 Annex C. Equation numbers in the comments refer
to that annex, (C.1) to (C.11), and to its §C.4.2 (heating and cooling power).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "BALANCE_TERMS",
    "MAX_CHUNKS",
    "SCRATCH_BYTES",
    "SECONDS_PER_HOUR",
    "battery_self_consumption",
    "n_chunks",
    "simulate_5r1c_kernel",
]

#: Columns of the ``balance_wh`` output of :func:`simulate_5r1c_kernel`, in order.
BALANCE_TERMS = (
    "window_transmission",
    "opaque_transmission",
    "ventilation",
    "internal_gains",
    "solar_gains",
    "stored_heat_change",
)

#: Upper bound on the number of building chunks (units of parallel work).
#: Fewest buildings per chunk (the chunk's hourly accumulators cost about as much as
#: simulating a few dozen buildings). [-]
MIN_BUILDINGS_PER_CHUNK = 32

MAX_CHUNKS = 32

#: Memory allowed for the per-chunk hourly accumulators and scratch arrays [bytes].
SCRATCH_BYTES = 64 * 2**20

#: Length of the time step [s].
SECONDS_PER_HOUR = 3600.0


@numba.njit(cache=True)
def n_chunks(n_buildings, n_groups, n_hours):
    """Number of building chunks the 5R1C kernel works on.

    Depends on the problem size only, never on the number of threads, so the hourly
    group sums are added in the same order (and give the same bits) on any machine.

    Parameters
    ----------
    n_buildings, n_groups, n_hours : int
        Problem size. [-]

    Returns
    -------
    int
        Between 1 and :data:`MAX_CHUNKS`, at most one per :data:`MIN_BUILDINGS_PER_CHUNK`
        buildings, and small enough that
        the per-chunk arrays (heating and cooling accumulators of ``n_groups × n_hours``
        and two hourly scratch series) stay within :data:`SCRATCH_BYTES`.
    """
    per_chunk = 16 * (max(n_groups, 1) + 1) * max(n_hours, 1)
    by_memory = SCRATCH_BYTES // per_chunk
    # Each chunk zeroes and later adds its own accumulators: give it enough buildings
    # that this is small beside the simulation itself.
    by_work = (n_buildings + MIN_BUILDINGS_PER_CHUNK - 1) // MIN_BUILDINGS_PER_CHUNK
    return max(1, min(n_buildings, MAX_CHUNKS, by_memory, by_work))


@numba.njit(cache=True)
def _hour(theta_prev, x, y, set_h, set_c, keep, a_prev, slope, gain, inv_dair, dm_t, max_h, max_c, span_h,
          span_c):  # fmt: skip
    """One hour of (C.4) and §C.4.2 for one building.

    ``x`` and ``y`` are the hour's free-floating (phi_HC,nd = 0) parts of theta_m,t and
    theta_air that do not depend on theta_m,t-1; see ``_simulate_building`` for the
    building's constants.

    Returns theta_m,t with the applied power, the applied power phi_HC,nd, and whether the
    heating and the cooling power fell short of what the setpoint asked for. [°C, W, -, -]
    """
    # Free-floating state: theta_m,t by (C.4) and theta_air,0 by (C.9)-(C.11), both from
    # theta_m,t-1 of the previous hour.
    theta_air_0 = a_prev * theta_prev + y
    free = keep * theta_prev + x
    # §C.4.2: the power that brings theta_air to a violated setpoint is (theta_set -
    # theta_air,0) / dair (theta_air is affine in phi_HC,nd with slope dair, so this equals
    # the standard's interpolation between 0 and 10 W/m2 x A_f), and theta_m,t moves by dm_t
    # per W. With the setpoint reached, theta_m,t = slope theta_m,t-1 + x + gain (theta_set -
    # y): affine in theta_m,t-1 as the free state is, so all candidates are ready together and
    # the hour's comparisons only pick one (the state's chain of dependent operations is
    # short: the hours of a building cannot run in parallel).
    heated = slope * theta_prev + (x + gain * (set_h - y))
    cooled = slope * theta_prev + (x + gain * (set_c - y))
    # The power asked for exceeds the cap where theta_air,0 is more than span = cap x dair
    # beyond the setpoint.
    short_h = theta_air_0 < set_h - span_h
    short_c = theta_air_0 > set_c + span_c
    theta_m_t = free
    phi = 0.0
    if theta_air_0 < set_h:
        theta_m_t = heated
        phi = (set_h - theta_air_0) * inv_dair
    if theta_air_0 > set_c:
        theta_m_t = cooled
        phi = (set_c - theta_air_0) * inv_dair
    if short_h:  # capped at the system's power
        theta_m_t = free + dm_t * max_h
        phi = max_h
    if short_c:
        theta_m_t = free - dm_t * max_c
        phi = -max_c
    return theta_m_t, phi, short_h, short_c


@numba.njit(cache=True)
def _simulate_building(
    b,
    h_tr_w,
    h_tr_em,
    h_tr_ms,
    h_tr_is,
    h_ve,
    c_m,
    a_m,
    a_t,
    a_f,
    convective_share,
    max_heating_w,
    max_cooling_w,
    schedule_index,
    weight,
    theta_e,
    drivers_t,
    n_o,
    n_d,
    zero_row,
    rows,
    cx,
    cy,
    solar_aperture,
    mass_coefficients,
    heating_setpoint,
    cooling_setpoint,
    warmup_hours,
    sum_theta_e,
    sum_irradiance,
    sum_mass_drivers,
    sum_internal_gains,
    x,
    y,
    heating_out,
    cooling_out,
    heating_wh,
    cooling_wh,
    peak_heating_w,
    peak_cooling_w,
    unmet_heating_hours,
    unmet_cooling_hours,
    balance_wh,
):
    """Run building ``b`` through the warm-up and the series; see the kernel below.

    ``drivers_t`` holds the shared hourly rows (theta_e, the ``n_o`` planes' irradiance, the
    ``n_d`` mass drivers, the schedules' gains, and zeros in row ``zero_row``); ``rows``,
    ``cx`` and ``cy`` are scratch for the building's rows and coefficients; ``x`` and ``y`` are
    (n_h,) scratch arrays; ``heating_out`` and ``cooling_out`` are the (n_h,) hourly
    accumulators of the building's group in its chunk; ``sum_*`` are sums over the
    hours of the series.
    """
    n_h = theta_e.shape[0]
    s = schedule_index[b]
    w = weight[b]
    max_h = max_heating_w[b]
    max_c = max_cooling_w[b]
    heating_row = heating_setpoint[s]
    cooling_row = cooling_setpoint[s]

    # ---- Per-building constants (ISO 13790 Annex C), out of the hour loop. ----
    hw = h_tr_w[b]
    hem = h_tr_em[b]
    hms = h_tr_ms[b]
    his = h_tr_is[b]
    hve = h_ve[b]
    # (C.6) H_tr_1 = 1 / (1/H_ve + 1/H_tr_is), written so that H_ve = 0 is allowed;
    # k_is = H_tr_1 / H_ve multiplies (phi_ia + phi_HC,nd) in (C.5) and (C.10).
    h1 = hve * his / (hve + his)
    k_is = his / (hve + his)
    h2 = h1 + hw  # (C.7)
    r3 = hms / (h2 + hms)  # H_tr_3 / H_tr_2
    h3 = h2 * r3  # (C.8)
    cap = c_m[b] / SECONDS_PER_HOUR  # C_m / 3600 [W/K]
    inv_den = 1.0 / (cap + 0.5 * (h3 + hem))  # 1 / denominator of (C.4)
    keep = (cap - 0.5 * (h3 + hem)) * inv_den  # factor of theta_m,t-1 in (C.4)
    f_m = a_m[b] / a_t[b]  # share of 0.5 phi_int + phi_sol to the mass node (C.2)
    f_win = hw / (9.1 * a_t[b])  # share that leaves through the glazing
    f_st = 1.0 - f_m - f_win  # share to the surface node (C.3)
    inv_s = 1.0 / (hms + hw + h1)  # 1 / denominator of (C.10)
    inv_air = 1.0 / (his + hve)  # 1 / denominator of (C.11)
    # Internal gains per W/m2: the convective part phi_ia to the air node (C.1, where the
    # standard's share is 0.5), the radiative rest to the mass and surface nodes like the sun's.
    conv_af = convective_share[b] * a_f[b]
    rad_af = (1.0 - convective_share[b]) * a_f[b]

    # With theta_sup = theta_e and phi_HC,nd = 0, an hour's state is affine in
    # theta_m,t-1 and in the hour's phi_sol, the radiative internal gains phi_ir, the
    # convective phi_ia and theta_e (the standard: phi_ir = phi_ia = 0.5 phi_int):
    #   src      = f_st (phi_ir + phi_sol) + k_is phi_ia + (H_tr_w + H_tr_1) theta_e,
    #              the surface-node sources of (C.5) and (C.10);
    #   phi_mtot = f_m (phi_ir + phi_sol) + H_tr_em theta_e + r3 src          (C.2), (C.5)
    #   theta_m,t = keep theta_m,t-1 + phi_mtot / den                          (C.4)
    #   theta_air = c_src (H_tr_ms theta_m + src) + (H_ve theta_e + phi_ia) / (H_tr_is + H_ve)
    #              with theta_m = (theta_m,t + theta_m,t-1) / 2                (C.9)-(C.11)
    # Gathering the coefficients of phi_sol (and phi_ir, which acts alike), phi_ia and theta_e:
    c_src = inv_air * his * inv_s  # d theta_air / d src at fixed theta_m
    c_mtot = c_src * hms * 0.5 * inv_den  # d theta_air / d phi_mtot through (C.9)
    src_sol = f_st
    src_te = hw + h1
    mtot_sol = f_m + r3 * src_sol
    mtot_ia = r3 * k_is
    mtot_te = hem + r3 * src_te
    m_sol = mtot_sol * inv_den
    m_ia = mtot_ia * inv_den
    m_te = mtot_te * inv_den
    a_prev = c_src * hms * 0.5 * (keep + 1.0)
    a_sol = c_mtot * mtot_sol + c_src * src_sol
    a_ia = c_mtot * mtot_ia + c_src * k_is + inv_air
    a_te = c_mtot * mtot_te + c_src * src_te + inv_air * hve
    # Slopes of theta_m,t and theta_air with respect to phi_HC,nd [K/W]:
    dm_t = r3 * k_is * inv_den  # (C.4), (C.5)
    ds = (hms * 0.5 * dm_t + k_is) * inv_s  # (C.9), (C.10)
    dair = (his * ds + 1.0) * inv_air  # (C.11)
    inv_dair = 1.0 / dair
    gain = dm_t * inv_dair  # d theta_m,t / d theta_set with the setpoint reached
    slope = keep - gain * a_prev  # d theta_m,t / d theta_m,t-1 with the setpoint reached
    span_h = max_h * dair  # theta_air,0 this far below the setpoint asks for more than max_h
    span_c = max_c * dair

    # ---- Hourly drivers: the parts of theta_m,t and theta_air,0 that do not depend
    # on the state (vectorisable loops over hours). ----
    ia_x = m_sol * rad_af + m_ia * conv_af
    ia_y = a_sol * rad_af + a_ia * conv_af
    # x and y are sums of coefficient x shared hourly row of drivers_t: theta_e (row 0), the
    # planes' irradiance (rows 1..n_o), the mass node's drivers, the schedules' gains; the
    # rows with a nonzero coefficient go four at a time (row ``zero_row`` pads the last four).
    for r in range(rows.shape[0]):
        rows[r] = zero_row
        cx[r] = 0.0
        cy[r] = 0.0
    rows[0] = 0
    cx[0] = m_te
    cy[0] = a_te
    rows[1] = 1 + n_o + n_d + s
    cx[1] = ia_x
    cy[1] = ia_y
    n_c = 2
    for o in range(n_o):
        aperture = solar_aperture[b, o]
        if aperture != 0.0:  # planes (e.g. another glazing's block) without aperture are skipped
            rows[n_c] = 1 + o
            cx[n_c] = m_sol * aperture
            cy[n_c] = a_sol * aperture
            n_c += 1
    for d in range(n_d):
        coefficient = mass_coefficients[b, d]
        if coefficient != 0.0:
            rows[n_c] = 1 + n_o + d
            cx[n_c] = inv_den * coefficient
            cy[n_c] = c_mtot * coefficient
            n_c += 1
    for first in range(0, n_c, 4):
        d0 = drivers_t[rows[first]]
        d1 = drivers_t[rows[first + 1]]
        d2 = drivers_t[rows[first + 2]]
        d3 = drivers_t[rows[first + 3]]
        x0, x1, x2, x3 = cx[first], cx[first + 1], cx[first + 2], cx[first + 3]
        y0, y1, y2, y3 = cy[first], cy[first + 1], cy[first + 2], cy[first + 3]
        if first == 0:
            for h in range(n_h):
                x[h] = x0 * d0[h] + x1 * d1[h] + x2 * d2[h] + x3 * d3[h]
                y[h] = y0 * d0[h] + y1 * d1[h] + y2 * d2[h] + y3 * d3[h]
        else:
            for h in range(n_h):
                x[h] += x0 * d0[h] + x1 * d1[h] + x2 * d2[h] + x3 * d3[h]
                y[h] += y0 * d0[h] + y1 * d1[h] + y2 * d2[h] + y3 * d3[h]

    # ---- Warm-up: the series is periodic, so the warm-up runs its last
    # `warmup_hours` hours, from the mass at the heating setpoint of hour 0. ----
    theta_prev = heating_row[0]
    for h in range(n_h - warmup_hours % n_h, n_h):
        theta_prev = _hour(theta_prev, x[h], y[h], heating_row[h], cooling_row[h],
                           keep, a_prev, slope, gain, inv_dair, dm_t, max_h, max_c, span_h,
                           span_c)[0]  # fmt: skip
    for _ in range(warmup_hours // n_h):
        for h in range(n_h):
            theta_prev = _hour(theta_prev, x[h], y[h], heating_row[h], cooling_row[h],
                               keep, a_prev, slope, gain, inv_dair, dm_t, max_h, max_c, span_h,
                               span_c)[0]  # fmt: skip
    theta_start = theta_prev

    # ---- The series, with results. ----
    heating = 0.0
    cooling = 0.0
    peak_h = 0.0
    peak_c = 0.0
    unmet_h = 0
    unmet_c = 0
    sum_theta_m_t = 0.0
    for h in range(n_h):
        theta_prev, phi, short_h, short_c = _hour(
            theta_prev, x[h], y[h], heating_row[h], cooling_row[h],
            keep, a_prev, slope, gain, inv_dair, dm_t, max_h, max_c, span_h, span_c,
        )  # fmt: skip
        heat = max(phi, 0.0)
        cool = max(-phi, 0.0)
        heating += heat
        cooling += cool
        peak_h = max(peak_h, heat)
        peak_c = max(peak_c, cool)
        unmet_h += short_h
        unmet_c += short_c
        sum_theta_m_t += theta_prev
        heating_out[h] += w * heat
        cooling_out[h] += w * cool
    theta_end = theta_prev

    # ---- Energy balance over the series [Wh], from sums of the node equations. ----
    # Every node temperature is linear in the hour's inputs, so the sums over the
    # hours of (C.9)-(C.11) follow from sums of the inputs, phi_HC,nd and theta_m,t.
    s_sol = 0.0
    for o in range(n_o):
        s_sol += solar_aperture[b, o] * sum_irradiance[o]
    s_dm = 0.0
    for d in range(n_d):
        s_dm += mass_coefficients[b, d] * sum_mass_drivers[d]
    s_ir = rad_af * sum_internal_gains[s]
    s_ia = conv_af * sum_internal_gains[s]
    s_te = sum_theta_e
    s_phi = heating - cooling
    s_m = sum_theta_m_t + 0.5 * (theta_start - theta_end)  # sum of (C.9)
    s_src = src_sol * (s_sol + s_ir) + k_is * s_ia + src_te * s_te
    s_s = (hms * s_m + s_src + k_is * s_phi) * inv_s  # sum of (C.10)
    s_air = (his * s_s + hve * s_te + s_ia + s_phi) * inv_air  # sum of (C.11)

    heating_wh[b] = heating
    cooling_wh[b] = cooling
    peak_heating_w[b] = peak_h
    peak_cooling_w[b] = peak_c
    unmet_heating_hours[b] = unmet_h
    unmet_cooling_hours[b] = unmet_c
    # Heat leaving through the windows, H_tr_w (theta_s - theta_e), plus the share
    # f_win of the gains that (C.3) does not deliver (it leaves through the glazing).
    balance_wh[b, 0] = hw * (s_s - s_te) + f_win * (s_ir + s_sol)
    # opaque: H_tr_em (theta_m - theta_e), less the heat the mass node's drivers bring in
    balance_wh[b, 1] = hem * (s_m - s_te) - s_dm
    balance_wh[b, 2] = hve * (s_air - s_te)  # ventilation: H_ve (theta_air - theta_sup)
    balance_wh[b, 3] = s_ir + s_ia  # internal gains
    balance_wh[b, 4] = s_sol  # solar gains
    balance_wh[b, 5] = cap * (theta_end - theta_start)  # C_m (theta_m,end - theta_m,start)


@numba.njit(parallel=True, cache=True)
def simulate_5r1c_kernel(
    h_tr_w,
    h_tr_em,
    h_tr_ms,
    h_tr_is,
    h_ve,
    c_m,
    a_m,
    a_t,
    a_f,
    convective_share,
    max_heating_w,
    max_cooling_w,
    schedule_index,
    group_index,
    weight,
    theta_e,
    irradiance,
    solar_aperture,
    mass_drivers,
    mass_coefficients,
    internal_gains,
    heating_setpoint,
    cooling_setpoint,
    n_groups,
    warmup_hours,
    heating_wh,
    cooling_wh,
    peak_heating_w,
    peak_cooling_w,
    unmet_heating_hours,
    unmet_cooling_hours,
    balance_wh,
    heating_by_group_w,
    cooling_by_group_w,
):
    """Hourly ISO 13790 5R1C simulation of many buildings, in parallel.

    Arguments are not checked here: :func:`smartcity.energy.thermal.simulate_5r1c`
    does it. Shapes use ``n_b`` buildings, ``n_h`` hours, ``n_o`` window orientations,
    ``n_s`` schedules and ``n_g`` groups. All arrays are C-contiguous ``float64``
    unless marked ``int64``.

    Parameters
    ----------
    h_tr_w : (n_b,) array
        Transmission heat transfer coefficient of the windows H_tr_w. [W/K]
    h_tr_em : (n_b,) array
        External part of the opaque transmission H_tr_em. [W/K]
    h_tr_ms : (n_b,) array
        Mass-to-surface coupling H_tr_ms = 9.1 W/(m2 K) × A_m. [W/K]
    h_tr_is : (n_b,) array
        Air-to-surface coupling H_tr_is = h_is × A_t (ISO 13790: 3.45 W/(m2 K)). [W/K]
    h_ve : (n_b,) array
        Ventilation heat transfer coefficient H_ve (heat recovery applied); may be 0.
        [W/K]
    c_m : (n_b,) array
        Internal heat capacity C_m. [J/K]
    a_m : (n_b,) array
        Effective mass area A_m, at most A_t. [m2]
    a_t : (n_b,) array
        Area of all surfaces facing the zone A_t (ISO 13790: 4.5 × A_f). [m2]
    a_f : (n_b,) array
        Conditioned floor area A_f. [m2]
    convective_share : (n_b,) array
        Share of the internal gains delivered to the air node (ISO 13790 (C.1): 0.5); the
        rest goes to the mass and surface nodes as the solar gains do. [-]
    max_heating_w, max_cooling_w : (n_b,) array
        Heating and cooling power limits, >= 0, may be ``inf``. [W]
    schedule_index : (n_b,) int64 array
        Row of the schedule arrays each building follows. [-]
    group_index : (n_b,) int64 array
        Group (zone, carrier, ...) each building's hourly demand is added to. [-]
    weight : (n_b,) array
        Number of buildings the row stands for, used in the group sums. [-]
    theta_e : (n_h,) array
        Outdoor air temperature, also the supply air temperature. [°C]
    irradiance : (n_h, n_o) array
        The drivers of phi_sol: irradiance on each plane (window planes by glazing, opaque
        planes) [W/m2], and for the radiation to the sky -(theta_e - theta_sky) [K].
    solar_aperture : (n_b, n_o) array
        Each building's coefficient on each driver: effective collecting area (window area
        × g_n × frame and shading factors; alpha R_se U A of opaque elements) [m2], and
        F_r R_se U A h_r for the sky [W/K]; zero on planes the building does not have.
    mass_drivers : (n_h, n_d) array
        Drivers of heat that flows straight into the mass node, e.g. the ground floor's
        ground-side temperature minus the outdoor air temperature. [K]
    mass_coefficients : (n_b, n_d) array
        Each building's coefficient on each mass driver; zero where it has none. [W/K]
    internal_gains : (n_s, n_h) array
        Internal heat gains per floor area. [W/m2]
    heating_setpoint, cooling_setpoint : (n_s, n_h) array
        Air temperature setpoints, heating <= cooling. [°C]
    n_groups : int
        Number of groups ``n_g``. [-]
    warmup_hours : int
        Hours simulated before hour 0, taken periodically from the end of the series,
        without recording results. [h]
    heating_wh, cooling_wh : (n_b,) array, output
        Heating and cooling need of one building of the row over the series. [Wh]
    peak_heating_w, peak_cooling_w : (n_b,) array, output
        Highest hourly heating and cooling power. [W]
    unmet_heating_hours, unmet_cooling_hours : (n_b,) int64 array, output
        Hours in which the power limit kept the air from its setpoint. [h]
    balance_wh : (n_b, 6) array, output
        Energy-balance terms in the order of :data:`BALANCE_TERMS`: heat lost through
        windows, opaque elements and ventilation, internal and solar gains, change of
        heat stored in the mass. [Wh]
    heating_by_group_w, cooling_by_group_w : (n_g, n_h) array, output
        Hourly heating and cooling power summed over the buildings of each group,
        weighted by ``weight``; overwritten. [W]

    Notes
    -----
    Buildings are split into :func:`n_chunks` contiguous chunks, processed in parallel;
    each chunk adds into its own hourly accumulators, which are then summed in chunk
    order. The result is therefore the same, bit for bit, for any number of threads.
    Memory is O(n_b + n_g × n_h).
    """
    n_b = h_tr_w.shape[0]
    n_h = theta_e.shape[0]
    n_o = irradiance.shape[1]
    n_s = internal_gains.shape[0]
    n_d = mass_drivers.shape[1]
    sum_mass_drivers = np.zeros(n_d)
    for h in range(n_h):
        for d in range(n_d):
            sum_mass_drivers[d] += mass_drivers[h, d]
    # All shared hourly rows: theta_e, irradiance by plane, mass drivers, gains by schedule, zeros.
    zero_row = 1 + n_o + n_d + n_s
    drivers_t = np.zeros((zero_row + 1, n_h))
    for h in range(n_h):
        drivers_t[0, h] = theta_e[h]
        for o in range(n_o):
            drivers_t[1 + o, h] = irradiance[h, o]
        for d in range(n_d):
            drivers_t[1 + n_o + d, h] = mass_drivers[h, d]
    for i in range(n_s):
        for h in range(n_h):
            drivers_t[1 + n_o + n_d + i, h] = internal_gains[i, h]
    # Sums over the series (for the energy-balance terms).
    sum_theta_e = 0.0
    sum_irradiance = np.zeros(n_o)
    sum_internal_gains = np.zeros(n_s)
    for h in range(n_h):
        sum_theta_e += theta_e[h]
        for o in range(n_o):
            sum_irradiance[o] += irradiance[h, o]
    for i in range(n_s):
        for h in range(n_h):
            sum_internal_gains[i] += internal_gains[i, h]

    n_c = n_chunks(n_b, n_groups, n_h)
    heating_acc = np.zeros((n_c, n_groups, n_h))
    cooling_acc = np.zeros((n_c, n_groups, n_h))
    scratch = np.empty((n_c, 2, n_h))
    width = 4 * ((n_o + n_d + 2 + 3) // 4) + 4
    rows_scratch = np.zeros((n_c, width), dtype=np.int64)
    cx_scratch = np.zeros((n_c, width))
    cy_scratch = np.zeros((n_c, width))
    for c in numba.prange(n_c):
        first = c * n_b // n_c
        last = (c + 1) * n_b // n_c
        for b in range(first, last):
            g = group_index[b]
            _simulate_building(
                b,
                h_tr_w,
                h_tr_em,
                h_tr_ms,
                h_tr_is,
                h_ve,
                c_m,
                a_m,
                a_t,
                a_f,
                convective_share,
                max_heating_w,
                max_cooling_w,
                schedule_index,
                weight,
                theta_e,
                drivers_t,
                n_o,
                n_d,
                zero_row,
                rows_scratch[c],
                cx_scratch[c],
                cy_scratch[c],
                solar_aperture,
                mass_coefficients,
                heating_setpoint,
                cooling_setpoint,
                warmup_hours,
                sum_theta_e,
                sum_irradiance,
                sum_mass_drivers,
                sum_internal_gains,
                scratch[c, 0],
                scratch[c, 1],
                heating_acc[c, g],
                cooling_acc[c, g],
                heating_wh,
                cooling_wh,
                peak_heating_w,
                peak_cooling_w,
                unmet_heating_hours,
                unmet_cooling_hours,
                balance_wh,
            )
    # Fixed-order reduction of the chunk accumulators (serial: it is cheap).
    for g in range(n_groups):
        for h in range(n_h):
            heating_by_group_w[g, h] = 0.0
            cooling_by_group_w[g, h] = 0.0
    for c in range(n_c):
        for g in range(n_groups):
            for h in range(n_h):
                heating_by_group_w[g, h] += heating_acc[c, g, h]
                cooling_by_group_w[g, h] += cooling_acc[c, g, h]


@numba.njit(cache=True)
def battery_self_consumption(surplus, capacity, power, eta_charge, eta_discharge, state0,
                             charge, discharge, state):  # pragma: no cover - compiled
    """Greedy self-consumption battery.

    surplus : (n_h,) generation − demand [kW]; charge, discharge, state : (n_h,) outputs,
    filled in place: power from the bus into the battery, power from the battery to the
    bus [kW], and the stored energy at the end of each hour [kWh].
    """
    soc = state0
    for t in range(surplus.shape[0]):
        s = surplus[t]
        if s > 0.0:
            c = min(s, power, (capacity - soc) / eta_charge)
            if c < 0.0:
                c = 0.0
            soc = min(capacity, soc + c * eta_charge)
            charge[t] = c
        elif s < 0.0:
            d = min(-s, power, soc * eta_discharge)
            if d < 0.0:
                d = 0.0
            soc = max(0.0, soc - d / eta_discharge)
            discharge[t] = d
        state[t] = soc
