"""Doctor check `livekit.inbound_source`: can only Twilio reach the agent?

The LiveKit inbound trunk for our number should admit INVITEs from Twilio's signalling ranges for
the edges in use (plus the operator's `extra_inbound_addresses`) and nothing else. LiveKit reads an
empty `allowed_addresses` as "any source" and skips malformed entries (a list of only malformed
entries is "any source" too), and a dispatch rule without trunk ids takes calls that no trunk
admitted (upstream: livekit/protocol@28e604c:sip/sip.go:446-462 and :751-835), so each of those
opens the line to anyone who finds the LiveKit SIP host.
"""

from __future__ import annotations

from switchboard.adapters.twilio.signalling import twilio_signalling_ranges
from switchboard.domain.diagnosis import Check, fail, ok, warn
from switchboard.domain.provisioning import ALL, Kind, Live, ProvisioningConfigError
from switchboard.domain.provisioning.sources import (
    SignallingRanges,
    canonical,
    edges_in_use,
    network,
    twilio_addresses,
)
from switchboard.services.doctor.context import DoctorContext, NotChecked
from switchboard.services.doctor.livekit import inbound_for, livekit_view, values
from switchboard.services.doctor.twilio import SETUP

NAME = "livekit.inbound_source"
APPLY = "run `switchboard setup apply`: it sets allowed_addresses to Twilio's signalling ranges"
_LIVEKIT_SKIPS = "()+*;, \t\n\r"  # upstream: livekit/protocol@28e604c:sip/sip.go:402-416


def _usable(entry: str) -> bool:
    """LiveKit matches this entry (the others it skips, silently)."""
    return not any(c in entry for c in _LIVEKIT_SKIPS) and "://" not in entry


def _covered(cidr: str, entries: list[str]) -> bool:
    block = network(cidr)
    for entry in entries:
        try:
            have = network(entry)
        except ValueError:
            continue
        if have.version == block.version and block.subnet_of(have):  # type: ignore[arg-type]
            return True
    return False


def _catch_all_for_agent(live: list[Live], agent: str) -> Live | None:
    return next(
        (
            r
            for r in live
            if r.kind is Kind.DISPATCH_RULE
            and ALL in values(r, "trunk_ids")
            and agent in values(r, "agents")
        ),
        None,
    )


async def check_inbound_source(ctx: DoctorContext) -> Check:
    """Which addresses may send calls to the number's inbound trunk, and whether that is Twilio."""
    number = ctx.settings.twilio_phone_number
    if number is None:
        raise ctx.incomplete()
    live = await livekit_view(ctx)
    trunk = inbound_for(live, number)
    if trunk is None:
        raise NotChecked("no inbound trunk for the number", fix="see `livekit.inbound_trunk`")
    ranges = twilio_signalling_ranges()
    try:
        edges = edges_in_use(ranges, ctx.options)
    except ProvisioningConfigError as exc:
        return fail(NAME, str(exc), "fix twilio_edges in switchboard.yaml")
    label = trunk.name or trunk.id
    entries = list(values(trunk, "allowed_addresses"))
    usable = [e for e in entries if _usable(e)]
    digest = bool(trunk.fields.get("digest_auth"))
    bypass = _catch_all_for_agent(live, ctx.settings.livekit_agent_name)
    if bypass is not None:
        return fail(
            NAME,
            f"dispatch rule {bypass.name or bypass.id} has no trunk ids: it sends calls no trunk "
            f"admits to agent {ctx.settings.livekit_agent_name!r}, from any address",
            f"give that rule the inbound trunk's id ({trunk.id}) or delete it; {SETUP}",
        )
    if not usable and not digest:
        return _open(ctx, label, number, entries)
    if not usable:
        return warn(
            NAME,
            f"inbound trunk {label} admits only callers that answer a digest challenge; Twilio "
            "Elastic SIP Trunking cannot answer one, so Twilio's calls fail with 407",
            APPLY,
        )
    return _compare(ctx, ranges, edges, label, usable, entries, digest)


def _open(ctx: DoctorContext, label: str, number: str, entries: list[str]) -> Check:
    skipped = f" (LiveKit skips every entry: {', '.join(entries)})" if entries else ""
    summary = f"inbound trunk {label} admits INVITEs for {number} from any address{skipped}"
    if ctx.options.allow_any_source and not entries:
        return warn(
            NAME,
            f"{summary} (allow_any_source)",
            "remove `allow_any_source` from switchboard.yaml and run `switchboard setup apply` "
            "to admit Twilio only",
        )
    return fail(NAME, f"{summary}: anyone who finds the LiveKit SIP host can call the agent", APPLY)


def _compare(
    ctx: DoctorContext,
    ranges: SignallingRanges,
    edges: tuple[str, ...],
    label: str,
    usable: list[str],
    entries: list[str],
    digest: bool,
) -> Check:
    missing = [e for e in edges if not all(_covered(c, usable) for c in ranges.edges[e])]
    extras = {canonical(a) for a in ctx.options.extra_inbound_addresses}
    foreign = [e for e in usable if ranges.edge_of(e) is None and _canonical(e) not in extras]
    skipped = [e for e in entries if not _usable(e)]
    # What is in force, whatever the options say: every Twilio edge the list covers.
    admitted = [e for e in ranges.edges if all(_covered(c, usable) for c in ranges.edges[e])]
    in_force = (
        f"inbound trunk {label} admits Twilio "
        f"{', '.join(admitted) or 'no edge'}"
        f"{' + ' + ', '.join(sorted(extras & set(usable))) if extras & set(usable) else ''}"
        f"{' with digest auth' if digest else ''}"
    )
    problems = []
    if missing:
        cidrs = ", ".join(twilio_addresses(ranges, missing))
        problems.append(
            f"calls Twilio sends from {', '.join(missing)} are dropped ({cidrs} missing)"
        )
    if foreign:
        problems.append(
            f"it also admits {', '.join(foreign)}: not Twilio signalling addresses nor "
            "extra_inbound_addresses"
        )
    if skipped:
        problems.append(f"LiveKit skips malformed entries {', '.join(skipped)}")
    if problems:
        fix = (
            f"{APPLY}; an SBC of yours goes in extra_inbound_addresses "
            f"(Twilio ranges as of {ranges.checked}, {ranges.source})"
        )
        return warn(NAME, f"{in_force}; but {'; '.join(problems)}", fix)
    return ok(NAME, f"{in_force} (ranges as of {ranges.checked})")


def _canonical(entry: str) -> str:
    try:
        return canonical(entry)
    except ValueError:
        return entry
