"""The README, docs and help say what the code and data say: counts come from the packaged demo,
every relative link leads to a file, and nothing cites a document users do not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.entrypoints.cli import app
from switchboard.services.directory import demo_directory

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DEMO = demo_directory()
PEOPLE, DEPARTMENTS = len(DEMO.employees), len(DEMO.departments)


def test_demo_help_counts_the_demo() -> None:
    result = CliRunner().invoke(app, ["directory", "demo", "--help"], env={"COLUMNS": "200"})
    assert f"{PEOPLE} people in {DEPARTMENTS} departments" in result.output


def test_readme_and_docs_count_the_demo() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"the demo company ({PEOPLE} people, {DEPARTMENTS} departments)" in readme
    assert f"the demo directory's {PEOPLE} people × 4 phrasings" in readme
    voice = (ROOT / "docs" / "offline-voice.md").read_text("utf-8")
    assert f"demo directory ({PEOPLE} employees, {PEOPLE * 4} requests)" in voice


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_lead_to_files(doc: Path) -> None:
    text = re.sub(r"```.*?```", "", doc.read_text("utf-8"), flags=re.DOTALL)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        assert (doc.parent / target.split("#")[0]).exists(), f"{doc.name}: {target}"


DEAD = re.compile(r"FIELD_NOTES|CALL_CONVENTIONS|(?-i:ARCHITECTURE\.md)|seed guide|old guide", re.I)


def test_nothing_cites_documents_users_do_not_have() -> None:
    files = [*DOCS, ROOT / ".env.example", *sorted((ROOT / "src").rglob("*.py"))]
    cited = [f"{f.relative_to(ROOT)}" for f in files if DEAD.search(f.read_text("utf-8"))]
    assert cited == []


def test_the_readme_command_table_lists_every_command() -> None:
    import typer

    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme[readme.index("## Commands") : readme.index("## Configuration")]
    names = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    missing = [n for n in names if not re.search(rf"`(switchboard )?{n}[` ]", table)]
    assert missing == []
