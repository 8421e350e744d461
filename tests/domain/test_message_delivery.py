"""A message's delivery state from its notifications, and how a resend is planned."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from switchboard.domain.directory import Employee
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.messages.delivery import (
    DeliveryState,
    ResendRefused,
    delivery_state,
    plan_resend,
)
from switchboard.domain.notifications import Channel, Notification, NotificationStatus

S, D = NotificationStatus, DeliveryState
T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
ANN = Employee("ann", "Ann", "+13125550101", email="ann@x.test", sms="+13125550112")
MSG = Message("msg_1", RecipientKind.EMPLOYEE, "ann", "Bob", "+13125550199", "Call back", T0)


def note(channel: Channel, status: S, seq: int = 0) -> Notification:
    return Notification(
        f"msg_1.{channel.value}.{seq}", "msg_1", channel, "x", T0, T0, status=status
    )


@pytest.mark.parametrize(
    ("notes", "state"),
    [
        ([note(Channel.SMS, S.DELIVERED), note(Channel.EMAIL, S.FAILED)], D.DELIVERED),
        ([note(Channel.EMAIL, S.SENT), note(Channel.SMS, S.QUEUED)], D.SENT),
        ([note(Channel.SMS, S.UNDELIVERED), note(Channel.EMAIL, S.SENDING)], D.PENDING),
        ([note(Channel.SMS, S.UNDELIVERED), note(Channel.EMAIL, S.FAILED)], D.FAILED),
        # The local outbox reached nobody, whatever its own status says.
        ([note(Channel.LOCAL, S.SENT)], D.NOT_DELIVERED),
        ([note(Channel.LOCAL, S.SENT), note(Channel.SMS, S.FAILED)], D.FAILED),
        ([], D.NOT_DELIVERED),
    ],
)
def test_delivery_state_is_the_best_real_channel(notes: list[Notification], state: D) -> None:
    assert delivery_state(notes) is state


def test_resend_goes_to_every_real_channel_with_fresh_ids() -> None:
    old = [note(Channel.SMS, S.UNDELIVERED), note(Channel.EMAIL, S.FAILED, 1)]
    fresh = plan_resend(MSG, old, ANN, T0)
    assert [(n.channel, n.to) for n in fresh] == [
        (Channel.EMAIL, "ann@x.test"),
        (Channel.SMS, "+13125550112"),
    ]
    assert {n.id for n in fresh}.isdisjoint({n.id for n in old})
    # Never sequence 0 (first send) or 1 (the worker's fallback id).
    assert all(int(n.id.rsplit(".", 1)[1]) >= 2 for n in fresh)
    assert all(n.status is S.QUEUED and n.next_attempt_at == T0 for n in fresh)


def test_a_second_resend_does_not_reuse_the_first_ones_ids() -> None:
    first = plan_resend(MSG, [note(Channel.SMS, S.FAILED)], ANN, T0)
    done = [replace(n, status=S.FAILED) for n in first]
    second = plan_resend(MSG, [note(Channel.SMS, S.FAILED), *done], ANN, T0)
    assert {n.id for n in second}.isdisjoint({n.id for n in first})


def test_resend_is_refused_while_a_delivery_is_in_flight_unless_forced() -> None:
    old = [note(Channel.SMS, S.SENDING)]
    with pytest.raises(ResendRefused, match=r"still being delivered: sms \(sending\)"):
        plan_resend(MSG, old, ANN, T0)
    assert len(plan_resend(MSG, old, ANN, T0, force=True)) == 2


def test_resend_on_a_chosen_channel_needs_that_address() -> None:
    no_sms = replace(ANN, sms=None)
    with pytest.raises(ResendRefused, match="ann has no sms address"):
        plan_resend(MSG, [], no_sms, T0, channels=[Channel.SMS])
    only = plan_resend(MSG, [], no_sms, T0, channels=[Channel.EMAIL])
    assert [n.channel for n in only] == [Channel.EMAIL]


def test_resend_without_any_address_goes_to_the_local_outbox() -> None:
    nobody = replace(ANN, sms=None, email=None)
    assert [n.channel for n in plan_resend(MSG, [], nobody, T0)] == [Channel.LOCAL]
    assert [n.to for n in plan_resend(MSG, [], None, T0)] == ["front-desk"]
    with pytest.raises(ResendRefused, match="nobody"):
        plan_resend(MSG, [], None, T0, channels=[Channel.EMAIL])
