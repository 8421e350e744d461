"""The `switchboard` program: the full command line, except the directory commands that must
answer fast at 100,000 people (`directory import FILE`, `directory resolve TEXT`), which run
without importing the rest (see `directory_commands`). Any other form of those two — `--help`,
a root option before them — takes the full command line, which registers the same functions."""

from __future__ import annotations

import sys

_QUICK = ("import", "resolve")


def main() -> None:
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "directory" and args[1] in _QUICK and not _asks_help(args):
        from switchboard.entrypoints.directory_commands import quick_app

        quick_app(args=args[1:], prog_name="switchboard directory")
        return
    from switchboard.entrypoints.cli import main as full

    full()


def _asks_help(args: list[str]) -> bool:
    return any(a in ("--help", "-h", "--install-completion", "--show-completion") for a in args)
