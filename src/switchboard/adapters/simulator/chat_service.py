"""A chat service on loopback for the simulator and the tests: a generic JSON webhook (apprise's
`json://host:port/path`) that answers each post as scripted — 200, 500, 404, or `stall` (answers
only after `stall_seconds`, longer than apprise's read timeout, after it has recorded the post).

What it models: apprise's `json://` posts `{"version", "title", "message", "attachments",
"type"}` as a JSON body (apprise/plugins/custom_json.py, `send`), and judges the answer by status
alone (2xx success, anything else failure, `error=<status>` in its log). Slack, Teams and Discord
incoming webhooks answer the same way (2xx ok, 4xx for a bad or revoked hook, 5xx/429 while
unwell); their payload shapes differ, which this fake does not model.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

STALL = "stall"
Answer = int | str  # an HTTP status, or STALL


@dataclass
class ChatPost:
    path: str
    body: dict[str, Any]
    answered: Answer


@dataclass
class ChatService:
    """Answers posts with `answers` in order; the last answer repeats. `posts` records them all."""

    answers: list[Answer] = field(default_factory=lambda: [200])
    stall_seconds: float = 3.0
    posts: list[ChatPost] = field(default_factory=list)
    address: str = ""  # host:port once running

    def accepted(self) -> list[ChatPost]:
        """The posts that the service took (answered 2xx or stalled after taking it)."""
        return [p for p in self.posts if p.answered == STALL or 200 <= int(p.answered) < 300]

    async def _handle(self, request: web.Request) -> web.Response:
        index = len(self.posts)
        answer = self.answers[min(index, len(self.answers) - 1)]
        try:
            body = await request.json()
        except ValueError:
            body = {"raw": await request.text()}
        self.posts.append(ChatPost(request.path, body, answer))
        if answer == STALL:
            await asyncio.sleep(self.stall_seconds)  # the post is taken; the answer comes too late
            return web.Response(status=200)
        return web.Response(status=int(answer), text="ok" if int(answer) < 300 else "error")


def parse_answers(values: Sequence[object]) -> list[Answer]:
    """Scenario/test input to answers: ints 200-599 or "stall"; ValueError names a bad one."""
    answers: list[Answer] = []
    for value in values:
        if value == STALL:
            answers.append(STALL)
        elif isinstance(value, int) and not isinstance(value, bool) and 200 <= value <= 599:
            answers.append(value)
        else:
            raise ValueError(f"{value!r} is not an HTTP status 200-599 or 'stall'")
    if not answers:
        raise ValueError("must list at least one answer")
    return answers


@asynccontextmanager
async def running_chat_service(
    answers: Sequence[Answer] = (200,), *, stall_seconds: float = 3.0
) -> AsyncIterator[ChatService]:
    """Serve a ChatService on 127.0.0.1 (a free port) in this event loop until the block ends."""
    service = ChatService(list(answers), stall_seconds)
    app = web.Application()
    app.router.add_post("/{path:.*}", service._handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server: Any = site._server  # aiohttp keeps the bound asyncio server here; no public accessor
    service.address = f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield service
    finally:
        await runner.cleanup()
