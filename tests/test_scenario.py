"""Scenario files: inheritance, paths, validation messages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from smartcity.errors import InputError
from smartcity.scenario import load_scenario, quantities
from smartcity.scenario.models import path_keys

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "scenarios").glob("*/*.toml"))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def child(folder: Path, body: str, name: str = "child.toml", parent: str = "baseline.toml") -> Path:
    return write(folder / name, f'[scenario]\nextends = "{parent}"\n' + body)


def test_small_scenario_loads(small_scenario):
    r = load_scenario(small_scenario)
    assert r.name == "small"
    assert r.model.years == [2015, 2016, 2017]
    assert r.model.buildings.table == small_scenario.parent / "buildings.csv"
    assert r.model.weather.file is None
    assert r.model.weather.ground_albedo.canonical == pytest.approx(0.2)


def test_extends_overrides_and_keeps_parent_keys(small_scenario):
    c = child(small_scenario.parent, 'name = "variant"\nlast_year = 2020\n[buildings]\nwarmup_hours = 24\n')
    r = load_scenario(c)
    assert r.name == "variant"
    assert r.model.scenario.last_year == 2020          # overridden
    assert r.model.scenario.base_year == 2015          # inherited
    assert r.model.buildings.warmup_hours == 24        # deep merge: one key of a table overridden ...
    assert r.model.buildings.table.name == "buildings.csv"  # ... its sibling kept
    assert r.files == (c.resolve(), small_scenario.resolve())


def test_extends_recursive_chain(small_scenario):
    folder = small_scenario.parent
    child(folder, 'name = "mid"\nseed = 11\n', name="mid.toml")
    leaf = child(folder, 'name = "leaf"\n', name="leaf.toml", parent="mid.toml")
    r = load_scenario(leaf)
    assert r.name == "leaf" and r.model.scenario.seed == 11 and r.model.scenario.base_year == 2015
    assert [f.name for f in r.files] == ["leaf.toml", "mid.toml", "baseline.toml"]


def test_quantity_is_replaced_whole_not_merged(small_scenario):
    # A new number must not inherit the parent's source or assumption flag.
    c = child(small_scenario.parent, '[weather]\nground_albedo = { value = 30, unit = "%", source = "survey 2020" }\n')
    q = load_scenario(c).model.weather.ground_albedo
    assert q.canonical == pytest.approx(0.3)
    assert q.source == "survey 2020" and q.assumption is False and q.reason is None


def test_paths_resolve_relative_to_the_file_that_wrote_them(small_scenario, tmp_path):
    other = tmp_path / "variants" / "deep"
    c = child(other, 'name = "elsewhere"\n', parent="../../baseline.toml")
    r = load_scenario(c)
    assert r.model.buildings.table == (small_scenario.parent / "buildings.csv").resolve()


def test_resolved_toml_round_trips(small_scenario, tmp_path):
    c = child(small_scenario.parent, 'name = "variant"\n')
    r = load_scenario(c)
    text = r.to_toml()
    flat = write(small_scenario.parent / "flat.toml", text)
    again = load_scenario(flat)
    assert again.model == r.model
    assert "extends" not in tomllib.loads(text)["scenario"]


def test_hash_is_stable_and_sensitive(small_scenario, tmp_path):
    h1 = load_scenario(small_scenario).sha256()
    assert load_scenario(small_scenario).sha256() == h1
    table = small_scenario.parent / "buildings.csv"
    table.write_text(table.read_text().replace(",10,2400,", ",11,2400,"))
    assert load_scenario(small_scenario).sha256() != h1  # the input table enters the hash


def test_path_keys_are_found():
    assert ("buildings", "table") in path_keys() and ("weather", "file") in path_keys()


# --- broken files: one test each; the message names file, key/line, value, what is allowed ---

def test_bad_toml_syntax(small_scenario):
    bad = write(small_scenario.parent / "bad.toml", '[scenario]\nname = "x\n')
    with pytest.raises(InputError) as info:
        load_scenario(bad)
    msg = str(info.value)
    assert "bad.toml" in msg and "line 2" in msg and "invalid TOML" in msg


def test_unknown_key(small_scenario):
    bad = child(small_scenario.parent, 'nmae = "x"\n')
    with pytest.raises(InputError) as info:
        load_scenario(bad)
    msg = str(info.value)
    assert "child.toml" in msg and "'scenario.nmae'" in msg and "unknown key" in msg and "name" in msg


def test_unknown_section(small_scenario):
    bad = child(small_scenario.parent, '[wether]\nfile = "x.epw"\n')
    with pytest.raises(InputError, match=r"key 'wether': unknown key \(did you mean 'weather'\?\); "
                                         r"allowed: the keys scenario, weather"):
        load_scenario(bad)


def test_wrong_type(small_scenario):
    bad = child(small_scenario.parent, 'base_year = "twenty-fifteen"\n')
    with pytest.raises(InputError) as info:
        load_scenario(bad)
    msg = str(info.value)
    assert "child.toml" in msg and "'scenario.base_year'" in msg and "'twenty-fifteen'" in msg and "integer" in msg


def test_unknown_unit(small_scenario):
    bad = child(small_scenario.parent, '[weather]\nground_albedo = { value = 0.2, unit = "furlong" }\n')
    with pytest.raises(InputError) as info:
        load_scenario(bad)
    msg = str(info.value)
    assert "child.toml" in msg and "'weather.ground_albedo'" in msg and "'furlong'" in msg and "'%'" in msg


def test_quantity_out_of_range(small_scenario):
    bad = child(small_scenario.parent, '[weather]\nground_albedo = 1.5\n')
    with pytest.raises(InputError, match=r"ground_albedo'.*out of range; got 1.5; allowed: a number >= 0 and <= 1"):
        load_scenario(bad)


def test_assumption_needs_reason(small_scenario):
    bad = child(small_scenario.parent, '[weather]\nground_albedo = { value = 0.2, unit = "1", assumption = true }\n')
    with pytest.raises(InputError, match="an assumption needs a reason"):
        load_scenario(bad)


def test_extends_cycle(small_scenario):
    folder = small_scenario.parent
    child(folder, 'name = "a"\n', name="a.toml", parent="b.toml")
    child(folder, 'name = "b"\n', name="b.toml", parent="a.toml")
    with pytest.raises(InputError) as info:
        load_scenario(folder / "a.toml")
    msg = str(info.value)
    assert "extends cycle" in msg and "a.toml -> b.toml -> a.toml" in msg and "'scenario.extends'" in msg


def test_missing_parent(small_scenario):
    bad = child(small_scenario.parent, "", parent="nowhere.toml")
    with pytest.raises(InputError, match=r"child.toml, key 'scenario.extends': parent scenario file not found"):
        load_scenario(bad)


def test_missing_required_key(tmp_path):
    bad = write(tmp_path / "s.toml", '[scenario]\nname = "s"\nbase_year = 2015\nfirst_year = 2015\nlast_year = 2016\n')
    with pytest.raises(InputError, match=r"s.toml, key 'buildings': required key is missing"):
        load_scenario(bad)


def test_base_year_must_be_simulated(small_scenario):
    bad = child(small_scenario.parent, "base_year = 2030\n")
    with pytest.raises(InputError,
                       match=r"'scenario.base_year': base_year is not one of the simulated years; got 2030"):
        load_scenario(bad)


def test_last_year_before_first(small_scenario):
    bad = child(small_scenario.parent, "last_year = 2010\nbase_year = 2015\n")
    with pytest.raises(InputError, match=r"'scenario.last_year': last_year is before first_year; got 2010"):
        load_scenario(bad)


def test_missing_scenario_file(tmp_path):
    with pytest.raises(InputError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.toml")


# --- shipped scenarios ---

@pytest.mark.parametrize("path", SHIPPED, ids=[p.relative_to(REPO).as_posix() for p in SHIPPED])
def test_shipped_scenarios_validate_and_every_quantity_is_sourced(path):
    r = load_scenario(path)
    for key, q in quantities(r.model):
        assert q.source or (q.assumption and q.reason), f"{path.name}: {key} has neither source nor assumption"


def test_lighthouse_extends_baseline():
    r = load_scenario(REPO / "scenarios" / "aalborg-east" / "lighthouse.toml")
    assert [f.name for f in r.files] == ["lighthouse.toml", "baseline.toml"]
    assert r.name == "lighthouse"


@pytest.mark.parametrize(
    "body, key, value",
    [
        ('base_year = "2015"\n', "scenario.base_year", "'2015'"),
        ("base_year = 2015.0\n", "scenario.base_year", "2015.0"),
        ("seed = true\n", "scenario.seed", "True"),
        ('[weather]\nground_albedo = { value = "0.3", unit = "1", source = "s" }\n',
         "weather.ground_albedo.value", "'0.3'"),
        ('[weather]\nground_albedo = { value = 0.3, unit = "1", assumption = "yes", reason = "r" }\n',
         "weather.ground_albedo.assumption", "'yes'"),
    ],
    ids=["string-year", "float-year", "bool-seed", "string-number", "string-bool"],
)
def test_wrong_types_are_refused_not_converted(small_scenario, body, key, value):
    bad = child(small_scenario.parent, body)
    with pytest.raises(InputError) as info:
        load_scenario(bad)
    assert f"key '{key}'" in str(info.value) and f"got {value}" in str(info.value)


def test_misspelt_key_is_named_before_the_missing_one(small_scenario):
    bad = child(small_scenario.parent, "[buildings]\ntabel = 'x.csv'\n")
    bad.write_text(bad.read_text().replace('extends = "baseline.toml"', 'extends = "baseline.toml"'))
    with pytest.raises(InputError, match=r"'buildings.tabel': unknown key \(did you mean 'table'\?\)"):
        load_scenario(bad)


def test_quantity_given_by_unit_only_does_not_inherit_the_parents_value(small_scenario):
    parent = small_scenario.parent / "pct.toml"
    child(small_scenario.parent, '[weather]\nground_albedo = { value = 20, unit = "%", source = "s" }\n',
          name="pct.toml")
    kid = child(small_scenario.parent, '[weather]\nground_albedo = { unit = "1" }\n', name="kid.toml",
                parent=parent.name)
    with pytest.raises(InputError, match=r"kid.toml, key 'weather.ground_albedo.value': required key is missing"):
        load_scenario(kid)


def test_year_step_must_reach_last_year(small_scenario):
    bad = child(small_scenario.parent, "first_year = 2015\nlast_year = 2030\nyear_step = 7\n")
    with pytest.raises(InputError, match=r"'scenario.last_year': last_year is not reached in steps of year_step"):
        load_scenario(bad)


def test_empty_path_is_refused(small_scenario):
    bad = child(small_scenario.parent, '[buildings]\ntable = ""\n')
    with pytest.raises(InputError, match=r"key 'buildings.table': empty path"):
        load_scenario(bad)


def test_resolved_copy_runs_from_another_folder(small_scenario, tmp_path):
    r = load_scenario(small_scenario)
    out = tmp_path / "elsewhere" / "deeper"
    out.mkdir(parents=True)
    copy = write(out / "small.resolved.toml", r.to_toml(base=out))
    assert load_scenario(copy).model == r.model
