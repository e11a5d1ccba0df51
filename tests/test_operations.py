"""Unattended operation under faults: one writer at a time, kill -9 at every phase, a reader during
publish, exit codes a scheduler can use, the quarantine kept true, a query that cannot write.

Processes are real (subprocesses killed with SIGKILL); waits poll with generous timeouts so a
loaded machine only makes the tests slower, never wrong.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from budget_warehouse import exit_codes
from budget_warehouse.cli import main
from budget_warehouse.pipeline import Layout, run_ingest
from budget_warehouse.warehouse import connect
from budget_warehouse.writer_lock import WarehouseBusy, lock_path, writer_lock
from conftest import ROOT, SAMPLE

TIMEOUT = 600  # seconds: only ever reached when something is broken


def wait_for(condition, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as dead)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def other_department(text: str, department: str) -> str:
    """The sample as another department's document (the title gives the document id)."""
    return text.replace("晋江市工信部门预算", f"晋江市{department}部门预算", 1)


def python(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, **kwargs)


# -- query: one read-only statement -----------------------------------------------------------


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("query") / "budget.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table dim_document as select 'doc-1' as document_id, 2019 as year")
    other = path.with_name("other.duckdb")
    with duckdb.connect(str(other)) as con:
        con.execute("create table keep_me as select 1 as x")
    return path


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("", "empty query"),
        ("  ;  ", "empty query"),
        ("select 1; select 2", "2 statements given"),
        ("select * from dim_document; drop table dim_document", "2 statements given"),
        ("copy dim_document to '{out}/leak.csv'", "COPY statements are refused"),
        ("attach '{other}' as o (READ_WRITE)", "ATTACH statements are refused"),
        ("install httpfs", "INSTALL statements are refused"),
        ("load httpfs", "LOAD statements are refused"),
        ("set enable_external_access = true", "SET statements are refused"),
        ("pragma database_list", "PRAGMA statements are refused"),
        ("create table t as select 1", "CREATE statements are refused"),
        ("drop table dim_document", "DROP statements are refused"),
        ("select * from read_csv('/etc/passwd')", "read_csv(…) reads or writes files"),
        ("select * from read_text('/etc/hostname')", "read_text(…) reads or writes files"),
        ("select * from glob('/etc/*')", "glob(…) reads or writes files"),
        ("select * from parquet_scan('{out}/x.parquet')", "parquet_scan(…) reads or writes files"),
    ],
)
def test_query_refuses_anything_but_one_read_only_select(small_warehouse, capsys, sql, words):
    out = small_warehouse.parent
    sql = sql.format(out=out, other=small_warehouse.with_name("other.duckdb"))
    before = small_warehouse.read_bytes()
    assert main(["query", sql, "--warehouse", str(small_warehouse)]) == exit_codes.FAILED
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert small_warehouse.read_bytes() == before and not (out / "leak.csv").exists()


def test_the_sandbox_holds_at_the_database_level(small_warehouse):
    """Even a statement that got past the text checks cannot write, read files or change the sandbox."""
    other = small_warehouse.with_name("other.duckdb")
    with connect(small_warehouse, sandboxed=True) as con:
        for sql in (
            f"copy dim_document to '{small_warehouse.parent}/leak.csv'",
            f"attach '{other}' as o (READ_WRITE)",
            "select * from '/etc/hostname'",
            "install httpfs",
            "set enable_external_access = true",
            "create table t as select 1",
        ):
            with pytest.raises(duckdb.Error):
                con.execute(sql)
        assert con.execute("select count(*) from dim_document").fetchone() == (1,)
    with duckdb.connect(str(other), read_only=True) as con:
        assert con.execute("select x from keep_me").fetchall() == [(1,)]
    assert not (small_warehouse.parent / "leak.csv").exists()


def test_a_good_query_still_runs(small_warehouse, capsys):
    assert main(["query", "select document_id, year from dim_document", "--warehouse", str(small_warehouse),
                 "--format", "csv"]) == exit_codes.OK
    assert capsys.readouterr().out.splitlines() == ["document_id,year", "doc-1,2019"]


