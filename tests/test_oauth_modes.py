"""Which mode Huddle serves in, chosen from its settings (not left to Bolt), and the
one list of scopes the install asks for and ``manifest.yml`` declares."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.domain.settings import ConfigError, load_settings
from bot.serving.installs import BOT_SCOPES, authorization_url

ROOT = Path(__file__).resolve().parent.parent
OAUTH = {
    "SLACK_CLIENT_ID": "1234.5678",
    "SLACK_CLIENT_SECRET": "test-client-secret-3c9e77",
    "SLACK_SIGNING_SECRET": "test-signing-secret-8f1d2a",
}


def problems(environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as refused:
        load_settings(environ)
    return str(refused.value)


def test_manifest_asks_for_exactly_the_install_scopes() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)


def test_client_credentials_choose_oauth_without_a_channel_or_bot_token() -> None:
    settings = load_settings({**OAUTH, "HUDDLE_PUBLIC_URL": "https://huddle.example.com/"})
    assert settings.oauth is not None and settings.bot_token == "" and settings.channel == ""
    assert settings.oauth.redirect_uri == "https://huddle.example.com/slack/oauth_redirect"
    assert "test-client-secret" not in repr(settings)


def test_oauth_needs_the_signing_secret() -> None:
    text = problems({k: v for k, v in OAUTH.items() if k != "SLACK_SIGNING_SECRET"})
    assert "SLACK_SIGNING_SECRET: required for the OAuth install" in text


def test_a_bot_token_with_client_credentials_is_refused() -> None:
    text = problems({**OAUTH, "SLACK_BOT_TOKEN": "xoxb-1-2"})
    assert "choose one mode" in text


def test_oauth_in_socket_mode_is_refused() -> None:
    assert "HTTP mode only" in problems({**OAUTH, "SLACK_APP_TOKEN": "xapp-1-2"})


def test_half_the_client_credentials_is_refused() -> None:
    text = problems({"SLACK_CLIENT_ID": "1234.5678", "SLACK_SIGNING_SECRET": "s"})
    assert "SLACK_CLIENT_SECRET: the OAuth install needs both" in text


def test_a_bot_token_alone_serves_one_workspace_as_before() -> None:
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1-2", "SLACK_SIGNING_SECRET": "s", "HUDDLE_CHANNEL": "C1"}
    )
    assert settings.oauth is None and settings.bot_token == "xoxb-1-2"


def test_the_consent_page_sits_beside_the_web_api() -> None:
    assert authorization_url("https://slack.com/api/") == "https://slack.com/oauth/v2/authorize"
