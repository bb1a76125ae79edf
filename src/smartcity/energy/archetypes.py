"""Building archetypes from the TABULA DK typology, and the buildings-table values they fill.

1. **TABULA DK archetypes** (:func:`archetypes_from_tabula`, :func:`tabula_archetypes`,
   :func:`archetype_code`): the envelope and operating values of the existing-state example
   building (``DK.N.<SFH|TH|AB>.<period>.Gen.ReEx.001.001``) of each building type and
   construction period, per m2 of TABULA's reference area A_C_Ref [1]_, [2]_.
2. **A buildings-table row** (:func:`archetype_row`): dwellings are the TABULA example of the
   construction period scaled to the floor area (envelope areas in proportion); tertiary
   uses, which TABULA lacks, are a box of the use's default storeys and plan depth
   (:data:`TERTIARY`) with the envelope of the TABULA apartment block of the period.
3. **Filling a table** (:func:`fill_archetype_defaults`): the columns of
   ``schemas/buildings.toml`` marked ``filled_by = "archetypes"`` (room height, envelope
   areas, window areas by orientation, U-values, g-value, air change and heat recovery) may
   be absent from a buildings table or have empty cells; they are completed from the
   archetype row of the row's ``use``, ``construction_year`` and ``heated_floor_area_m2``.
   So a table needs only ``building_id``, ``use``, ``construction_year``, ``count``,
   ``heated_floor_area_m2`` and ``heating_system``; any value given is kept.

Room height and heat recovery go with the air change: where a row's ``ventilation_ach`` is
taken from the archetype, a missing ``room_height_m`` or ``heat_recovery_efficiency`` is the
archetype's too (the archetype's air change is defined for its room height and its heat
recovery); where ``ventilation_ach`` is given, they take the schema default (2.5 m, 0).

:mod:`smartcity.energy.bbr` builds whole tables from a BBR extract with the same rows.

References
----------
.. [1] TABULA/EPISCOPE building typology, Denmark: tabula_DK.csv (2014); Wittchen, K. B.,
   Kragh, J. (2012). Danish building typologies. Participation in the TABULA project.
   SBi 2012:01, Danish Building Research Institute.
.. [2] Loga, T., Stein, B., Diefenbach, N. (2016). TABULA building typologies in 20
   European countries. Energy and Buildings 132, 4-12.
   https://doi.org/10.1016/j.enbuild.2016.06.094
"""

from __future__ import annotations

import copy
import functools
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.schema.tables import load_schema, row_location

__all__ = [
    "FILLER",
    "COUPLED_COLUMNS",
    "KEY_COLUMNS",
    "TABULA_TYPE_OF_USE",
    "TERTIARY",
    "TertiaryGeometry",
    "archetype_code",
    "archetype_row",
    "archetypes_from_tabula",
    "fill_archetype_defaults",
    "filled_columns",
    "tabula_archetypes",
]

#: Value of ``filled_by`` in ``schemas/buildings.toml`` for the columns filled here.
FILLER = "archetypes"

#: Columns that take the archetype's value only where the row's air change does too.
COUPLED_COLUMNS = ("room_height_m", "heat_recovery_efficiency")

#: Columns that select and scale the archetype of a row.
KEY_COLUMNS = ("use", "construction_year", "heated_floor_area_m2")


# --------------------------------------------------------------------------------------
# TABULA DK archetypes [1]
# --------------------------------------------------------------------------------------

_ARCHETYPE_COLUMNS = (
    "code", "building_type", "year_first", "year_last", "a_ref_m2", "ref_to_gross", "room_height_m",
    "wall_per_m2", "roof_per_m2", "floor_per_m2", "window_per_m2",
    "share_north", "share_east", "share_south", "share_west",
    "u_wall_w_m2k", "delta_u_tb_w_m2k", "u_roof_w_m2k", "u_floor_w_m2k", "u_window_w_m2k",
    "g_window", "frame_fraction", "shading_factor", "c_m_wh_m2k", "n_air_use_ach", "n_air_infiltration_ach",
    "phi_int_w_m2", "theta_i_c", "f_red_temp", "h_transmission_w_m2k", "q_h_nd_kwh_m2",
)


