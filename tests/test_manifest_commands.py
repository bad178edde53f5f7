"""The app and its manifest agree: every registered slash command is declared, and
every declared one is handled."""

from __future__ import annotations

import inspect
from pathlib import Path

import yaml

from bot.domain.settings import load_settings
from bot.domain.weeks import system_clock
from bot.live.updates import LiveUpdates
from bot.runtime import Runtime
from bot.serving.app import create_app

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"


def registered_commands() -> set[str]:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-manifest-test",
            "SLACK_SIGNING_SECRET": "secret",
            "HUDDLE_CHANNEL": "CTEAM",
        }
    )
    app = create_app(LiveUpdates.create(Runtime.create(settings, system_clock)))
    commands = set()
    for listener in app._async_listeners:
        for matcher in listener.matchers:
            command = _closure_value(matcher.func, "command")
            if isinstance(command, str):
                commands.add(command)
    return commands


def _closure_value(func: object, name: str) -> object:
    """Bolt's matchers close over the command name, one or two functions deep."""
    while callable(func):
        found = inspect.getclosurevars(func).nonlocals
        if name in found:
            return found[name]
        func = found.get("func")
    return None


def test_registered_commands_equal_manifest_commands() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert registered_commands() == declared
