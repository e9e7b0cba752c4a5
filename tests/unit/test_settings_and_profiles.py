"""Settings precedence, secret handling and profile loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import ConfigError
from migrator.profile import bundled_profiles, load_profile
from migrator.settings import Settings, load_settings


def test_precedence_cli_over_env_over_dotenv_over_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("MIGRATOR_WRITERS=5\nMIGRATOR_PRODUCERS=5\nSONAR_TOKEN=from-dotenv\n")
    monkeypatch.setenv("MIGRATOR_PRODUCERS", "7")
    profile = {"writers": 3, "producers": 2, "page_size": 50, "queue_size": 11}
    settings = load_settings(
        profile_values=profile, overrides={"queue_size": 99, "page_size": None}, env_file=dotenv
    )
    assert settings.queue_size == 99  # flag beats profile
    assert settings.producers == 7  # environment beats .env and profile
    assert settings.writers == 5  # .env beats profile
    assert settings.page_size == 50  # profile beats default; a None flag is "not given"
    assert settings.timeout == 30.0  # default
    assert settings.sonar_token is not None
    assert settings.sonar_token.get_secret_value() == "from-dotenv"
    assert "from-dotenv" not in repr(settings)


def test_bare_field_names_in_the_environment_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIGRATOR_STATE")  # the test fixture's; the default is the point here
    monkeypatch.setenv("TIMEOUT", "1")
    monkeypatch.setenv("STATE", "/somewhere/else")
    settings = load_settings(env_file=None)
    assert settings.timeout == 30.0
    assert settings.state == Path("migrator-state.sqlite3")


def test_secrets_are_refused_in_a_profile() -> None:
    with pytest.raises(ConfigError, match="SONAR_TOKEN"):
        load_settings(profile_values={"sonar_token": "abc"}, env_file=None)


def test_bad_values_name_the_variable_not_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGRATOR_WRITERS", "0")
    monkeypatch.setenv("SPLYNX_AUTH", "magic")
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None)
    assert "MIGRATOR_WRITERS" in str(caught.value)
    assert "SPLYNX_AUTH" in str(caught.value)


def test_secrets_list_feeds_the_redactor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPLYNX_API_SECRET", "s3cr3t-value")
    assert load_settings(env_file=None).secrets() == ["s3cr3t-value"]


def test_every_setting_is_documented_in_env_example() -> None:
    text = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for name, field in Settings.model_fields.items():
        assert f"{field.validation_alias}=" in text, f"{name} missing from .env.example"


def test_bundled_full_profile_loads_and_feeds_settings() -> None:
    assert "full" in bundled_profiles()
    profile = load_profile()
    assert profile.name == "full"
    values = profile.settings_values()
    assert values["sonar_rate"] == 400
    assert load_settings(profile_values=values, env_file=None).writers == values["writers"]
    assert load_settings(profile_values={"connect_timeout": 4}, env_file=None).connect_timeout == 4


def test_profile_errors_name_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[splynx]\nwritters = 3\n")
    with pytest.raises(ConfigError, match=r"bad.toml: splynx.writters"):
        load_profile(str(bad))
    leaky = tmp_path / "leaky.toml"
    leaky.write_text("[sonar]\ntoken = 'abc'\n")
    with pytest.raises(ConfigError, match="secrets may not be kept"):
        load_profile(str(leaky))
    with pytest.raises(ConfigError, match="unknown profile 'nope'"):
        load_profile("nope")
    broken = tmp_path / "broken.toml"
    broken.write_text("[sonar\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_profile(str(broken))


def test_every_bundled_profile_loads_and_full_documents_every_option() -> None:
    from migrator.entity_map import ENTITY_ORDER
    from migrator.profile import Profile

    for name in bundled_profiles():
        profile = load_profile(name)
        assert set(profile.entities or ENTITY_ORDER) <= set(ENTITY_ORDER), name
    text = (Path(__file__).resolve().parents[2] / "profiles" / "full.toml").read_text()
    for section, field in Profile.model_fields.items():
        if section == "name":
            continue
        assert section in text, f"full.toml does not mention {section}"
        model = field.annotation
        for option in getattr(model, "model_fields", {}):
            assert f"{option} =" in text or f"[{section}.{option}]" in text, f"{section}.{option}"
