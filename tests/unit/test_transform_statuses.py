"""Account status and type -> Splynx status and category: by what they do, unless named.

Table-driven: each row is a Sonar status (name, activates_account), the account's
delinquency and archive, the profile's rules, and the Splynx status it must get.
"""

from __future__ import annotations

from typing import Any

import pytest

from migrator.profile import load_profile
from migrator.profile_rules import CustomerRules
from migrator.sonar.entities import AccountTypeEnum
from migrator.transform.statuses import decide_category, decide_status
from tests.support.sonar_lookups import account_type, status

NONPAY = status(1, "Disconnected - NonPay", activates=False)
HOLD = status(2, "Hold", activates=False)
ACTIVE = status(3, "Active", activates=True)
VIP = status(4, "VIP Comped", activates=True)
DELINQUENT = status(5, "Delinquent", activates=True)


@pytest.mark.parametrize(
    ("sonar", "delinquent", "archived", "rules", "expected"),
    [
        # unmapped: decided by activates_account
        (ACTIVE, False, False, {}, "active"),
        (VIP, False, False, {}, "active"),
        (NONPAY, False, False, {}, "disabled"),
        (HOLD, False, False, {"inactive_status": "blocked"}, "blocked"),
        (None, False, False, {}, "disabled"),  # a status id Sonar's table lacks
        # the user's map wins, even making a non-activating status active
        (HOLD, False, False, {"status": {"Hold": "new"}}, "new"),
        (NONPAY, False, False, {"status": {"Disconnected - NonPay": "active"}}, "active"),
        (ACTIVE, False, False, {"status": {"Active": "blocked"}}, "blocked"),
        # delinquency only lowers "active", whichever rule gave it
        (ACTIVE, True, False, {}, "blocked"),
        (DELINQUENT, True, False, {}, "blocked"),
        (DELINQUENT, True, False, {"status": {"Delinquent": "active"}}, "blocked"),
        (DELINQUENT, True, False, {"delinquent_status": "active"}, "active"),
        (ACTIVE, True, False, {"delinquent_status": "disabled"}, "disabled"),
        (NONPAY, True, False, {}, "disabled"),
        (HOLD, True, False, {"status": {"Hold": "new"}}, "new"),
        # archived wins over everything
        (ACTIVE, True, True, {"status": {"Active": "active"}}, "disabled"),
        (ACTIVE, False, True, {"archived_status": "blocked"}, "blocked"),
        # "reject": unmapped statuses refuse the account, mapped ones do not
        (ACTIVE, False, False, {"unknown_status": "reject"}, None),
        (HOLD, False, False, {"unknown_status": "reject", "status": {"Hold": "new"}}, "new"),
    ],
)
def test_status(
    sonar: Any, delinquent: bool, archived: bool, rules: dict[str, Any], expected: str | None
) -> None:
    decision = decide_status(
        sonar, CustomerRules(**rules), delinquent=delinquent, archived=archived
    )
    assert decision.status == expected
    assert decision.why


def test_a_non_activating_status_can_never_default_to_active() -> None:
    with pytest.raises(ValueError, match="inactive_status"):
        CustomerRules(inactive_status="active")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="follows activates_account"):
        CustomerRules(unknown_status="active")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="category_by_type"):
        CustomerRules.model_validate({"unknown_category": "person"})


def test_the_bundled_profiles_map_no_status_to_active() -> None:
    for name in ("full", "core"):
        rules = load_profile(name).customers
        assert "active" not in rules.status.values(), name
        for sonar in (NONPAY, HOLD, DELINQUENT):
            decision = decide_status(sonar, rules, delinquent=sonar is DELINQUENT, archived=False)
            assert decision.status != "active", (name, sonar.name)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("COMMERCIAL", "company"),
        ("GOVERNMENT", "company"),
        ("INDUSTRIAL", "company"),
        ("RESIDENTIAL", "person"),
        ("SENIOR_CITIZEN", "person"),
    ],
)
def test_category_follows_the_type_kind(kind: str, expected: str) -> None:
    decision = decide_category(account_type(1, "Some name", kind), CustomerRules())
    assert decision.category == expected


def test_every_type_kind_has_a_category() -> None:
    assert set(CustomerRules().category_by_type) == set(AccountTypeEnum)
    # a profile naming one kind keeps the others' defaults
    rules = CustomerRules(category_by_type={AccountTypeEnum.SENIOR_CITIZEN: "company"})
    assert set(rules.category_by_type) == set(AccountTypeEnum)
    assert rules.category_by_type[AccountTypeEnum.GOVERNMENT] == "company"


@pytest.mark.parametrize(
    ("name", "kind", "rules", "expected"),
    [
        ("Small Business", "RESIDENTIAL", {"category": {"Small Business": "company"}}, "company"),
        ("Farm", "INDUSTRIAL", {"category": {"Farm": "person"}}, "person"),
        ("Farm", "INDUSTRIAL", {"category": {"Other": "person"}}, "company"),
        (
            "Senior",
            "SENIOR_CITIZEN",
            {"category_by_type": {"SENIOR_CITIZEN": "company"}},
            "company",
        ),
    ],
)
def test_the_profile_name_map_wins_over_the_kind(
    name: str, kind: str, rules: dict[str, Any], expected: str
) -> None:
    assert decide_category(account_type(1, name, kind), CustomerRules(**rules)).category == expected


def test_an_unknown_type_is_a_person() -> None:
    assert decide_category(None, CustomerRules()).category == "person"
