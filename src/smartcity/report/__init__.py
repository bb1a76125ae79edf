"""Reports: the scenario report (:mod:`.scenario`), its figures (:mod:`.figures`; the
district-heating network's in :mod:`.supply`) and the HTML shared with the monitoring report
(:mod:`.html`).

``smartcity.report.write_report`` and the ``plot_*`` functions are re-exported here.
"""

from __future__ import annotations

from smartcity.report.figures import (
    MODE_COLORS,
    SECTOR_COLORS,
    measure_colors,
    plot_abatement_curve,
    plot_co2_trajectory,
    plot_electricity_duration,
    plot_grid_import_heatmap,
    plot_measure_wedges,
    plot_modal_split,
    plot_tornado,
    plot_uncertainty_band,
    save_figure,
)
from smartcity.report.html import PAGE_CSS, table_html
from smartcity.report.scenario import (
    FIGURE_FOLDER,
    REPORT_FILE,
    REPORT_KPIS,
    key_inputs,
    scenario_quantities,
    write_report,
)
from smartcity.report.supply import plot_district_heat_factor, plot_heat_duration, plot_heat_week

__all__ = [
    "write_report", "REPORT_FILE", "FIGURE_FOLDER", "REPORT_KPIS", "key_inputs", "scenario_quantities",
    "plot_co2_trajectory", "plot_measure_wedges", "plot_abatement_curve", "plot_electricity_duration",
    "plot_grid_import_heatmap", "plot_modal_split", "plot_uncertainty_band", "plot_tornado", "save_figure",
    "measure_colors", "SECTOR_COLORS", "MODE_COLORS", "PAGE_CSS", "table_html", "plot_heat_week", "plot_heat_duration",
    "plot_district_heat_factor",
]
