"""The config file: typed values, warnings for unknown keys, errors naming the line."""

from __future__ import annotations

import pytest

from reader.config import EXAMPLE, Config, load_config, parse_config
from reader.errors import ConfigError


def test_defaults_when_missing(tmp_path) -> None:
    config = load_config(tmp_path / "none.toml")
    assert config == Config(path=tmp_path / "none.toml")


def test_example_parses_cleanly() -> None:
    config = parse_config(EXAMPLE)
    assert config.warnings == []
    assert config.theme == "textual-dark" and config.full_text and config.concurrency == 32


def test_values_and_keymap(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'theme = "nord"\nfull_text = false\nconcurrency = 8\nauto_refresh_minutes = 15\n'
        '[keymap]\nopen-browser = "O"\ncursor-down = ["ctrl+n", "down"]\n'
    )
    config = load_config(path)
    assert (config.theme, config.full_text, config.concurrency) == ("nord", False, 8)
    assert config.auto_refresh_minutes == 15
    assert config.keymap == {"open-browser": "O", "cursor-down": "ctrl+n,down"}
    assert config.warnings == []


def test_malformed_file_names_the_line(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('theme = "nord"\nfull_text = true\nconcurrency = = 3\n')
    with pytest.raises(ConfigError, match=r"line 3"):
        load_config(path)


def test_unknown_keys_and_wrong_types_are_warnings() -> None:
    config = parse_config('colour = "red"\nconcurrency = "lots"\nfull_text = 1\n[keymap]\nx = 3\n')
    text = "\n".join(config.warnings)
    assert "unknown key 'colour'" in text
    assert "concurrency should be a int" in text
    assert "full_text should be a bool" in text
    assert "keymap.x" in text
    assert config.concurrency == 32 and config.full_text is True


def test_cli_reports_a_malformed_config(cli, tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[keymap\n")
    result = cli("--config", str(bad))
    assert result.returncode == 1
    assert "line 1" in result.stderr and "bad.toml" in result.stderr


def test_config_path_prints_the_env_override(cli, tmp_path) -> None:
    result = cli("config", "--path")
    assert result.stdout.strip() == str(tmp_path / "config.toml")
