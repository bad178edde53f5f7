"""Where settings come from: a ``.env`` file, with the real environment on top."""

from __future__ import annotations

import os

from dotenv import dotenv_values


def read_environment(env_file: str | os.PathLike[str] = ".env") -> dict[str, str]:
    """Values from ``env_file`` (if it exists), then ``os.environ`` on top: the environment wins.

    ``os.environ`` is not modified. A key written without a value in the file is skipped.
    """
    values = {key: value for key, value in dotenv_values(env_file).items() if value is not None}
    values.update(os.environ)
    return values
