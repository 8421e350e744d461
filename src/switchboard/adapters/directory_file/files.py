"""Reading a directory file from disk or an upload: the format follows the suffix."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from switchboard.domain.directory import Department, Directory, Employee
from switchboard.domain.screening import BlockList

from .csv_directory import has_kind_column, parse_directory_csv
from .csv_format import parse_employees_csv
from .errors import DirectoryFileError
from .yaml_format import parse_directory_yaml

SUFFIXES = (".yaml", ".yml", ".csv")


@dataclass(frozen=True, slots=True)
class DirectoryFile:
    """A parsed file. `directory` is the whole directory (a YAML file, or a CSV with a company
    row); None for a CSV without one, whose employees, department rows (`departments`) and
    blocked rows (`blocked`) are merged into the stored directory. `departments` and `blocked`
    are None when the file has no such rows (the stored ones are kept as they are)."""

    directory: Directory | None
    employees: tuple[Employee, ...]
    departments: tuple[Department, ...] | None = None
    blocked: BlockList | None = None
    source: str = "file"  # the file's name, for problems found when it is imported


def read_directory_file(path: Path, default_region: str = "US") -> DirectoryFile:
    """Read and validate a .yaml/.yml or .csv file; any problem raises DirectoryFileError."""
    source = path.name
    _check_suffix(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DirectoryFileError.single(
            source, f"cannot read the file: {exc.strerror or exc}"
        ) from None
    return parse_directory_file(source, data, default_region)


def parse_directory_file(source: str, data: bytes, default_region: str = "US") -> DirectoryFile:
    """A file's bytes (from disk or an upload named `source`), parsed by its suffix."""
    suffix = _check_suffix(source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectoryFileError.single(
            source, f"not UTF-8 text (bad byte at offset {exc.start}); save the file as UTF-8"
        ) from None
    if not text.strip():
        raise DirectoryFileError.single(source, "the file is empty")
    if suffix == ".csv":
        return parse_csv_text(text, source, default_region)
    directory = parse_directory_yaml(text, source, default_region)
    return DirectoryFile(directory, directory.employees, source=source)


def parse_csv_text(text: str, source: str = "<csv>", default_region: str = "US") -> DirectoryFile:
    """A directory CSV: with a `kind` column, any kind of row; without, employees only."""
    try:
        header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")), [])
    except csv.Error:
        header = []  # the parser below reports it
    if not has_kind_column(header):
        return DirectoryFile(None, parse_employees_csv(text, source, default_region), source=source)
    parsed = parse_directory_csv(text, source, default_region)
    return DirectoryFile(
        parsed.directory(),
        tuple(parsed.employees),
        tuple(parsed.departments) if "department" in parsed.kinds else None,
        BlockList(tuple(dict.fromkeys(parsed.blocked))) if "blocked" in parsed.kinds else None,
        source,
    )


def _check_suffix(source: str) -> str:
    suffix = Path(source).suffix.lower()
    if suffix not in SUFFIXES:
        raise DirectoryFileError.single(
            source, f"unsupported file type {suffix or '(none)'!r}; use .yaml, .yml or .csv"
        )
    return suffix
