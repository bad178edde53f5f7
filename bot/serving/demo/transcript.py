"""The demo's transcript: what each person sees, in the order it happens, each
conversation labelled (the channel, a thread in it, each DM), text as Slack shows it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.standin import SlackWebAPIStandIn
from bot.standin.records import Message

FILE_NAMES = {"summary-chart": "summary-chart.png", "digest-chart": "digest-chart.png"}


def render(blocks: list[dict[str, Any]] | None, fallback: str) -> str:
    """Blocks as a person reads them: section and context text, buttons in brackets."""
    lines: list[str] = []
    for block in blocks or []:
        if block["type"] in ("section", "header"):
            lines.append(block["text"]["text"])
        elif block["type"] == "context":
            lines.extend(e.get("text", "") for e in block["elements"])
        elif block["type"] == "actions":
            lines.append("  ".join(f"[{e['text']['text']}]" for e in block["elements"]))
    shown = "\n".join(lines) if lines else fallback
    return shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


class Transcript:
    """Prints what appeared in Slack since the last look, and saves shared charts."""

    def __init__(
        self, slack: SlackWebAPIStandIn, channel: str, names: Mapping[str, str], out_dir: Path
    ) -> None:
        self.slack = slack
        self.channel = channel
        self.names = names
        self.out_dir = out_dir
        self.saved: list[Path] = []
        self._seen: dict[tuple[str, str], str] = {}
        """Each message shown, as it read then: a thread line that changes is shown
        again (an undo strikes it); the board, edited with every check-in, is not."""
        self.skip_to_now()

    def skip_to_now(self) -> None:
        """Everything so far counts as seen (the seeded weeks are not the story)."""
        self._seen |= {(m.channel, m.ts): m.all_text for m in self._messages()}

    def _messages(self) -> list[Message]:
        return [m for messages in self.slack.messages.values() for m in messages]

    def say(self, line: str) -> None:
        print(line)

    def heading(self, when: str) -> None:
        print(f"\n── {when} " + "─" * max(0, 60 - len(when)))

    def private(self, who: str, text: str) -> None:
        print(indent(text) + f"\n    (only {who} sees this)")

    def show_new(self) -> None:
        for message in self._messages():
            before = self._seen.get((message.channel, message.ts))
            if before is not None and before != message.all_text and message.is_reply:
                self._seen[(message.channel, message.ts)] = message.all_text
                print(f"{self._where(message)} (edited):")
                print(indent(render(message.blocks, message.text)))
        new = sorted(
            (m for m in self._messages() if (m.channel, m.ts) not in self._seen),
            key=lambda m: float(m.ts),
        )
        for message in new:
            self._seen[(message.channel, message.ts)] = message.all_text
            print(f"{self._where(message)}:")
            body = render(message.blocks, message.text)
            if message.files:
                body += "\n" + "\n".join(self._file(f) for f in message.files)
            print(indent(body))

    def _where(self, message: Message) -> str:
        if message.channel == self.channel:
            name = f"#{self.slack.channels[self.channel].name}"
            return f"{name} › thread" if message.is_reply else name
        user = message.channel[1:]  # the stand-in's DM with U… is D + U…
        return f"DM to {self.names.get(user, user)}"

    def _file(self, shared: Mapping[str, Any]) -> str:
        upload = self.slack.files[str(shared["id"])]
        kind = next((k for k in FILE_NAMES if k in upload.filename), upload.filename)
        path = self.out_dir / FILE_NAMES.get(kind, upload.filename)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(upload.content or b"")
        self.saved.append(path)
        return (
            f"[image: {upload.title} — {len(upload.content or b'') // 1024} KB PNG, "
            f"saved to {path}]\n[alt text: {upload.alt_txt}]"
        )
