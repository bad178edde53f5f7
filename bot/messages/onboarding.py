"""What the installer of a workspace sees after "Add to Slack": the invitation to set
up the first team, the setup modal, and the modal's refusals. The team it makes is
announced as ``/huddle setup`` announces one (``bot.messages.team_admin.team_created``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.activities import BUILT_IN
from bot.messages import Message
from bot.messages.blocks import context, section

SETUP_OPEN_ACTION = "huddle_setup_open"
SETUP_VIEW = "huddle_setup"
CHANNEL_BLOCK, CHANNEL_ACTION = "setup_channel", "channel"
TIMEZONE_BLOCK, TIMEZONE_ACTION = "setup_timezone", "timezone"
GOAL_BLOCK_PREFIX, GOAL_ACTION = "setup_goal_", "goal"
CHOOSE_CHANNEL = "Choose the team's channel."
NOT_IN_CHANNEL = (
    "I'm not in that channel yet: type `/invite @Huddle` there, then submit this again."
)
ALREADY_A_TEAM = "That channel is already a team: `/huddle settings` there shows it."
NO_ANSWER = "Slack didn't answer, so nothing was set up. Please submit again."


def setup_invitation() -> Message:
    """The DM to the installer, right after the install."""
    text = "Thanks for installing Huddle! Set up your first team: its channel, timezone and goals."
    button = {
        "type": "button",
        "action_id": SETUP_OPEN_ACTION,
        "text": {"type": "plain_text", "text": "Set up Huddle"},
        "style": "primary",
    }
    return {
        "text": text,
        "blocks": [
            section(f"*{text}*"),
            {"type": "actions", "elements": [button]},
            context(
                "Huddle must be a member of the channel: `/invite @Huddle` there first."
                " More teams later: `/huddle setup` in their channel."
            ),
        ],
    }


def setup_modal(timezone: str, goals: Mapping[str, int]) -> dict[str, Any]:
    """Channel, timezone (the installer's by default) and a goal per built-in activity
    (the ``HUDDLE_GOALS`` defaults filled in)."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": CHANNEL_BLOCK,
            "label": {"type": "plain_text", "text": "Team channel"},
            "element": {
                "type": "conversations_select",
                "action_id": CHANNEL_ACTION,
                "filter": {"include": ["public", "private"], "exclude_bot_users": True},
            },
            "hint": {"type": "plain_text", "text": "Its members are the reps."},
        },
        {
            "type": "input",
            "block_id": TIMEZONE_BLOCK,
            "label": {"type": "plain_text", "text": "Team timezone"},
            "element": {
                "type": "plain_text_input",
                "action_id": TIMEZONE_ACTION,
                "initial_value": timezone,
            },
            "hint": {"type": "plain_text", "text": "An IANA name, e.g. Europe/Berlin."},
        },
    ]
    for activity in BUILT_IN:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": GOAL_ACTION}
        if activity.key in goals:
            element["initial_value"] = str(goals[activity.key])
        blocks.append(
            {
                "type": "input",
                "block_id": GOAL_BLOCK_PREFIX + activity.key,
                "optional": True,
                "label": {"type": "plain_text", "text": f"Weekly goal: {activity.plural}"},
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": SETUP_VIEW,
        "title": {"type": "plain_text", "text": "Set up Huddle"},
        "submit": {"type": "plain_text", "text": "Set up"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }
