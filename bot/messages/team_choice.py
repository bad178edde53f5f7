"""What a command answers when it has no team to act on, or the caller may not act
on it (several teams to choose from: :func:`bot.messages.team_admin.which_team`).

Pure builders. Channel and user IDs come from Slack or storage and become ``<#C…>`` and
``<@U…>`` mentions, which in a private reply only render a name and notify nobody;
names are escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Message
from bot.messages.blocks import section
from bot.messages.text import escape

NO_TEAM = (
    "You're not on a team yet: join a team's channel, or a manager can run `/huddle setup` in one."
)


def _said(text: str) -> Message:
    return {"text": text, "blocks": [section(text)]}


def no_team() -> Message:
    return _said(NO_TEAM)


def not_a_team(channel: str) -> Message:
    return _said(
        f"<#{channel}> isn't a Huddle team. A manager can make it one by typing "
        "`/huddle setup` there."
    )


def managers_only(what: str, channel: str, names: Sequence[str]) -> Message:
    """``Only managers can …``: the refusal every manager-only action gives anyone else."""
    who = ", ".join(escape(n) for n in names)
    ask = f" Ask a manager of <#{channel}> ({who})." if who else ""
    return _said(f"Only managers can {escape(what)}.{ask} Nothing was changed.")
