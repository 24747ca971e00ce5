"""Typed reading of one TOML table (errors name the key and the file) and of secrets.

Secrets are never read from the TOML itself: only from an environment variable, a file, or
systemd's $CREDENTIALS_DIRECTORY, and they are held in `Secret` so a repr or log line can never
show them.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from rjmail.errors import ConfigError
from rjmail.secretfiles import InsecureSecretFileError, read_private

T = TypeVar("T")


class Secret:
    """A string that never shows itself in repr/str (config dumps, tracebacks, logs)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class _Reader:
    """Typed access to one TOML table that reports the full key path and the file on error."""

    def __init__(self, data: Mapping[str, Any], prefix: str, path: Path) -> None:
        self.data, self.prefix, self.path = data, prefix, path

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, message: str) -> ConfigError:
        return ConfigError(message, key=self.key(name), path=str(self.path))

    def get(self, name: str, kind: type[T], default: T | None = None, *, required: bool = False) -> T:
        if name not in self.data:
            if required:
                raise self.fail(name, "missing required setting")
            return default  # type: ignore[return-value]
        value = self.data[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(name, f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    def strings(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        value = self.get(name, list, [], required=required)
        if not all(isinstance(v, str) for v in value):
            raise self.fail(name, "expected a list of strings")
        return tuple(value)

    def table(self, name: str, *, required: bool = False) -> _Reader:
        value = self.get(name, dict, {}, required=required)
        return _Reader(value, self.key(name), self.path)

    def unknown(self, allowed: set[str]) -> None:
        for name in self.data:
            if name not in allowed:
                raise self.fail(name, "unknown setting (typo?)")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_secret(r: _Reader, stem: str) -> Secret | None:
    """`<stem>_env`, `<stem>_file` or `<stem>_credential` ($CREDENTIALS_DIRECTORY) -> Secret."""
    env_name = r.get(f"{stem}_env", str)
    file_name = r.get(f"{stem}_file", str)
    cred_name = r.get(f"{stem}_credential", str)
    if stem in r.data:
        raise r.fail(
            stem,
            "secrets may not be written in the config file; use "
            f"{stem}_env, {stem}_file or {stem}_credential",
        )
    if env_name:
        value = os.environ.get(env_name)
        if value is None:
            raise r.fail(f"{stem}_env", f"environment variable {env_name} is not set")
        return Secret(value.strip())
    if cred_name:
        directory = os.environ.get("CREDENTIALS_DIRECTORY")
        if not directory:
            raise r.fail(f"{stem}_credential", "$CREDENTIALS_DIRECTORY is not set (not run by systemd?)")
        file_name = str(Path(directory) / cred_name)
    if file_name:
        key = f"{stem}_credential" if cred_name else f"{stem}_file"
        try:
            return Secret(read_private(Path(file_name)))
        except InsecureSecretFileError as exc:  # issue 12: refused like ssh refuses an open key file
            raise r.fail(key, str(exc)) from exc
        except OSError as exc:
            raise r.fail(key, f"cannot read secret file: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise r.fail(key, "secret file is not UTF-8 text") from exc
    return None
