"""`switchboard test-call [--to NUMBER]`: one real call through the real network, step by step.

Exit 0 when every step is ok or only warns, 1 when any step failed, 2 for unusable settings.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets

import typer
from livekit import api

from switchboard.adapters.livekit.probe_line import LiveKitProbeLine, outbound_trunk
from switchboard.domain.diagnosis import Check, Status, exit_code, fail, worst
from switchboard.domain.errors import InvalidValue
from switchboard.domain.phone import InvalidPhoneNumber, mask, to_e164
from switchboard.entrypoints.cli._runtime import (
    EXIT_USAGE,
    CliState,
    console,
    plain,
    settings_or_exit,
)
from switchboard.entrypoints.cli._runtime import fail as fail_usage
from switchboard.ports.telephony import TelephonyError
from switchboard.services.test_call import TestCallRequest, run_test_call
from switchboard.settings import Settings

DOCTOR = "run `switchboard doctor`: it checks the LiveKit settings one by one"
_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red"}
NO_TRUNK = fail(
    "trunk",
    "no LiveKit outbound trunk to dial through",
    "run `switchboard setup apply` (it creates one), or set LIVEKIT_OUTBOUND_TRUNK_ID",
)


def show(check: Check) -> None:
    """One step as it is decided: status, step, what was found, and the fix when not ok."""
    style = _STYLE[check.status]
    console.print(
        f"[{style}]{check.status.value:<4}[/] {check.name:<9} {plain(check.summary)}",
        highlight=False,
        soft_wrap=True,
    )
    if check.fix:
        console.print(f"               [dim]fix:[/] {plain(check.fix)}", highlight=False)


async def probe(
    settings: Settings, req: TestCallRequest, *, as_json: bool, listen: bool = True
) -> list[Check]:
    """Find the outbound trunk, then run the test call on LiveKit."""
    url, key, secret = settings.livekit_url, settings.livekit_api_key, settings.livekit_api_secret
    if not (url and key and secret):
        raise InvalidValue("LiveKit settings missing")  # the command checked them
    lk = api.LiveKitAPI(url, key, secret.get_secret_value())
    try:
        try:
            trunk = await outbound_trunk(lk, settings.livekit_outbound_trunk_id)
        except TelephonyError as exc:
            return [fail("trunk", f"could not look for the outbound trunk: {exc}", DOCTOR)]
        if not trunk:
            return [NO_TRUNK]
        line = LiveKitProbeLine(
            lk,
            url=url,
            api_key=key,
            api_secret=secret.get_secret_value(),
            trunk_id=trunk,
            media=listen,
        )

        def ask() -> None:
            if not as_json:
                console.print("[bold]Press a key on the phone now[/] (any digit).")

        return await run_test_call(
            line, req, report=(lambda c: None) if as_json else show, ask_for_key=ask
        )
    finally:
        await lk.aclose()


def place_test_call(
    to: str | None = typer.Option(
        None,
        "--to",
        metavar="NUMBER",
        help="Ring this phone (yours) instead of the company number, and check a key press.",
    ),
    ring_seconds: float = typer.Option(
        30, "--ring", metavar="SECONDS", min=5, max=120, help="How long it may ring."
    ),
    listen_seconds: float = typer.Option(
        15, "--listen", metavar="SECONDS", min=1, max=120, help="How long to wait for sound."
    ),
    keypad_seconds: float = typer.Option(
        30, "--keypad", metavar="SECONDS", min=1, max=300, help="How long to wait for a key."
    ),
    no_listen: bool = typer.Option(
        False,
        "--no-listen",
        help="Check signalling only: no WebRTC join, so no greeting or key-press check "
        "(for networks that block WebRTC).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Place a real test call through LiveKit and the trunk; report each step and hang up."""
    settings = settings_or_exit()
    missing = [
        name
        for name, value in (
            ("LIVEKIT_URL", settings.livekit_url),
            ("LIVEKIT_API_KEY", settings.livekit_api_key),
            ("LIVEKIT_API_SECRET", settings.livekit_api_secret),
        )
        if not value
    ]
    if missing:
        fail_usage(f"set {', '.join(missing)} first (see .env.example)", EXIT_USAGE)
    target = to or settings.twilio_phone_number
    if not target:
        fail_usage("set TWILIO_PHONE_NUMBER (the company number), or give --to", EXIT_USAGE)
    try:
        target = to_e164(target, settings.default_region)
    except InvalidPhoneNumber:
        fail_usage(f"--to {target!r} is not a phone number", EXIT_USAGE)
    req = TestCallRequest(
        to=target,
        room=f"test-call-{secrets.token_hex(4)}",
        person=to is not None,
        ring_seconds=ring_seconds,
        listen_seconds=listen_seconds,
        keypad_seconds=keypad_seconds,
    )
    if not as_json:
        who = "your phone" if req.person else "the company number"
        console.print(f"Calling {who} {mask(target)} from room {req.room}…", highlight=False)
        if req.person:
            console.print("Answer it, say hello, and press a key when asked.")
    rtc_logs = logging.getLogger("livekit")
    level = rtc_logs.level
    if not CliState.verbose:
        # livekit rtc logs each failed join attempt; the greeting step already says why.
        rtc_logs.setLevel(logging.CRITICAL)
    try:
        checks = asyncio.run(probe(settings, req, as_json=as_json, listen=not no_listen))
    finally:
        rtc_logs.setLevel(level)
    overall = worst(checks)
    if as_json:
        document = {"status": overall.value, "checks": [c.as_dict() for c in checks]}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        if len(checks) == 1 and checks[0].name == "trunk":  # nothing was dialled
            show(checks[0])
        counts = {s: sum(c.status is s for c in checks) for s in Status}
        line = ", ".join(f"{n} {s.value}" for s, n in counts.items())
        console.print(f"[{_STYLE[overall]}]{overall.value}[/]: {line}", highlight=False)
    raise typer.Exit(exit_code(checks))
