"""One error tree (domain/errors.py): every exception class we define is a SwitchboardError, the
command line prints those as one line, and anything else — a bug — keeps its traceback."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import typer

import switchboard
from switchboard.domain.errors import InvalidValue, NoSuchRecord, SwitchboardError
from switchboard.entrypoints.cli._runtime import known_errors

# The fakes' errors model the upstream services' own errors (Twirp, Twilio's REST answers).
OUTSIDE_THE_TREE = ("switchboard.fakes.",)


def _our_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(switchboard.__path__, "switchboard."):
        if info.name.startswith(OUTSIDE_THE_TREE) or info.name.endswith("__main__"):
            continue
        if ".migrations" in info.name:
            continue
        names.append(info.name)
    return names


def test_every_exception_class_we_define_is_in_the_tree() -> None:
    strays = []
    for name in _our_modules():
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional extra (offline voice, providers) is not installed
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != name or not issubclass(cls, BaseException):
                continue
            if not issubclass(cls, SwitchboardError):
                strays.append(f"{name}.{cls.__name__}")
    assert strays == []


def test_our_errors_end_the_command_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exited, known_errors():
        raise InvalidValue("'+1312' is not a valid E.164 phone number")
    assert exited.value.exit_code == 1
    err = capsys.readouterr().err
    assert "error: '+1312' is not a valid E.164 phone number" in err
    assert "Traceback" not in err


def test_a_missing_record_is_also_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit), known_errors():
        raise NoSuchRecord("no employee 'zed'")
    assert "no employee 'zed'" in capsys.readouterr().err


@pytest.mark.parametrize("bug", [KeyError("ann"), ValueError("x"), LookupError("y"), TypeError()])
def test_a_bug_is_not_dressed_up_as_a_user_error(bug: Exception) -> None:
    """Bare builtins are bugs: they leave the handler untouched, so the trace is printed."""
    with pytest.raises(type(bug)), known_errors():
        raise bug


def test_the_old_builtin_bases_still_catch_what_they_caught() -> None:
    from switchboard.domain.phone import InvalidPhoneNumber
    from switchboard.services.directory import EmployeeNotFound

    assert issubclass(InvalidPhoneNumber, ValueError)
    assert issubclass(EmployeeNotFound, LookupError)
