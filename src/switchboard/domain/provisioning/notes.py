"""What a plan step replaces or leaves in the way beyond its own fields, in words. Pure.

Twilio's rules for a phone number (twilio-python 9.13.0,
twilio/rest/api/v2010/account/incoming_phone_number/__init__.py): a `trunk_sid` makes Twilio
"ignore all of the voice urls and voice applications" and "will automatically delete your
`voice_application_sid`" (:77); "If an `sms_application_sid` is present, we ignore all `sms_*_url`
values and use those of the application" (:70).
"""

from __future__ import annotations

from switchboard.domain.provisioning import Action, Kind, Step

_CHANGES = frozenset({Action.CREATE, Action.UPDATE, Action.DRIFTED})


def step_notes(step: Step) -> tuple[str, ...]:
    """The notes `setup plan` shows under a step (empty for most)."""
    live = step.live
    if live is None or live.blocked:
        return ()
    out: list[str] = []
    if step.desired.kind is Kind.PHONE_NUMBER and step.action in _CHANGES:
        app = live.fields.get("voice_application_sid")
        if app:
            out.append(
                f"Twilio deletes the number's voice application {app} when it joins the trunk"
            )
        url = live.fields.get("voice_url")
        if url and not live.fields.get("trunk_sid"):
            out.append(f"the number's voice URL {url} stops being used: calls go to the trunk")
    if step.desired.kind is Kind.SMS_WEBHOOK:
        app = live.fields.get("sms_application_sid")
        if app:
            out.append(
                f"sms_application_sid {app} overrides the SMS URL: texts go to that application "
                "or Messaging Service, not to switchboard. setup leaves it alone; see "
                "docs/connect-a-real-number.md"
            )
    if step.desired.kind is Kind.LIVEKIT_INBOUND_TRUNK and step.action in _CHANGES:
        out += _source_notes(step)
    return tuple(out)


def _source_notes(step: Step) -> list[str]:
    """How `allowed_addresses` changes, in words: LiveKit reads an empty list as "any address"."""
    diff = next((d for d in step.differences if d.field == "allowed_addresses"), None)
    if diff is None:
        return []
    live = diff.live if isinstance(diff.live, tuple) else ()
    wanted = diff.desired if isinstance(diff.desired, tuple) else ()
    if not wanted:
        return ["from now on the trunk admits INVITEs from any address (allow_any_source)"]
    if not live:
        return ["the trunk admits INVITEs from any address today; from now on only the listed ones"]
    added = [a for a in wanted if a not in live]
    removed = [a for a in live if a not in wanted]
    words = []
    if added:
        words.append(f"admits also {', '.join(added)}")
    if removed:
        words.append(f"no longer admits {', '.join(removed)}")
    return ["; ".join(words)] if words else []
