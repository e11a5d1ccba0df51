"""The finding record: one instance of a rule that a check found broken, with its evidence.

Amounts are exact ``Decimal`` values. In JSON they are written as strings
(``"7845.00"``, never ``7845.0`` or ``7.845E+3``) so no reader turns them into
binary floats; ``decimal_to_str`` writes a Decimal exactly as it is (its own
number of decimals, no exponent) and ``Decimal(s)`` reads it back unchanged.

``Finding.from_row`` takes a row from a query. Rows from
``duckdb ... .fetchall()`` carry ``Decimal`` values; rows from ``.df()`` carry
float64, which from_row turns into Decimal through ``str(x)`` (the shortest
text that reads back as the same float, i.e. the decimal that was stored, for
amounts of up to 15 significant digits). Either way from_row then writes each
amount with its significant decimals and at least two (``places=2``): the
value is unchanged, only trailing zeros go, so ``7845.000000`` (DECIMAL(20,6))
and ``7845.0`` (float) both become ``7845.00``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

FAMILIES = ("within_table", "cross_table", "prose", "sanity", "presence", "year_over_year")
SEVERITIES = ("ERROR", "WARN")
STATUSES = ("fail", "pass", "pass_within_tolerance")
EVENT_KINDS = ("new", "resolved")

EventKind = Literal["new", "resolved"]

_AMOUNT_FIELDS = ("left", "right", "difference", "tolerance")
_TEXT_FIELDS = (
    "alert_key",
    "document_name",
    "description",
    "table_kind",
    "table_id",
    "row_label",
    "code",
    "unit_code",
    "left_label",
    "right_label",
)
_REQUIRED = ("instance_key", "rule_id", "family", "severity", "status", "document_id")
# What a rule instance's location says about where it is in the text, not what it is: the source line
# ("line 483 «…»") and the ordinal of a prose claim ("(c053)") move when a line is added above.
_POSITIONAL = re.compile(r"^line \d+ | \(c\d+\)(?= #\d+$|$)")


def alert_key_of(rule_id: str, document_id: str, table_id: str | None, location: str | None,
                 code: str | None, unit_code: str | None) -> str:
    """The stable identity of a finding: rule, document, and what its location means (table, row or
    claim label, code, unit), without source line numbers or ordinals."""
    where = _POSITIONAL.sub("", location or "")
    return "|".join((rule_id, document_id, table_id or "", where, code or "", unit_code or ""))


@dataclass(frozen=True)
class Finding:
    """One rule instance and its evidence (see the module docstring for amounts).

    ``instance_key`` is the warehouse's id of the rule instance (rule_id +
    document_id + location, source line included). ``alert_key`` is what
    alert state is keyed on: by default ``alert_key_of`` (no line numbers), so
    an unchanged break in a document that gained or lost a line is the same
    finding. ``difference`` is
    None only when the rule compares no amounts (e.g. a presence check); when
    it is not given and both sides are, it is ``left - right``.
    """

    instance_key: str
    rule_id: str
    family: str
    severity: str
    status: str
    document_id: str
    document_name: str = ""
    description: str = ""
    table_kind: str | None = None
    table_id: str | None = None
    row_label: str | None = None
    code: str | None = None
    unit_code: str | None = None
    source_lines: tuple[int, ...] = ()
    line_texts: tuple[str, ...] = ()
    left: Decimal | None = None
    right: Decimal | None = None
    left_label: str = "left"
    right_label: str = "right"
    difference: Decimal | None = None
    tolerance: Decimal = Decimal("0")
    alert_key: str = ""

    def __post_init__(self) -> None:
        for name in _REQUIRED:
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise ValueError(f"Finding.{name} must be a non-empty string, got {getattr(self, name)!r}")
        if not self.alert_key:
            key = alert_key_of(self.rule_id, self.document_id, self.table_id, self.row_label, self.code, self.unit_code)
            object.__setattr__(self, "alert_key", key)
        _check_choice("family", self.family, FAMILIES)
        _check_choice("severity", self.severity, SEVERITIES)
        _check_choice("status", self.status, STATUSES)
        for name in _AMOUNT_FIELDS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, Decimal):
                raise TypeError(f"Finding.{name} must be a Decimal or None, got {type(value).__name__}")
        if self.tolerance is None:
            raise TypeError("Finding.tolerance must be a Decimal, got None")
        object.__setattr__(self, "source_lines", tuple(int(n) for n in self.source_lines))
        object.__setattr__(self, "line_texts", tuple(str(t) for t in self.line_texts))
        if self.difference is None and self.left is not None and self.right is not None:
            object.__setattr__(self, "difference", self.left - self.right)

    # -- construction -------------------------------------------------------

    @classmethod
    def from_row(cls, row: Mapping[str, Any], *, places: int | None = 2) -> Finding:
        """Build a Finding from a query row (a dict, or anything with ``.get``).

        Columns are the field names; extra columns are ignored, missing
        optional ones take their defaults. Numbers may be Decimal, int, float
        (incl. numpy) or numeric strings (thousands separators allowed);
        None/NaN/NA mean "no value". ``source_lines`` may be a list/array of
        ints, one int or a string such as ``"235,236"``; ``line_texts`` a
        list/array of strings or one string (split into lines). ``places``:
        see the module docstring; None keeps each Decimal exactly as given.
        """
        missing = [name for name in _REQUIRED if _is_missing(row.get(name))]
        if missing:
            raise KeyError(f"finding row lacks required column(s): {', '.join(missing)}")
        kwargs: dict[str, Any] = {name: _to_text(row.get(name)) for name in _REQUIRED}
        kwargs["severity"] = {"WARNING": "WARN"}.get(kwargs["severity"].upper(), kwargs["severity"].upper())
        kwargs["status"] = kwargs["status"].lower()
        kwargs["family"] = kwargs["family"].lower()
        for name in _TEXT_FIELDS:
            value = _to_text(row.get(name))
            if value is not None:
                kwargs[name] = value
            elif name in ("document_name", "description", "alert_key"):
                kwargs[name] = ""
        for name in _AMOUNT_FIELDS:
            try:
                value = to_decimal(row.get(name))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"finding {kwargs['instance_key']!r}: column {name}: {exc}") from None
            if value is not None and places is not None:
                value = normalize_decimal(value, places)
            if value is not None or name != "tolerance":
                kwargs[name] = value
        kwargs["source_lines"] = _to_lines(row.get("source_lines"))
        kwargs["line_texts"] = _to_texts(row.get("line_texts"))
        return cls(**kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Inverse of ``to_dict``: amounts are read back exactly."""
        return cls.from_row(data, places=None)

    # -- output -------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: amounts as exact strings, tuples as lists."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Decimal):
                value = decimal_to_str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    @property
    def where(self) -> str:
        """The location as one line, e.g. ``table t03 (expenditure_by_unit), row 合计, lines 235``."""
        parts = []
        if self.table_id or self.table_kind:
            table = f"table {self.table_id or '?'}"
            parts.append(f"{table} ({self.table_kind})" if self.table_kind else table)
        for label, value in (("row", self.row_label), ("code", self.code), ("unit", self.unit_code)):
            if value:
                parts.append(f"{label} {value}")
        if self.source_lines:
            word = "line" if len(self.source_lines) == 1 else "lines"
            parts.append(f"{word} {', '.join(str(n) for n in self.source_lines)}")
        return ", ".join(parts) or "(document level)"

    def source_excerpt(self, max_chars: int = 300) -> list[str]:
        """The source lines, one string each: ``L235: <text>`` (tabs shown as ``|``, long lines cut)."""
        out = []
        numbers_ = self.source_lines if len(self.source_lines) == len(self.line_texts) else ()
        for i, text in enumerate(self.line_texts):
            shown = text.replace("\t", " | ")
            if len(shown) > max_chars:
                shown = f"{shown[:max_chars]}… ({len(shown) - max_chars} more characters)"
            out.append(f"L{numbers_[i]}: {shown}" if numbers_ else shown)
        return out

    def render_text(self) -> str:
        """Multi-line, human-readable evidence (used by the log, e-mail and webhook text)."""
        title = f"{self.document_name} ({self.document_id})" if self.document_name else self.document_id
        lines = [
            f"[{self.severity}] {self.rule_id} — {self.status.upper()}",
            f"Document:   {title}",
            f"Rule:       {self.rule_id} ({self.family})",
        ]
        if self.description:
            lines.append(f"Check:      {self.description}")
        lines.append(f"Where:      {self.where}")
        if self.left is not None or self.right is not None:
            lines.append(f"Left:       {_amount(self.left)}   ({self.left_label})")
            lines.append(f"Right:      {_amount(self.right)}   ({self.right_label})")
        if self.difference is not None:
            lines.append(f"Difference: {_amount(self.difference)}   (tolerance {_amount(self.tolerance)})")
        excerpt = self.source_excerpt()
        if excerpt:
            lines.append("Source text:")
            lines.extend(f"  {line}" for line in excerpt)
        return "\n".join(lines)


