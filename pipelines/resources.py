"""Resources: where the raw folder and the warehouse are, and how a raw file maps to its partition.

``BudgetWarehouseResource`` holds the paths (relative ones are taken from the
current directory, i.e. the repository root under ``make dev``) and answers the
one question Dagster asks that ``budget_warehouse.pipeline`` does not: which
file holds document ``doc-…``? A document's id comes from its content (region,
department, year, phase), never from its file name, so the resource extracts
each file once and remembers ``content sha256 → document id`` in the
pipeline's file index (``staging/_files.json``, shared with
``pipeline.stage``; a cache: deleting it costs one extraction per file).

A file the extractor rejects (empty, binary, truncated, not a budget, too
large) has no document id; its partition key is ``file:<file name>`` so that
its run can quarantine it and fail with the extractor's message.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from budget_warehouse.extract.decode import DEFAULT_MAX_BYTES
from budget_warehouse.extract.document import EXTRACTOR_VERSION
from budget_warehouse.pipeline import Layout, discover, extract_all, load_file_index, save_file_index

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
FILE_KEY_PREFIX = "file:"


def dbt_executable() -> str:
    """The dbt next to this interpreter (``.venv/bin/dbt``) even when the venv is not activated."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def file_partition_key(name: str) -> str:
    """Partition key of a file the extractor rejects: its name (it has no document id)."""
    key = FILE_KEY_PREFIX + name
    if any(bad in key for bad in ("...", "\a", "\b", "\f", "\n", "\r", "\t", "\v", "\0")):
        key = FILE_KEY_PREFIX + hashlib.sha1(name.encode("utf-8")).hexdigest()[:16]
    return key


@dataclass(frozen=True, slots=True)
class RawFile:
    path: Path
    name: str  # relative to the raw folder, with "/" separators
    sha256: str  # of the file's bytes (the sensor's cursor value)
    key: str  # partition key: the document id, or file:<name> when the extractor rejects the file
    error: str | None = None  # the extractor's message for a rejected file

    @property
    def is_document(self) -> bool:
        return self.error is None


class BudgetWarehouseResource(ConfigurableResource):
    """Paths and limits of one warehouse. Defaults match ``make run``."""

    raw_dir: str = Field(default="data/raw", description="Folder of raw budget documents (watched by raw_folder_sensor).")
    warehouse: str = Field(default="data/warehouse/budget.duckdb", description="The published DuckDB file.")
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, description="Larger files are quarantined.")
    workers: int = Field(default=0, description="Extraction processes; 0 = one per core.")
    alerts_config: str = Field(
        default="",
        description="Alert channels (TOML, see alerts.example.toml); a file named here must exist. Empty: "
        "$BUDGET_ALERTS_CONFIG, else the repository's alerts.toml when it exists, else log + JSON lines at "
        "<warehouse folder>/alerts.jsonl.",
    )
    run_quality: bool = Field(default=True, description="Run the Great Expectations suites before publishing.")

    # -- paths -----------------------------------------------------------------

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir).resolve()

    @property
    def layout(self) -> Layout:
        return Layout(Path(self.warehouse).resolve())

    @property
    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def alert_state_path(self) -> Path:
        return self.layout.root / "alert_state.json"

    @property
    def alerts_jsonl_path(self) -> Path:
        return self.layout.root / "alerts.jsonl"

    def alert_settings(self):
        """Channels from the resolved config (``alerts.resolve_config``); ``AlertConfigError`` when it is wrong."""
        from budget_warehouse.alerts import load_alert_settings, resolve_config

        return load_alert_settings(resolve_config(self.alerts_config or None), default_jsonl_path=self.alerts_jsonl_path)

    # -- raw files -------------------------------------------------------------

    def raw_files(self) -> list[Path]:
        """Every file of the raw folder (hidden files skipped), sorted; [] when the folder is missing."""
        return discover([self.raw_path]) if self.raw_path.is_dir() else []

    def resolve_files(self, names: list[str]) -> list[Path]:
        """Files named relative to the raw folder (or absolute), in the order given."""
        out = []
        for name in names:
            path = Path(name)
            path = path if path.is_absolute() else self.raw_path / path
            if not path.is_file():
                raise FileNotFoundError(f"{path}: no such file in the raw folder {self.raw_path}")
            out.append(path)
        return out

    def relative_name(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.raw_path).as_posix()
        except ValueError:
            return str(path)

    def identify(self, files: list[Path]) -> list[RawFile]:
        """Hash every file and give it its partition key (extracting only content not seen before)."""
        index = load_file_index(self.layout)
        hashed = [(path, hashlib.sha256(path.read_bytes()).hexdigest()) for path in files]
        unknown = [path for path, sha in hashed if sha not in index]
        if unknown:
            for path, result in extract_all(unknown, self.max_bytes, self.worker_count):
                sha = dict(hashed)[path]
                index[sha] = {"extractor": EXTRACTOR_VERSION}
                if result[0] == "ok":
                    index[sha]["document_id"] = result[1].meta.document_id
                else:
                    index[sha]["error"] = result[2]
            save_file_index(self.layout, index)
        out = []
        for path, sha in hashed:
            name = self.relative_name(path)
            entry = index[sha]
            if "document_id" in entry:
                out.append(RawFile(path, name, sha, entry["document_id"]))
            else:
                out.append(RawFile(path, name, sha, file_partition_key(name), entry["error"]))
        return out

    def locate(self, keys: list[str]) -> tuple[dict[str, Path], list[str]]:
        """The file of each partition key, and the keys no file of the raw folder holds.

        Two files with the same document id (the same document under two names):
        the later one in sorted order wins, as in ``pipeline.stage``.
        """
        by_key: dict[str, Path] = {}
        for raw in self.identify(self.raw_files()):
            by_key[raw.key] = raw.path
        found = {key: by_key[key] for key in keys if key in by_key}
        return found, [key for key in keys if key not in by_key]
