"""The coordinator listens to the caller only after the hold announcement has played, so nothing
the caller said before the transfer ("I'm returning Dana's message") is read as a request."""

from __future__ import annotations

from switchboard.adapters.simulator import EmployeeScript, SimulatedClock, SimulatedNetwork
from switchboard.domain.calls import TransferOutcome
from switchboard.domain.directory import Employee
from switchboard.ports.telephony import Reply
from switchboard.services.transfer import TransferConfig, WarmTransferCoordinator

DANA = Employee("dana", "Dana Whitfield", "+13125550112")


class RecordingNetwork(SimulatedNetwork):
    """The simulated network, noting when the caller is spoken to and listened to."""

    def __init__(self, clock: SimulatedClock) -> None:
        super().__init__(clock)
        self.caller = ""
        self.order: list[str] = []

    async def say(self, room: str, identity: str, text: str) -> None:
        await super().say(room, identity, text)
        if identity == self.caller:
            self.order.append("said")

    async def next_reply(self, room: str, identity: str, *, wait_seconds: float) -> Reply | None:
        if identity == self.caller:
            self.order.append("listening")
        return await super().next_reply(room, identity, wait_seconds=wait_seconds)


async def test_the_caller_is_listened_to_only_after_the_hold_announcement() -> None:
    clock = SimulatedClock()
    net = RecordingNetwork(clock)
    net.employees[DANA.phone] = EmployeeScript.from_spec({"answer": True})
    call = net.place_call("+16125550177")
    net.caller = call.caller_identity
    coordinator = WarmTransferCoordinator(net, clock, TransferConfig())
    result = await coordinator.warm_transfer(call, DANA, caller_name="Eve", reason="an invoice")
    assert result.outcome is TransferOutcome.CONNECTED
    assert net.order[:2] == ["said", "listening"]
