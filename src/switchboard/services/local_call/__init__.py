"""The local call: the whole product in one process (agent, brain, simulated phone network,
SQLite), shared by `switchboard call` and `switchboard simulate`."""

from switchboard.services.local_call.assembly import (
    DEFAULT_CALLER,
    LocalCallSpec,
    ReadLine,
    run_local_call,
)
from switchboard.services.local_call.lines import CallLine, CallLines, LineSink
from switchboard.services.local_call.result import LocalCallResult

__all__ = [
    "DEFAULT_CALLER",
    "CallLine",
    "CallLines",
    "LineSink",
    "LocalCallResult",
    "LocalCallSpec",
    "ReadLine",
    "run_local_call",
]
