"""deploy/prometheus/alerts.yml and deploy/grafana/switchboard.json load, are well formed, and
name only metrics the code registers (agent and web), so a renamed metric breaks this test rather
than a dashboard in production. `promtool check rules` runs too where promtool is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric

from switchboard.adapters.prometheus import AgentMetrics
from switchboard.entrypoints.web.observability import WebMetrics

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
DASHBOARD = DEPLOY / "grafana" / "switchboard.json"
# Names a query may use that no code registers: Prometheus' own
BUILTIN = {"up"}
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
}


def families() -> list[Metric]:
    agent = AgentMetrics(CollectorRegistry()).registry
    web = WebMetrics().registry
    return [*agent.collect(), *web.collect()]


def exposed_names() -> set[str]:
    """Every series name the code can expose (a histogram's _bucket/_count/_sum, a counter's
    _total), whether or not it has been observed yet."""
    return {f.name + suffix for f in families() for suffix in _SUFFIXES[f.type]}


def agent_names() -> set[str]:
    return {f.name for f in AgentMetrics(CollectorRegistry()).registry.collect()}


def metric_names(expr: str) -> set[str]:
    """The metric names in a PromQL expression: identifiers that are not functions, keywords,
    label names or label values."""
    expr = re.sub(r'"[^"]*"', '""', expr)  # label values and strings
    expr = re.sub(r"\{[^}]*\}", "{}", expr)  # label matchers
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "[]", expr)  # ranges
    words = set(re.findall(r"\b[a-zA-Z_][a-zA-Z0-9_]*\b(?!\s*\()", expr))
    keywords = {"and", "or", "unless", "offset", "bool"}
    return {w for w in words if w not in keywords and not w.startswith("__")}


def alert_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    document = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [t["expr"] for p in document["panels"] for t in p.get("targets", [])]


def test_the_name_finder_sees_metrics_and_nothing_else() -> None:
    expr = (
        'sum by (le, route) (rate(switchboard_http_request_duration_seconds_bucket{route=~"/x"}'
        "[5m])) > 0 and on() hour() >= 14 and up == 0 - foo_bar offset 30m"
    )
    assert metric_names(expr) == {
        "switchboard_http_request_duration_seconds_bucket",
        "up",
        "foo_bar",
    }


def test_alert_rules_are_well_formed() -> None:
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    assert {g["name"] for g in document["groups"]} == {"switchboard-calls", "switchboard-web"}
    names = [rule["alert"] for rule in alert_rules()]
    assert len(names) == len(set(names))
    for rule in alert_rules():
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}
        assert rule["annotations"]["summary"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]
        if "for" in rule:
            assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
    # what the issue asks for, by the metric it watches
    watched = {n for rule in alert_rules() for n in metric_names(rule["expr"])}
    assert "switchboard_calls_total" in watched  # no call answered in business hours
    assert "switchboard_transfer_attempts_total" in watched  # transfer failure rate
    assert "switchboard_notifications" in watched  # undelivered notifications
    assert "switchboard_http_request_duration_seconds_count" in watched  # webhook 5xx


@pytest.mark.parametrize("source", ["alerts", "dashboard"])
def test_every_metric_named_is_registered_by_the_code(source: str) -> None:
    exprs = [r["expr"] for r in alert_rules()] if source == "alerts" else dashboard_exprs()
    assert exprs
    named = {n for e in exprs for n in metric_names(e)}
    unknown = named - exposed_names() - BUILTIN
    assert not unknown, f"{source} names metrics no code registers: {sorted(unknown)}"


def test_the_dashboard_shows_every_agent_metric() -> None:
    named = {n for e in dashboard_exprs() for n in metric_names(e)}
    missing = {name for name in agent_names() if not any(n.startswith(name) for n in named)}
    assert not missing, f"the dashboard does not show {sorted(missing)}"


def test_the_dashboard_imports_into_grafana() -> None:
    document = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert document["uid"] == "switchboard"
    assert [i["name"] for i in document["__inputs"]] == ["DS_PROMETHEUS"]
    ids = [p["id"] for p in document["panels"]]
    assert len(ids) == len(set(ids))
    for p in document["panels"]:
        if p["type"] == "row":
            continue
        assert p["datasource"]["uid"] == "${DS_PROMETHEUS}"
        assert p["targets"], p["title"]
        assert all(t["refId"] and t["expr"] for t in p["targets"])
        grid = p["gridPos"]
        assert grid["x"] + grid["w"] <= 24, p["title"]


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_rules() -> None:
    result = subprocess.run(
        ["promtool", "check", "rules", str(ALERTS)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
