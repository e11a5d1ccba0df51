"""The ingest job end to end: bad input is quarantined, the rest loads, publishing is atomic."""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from budget_warehouse.pipeline import Layout, PipelineError, _nothing_changed, quarantine_copy, run_ingest
from budget_warehouse.warehouse import connect

MAX_BYTES = 300_000


def retitled(text: str, department: str) -> str:
    """The sample as another department's document (the title gives the document id)."""
    lines = text.split("\n")
    title = next(i for i, line in enumerate(lines) if line.strip().endswith("部门预算**"))
    lines[title] = f"**晋江市{department}部门预算**"
    return "\n".join(lines)


@pytest.fixture(scope="module")
def batch(tmp_path_factory, sample_text):
    raw = tmp_path_factory.mktemp("raw")
    (raw / "sample.txt").write_text(sample_text, encoding="utf-8")
    (raw / "gbk.txt").write_bytes(retitled(sample_text, "国标").encode("gb18030"))
    (raw / "utf16.txt").write_bytes(retitled(sample_text, "双字节").encode("utf-16"))
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.bin").write_bytes(bytes(range(256)) * 64)
    cut = sample_text.index("2150899\t")  # a detail row in the middle of 支出预算总表
    (raw / "truncated.txt").write_text(sample_text[:cut], encoding="utf-8")
    (raw / "not_a_budget.txt").write_text("关于召开会议的通知\n\n各单位：定于 3 月 5 日召开会议，请准时参加。\n", encoding="utf-8")
    big = retitled(sample_text, "超大") + "\n" + "附注。" * 60_000
    (raw / "too_large.txt").write_text(big, encoding="utf-8")
    warehouse = tmp_path_factory.mktemp("wh") / "budget.duckdb"
    report = run_ingest([raw], warehouse, max_bytes=MAX_BYTES, workers=2)
    return raw, warehouse, report


def test_good_documents_load_in_every_encoding(batch):
    _, warehouse, report = batch
    assert sorted(d.path.name for d in report.loaded) == ["gbk.txt", "sample.txt", "utf16.txt"]
    with connect(warehouse) as con:
        depts = sorted(r[0] for r in con.execute("select department from dim_document").fetchall())
        assert depts == ["双字节部门", "国标部门", "工信部门"]
        per_doc = con.execute(
            "select d.department, count(*), sum(amount) from fct_expenditure f join dim_document d using (document_id) "
            "where measure_group = 'kind' and measure = 'total' and row_role = 'detail' group by 1 order by 1"
        ).fetchall()
    # The same content in GB18030 and UTF-16 gives the same facts as the UTF-8 original.
    assert {(n, str(s)) for _, n, s in per_doc} == {(31, "8599.560000")}


@pytest.mark.parametrize(
    "name, reason, words",
    [
        ("empty.txt", "empty", "empty"),
        ("binary.bin", "binary", "not text"),
        ("truncated.txt", "truncated", "ends inside table '三、支出预算总表'"),
        ("not_a_budget.txt", "not_a_budget", "no standard budget table"),
        ("too_large.txt", "too_large", f"over the limit of {MAX_BYTES} bytes"),
    ],
)
def test_bad_input_is_quarantined_with_a_clear_error(batch, name, reason, words):
    raw, warehouse, report = batch
    found = [q for q in report.quarantined if q.path.name == name]
    assert len(found) == 1
    assert found[0].reason == reason
    assert name in found[0].message and words in found[0].message
    layout = Layout(warehouse.resolve())
    assert quarantine_copy(raw / name, layout).read_bytes() == (raw / name).read_bytes()
    with connect(warehouse) as con:
        row = con.execute("select reason, message from dq_quarantine where source_name = ?", [name]).fetchone()
    assert row[0] == reason and words in row[1]


def test_truncated_document_error_names_the_line(batch):
    _, _, report = batch
    truncated = next(q for q in report.quarantined if q.reason == "truncated")
    assert ", line " in truncated.message


def _fingerprint(warehouse, sql):
    with connect(warehouse) as con:
        rows = con.execute(sql).fetchall()
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


FACTS = "select document_id, table_id, source_line, unit_code, subject_code, measure_group, measure, amount from fct_expenditure"


