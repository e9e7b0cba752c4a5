"""Pieces every subcommand shares: help formatting, settings flags, error output."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio

from migrator.errors import most_telling
from migrator.exitcodes import EXIT_CODES_HELP
from migrator.logconfig import configure_logging, redactor
from migrator.profile import Profile
from migrator.settings import Settings, load_settings

__all__ = [
    "HelpFormatter",
    "add_command",
    "add_env_file_flag",
    "at_least_one",
    "layered_settings",
    "report_error",
    "run_async",
]

T = TypeVar("T")


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keep our paragraphs as written and show defaults."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=100)


def add_command(
    commands: Any, name: str, *, help: str, description: str, examples: str = ""
) -> argparse.ArgumentParser:
    """Add a subcommand whose ``--help`` carries its description, examples and the exit codes."""
    epilog = (f"examples:\n{examples}\n\n" if examples else "") + EXIT_CODES_HELP
    return commands.add_parser(  # type: ignore[no-any-return]
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=HelpFormatter,
    )


def add_env_file_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env-file",
        type=Path,
        default=Path(".env"),
        help="read settings from this dotenv file (the environment wins over it)",
    )


def at_least_one(text: str) -> int:
    """An argparse type: a whole number of at least 1 (argparse names the flag, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def report_error(message: str) -> None:
    """One redacted line on stderr; the operator's first clue, so make it say what to fix."""
    print(f"migrator: error: {redactor(message)}", file=sys.stderr)


def run_async(fn: Callable[[], Awaitable[T]]) -> T:
    """Run ``fn`` on asyncio; a failure inside task groups comes out as the one that matters."""
    try:
        return anyio.run(fn, backend="asyncio")
    except BaseExceptionGroup as group:
        raise most_telling(group) from group


def layered_settings(
    args: argparse.Namespace, flags: tuple[str, ...], profile: Profile | None
) -> Settings:
    """Settings from .env, the environment, ``profile`` and the command's ``flags`` (each
    over the one before), with logging configured from them."""
    given = {name: getattr(args, name, None) for name in flags}
    settings = load_settings(
        profile_values=profile.settings_values() if profile else None,
        flags=given,
        env_file=args.env_file,
    )
    configure_logging(settings.log_level, log_file=settings.log_file, secrets=settings.secrets())
    return settings
