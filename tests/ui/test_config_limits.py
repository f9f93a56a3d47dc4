"""Config numbers out of range are reported, not silently used."""

from __future__ import annotations

from reader.config import CONCURRENCY_MAX, parse_config


def test_numbers_out_of_range_are_warned_about() -> None:
    config = parse_config("concurrency = 100000000\nauto_refresh_minutes = -5\n")
    text = "\n".join(config.warnings)
    assert f"concurrency 100000000 is more than {CONCURRENCY_MAX}" in text
    assert "auto_refresh_minutes must be 0 (off)" in text
    assert (config.concurrency, config.auto_refresh_minutes) == (CONCURRENCY_MAX, 0)
    for bad in ("nan", "inf"):
        config = parse_config(f"auto_refresh_minutes = {bad}\n")
        assert config.auto_refresh_minutes == 0 and config.warnings
    config = parse_config("concurrency = 64\nauto_refresh_minutes = 30\n")
    assert (config.concurrency, config.auto_refresh_minutes, config.warnings) == (64, 30, [])
