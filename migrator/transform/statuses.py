"""What a Sonar account's status and type become in Splynx, and why.

Sonar's status names are each ISP's own ("Disconnected - NonPay", "Hold"), so
a name says little; what a status does is in ``AccountStatus.activates_account``
and, per account, ``Account.is_delinquent``. The order, first match wins:

1. an archived account gets ``archived_status``;
2. a status name the profile maps (``[customers.status]``, only ever what the
   user wrote: there is no built-in name map) gets that;
3. otherwise an activating status gets "active", any other ``inactive_status``
   (never "active"), or, with ``unknown_status = "reject"``, the account is refused;
4. then, if the account is delinquent and step 2 or 3 said "active", it gets
   ``delinquent_status`` instead (delinquency only ever lowers "active").

A category is the profile's for the type's name (``[customers.category]``),
else the one for its kind (``AccountType.type``: ``category_by_type``).

Each decision carries its reason, so ``migrator check`` and ``run --dry-run``
can print the mapping they use, and the transform notes the unusual ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.profile_rules import Category, CustomerRules, CustomerStatus
from migrator.sonar.entities import AccountStatus, AccountType

__all__ = ["CategoryDecision", "StatusDecision", "decide_category", "decide_status"]

# Why a status was chosen (the profile option that decided it): what the mapping table prints.
BY_PROFILE = "[customers.status]"
BY_ACTIVATION = "activates_account"
NOT_ACTIVATING = "inactive_status"
BY_DELINQUENCY = "delinquent_status"
BY_ARCHIVE = "archived_status"
REJECTED = "unknown_status = reject"
UNKNOWN = "not in Sonar's statuses: inactive_status"


@dataclass(frozen=True)
class StatusDecision:
    """A Splynx status (None: the account is refused) and why."""

    status: CustomerStatus | None
    why: str


@dataclass(frozen=True)
class CategoryDecision:
    category: Category
    why: str


def _undelinquent(status: AccountStatus | None, rules: CustomerRules) -> StatusDecision:
    if status is not None and status.name in rules.status:
        return StatusDecision(rules.status[status.name], BY_PROFILE)
    if rules.unknown_status == "reject":
        return StatusDecision(None, REJECTED)
    if status is None:
        return StatusDecision(rules.inactive_status, UNKNOWN)
    if status.activates_account:
        return StatusDecision("active", BY_ACTIVATION)
    return StatusDecision(rules.inactive_status, NOT_ACTIVATING)


def decide_status(
    status: AccountStatus | None, rules: CustomerRules, *, delinquent: bool, archived: bool
) -> StatusDecision:
    """The Splynx status of an account with this Sonar status (None: not in Sonar's table)."""
    if archived:
        return StatusDecision(rules.archived_status, BY_ARCHIVE)
    decision = _undelinquent(status, rules)
    if delinquent and decision.status == "active" and rules.delinquent_status != "active":
        return StatusDecision(rules.delinquent_status, BY_DELINQUENCY)
    return decision


def decide_category(kind: AccountType | None, rules: CustomerRules) -> CategoryDecision:
    """The Splynx category of an account of this Sonar type (None: not in Sonar's table)."""
    if kind is not None and kind.name in rules.category:
        return CategoryDecision(rules.category[kind.name], "[customers.category]")
    if kind is None:
        return CategoryDecision("person", "not in Sonar's types")
    return CategoryDecision(rules.category_by_type[kind.type], "category_by_type")
