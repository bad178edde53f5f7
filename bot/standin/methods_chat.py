"""``chat.*``: posting, editing and deleting the bot's messages, ephemerals, permalinks."""

from __future__ import annotations

from bot.standin.arguments import ApiError, Args, Rejected, opt_str, req_str, ts_micros
from bot.standin.records import Ephemeral
from bot.standin.workspace import Workspace


class ChatMethods(Workspace):
    """The ``chat.*`` methods the app calls."""

    def _chat_post_message(self, args: Args, at: float) -> Args:
        channel = self._postable_channel(req_str(args, "channel", "channel_not_found"))
        self._check_message_payload(args, require_content=True)
        thread_ts = opt_str(args, "thread_ts")
        if thread_ts is not None:
            # Slack answers a malformed ts with invalid_thread_ts; for a parent that does not
            # exist it may accept the post and show it nowhere, so fail loudly here instead.
            ts_micros(thread_ts, "invalid_thread_ts")
            parent = self._find_message(channel.id, thread_ts)
            if parent is None:
                raise ApiError("thread_not_found")
            thread_ts = parent.thread_ts or parent.ts
        message = self._bot_message(channel.id, args, thread_ts=thread_ts)
        self.messages[channel.id].append(message)
        return {"channel": channel.id, "ts": message.ts, "message": self._message_out(message)}

    def _chat_update(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(req_str(args, "channel", "channel_not_found"))
        message = self._find_message(channel.id, req_str(args, "ts", "message_not_found"))
        if message is None:
            raise ApiError("message_not_found")
        if message.user != self.bot_user_id:
            raise ApiError("cant_update_message")
        self._check_message_payload(args, require_content=False)
        if "text" in args:
            message.text = str(args["text"] or "")
        if "blocks" in args:
            message.blocks = args["blocks"] or None
        if "attachments" in args:
            message.attachments = args["attachments"]
        if "metadata" in args:
            message.metadata = args["metadata"]
        if not message.text and not message.blocks and not message.attachments:
            raise Rejected("no_text", [])
        message.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
        out = self._message_out(message)
        return {"channel": channel.id, "ts": message.ts, "text": message.text, "message": out}

    def _chat_delete(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(req_str(args, "channel", "channel_not_found"))
        message = self._find_message(channel.id, req_str(args, "ts", "message_not_found"))
        if message is None:
            raise ApiError("message_not_found")
        if message.user != self.bot_user_id:
            raise ApiError("cant_delete_message")
        self._delete_message(message)
        return {"channel": channel.id, "ts": message.ts}

    def _chat_post_ephemeral(self, args: Args, at: float) -> Args:
        channel = self._postable_channel(req_str(args, "channel", "channel_not_found"))
        user_id = req_str(args, "user", "user_not_found")
        if user_id not in self.users:
            raise ApiError("user_not_found")
        if user_id not in channel.members:
            raise ApiError("user_not_in_channel")
        self._check_message_payload(args, require_content=True)
        ephemeral = Ephemeral(
            channel=channel.id,
            user=user_id,
            message_ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=args.get("blocks"),
            thread_ts=opt_str(args, "thread_ts"),
            at=at,
        )
        self.ephemerals.append(ephemeral)
        return {"message_ts": ephemeral.message_ts}

    def _chat_get_permalink(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(req_str(args, "channel", "channel_not_found"))
        ts = req_str(args, "message_ts", "message_not_found")
        if self._find_message(channel.id, ts) is None:
            raise ApiError("message_not_found")
        link = f"https://{self.team_domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        return {"channel": channel.id, "permalink": link}
