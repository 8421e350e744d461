"""Who gets messages that name nobody (the front desk), and the directory as the notification
worker last read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from switchboard.domain.directory import CompanyProfile, Directory
from switchboard.logs import get_logger
from switchboard.ports.repositories import UnitOfWork
from switchboard.services.messages.webhooks import Recipient

log = get_logger(__name__)

# Department ids taken as the front desk, in order, when FRONT_DESK is not set.
FRONT_DESK_DEPARTMENTS = ("front-desk", "reception", "frontdesk", "operator", "office")


def front_desk(directory: Directory, configured: str | None = None) -> Recipient:
    """Who gets messages that name nobody (inbound SMS from strangers, voicemails).

    `configured` is FRONT_DESK: a department id or an employee id. Otherwise the first department
    whose id looks like a front desk, else the first department, else the first employee; an empty
    directory sends them to the local outbox's front desk.
    """
    if configured:
        if directory.department(configured) is not None:
            return Recipient("department", configured)
        if directory.employee(configured) is not None:
            return Recipient("employee", configured)
        log.warning("FRONT_DESK names no department or employee", front_desk=configured)
    ids = [d.id for d in directory.departments]
    for wanted in FRONT_DESK_DEPARTMENTS:
        if wanted in ids:
            return Recipient("department", wanted)
    if ids:
        return Recipient("department", ids[0])
    if directory.employees:
        return Recipient("employee", directory.employees[0].id)
    return Recipient("department", "front-desk")


@dataclass
class DirectoryCache:
    """The directory as last loaded; the worker needs it synchronously, so it is refreshed by the
    notification loop before each pass and by the desk on each message."""

    read: Callable[
        [], UnitOfWork
    ]  # a unit of work that only reads (`Storage.reading_unit_of_work`)
    current: Directory = field(
        default_factory=lambda: Directory(company=CompanyProfile(name="Switchboard"))
    )

    revision: str | None = None  # the stored directory's revision `current` was read at

    async def refresh(self) -> Directory:
        """The stored directory; read again only when its revision moved (one indexed SELECT
        otherwise: at 100,000 employees a full read costs seconds)."""
        async with self.read() as uow:
            revision = await uow.directory.revision()
            if revision != self.revision:
                self.current, self.revision = await uow.directory.load(), revision
        return self.current

    def get(self) -> Directory:
        return self.current