# -- one writer at a time ---------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from budget_warehouse.writer_lock import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_second_writer_is_refused_with_who_holds_the_lock_then_waits_with_wait(tmp_path, capsys):
    warehouse = tmp_path / "budget.duckdb"
    holder = python("-c", HOLD, str(warehouse), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["ingest", str(SAMPLE), "--warehouse", str(warehouse), "--workers", "1"]) == exit_codes.BUSY
        err = capsys.readouterr().err
        assert f"another ingest of {warehouse} is running (pid {holder.pid} since 20" in err
        assert "--wait" in err and "Traceback" not in err
        assert not (tmp_path / "staging").exists()  # nothing done

        # the same in-process (Dagster runs and tests share the module): refused too
        with pytest.raises(WarehouseBusy, match=f"pid {holder.pid}"):
            with writer_lock(warehouse):
                pass

        # --wait: waits while the holder runs; the holder is killed (-9) and the waiter goes on
        result = {}
        waiter = threading.Thread(target=lambda: result.setdefault("rc", main(
            ["ingest", str(SAMPLE), "--warehouse", str(warehouse), "--workers", "1", "--no-quality", "--wait"])))
        waiter.start()
        time.sleep(2)
        assert waiter.is_alive() and not warehouse.exists()
    finally:
        holder.kill()
        holder.wait()
    # the dead holder's lock file is still there, with its pid: a stale lock, taken over at once
    waiter.join(TIMEOUT)
    assert result["rc"] == exit_codes.OK and warehouse.exists()
    assert f"pid {os.getpid()} since" not in lock_path(warehouse).read_text()  # emptied when released


