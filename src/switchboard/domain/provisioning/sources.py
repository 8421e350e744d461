"""Who may send calls to the LiveKit inbound trunk: Twilio's signalling ranges for the edges in use,
plus the operator's extras. Pure: the ranges come in parsed (the loader reads the packaged file).

LiveKit reads an empty `allowed_addresses` as "any source", so an empty result is never produced
by accident: only `allow_any_source: true` asks for it (docs/operations.md, "Only Twilio can call
in"). Addresses are IPs or CIDR blocks in canonical form, the two forms LiveKit compares against
the INVITE's source address (upstream: livekit/protocol@28e604c:sip/sip.go:431-444, matchAddrMask).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from switchboard.domain.provisioning import ProvisioningConfigError

if TYPE_CHECKING:  # desired.py builds on this module
    from switchboard.domain.provisioning.desired import SetupOptions

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class SignallingRanges:
    """Twilio's published signalling ranges per edge, with where and when they were read."""

    source: str
    checked: str
    edges: Mapping[str, tuple[str, ...]]  # edge name → canonical CIDRs, in file order

    def edge_names(self) -> tuple[str, ...]:
        """Every edge the data knows, in file order."""
        return tuple(self.edges)

    def edge_of(self, address: str) -> str | None:
        """The edge whose ranges contain `address` (an IP or CIDR), else None."""
        try:
            wanted = network(address)
        except ValueError:
            return None
        for edge, cidrs in self.edges.items():
            for cidr in cidrs:
                block = ipaddress.ip_network(cidr)
                if wanted.version == block.version and wanted.subnet_of(block):  # type: ignore[arg-type]
                    return edge
        return None


def network(value: str) -> Network:
    """`value` (an IP or a CIDR block) as a network; ValueError says what is wrong.

    Host bits must be zero (`54.172.60.1/30` is refused): LiveKit would accept it and match the
    whole block, which is rarely what was meant. Brackets (`[::1]`) are refused: LiveKit cannot
    parse them and would never match (upstream: livekit/protocol@28e604c:sip/sip.go:431-444).
    """
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not text:
        raise ValueError(f"{value!r} is not an IP address or CIDR block")
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        if "host bits set" in str(exc):
            canonical = ipaddress.ip_network(text, strict=False)
            raise ValueError(f"{value!r} has host bits set; did you mean {canonical}?") from None
        raise ValueError(f"{value!r} is not an IP address or CIDR block") from None


def canonical(value: str) -> str:
    """The form written on the trunk: a bare IP for a single host, else `network/prefix`."""
    net = network(value)
    single = net.prefixlen == net.max_prefixlen
    return str(net.network_address) if single else str(net)


def parse_signalling_ranges(
    data: object, origin: str = "twilio_signalling.yaml"
) -> SignallingRanges:
    """The packaged data document, validated: every edge has at least one valid CIDR."""
    if not isinstance(data, Mapping):
        raise ProvisioningConfigError(f"{origin}: the document must be a mapping")
    problems: list[str] = []
    source, checked = data.get("source"), data.get("checked")
    if not isinstance(source, str) or not source.startswith("https://"):
        problems.append("source: the https:// page the ranges were read from")
    if not isinstance(checked, str) or not checked:
        problems.append('checked: the date they were compared with it, e.g. "2026-12-07"')
    raw = data.get("edges")
    edges: dict[str, tuple[str, ...]] = {}
    if not isinstance(raw, Mapping) or not raw:
        problems.append("edges: a mapping of edge name → {signalling: [CIDR, ...]}")
        raw = {}
    for edge, entry in raw.items():
        cidrs = entry.get("signalling") if isinstance(entry, Mapping) else None
        if not isinstance(edge, str) or not isinstance(cidrs, list) or not cidrs:
            problems.append(f"edges.{edge}: needs a non-empty `signalling` list")
            continue
        good = []
        for cidr in cidrs:
            try:
                good.append(canonical(cidr))
            except ValueError as exc:
                problems.append(f"edges.{edge}.signalling: {exc}")
        edges[edge] = tuple(good)
    if problems:
        raise ProvisioningConfigError(f"{origin}: " + "; ".join(problems))
    return SignallingRanges(str(source), str(checked), edges)


def edges_in_use(ranges: SignallingRanges, options: SetupOptions) -> tuple[str, ...]:
    """The edges Twilio may send our calls from: all by default, or the ones the options name."""
    if options.twilio_edges is None:
        return ranges.edge_names()
    unknown = [e for e in options.twilio_edges if e not in ranges.edges]
    if unknown:
        raise ProvisioningConfigError(
            f"twilio_edges: unknown edge(s) {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(ranges.edge_names())}"
        )
    return tuple(dict.fromkeys(options.twilio_edges))


def twilio_addresses(ranges: SignallingRanges, edges: Iterable[str]) -> tuple[str, ...]:
    """The signalling CIDRs of `edges`, in order, without repeats."""
    return tuple(dict.fromkeys(c for e in edges for c in ranges.edges[e]))


def inbound_addresses(ranges: SignallingRanges, options: SetupOptions) -> tuple[str, ...]:
    """What the LiveKit inbound trunk's `allowed_addresses` must be; () only for allow_any_source."""
    if options.allow_any_source:
        return ()
    wanted = twilio_addresses(ranges, edges_in_use(ranges, options))
    try:
        extras = tuple(canonical(a) for a in options.extra_inbound_addresses)
    except ValueError as exc:
        raise ProvisioningConfigError(f"extra_inbound_addresses: {exc}") from None
    return tuple(dict.fromkeys((*wanted, *extras)))