def archetypes_from_tabula(path: str | Path) -> pd.DataFrame:
    """Envelope and operating values of the TABULA DK existing-state example buildings.

    Reads the TABULA data set (``tabula_DK.csv``) and returns, for every variant
    ``DK.N.<SFH|TH|AB>.<period>.Gen.ReEx.001.001``, its values per m2 of reference area
    A_C_Ref, so that a building of any floor area can be scaled from it.

    Parameters
    ----------
    path : str or Path
        The TABULA DK CSV file.

    Returns
    -------
    pandas.DataFrame
        Indexed by variant code; columns: ``building_type`` (SFH, TH, AB), ``year_first``,
        ``year_last``, ``a_ref_m2`` (A_C_Ref), ``ref_to_gross`` (A_C_Ref / A_C_National),
        ``room_height_m``; areas per m2 of A_C_Ref: ``wall_per_m2`` (opaque walls and
        doors), ``roof_per_m2``, ``floor_per_m2``, ``window_per_m2``; window shares
        ``share_north`` ... ``share_west``; ``u_wall_w_m2k`` (walls and doors, thermal
        bridges excluded), ``delta_u_tb_w_m2k`` (thermal-bridge surcharge on the whole
        envelope), ``u_roof_w_m2k`` and ``u_floor_w_m2k`` (area-weighted U x b),
        ``u_window_w_m2k``; ``g_window`` (g_gl,n), ``frame_fraction`` (F_f) and
        ``shading_factor`` (F_sh,vert; TABULA's constant F_w for non-normal incidence is
        left out: :mod:`smartcity.energy.glazing` computes it hour by hour);
        ``c_m_wh_m2k``, ``n_air_use_ach``, ``n_air_infiltration_ach``, ``phi_int_w_m2``,
        ``theta_i_c``; TABULA's own results ``f_red_temp``,
        ``h_transmission_w_m2k`` and ``q_h_nd_kwh_m2``.

    Raises
    ------
    InputError
        If the file lacks a column, or the element areas and U-values do not reproduce
        TABULA's h_Transmission (not the expected data set).
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the TABULA file ({exc})", file=path) from None
    if "Code_BuildingVariant" not in table.columns:
        raise InputError("not a TABULA data set", file=path, column="Code_BuildingVariant")
    pattern = re.compile(r"^DK\.N\.(SFH|TH|AB)\.\d\d\.Gen\.ReEx\.001\.001$")
    rows = []
    for _, row in table[table["Code_BuildingVariant"].str.match(pattern)].iterrows():

        def num(key: str, row=row) -> float:
            if key not in row.index:
                raise InputError("column missing in the TABULA data set", file=path, column=key)
            text = row[key].strip()
            return float(text) if text not in ("", "nan", "NaN") else 0.0

        def elements(name: str, n: int) -> tuple[float, float]:
            area = h = 0.0
            for i in range(1, n + 1):
                a = num(f"A_Calc_{name}_{i}")
                area += a
                h += a * num(f"U_Actual_{name}_{i}") * num(f"b_Transmission_{name}_{i}")
            return area, h

        code = row["Code_BuildingVariant"]
        a_roof, h_roof = elements("Roof", 2)
        a_wall, h_wall = elements("Wall", 3)
        a_floor, h_floor = elements("Floor", 2)
        a_door = num("A_Calc_Door_1")  # doors are opaque: counted with the walls (b = 1)
        a_wall += a_door
        h_wall += a_door * num("U_Actual_Door_1")
        a_window = h_window = 0.0
        for i in (1, 2):
            a = num(f"A_Calc_Window_{i}")
            a_window += a
            h_window += a * num(f"U_Actual_Window_{i}")
        orient = np.array([num(f"A_Calc_Window_{o}") for o in ("North", "East", "South", "West")])
        shares = orient / orient.sum() if orient.sum() > 0 else np.full(4, 0.25)
        a_ref = num("A_C_Ref")
        delta_u = num("delta_U_ThermalBridging")
        a_env = a_roof + a_wall + a_floor + a_window
        h_check = (h_roof + h_wall + h_floor + h_window + delta_u * a_env) / a_ref
        if not math.isclose(h_check, num("h_Transmission"), rel_tol=1e-9):
            raise InputError(f"{code}: sum U b A / A_C_Ref = {h_check:.6g} W/(m2 K) differs from TABULA's "
                             "h_Transmission; not the expected TABULA DK data set", file=path)
        rows.append({
            "code": code,
            "building_type": code.split(".")[2],
            "year_first": int(num("Year1_Building")),
            "year_last": int(num("Year2_Building")),
            "a_ref_m2": a_ref,
            "ref_to_gross": a_ref / num("A_C_National"),
            "room_height_m": num("h_room"),
            "wall_per_m2": a_wall / a_ref,
            "roof_per_m2": a_roof / a_ref,
            "floor_per_m2": a_floor / a_ref,
            "window_per_m2": a_window / a_ref,
            "share_north": shares[0], "share_east": shares[1], "share_south": shares[2], "share_west": shares[3],
            "u_wall_w_m2k": h_wall / a_wall,
            "delta_u_tb_w_m2k": delta_u,
            "u_roof_w_m2k": h_roof / a_roof,
            "u_floor_w_m2k": h_floor / a_floor,
            "u_window_w_m2k": h_window / a_window,
            "g_window": num("g_gl_n_Window_1"),
            "frame_fraction": num("F_f"),
            "shading_factor": num("F_sh_vert"),
            "c_m_wh_m2k": num("c_m"),
            "n_air_use_ach": num("n_air_use"),
            "n_air_infiltration_ach": num("n_air_infiltration"),
            "phi_int_w_m2": num("phi_int"),
            "theta_i_c": num("theta_i"),
            "f_red_temp": num("F_red_temp"),
            "h_transmission_w_m2k": num("h_Transmission"),
            "q_h_nd_kwh_m2": num("q_h_nd"),
        })
    if not rows:
        raise InputError("no DK.N.<type>.<period>.Gen.ReEx.001.001 variants found", file=path)
    frame = pd.DataFrame(rows, columns=list(_ARCHETYPE_COLUMNS))
    return frame.sort_values(["building_type", "year_first"]).set_index("code")


# The output of archetypes_from_tabula for the TABULA DK data set (tabula_DK.csv, 2014),
# written with Python's shortest exact float repr; tests/energy/test_bbr.py checks it
# against the file.
_ARCHETYPES_CSV = """\
code,building_type,year_first,year_last,a_ref_m2,ref_to_gross,room_height_m,wall_per_m2,roof_per_m2,floor_per_m2,window_per_m2,share_north,share_east,share_south,share_west,u_wall_w_m2k,delta_u_tb_w_m2k,u_roof_w_m2k,u_floor_w_m2k,u_window_w_m2k,g_window,frame_fraction,shading_factor,c_m_wh_m2k,n_air_use_ach,n_air_infiltration_ach,phi_int_w_m2,theta_i_c,f_red_temp,h_transmission_w_m2k,q_h_nd_kwh_m2
DK.N.AB.01.Gen.ReEx.001.001,AB,0,1850,371.45,0.85,2.5,1.1142818683537488,0.5963117512451205,0.5413918427783012,0.15533719208507202,0.3223570190641248,0.0,0.6776429809358752,0.0,2.382435370862527,0.15,0.2,0.47638333990637705,2.7,0.76,0.3,0.6,45.0,0.4,0.4,3.0,20.0,0.8562538080804799,3.8123857575856035,325.47725105380795
DK.N.AB.02.Gen.ReEx.001.001,AB,1851,1930,480.25,0.85,2.5,0.8308172826652785,0.6309213951067153,0.40395627277459656,0.19593961478396668,0.0,0.5111583421891606,0.0,0.48884165781083955,0.62,0.15,0.37999999999999995,0.26,2.7,0.76,0.3,0.6,45.0,0.4,0.4,3.0,20.0,0.9267277459656429,1.698167621030713,172.64540282868361
DK.N.AB.03.Gen.ReEx.001.001,AB,1931,1950,2341.75,0.85,2.5,0.6473790968292943,0.23742927297960928,0.23742927297960928,0.18302551510622397,0.32781147923471765,0.18408772748483435,0.42627158189454034,0.0618292113859076,1.2,0.15,1.9000000000000001,0.605095541401274,2.8,0.76,0.3,0.6,45.0,0.4,0.4,3.0,20.0,0.9140033718227948,2.079898845316156,201.7148183964752
DK.N.AB.04.Gen.ReEx.001.001,AB,1951,1960,311.95,0.85,2.5,0.8847571726238179,0.52251963455682,0.47122936368007695,0.18240102580541753,0.0351493848857645,0.4165202108963093,0.070298769771529,0.4780316344463972,1.6,0.1,0.6,0.3846153846153846,2.8,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.895760702939738,2.6271789118078583,229.82882018193834
DK.N.AB.05.Gen.ReEx.001.001,AB,1961,1972,1360.0,0.85,2.5,0.5404411764705882,0.39338235294117646,0.39338235294117646,0.2536764705882353,0.4057971014492754,0.0,0.5942028985507246,0.0,0.508,0.1,0.33,0.49295774647887325,2.7,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.9352901373929853,1.4412958782104393,129.6157072043748
DK.N.AB.06.Gen.ReEx.001.001,AB,1973,1978,1955.0,0.85,2.5,0.2987212276214834,0.24040920716112532,0.24040920716112532,0.38588235294117645,0.013255567338282077,0.27014846235418877,0.013255567338282077,0.703340402969247,0.5723116438356165,0.1,0.18999999999999997,0.20769088857580925,2.8,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.9345472341409952,1.4635829757701433,125.58068191236529
DK.N.AB.07.Gen.ReEx.001.001,AB,1979,1998,2496.45,0.85,2.5,0.44863706463177716,0.3132448076268301,0.3020288810110357,0.1713633359370306,0.14258999532491817,0.12225338943431509,0.37868162692847124,0.35647498831229546,0.34,0.05,0.18999999999999997,0.18999999999999997,2.7,0.76,0.3,0.6,45.0,0.4,0.1,3.0,20.0,0.9706116685693684,0.7938833143063152,77.0133368744116
DK.N.AB.08.Gen.ReEx.001.001,AB,1999,2006,2486.25,0.85,2.5,0.318552036199095,0.244947209653092,0.23931623931623933,0.20633484162895926,0.4183235867446394,0.056530214424951264,0.4666666666666667,0.05847953216374269,0.3,0.0,0.18999999999999997,0.11194029850746269,1.6,0.63,0.3,0.6,45.0,0.4,0.1,3.0,20.0,1.0000969541433107,0.49903045856689404,53.9926191166166
DK.N.AB.09.Gen.ReEx.001.001,AB,2007,2010,656.1999999999999,0.8499999999999999,2.5,0.5623285583663518,0.23773239865894547,0.2468759524535203,0.3172813166717464,0.0,0.505283381364073,0.29779058597502406,0.196926032660903,0.24000000000000002,0.0,0.18999999999999997,0.07,1.6,0.63,0.3,0.6,45.0,0.4,0.1,3.0,20.0,0.9794940566900335,0.7050594330996648,62.138402474015386
DK.N.AB.10.Gen.ReEx.001.001,AB,2011,9999,6987.849999999999,0.85,2.5,0.4440135377834384,0.15026080983421225,0.13328849359960504,0.2713710225605873,0.40183515266571745,0.18272425249169436,0.29647207720297425,0.11896851763961398,0.18000000000000002,0.0,0.1,0.07,1.05,0.35,0.3,0.6,45.0,0.4,0.1,3.0,20.0,1.011078171397497,0.38921828602502917,49.34456433949774
DK.N.SFH.01.Gen.ReEx.001.001,SFH,0,1850,131.75,0.85,2.5,1.1081593927893738,1.1764705882352942,0.9639468690702088,0.2049335863377609,0.3074074074074074,0.044444444444444446,0.16666666666666666,0.48148148148148145,0.33313432835820894,0.06791208791208792,0.6,0.5,2.8,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.8544876377127645,2.3653708686170662,196.48087777841903
DK.N.SFH.02.Gen.ReEx.001.001,SFH,1851,1930,95.2,0.85,2.5,1.0294117647058822,0.9873949579831932,0.6932773109243697,0.15861344537815125,0.16556291390728478,0.33112582781456956,0.13245033112582782,0.3708609271523179,1.6,0.1,0.6,0.5172413793103449,2.7,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.8228928812904472,3.3132135612865836,263.507944995808
DK.N.SFH.03.Gen.ReEx.001.001,SFH,1931,1950,119.0,0.85,2.5,0.9159663865546218,0.7478991596638656,0.7394957983193278,0.18235294117647058,0.33640552995391704,0.0,0.663594470046083,0.0,1.369633027522936,0.15,1.5,0.5172413793103449,2.7,0.76,0.3,0.6,45.0,0.4,0.4,3.0,20.0,0.8120301844875881,3.639094465372356,291.5523407072202
DK.N.SFH.04.Gen.ReEx.001.001,SFH,1951,1960,90.1,0.85,2.5,1.120976692563818,1.1764705882352942,1.1764705882352942,0.3129855715871254,0.06028368794326241,0.1453900709219858,0.24113475177304963,0.5531914893617021,1.0,0.15,0.37999999999999995,0.26,2.8,0.76,0.3,0.6,45.0,0.4,0.4,3.0,20.0,0.8227229004809471,3.3183129855715876,262.27721254828583
DK.N.SFH.05.Gen.ReEx.001.001,SFH,1961,1972,153.0,0.85,2.5,0.7908496732026143,1.1764705882352942,1.0457516339869282,0.22032679738562091,0.19376854599406526,0.23382789317507416,0.36824925816023735,0.20415430267062312,0.6,0.15,0.3,0.21999999999999997,2.8,0.76,0.3,0.6,45.0,0.4,0.4,3.0,20.0,0.8613519607843138,2.159441176470588,191.1142470430174
DK.N.SFH.06.Gen.ReEx.001.001,SFH,1973,1978,117.3,0.85,2.5,0.8269394714407502,1.1167945439045184,1.0059676044330776,0.19011082693947146,0.0,0.22869955156950675,0.07174887892376683,0.6995515695067265,0.3,0.15,0.3,0.1,2.7,0.76,0.3,0.6,45.0,0.4,0.4,3.0,20.0,0.8777337311736289,1.6679880647911338,159.22554258250508
DK.N.SFH.07.Gen.ReEx.001.001,SFH,1979,1998,121.55,0.85,2.5,1.0201563142739614,1.1764705882352942,1.0037021801727684,0.20320855614973263,0.06477732793522267,0.2591093117408907,0.3036437246963563,0.3724696356275303,0.48,0.1,0.10999999999999999,0.165,1.5,0.63,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.8856711915535446,1.4298642533936652,127.44537611907288
DK.N.SFH.08.Gen.ReEx.001.001,SFH,1999,2006,148.75,0.85,2.5,0.7865546218487395,0.8067226890756303,0.6050420168067226,0.18420168067226889,0.18248175182481752,0.13868613138686128,0.3795620437956204,0.2992700729927007,0.12,0.0,0.11,0.07,1.9000000000000001,0.63,0.3,0.6,45.0,0.4,0.1,3.0,20.0,0.9849075630252101,0.5754621848739495,60.46351106799041
DK.N.SFH.09.Gen.ReEx.001.001,SFH,2007,2010,145.35,0.85,2.5,1.0319917440660475,1.1764705882352942,1.0251117991056071,0.16993464052287582,0.20647773279352225,0.016194331983805668,0.6072874493927126,0.17004048582995954,0.16,0.0,0.10999999999999999,0.06,1.5,0.63,0.3,0.6,45.0,0.4,0.1,3.0,20.0,0.97781217750258,0.6109391124871001,62.59675779790017
DK.N.SFH.10.Gen.ReEx.001.001,SFH,2011,9999,151.29999999999998,0.8499999999999999,2.5,1.0072703238598812,1.1764705882352942,1.1764705882352942,0.22141440846001326,0.3611940298507463,0.03880597014925373,0.3283582089552239,0.2716417910447761,0.18,0.0,0.10999999999999999,0.05,1.3,0.64,0.3,0.6,45.0,0.4,0.1,3.0,20.0,0.9685234633179114,0.6573826834104429,65.23365327021642
DK.N.TH.01.Gen.ReEx.001.001,TH,0,1850,92.64999999999999,0.8499999999999999,2.5,0.35617916891527257,0.9498111171073935,0.7123583378305451,0.10577441985968701,0.07142857142857142,0.4591836734693877,0.0,0.4693877551020407,1.0545454545454545,0.1,0.6,0.17,2.8,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.880827486958086,1.5751753912574205,145.83238996630124
DK.N.TH.02.Gen.ReEx.001.001,TH,1851,1930,117.3,0.85,2.5,0.5029838022165388,0.555839727195226,0.41602728047740833,0.12958226768968456,0.0,0.5263157894736842,0.0,0.4736842105263158,1.5,0.1,1.5,0.7499999999999999,2.7,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.8529809605001422,2.4105711849957374,204.73111494255738
DK.N.TH.03.Gen.ReEx.001.001,TH,1931,1950,95.2,0.85,2.5,0.31512605042016806,0.7878151260504201,0.6512605042016807,0.13865546218487393,0.0,0.5454545454545455,0.0,0.4545454545454546,1.6,0.1,0.2,0.4676258992805756,2.7,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.8823344517663181,1.5299664470104588,139.5225051814931
DK.N.TH.04.Gen.ReEx.001.001,TH,1951,1960,86.7,0.85,2.5,0.4382929642445213,1.0380622837370241,0.6689734717416378,0.19261822376009224,0.0,0.5149700598802395,0.0,0.48502994011976047,0.67,0.1,0.37999999999999995,0.2542372881355932,2.7,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.8795979382115093,1.612061853654722,141.63030460338388
DK.N.TH.05.Gen.ReEx.001.001,TH,1961,1972,85.85,0.85,2.5,0.43098427489807806,0.8503203261502621,0.5824111822947001,0.4344787419918462,0.21715817694369974,0.0,0.7828418230563003,0.0,0.67,0.1,0.3,0.3,2.8,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.8611687051058047,2.1649388468258595,153.9315860808196
DK.N.TH.06.Gen.ReEx.001.001,TH,1973,1978,110.5,0.85,2.5,0.19909502262443438,0.8597285067873304,0.5882352941176471,0.15294117647058822,0.0,0.39644970414201186,0.0,0.6035502958579881,0.3,0.1,0.6,0.23500000000000001,2.8,0.76,0.3,0.6,45.0,0.4,0.2,3.0,20.0,0.8892654600301659,1.3220361990950225,122.49112751789534
DK.N.TH.07.Gen.ReEx.001.001,TH,1979,1998,85.0,0.85,2.5,0.35294117647058826,0.6235294117647059,0.5058823529411764,0.15176470588235294,0.4108527131782946,0.0,0.5891472868217055,0.0,0.3,0.05,0.20000000000000004,0.09,2.8,0.76,0.3,0.6,45.0,0.4,0.1,3.0,20.0,0.9434470588235294,0.7827647058823529,74.73655797237043
DK.N.TH.08.Gen.ReEx.001.001,TH,1999,2006,101.14999999999999,0.85,2.5,0.3756796836381612,0.5239742956005933,0.33613445378151263,0.19476025704399408,0.4365482233502538,0.0,0.5634517766497462,0.0,0.3,0.0,0.20000000000000004,0.07,1.5,0.63,0.3,0.6,45.0,0.4,0.1,3.0,20.0,0.9933662876915472,0.5331685615422639,56.68631490825214
DK.N.TH.09.Gen.ReEx.001.001,TH,2007,2010,110.5,0.85,2.5,0.5429864253393665,1.1764705882352942,1.0678733031674208,0.27511312217194567,0.0,0.5164473684210527,0.0,0.48355263157894735,0.23999999999999996,0.0,0.12,0.07,1.4999999999999998,0.63,0.3,0.6,45.0,0.4,0.1,3.0,20.0,0.9482171945701358,0.7589140271493212,69.66749807575624
DK.N.TH.10.Gen.ReEx.001.001,TH,2011,9999,131.75,0.85,2.5,1.092979127134725,0.5882352941176471,0.5032258064516129,0.25958254269449715,0.3742690058479532,0.1871345029239766,0.43859649122807015,0.0,0.16,0.0,0.11999999999999998,0.06,0.8,0.4,0.3,0.6,45.0,0.4,0.1,3.0,20.0,1.0033351043643264,0.4833244781783681,55.531922102263835
"""


@functools.cache
def _archetypes_cached() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(_ARCHETYPES_CSV), index_col="code")


def tabula_archetypes() -> pd.DataFrame:
    """The TABULA DK existing-state archetypes shipped with the package.

    Returns
    -------
    pandas.DataFrame
        As :func:`archetypes_from_tabula` for the TABULA DK data set (2014); a copy.
    """
    return _archetypes_cached().copy()


#: TABULA DK building type of each dwelling use of the buildings schema.
TABULA_TYPE_OF_USE: dict[str, str] = {"single_family": "SFH", "terraced_house": "TH", "apartment_block": "AB"}


def archetype_code(building_type: str, year: int, archetypes: pd.DataFrame | None = None) -> str:
    """Code of the TABULA variant of ``building_type`` (SFH, TH, AB) whose period holds ``year``."""
    table = tabula_archetypes() if archetypes is None else archetypes
    hit = table[(table["building_type"] == building_type) & (table["year_first"] <= year)
                & (table["year_last"] >= year)]
    if len(hit) == 0:
        raise ValueError(f"no TABULA DK variant of type {building_type!r} covers the year {year}")
    return str(hit.index[0])


@dataclass(frozen=True)
class TertiaryGeometry:
    """Assumptions for a tertiary use (TABULA has none), as in the Aalborg East default table.

    Attributes
    ----------
    room_height_m : float
        Clear room height. [m]
    depth_m : float
        Depth of the box plan (long facades face north and south). [m]
    window_to_wall : float
        Window share of the facade area. [1]
    storeys : int
        Storeys when BBR gives neither byg054 nor a footprint. [-]
    m2_per_person : float
        Floor area per occupant while in use. [m2]
    occupied_hours : float
        Hours in use per year. [h]
    gains_occupied_w_m2, gains_unoccupied_w_m2 : float
        Internal gains in and out of use. [W/m2]
    cooling_setpoint_c : float
        Cooling setpoint; 50 = not cooled. [°C]
    """

    room_height_m: float
    depth_m: float
    window_to_wall: float
    storeys: int
    m2_per_person: float
    occupied_hours: float
    gains_occupied_w_m2: float
    gains_unoccupied_w_m2: float
    cooling_setpoint_c: float


#: Assumptions per tertiary use: operating values of EN 16798-1 / ISO 13790 Annex G type
#: and plan depths and glazing typical of Danish buildings (flagged as assumptions in the
#: Aalborg East default table, which uses the same values).
TERTIARY: dict[str, TertiaryGeometry] = {
    "office": TertiaryGeometry(2.8, 15.0, 0.40, 3, 10.0, 2600.0, 20.0, 2.0, 26.0),
    "education": TertiaryGeometry(3.0, 15.0, 0.25, 2, 5.0, 2200.0, 25.0, 2.0, 26.0),
    "hospital": TertiaryGeometry(3.0, 20.0, 0.30, 3, 10.0, 8760.0, 10.0, 10.0, 26.0),
    "retail": TertiaryGeometry(3.5, 35.0, 0.15, 1, 15.0, 3640.0, 20.0, 2.0, 26.0),
    "daycare": TertiaryGeometry(2.7, 12.0, 0.25, 1, 4.0, 2500.0, 15.0, 2.0, 50.0),
}
_STOREY_OVER_ROOM_M = 0.5  # slab and ceiling void: storey height = room height + 0.5 m
_PERSON_LPS = 7.0  # EN 16798-1 category II, l/s per person
_BUILDING_LPS_M2 = 0.7  # EN 16798-1 category II, low-polluting building, l/(s m2)
_J_PER_WH = 3600.0


def archetype_row(use: str, construction_year: int, heated_floor_area_m2: float | None = None, *,
                  storeys: int | None = None, archetypes: pd.DataFrame | None = None) -> dict[str, object]:
    """Envelope and operating columns of a buildings-table row from the TABULA DK archetypes.

    Parameters
    ----------
    use : str
        The schema's ``use``.
    construction_year : int
        Year of construction; selects the TABULA period. [a]
    heated_floor_area_m2 : float, optional
        Heated floor area (TABULA reference-area basis). Dwellings: default the TABULA
        example's A_C_Ref; required for tertiary uses. [m2]
    storeys : int, optional
        Storeys of a tertiary building; default :data:`TERTIARY`'s. [-]
    archetypes : pandas.DataFrame, optional
        Default :func:`tabula_archetypes`.

    Returns
    -------
    dict
        The schema columns ``use`` ... ``cooling_setpoint_c`` (all but ``building_id``,
        ``count``, ``heating_system``, ``zone``), plus ``tabula_variant``.

    Notes
    -----
    Dwellings: the TABULA example scaled by A_f / A_C_Ref, keeping its envelope areas per
    m2, window shares and U-values, so H_tr per m2 equals TABULA's h_Transmission (the
    thermal-bridge surcharge on the whole envelope is carried by the walls); TABULA's
    method values for air change (n_air_use + n_air_infiltration), internal gains,
    setpoint and heat capacity; no cooling.

    Tertiary uses: a box of ``storeys`` storeys and the use's plan depth (narrower if the
    footprint is small), with the envelope of the TABULA apartment block of the same
    period; ventilation of EN 16798-1 category II over the use's operating hours with
    heat recovery 0.75 (built 2006 or later) or 0.6, plus the block's infiltration;
    medium heat capacity (ISO 13790 Table 12).
    """
    table = tabula_archetypes() if archetypes is None else archetypes
    if use in TABULA_TYPE_OF_USE:
        code = archetype_code(TABULA_TYPE_OF_USE[use], construction_year, table)
        a = table.loc[code]
        a_f = float(a["a_ref_m2"]) if heated_floor_area_m2 is None else float(heated_floor_area_m2)
        env_per_m2 = a["wall_per_m2"] + a["roof_per_m2"] + a["floor_per_m2"] + a["window_per_m2"]
        window = a["window_per_m2"] * a_f
        return {
            "use": use,
            "construction_year": int(construction_year),
            "heated_floor_area_m2": a_f,
            "room_height_m": float(a["room_height_m"]),
            "wall_area_m2": a["wall_per_m2"] * a_f,
            "roof_area_m2": a["roof_per_m2"] * a_f,
            "ground_floor_area_m2": a["floor_per_m2"] * a_f,
            "window_area_north_m2": a["share_north"] * window,
            "window_area_east_m2": a["share_east"] * window,
            "window_area_south_m2": a["share_south"] * window,
            "window_area_west_m2": a["share_west"] * window,
            "u_wall_w_m2k": a["u_wall_w_m2k"] + a["delta_u_tb_w_m2k"] * env_per_m2 / a["wall_per_m2"],
            "u_roof_w_m2k": float(a["u_roof_w_m2k"]),
            "u_floor_w_m2k": float(a["u_floor_w_m2k"]),
            "u_window_w_m2k": float(a["u_window_w_m2k"]),
            "g_window": float(a["g_window"]),
            "frame_fraction": float(a["frame_fraction"]),
            "shading_factor": float(a["shading_factor"]),
            "heat_capacity_j_m2k": a["c_m_wh_m2k"] * _J_PER_WH,
            "mass_area_factor": 2.5,
            "ventilation_ach": a["n_air_use_ach"] + a["n_air_infiltration_ach"],
            "heat_recovery_efficiency": 0.0,
            "internal_gains_w_m2": float(a["phi_int_w_m2"]),
            "heating_setpoint_c": float(a["theta_i_c"]),
            "cooling_setpoint_c": 50.0,
            "tabula_variant": code,
        }
    if use not in TERTIARY:
        raise ValueError(f"use {use!r}: expected one of {', '.join([*TABULA_TYPE_OF_USE, *TERTIARY])}")
    if heated_floor_area_m2 is None or not heated_floor_area_m2 > 0:
        raise ValueError(f"heated_floor_area_m2 = {heated_floor_area_m2!r}: a tertiary building needs a floor area > 0")
    p = TERTIARY[use]
    code = archetype_code("AB", construction_year, table)
    a = table.loc[code]
    a_f = float(heated_floor_area_m2)
    gross = a_f / a["ref_to_gross"]
    n_storeys = max(1, int(storeys)) if storeys else p.storeys
    footprint = gross / n_storeys
    depth = min(p.depth_m, math.sqrt(footprint))  # a small footprint becomes a square
    length = footprint / depth
    storey_h = p.room_height_m + _STOREY_OVER_ROOM_M
    facade_ns = length * n_storeys * storey_h  # each long facade (north, south)
    facade_ew = depth * n_storeys * storey_h  # each short facade (east, west)
    north = south = p.window_to_wall * facade_ns
    east = west = p.window_to_wall * facade_ew
    a_wall = (1.0 - p.window_to_wall) * 2.0 * (facade_ns + facade_ew)
    a_env = a_wall + 2.0 * footprint + north + south + east + west
    q_mech = _PERSON_LPS / p.m2_per_person + _BUILDING_LPS_M2  # l/(s m2) in use
    n_mech = q_mech * 3.6 / p.room_height_m * p.occupied_hours / 8760.0
    n_inf = float(a["n_air_infiltration_ach"])
    eta = 0.75 if construction_year >= 2006 else 0.6
    share = p.occupied_hours / 8760.0
    return {
        "use": use,
        "construction_year": int(construction_year),
        "heated_floor_area_m2": a_f,
        "room_height_m": p.room_height_m,
        "wall_area_m2": a_wall,
        "roof_area_m2": footprint,
        "ground_floor_area_m2": footprint,
        "floor_perimeter_m": 2.0 * (length + depth),
        "window_area_north_m2": north,
        "window_area_east_m2": east,
        "window_area_south_m2": south,
        "window_area_west_m2": west,
        "u_wall_w_m2k": a["u_wall_w_m2k"] + a["delta_u_tb_w_m2k"] * a_env / a_wall,
        "u_roof_w_m2k": float(a["u_roof_w_m2k"]),
        "u_floor_w_m2k": float(a["u_floor_w_m2k"]),
        "u_window_w_m2k": float(a["u_window_w_m2k"]),
        "g_window": float(a["g_window"]),
        "frame_fraction": float(a["frame_fraction"]),
        "shading_factor": float(a["shading_factor"]),
        "heat_capacity_j_m2k": 165000.0,
        "mass_area_factor": 2.5,
        "ventilation_ach": n_mech + n_inf,
        "heat_recovery_efficiency": eta * n_mech / (n_mech + n_inf),
        "internal_gains_w_m2": p.gains_occupied_w_m2 * share + p.gains_unoccupied_w_m2 * (1.0 - share),
        "heating_setpoint_c": 20.0,
        "cooling_setpoint_c": p.cooling_setpoint_c,
        "tabula_variant": code,
    }


# --------------------------------------------------------------------------------------
# Filling a buildings table
# --------------------------------------------------------------------------------------


def filled_columns() -> list[str]:
    """Columns of the buildings schema with ``filled_by = "archetypes"``, in schema order."""
    return [c.name for c in load_schema("buildings").column if c.filled_by == FILLER]


def _missing(series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype=object)
    return np.array([v is None or (isinstance(v, str) and not v.strip())
                     or (isinstance(v, (float, np.floating)) and np.isnan(v)) for v in values], dtype=bool)


def _numbers(buildings: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Values of a column as floats and the mask of its empty cells (all empty if absent)."""
    n = len(buildings)
    if name not in buildings.columns:
        return np.full(n, np.nan), np.ones(n, dtype=bool)
    series = buildings[name]
    missing = _missing(series)
    numbers = np.array(pd.to_numeric(series.where(~missing), errors="coerce"), dtype=np.float64)
    bad = ~np.isfinite(numbers) & ~missing
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError("not a finite number", column=name, value=series.iloc[i],
                         allowed="a number or an empty cell", **row_location(buildings, i))
    return numbers, missing


