"""Core is UI-free: importing every reader.core module loads neither textual nor rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import reader.core


def test_core_never_imports_textual_or_rich() -> None:
    modules = [m.name for m in pkgutil.walk_packages(reader.core.__path__, prefix="reader.core.")]
    assert "reader.core.service" in modules and "reader.core.store" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "import reader.cli\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""
