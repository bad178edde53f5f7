"""manifest.yml is a valid Slack app manifest with everything Huddle needs.

The schema is Slack's published app-manifest schema, copied (with its MIT licence) into
tests/data so this test runs anywhere.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "tests" / "data" / "manifest.schema.json"
MANIFEST_PATH = ROOT / "manifest.yml"

COMMANDS = {
    "/logmeeting",
    "/logcall",
    "/logfollowup",
    "/logreferral",
    "/log",
    "/progress",
    "/huddle",
}
SCOPES = {
    "commands",  # slash commands
    "chat:write",  # posts, replies, DMs
    "users:read",  # roster and each rep's timezone; user_change
    "channels:read",  # channel members; member_joined/left_channel
    "groups:read",  # the same for a private channel
    "channels:history",  # find its own posts by metadata
    "im:write",  # open DMs (nudges, digests, exports)
    "im:history",  # check a DM whose send outcome is unknown
    "files:write",  # CSV export
}
BOT_EVENTS = {"app_home_opened", "member_joined_channel", "member_left_channel", "user_change"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_schema_is_vendored_with_its_licence() -> None:
    licence = (SCHEMA_PATH.parent / "LICENSE-manifest-schema").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Slack" in licence


def test_manifest_validates_against_slack_schema(
    manifest: dict[str, Any], schema: dict[str, Any]
) -> None:
    validator_class = validator_for(schema)  # the schema declares draft-07
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_display_information(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "Huddle"
    assert info["description"]
    # The schema spells this constraint "regex", which JSON Schema ignores: check it here.
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])


def test_bot_user_and_app_home(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert features["bot_user"] == {"display_name": "huddle", "always_online": True}
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }


def test_slash_commands(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    names = [c["command"] for c in commands]
    assert sorted(names) == sorted(COMMANDS)  # exactly these, each once
    for command in commands:
        assert command["description"] and command["usage_hint"], command["command"]
        # Mentions must arrive as <@U123|name>, not as plain text.
        assert command["should_escape"] is True, command["command"]


def test_every_request_url_is_the_events_endpoint(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls += [settings["event_subscriptions"]["request_url"]]
    urls += [settings["interactivity"]["request_url"]]
    for url in urls:
        assert url.startswith("https://") and url.endswith("/slack/events"), url
    assert len(set(urls)) == 1  # one host to replace


def test_scopes_cover_what_huddle_needs(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes >= SCOPES, SCOPES - scopes
    assert "user" not in manifest["oauth_config"]["scopes"]  # bot token only


def test_events_and_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == BOT_EVENTS
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["org_deploy_enabled"] is False
    assert settings["socket_mode_enabled"] is True
    assert settings["token_rotation_enabled"] is False
