"""The Twilio fake's status callbacks, over HTTP, into Switchboard's webhook app: SharedKey
signing and Twilio's idempotency token, end to end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from tests.support.webhook_world import World, build

from switchboard.adapters.twilio import make_twilio_client
from switchboard.fakes.serving import serve_in_thread
from switchboard.fakes.twilio import RunningTwilioFake, running_twilio_fake

OURS = "+14155550100"
CALLER = "+14155550123"


@pytest.fixture
def fake() -> Iterator[RunningTwilioFake]:
    with running_twilio_fake() as running:
        running.state.add_number(OURS)
        yield running


@contextmanager
def serve(world: World, fake: RunningTwilioFake, **settings: Any) -> Iterator[str]:
    # No WEBHOOK_BASE_URL: the fake calls 127.0.0.1 directly and signs that URL.
    app = build(world, twilio_auth_token=fake.auth_token, webhook_base_url=None, **settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    with serve_in_thread(server, "webhooks") as url:
        yield url


def answers(fake: RunningTwilioFake, count: int) -> list[int | None]:
    return [sent.response_status for sent in fake.state.wait_for_callbacks(count)]


def test_shared_key_signed_callbacks_are_accepted_with_the_shared_key(
    fake: RunningTwilioFake,
) -> None:
    fake.state.callbacks.shared_key = "sk-secret"
    world = World()
    with serve(world, fake, twilio_webhook_shared_key="sk-secret") as url:
        client = make_twilio_client(fake.settings())
        client.messages.create(
            to=CALLER, from_=OURS, body="hi", status_callback=url + "/twilio/status"
        )
        assert answers(fake, 2) == [204, 204]
    assert len(world.seen) == 2


def test_shared_key_signed_callbacks_are_refused_without_the_shared_key(
    fake: RunningTwilioFake,
) -> None:
    fake.state.callbacks.shared_key = "sk-secret"
    world = World()
    with serve(world, fake) as url:
        client = make_twilio_client(fake.settings())
        client.messages.create(
            to=CALLER, from_=OURS, body="hi", status_callback=url + "/twilio/status"
        )
        assert answers(fake, 2) == [403, 403]
    assert world.seen == set()


def test_a_retried_callback_is_handled_once_by_its_idempotency_token(
    fake: RunningTwilioFake,
) -> None:
    fake.state.callbacks.duplicate = True
    world = World()
    with serve(world, fake) as url:
        client = make_twilio_client(fake.settings())
        client.messages.create(
            to=CALLER, from_=OURS, body="hi", status_callback=url + "/twilio/status"
        )
        sent = fake.state.wait_for_callbacks(4)
        assert [s.response_status for s in sent] == [204] * 4
    tokens = {dict(s.headers)["I-Twilio-Idempotency-Token"] for s in sent}
    assert world.seen == {f"status:{token}" for token in tokens}
    assert len(tokens) == 2
