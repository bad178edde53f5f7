"""Block Kit as Slack checks it: what a payload shows, and every reason Slack would refuse it.

Each block is parsed with ``slack_sdk``'s models *and* checked against Slack's
published limits, because the SDK accepts some payloads Slack rejects (unknown
properties, over-long values, bare strings where text objects belong).
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.standin.arguments import Args

__all__ = ["block_errors", "json_pointer", "view_errors", "visible_text"]

_MAX_MESSAGE_BLOCKS = 50
_MAX_VIEW_BLOCKS = 100


def visible_text(text: Any, blocks: Any = None) -> str:
    """Everything a person could read: the text plus every string in the blocks.

    Handy for assertions (``"1 meeting to go" in msg.all_text``) that should not
    care whether the words sit in ``text``, a section, a field or a context block.
    """
    parts: list[str] = [str(text)] if text else []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                elif key not in ("action_id", "block_id", "value", "url", "image_url", "type"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(parts)


def json_pointer(path: str) -> str:
    """Where in the payload an error is, written the way Slack writes it in its messages."""
    return f"[json-pointer:{path}]"


def _text_of(obj: Any) -> Any:
    return obj.get("text") if isinstance(obj, dict) else obj


def _check_len(value: Any, limit: int, path: str, errors: list[str]) -> None:
    if isinstance(value, str) and len(value) > limit:
        errors.append(f"must be less than {limit + 1} characters {json_pointer(path)}")


def _check_count(items: Any, limit: int, path: str, errors: list[str]) -> None:
    if isinstance(items, list) and len(items) > limit:
        errors.append(f"must provide an array with no more than {limit} items {json_pointer(path)}")


def _element_limit_errors(element: Any, path: str) -> list[str]:
    """Slack's documented limits for interactive elements (the SDK misses some)."""
    errors: list[str] = []
    if not isinstance(element, dict):
        return errors
    _check_len(element.get("action_id"), 255, f"{path}/action_id", errors)
    _check_len(element.get("value"), 2000, f"{path}/value", errors)
    _check_len(element.get("url"), 3000, f"{path}/url", errors)
    if element.get("type") == "button":
        _check_len(_text_of(element.get("text")), 75, f"{path}/text/text", errors)
    options = element.get("options")
    if isinstance(options, list):
        _check_count(options, 100, f"{path}/options", errors)
        for i, option in enumerate(options):
            if isinstance(option, dict):
                _check_len(
                    _text_of(option.get("text")), 75, f"{path}/options/{i}/text/text", errors
                )
                _check_len(option.get("value"), 150, f"{path}/options/{i}/value", errors)
    return errors


def _block_limit_errors(block: Args, path: str) -> list[str]:
    """Slack's documented per-block limits, checked independently of the SDK."""
    errors: list[str] = []
    kind = block.get("type")
    _check_len(block.get("block_id"), 255, f"{path}/block_id", errors)
    if kind == "section":
        _check_len(_text_of(block.get("text")), 3000, f"{path}/text/text", errors)
        fields = block.get("fields")
        _check_count(fields, 10, f"{path}/fields", errors)
        if isinstance(fields, list):
            for i, item in enumerate(fields):
                _check_len(_text_of(item), 2000, f"{path}/fields/{i}/text", errors)
        if block.get("accessory") is not None:
            errors += _element_limit_errors(block["accessory"], f"{path}/accessory")
    elif kind == "header":
        _check_len(_text_of(block.get("text")), 150, f"{path}/text/text", errors)
    elif kind in ("actions", "context"):
        elements = block.get("elements")
        _check_count(elements, 25 if kind == "actions" else 10, f"{path}/elements", errors)
        if isinstance(elements, list):
            for i, element in enumerate(elements):
                errors += _element_limit_errors(element, f"{path}/elements/{i}")
    elif kind == "input":
        _check_len(_text_of(block.get("label")), 2000, f"{path}/label/text", errors)
        _check_len(_text_of(block.get("hint")), 2000, f"{path}/hint/text", errors)
        errors += _element_limit_errors(block.get("element"), f"{path}/element")
    elif kind == "image":
        _check_len(block.get("alt_text"), 2000, f"{path}/alt_text", errors)
        _check_len(block.get("image_url"), 3000, f"{path}/image_url", errors)
    elif kind == "markdown":
        _check_len(block.get("text"), 12000, f"{path}/text", errors)
    return errors


