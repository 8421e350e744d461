"""What a local call shows and keeps: one line per thing said or happening, in the order it happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Role = Literal["agent", "caller", "employee", "event"]
Leg = Literal["caller", "employee"]


@dataclass(frozen=True, slots=True)
class CallLine:
    """One line of a local call.

    `role` "event" is something that happened on the line (ringing, hold, hang-up), not speech.
    `leg` says whose side it is on: "employee" marks the consultation, which the caller never hears.
    """

    role: Role
    text: str
    leg: Leg = "caller"
    kind: str = "speech"  # for events: ringing|answered|hold|unhold|hung_up|connected|...
    who: str = ""  # the employee's name on the employee's leg

    @property
    def spoken(self) -> bool:
        return self.role != "event"


LineSink = Callable[[CallLine], None]


class CallLines:
    """The ordered lines of one call, passed on to an optional live listener as they arrive."""

    def __init__(self, listener: LineSink | None = None) -> None:
        self.lines: list[CallLine] = []
        self._listener = listener

    def add(self, line: CallLine) -> None:
        """Keep `line` and show it."""
        self.lines.append(line)
        if self._listener is not None:
            self._listener(line)

    def transcript(self) -> list[dict[str, str]]:
        """The spoken lines as scenario output: [{role, text}]."""
        return [{"role": line.role, "text": line.text} for line in self.lines if line.spoken]
