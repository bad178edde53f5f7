"""``views.*`` and ``files.*``: Home tabs and modals, and files shared into channels."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import cast

from bot.standin.arguments import (
    ApiError,
    Args,
    Rejected,
    int_arg,
    opt_str,
    req_str,
    ts_micros,
)
from bot.standin.blockkit import json_pointer, view_errors
from bot.standin.records import Channel, UploadedFile
from bot.standin.workspace import Workspace

MAX_FILE_BYTES = 1 << 30
"""Slack takes files of up to 1 GB."""
MAX_ALT_TXT = 1000


class ViewsMethods(Workspace):
    """The ``views.*`` methods the app calls."""

    def _store_view(
        self, view: Args, at: float, *, view_id: str | None = None, user_id: str | None = None
    ) -> Args:
        view_id = view_id or f"V{self._next_id():08d}"
        previous = self.views.get(view_id, {})
        stored: Args = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(at)}.{self._next_id():08x}",
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": previous.get("previous_view_id"),
            "root_view_id": previous.get("root_view_id", view_id),
            "app_id": self.app_id,
            "external_id": view.get("external_id", previous.get("external_id", "")),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if user_id is not None:
            stored["user_id"] = user_id
        self.views[view_id] = stored
        return stored

    def _checked_view(self, args: Args) -> Args:
        view = args.get("view")
        if isinstance(view, str):
            raise Rejected("invalid_arguments", [f"must be a JSON object {json_pointer('/view')}"])
        errors = view_errors(view)
        if errors:
            raise Rejected("invalid_arguments", errors)
        return cast(Args, view)

    def _views_publish(self, args: Args, at: float) -> Args:
        user_id = req_str(args, "user_id", "invalid_arguments")
        if user_id not in self.users:
            raise ApiError("user_not_found")
        view = self._checked_view(args)
        if view.get("type") != "home":
            raise Rejected("invalid_arguments", [f"must be home {json_pointer('/view/type')}"])
        current = self.home_views.get(user_id)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            raise ApiError("hash_conflict")
        stored = self._store_view(
            view, at, view_id=current["id"] if current else None, user_id=user_id
        )
        self.home_views[user_id] = stored
        return {"view": stored}

    def _views_open(self, args: Args, at: float) -> Args:
        if not opt_str(args, "trigger_id") and not opt_str(args, "interactivity_pointer"):
            raise ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: trigger_id"]},
            )
        view = self._checked_view(args)
        if view.get("type") != "modal":
            raise Rejected("invalid_arguments", [f"must be modal {json_pointer('/view/type')}"])
        return {"view": self._store_view(view, at)}

    def _views_update(self, args: Args, at: float) -> Args:
        view_id = opt_str(args, "view_id")
        external_id = opt_str(args, "external_id")
        if view_id is None and external_id is not None:
            view_id = next(
                (v["id"] for v in self.views.values() if v.get("external_id") == external_id), None
            )
        if view_id is None or view_id not in self.views:
            raise ApiError("not_found")
        current = self.views[view_id]
        if args.get("hash") and args["hash"] != current["hash"]:
            raise ApiError("hash_conflict")
        view = self._checked_view(args)
        stored = self._store_view(view, at, view_id=view_id, user_id=current.get("user_id"))
        if stored["type"] == "home" and current.get("user_id"):
            self.home_views[str(current["user_id"])] = stored
        return {"view": stored}


class FilesMethods(Workspace, ABC):
    """The ``files.*`` methods of Slack's external upload flow, checked as Slack checks
    them: the declared length (not 0, at most 1 GB) is what is uploaded, the alt text
    fits, every channel is one the bot may post in, and a thread is a message of the
    one channel the file goes to."""

    def _thread_root(self, targets: list[Channel], thread_ts: str) -> str:
        if len(targets) != 1:
            raise ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] thread_ts needs exactly one channel"]},
            )
        ts_micros(thread_ts, "invalid_thread_ts")
        parent = self._find_message(targets[0].id, thread_ts)
        if parent is None:
            raise ApiError("thread_not_found")
        return parent.thread_ts or parent.ts

    @property
    @abstractmethod
    def url(self) -> str:
        """Root URL of the server, which also takes the uploads (``/upload/{file_id}``)."""

    def _files_get_upload_url(self, args: Args, at: float) -> Args:
        filename = req_str(args, "filename")
        length = int_arg(args, "length", -1)
        if length < 0:
            raise ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: length"]},
            )
        if length == 0:
            raise ApiError("missing_argument")
        if length > MAX_FILE_BYTES:
            raise ApiError("file_upload_size_restricted")
        if len(opt_str(args, "alt_txt") or "") > MAX_ALT_TXT:
            raise ApiError("alt_txt_too_large")
        file_id = f"F{self._next_id():08d}"
        self.files[file_id] = UploadedFile(
            file_id,
            filename,
            length,
            alt_txt=opt_str(args, "alt_txt"),
            snippet_type=opt_str(args, "snippet_type"),
        )
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: Args, at: float) -> Args:
        items = args.get("files")
        if not isinstance(items, list) or not items:
            raise ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: files"]},
            )
        uploads: list[UploadedFile] = []
        for item in items:
            upload = self.files.get(str(item.get("id"))) if isinstance(item, Mapping) else None
            if upload is None or upload.content is None:
                raise ApiError("file_not_found")
            if upload.completed:
                raise ApiError("file_update_failed")
            upload.title = item.get("title") or upload.filename
            uploads.append(upload)
        channels = [c for c in (opt_str(args, "channels") or "").split(",") if c]
        channel_id = opt_str(args, "channel_id")
        if channel_id:
            channels.append(channel_id)
        targets = [self._postable_channel(c) for c in channels]
        thread_ts = opt_str(args, "thread_ts")
        if thread_ts is not None:
            thread_ts = self._thread_root(targets, thread_ts)
        comment = opt_str(args, "initial_comment")
        for upload in uploads:
            upload.completed = True
            upload.channels = [c.id for c in targets]
            upload.initial_comment = comment
            upload.thread_ts = thread_ts
        shared = [u.to_slack(self.team_id, self.bot_user_id) for u in uploads]
        for channel in targets:
            message = self._bot_message(channel.id, {"text": comment or ""}, thread_ts=thread_ts)
            message.files = shared
            self.messages[channel.id].append(message)
        return {"files": [{"id": u.id, "title": u.title} for u in uploads]}
