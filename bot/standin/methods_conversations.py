"""``conversations.*`` and ``users.*``: the channels and DMs, and the people in them."""

from __future__ import annotations

from collections.abc import Callable

from bot.standin.arguments import ApiError, Args, opt_str, req_str, truthy, ts_micros
from bot.standin.records import Channel, Message
from bot.standin.workspace import Workspace


class ConversationsMethods(Workspace):
    """The ``conversations.*`` methods the app calls."""

    def _conversations_open(self, args: Args, at: float) -> Args:
        channel_arg = opt_str(args, "channel")
        if channel_arg is not None:
            channel = self._resolve_channel(channel_arg)
            return {"channel": {"id": channel.id}, "no_op": True, "already_open": True}
        users = [
            u.strip()
            for u in req_str(args, "users", "users_list_not_supplied").split(",")
            if u.strip()
        ]
        if len(users) != 1:
            raise ApiError("not_supported", detail="the stand-in opens one-to-one DMs only")
        existed = self._dm_id(users[0]) in self.channels
        channel = self._open_dm(users[0])
        out: Args = {
            "channel": channel.to_slack(self.bot_user_id)
            if truthy(args.get("return_im"))
            else {"id": channel.id}
        }
        if existed:
            out.update(no_op=True, already_open=True)
        return out

    def _visible_channel(self, args: Args) -> Channel:
        """Like Slack: a private channel the bot is not in does not exist for it."""
        channel = self._resolve_channel(req_str(args, "channel", "channel_not_found"))
        if channel.is_private and self.bot_user_id not in channel.members:
            raise ApiError("channel_not_found")
        return channel

    def _conversations_info(self, args: Args, at: float) -> Args:
        return {"channel": self._visible_channel(args).to_slack(self.bot_user_id)}

    def _conversations_join(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(req_str(args, "channel", "channel_not_found"))
        if channel.is_im or channel.is_private:
            raise ApiError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise ApiError("is_archived")
        already = self.bot_user_id in channel.members
        self.add_member(channel.id, self.bot_user_id)
        out: Args = {"channel": channel.to_slack(self.bot_user_id)}
        if already:
            out["warning"] = "already_in_channel"
            out["response_metadata"] = {"warnings": ["already_in_channel"]}
        return out

    def _conversations_members(self, args: Args, at: float) -> Args:
        channel = self._visible_channel(args)
        page, next_cursor = self._page(channel.members, args, "member", 100)
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _history_window(self, args: Args) -> Callable[[Message], bool]:
        inclusive = truthy(args.get("inclusive"))
        oldest = opt_str(args, "oldest")
        latest = opt_str(args, "latest")
        low = ts_micros(oldest, "invalid_ts_oldest") if oldest and oldest != "0" else None
        high = ts_micros(latest, "invalid_ts_latest") if latest else None

        def inside(message: Message) -> bool:
            ts = ts_micros(message.ts)
            if low is not None and (ts < low or (ts == low and not inclusive)):
                return False
            return not (high is not None and (ts > high or (ts == high and not inclusive)))

        return inside

    def _conversations_history(self, args: Args, at: float) -> Args:
        """Newest first, top-level messages only; metadata needs ``include_all_metadata``."""
        channel = self._resolve_channel(req_str(args, "channel", "channel_not_found"))
        if not channel.is_im and self.bot_user_id not in channel.members:
            raise ApiError("not_in_channel")
        inside = self._history_window(args)
        found = [
            m
            for m in reversed(self.messages.get(channel.id, []))
            if (not m.is_reply or m.reply_broadcast) and inside(m)
        ]
        page, next_cursor = self._page(found, args, "history", 100)
        with_metadata = truthy(args.get("include_all_metadata"))
        out: Args = {
            "messages": [self._message_out(m, include_metadata=with_metadata) for m in page],
            "has_more": bool(next_cursor),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if next_cursor:
            out["response_metadata"] = {"next_cursor": next_cursor}
        return out

    def _conversations_replies(self, args: Args, at: float) -> Args:
        """The parent first, then replies oldest first."""
        channel = self._resolve_channel(req_str(args, "channel", "channel_not_found"))
        message = self._find_message(channel.id, req_str(args, "ts", "thread_not_found"))
        if message is None:
            raise ApiError("thread_not_found")
        root = message.thread_ts or message.ts
        inside = self._history_window(args)
        thread = [m for m in self.thread(channel.id, root) if m.ts == root or inside(m)]
        page, next_cursor = self._page(thread, args, "replies", 1000)
        with_metadata = truthy(args.get("include_all_metadata"))
        out: Args = {
            "messages": [self._message_out(m, include_metadata=with_metadata) for m in page],
            "has_more": bool(next_cursor),
        }
        if next_cursor:
            out["response_metadata"] = {"next_cursor": next_cursor}
        return out


class UsersMethods(Workspace):
    """The ``users.*`` methods the app calls."""

    def _users_info(self, args: Args, at: float) -> Args:
        user = self.users.get(req_str(args, "user", "user_not_found"))
        if user is None:
            raise ApiError("user_not_found")
        return {"user": user.to_slack(self.team_id, at)}

    def _users_profile_get(self, args: Args, at: float) -> Args:
        user = self.users.get(req_str(args, "user", "user_not_found"))
        if user is None:
            raise ApiError("user_not_found")
        return {"profile": user.profile(self.team_id, at)}

    def _users_list(self, args: Args, at: float) -> Args:
        members = [u.to_slack(self.team_id, at) for u in self.users.values()]
        page, next_cursor = self._page(members, args, "users", 0)
        return {
            "members": page,
            "cache_ts": int(at),
            "response_metadata": {"next_cursor": next_cursor},
        }
