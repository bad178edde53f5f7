"""Local stand-ins for Slack, shipped in the package because ``huddle demo`` runs on them.

- :class:`SlackWebAPIStandIn`: Slack's Web API (what the app calls).
- :class:`SignedSlackClient`: Slack calling the app (signed commands, clicks, events).
"""

from bot.standin.blockkit import block_errors, view_errors, visible_text
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
from bot.standin.signed import AppResponse, SignedSlackClient, UserReply, sign_request
from bot.standin.webapi import SlackWebAPIStandIn

__all__ = [
    "RESPONSE_URL_METHOD",
    "UPLOAD_METHOD",
    "AppResponse",
    "Channel",
    "Ephemeral",
    "Fault",
    "FaultMode",
    "Message",
    "RecordedCall",
    "Rejection",
    "ResponseUrlPost",
    "SignedSlackClient",
    "SlackWebAPIStandIn",
    "UploadedFile",
    "User",
    "UserReply",
    "block_errors",
    "sign_request",
    "view_errors",
    "visible_text",
]
