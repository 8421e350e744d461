"""The root of every error Switchboard raises on purpose (httpx-style: one tree, caught by kind).

    SwitchboardError                 anything we raise on purpose; anything else escaping is a bug
    ├── InvalidInput                 bad input the person can fix: a file, a number, a setting
    ├── NotFound                     a record that was named does not exist
    ├── Refused                      a valid request that is not allowed now (a blocked plan, …)
    └── (the rest)                   a service or part we depend on failed: storage, telephony,
                                     notifications, a model provider, the offline voice extra

Each concrete class also keeps the builtin base it always had (ValueError, LookupError,
RuntimeError), so code that caught those still does. The command line prints a SwitchboardError
as one line; any other exception is a bug and prints its traceback (entrypoints/cli/_runtime.py).
The fakes' own errors (fakes/*) model the upstream services' errors and are not in this tree.
"""

from __future__ import annotations


class SwitchboardError(Exception):
    """Raised on purpose by Switchboard; its message is written for the person reading it."""


class InvalidInput(SwitchboardError):
    """Bad input the person can fix: a directory file, a phone number, a setting, an option."""


class NotFound(SwitchboardError):
    """A record that was asked for by name or id does not exist."""


class Refused(SwitchboardError):
    """A valid request that is not allowed in the current state (a plan that would break calls,
    a resend of a message already delivered, a restore onto a newer schema)."""


class InvalidValue(InvalidInput, ValueError):
    """A bad value (an option, a file's content, a setting): also a ValueError, so the places
    that validate input with `except ValueError` keep working."""


class NoSuchRecord(NotFound, LookupError):
    """A record that was named does not exist: also a LookupError."""