@dataclass(frozen=True)
class AlertEvent:
    """What a channel sends: a finding that is newly failing, or one that stopped failing.

    For ``resolved`` the finding is the last evidence seen while it failed.
    Unpacks as ``kind, finding = event``.
    """

    kind: EventKind
    finding: Finding

    def __post_init__(self) -> None:
        _check_choice("AlertEvent.kind", self.kind, EVENT_KINDS)
        if not isinstance(self.finding, Finding):
            raise TypeError(f"AlertEvent.finding must be a Finding, got {type(self.finding).__name__}")

    def __iter__(self):
        return iter((self.kind, self.finding))

    def render_text(self) -> str:
        if self.kind == "new":
            return f"NEW FAILURE\n{self.finding.render_text()}"
        return (
            f"RESOLVED: {self.finding.instance_key} no longer fails. Last evidence while failing:\n"
            f"{self.finding.render_text()}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "alert_key": self.finding.alert_key,
            "instance_key": self.finding.instance_key,
            "finding": self.finding.to_dict(),
        }


# -- Decimal helpers --------------------------------------------------------


def decimal_to_str(value: Decimal) -> str:
    """Exact text of a Decimal, without exponent: ``Decimal("7.8450E+3")`` → ``"7845.0"``."""
    return format(value, "f")


