"""What the tool promises when things go wrong: a full disk, a kill, a second process, a closed
pipe, a device where a file should be. Each refusal is one line, exit status 2, nothing written."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from smartcity import writing
from smartcity.cli import main
from smartcity.errors import InputError, shorten
from smartcity.writing import folder_lock, remove_stale_temporaries, temporary_file, write_bytes_atomic

REPO = Path(__file__).resolve().parents[1]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --------------------------------------------------------------------------------------
# temporaries
# --------------------------------------------------------------------------------------


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    stale = tmp_path / f".results.nc.sc{dead_pid()}-abc123.tmp"
    stale.write_bytes(b"half a file")
    stale_folder = tmp_path / f".report.html.sc{dead_pid()}-x_y.tmp"
    stale_folder.mkdir()
    (stale_folder / "figure.png").write_bytes(b"png")
    live = tmp_path / f".results.nc.sc{os.getppid()}-abc123.tmp"  # a running process's (pytest's parent)
    live.write_bytes(b"in progress")
    foreign = [tmp_path / ".results.nc.tmp", tmp_path / "notes.sc1-a.tmp", tmp_path / "results.nc"]
    for path in foreign:
        path.write_bytes(b"not ours")
    assert sorted(remove_stale_temporaries(tmp_path)) == sorted([stale, stale_folder])
    assert listing(tmp_path) == sorted(p.name for p in [live, *foreign])


def test_a_new_temporary_clears_the_stale_ones_and_never_follows_a_symlink(tmp_path):
    stale = tmp_path / f".k.csv.sc{dead_pid()}-zz.tmp"
    stale.write_text("old")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (tmp_path / ".k.csv.tmp").symlink_to(victim)  # the fixed name a writer once used
    tmp = temporary_file(tmp_path, "k.csv")
    assert not stale.exists() and tmp.name.startswith(f".k.csv.sc{os.getpid()}-")
    tmp.unlink()
    write_bytes_atomic(b"a,b\n1,2\n", tmp_path / "k.csv")
    assert victim.read_text() == "keep" and (tmp_path / "k.csv").read_text() == "a,b\n1,2\n"


def test_sensitivity_output_ignores_a_planted_symlink(tmp_path, monkeypatch):
    # The command writes through write_bytes_atomic: a symlink at any temporary-looking name is
    # never written through.
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    for name in (".s.csv.tmp", f".s.csv.sc{os.getpid()}-planted.tmp"):
        (tmp_path / name).symlink_to(victim)
    write_bytes_atomic(b"x\n", tmp_path / "s.csv")
    assert victim.read_text() == "keep"
    source = (REPO / "src" / "smartcity" / "cli" / "tables.py").read_text()
    assert ".tmp\")" not in source and "write_bytes_atomic(" in source


def test_absurd_process_ids_in_names_are_left_alone(tmp_path):
    odd = tmp_path / ".x.sc99999999999-a.tmp"  # not a process id of this machine: not ours to judge
    odd.write_text("?")
    assert remove_stale_temporaries(tmp_path) == [] and odd.exists()


def test_a_refused_lock_leaves_the_holders_folder_and_failures_remove_what_they_created(tmp_path):
    from smartcity.errors import SmartcityError

    out = tmp_path / "new" / "out"
    with folder_lock(out):
        with pytest.raises(SmartcityError, match="another smartcity command"):
            with folder_lock(out):
                pass
        assert out.is_dir()  # the refused call did not remove the holder's (empty) folder
    with pytest.raises(RuntimeError):
        with folder_lock(out / "a" / "b"):
            raise RuntimeError("a failure inside the lock")
    assert not (out / "a").exists() and out.is_dir()  # the chain it created is gone, the rest stays


def test_a_failed_write_removes_the_folders_it_created(tmp_path, monkeypatch):
    from smartcity.errors import SmartcityError

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writing.os, "fsync", full)
    with pytest.raises(SmartcityError, match="No space left on device"):
        write_bytes_atomic(b"x", tmp_path / "a" / "b" / "k.csv")
    assert listing(tmp_path) == []


# --------------------------------------------------------------------------------------
# a full disk
# --------------------------------------------------------------------------------------


def test_full_disk_while_writing_results_is_one_line_and_leaves_nothing(small_scenario, tmp_path, monkeypatch,
                                                                        capsys):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writing.os, "fsync", full)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "out"
    assert main(["run", "-q", str(small_scenario), "-o", str(out)]) == 2
    err = one_line(capsys)
    assert err.startswith(f"error: {out / 'results.nc'}: cannot write the results (No space left on device")
    assert listing(out) == [] and not (tmp_path / "cache").exists()


def test_file_size_limit_in_a_real_process(small_scenario, tmp_path):
    # The operating system refuses the write itself (RLIMIT_FSIZE, as a full disk does with
    # ENOSPC): no crash inside the HDF5 library, one line, exit 2, no temporary left.
    out = tmp_path / "out"
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
        from smartcity.cli import main
        sys.exit(main(["run", "-q", {str(small_scenario)!r}, "-o", {str(out)!r}]))
    """)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "File too large" in proc.stderr and "results" in proc.stderr
    assert not (out / "results.nc").exists() and not [p for p in listing(out) if p.endswith(".tmp")]


