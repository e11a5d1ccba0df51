"""The warehouse updated by document equals one rebuilt whole from the same staging (issue 9)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from budget_warehouse import build_file, increment
from budget_warehouse.corpus.cli import write_corpus
from budget_warehouse.dbt_runner import DBT_PROJECT_DIR, _target_dir, build_warehouse
from budget_warehouse.pipeline import Layout, run_ingest
from budget_warehouse.staging import MANIFEST, write_empty_templates

# Models under checks/ and marts/ that join documents other than by year-over-year neighbours: the
# dimensions, rebuilt whole (materialized='table'), and the year-over-year marts that take their names,
# views over per-document tables (int_yoy_*); every other one is document_incremental.
CROSS_DOCUMENT = {"dim_subject", "dim_economic_class", "dim_funding_source",
                  "fct_yoy_economic", "fct_yoy_subject", "fct_yoy_revenue"}


def _ids(warehouse) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select source_name, document_id from dim_document").fetchall())


def _unstage(staging, document_id: str) -> None:
    """Take a document out of the staging manifest (what the warehouse is built from)."""
    manifest = pq.read_table(staging / MANIFEST)
    pq.write_table(manifest.filter(pc.field("document_id") != document_id), staging / MANIFEST)


def _files_of_one_value(values: dict[Path, str]) -> None:
    """A DuckDB file per path holding its value in table t (column v)."""
    for path, value in values.items():
        with duckdb.connect(str(path)) as con:
            con.execute("create table t as select ? as v", [value])


@contextmanager
def _reader(path: Path):
    """Another process holding the DuckDB file open read-only (a query started before a publish) for the block."""
    reader = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
                               "print('open', flush=True); sys.stdin.read()", str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        yield
    finally:
        reader.communicate("")


@pytest.fixture(scope="module")
def runs(tmp_path_factory, sample_text):
    """Two departments over three years and the sample. Then one added (a middle year: the next
    year's comparisons change); then one changed (the sample, table 3's first 合计) and one removed
    (a first year: the second year loses its comparison). The full build leaves a copy of itself for
    the next build; a reader holds that copy open, so the first increment starts from a copy of the
    published file; the second from the file the first replaced (two runs behind: the scope spans
    both). Then a full rebuild of the same staging."""
    work = tmp_path_factory.mktemp("incremental")
    corpus, raw = work / "corpus", work / "raw"
    write_corpus(6, corpus, seed=11, years=3)
    truths = [json.loads(line) for line in (corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    files = sorted(corpus.glob("*.txt"))
    years = [t["truth"]["year"] for t in truths]
    assert [y - years[i // 3 * 3] for i, y in enumerate(years)] == [0, 1, 2] * 2  # A1 A2 A3 B1 B2 B3
    raw.mkdir()
    for path in files[:1] + files[2:]:  # A2 held back
        shutil.copy(path, raw / path.name)
    (raw / "sample.txt").write_text(sample_text, encoding="utf-8")
    warehouse = work / "wh" / "budget.duckdb"
    first = run_ingest([raw], warehouse, workers=1)
    before = _ids(warehouse)

    shutil.copy(files[1], raw / files[1].name)  # A2 added
    with _reader(Layout(warehouse.resolve()).previous):
        added = run_ingest([raw], warehouse, workers=1)
    (raw / "sample.txt").write_text(sample_text.replace("8599.56", "8599.66", 1), encoding="utf-8")  # changed
    (raw / files[3].name).unlink()  # B1 removed: ingest keeps documents whose file is gone, so from staging
    _unstage(Layout(warehouse.resolve()).staging, before[files[3].name])
    second = run_ingest([raw], warehouse, workers=1)
    singular = {p.name: p.read_text(encoding="utf-8") for p in (_target_dir() / "compiled").rglob("tests/*.sql")}
    totals = {"incremental": _compiled_model("chk_cross_totals")}
    incremental = work / "incremental.duckdb"
    shutil.copyfile(warehouse, incremental)
    full = run_ingest([raw], warehouse, workers=1, full_refresh=True)
    totals["full"] = _compiled_model("chk_cross_totals")
    return {"files": files, "first": first, "added": added, "second": second, "full": full, "before": before,
            "after": _ids(warehouse), "incremental": incremental, "warehouse": warehouse, "singular": singular,
            "totals": totals}


def _compiled_model(name: str) -> str:
    (path,) = (_target_dir() / "compiled").rglob(f"models/checks/{name}.sql")
    return path.read_text(encoding="utf-8")


def test_incremental_build_equals_full_rebuild(runs):
    assert runs["first"].plan.full and runs["full"].plan.full
    assert "copy for the next build" in runs["first"].timings and "copy for the next build" in runs["full"].timings
    assert runs["added"].plan.changed == 1 and "copy published" in runs["added"].timings  # its reader
    assert runs["second"].plan.changed == 3 and "start from previous" in runs["second"].timings  # A2, sample, B1
    incremental, full = increment.table_digests(runs["incremental"]), increment.table_digests(runs["warehouse"])
    assert sorted(incremental) == sorted(full)
    assert {t for t in full if incremental[t] != full[t]} == set()
    assert full["dq_rule_instance"][0] > 1000 and full["fct_yoy_project"][0] > 0


def test_scope_is_the_changed_documents_and_their_next_years(runs):
    files, before, after = runs["files"], runs["before"], runs["after"]
    a1, a2, a3, b1, b2, _ = (f.name for f in files)
    with duckdb.connect(str(runs["incremental"]), read_only=True) as con:
        scope = {d for (d,) in con.execute("select document_id from document_scope where recompute").fetchall()}
        compared = dict(con.execute(
            "select document_id, previous_document_id from fct_yoy_three_public group by all").fetchall())
        removed_rows = con.execute("select count(*) from dq_rule_instance where document_id = ?", [before[b1]]).fetchone()
        changed = con.execute(
            "select count(*) from fct_expenditure where document_id = ? and amount = 8599.66", [after["sample.txt"]]
        ).fetchone()
    assert scope == {after[a2], after[a3], after["sample.txt"], before[b1], after[b2]}
    assert compared[after[a3]] == after[a2] and compared[after[a2]] == after[a1] and compared[after[b2]] is None
    assert removed_rows == (0,) and changed[0] > 0


def test_singular_tests_read_the_recomputed_documents_in_a_build_by_document(runs):
    """tests/*.sql compiled for the second increment: each per-document relation they read is limited to
    the three documents it recomputed (the others passed before); a seed or whole-rebuilt table is not."""
    with duckdb.connect(str(runs["incremental"]), read_only=True) as con:
        recomputed = [d for (d,) in con.execute("select document_id from document_scope where recompute order by 1").fetchall()]
    scope = "where document_id in (" + ", ".join(f"'{d}'" for d in recomputed) + ")"
    cells = runs["singular"]["assert_valued_cells_reach_their_mart.sql"]
    assert cells.count(scope) == 8  # stg_cells and the seven fact marts
    codes = runs["singular"]["assert_fact_codes_in_dimensions_for_their_year.sql"]
    assert codes.count(scope) == 5 and '"dim_subject"' in codes  # the four facts and dim_document; dims whole
    assert "document_id in" not in runs["singular"]["assert_seed_validity_periods_do_not_overlap.sql"]


def test_a_rule_models_input_is_inlined_in_a_full_build_only(runs):
    """macros/document_incremental.sql, inlined_in_full_build(): the CTE over chk_input_cells is not
    materialized in a full build (millions of rows), and materialized once by document."""
    assert "with c as not materialized (" in runs["totals"]["full"]
    assert "with c as  (" in runs["totals"]["incremental"] and "not materialized" not in runs["totals"]["incremental"]
    assert "document_id in (" in runs["totals"]["incremental"]  # it was compiled by document


def test_only_cross_document_models_are_rebuilt_whole(runs):  # runs: this worker's dbt target folder holds a parse
    nodes = json.loads((_target_dir() / "manifest.json").read_text(encoding="utf-8"))["nodes"].values()
    kinds = {n["name"]: n["config"]["materialized"] for n in nodes
             if n["resource_type"] == "model" and n["path"].split("/")[0] in ("checks", "marts")}
    assert {name for name, kind in kinds.items() if kind != "document_incremental"} == CROSS_DOCUMENT
    assert "dq_rule_instance" in kinds and "chk_year_over_year" in kinds


def test_dbt_closes_the_file_it_kept_open_for_the_build(runs, tmp_path):
    """profiles.yml keeps the file open for the whole build (one open, not one per node); the in-process
    build closes it when dbt finishes: another process can then open it to write, and this one with
    another configuration (what the quality step and readers do)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    assert "keep_open: true" in (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    assert DuckDBConnectionManager._ENV is None
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(runs["warehouse"], copy)
    build_warehouse(Layout(runs["warehouse"].resolve()).staging, copy)
    writer = subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).execute("
                             "'create table opened_after_dbt as select 1 as x')", str(copy)],
                            capture_output=True, text=True)
    assert writer.returncode == 0, writer.stderr
    with duckdb.connect(str(copy), read_only=True, config={"threads": 1}) as con:
        assert con.execute("select x from opened_after_dbt").fetchall() == [(1,)]


def test_a_changed_project_or_nothing_changed(runs):
    layout = Layout(runs["warehouse"].resolve())
    same = increment.plan(layout.warehouse, layout.staging)
    assert not same.full and same.changed == 0
    other = increment.plan(layout.warehouse, layout.staging, current="another project")
    assert other.full and "changed since the warehouse was built" in other.reason


def test_publish_keeps_the_replaced_file_and_a_reader_keeps_it_from_being_written(tmp_path):
    published, previous, target = tmp_path / "w.duckdb", tmp_path / "w.previous.duckdb", tmp_path / "w.next.duckdb"
    _files_of_one_value({published: "old", target: "new"})
    build_file.keep_previous(published, previous)
    os.replace(target, published)
    for path, value in ((published, "new"), (previous, "old")):
        with duckdb.connect(str(path), read_only=True) as con:
            assert con.execute("select v from t").fetchone() == (value,)
    assert not build_file.in_use(previous)
    with _reader(previous):
        assert build_file.in_use(previous)
    assert not build_file.in_use(previous)


def test_a_full_builds_publish_leaves_a_copy_for_the_next_build(tmp_path):
    """keep_copy: the previous file is a copy of the build (not the published file, not a link), written
    under a temporary name first; a copy left half-written by a killed run is removed by the next start."""
    published, previous, build = tmp_path / "w.duckdb", tmp_path / "w.previous.duckdb", tmp_path / "w.next.duckdb"
    _files_of_one_value({published: "old", build: "new"})
    build_file.keep_copy(build, previous)
    os.replace(build, published)
    for path in (published, previous):
        with duckdb.connect(str(path), read_only=True) as con:
            assert con.execute("select v from t").fetchone() == ("new",)
    assert not os.path.samefile(published, previous) and sorted(p.name for p in tmp_path.iterdir()) == [
        "w.duckdb", "w.previous.duckdb"]
    (tmp_path / "w.previous.duckdb.copying").write_bytes(b"half a copy")
    (tmp_path / "staging").mkdir()
    build_file.start(published, previous, build, tmp_path / "staging", full_refresh=True, current="x", timings={})
    assert not (tmp_path / "w.previous.duckdb.copying").exists()


def test_a_previous_name_left_on_the_published_file_is_never_written(tmp_path):
    """A run killed between keep_previous and its rename leaves both names on one file: the next
    build must not start from it (it would write into the published warehouse)."""
    published, previous, target = tmp_path / "w.duckdb", tmp_path / "w.previous.duckdb", tmp_path / "w.next.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute("create table t as select 1 as v")
    build_file.keep_previous(published, previous)  # then killed before the rename
    (tmp_path / "staging").mkdir()
    plan = build_file.start(published, previous, target, tmp_path / "staging", full_refresh=False, current="x",
                            timings=(timings := {}))
    assert plan.full and not previous.exists() and not target.exists() and published.exists() and not timings


def test_a_view_whose_sql_is_unchanged_is_left_alone(tmp_path):
    """macros/view.sql: a view is re-created only when its compiled SQL (which names the staging
    folder and the database) differs from the one it was created from, or on a full refresh."""
    staging, db_path = tmp_path / "staging", tmp_path / "w.duckdb"
    write_empty_templates(staging)
    build_warehouse(staging, db_path, select="+int_units")

    def stale() -> None:  # another body under the digest of the real one
        with duckdb.connect(str(db_path)) as con:
            (comment,) = con.execute("select comment from duckdb_views() where view_name = 'int_units'").fetchone()
            assert comment.startswith("dbt sql md5 ")
            con.execute("create or replace view int_units as select 'stale' as marker")
            con.execute(f"comment on view int_units is '{comment}'")

    def columns() -> list[str]:
        with duckdb.connect(str(db_path), read_only=True) as con:
            return [c for (c,) in con.execute("select column_name from information_schema.columns"
                                              " where table_name = 'int_units' order by ordinal_position").fetchall()]

    stale()
    build_warehouse(staging, db_path, select="int_units")
    assert columns() == ["marker"]  # same SQL: not re-created
    build_warehouse(staging, db_path, select="int_units", full_refresh=True)
    assert "unit_name" in columns()
    # a staging view's SQL names the staging folder: read from another one, it is re-created
    moved = tmp_path / "moved"
    shutil.copytree(staging, moved)
    build_warehouse(moved, db_path, select="stg_documents")
    with duckdb.connect(str(db_path), read_only=True) as con:
        (sql,) = con.execute("select sql from duckdb_views() where view_name = 'stg_documents'").fetchone()
    assert str(moved) in sql and str(staging) + "/" not in sql
