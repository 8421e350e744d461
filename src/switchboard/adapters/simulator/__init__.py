"""The simulated phone network: virtual time, scripted callers and employees, a Telephony adapter."""

from switchboard.adapters.simulator.clock import PacedClock, SimulatedClock
from switchboard.adapters.simulator.network import SimulatedNetwork
from switchboard.adapters.simulator.people import Connection, NetworkEvent, TranscriptLine
from switchboard.adapters.simulator.scripts import (
    AnswerMode,
    CallerScript,
    DecisionMode,
    EmployeeScript,
    HangupPoint,
    scripts_by_target,
)

__all__ = [
    "AnswerMode",
    "CallerScript",
    "Connection",
    "DecisionMode",
    "EmployeeScript",
    "HangupPoint",
    "NetworkEvent",
    "PacedClock",
    "SimulatedClock",
    "SimulatedNetwork",
    "TranscriptLine",
    "scripts_by_target",
]
