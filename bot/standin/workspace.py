"""The workspace the stand-in keeps: users, channels, messages, views and files.

:class:`Workspace` holds the state every Web API method reads and changes, the
setup calls tests use to seed it, and the rules the methods share: how ids and
message timestamps are made, which channel an id names, which messages a channel
holds and how they render, how lists are paged and which message payloads Slack
refuses. The method families (``methods_*``) and the server build on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from bot.standin.arguments import (
    ApiError,
    Args,
    Rejected,
    decode_cursor,
    encode_cursor,
    int_arg,
    opt_str,
    truthy,
)
from bot.standin.blockkit import block_errors, json_pointer
from bot.standin.records import Channel, Ephemeral, Message, UploadedFile, User

_MAX_MESSAGE_TEXT = 40_000


class Workspace:
    """One Slack workspace with the app's bot user (and Slackbot) in it."""

    def __init__(
        self,
        *,
        team_id: str,
        team_name: str,
        team_domain: str,
        bot_user_id: str,
        bot_id: str,
        app_id: str,
        bot_name: str,
        page_size_cap: int | None,
        ts_clock: Callable[[], float] | None,
        ts_base: int,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.page_size_cap = page_size_cap
        self._ts_clock = ts_clock
        self._last_ts_micros = ts_base * 1_000_000

        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        self.deleted_messages: list[Message] = []
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, Args] = {}
        self.home_views: dict[str, Args] = {}
        self.files: dict[str, UploadedFile] = {}
        self._counter = 0

        self.add_user(bot_user_id, bot_name, is_bot=True, real_name="Huddle")
        self.users[bot_user_id].bot_id = bot_id
        self.add_user("USLACKBOT", "slackbot", real_name="Slackbot")  # not is_bot, as in Slack

    # ------------------------------------------------------------ workspace setup

    def add_user(
        self,
        user_id: str,
        name: str,
        tz: str = "America/New_York",
        *,
        is_bot: bool = False,
        deleted: bool = False,
        real_name: str | None = None,
        email: str | None = None,
    ) -> User:
        user = User(
            user_id, name, tz, is_bot=is_bot, deleted=deleted, real_name=real_name, email=email
        )
        self.users[user_id] = user
        return user

    def set_status(self, user_id: str, emoji: str, text: str = "", *, expires: int = 0) -> None:
        """What the person set as their Slack status (``expires``: epoch seconds, 0 never)."""
        user = self.users[user_id]
        user.status_emoji, user.status_text, user.status_expiration = emoji, text, expires

    def add_channel(
        self,
        channel_id: str,
        members: Iterable[str] = (),
        *,
        name: str | None = None,
        include_bot: bool = True,
        is_private: bool = False,
    ) -> Channel:
        """A channel; the app's bot user is a member unless ``include_bot=False``.

        Members are listed as given (users need not exist, as in Slack's eventual
        consistency); the bot, being a real member, shows up in ``conversations.members``.
        """
        member_list = list(dict.fromkeys(members))
        if include_bot and self.bot_user_id not in member_list:
            member_list.append(self.bot_user_id)
        channel = Channel(
            channel_id, name or channel_id.lower(), member_list, is_private=is_private
        )
        self.channels[channel_id] = channel
        self.messages.setdefault(channel_id, [])
        return channel

    def add_member(self, channel_id: str, user_id: str) -> None:
        members = self.channels[channel_id].members
        if user_id not in members:
            members.append(user_id)

    def remove_member(self, channel_id: str, user_id: str) -> None:
        members = self.channels[channel_id].members
        if user_id in members:
            members.remove(user_id)

    def add_message(
        self,
        channel_id: str,
        text: str,
        *,
        user: str,
        thread_ts: str | None = None,
        blocks: list[Args] | None = None,
    ) -> Message:
        """Seed a message a person wrote (setup only; not recorded as a call)."""
        channel = self._resolve_channel(channel_id)
        message = Message(
            channel.id, self._next_ts(), text, user, blocks=blocks, thread_ts=thread_ts
        )
        self.messages[channel.id].append(message)
        return message

    # ----------------------------------------------------------- test accessors

    def messages_in(self, channel: str) -> list[Message]:
        """Messages in a channel (or DM, given a user id), oldest first, replies included."""
        channel_id = self._dm_id(channel) if channel[:1] in ("U", "W") else channel
        return list(self.messages.get(channel_id, []))

    def top_level_messages(self, channel: str) -> list[Message]:
        return [m for m in self.messages_in(channel) if not m.is_reply]

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        return [
            m for m in self.messages_in(channel) if m.ts == thread_ts or m.thread_ts == thread_ts
        ]

    def dms_to(self, user_id: str) -> list[Message]:
        return self.messages_in(self._dm_id(user_id))

    def ephemerals_to(self, user_id: str) -> list[Ephemeral]:
        return [e for e in self.ephemerals if e.user == user_id]

    # ------------------------------------------------------- shared by the methods

    def _next_id(self) -> int:
        self._counter += 1
        return self._counter

    def _next_ts(self) -> str:
        """Unique, strictly increasing message timestamps, formatted like Slack's."""
        candidate = self._last_ts_micros + 100
        if self._ts_clock is not None:
            candidate = max(int(self._ts_clock() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = candidate
        return f"{candidate // 1_000_000}.{candidate % 1_000_000:06d}"

    def _dm_id(self, user_id: str) -> str:
        return f"D{user_id}"

    def _open_dm(self, user_id: str) -> Channel:
        user = self.users.get(user_id)
        if user is None:
            raise ApiError("user_not_found")
        if user.deleted:
            raise ApiError("user_disabled")
        if user.is_bot and user_id != self.bot_user_id:
            raise ApiError("cannot_dm_bot")
        dm_id = self._dm_id(user_id)
        if dm_id not in self.channels:
            self.channels[dm_id] = Channel(
                dm_id, dm_id, [user_id, self.bot_user_id], is_im=True, user=user_id
            )
            self.messages.setdefault(dm_id, [])
        return self.channels[dm_id]

    def _resolve_channel(self, channel_id: str) -> Channel:
        """A channel id, a DM id ("D" + user id) or a user id (meaning the bot's DM)."""
        if channel_id in self.channels:
            return self.channels[channel_id]
        if channel_id[:1] in ("U", "W") and channel_id in self.users:
            return self._open_dm(channel_id)
        if channel_id.startswith("D") and channel_id[1:] in self.users:
            return self._open_dm(channel_id[1:])
        raise ApiError("channel_not_found")

    def _postable_channel(self, channel_id: str) -> Channel:
        channel = self._resolve_channel(channel_id)
        if channel.is_archived:
            raise ApiError("is_archived")
        if not channel.is_im and self.bot_user_id not in channel.members:
            raise ApiError("not_in_channel")
        return channel

    def _find_message(self, channel_id: str, ts: str | None) -> Message | None:
        for message in self.messages.get(channel_id, []):
            if message.ts == ts:
                return message
        return None

    def _delete_message(self, message: Message) -> None:
        self.messages[message.channel].remove(message)
        self.deleted_messages.append(message)

    def _check_message_payload(self, args: Args, *, require_content: bool) -> None:
        text, blocks = args.get("text"), args.get("blocks")
        if require_content and not text and not blocks and not args.get("attachments"):
            raise Rejected("no_text", [])
        if text is not None and len(str(text)) > _MAX_MESSAGE_TEXT:
            raise Rejected(
                "msg_too_long",
                [f"must be less than {_MAX_MESSAGE_TEXT + 1} characters {json_pointer('/text')}"],
            )
        if blocks is not None:
            if isinstance(blocks, str):
                raise Rejected(
                    "invalid_blocks_format", [f"must be a JSON array {json_pointer('/blocks')}"]
                )
            errors = block_errors(blocks)
            if errors:
                raise Rejected("invalid_blocks", errors)
        attachments = args.get("attachments")
        if attachments is not None and (
            not isinstance(attachments, list) or len(attachments) > 100
        ):
            raise Rejected(
                "too_many_attachments" if isinstance(attachments, list) else "invalid_attachments",
                [],
            )
        metadata = args.get("metadata")
        if metadata is not None:
            self._check_metadata(metadata)

    @staticmethod
    def _check_metadata(metadata: Any) -> None:
        if not isinstance(metadata, dict):
            raise Rejected(
                "invalid_metadata_format", [f"must be an object {json_pointer('/metadata')}"]
            )
        event_type = metadata.get("event_type")
        if not isinstance(event_type, str) or not event_type:
            raise Rejected(
                "invalid_metadata_schema",
                [f"missing required field: event_type {json_pointer('/metadata')}"],
            )
        payload = metadata.get("event_payload", {})
        if not isinstance(payload, dict):
            raise Rejected(
                "invalid_metadata_schema",
                [f"must be an object {json_pointer('/metadata/event_payload')}"],
            )
        if len(json.dumps(metadata)) > 8192:
            raise Rejected("metadata_too_large", [])

    def _bot_message(self, channel_id: str, args: Args, *, thread_ts: str | None) -> Message:
        return Message(
            channel=channel_id,
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            user=self.bot_user_id,
            blocks=args.get("blocks"),
            attachments=args.get("attachments"),
            metadata=args.get("metadata"),
            thread_ts=thread_ts,
            reply_broadcast=truthy(args.get("reply_broadcast")),
            bot_id=self.bot_id,
            app_id=self.app_id,
            team=self.team_id,
        )

    def _message_out(self, message: Message, *, include_metadata: bool = True) -> Args:
        out = message.to_slack(include_metadata=include_metadata)
        if not message.is_reply:
            replies = [
                m
                for m in self.messages.get(message.channel, [])
                if m.is_reply and m.thread_ts == message.ts
            ]
            if replies:
                users = list(dict.fromkeys(m.user for m in replies))
                out.update(
                    thread_ts=message.ts,
                    reply_count=len(replies),
                    reply_users_count=len(users),
                    latest_reply=replies[-1].ts,
                    reply_users=users,
                    is_locked=False,
                    subscribed=False,
                )
        else:
            parent = self._find_message(message.channel, message.thread_ts)
            if parent is not None:
                out["parent_user_id"] = parent.user
        return out

    def _page(
        self, items: list[Any], args: Args, kind: str, default_limit: int
    ) -> tuple[list[Any], str]:
        limit = int_arg(args, "limit", default_limit)
        if limit <= 0:
            limit = len(items) or 1
        limit = min(limit, 1000)
        if self.page_size_cap is not None:
            limit = min(limit, self.page_size_cap)
        offset = decode_cursor(kind, opt_str(args, "cursor"))
        page = items[offset : offset + limit]
        end = offset + len(page)
        return page, (encode_cursor(kind, end) if end < len(items) else "")
