"""The packaged Twilio signalling ranges are read, validated and say where they came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from switchboard.adapters.twilio.signalling import (
    read_signalling_ranges,
    twilio_signalling_ranges,
)
from switchboard.domain.provisioning.desired import ProvisioningConfigError


def test_the_packaged_data_has_the_eight_published_edges() -> None:
    ranges = twilio_signalling_ranges()
    assert ranges.source == "https://www.twilio.com/docs/sip-trunking/ip-addresses"
    assert ranges.checked == "2026-12-07"
    assert dict(ranges.edges) == {
        "ashburn": ("54.172.60.0/30",),
        "umatilla": ("54.244.51.0/30",),
        "dublin": ("54.171.127.192/30",),
        "frankfurt": ("35.156.191.128/30",),
        "tokyo": ("54.65.63.192/30",),
        "singapore": ("54.169.127.128/30",),
        "sydney": ("54.252.254.64/30",),
        "sao-paulo": ("177.71.206.192/30",),
    }


def test_a_bad_cidr_in_a_data_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "ranges.yaml"
    path.write_text(
        "source: https://www.twilio.com/docs/sip-trunking/ip-addresses\n"
        'checked: "2026-12-07"\n'
        "edges:\n  ashburn: {signalling: [54.172.60.0/33]}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ProvisioningConfigError, match=r"edges\.ashburn\.signalling: '54.172.60.0/33'"
    ):
        read_signalling_ranges(path)


def test_unreadable_or_broken_files_are_errors_not_crashes(tmp_path: Path) -> None:
    with pytest.raises(ProvisioningConfigError, match="cannot read"):
        read_signalling_ranges(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("edges: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProvisioningConfigError, match="not valid YAML"):
        read_signalling_ranges(broken)