def _keys(buildings: pd.DataFrame, i: int) -> tuple[str, int, float]:
    """``use``, ``construction_year`` and ``heated_floor_area_m2`` of row ``i``, checked."""
    schema = load_schema("buildings").columns
    where = row_location(buildings, i)
    for name in KEY_COLUMNS:
        if name not in buildings.columns:
            raise InputError("column needed to fill values from the archetypes is missing", column=name,
                             value=None, allowed=schema[name].allowed_text(), **where)
    use = buildings["use"].iloc[i]
    allowed_uses = schema["use"].allowed or []
    if not isinstance(use, str) or use.strip() not in allowed_uses:
        raise InputError("no archetype for this use", column="use", value=use,
                         allowed=schema["use"].allowed_text(), **where)
    year = pd.to_numeric(pd.Series([buildings["construction_year"].iloc[i]]), errors="coerce").iloc[0]
    col = schema["construction_year"]
    if not (np.isfinite(year) and float(year).is_integer() and col.min <= year <= col.max):
        raise InputError("no archetype for this construction year", column="construction_year",
                         value=buildings["construction_year"].iloc[i], allowed=col.allowed_text(), **where)
    area = pd.to_numeric(pd.Series([buildings["heated_floor_area_m2"].iloc[i]]), errors="coerce").iloc[0]
    col = schema["heated_floor_area_m2"]
    if not (np.isfinite(area) and col.min < area <= col.max):
        raise InputError("the archetype cannot be scaled to this floor area", column="heated_floor_area_m2",
                         value=buildings["heated_floor_area_m2"].iloc[i], allowed=col.allowed_text(), **where)
    return use.strip(), int(year), float(area)


