"""Reading a directory file from disk: the format follows the suffix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from switchboard.domain.directory import Directory, Employee

from .csv_format import parse_employees_csv
from .errors import DirectoryFileError
from .yaml_format import parse_directory_yaml


@dataclass(frozen=True, slots=True)
class DirectoryFile:
    """A parsed file. YAML gives the whole directory; CSV gives employees only (directory None)."""

    directory: Directory | None
    employees: tuple[Employee, ...]


def read_directory_file(path: Path, default_region: str = "US") -> DirectoryFile:
    """Read and validate a .yaml/.yml or .csv file; any problem raises DirectoryFileError."""
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".csv"}:
        raise DirectoryFileError.single(
            source, f"unsupported file type {suffix or '(none)'!r}; use .yaml, .yml or .csv"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DirectoryFileError.single(
            source, f"cannot read the file: {exc.strerror or exc}"
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectoryFileError.single(
            source, f"not UTF-8 text (bad byte at offset {exc.start}); save the file as UTF-8"
        ) from None
    if not text.strip():
        raise DirectoryFileError.single(source, "the file is empty")
    if suffix == ".csv":
        return DirectoryFile(None, parse_employees_csv(text, source, default_region))
    directory = parse_directory_yaml(text, source, default_region)
    return DirectoryFile(directory, directory.employees)
