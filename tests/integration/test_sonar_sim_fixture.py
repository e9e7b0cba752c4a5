"""Fixture directories: an export serves identical answers; bad input is named, not fatal."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from migrator.sim.harness import serve
from migrator.sim.sonar.app import GRAPHQL_PATH, SonarSimConfig, build_app, export_fixture
from migrator.sim.sonar.fixture_load import FixtureError, load_fixture
from migrator.sim.sonar.graph import SonarContext, execute_request
from migrator.sim.sonar.listing import Lister
from migrator.sim.sonar.table import Dataset
from migrator.sonar.fixture import dump_record, fixture_path
from migrator.sonar.schema import SERVED_QUERIES, entity_fields

ROOT = Path(__file__).resolve().parents[2]
CONFIG = SonarSimConfig(scale=60, seed=21, rate_limit=0, max_page_size=40)


def every_field(query: str) -> str:
    return " ".join(entity_fields(query))


def battery() -> list[dict[str, Any]]:
    """Queries that between them read every field of every list query, sorted and searched."""
    bodies: list[dict[str, Any]] = []
    for query in SERVED_QUERIES:
        extra = "include_archived: true, " if query == "accounts" else ""
        for sort in ("id: ASC", "updated_at: DESC"):
            attribute, direction = sort.split(": ")
            text = (
                f"query Q($page: Int!) {{ {query}({extra}"
                "paginator: {page: $page, records_per_page: 1000}, "
                f'sorter: [{{attribute: "{attribute}", direction: {direction}}}]) '
                f"{{ entities {{ {every_field(query)} }} "
                "page_info { page records_per_page total_count total_pages } } }"
            )
            bodies += [{"query": text, "variables": {"page": page}} for page in (1, 2, 40)]
    nested = (
        '{ accounts(include_archived: true, search: [{datetime_fields: [{attribute: "created_at", '
        'operator: GT, search_value: "2022-01-01T00:00:00-06:00"}]}]) { entities { id contacts '
        "{ entities { id phone_numbers { entities { number } } } } "
        "addresses { entities { line1 } } notes { page_info { total_count } } } } "
        "tickets { entities { ticket_replies { entities { body } } } } }"
    )
    related = (  # relations are foreign-key fields in the fixture: both ways, and polymorphic
        "{ accounts(include_archived: true) { entities { account_status { name } "
        "account_services { entities { service { name data_service_detail { id } } } } "
        "addresses { entities { inventory_items { entities { inventory_model { manufacturer "
        "{ name } } inventory_model_field_data { entities { value } } } } } } } } "
        "contacts { entities { contactable { id ... on Account { name } } } } }"
    )
    network = (  # the address plan and who holds its addresses, and the derived view
        "{ supernets { entities { subnets { entities { ip_pools { entities { ip_range } } "
        "ip_assignments { entities { subnet parent_subnet { subnet } ip_pool { name } "
        "ipassignmentable { ... on RadiusAccount { username password } "
        "... on UninventoriedMacAddress { mac_address } } } } } } } } "
        "accounts(include_archived: true) { entities { radius_accounts { entities { username "
        "ip_assignments { entities { subnet } } } } uninventoried_mac_addresses { entities { "
        "mac_address ip_assignments { entities { subnet } } } } } } "
        "account_ip_assignments(paginator: {page: 2, records_per_page: 3}) { entities { "
        "account_id subnet } page_info { total_count total_pages } } }"
    )
    return [*bodies, {"query": nested}, {"query": related}, {"query": network}]


def answers(dataset: Dataset) -> list[dict[str, Any]]:
    context = SonarContext(dataset, Lister(CONFIG.max_page_size))
    return [execute_request(body, context) for body in battery()]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fixture")
    counts = export_fixture(CONFIG, directory)
    assert sorted(counts) == sorted(SERVED_QUERIES) and counts["accounts"] == 60
    for query in ("radius_accounts", "uninventoried_mac_addresses", "subnets", "supernets",
                  "ip_pools", "ip_assignments"):  # fmt: skip
        assert counts[query] > 0, query
    assert not fixture_path(directory, "account_ip_assignments").exists()  # a view, no table
    return directory


def test_a_round_tripped_fixture_serves_identical_answers(exported: Path) -> None:
    from migrator.sim.sonar.app import load_dataset

    generated = load_dataset(CONFIG)
    served = load_fixture(exported)
    assert served.counts() == generated.counts()
    for query in SERVED_QUERIES:
        assert list(served.records(query)) == list(generated.records(query)), query
    original, again = answers(generated), answers(served)
    assert all("errors" not in answer for answer in original)
    assert again == original


def test_exporting_a_served_fixture_gives_the_same_bytes(exported: Path, tmp_path: Path) -> None:
    export_fixture(SonarSimConfig(fixture=exported), tmp_path)
    for query in SERVED_QUERIES:
        assert (
            fixture_path(tmp_path, query).read_bytes() == fixture_path(exported, query).read_bytes()
        )


async def test_the_fixture_is_served_over_http(exported: Path) -> None:
    app = build_app(SonarSimConfig(fixture=exported, rate_limit=0))
    body = {
        "query": "{ accounts(include_archived: true) "
        "{ page_info { total_count } entities { id name } } }"
    }
    async with serve(app) as url, httpx.AsyncClient() as client:
        answer = await client.post(
            url + GRAPHQL_PATH, json=body, headers={"Authorization": f"Bearer {CONFIG.token}"}
        )
    lines = fixture_path(exported, "accounts").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    data = answer.json()["data"]["accounts"]
    assert data["page_info"]["total_count"] == len(lines)
    assert data["entities"][0] == {"id": first["id"], "name": first["name"]}


def write(directory: Path, query: str, lines: list[str]) -> None:
    fixture_path(directory, query).write_text("\n".join(lines) + "\n", encoding="utf-8")


def record(exported: Path, query: str, index: int = 0) -> dict[str, Any]:
    lines = fixture_path(exported, query).read_text(encoding="utf-8").splitlines()
    return json.loads(lines[index])  # type: ignore[no-any-return]


@pytest.fixture
def sim_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The simulator's warnings, even when logging was configured not to propagate them."""
    logger = logging.getLogger("migrator.sim.sonar")
    level = logger.level
    logger.addHandler(caplog.handler)
    logger.setLevel(logging.INFO)
    yield caplog
    logger.removeHandler(caplog.handler)
    logger.setLevel(level)


