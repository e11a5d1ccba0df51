"""Read access to a published warehouse (read-only: never blocks or races a build)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import duckdb

# A user's query runs in a sandbox enforced by DuckDB itself, not by inspecting the text: the file is
# opened read-only, no extension can be installed or loaded, no file outside the warehouse's staging
# folder (which its stg_* views read) can be read or written, and the query cannot change any of it
# back (configuration locked). Writing files needs COPY or EXPORT, which check_query refuses.
SANDBOX = {
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
}
# Table functions that read or write files: refused by name too, for a clear message (the sandbox
# would refuse them anyway).
_FILE_FUNCTIONS = re.compile(r"\b(read_\w+|\w+_scan|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_\w+)\s*\(", re.I)


class QueryRefused(ValueError):
    """The query is not one read-only SQL statement."""


def connect(path: Path, *, sandboxed: bool = False) -> duckdb.DuckDBPyConnection:
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no warehouse here yet; run `budget-warehouse ingest` (or `make run`) first")
    con = duckdb.connect(str(path), read_only=True, config=SANDBOX if sandboxed else {})
    if sandboxed:  # these can only be set once the database is open, in this order
        from budget_warehouse.pipeline import Layout

        con.execute("set allowed_directories = ?", [[f"{Layout(Path(path).resolve()).staging}/"]])
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    return con


def check_query(sql: str) -> None:
    """Refuse, with the reason, anything but exactly one SELECT that reads no file."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(str(exc)) from None
    if not statements:
        raise QueryRefused("empty query: give one SQL statement, e.g. \"select * from dim_document\"")
    if len(statements) > 1:
        raise QueryRefused(f"{len(statements)} statements given; query runs exactly one (remove the ';'-separated others)")
    if statements[0].type.name != "SELECT":
        kind = (statements[0].query.split() or [statements[0].type.name])[0].upper()
        raise QueryRefused(f"{kind} statements are refused: query is read-only and runs one SELECT "
                           "(COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, CREATE … are not allowed)")
    function = _FILE_FUNCTIONS.search(sql)
    if function:
        raise QueryRefused(f"{function.group(1)}(…) reads or writes files, which query does not allow; "
                           "query the warehouse's tables")


def query(path: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one read-only SELECT (``check_query``) in the sandbox; ``QueryRefused`` for anything else."""
    check_query(sql)
    with connect(path, sandboxed=True) as con:
        try:
            cursor = con.execute(sql)
        except duckdb.PermissionException as exc:
            raise QueryRefused(f"refused: query may not read or write files, or load extensions ({exc})") from None
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return columns, cursor.fetchall()


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_name = ?", [name]).fetchone()[0])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    return str(value)


def render(columns: list[str], rows: list[tuple], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, (_jsonable(v) for v in row))) for row in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(v) for v in row] for row in rows)
        return out.getvalue().rstrip("\n")
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda values: "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    body = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    return "\n".join(body + [f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


def decimal_text(value: Decimal) -> str:
    """Exact, without the storage type's padding: 187.400000 → "187.40", 0.123456 stays."""
    trimmed = value.normalize()
    if trimmed.as_tuple().exponent > -2:
        trimmed = value.quantize(Decimal("0.01"))
    return format(trimmed, "f")


def _jsonable(value):
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