# --------------------------------------------------------------------------------------
# SIGTERM, a second process, refusals that write nothing
# --------------------------------------------------------------------------------------


def test_sigterm_unwinds_like_ctrl_c(small_scenario, tmp_path):
    out = tmp_path / "out"
    script = textwrap.dedent(f"""
        import sys, time
        import smartcity.run
        from smartcity.results import write_netcdf

        def slow(*args, **kwargs):
            print("ready", flush=True)
            time.sleep(120)

        smartcity.run.run_scenarios = slow
        from smartcity.cli import main
        sys.exit(main(["run", "-q", {str(small_scenario)!r}, "-o", {str(out)!r}]))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "ready"
    assert out.is_dir()  # locked while it works
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert err.strip() == "terminated; nothing was written under the final file names"
    assert not out.exists()  # the folder it created is removed again


def test_killed_writer_leaves_a_temporary_the_next_run_removes(small_scenario, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f".results.nc.sc{dead_pid()}-k1ll3d.tmp"
    stale.write_bytes(b"\x89HDF half")
    assert main(["run", "-q", str(small_scenario), "-o", str(out)]) == 0
    assert listing(out) == ["results.nc", "small.resolved.toml"]


def test_second_run_into_a_folder_in_use_is_refused(small_scenario, tmp_path, capsys):
    out = tmp_path / "out"
    with folder_lock(out):  # as another smartcity run holds it
        assert main(["run", "-q", str(small_scenario), "-o", str(out)]) == 2
        assert "another smartcity command is writing into the output folder" in one_line(capsys)
        assert listing(out) == []


def test_lock_is_held_across_processes(tmp_path):
    out = tmp_path / "out"
    script = textwrap.dedent(f"""
        import sys
        from smartcity.errors import SmartcityError
        from smartcity.writing import folder_lock
        try:
            with folder_lock({str(out)!r}):
                pass
        except SmartcityError as exc:
            print(exc)
            sys.exit(2)
    """)
    with folder_lock(out):
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "another smartcity command" in proc.stdout
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0  # released


def test_refusals_write_no_log_anywhere(small_scenario, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "out"
    assert main(["run", "-q", str(small_scenario), "-o", str(out)]) == 0
    before = listing(out)
    assert main(["run", "-q", str(small_scenario), "-o", str(out)]) == 2  # exists, no --force
    assert "already exists" in one_line(capsys)
    table = small_scenario.parent / "buildings.csv"
    table.write_text(table.read_text().replace("gas_boiler", "peat_stove"))
    assert main(["run", "-q", str(small_scenario), "-o", str(out), "--force"]) == 2
    assert "peat_stove" in one_line(capsys)
    assert listing(out) == before and not (tmp_path / "cache").exists()


@pytest.mark.parametrize("args", [["building", "{building}"], ["building", "{building}", "--json"],
                                  ["validate", "--resolved", "{scenario}"], ["validate", "{scenario}"]],
                         ids=["text", "json", "resolved", "rich"])
def test_closed_pipe_is_quiet(small_scenario, args):
    # `smartcity building FILE | head -1`: the reader is gone before the output is written;
    # no traceback, exit 0, as other command-line tools do.
    building = REPO / "scenarios" / "examples" / "single_building" / "detached_house_1973_1978.toml"
    argv = [a.format(building=building, scenario=small_scenario) for a in args]
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "smartcity", *argv], stdout=write_end, stderr=subprocess.PIPE,
                              timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr.decode()


# --------------------------------------------------------------------------------------
# files that are not what they claim to be
# --------------------------------------------------------------------------------------


def _validate(path: Path, capsys) -> str:
    assert main(["validate", str(path)]) == 2
    return one_line(capsys)


def test_extends_a_device_or_a_pipe_is_refused(small_scenario, tmp_path, capsys):
    child = tmp_path / "child.toml"
    child.write_text('[scenario]\nextends = "/dev/zero"\nname = "c"\n')
    err = _validate(child, capsys)
    assert f"{child}, key 'scenario.extends': not a regular file" in err and "/dev/zero" in err
    fifo = tmp_path / "parent.toml"
    os.mkfifo(fifo)
    child.write_text('[scenario]\nextends = "parent.toml"\nname = "c"\n')
    start = time.monotonic()
    assert "not a regular file" in _validate(child, capsys) and time.monotonic() - start < 30
    assert "not a regular file" in _validate(Path("/dev/zero"), capsys)


def test_scenario_files_over_the_size_limit_are_refused(tmp_path, capsys, monkeypatch):
    from smartcity.schema import files

    monkeypatch.setattr(files, "MAX_TOML_BYTES", 1000)
    big = tmp_path / "big.toml"
    big.write_text("# padding\n" * 200 + '[scenario]\nname = "big"\n')
    assert "too large for a scenario file" in _validate(big, capsys)


def test_a_byte_order_mark_is_accepted(small_scenario, capsys):
    small_scenario.write_bytes(b"\xef\xbb\xbf" + small_scenario.read_bytes())
    assert main(["validate", str(small_scenario)]) == 0


def test_long_values_are_shortened_in_messages():
    text = str(InputError("not a number", file="a.toml", key="k", value="9" * 200_000))
    assert len(text) < 200 and "(200002 characters)" in text
    assert shorten("short") == "short"


# --------------------------------------------------------------------------------------
# options that name what is not there
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, expected", [
    (["kpi", "--baseline", "nobody"], "--baseline nobody: no such scenario in the results; they hold small, "),
    (["compare", "--baseline", "nobody"], "--baseline nobody: no such scenario"),
    (["compare", "--year", "1800"], "--year 1800: not a year of the results (simulated years: 2015-2017)"),
    (["kpi", "--years", "1800"], "(simulated years: 2015-2017"),
], ids=["kpi-baseline", "compare-baseline", "compare-year", "kpi-years"])
def test_options_naming_what_the_results_lack(small_results, capsys, args, expected):
    results, _, _ = small_results
    assert main([args[0], str(results), *args[1:]]) == 2
    assert expected in one_line(capsys)


def test_format_and_suffix_must_agree(small_results, tmp_path, capsys):
    results, _, _ = small_results
    assert main(["kpi", str(results), "--format", "csv", "-o", str(tmp_path / "k.md")]) == 2
    assert "--format csv does not match the file's suffix (a md file)" in one_line(capsys)
    assert listing(tmp_path) == []
    assert main(["kpi", str(results), "--format", "csv", "-o", str(tmp_path / "k.txt")]) == 0  # no implied format


def test_output_under_a_file_is_one_line(small_results, tmp_path, capsys):
    results, _, _ = small_results
    (tmp_path / "f").write_text("a file")
    assert main(["kpi", str(results), "-o", str(tmp_path / "f" / "k.csv")]) == 2
    assert "f is a file, not a folder" in one_line(capsys)


def test_report_before_any_measure_is_in_force(tmp_path, capsys):
    from tests.kpi.conftest import write_small_district

    base, light = write_small_district(tmp_path / "district")
    base.write_text(base.read_text().replace("last_year = 2017", "last_year = 2015"))
    light.write_text(light.read_text().replace("start_year = 2015", "start_year = 2016"))
    assert main(["run", "-q", str(base), str(light), "-o", str(tmp_path / "out")]) == 0
    assert main(["report", "-q", str(tmp_path / "out"), "--baseline", "small", "-o", str(tmp_path / "report")]) == 0
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "no measure of this scenario is in force yet in 2015" in page


# --------------------------------------------------------------------------------------
# accepted, but probably not meant: warnings
# --------------------------------------------------------------------------------------


def test_warnings_for_a_late_measure_and_unsourced_quantities(small_scenario, caplog):
    small_scenario.write_text(small_scenario.read_text().replace(
        'ground_albedo = { value = 0.2, unit = "1", assumption = true, reason = "test" }',
        'ground_albedo = { value = 0.2, unit = "1" }') + textwrap.dedent("""
        [measures.late]
        type = "smart_meter_feedback"
        start_year = 2030
        ramp = { value = 50, unit = "%/a", assumption = true, reason = "test" }
        heat_saving_share = { value = 3, unit = "%", assumption = true, reason = "test" }
        electricity_saving_share = { value = 3, unit = "%", assumption = true, reason = "test" }
        investment = { value = 10, unit = "DKK/m2", assumption = true, reason = "test" }
        lifetime_years = 10
    """), encoding="utf-8")
    assert main(["validate", str(small_scenario)]) == 0
    err = "\n".join(caplog.messages)  # logged as warnings (on stderr as "WARNING: ...")
    assert (f"{small_scenario}, key 'measures.late.start_year': the measure starts in 2030, after the "
            "last simulated year 2017") in err
    assert f"{small_scenario}: 1 quantity has no source (weather.ground_albedo)" in err


def test_inherited_transport_of_another_district_warns_and_can_be_dropped(tmp_path, capsys, caplog):
    import shutil

    district = tmp_path / "aalborg-east"
    shutil.copytree(REPO / "scenarios" / "aalborg-east", district,
                    ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    other = tmp_path / "other"
    other.mkdir()
    child = other / "district.toml"
    child.write_text('[scenario]\nextends = "../aalborg-east/baseline.toml"\nname = "other"\n', encoding="utf-8")
    assert main(["validate", str(child)]) == 0
    err = "\n".join(caplog.messages)
    caplog.clear()
    assert "the [transport] table (zones, residents, network) is inherited from" in err
    assert 'drop = ["transport"]' in err
    child.write_text('[scenario]\nextends = "../aalborg-east/baseline.toml"\nname = "other"\ndrop = ["transport"]\n',
                     encoding="utf-8")
    assert main(["validate", "--resolved", str(child)]) == 0
    out = capsys.readouterr().out
    assert not caplog.messages and "[transport]" not in out and "drop" not in out
    child.write_text('[scenario]\nextends = "../aalborg-east/baseline.toml"\nname = "other"\ndrop = ["transprt"]\n',
                     encoding="utf-8")
    err = _validate(child, capsys)
    assert f"{child}, key 'scenario.drop': nothing inherited under this key to drop; got 'transprt'" in err


def test_a_table_that_is_a_pipe_is_refused(small_scenario, capsys):
    table = small_scenario.parent / "buildings.csv"
    table.unlink()
    os.mkfifo(table)
    err = _validate(small_scenario, capsys)
    assert "buildings.csv: not a regular file" in err or "key 'buildings.table': not a regular file" in err
