"""Reading the settings TOML file (validation is ``terminal.settings``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from terminal.errors import ConfigError


def load_settings_file(path: Path | None) -> dict:
    """Read and parse the TOML file; a syntax error names the file and line."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError("--config", f"settings file {path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise ConfigError("--config", f"{path} is not UTF-8 text (byte {exc.start}): save it "
                                      "as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("--config", f"{path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError("--config", f"cannot read {path}: {exc.strerror}") from None
