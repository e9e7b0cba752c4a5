"""The ``--fix`` step of ``migrator check`` against a fresh simulated Splynx, over HTTP:
it says what it will create, asks on a terminal, and creates only on yes."""

from __future__ import annotations

import io

from rich.console import Console

from migrator.cli.check_fix import FixOutcome, fix_markers
from migrator.preflight import DEFAULT_PLAN
from migrator.preflight.fix import missing_markers
from tests.support.preflight_systems import systems


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=200), out


async def test_on_a_terminal_no_creates_nothing_and_yes_creates_every_missing_field() -> None:
    async with systems(additional_fields=()) as env:
        settings = env.settings()
        asked: list[str] = []
        screen, out = console()

        def no(question: str) -> str:
            asked.append(question)
            return "n"

        outcome = await fix_markers(settings, screen, yes=False, ask=no, interactive=True)
        assert outcome is FixOutcome.DECLINED and asked == ["Create them now? [y/N] "]
        assert "--fix will create" in out.getvalue() and "Nothing created." in out.getvalue()
        assert len(await missing_markers(settings)) == 4  # customers, both services, tickets

        outcome = await fix_markers(
            settings, screen, yes=False, ask=lambda q: "y", interactive=True
        )
        assert outcome is FixOutcome.CREATED
        assert await missing_markers(settings) == []
        text = out.getvalue()
        for module in ("customers", "services_internet", "services_custom", "ticket"):
            assert f"created {module}.sonar_id" in text
        again = await fix_markers(settings, screen, yes=False, ask=no, interactive=True)
        assert again is FixOutcome.NOTHING and len(asked) == 1


async def test_without_a_terminal_it_never_asks() -> None:
    async with systems(additional_fields=()) as env:
        screen, out = console()

        def ask(question: str) -> str:
            raise AssertionError("asked without a terminal")

        outcome = await fix_markers(env.settings(), screen, yes=False, ask=ask, interactive=False)
        assert outcome is FixOutcome.DECLINED
        assert "--fix --yes" in out.getvalue()


async def test_a_key_without_the_permission_is_reported_not_raised() -> None:
    denied = ("admin/config/additional-fields:add",)
    async with systems(additional_fields=(), deny=denied) as env:
        screen, out = console()
        outcome = await fix_markers(env.settings(), screen, yes=True)
        assert outcome is FixOutcome.FAILED
        assert "refused" in out.getvalue()
        assert len(await missing_markers(env.settings(), DEFAULT_PLAN)) == 4
