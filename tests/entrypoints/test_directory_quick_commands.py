"""`directory import` and `directory resolve` run by the launcher without the full command line,
and the resolver index saved on disk, keyed by the directory's revision."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from switchboard.adapters.resolver_index import index_path, load_index, save_index
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.resolution import Resolver

CSV = (
    "id,name,phone,department\nann-lee,Ann Lee,+13125550101,sales\nbo-diaz,Bo Diaz,+13125550102,\n"
)
SRC = Path(__file__).resolve().parents[2] / "src"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "SWITCHBOARD_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(SRC),
        "HOME": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "-c", "from switchboard.entrypoints.launch import main; main()", *args],
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
    )  # fmt: skip


def test_import_then_resolve_without_the_full_cli_and_a_change_is_seen(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(CSV, "utf-8")
    done = run(tmp_path, "directory", "import", str(people))
    assert done.returncode == 0, done.stderr
    assert "imported 2 employees" in done.stdout
    found = run(tmp_path, "directory", "resolve", "Ann Lee", "--json")
    assert json.loads(found.stdout)["candidates"][0]["id"] == "ann-lee"
    assert len(list((tmp_path / "data" / "index").glob("resolver-*.pickle"))) == 1
    people.write_text(CSV.replace("Ann Lee", "Ann Leigh-Moss"), "utf-8")
    assert run(tmp_path, "directory", "import", str(people)).returncode == 0
    again = json.loads(run(tmp_path, "directory", "resolve", "Ann Leigh-Moss", "--json").stdout)
    assert again["candidates"][0]["name"] == "Ann Leigh-Moss"  # the new revision, not the old file
    assert len(list((tmp_path / "data" / "index").glob("resolver-*.pickle"))) == 1


def test_resolve_before_any_import_creates_the_database_and_finds_nobody(
    tmp_path: Path,
) -> None:
    # The driver-level reader refuses a missing file; the storage adapter creates and migrates it.
    found = run(tmp_path, "directory", "resolve", "Ann Lee", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["status"] == "none"
    assert (tmp_path / "data" / "switchboard.db").is_file()


def test_bad_input_fails_as_in_the_full_cli(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,phone\nann-lee,Ann Lee,12\n", "utf-8")
    done = run(tmp_path, "directory", "import", str(bad))
    assert done.returncode == 1
    assert "nothing was changed" in done.stderr
    assert "row 2 (id=ann-lee)" in done.stderr
    assert run(tmp_path, "directory", "resolve").returncode == 2  # neither TEXT nor --file
    helped = run(tmp_path, "directory", "resolve", "--help")  # help: the full command line
    assert helped.returncode == 0
    assert "match, ambiguous, department or none" in helped.stdout


def small() -> Resolver:
    return Resolver.build(
        Directory(CompanyProfile("X"), (), (Employee("ann", "Ann Lee", "+13125550101"),))
    )


def test_the_index_is_keyed_by_revision_and_a_broken_file_is_ignored(tmp_path: Path) -> None:
    assert load_index(tmp_path, "1:a") is None
    saved = save_index(tmp_path, "1:a", small())
    assert saved == index_path(tmp_path, "1:a")
    loaded = load_index(tmp_path, "1:a")
    assert loaded is not None
    assert loaded.resolve("Ann Lee").best.id == "ann"  # type: ignore[union-attr]
    assert load_index(tmp_path, "2:b") is None  # another revision: not this file
    save_index(tmp_path, "2:b", small())
    assert not saved.exists()  # only the newest is kept
    index_path(tmp_path, "3:c").write_bytes(b"\x80\x05truncated")
    assert load_index(tmp_path, "3:c") is None


def test_an_unwritable_folder_only_loses_the_saved_index(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert save_index(blocker / "index", "1:a", small()) is None


@pytest.mark.parametrize("args", [["directory", "list"], ["--version"]])
def test_other_commands_take_the_full_command_line(tmp_path: Path, args: list[str]) -> None:
    assert run(tmp_path, *args).returncode == 0
