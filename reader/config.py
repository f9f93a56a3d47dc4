"""The user's config file: a small TOML document, typed and checked.

```toml
theme = "textual-dark"        # any Textual theme name
full_text = true              # fetch and extract each article's page on refresh
concurrency = 32              # requests in flight during a refresh
auto_refresh_minutes = 0      # 0 = off

[keymap]                      # binding id -> keys (comma-separated)
open-browser = "O"
cursor-down = "j,down"
```

A malformed file raises ``ConfigError`` naming the line; unknown keys and wrong types are
collected as warnings (the default is kept) so a typo never stops the reader.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.sanitize import sanitize_line
from reader.errors import ConfigError

DEFAULT_THEME = "textual-dark"

EXAMPLE = """\
# newsreader config (TOML). Every key is optional.
theme = "textual-dark"        # any Textual theme: nord, gruvbox, textual-light, ...
full_text = true              # fetch and extract each article's page on refresh
concurrency = 32              # requests in flight during a refresh
auto_refresh_minutes = 0      # refresh all feeds every N minutes while open; 0 = off

[keymap]                      # binding id = "keys" (comma-separated); see the help screen (?)
# open-browser = "O"
# cursor-down = "j,down"
"""


@dataclass(slots=True)
class Config:
    """Settings read from the config file, with defaults for everything."""

    theme: str = DEFAULT_THEME
    full_text: bool = True
    concurrency: int = 32
    auto_refresh_minutes: float = 0
    keymap: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)


_TYPES: dict[str, tuple[type, ...]] = {
    "theme": (str,),
    "full_text": (bool,),
    "concurrency": (int,),
    "auto_refresh_minutes": (int, float),
    "keymap": (dict,),
}
CONCURRENCY_MAX = 256
_KEY_RE = re.compile(r"^[!-~ ]{1,200}$")  # printable ASCII: "?", "/"; the UI checks names


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to read: the explicit one, else ``NEWSREADER_CONFIG`` or the default."""
    from reader.paths import default_config_path

    return Path(explicit).expanduser() if explicit else default_config_path()


def parse_config(text: str, source: str = "config") -> Config:
    """Parse TOML text into a Config; raise ConfigError naming the line when malformed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = sanitize_line(str(exc), 300)
        match = re.search(r"line (\d+)", message)
        where = f"line {match.group(1)}" if match else "somewhere"
        raise ConfigError(f"{source}: {where}: {message}") from None
    config = Config()
    for key, value in data.items():
        shown = sanitize_line(key, 80)
        if key not in _TYPES:
            config.warnings.append(f"{source}: unknown key {shown!r} ignored")
            continue
        # bool is an int in Python: reject it where a number is wanted
        if not isinstance(value, _TYPES[key]) or (
            isinstance(value, bool) and bool not in _TYPES[key]
        ):
            wanted = " or ".join(t.__name__ for t in _TYPES[key]).replace("dict", "table")
            config.warnings.append(f"{source}: {shown} should be a {wanted}; default kept")
            continue
        if key == "keymap":
            config.keymap = _keymap(value, source, config.warnings)
        elif key == "concurrency":
            if value < 1:
                config.warnings.append(f"{source}: concurrency must be at least 1; default kept")
            else:
                if value > CONCURRENCY_MAX:
                    config.warnings.append(
                        f"{source}: concurrency {value} is more than {CONCURRENCY_MAX}; "
                        f"{CONCURRENCY_MAX} used"
                    )
                config.concurrency = min(int(value), CONCURRENCY_MAX)
        elif key == "auto_refresh_minutes":
            if not 0 <= value < math.inf:  # also nan
                config.warnings.append(
                    f"{source}: auto_refresh_minutes must be 0 (off) or a number of minutes; "
                    "default kept"
                )
            else:
                config.auto_refresh_minutes = float(value)
        else:
            setattr(config, key, value)
    return config


def _keymap(table: dict[str, object], source: str, warnings: list[str]) -> dict[str, str]:
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        shown = sanitize_line(binding_id, 80)
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str) or not _KEY_RE.match(keys):
            warnings.append(f'{source}: keymap.{shown} should be keys like "j,down"; ignored')
            continue
        keymap[binding_id] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return keymap


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the config file (a missing file gives the defaults)."""
    resolved = config_path(path)
    try:
        text = resolved.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=resolved)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the config file {resolved}: {exc}") from None
    config = parse_config(text, str(resolved))
    config.path = resolved
    return config
