"""How `--help` reads: what to type after each option, and help text shown exactly as written.

Typer (0.2x) prints a parameter's Python type as its metavar (`--verbose <bool>`, `--employee
<list[str]>`). `SwitchboardGroup`, the root command's class, tidies the whole command tree once it
is built: a flag shows no metavar, an option shows the metavar its declaration gives (e.g.
`SECONDS`, `ID=answer:…`) or else its own name in capitals, an argument shows its name in
capitals and no type. Help strings are ours but not markup: their square brackets
(`switchboard[voice]`) are escaped so rich shows them instead of swallowing them.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from typer.core import TyperArgument, TyperGroup, TyperOption


class _NamedArgument(TyperArgument):
    """An argument whose help row shows its name (the metavar) and no Python type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _option_metavar(option: TyperOption) -> str:
    longest = max(option.opts, key=len).lstrip("-/")
    return longest.replace("-", "_").upper()


def _tidy_param(param: Any, *, markup: bool) -> None:
    if getattr(param, "_switchboard_tidy", False):
        return  # escaping twice would show the backslashes
    param._switchboard_tidy = True
    if markup and getattr(param, "help", None):
        param.help = escape(param.help)
    if isinstance(param, TyperOption):
        if param.is_flag or param.count:
            param.metavar = ""
        elif param.metavar is None:
            param.metavar = _option_metavar(param)
    elif isinstance(param, TyperArgument):
        if param.metavar is None:
            param.metavar = (param.name or "value").upper()
        param.__class__ = _NamedArgument


def tidy(command: Any, *, markup: bool) -> None:
    """Tidy `command`, and every command below it, in place."""
    if getattr(command, "_switchboard_tidy", False):
        return
    command._switchboard_tidy = True
    if markup:
        for attr in ("help", "short_help", "epilog"):
            if text := getattr(command, attr, None):
                setattr(command, attr, escape(text))
    for param in command.params:
        _tidy_param(param, markup=markup)
    # --help itself is made on demand (and kept) by the command; make it now to tidy it too.
    ctx = command.context_class(command, **command.context_settings)
    if (help_option := command.get_help_option(ctx)) is not None:
        _tidy_param(help_option, markup=False)
    for sub in getattr(command, "commands", {}).values():
        tidy(sub, markup=markup)


class SwitchboardGroup(TyperGroup):
    """The root `switchboard` group: tidies its command tree's help as it is built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tidy(self, markup=getattr(self, "rich_markup_mode", None) == "rich")

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        for param in params:  # Typer adds --install-completion and --show-completion later
            _tidy_param(param, markup=False)
        return params
