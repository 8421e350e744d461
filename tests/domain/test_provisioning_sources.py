"""Which addresses the LiveKit inbound trunk admits: Twilio's edges in use plus extras (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from switchboard.domain.provisioning.desired import ProvisioningConfigError, SetupOptions
from switchboard.domain.provisioning.options import OPEN_TRUNK_REFUSED, parse_setup_options
from switchboard.domain.provisioning.sources import (
    SignallingRanges,
    canonical,
    edges_in_use,
    inbound_addresses,
    parse_signalling_ranges,
)

SOURCE = "https://www.twilio.com/docs/sip-trunking/ip-addresses"


def document(**edges: Any) -> dict[str, Any]:
    return {"source": SOURCE, "checked": "2026-12-07", "edges": edges}


RANGES = parse_signalling_ranges(
    document(
        ashburn={"signalling": ["54.172.60.0/30"]},
        umatilla={"signalling": ["54.244.51.0/30"]},
        dublin={"signalling": ["54.171.127.192/30"]},
    )
)


def test_every_edge_is_in_use_by_default() -> None:
    assert edges_in_use(RANGES, SetupOptions()) == ("ashburn", "umatilla", "dublin")
    assert inbound_addresses(RANGES, SetupOptions()) == (
        "54.172.60.0/30",
        "54.244.51.0/30",
        "54.171.127.192/30",
    )


def test_named_edges_and_extras_are_all_that_is_admitted() -> None:
    options = SetupOptions(
        twilio_edges=("dublin", "ashburn", "dublin"),
        extra_inbound_addresses=("203.0.113.10", "198.51.100.0/28", "2001:db8::/32"),
    )
    assert inbound_addresses(RANGES, options) == (
        "54.171.127.192/30",
        "54.172.60.0/30",
        "203.0.113.10",
        "198.51.100.0/28",
        "2001:db8::/32",
    )


def test_an_unknown_edge_names_the_valid_ones() -> None:
    options = SetupOptions(twilio_edges=("ashburn", "virginia"))
    with pytest.raises(ProvisioningConfigError) as caught:
        inbound_addresses(RANGES, options)
    assert str(caught.value) == (
        "twilio_edges: unknown edge(s) 'virginia'; valid: ashburn, umatilla, dublin"
    )


def test_allow_any_source_is_the_only_way_to_an_empty_list() -> None:
    assert inbound_addresses(RANGES, SetupOptions(allow_any_source=True)) == ()


def test_the_edge_of_an_address() -> None:
    assert RANGES.edge_of("54.172.60.3") == "ashburn"
    assert RANGES.edge_of("54.171.127.192/30") == "dublin"
    assert RANGES.edge_of("54.172.60.0/29") is None  # wider than Twilio's block
    assert RANGES.edge_of("54.172.60.4") is None
    assert RANGES.edge_of("acme-sbc.example.com") is None
    assert RANGES.edge_of("::1") is None


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("54.172.60.1/30", "host bits set; did you mean 54.172.60.0/30"),
        ("54.172.60.300", "not an IP address or CIDR block"),
        ("[::1]", "not an IP address or CIDR block"),
        ("sbc.example.com", "not an IP address or CIDR block"),
        ("", "not an IP address or CIDR block"),
    ],
)
def test_bad_addresses_are_refused_precisely(value: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        canonical(value)


def test_a_single_host_is_written_as_a_bare_ip() -> None:
    assert canonical("203.0.113.10/32") == "203.0.113.10"
    assert canonical(" 2001:db8::1 ") == "2001:db8::1"


def test_bad_data_is_refused_with_every_problem() -> None:
    bad = {
        "source": "http://example.com",
        "edges": {
            "ashburn": {"signalling": ["54.172.60.0/30", "54.172.60.999/30"]},
            "tokyo": {"signalling": []},
            "oops": "54.65.63.192/30",
        },
    }
    with pytest.raises(ProvisioningConfigError) as caught:
        parse_signalling_ranges(bad, "data.yaml")
    message = str(caught.value)
    assert message.startswith("data.yaml: ")
    assert "source:" in message
    assert "checked:" in message
    assert "edges.ashburn.signalling: '54.172.60.999/30' is not an IP address" in message
    assert "edges.tokyo: needs a non-empty `signalling` list" in message
    assert "edges.oops:" in message


@pytest.mark.parametrize("data", [None, [], {"source": SOURCE, "checked": "x", "edges": {}}])
def test_data_without_edges_is_refused(data: object) -> None:
    with pytest.raises(ProvisioningConfigError):
        parse_signalling_ranges(data)


def test_the_options_are_read_and_checked() -> None:
    options = parse_setup_options(
        {"twilio_edges": ["ashburn"], "extra_inbound_addresses": ["203.0.113.10/32"]}
    )
    assert options.twilio_edges == ("ashburn",)
    assert options.extra_inbound_addresses == ("203.0.113.10",)
    assert parse_setup_options({"allow_any_source": True}).allow_any_source is True


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({"twilio_edges": "ashburn"}, "twilio_edges: must be a list"),
        ({"twilio_edges": ["Ashburn!"]}, "twilio_edges: must be a list"),
        ({"extra_inbound_addresses": "1.2.3.4"}, "extra_inbound_addresses: must be a list"),
        ({"extra_inbound_addresses": ["1.2.3.4/24"]}, "did you mean 1.2.3.0/24"),
        ({"extra_inbound_addresses": ["sbc.example.com"]}, "not an IP address"),
        ({"allow_any_source": "yes"}, "allow_any_source: must be true or false"),
        ({"allow_any_source": True, "twilio_edges": ["ashburn"]}, "would do nothing"),
        ({"allow_any_source": True, "extra_inbound_addresses": ["1.2.3.4"]}, "would do nothing"),
    ],
)
def test_bad_options_are_named(document: object, complaint: str) -> None:
    with pytest.raises(ProvisioningConfigError, match=complaint):
        parse_setup_options(document)


@pytest.mark.parametrize("production", [True, False])
def test_an_open_trunk_needs_allow_any_source(production: bool) -> None:
    with pytest.raises(ProvisioningConfigError) as refused:
        parse_setup_options({"twilio_edges": []}, production=production)
    assert OPEN_TRUNK_REFUSED in str(refused.value)
    # An SBC alone is a restriction too; allow_any_source is the explicit way to open it.
    only_sbc = parse_setup_options(
        {"twilio_edges": [], "extra_inbound_addresses": ["203.0.113.10"]}, production=production
    )
    assert inbound_addresses(RANGES, only_sbc) == ("203.0.113.10",)
    opened = parse_setup_options({"allow_any_source": True}, production=production)
    assert inbound_addresses(RANGES, opened) == ()


def test_the_ranges_say_where_they_come_from() -> None:
    assert isinstance(RANGES, SignallingRanges)
    assert (RANGES.source, RANGES.checked) == (SOURCE, "2026-12-07")
