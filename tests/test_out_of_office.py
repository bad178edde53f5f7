"""A Slack status as out of office: the emoji set, the words, and expiry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.out_of_office import is_out_of_office
from bot.domain.settings import DEFAULT_OOO_EMOJIS, ConfigError, load_settings

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
EMOJIS = frozenset(DEFAULT_OOO_EMOJIS)


@pytest.mark.parametrize(
    ("emoji", "text", "away"),
    [
        (":palm_tree:", "", True),
        (":face_with_thermometer:", "", True),
        (":airplane:", "Flying to Berlin", True),
        ("", "Out of office until Monday", True),
        (":calendar:", "OOO", True),
        ("", "On vacation", True),
        (":house:", "Working remotely", False),
        ("", "", False),
        ("", "Booked a room", False),
    ],
)
def test_the_emoji_or_the_words_say_out_of_office(emoji: str, text: str, away: bool) -> None:
    profile = {"status_emoji": emoji, "status_text": text, "status_expiration": 0}
    assert is_out_of_office(profile, EMOJIS, NOW) is away


def test_an_expired_status_says_nothing() -> None:
    gone = {"status_emoji": ":palm_tree:", "status_expiration": int(NOW.timestamp()) - 60}
    later = {"status_emoji": ":palm_tree:", "status_expiration": int(NOW.timestamp()) + 60}
    assert not is_out_of_office(gone, EMOJIS, NOW)
    assert is_out_of_office(later, EMOJIS, NOW)


def test_the_emoji_set_is_configurable_and_validated() -> None:
    minimal = {
        "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
        "SLACK_SIGNING_SECRET": "s",
        "HUDDLE_CHANNEL": "C0123ABCD",
    }
    assert load_settings(minimal).ooo_emojis == EMOJIS
    chosen = load_settings({**minimal, "HUDDLE_OOO_EMOJIS": ":sunny:, :Ski:"}).ooo_emojis
    assert chosen == {":sunny:", ":ski:"}
    assert not is_out_of_office({"status_emoji": ":palm_tree:"}, chosen, NOW)
    with pytest.raises(ConfigError, match="HUDDLE_OOO_EMOJIS: 'palm_tree' is not an emoji"):
        load_settings({**minimal, "HUDDLE_OOO_EMOJIS": "palm_tree"})