def test_reingest_is_idempotent_and_a_changed_document_replaces_its_rows(batch, sample_text, tmp_path):
    raw, _, _ = batch
    warehouse = tmp_path / "budget.duckdb"
    shutil.copytree(raw, tmp_path / "raw")
    raw = tmp_path / "raw"
    first = run_ingest([raw], warehouse, max_bytes=MAX_BYTES, workers=1)
    before = _fingerprint(warehouse, FACTS)
    published = warehouse.read_bytes()
    again = run_ingest([raw], warehouse, max_bytes=MAX_BYTES, workers=1)
    assert {d.status for d in again.loaded} == {"unchanged"}
    # nothing changed (the bad files refused again are listed already): no build, the published file untouched
    assert again.quarantined and again.build is None and again.build_skipped.startswith("nothing changed")
    assert warehouse.read_bytes() == published and _fingerprint(warehouse, FACTS) == before
    # ... unless the suites are asked for and this warehouse (built without them) has no results
    layout = Layout(warehouse.resolve())
    assert _nothing_changed(again, layout, quality=False) and _nothing_changed(again, layout, quality=True) is None
    sample_id = next(d.document_id for d in first.loaded if d.path.name == "sample.txt")
    others = FACTS + f" where document_id <> '{sample_id}'"
    others_before = _fingerprint(warehouse, others)
    # Change one printed number of the sample: only that document's rows change.
    changed_text = sample_text.replace("\t2150506\t信息安全建设\t114.26\t106.74", "\t2150506\t信息安全建设\t114.27\t106.75", 1)
    (raw / "sample.txt").write_text(changed_text, encoding="utf-8")
    third = run_ingest([raw], warehouse, max_bytes=MAX_BYTES, workers=1)
    assert {d.path.name: d.status for d in third.loaded}["sample.txt"] == "changed"
    assert _fingerprint(warehouse, others) == others_before
    with connect(warehouse) as con:
        amounts = con.execute(
            "select amount from fct_expenditure where document_id = ? and subject_code = '2150506' "
            "and measure_group = 'kind' and measure = 'total'", [sample_id]
        ).fetchall()
        docs = con.execute("select count(*) from dim_document where document_id = ?", [sample_id]).fetchone()[0]
    assert [str(a[0]) for a in amounts] == ["114.270000"] and docs == 1


def test_a_failed_build_leaves_the_published_warehouse_untouched(batch, tmp_path, monkeypatch):
    raw, _, _ = batch
    warehouse = tmp_path / "budget.duckdb"
    run_ingest([raw / "sample.txt"], warehouse, workers=1)
    published = warehouse.read_bytes()

    import budget_warehouse.dbt_runner as runner

    def broken(staging_dir, db_path, **kwargs):
        db_path.write_bytes(b"half-written")
        raise runner.DbtBuildError("simulated failure in the middle of the build")

    monkeypatch.setattr(runner, "build_warehouse", broken)
    with pytest.raises(PipelineError, match="is unchanged"):
        run_ingest([raw / "gbk.txt"], warehouse, workers=1)
    assert warehouse.read_bytes() == published
    assert not Layout(warehouse.resolve()).next_build.exists()


def _dying_validate(path, **kwargs):  # the quality worker killed mid-run (as by the kernel's OOM killer)
    os._exit(9)


def test_a_dying_quality_worker_is_a_clear_error_and_publishes_nothing(batch, tmp_path):
    raw, _, _ = batch
    warehouse = tmp_path / "budget.duckdb"
    run_ingest([raw / "sample.txt"], warehouse, workers=1)
    published = warehouse.read_bytes()
    with pytest.raises(PipelineError, match="the quality step's worker process died .*budget.duckdb is unchanged"):
        run_ingest([raw / "gbk.txt"], warehouse, workers=1, validate=_dying_validate)
    assert warehouse.read_bytes() == published
    assert not Layout(warehouse.resolve()).next_build.exists()


