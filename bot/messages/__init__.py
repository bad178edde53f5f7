"""Pure Block Kit builders: data in, ``{"text": ..., "blocks": [...]}`` out.

``text`` is always set: it is the notification and screen-reader fallback.
"""

from typing import Any

Message = dict[str, Any]
Block = dict[str, Any]
