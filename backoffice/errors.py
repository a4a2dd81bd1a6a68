"""The back office's errors: one small tree, each saying whether a retry can help."""

from __future__ import annotations


class BackofficeError(Exception):
    """Base of everything the back office raises on purpose."""

    retryable: bool = False


class SettingError(BackofficeError):
    """A bad setting or option; names the key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"setting {key!r}: {message}")
        self.key = key


class NotFound(BackofficeError):
    """A terminal, member or store that does not exist."""


class Refused(BackofficeError):
    """An operator command that the books do not allow (the message says why)."""


class StorageUnavailable(BackofficeError):
    """The database could not be reached or gave up on this transaction; retrying
    later may help. Whether a commit happened is unknown to the caller."""

    retryable = True


class StorageFull(BackofficeError):
    """The database could not write: disk, file size or page limit reached."""

    retryable = True