def test_staging_is_one_file_per_record_type_per_batch_and_unchanged_files_are_not_read(sample_text, tmp_path, monkeypatch):
    import duckdb

    import budget_warehouse.pipeline as pipeline
    from budget_warehouse.pipeline import IngestReport, stage
    from budget_warehouse.staging import RECORD_FILES, read_manifest

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(sample_text, encoding="utf-8")
    (raw / "b.txt").write_text(retitled(sample_text, "国标"), encoding="utf-8")
    layout = Layout(tmp_path / "wh" / "budget.duckdb")
    files = sorted(raw.iterdir())
    stage(files, layout, workers=1, report=(first := IngestReport(layout.warehouse)))
    assert [d.status for d in first.loaded] == ["new", "new"]
    manifest = read_manifest(layout.staging)
    assert len(manifest) == 2 and len({batch for batch, _ in manifest.values()}) == 1
    for stem in RECORD_FILES:  # the batch's file and the zero-row template, nothing per document
        assert sorted(p.name for p in (layout.staging / stem).iterdir()) == sorted(
            ["_empty.parquet", f"{next(iter(manifest.values()))[0]}.parquet"])

    # Same size and mtime: the bytes are not even read (hashing would fail here).
    monkeypatch.setattr(pipeline.hashlib, "sha256", lambda *a: (_ for _ in ()).throw(AssertionError("read")))
    stage(files, layout, workers=1, report=(again := IngestReport(layout.warehouse)))
    assert [d.status for d in again.loaded] == ["unchanged", "unchanged"]
    monkeypatch.undo()

    # A changed document: a new batch replaces its rows; the other document keeps its batch.
    (raw / "a.txt").write_text(sample_text.replace("\t2150506\t信息安全建设\t114.26", "\t2150506\t信息安全建设\t114.27", 1),
                               encoding="utf-8")
    stage(files, layout, workers=1, report=(third := IngestReport(layout.warehouse)))
    assert [d.status for d in third.loaded] == ["changed", "unchanged"]
    after = read_manifest(layout.staging)
    a_id, b_id = (d.document_id for d in third.loaded)
    assert after[b_id] == manifest[b_id] and after[a_id][0] != manifest[a_id][0]
    # What dbt's staging views read: each document's rows once, from its current batch.
    staging = str(layout.staging)
    with duckdb.connect() as con:
        rows = con.execute(
            f"select s.document_id, count(*), count(*) filter (where s.printed = '114.27') from read_parquet("
            f"'{staging}/cells/[!.]*.parquet', union_by_name = true, filename = true) s semi join "
            f"read_parquet('{staging}/_manifest.parquet') m on m.document_id = s.document_id "
            "and m.batch = parse_filename(s.filename, true) group by 1 order by 1").fetchall()
        totals = con.execute(f"select document_id, count(*) from read_parquet('{staging}/cells/*.parquet') "
                             "group by 1 order by 1").fetchall()
    cells = dict(totals)
    assert {d: n for d, n, _ in rows} == {a_id: cells[a_id] // 2, b_id: cells[b_id]}
    assert {d: k for d, _, k in rows}[a_id] == 1
def test_a_run_where_every_file_is_refused_builds_nothing(tmp_path, monkeypatch):
    """A scan (PDF without text) and an Office file are quarantined before, and instead of, any dbt build."""
    import pymupdf

    import budget_warehouse.dbt_runner as runner

    def must_not_build(*args, **kwargs):
        raise AssertionError("dbt build started for a run in which every file was refused")

    monkeypatch.setattr(runner, "build_warehouse", must_not_build)
    raw = tmp_path / "raw"
    raw.mkdir()
    scan = pymupdf.open()
    scan.new_page().draw_rect(pymupdf.Rect(20, 20, 300, 300))
    (raw / "scan.pdf").write_bytes(scan.tobytes())
    (raw / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000))
    report = run_ingest([raw], tmp_path / "wh" / "budget.duckdb", workers=1)
    assert {q.path.name: q.reason for q in report.quarantined} == {"scan.pdf": "no_text_layer", "legacy.doc": "office_document"}
    assert report.build is None and "no dbt build" in report.build_skipped
    assert not (tmp_path / "wh" / "budget.duckdb").exists()
    assert quarantine_copy(raw / "scan.pdf", Layout((tmp_path / "wh" / "budget.duckdb").resolve())).exists()


def test_real_path_is_path_resolve_through_symlinked_folders_and_files(tmp_path):
    """_real_path resolves each folder once (cached per run), yet names a file as Path.resolve does."""
    from budget_warehouse.pipeline import _real_folder, _real_path

    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    (real / "b.txt").symlink_to(real / "a.txt")
    _real_folder.cache_clear()
    for path in (real / "a.txt", tmp_path / "link" / "a.txt", tmp_path / "link" / "b.txt", tmp_path / "link" / ".." / "real" / "a.txt"):
        assert _real_path(path) == str(path.resolve())
    assert _real_path(tmp_path / "link" / "a.txt") == str(real / "a.txt")
