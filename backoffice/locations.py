"""Where the back office keeps its things: the data directory, the embedded SQLite
database, its signing keys and its settings file.

Data directory: ``--data-dir``, else ``$PAYTERM_BACKOFFICE_DATA_DIR``, else
``~/.local/share/payterm-backoffice`` (the systemd unit uses /var/lib/payterm-backoffice).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "PAYTERM_BACKOFFICE_DATA_DIR"
DATABASE_FILE = "backoffice.db"
SETTINGS_FILE = "backoffice.toml"
KEYS_DIR = "keys"
PRIVATE_KEY_FILE = "backoffice_private.pem"
PUBLIC_KEY_FILE = "backoffice_public.pem"
FACE_KEY_FILE = "face_templates.key"
MANAGER_SECRET_FILE = "manager_session.key"


@dataclass(frozen=True)
class Locations:
    data_dir: Path

    @property
    def default_database_url(self) -> str:
        """The embedded SQLite file for one shop."""
        return f"sqlite:///{(self.data_dir / DATABASE_FILE).resolve()}"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / SETTINGS_FILE

    @property
    def private_key(self) -> Path:
        return self.data_dir / KEYS_DIR / PRIVATE_KEY_FILE

    @property
    def public_key(self) -> Path:
        return self.data_dir / KEYS_DIR / PUBLIC_KEY_FILE

    @property
    def face_key(self) -> Path:
        """Default place of the operator's face template key."""
        return self.data_dir / KEYS_DIR / FACE_KEY_FILE

    @property
    def manager_secret(self) -> Path:
        """Signs the manager page's session cookies (same file on every instance)."""
        return self.data_dir / KEYS_DIR / MANAGER_SECRET_FILE


def resolve_locations(data_dir: str | os.PathLike[str] | None) -> Locations:
    """The data directory from the option, the environment or the default; made 0700."""
    if data_dir:
        path = Path(data_dir)
    elif os.environ.get(DATA_DIR_ENV):
        path = Path(os.environ[DATA_DIR_ENV])
    else:
        path = Path.home() / ".local" / "share" / "payterm-backoffice"
    path = path.expanduser().resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Locations(path)
