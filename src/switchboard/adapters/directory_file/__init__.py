"""Directory files: YAML and CSV (the whole directory, or employees only), validated all-or-nothing.

Exceptions: `DirectoryFileError` (carries `problems: list[Problem]`), raised for anything wrong
with a file or a command-line field update; nothing is returned when there is any problem.
"""

from .csv_directory import CsvExportError, dump_directory_csv, parse_directory_csv
from .csv_format import dump_employees_csv, parse_employees_csv
from .errors import DirectoryFileError, Problem
from .files import DirectoryFile, parse_csv_text, parse_directory_file, read_directory_file
from .rows import EMPLOYEE_FIELDS, parse_employee_fields
from .yaml_dump import dump_directory_yaml
from .yaml_format import parse_directory_yaml

__all__ = [
    "EMPLOYEE_FIELDS",
    "CsvExportError",
    "DirectoryFile",
    "DirectoryFileError",
    "Problem",
    "dump_directory_csv",
    "dump_directory_yaml",
    "dump_employees_csv",
    "parse_csv_text",
    "parse_directory_csv",
    "parse_directory_file",
    "parse_directory_yaml",
    "parse_employee_fields",
    "parse_employees_csv",
    "read_directory_file",
]
