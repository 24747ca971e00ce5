"""Secret files (passwords, the signing key, OAuth client secrets, systemd credentials) must be
readable by their owner only, as ssh insists for private keys: anyone else who can read the signing
key can forge rjmail's signed Message-IDs and act as an advisor."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class InsecureSecretFileError(ValueError):
    pass


def read_private(path: Path) -> str:
    """The file's text, stripped, if no group or other bits are set; else InsecureSecretFileError.
    OSError (missing, unreadable) is left to the caller."""
    with path.open("rb") as handle:  # stat the opened file: no swap between check and read
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
        if mode & 0o077:
            raise InsecureSecretFileError(
                f"permissions {mode:04o} for {path} are too open: a secret file must be readable by "
                f"its owner only (chmod 600 {path})"
            )
        return handle.read().decode("utf-8").strip()
