"""What the agent says while a department's ring group rings. Never a number or an address."""

from __future__ import annotations

TO_EMPLOYEE_ALREADY_TAKEN = (
    "Thanks, a colleague has already taken this call. No need to do anything."
)


def group_hold_intro(department_name: str) -> str:
    return f"One moment please, I'll see who in {department_name} is free. Please hold."


def group_checkin(department_name: str) -> str:
    return (
        f"Thanks for holding, I'm still trying {department_name}. You can stay on the line, "
        "or I can take a message instead."
    )


def group_not_connected(department_name: str) -> str:
    return f"I'm sorry, nobody in {department_name} can take your call right now."
