"""Sample Splynx records to create in the simulator: a tariff and a service on it.

Valid payloads the simulator tests share when a test needs a tariff or a
service to exist but is about something else (search, CRUD, validation, the
database storage, the dashboard).
"""

from __future__ import annotations

__all__ = ["internet_service", "internet_tariff"]


def internet_tariff(title: str) -> dict[str, object]:
    return {
        "title": title,
        "speed_download": 102400,
        "speed_upload": 51200,
        "price": 29.9,
        "partners_ids": [1],
        "available_for_locations": [1],
        "customer_categories": ["person"],
        "billing_types": ["recurring"],
    }


def internet_service(login: str, tariff_id: int) -> dict[str, object]:
    return {
        "tariff_id": tariff_id,
        "status": "active",
        "description": "Internet",
        "quantity": 1,
        "start_date": "2024-01-01",
        "end_date": "0000-00-00",
        "login": login,
        "taking_ipv4": 0,
    }