def _roundtrip_errors(raw: Any, out: Any, path: str) -> list[str]:
    """What the SDK dropped or reshaped while parsing is what Slack would reject.

    The SDK ignores unknown properties and turns unknown element types into None, and
    it quietly promotes a bare string into a text object; Slack refuses all three.
    """
    if isinstance(raw, dict):
        if not isinstance(out, dict):
            return [f"expected {type(out).__name__}, got object {json_pointer(path)}"]
        errors: list[str] = []
        for key, value in raw.items():
            if key not in out:
                if value not in (None, [], {}):
                    errors.append(f"invalid additional property: {key} {json_pointer(path)}")
                continue
            errors += _roundtrip_errors(value, out[key], f"{path}/{key}")
        return errors
    if isinstance(raw, list):
        if not isinstance(out, list):
            return [f"expected {type(out).__name__}, got array {json_pointer(path)}"]
        errors = []
        for i, (raw_item, out_item) in enumerate(zip(raw, out, strict=False)):
            if out_item is None and raw_item is not None:
                kind = raw_item.get("type") if isinstance(raw_item, dict) else raw_item
                errors.append(f"unsupported type: {kind} {json_pointer(f'{path}/{i}')}")
            else:
                errors += _roundtrip_errors(raw_item, out_item, f"{path}/{i}")
        return errors
    if isinstance(out, dict | list):
        return [f"expected object, got {type(raw).__name__} {json_pointer(path)}"]
    return []


def block_errors(
    blocks: Any, *, max_blocks: int = _MAX_MESSAGE_BLOCKS, path: str = "/blocks"
) -> list[str]:
    """Every reason Slack would refuse ``blocks``; empty when Slack would accept them."""
    if not isinstance(blocks, list):
        return [f"must be an array {json_pointer(path)}"]
    errors: list[str] = []
    _check_count(blocks, max_blocks, path, errors)
    for i, raw in enumerate(blocks):
        here = f"{path}/{i}"
        if not isinstance(raw, dict):
            errors.append(f"expected object {json_pointer(here)}")
            continue
        errors += _block_limit_errors(raw, here)
        try:
            parsed = Block.parse(raw)
            if parsed is None or type(parsed) is Block:
                errors.append(f"unsupported block type: {raw.get('type')} {json_pointer(here)}")
                continue
            out = parsed.to_dict()
        except SlackObjectFormationError as exc:
            errors.append(f"{exc} {json_pointer(here)}")
            continue
        except Exception as exc:  # the SDK raises TypeError/KeyError on malformed input
            errors.append(f"invalid block ({type(exc).__name__}: {exc}) {json_pointer(here)}")
            continue
        errors += _roundtrip_errors(raw, out, here)
    return list(dict.fromkeys(errors))


def view_errors(view: Any, *, path: str = "/view") -> list[str]:
    """Every reason Slack would refuse a modal or Home tab ``view``."""
    if not isinstance(view, dict):
        return [f"must be an object {json_pointer(path)}"]
    errors: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        errors.append(f"must be one of modal, home {json_pointer(f'{path}/type')}")
    if kind == "modal" and not view.get("title"):
        errors.append(f"missing required field: title {json_pointer(path)}")
    if "blocks" not in view:
        errors.append(f"missing required field: blocks {json_pointer(path)}")
    else:
        errors += block_errors(view["blocks"], max_blocks=_MAX_VIEW_BLOCKS, path=f"{path}/blocks")
    _check_len(view.get("private_metadata"), 3000, f"{path}/private_metadata", errors)
    _check_len(view.get("callback_id"), 255, f"{path}/callback_id", errors)
    rest = {k: v for k, v in view.items() if k != "blocks"}
    try:
        # A placeholder block: the SDK insists on 1..100 blocks, counted above already.
        out = View(**rest, blocks=[{"type": "divider"}]).to_dict()
    except SlackObjectFormationError as exc:
        errors.append(f"{exc} {json_pointer(path)}")
    except Exception as exc:
        errors.append(f"invalid view ({type(exc).__name__}: {exc}) {json_pointer(path)}")
    else:
        out.pop("blocks", None)
        errors += _roundtrip_errors(rest, out, path)
    return list(dict.fromkeys(errors))
