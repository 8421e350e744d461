"""`switchboard directory …` end to end through the real CLI, storage (SQLite) and resolver."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.entrypoints.cli import app

runner = CliRunner()

YAML = """\
company:
  name: Acme Widgets
  timezone: America/Chicago
  hours: {mon: "08:30-17:30", tue: "08:30-17:30", wed: "08:30-17:30", thu: "08:30-17:30",
          fri: "08:30-17:30", sat: closed, sun: closed}
  holidays: ["2026-12-25"]
  info: {address: "1 Main St, Chicago", website: "https://acme.example"}
departments:
  - {id: billing, name: Billing, aliases: [accounts receivable]}
  - {id: sales, name: Sales}
employees:
  - {id: priya-raman, name: Priya Raman, aliases: [Pree], title: Controller, department: billing,
     phone: "+13125550101", email: priya@acme.example, sms: "+13125550101", status: available}
  - {id: john-smith, name: John Smith, title: Account Executive, department: sales,
     phone: "+13125550102", email: john.smith@acme.example, status: available}
  - {id: john-park, name: John Park, title: Engineer, department: billing,
     phone: "+13125550103", email: john.park@acme.example, status: dnd}
"""


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_import_list_show_export_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "directory.yaml"
    src.write_text(YAML, encoding="utf-8")
    code, out = invoke("directory", "import", str(src))
    assert code == 0, out
    assert "3 employees" in out

    code, out = invoke("directory", "list", "--json")
    assert code == 0, out
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["priya-raman", "john-smith", "john-park"]
    assert "phone" not in rows[0]  # list never shows private contact details

    code, out = invoke("directory", "show", "priya-raman", "--json")
    assert json.loads(out)["phone"] == "+13125550101"

    code, out = invoke("directory", "export", "--format", "yaml", "-o", str(tmp_path / "out.yaml"))
    assert code == 0, out
    code, out = invoke("directory", "import", "--replace", str(tmp_path / "out.yaml"))
    assert code == 0, out
    code, again = invoke("directory", "export")
    assert again == (tmp_path / "out.yaml").read_text(encoding="utf-8")


def test_broken_csv_imports_nothing_and_names_the_row(tmp_path: Path) -> None:
    good = tmp_path / "directory.yaml"
    good.write_text(YAML, encoding="utf-8")
    assert invoke("directory", "import", str(good))[0] == 0
    bad = tmp_path / "people.csv"
    bad.write_text(
        "id,name,aliases,title,department,phone,email,sms,status\n"
        "ann-lee,Ann Lee,Annie,Clerk,billing,+13125550104,ann@acme.example,,available\n"
        "bob-ray,Bob Ray,,Clerk,billing,555-12,bob@acme.example,,available\n",
        encoding="utf-8",
    )
    code, out = invoke("directory", "import", str(bad))
    assert code == 1
    assert "row 3" in out
    assert "phone" in out
    code, out = invoke("directory", "list", "--json")
    assert "ann-lee" not in out  # all-or-nothing: the good row was not imported either


def test_add_set_remove(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text(YAML, encoding="utf-8")
    invoke("directory", "import", str(tmp_path / "d.yaml"))
    code, out = invoke(
        "directory",
        "add",
        "--id",
        "ann-lee",
        "--name",
        "Ann Lee",
        "--phone",
        "(312) 555-0104",
        "--department",
        "billing",
        "--aliases",
        "Annie;Nan",
    )
    assert code == 0, out
    shown = json.loads(invoke("directory", "show", "ann-lee", "--json")[1])
    assert shown["phone"] == "+13125550104"
    assert shown["aliases"] == ["Annie", "Nan"]

    code, out = invoke("directory", "set", "ann-lee", "status=out_of_office", "title=Clerk")
    assert code == 0, out
    shown = json.loads(invoke("directory", "show", "ann-lee", "--json")[1])
    assert (shown["status"], shown["title"]) == ("out_of_office", "Clerk")

    assert invoke("directory", "set", "ann-lee", "status=asleep")[0] == 1
    assert invoke("directory", "set", "ann-lee", "phone=12")[0] == 1
    assert invoke("directory", "set", "ann-lee", "department=nowhere")[0] == 1
    assert invoke("directory", "set", "nobody", "status=dnd")[0] == 1
    assert invoke("directory", "set", "ann-lee", "statusdnd")[0] == 2
    assert (
        invoke("directory", "add", "--id", "ann-lee", "--name", "X", "--phone", "+13125550109")[0]
        == 1
    )

    assert invoke("directory", "remove", "ann-lee")[0] == 0
    assert invoke("directory", "remove", "ann-lee")[0] == 1


def test_resolve_json_and_file(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text(YAML, encoding="utf-8")
    invoke("directory", "import", str(tmp_path / "d.yaml"))
    code, out = invoke("directory", "resolve", "could I speak to Pree please", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["status"] == "match"
    assert data["candidates"][0]["id"] == "priya-raman"
    assert set(data["candidates"][0]) == {"id", "name", "department", "score"}

    queries = tmp_path / "q.txt"
    queries.write_text(
        "john\nsomeone in accounts receivable\nzebulon quartermaine\n", encoding="utf-8"
    )
    code, out = invoke("directory", "resolve", "--file", str(queries))
    assert code == 0, out
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["status"] for r in results] == ["ambiguous", "department", "none"]
    assert {c["id"] for c in results[0]["candidates"]} == {"john-smith", "john-park"}


def test_demo_loads_once(tmp_path: Path) -> None:
    code, out = invoke("directory", "demo")
    assert (code, "loaded") == (0, out.split()[0])
    rows = json.loads(invoke("directory", "list", "--json")[1])
    assert len(rows) >= 25
    code, out = invoke("directory", "demo")
    assert "not empty" in out


def test_bad_settings_exit_2_with_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    code, out = invoke("directory", "list")
    assert code == 2
    assert "DATABASE_URL" in out


def test_config_show_redacts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "super-secret-token")
    code, out = invoke("config", "show", "--json")
    assert code == 0
    assert "super-secret-token" not in out
    assert json.loads(out)["TWILIO_AUTH_TOKEN"] == "********"


def test_csv_export_imports_back_to_the_same_directory_with_routing_and_block_list(
    tmp_path: Path,
) -> None:
    routed = tmp_path / "routed.yaml"
    routed.write_text(
        YAML.replace(
            "  - {id: sales, name: Sales}",
            "  - id: sales\n    name: Sales\n"
            "    ring: {strategy: hunt, ring_seconds: 10, members: [john-smith, priya-raman]}\n"
            "    after_hours:\n      action: on_call\n"
            "      on_call: {rotation: weekly, people: [john-smith], starts: 2026-11-23}",
        )
        + 'blocked: ["+1900", "+1 612 555 0166"]\n',
        encoding="utf-8",
    )
    assert invoke("directory", "import", "--replace", str(routed))[0] == 0
    code, yaml_before = invoke("directory", "export")
    assert "ring_seconds: 10" in yaml_before
    assert "'+16125550166'" in yaml_before
    out_csv = tmp_path / "out.csv"
    code, out = invoke("directory", "export", "--format", "csv", "-o", str(out_csv))
    assert code == 0, out
    assert out_csv.read_text(encoding="utf-8").startswith("kind,id,name,")
    code, out = invoke("directory", "import", "--replace", str(out_csv))
    assert code == 0, out
    assert "3 employees and 2 departments" in out
    assert "2 blocked numbers and prefixes" in out
    assert invoke("directory", "export")[1] == yaml_before


def test_a_csv_with_blocked_rows_adds_to_the_block_list_and_bad_entries_change_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "d.yaml").write_text(YAML, encoding="utf-8")
    assert invoke("directory", "import", str(tmp_path / "d.yaml"))[0] == 0
    bad = tmp_path / "blocked.csv"
    bad.write_text("kind,phone\nblocked,+1900\nblocked,1900\n", encoding="utf-8")
    code, out = invoke("directory", "import", str(bad))
    assert code == 1
    assert "nothing was changed" in out
    assert "blocked.csv: row 3 (kind=blocked): phone: '1900' is not an E.164 number" in out
    assert "blocked" not in invoke("directory", "export")[1]
    good = tmp_path / "spam.csv"
    good.write_text("kind,phone\nblocked,+1900\nblocked,+1 (612) 555-0166\n", encoding="utf-8")
    code, out = invoke("directory", "import", str(good))
    assert code == 0, out
    assert "imported 0 employees and 0 departments" in out
    assert "blocked:\n- '+1900'\n- '+16125550166'\n" in invoke("directory", "export")[1]
    assert len(json.loads(invoke("directory", "list", "--json")[1])) == 3  # employees kept


def test_removing_an_employee_in_a_ring_group_is_refused(tmp_path: Path) -> None:
    routed = YAML.replace(
        "  - {id: sales, name: Sales}",
        "  - {id: sales, name: Sales, ring: {members: [john-smith]}}",
    )
    (tmp_path / "d.yaml").write_text(routed, encoding="utf-8")
    assert invoke("directory", "import", str(tmp_path / "d.yaml"))[0] == 0
    code, out = invoke("directory", "remove", "john-smith")
    assert code == 1
    assert "'john-smith' is still in a ring group or on-call rota: department sales" in out
    assert "john-smith" in invoke("directory", "list", "--json")[1]