def fill_archetype_defaults(buildings: pd.DataFrame, *, archetypes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Complete the missing archetype values of a buildings table.

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table (``schemas/buildings.toml``), e.g. from
        :func:`smartcity.schema.tables.read_table`. Rows with a value to fill from the archetype
        need ``use``, ``construction_year`` [a] and ``heated_floor_area_m2`` [m2].
    archetypes : pandas.DataFrame, optional
        Default :func:`tabula_archetypes`.

    Returns
    -------
    pandas.DataFrame
        A copy, ``attrs`` included, in which every empty cell (NaN, None, blank) of the
        columns of :func:`filled_columns` holds the value of
        :func:`archetype_row` for the row's use, construction year
        and floor area (areas in m2, U-values in W/(m2 K), air change in 1/h); a missing
        ``room_height_m`` or ``heat_recovery_efficiency`` takes the archetype's value only
        if the row's ``ventilation_ach`` does, else the schema default. Absent columns
        are added at the end. Given values are kept.

    Raises
    ------
    InputError
        A value must be taken from the archetype and ``use``, ``construction_year`` or
        ``heated_floor_area_m2`` is missing or not valid, or a given value of a filled
        column is not a finite number. The message names the row, column and value.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"use": ["apartment_block"], "construction_year": [1970],
    ...                       "heated_floor_area_m2": [1360.0], "u_roof_w_m2k": [0.2]})
    >>> filled = fill_archetype_defaults(table)
    >>> round(float(filled["wall_area_m2"].iloc[0]), 3), float(filled["u_roof_w_m2k"].iloc[0])
    (735.0, 0.2)
    """
    schema = load_schema("buildings").columns
    table = tabula_archetypes() if archetypes is None else archetypes
    columns = filled_columns()
    out = buildings.copy()
    out.attrs = copy.deepcopy(buildings.attrs)
    n = len(out)
    numbers, missing = {}, {}
    for name in columns:
        numbers[name], missing[name] = _numbers(buildings, name)
    own = [name for name in columns if name not in COUPLED_COLUMNS]
    ventilation_filled = missing.get("ventilation_ach", np.zeros(n, dtype=bool))
    from_archetype = {name: missing[name] if name not in COUPLED_COLUMNS else missing[name] & ventilation_filled
                      for name in columns}
    need = np.zeros(n, dtype=bool)
    for name in own:
        need |= missing[name]
    rows: dict[tuple[str, int, float], dict[str, object]] = {}
    for i in np.flatnonzero(need):
        key = _keys(buildings, int(i))
        if key not in rows:
            rows[key] = archetype_row(key[0], key[1], key[2], archetypes=table)
        values = rows[key]
        for name in columns:
            if from_archetype[name][i]:
                numbers[name][i] = float(values[name])
    for name in columns:
        rest = missing[name] & ~from_archetype[name]
        if rest.any():
            default = schema[name].default
            if default is None:  # not reached for the shipped schema: only coupled columns get here
                raise ValueError(f"column {name!r} has no default to fall back on")
            numbers[name][rest] = float(default)
        out[name] = numbers[name]
    return out