def normalize_decimal(value: Decimal, places: int = 2) -> Decimal:
    """Same value, written with its significant decimals but at least ``places``.

    ``7845.000000`` → ``7845.00``; ``0.123400`` → ``0.1234``; ``20`` → ``20.00``.
    """
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    if value.is_zero():
        return Decimal(0).scaleb(-places) if places else Decimal(0)
    stripped = value.normalize()
    if stripped.as_tuple().exponent > -places:
        return stripped.quantize(Decimal(1).scaleb(-places))
    return stripped


def to_decimal(value: Any) -> Decimal | None:
    """Decimal from a query value; None for SQL NULL / NaN / pandas NA / blank text."""
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        raise TypeError(f"expected a number, got a boolean {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, numbers.Integral):
        result = Decimal(int(value))
    elif isinstance(value, numbers.Real):
        result = Decimal(str(float(value)))
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text:
            return None
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if result.is_nan():
            return None
    else:
        raise TypeError(f"expected a number, got {type(value).__name__} {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


# -- private helpers --------------------------------------------------------


def _check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, Decimal) and value.is_nan():
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _to_text(value: Any) -> str | None:
    if _is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code read back as float: 2010499.0 -> "2010499"
    return str(value)


def _to_lines(value: Any) -> tuple[int, ...]:
    if _is_missing(value):
        return ()
    if isinstance(value, str):
        return tuple(int(n) for n in re.findall(r"\d+", value))
    if isinstance(value, numbers.Number):
        return (int(value),)
    return tuple(int(n) for n in value)


def _to_texts(value: Any) -> tuple[str, ...]:
    if _is_missing(value):
        return ()
    if isinstance(value, str):
        return tuple(value.splitlines())
    if isinstance(value, Iterable):
        return tuple("" if _is_missing(t) else str(t) for t in value)
    return (str(value),)


def _amount(value: Decimal | None) -> str:
    return "—" if value is None else decimal_to_str(value)
