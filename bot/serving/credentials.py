"""A credential Slack refuses at start-up, said in the operator's terms.

An ``invalid_auth`` from ``auth.test`` or ``apps.connections.open`` otherwise surfaces
as a traceback (or, for the app token, as slack_sdk retrying the connection forever);
what the operator needs is the name of the variable to fix.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

BOT_TOKEN_VARIABLE = "SLACK_BOT_TOKEN"
APP_TOKEN_VARIABLE = "SLACK_APP_TOKEN"

_FIXES = {
    BOT_TOKEN_VARIABLE: "the Bot User OAuth Token (xoxb-…) under OAuth & Permissions",
    APP_TOKEN_VARIABLE: (
        "an App-Level Token (xapp-…) with connections:write, under Basic Information"
    ),
}


class CredentialRefused(Exception):
    """Slack refused a configured token; the message names the variable, never its value."""

    def __init__(self, variable: str, error: SlackApiError) -> None:
        self.variable = variable
        self.reason = str(error.response.get("error") or "no reason given")
        super().__init__(
            f"Slack refused {variable} ({self.reason}). "
            f"Set it to {_FIXES[variable]} of this app, then start Huddle again."
        )
