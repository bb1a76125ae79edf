"""The HTML report: it writes, parses, references existing figures, never overwrites silently,
is reproducible, and degrades with a note when the results lack a baseline, measures or the
transport model. Each plot function is also checked alone on small synthetic data."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from smartcity import report
from smartcity.errors import SmartcityError
from smartcity.kpi import kpi_table
from smartcity.report import (
    REPORT_KPIS,
    key_inputs,
    plot_abatement_curve,
    plot_co2_trajectory,
    plot_electricity_duration,
    plot_grid_import_heatmap,
    plot_measure_wedges,
    plot_modal_split,
    save_figure,
    scenario_quantities,
    table_html,
    write_report,
)
from smartcity.results import OutputExistsError

REPO = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ALL_FIGURES = {"co2_trajectory", "co2_wedges", "abatement_curve", "electricity_duration", "grid_import_heatmap",
               "modal_split", "district_heat_factor", "heat_week_winter", "heat_duration"}
TRANSPORT_DIMS = ("mode", "vehicle", "powertrain", "zone", "link", "line")


class _Page(HTMLParser):
    """Collects image sources, links, section ids and the text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[str] = []
        self.links: list[str] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "img":
            self.images.append(attrs["src"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if "id" in attrs:
            self.ids.append(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    page.plain = " ".join(" ".join(page.text).split())
    return page


def check_references(path: Path, page: _Page) -> set[str]:
    """Every image and SVG link is a relative, existing, non-empty file of its format."""
    for src in page.images:
        assert not re.match(r"^[a-z]+:|^/", src), f"not a relative file: {src}"
        data = (path.parent / src).read_bytes()
        assert data.startswith(PNG_MAGIC), src
        assert len(data) > 1000, src
    for href in page.links:
        assert href.endswith(".svg") and not re.match(r"^[a-z]+:|^/", href), href
        text = (path.parent / href).read_text(encoding="utf-8")
        assert "<svg" in text and text.rstrip().endswith("</svg>"), href
    return {Path(src).stem for src in page.images}


def without_timestamp(text: str) -> str:
    return re.sub(r'<p class="generated">.*?</p>', "", text)


def drop_transport(ds):
    out = ds.drop_dims([d for d in TRANSPORT_DIMS if d in ds.dims])
    return out.drop_vars([v for v in ("ev_charging", "bus_charging", "transport_feedback_iterations",
                                      "transport_feedback_change") if v in out])


@pytest.fixture(scope="module")
def default_report(default_run, tmp_path_factory):
    """The lighthouse report of the default run (written once for this module)."""
    out = tmp_path_factory.mktemp("report")
    return write_report(default_run, "lighthouse", out)


# --------------------------------------------------------------------------------------------
# the report of the default run
# --------------------------------------------------------------------------------------------


def test_default_report_parses_and_its_figures_exist(default_report, default_run):
    assert default_report.name == "report.html"
    page = parse(default_report)
    assert check_references(default_report, page) == ALL_FIGURES
    assert len(page.links) == len(page.images)  # an SVG beside every PNG
    # self-contained: no scripts, no external style sheets or resources
    assert "script" not in page.tags and "link" not in page.tags
    assert "http://" not in default_report.read_text(encoding="utf-8").split("<body>")[0]
    for section in ("kpis", "co2", "measures", "electricity", "mobility", "inputs"):
        assert section in page.ids
    sha = str(default_run["scenario_sha256"].sel(scenario="lighthouse").item())
    assert sha[:12] in page.plain
    years = default_run["year"].values
    assert f"{years[0]}–{years[-1]}" in page.plain
    assert "lighthouse" in page.plain and "No comparison" not in page.plain
    # inputs and sources from the resolved scenario
    assert "supply.district_heating.emission_factor" in page.plain
    assert "supply.electricity.emission_factor" in page.plain
    assert "measures.plusbus.investment" in page.plain and "+BUS project cost" in page.plain
    # the key figures: the KPI module's table of REPORT_KPIS, with its provenance footer
    assert "CO2 reduction vs baseline" in page.plain and f"SHA-256 {sha[:12]}" in page.plain
    assert not list(default_report.parent.glob(".report.html*"))  # no temporary folder left


def test_report_refuses_overwrite_and_is_reproducible(default_report, default_run, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(default_report.parent, out)
    before = (out / "report.html").read_bytes()
    with pytest.raises(OutputExistsError, match="already exists; pass --force") as err:
        write_report(default_run, "lighthouse", out)
    assert "\n" not in str(err.value)
    assert isinstance(err.value, SmartcityError)
    assert (out / "report.html").read_bytes() == before
    path = write_report(default_run, "lighthouse", out, force=True)
    # same results -> same page apart from the time it was written, same figure files
    assert without_timestamp(path.read_text(encoding="utf-8")) == without_timestamp(before.decode("utf-8"))
    for old in sorted((default_report.parent / "figures").iterdir()):
        assert (out / "figures" / old.name).read_bytes() == old.read_bytes(), old.name
    assert sorted(p.name for p in out.iterdir()) == ["figures", "report.html"]


def test_a_figures_folder_alone_is_not_overwritten(default_run, tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "mine.png").write_bytes(b"x")
    with pytest.raises(OutputExistsError, match="figures"):
        write_report(default_run, "lighthouse", tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["figures", "mine.png"]


def test_interrupted_report_leaves_nothing(default_run, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report.scenario, "plot_measure_wedges", broken)
    with pytest.raises(KeyboardInterrupt):
        write_report(default_run, "lighthouse", tmp_path / "out")
    assert not (tmp_path / "out").exists()  # the folder it made is gone too
    tmp_path.joinpath("kept").mkdir()
    with pytest.raises(KeyboardInterrupt):
        write_report(default_run, "lighthouse", tmp_path / "kept")
    assert list((tmp_path / "kept").iterdir()) == []


def test_unknown_scenario_is_one_line_and_writes_nothing(default_run, tmp_path):
    with pytest.raises(SmartcityError,
                       match="scenario 'nowhere' is not in the results; they hold: baseline, lighthouse"):
        write_report(default_run, "nowhere", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_report_without_transport_and_with_given_tables(default_run, tmp_path):
    ds = drop_transport(default_run)
    assert "mode_share" not in ds and "ev_charging" not in ds
    kpis = pd.DataFrame(
        {("name", ""): ["CO2 emissions", "modal split, bike"], ("unit", ""): ["t/a", "%"],
         ("lighthouse", 2030): [11872.76, np.nan], ("baseline", 2030): [16496.7, 13.1]},
        index=pd.Index(["co2_total", "mode_share_bike"], name="kpi"),
    )
    kpis.attrs["footer"] = "scenario lighthouse, smartcity 0.1.0, resolved scenario abcdefabcdef"
    curve = pd.DataFrame({"measure": ["cheap", "dear"], "abatement_t": [100.0, 50.0],
                          "cost_eur_per_t": [-20.0, 300.0], "cumulative_t": [0.0, 100.0]})
    curve.attrs["excluded"] = [{"measure": "useless", "abatement_t": -3.0}]  # records, as smartcity.kpi gives
    path = write_report(ds, "lighthouse", tmp_path, kpis=kpis, curve=curve)
    page = parse(path)
    assert check_references(path, page) == ALL_FIGURES - {"modal_split"}
    assert "No modal split" in page.plain
    for text in ("co2_total", "[t/a]", "lighthouse 2030", "11,873", "abcdefabcdef", "cheap", "dear",
                 "Not on the curve (no reduction in the year): useless (-3 t/a)"):
        assert text in page.plain, text
    assert "Fallback curve" not in page.plain


@pytest.mark.parametrize(("scenario", "expected"), [
    ("lighthouse", ALL_FIGURES),  # its own measures: wedges and curve stay
    ("baseline", ALL_FIGURES - {"co2_wedges", "abatement_curve"}),  # no measures
])
def test_report_of_a_single_scenario(default_run, tmp_path, scenario, expected):
    ds = default_run.sel(scenario=[scenario])
    path = write_report(ds, scenario, tmp_path)
    page = parse(path)
    assert check_references(path, page) == expected
    assert "No comparison with a baseline" in page.plain
    assert "CO2 reduction against baseline" not in page.plain
    if scenario == "baseline":
        assert "No wedge chart" in page.plain and "No abatement curve" in page.plain


# --------------------------------------------------------------------------------------------
# tables from the results
# --------------------------------------------------------------------------------------------


def test_key_figures_are_the_kpi_tables_rows(default_run):
    """The report's key figures without a given table: kpi_table of REPORT_KPIS for the scenario and baseline."""
    table = kpi_table(default_run.sel(scenario=["baseline", "lighthouse"]), ids=REPORT_KPIS)
    ids = table.index.get_level_values("id")
    assert [i for i in dict.fromkeys(i.split(".")[0] for i in ids)] == list(REPORT_KPIS)
    last = int(default_run["year"].values[-1])
    totals = default_run["co2"].sum(("sector", "carrier")).sel(year=last)
    expected = float(totals.sel(scenario="baseline") - totals.sel(scenario="lighthouse"))
    row = table.xs("co2_reduction_vs_baseline", level="id")
    assert float(row[("lighthouse", last)].iloc[0]) == pytest.approx(expected)
    with pytest.raises(SmartcityError, match="unknown KPI 'co2_totl'"):
        kpi_table(default_run, ids=["co2_totl"])


def test_report_with_the_kpi_modules_tables(default_run, tmp_path):
    kpi = pytest.importorskip("smartcity.kpi")
    kpis = kpi.kpi_table(default_run, baseline="baseline")
    curve = kpi.abatement_curve(default_run, "lighthouse")
    path = write_report(default_run, "lighthouse", tmp_path, kpis=kpis, curve=curve)
    page = parse(path)
    assert check_references(path, page) == ALL_FIGURES
    assert "co2_total" in page.plain and "Fallback curve" not in page.plain
    assert kpis.attrs["footer"].split(";")[0] in page.plain


def test_default_report_draws_the_kpi_modules_curve(default_report):
    page = parse(default_report)
    assert "net cost per tonne" in page.plain
    assert "abatement_curve" in check_references(default_report, page)


def test_inputs_and_sources_from_the_resolved_scenario(default_run):
    text = str(default_run["resolved_scenario"].sel(scenario="lighthouse").item())
    key = key_inputs(text).set_index("input")
    for name in ("supply.district_heating.network.electricity_price", "supply.electricity.emission_factor"):
        assert key.loc[name, "source"] not in ("", "not given")
        assert ";" in key.loc[name, "value"]  # a trajectory, year: value
    # with the network model the typed factor is not an input; the network's are
    assert "supply.district_heating.emission_factor" not in key.index
    assert key.loc["supply.district_heating.network.units", "value"].endswith("units.csv")
    measures = [m for m in default_run["measure"].values]
    for m in measures:
        assert f"measures.{m}.investment" in key.index
        assert f"measures.{m}.ramp" in key.index
    assert key.loc["measures.plusbus.investment", "unit"] == "MDKK"
    every = scenario_quantities(text)
    assert len(every) > len(key) / 2 and every["unit"].ne("").all()
    with pytest.raises(SmartcityError, match="not valid TOML"):
        scenario_quantities("[unclosed")


def test_table_html_generic_layout():
    df = pd.DataFrame({"id": ["a"], "name": ["<b>&"], "unit": ["t/a"], "x 2030": [1234567.0]})
    df.attrs["footer"] = "traced"
    text = table_html(df)
    assert "&lt;b&gt;&amp;" in text and "[t/a]" in text and "1,234,567" in text and "traced" in text
    page = _Page()
    page.feed(text)
    assert page.tags.count("td") == 5  # four cells and the footer


# --------------------------------------------------------------------------------------------
# each plot alone
# --------------------------------------------------------------------------------------------

YEARS = pd.Index(np.arange(2014, 2021), name="year")


def assert_labelled(fig) -> None:
    assert isinstance(fig, Figure)
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            assert "[" in ax.get_ylabel()
            continue
        assert "[" in ax.get_xlabel() and "]" in ax.get_xlabel(), ax.get_xlabel()
        assert "[" in ax.get_ylabel() and "]" in ax.get_ylabel(), ax.get_ylabel()


def test_plot_co2_trajectory():
    by_sector = pd.DataFrame({"residential": np.linspace(100, 60, 7), "transport": np.full(7, 50.0),
                              "other": np.full(7, 5.0)}, index=YEARS)
    assert_labelled(plot_co2_trajectory(by_sector, by_sector.sum(axis=1) + 10, scenario="s"))
    assert_labelled(plot_co2_trajectory(by_sector))  # alone, no baseline


def test_plot_measure_wedges_closes_at_the_scenario():
    red = pd.DataFrame({"a": np.linspace(0, 30, 7), "b": np.linspace(0, 10, 7), "c": np.linspace(0, -2, 7)},
                       index=YEARS)
    without = pd.Series(np.full(7, 200.0), index=YEARS)
    inter = pd.Series(np.linspace(0, -5, 7), index=YEARS)
    fig = plot_measure_wedges(without, red, inter, baseline_total=without)
    assert_labelled(fig)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[0].endswith("(= baseline)") and any(t.startswith("interaction") for t in labels)
    # positive parts stack down to 200 - 40, the hatched negative ones (c, interaction) back up,
    # so the upper edge of the last band is the scenario: 200 - (30 + 10 - 2) - (-5) = 167
    scenario = 200.0 - 38.0 + 5.0
    last_band = fig.axes[0].collections[-1].get_paths()[0].vertices
    assert last_band[last_band[:, 0] == 2020, 1].max() == pytest.approx(scenario)
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "scenario")
    assert line.get_ydata()[-1] == pytest.approx(scenario)


def test_plot_abatement_curve():
    curve = pd.DataFrame({"measure": ["x", "y", "z"], "abatement_t": [10.0, 5.0, 1.0],
                          "cost_eur_per_t": [-50.0, 20.0, 900.0], "cumulative_t": [0.0, 10.0, 15.0]})
    fig = plot_abatement_curve(curve)
    assert_labelled(fig)
    bars = fig.axes[0].patches
    assert [b.get_width() for b in bars] == [10.0, 5.0, 1.0]
    assert [b.get_x() for b in bars] == [0.0, 10.0, 15.0]


def test_plot_electricity_balance():
    hours = np.arange(8760)
    demand = 100 + 20 * np.sin(hours / 24 * 2 * np.pi)
    pv = np.clip(80 * np.sin((hours % 24 - 6) / 12 * np.pi), 0, None)
    imp, exp = np.clip(demand - pv, 0, None), np.clip(pv - demand, 0, None)
    assert_labelled(plot_electricity_duration(demand, pv, imp, exp, charging_kw=demand * 0.1,
                                              baseline_import_kw=demand))
    fig = plot_grid_import_heatmap(imp)
    assert_labelled(fig)
    assert fig.axes[0].images[0].get_array().shape == (365, 24)


def test_plot_modal_split():
    shares = pd.DataFrame({"car_driver": 0.5, "bus": 0.2, "bike": 0.2, "walk": 0.1}, index=YEARS)
    assert_labelled(plot_modal_split(shares, shares, scenario="a", baseline="b"))
    assert len(plot_modal_split(shares).axes) == 1


def test_figure_files_are_reproducible(tmp_path):
    by_sector = pd.DataFrame({"residential": np.linspace(100, 60, 7)}, index=YEARS)
    for folder in ("a", "b"):
        save_figure(plot_co2_trajectory(by_sector), tmp_path / folder, "f")
    for ext in ("png", "svg"):
        assert (tmp_path / "a" / f"f.{ext}").read_bytes() == (tmp_path / "b" / f"f.{ext}").read_bytes()
    assert "<dc:date>" not in (tmp_path / "a" / "f.svg").read_text(encoding="utf-8")


def test_readme_figure_is_a_png():
    figures = sorted((REPO / "docs" / "figures").glob("*.png"))
    assert figures
    for path in figures:
        assert path.read_bytes().startswith(PNG_MAGIC)


def test_report_without_the_network_model_draws_the_factor_only(default_run, tmp_path):
    """Results of scenarios with a typed district-heating factor (mode 'factor') hold no supply group."""
    from smartcity.results import schema

    _, variables = schema()
    ds = default_run.drop_vars([n for n, v in variables.items() if v.group == "supply" and n in default_run])
    ds = ds.drop_dims("heat_unit")
    path = write_report(ds, "lighthouse", tmp_path)
    page = parse(path)
    assert check_references(path, page) == ALL_FIGURES - {"heat_week_winter", "heat_duration"}
    assert "the scenario's trajectory (no network model)" in page.plain