def test_two_ingests_at_once_the_second_is_refused_plainly(tmp_path, sample_text):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(sample_text, encoding="utf-8")
    warehouse = tmp_path / "wh" / "budget.duckdb"
    cli = [sys.executable, "-m", "budget_warehouse.cli", "ingest", str(raw), "--warehouse", str(warehouse),
           "--workers", "1", "--no-quality"]
    first = subprocess.Popen(cli, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: f"pid {first.pid} " in (lock_path(warehouse).read_text() if lock_path(warehouse).exists() else ""),
             "the first ingest to hold the lock")
    second = subprocess.run(cli, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    out, err = first.communicate(timeout=TIMEOUT)
    assert first.returncode == exit_codes.OK, err
    assert second.returncode == exit_codes.BUSY and f"another ingest of {warehouse} is running (pid {first.pid} since" in second.stderr
    # on main: hundreds of unrelated dbt errors or a raw DuckDB traceback
    assert len(second.stderr.strip().splitlines()) == 1 and "Traceback" not in second.stderr
    with connect(warehouse) as con:
        assert con.execute("select count(*) from dim_document").fetchone() == (1,)


# -- kill -9 at every phase -------------------------------------------------------------------

# Runs one ingest with a hook at the start of the phase named in argv[1]: the hook writes a marker
# file (name: phase.pid) and, for extract and publish, sleeps (so the kill lands inside the phase);
# for build and validate the real work goes on and the kill lands in the middle of it.
DRIVER = """
import os, sys, time
from pathlib import Path
import budget_warehouse.dbt_runner as dbt_runner
import budget_warehouse.pipeline as pipeline
from budget_warehouse.quality.run import validate_warehouse

phase, warehouse, markers, *paths = sys.argv[1:]
warehouse, markers = Path(warehouse).resolve(), Path(markers)

def mark():
    (markers / f"{phase}.{os.getpid()}").touch()

if phase == "extract":
    def stage_one(args):
        mark()
        time.sleep(600)
    pipeline._stage_batch = stage_one
elif phase == "build":
    build = dbt_runner.build_warehouse
    def build_warehouse(*args, **kwargs):
        mark()
        return build(*args, **kwargs)
    dbt_runner.build_warehouse = build_warehouse
elif phase == "publish":
    class Os:
        def __getattr__(self, name):
            return getattr(os, name)
        def replace(self, src, dst):
            if Path(dst) == warehouse:
                mark()
                time.sleep(600)
            os.replace(src, dst)
    pipeline.os = Os()

def validate(path, **kwargs):  # runs in the quality worker process
    result = validate_warehouse(path, **kwargs)
    if phase == "validate":  # the results are written into the build file, not yet published
        mark()
        time.sleep(600)
    return result

pipeline.run_ingest([Path(p) for p in paths], warehouse, workers=2, validate=validate)
print("finished", flush=True)
"""


def kill_at(phase: str, warehouse: Path, paths: list[Path], markers: Path) -> tuple[int, list[int]]:
    """Start an ingest, SIGKILL it inside ``phase``; returns its pid and the pids that had reached the phase."""
    markers.mkdir(exist_ok=True)
    proc = python("-c", DRIVER, phase, str(warehouse), str(markers), *map(str, paths),
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        reached = wait_for(lambda: sorted(markers.glob(f"{phase}.*")) or proc.poll() is not None, f"phase {phase}")
        assert proc.poll() is None, f"the ingest ended before {phase}: {proc.communicate()}"
        if phase == "build":  # into the middle of dbt's writing
            wait_for(lambda: Layout(warehouse.resolve()).next_build.exists(), "dbt to create the build file")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.pid, [int(p.name.split(".")[1]) for p in reached]


@pytest.fixture(scope="module")
def killed(tmp_path_factory, sample_text):
    """A published warehouse of the sample, then an ingest of the sample and a second document
    killed with SIGKILL in each phase in turn, then one run that completes (with a reader holding
    the old warehouse open during it)."""
    tmp = tmp_path_factory.mktemp("kill")
    raw = tmp / "raw"
    raw.mkdir()
    (raw / "sample.txt").write_text(sample_text, encoding="utf-8")
    warehouse = tmp / "wh" / "budget.duckdb"
    run_ingest([raw], warehouse, workers=1)
    published = warehouse.read_bytes()
    (raw / "other.txt").write_text(other_department(sample_text, "农业"), encoding="utf-8")
    many = tmp / "many"  # enough new files for the pool of extraction workers
    many.mkdir()
    for i in range(10):
        (many / f"f{i}.txt").write_text(f"file {i}\n", encoding="utf-8")
    outcome = {"published_before": published, "after_kill": {}, "lock_free": {}, "workers": {}, "warehouse": warehouse}
    for phase in ("extract", "build", "validate", "publish"):
        parent, pids = kill_at(phase, warehouse, [raw, many] if phase == "extract" else [raw], tmp / "markers")
        if phase in ("extract", "validate"):  # markers of worker processes: they die with the ingest
            outcome["workers"][phase] = [p for p in pids if p != parent]
            wait_for(lambda: not any(alive(p) for p in outcome["workers"][phase]), f"the {phase} workers to die", 60)
        outcome["after_kill"][phase] = warehouse.read_bytes()
        try:
            with writer_lock(warehouse):
                outcome["lock_free"][phase] = True
        except WarehouseBusy as exc:
            outcome["lock_free"][phase] = str(exc)

    reader = connect(warehouse)
    outcome["reader_before"] = reader.execute("select count(*) from dim_document").fetchone()[0]
    outcome["final"] = run_ingest([raw], warehouse, workers=2, validate=__import__(
        "budget_warehouse.quality.run", fromlist=["validate_warehouse"]).validate_warehouse)
    outcome["reader_after"] = reader.execute("select count(*) from dim_document").fetchone()[0]
    reader.close()
    return outcome


@pytest.mark.parametrize("phase", ["extract", "build", "validate", "publish"])
def test_kill_9_in_any_phase_leaves_the_published_warehouse_byte_identical(killed, phase):
    assert killed["after_kill"][phase] == killed["published_before"]
    assert killed["lock_free"][phase] is True  # the killed writer's lock is gone with it


def test_kill_9_during_extraction_or_validation_takes_the_workers_with_it(killed):
    # the pools had started workers (each wrote its marker), and none outlived the parent
    assert len(killed["workers"]["extract"]) >= 1 and len(killed["workers"]["validate"]) == 1
    assert not any(alive(p) for pids in killed["workers"].values() for p in pids)


def test_the_run_after_the_kills_is_complete(killed):
    final = killed["final"]
    assert sorted(d.path.name for d in final.loaded) == ["other.txt", "sample.txt"] and not final.quarantined
    warehouse = killed["warehouse"]
    layout = Layout(warehouse.resolve())
    assert not layout.next_build.exists() and not layout.next_build.with_name(layout.next_build.name + ".wal").exists()
    with connect(warehouse) as con:
        per_doc = con.execute(
            "select d.department, count(*), count(*) filter (where status = 'fail') from dq_rule_instance "
            "join dim_document d using (document_id) group by 1 order by 1"
        ).fetchall()
        checked = con.execute("select count(distinct document_id) from dq_check_result").fetchone()[0]
        recomputed = {source for (source,) in con.execute(
            "select source_name from dim_document where document_id in (select document_id from document_scope "
            "where recompute)").fetchall()}
    # the sample's 1059 instances (993, 24 of the text family, 42 of issue 8's families) and 20 real breaks
    # (test_rules), for both documents
    assert per_doc == [("农业部门", 1059, 20), ("工信部门", 1059, 20)] and checked == 2
    # Data Docs name the published warehouse (not the build file) and the documents as everywhere
    docs = (warehouse.parent / "data_docs" / "index.html").read_text(encoding="utf-8")
    assert f"warehouse {warehouse.resolve()}</p>" in docs and "budget.next" not in docs
    # its findings are the failing instances of the documents the last build recomputed
    names = {"other.txt": "晋江市农业部门 2019 预算 (other.txt)", "sample.txt": "晋江市工信部门 2019 预算 (sample.txt)"}
    assert recomputed and {source for source, name in names.items() if name in docs} == recomputed


def test_a_reader_keeps_its_snapshot_during_publish(killed):
    assert killed["reader_before"] == 1 and killed["reader_after"] == 1  # the old file, still readable
    with connect(killed["warehouse"]) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == 2


# -- exit codes and the quarantine ------------------------------------------------------------


def test_exit_codes_and_the_quarantine_follow_the_files(tmp_path, sample_text, capsys):
    raw = tmp_path / "raw"
    for folder in ("a", "b"):
        (raw / folder).mkdir(parents=True)
    (raw / "a" / "bad.txt").write_bytes(b"")  # two bad files with one name, in two folders
    (raw / "b" / "bad.txt").write_bytes(bytes(range(256)) * 64)
    (raw / "sample.txt").write_text(sample_text, encoding="utf-8")
    warehouse = tmp_path / "wh" / "budget.duckdb"
    ingest = ["ingest", "--warehouse", str(warehouse), "--workers", "1", "--no-quality"]
    layout = Layout(warehouse.resolve())

    def quarantined():
        with connect(warehouse) as con:
            return sorted(con.execute("select source_path, reason from dq_quarantine").fetchall())

    assert main(ingest[:1] + [str(raw)] + ingest[1:]) == exit_codes.SOME_QUARANTINED
    out = capsys.readouterr().out
    assert "quarantined 2" in out and "listed in table dq_quarantine" in out
    assert quarantined() == [(str((raw / "a" / "bad.txt").resolve()), "empty"), (str((raw / "b" / "bad.txt").resolve()), "binary")]
    copies = sorted(layout.quarantine.rglob("bad.txt"))
    assert len(copies) == 2 and sorted(p.read_bytes() for p in copies) == [b"", bytes(range(256)) * 64]

    # a bad file removed from the raw folder leaves the quarantine (record and copy); and a run in
    # which nothing loads (its one file quarantined) says so
    (raw / "a" / "bad.txt").unlink()
    assert main(ingest[:1] + [str(raw / "b")] + ingest[1:]) == exit_codes.NOTHING_LOADED
    assert quarantined() == [(str((raw / "b" / "bad.txt").resolve()), "binary")]
    assert [p.read_bytes() for p in layout.quarantine.rglob("bad.txt")] == [bytes(range(256)) * 64]
    # failed (no such file): nothing done, the published warehouse is unchanged
    before = warehouse.read_bytes()
    assert main(ingest[:1] + [str(raw / "no-such-file.txt")] + ingest[1:]) == exit_codes.FAILED
    assert warehouse.read_bytes() == before
    capsys.readouterr()


# -- make dev -------------------------------------------------------------------------------------


def group_members(pgid: int) -> list[str]:
    """Command lines of the live processes of process group ``pgid``."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                out.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, ValueError):  # the process ended meanwhile
            continue
    return out


def test_make_dev_says_what_runs_and_stops_everything_on_the_first_sigterm(tmp_path):
    from pipelines.definitions import defs
    from test_alerts import free_port

    env = {**os.environ, "BUDGET_RAW_DIR": str(tmp_path / "raw"), "BUDGET_WAREHOUSE": str(tmp_path / "wh" / "budget.duckdb")}
    make = subprocess.Popen(
        ["make", "dev", f"DEV_PORT={free_port()}", f"DAGSTER_HOME={tmp_path / 'dagster_home'}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    dagster_pid = None
    try:
        said = []
        for line in make.stdout:
            said.append(line)
            if line.startswith("dagster dev started (pid "):
                dagster_pid = int(line.split("pid ")[1].rstrip(")\n"))
                break
        text = "".join(said)
        for s in [*defs.sensors, *defs.schedules]:
            assert f"{s.name}: RUNNING" in text  # every automation that starts by itself is named
        assert "sensor   raw_folder_sensor: RUNNING, every 30 s" in text
        assert "schedule daily_ingest_schedule: RUNNING, cron '0 2 * * *' (Asia/Shanghai)" in text
        # dagster dev has spawned its code server
        wait_for(lambda: any("code-server" in c or "api grpc" in c for c in group_members(dagster_pid)),
                 "dagster dev's code server", 300)
        make.send_signal(signal.SIGTERM)  # one SIGTERM, to make, as a supervisor sends it
        make.wait(60)
        wait_for(lambda: not group_members(dagster_pid), "every dagster process to end", 30)
    finally:
        for pgid in (dagster_pid, make.pid):
            if pgid and group_members(pgid):
                os.killpg(pgid, signal.SIGKILL)
        make.stdout.close()
        if make.poll() is None:
            make.kill()
            make.wait()
