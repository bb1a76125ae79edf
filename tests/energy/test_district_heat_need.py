"""The default district's space-heating need against the Danish building typology.

The baseline's dwellings in the base year are compared with TABULA DK's published
space-heating need (``q_h_nd``, tabula_DK.csv 2014, the figures of ``FACTS.md``'s
buildings table) of the archetype of each row's type and construction period, weighted by
heated floor area. TABULA's typology is the Danish statistic of heat need by building type
and age that planners compare with; the tolerance is the one of the archetype validation
(tests/energy/test_tabula_validation.py, which explains the differences of method and
climate that +-25 % bounds).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.energy.archetypes import TABULA_TYPE_OF_USE, archetype_code, tabula_archetypes

BUILDINGS = Path(__file__).resolve().parents[2] / "scenarios" / "aalborg-east" / "buildings.csv"
TOLERANCE = 0.25


def test_default_dwellings_heat_need_matches_the_danish_typology(default_run):
    ds = default_run.sel(scenario="baseline", year=int(default_run["year"].min()))
    table = pd.read_csv(BUILDINGS)
    dwellings = table[table["use"].isin(list(TABULA_TYPE_OF_USE))]
    standing = ds["heated_floor_area"].sel(building=dwellings["building_id"].tolist()).to_numpy() > 0
    dwellings = dwellings[standing]  # rows built after the base year have no floor area in it
    ids = dwellings["building_id"].tolist()
    need = ds["space_heating_need"].sel(building=ids).to_numpy()  # [kWh/a], all buildings of each row
    area = ds["heated_floor_area"].sel(building=ids).to_numpy()  # [m2]
    assert len(ids) >= 15
    archetypes = tabula_archetypes()
    codes = [archetype_code(TABULA_TYPE_OF_USE[u], int(y), archetypes)
             for u, y in zip(dwellings["use"], dwellings["construction_year"])]
    typology = archetypes.loc[codes, "q_h_nd_kwh_m2"].to_numpy()  # [kWh/(m2 a)]
    ours = need.sum() / area.sum()
    expected = float(np.sum(typology * area) / area.sum())
    # The district's 20 dwelling rows standing in 2014, 552,000 m2: 141 kWh/(m2 a) against the
    # typology's 134 (ratio 1.05); rows 0.93-1.09.
    assert abs(ours / expected - 1.0) <= TOLERANCE, (ours, expected)
    # Row by row the same band holds for every dwelling row (each is one TABULA archetype).
    per_row = need / area / typology
    assert np.all(np.abs(per_row - 1.0) <= TOLERANCE), dict(zip(ids, np.round(per_row, 3)))
