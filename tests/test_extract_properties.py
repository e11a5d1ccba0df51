"""Property: whatever is done to a document, the extractor returns records or raises its own error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_warehouse.extract.document import extract, extract_bytes
from budget_warehouse.extract.errors import ExtractionError
from budget_warehouse.extract.records import ExtractedDocument
from conftest import SAMPLE

LINES = SAMPLE.read_text(encoding="utf-8").split("\n")

mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(LINES) - 1), st.integers(1, 40)),
    st.tuples(st.just("duplicate"), st.integers(0, len(LINES) - 1), st.integers(1, 40)),
    st.tuples(st.just("replace"), st.integers(0, len(LINES) - 1), st.text(max_size=60)),
    st.tuples(st.just("insert"), st.integers(0, len(LINES) - 1), st.text(alphabet="\t0123456789.,-合计总无<>/table tr td 表万元单位：", max_size=80)),
    st.tuples(st.just("truncate"), st.integers(0, len(LINES) - 1), st.integers(0, 200)),
    st.tuples(st.just("swap_tabs"), st.integers(0, len(LINES) - 1), st.integers(1, 30)),
)


def apply(lines: list[str], op) -> list[str]:
    kind, at, arg = op
    if not lines:
        return lines
    at = min(at, len(lines) - 1)
    if kind == "delete":
        return lines[:at] + lines[at + arg :]
    if kind == "duplicate":
        return lines[: at + arg] + lines[at : at + arg] + lines[at + arg :]
    if kind == "replace":
        return lines[:at] + [arg] + lines[at + 1 :]
    if kind == "insert":
        return lines[:at] + [arg] + lines[at:]
    if kind == "truncate":
        return lines[:at] + [lines[at][:arg]]
    return lines[:at] + [line.replace("\t", " ") for line in lines[at : at + arg]] + lines[at + arg :]


def check(call):
    try:
        doc = call()
    except ExtractionError as exc:
        assert str(exc)
        return
    assert isinstance(doc, ExtractedDocument)
    assert doc.coverage()["tokens"] >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutated_documents_give_records_or_a_structured_error(ops):
    lines = LINES
    for op in ops:
        lines = apply(lines, op)
    check(lambda: extract("\n".join(lines), source_name="mutated.txt"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_records_or_a_structured_error(data):
    check(lambda: extract_bytes(data, source_name="random.bin"))
