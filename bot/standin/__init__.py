"""Local stand-ins for Slack, shipped in the package because ``huddle demo`` runs on them.

- :class:`SlackWebAPIStandIn`: Slack's Web API (what the app calls).
- :class:`SignedSlackClient`: Slack calling the app (signed commands, clicks, events).
- :class:`SocketModeStandIn`: Slack's Socket Mode (``apps.connections.open``, envelopes, acks).
- :class:`SocketModeUsers`: the same users as :class:`SignedSlackClient`, over Socket Mode.
- :class:`SlackOAuthStandIn`: "Add to Slack" and many workspaces' Web APIs, by token.
- :class:`RateLimit`: a workspace's posting limit, given to the Web API stand-in.
"""

from bot.standin.blockkit import block_errors, view_errors, visible_text
from bot.standin.envelopes import Ack, Connection, Envelope
from bot.standin.oauth import InstalledToken, SlackOAuthStandIn
from bot.standin.rate_limit import RateLimit
from bot.standin.records import (
    RESPONSE_URL_METHOD,
    UPLOAD_METHOD,
    Channel,
    Ephemeral,
    Fault,
    FaultMode,
    Message,
    RecordedCall,
    Rejection,
    ResponseUrlPost,
    UploadedFile,
    User,
)
from bot.standin.signed import (
    AppResponse,
    SignedSlackClient,
    SlackPayloads,
    SlackUsers,
    UserReply,
    sign_request,
    slack_command_text,
)
from bot.standin.socket_mode import SocketModeStandIn
from bot.standin.socket_users import SocketModeUsers
from bot.standin.webapi import SlackWebAPIStandIn

__all__ = [
    "RESPONSE_URL_METHOD",
    "UPLOAD_METHOD",
    "Ack",
    "AppResponse",
    "Channel",
    "Connection",
    "Envelope",
    "Ephemeral",
    "Fault",
    "FaultMode",
    "InstalledToken",
    "Message",
    "RateLimit",
    "RecordedCall",
    "Rejection",
    "ResponseUrlPost",
    "SignedSlackClient",
    "SlackOAuthStandIn",
    "SlackPayloads",
    "SlackUsers",
    "SlackWebAPIStandIn",
    "SocketModeStandIn",
    "SocketModeUsers",
    "UploadedFile",
    "User",
    "UserReply",
    "block_errors",
    "sign_request",
    "slack_command_text",
    "view_errors",
    "visible_text",
]
