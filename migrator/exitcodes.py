"""What the process's exit status means. Shown in every command's ``--help`` and the README."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["EXIT_CODES_HELP", "ExitCode"]


class ExitCode(IntEnum):
    OK = 0
    FATAL = 1
    USAGE = 2
    REJECTS = 3
    ERROR_BUDGET = 4
    BLOCKED = 5
    INTERRUPTED = 130


EXIT_CODES_HELP = """\
exit codes:
  0    success: everything asked for was done
  1    fatal error: could not go on (unreachable, refused credentials, missing
       permission, an answer we cannot read, the state file in use by another
       run); the message says what to fix
  2    usage error: a bad flag, setting or profile, or a damaged state file
  3    completed, but some records were rejected (see `migrator rejects`), or
       a rollback kept or was refused some records (each one listed)
  4    stopped by the error budget (--max-errors / --max-error-rate)
  5    a check found blockers, or verify found differences, or `run` found
       Splynx lacking a marker field and wrote nothing (`migrator check --fix`),
       or a run that moved money found customers' balances in Splynx that
       differ from Sonar's (each account listed, with both figures)
  130  interrupted (Ctrl-C / SIGTERM); re-run the same command to resume"""
