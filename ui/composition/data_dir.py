"""Where payterm keeps its state and finds its settings file.

Order: ``--data-dir``, then ``PAYTERM_DATA_DIR``, then the platform default
(``$XDG_DATA_HOME/payterm`` or ``~/.local/share/payterm``; the kiosk package sets
``PAYTERM_DATA_DIR=/var/lib/payterm``). Settings: ``--config``, then ``PAYTERM_CONFIG``,
then ``<data dir>/payterm.toml`` when it exists.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping


def resolve_data_dir(cli_value: str | None, env: Mapping[str, str]) -> Path:
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    if env.get("PAYTERM_DATA_DIR"):
        return Path(env["PAYTERM_DATA_DIR"]).expanduser().resolve()
    base = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base, "payterm").resolve()


def resolve_config_file(cli_value: str | None, env: Mapping[str, str],
                        data_dir: Path) -> tuple[Path | None, bool]:
    """Return (path, explicit). An explicit path must exist; the default may not."""
    if cli_value:
        return Path(cli_value).expanduser().resolve(), True
    if env.get("PAYTERM_CONFIG"):
        return Path(env["PAYTERM_CONFIG"]).expanduser().resolve(), True
    default = data_dir / "payterm.toml"
    return (default if default.exists() else None), False
