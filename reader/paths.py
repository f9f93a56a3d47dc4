"""Where newsreader keeps its files (platformdirs), with environment overrides for tests."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "newsreader"


def default_db_path() -> Path:
    """``NEWSREADER_DB`` or ``<user data dir>/newsreader.db``."""
    env = os.environ.get("NEWSREADER_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "newsreader.db"


def default_config_path() -> Path:
    """``NEWSREADER_CONFIG`` or ``<user config dir>/config.toml``."""
    env = os.environ.get("NEWSREADER_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"
