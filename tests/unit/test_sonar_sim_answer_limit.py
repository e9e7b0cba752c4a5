"""The simulator's answer-size limit: what counts as an entity, and the flag that sets it."""

from __future__ import annotations

import argparse

import pytest

from migrator.errors import ConfigError
from migrator.sim.sonar import command
from migrator.sim.sonar.endpoint import answer_entities


def test_every_entity_counts_at_any_depth() -> None:
    page = {
        "accounts": {
            "entities": [
                {
                    "id": "1",
                    "invoices": {"entities": [{"id": "10"}, {"id": "11"}], "page_info": {}},
                    "account_billing_parameter": {"id": "5"},  # one object: no list, no count
                },
                {"id": "2", "invoices": {"entities": [], "page_info": {"total_count": 0}}},
            ],
            "page_info": {"total_count": 2},
        },
        "lowest": {"entities": [{"id": "1"}]},
    }
    assert answer_entities(page) == 2 + 2 + 1
    assert answer_entities({"accounts": None}) == 0


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(argv)


def test_the_flag_reaches_the_config_and_is_off_by_default() -> None:
    assert command._config(parse()).max_answer_entities == 0
    assert command._config(parse("--max-answer-entities", "5000")).max_answer_entities == 5000
    with pytest.raises(ConfigError, match="max_answer_entities"):
        command._config(parse("--max-answer-entities", "-1"))
