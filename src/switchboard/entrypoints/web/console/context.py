"""What the console's routes receive: the services, wired once by `mount_console`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates

from switchboard.domain.diagnosis import Check
from switchboard.ports.clock import Clock
from switchboard.services.console.accounts import Accounts
from switchboard.services.console.recordings import ConsoleRecordings
from switchboard.services.console.views import ConsoleViews
from switchboard.services.directory import UnitOfWorkFactory
from switchboard.services.messages.message_log import MessageLog

from .sessions import SessionCodec

HERE = Path(__file__).parent
DoctorFn = Callable[[], Awaitable[list[Check]]]


@dataclass
class DoctorCache:
    """The set-up page's last doctor run (doctor calls Twilio and LiveKit: seconds, not ms)."""

    run: DoctorFn
    checks: list[Check] | None = None
    at: datetime | None = None


@dataclass
class ConsoleServices:
    """Everything the console uses; `entrypoints/cli/serve.py` builds it from the Application."""

    accounts: Accounts
    views: ConsoleViews
    messages: MessageLog
    unit_of_work: UnitOfWorkFactory
    clock: Clock
    doctor: DoctorFn
    default_region: str = "US"
    # Plays messages' voicemail recordings (VOICEMAIL_DIR, Twilio); None: not served here.
    recordings: ConsoleRecordings | None = None


@dataclass
class Console:
    services: ConsoleServices
    sessions: SessionCodec
    templates: Jinja2Templates = field(
        default_factory=lambda: Jinja2Templates(directory=str(HERE / "templates"))
    )
    doctor: DoctorCache | None = None