def test_bad_lines_are_skipped_or_served_with_a_warning_naming_file_and_line(
    exported: Path, tmp_path: Path, sim_log: pytest.LogCaptureFixture
) -> None:
    account = record(exported, "accounts")
    good = [{**account, "id": str(n)} for n in (1, 2, 3, 4)]
    write(tmp_path, "accounts", [
        dump_record(good[1]),                                   # 1: out of order, served
        "{not json",                                             # 2: skipped
        "[1, 2]",                                                # 3: skipped
        dump_record({**good[0], "favourite_colour": "teal"}),    # 4: served, key dropped
        dump_record({**good[2], "account_status_id": 3}),        # 5: Int64Bit not a string
        dump_record({**good[2], "created_at": "2021-01-01"}),    # 6: Datetime without offset
        dump_record({**good[2], "name": None}),                  # 7: null in a never-null field
        dump_record({**good[2], "id": "2"}),                     # 8: duplicate id
        dump_record({k: v for k, v in good[3].items() if k != "geopoint"}),  # 9: missing → null
        dump_record({**good[2], "id": None}),                    # 10: no id
        dump_record({**good[2], "id": 3}),                       # 11: id not a string
    ])  # fmt: skip
    contact = record(exported, "contacts")
    write(tmp_path, "contacts", [
        dump_record({**contact, "contactable_id": "999"}),       # 1: an orphan, served
        dump_record({**contact, "id": "2", "language": "de"}),   # 2: not a Language
        dump_record({**contact, "id": "3", "contactable_type": "Martian"}),  # 3: nor this
    ])  # fmt: skip
    dataset = load_fixture(tmp_path)
    served = list(dataset.records("accounts"))
    assert [r["id"] for r in served] == ["1", "2", "4"]
    assert "favourite_colour" not in served[0] and served[2]["geopoint"] is None
    log = sim_log.text
    for expected in (
        "accounts.jsonl:2: not valid JSON",
        "accounts.jsonl:3: not a JSON object",
        "accounts.jsonl:4: 'favourite_colour' is not a field of Account",
        "accounts.jsonl:5: field 'account_status_id'",
        "accounts.jsonl:6: field 'created_at'",
        "accounts.jsonl:7: field 'name'",
        "accounts.jsonl:8: duplicate id 2 (first on line 1)",
        "accounts.jsonl:10: field 'id': null in a field that is never null",
        "accounts.jsonl:11: field 'id': Int64Bit is spelled as a string",
        "contacts.jsonl:1: contactable_id 999 names no record of accounts",
        "contacts.jsonl:2: field 'language': Language has no value 'de'",
        "contacts.jsonl:3: field 'contactable_type': ContactableType has no value 'Martian'",
        "no fixture file for companies",
    ):
        assert expected in log, expected
    assert dataset.count("contacts") == 1 and dataset.count("invoices") == 0
    assert "Traceback" not in log


@pytest.mark.parametrize("layout", ["missing", "empty", "strangers"])
def test_an_unusable_fixture_directory_is_refused_clearly(tmp_path: Path, layout: str) -> None:
    directory = tmp_path / "snap"
    if layout != "missing":
        directory.mkdir()
    if layout == "strangers":
        (directory / "emails.jsonl").write_text("{}\n")
    with pytest.raises(
        FixtureError, match="does not exist" if layout == "missing" else "no fixture files"
    ):
        load_fixture(directory)


def test_the_cli_exits_non_zero_with_one_clear_line_for_an_unusable_fixture(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "migrator", "sim", "sonar", "--fixture", str(tmp_path / "nowhere")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "fixture directory" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
