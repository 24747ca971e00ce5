"""rjmail.toml -> frozen, validated Settings.

Every problem raises ConfigError naming the key and the file. Secrets are never read from the TOML
itself: only from an environment variable, a file, or systemd's $CREDENTIALS_DIRECTORY, and they are
held in `Secret` so a repr or log line can never show them.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rjmail.configread import Secret, _Reader, is_loopback, read_secret
from rjmail.core.callhours import CallSettings  # re-exported: config readers use them
from rjmail.errors import ConfigError
from rjmail.settingsparts import read_calls, read_languages, read_metrics_listen

T = TypeVar("T")
SECURITY_MODES = ("tls", "starttls", "none")
ON_CLOSED = ("notify", "reopen", "new_case")


@dataclass(frozen=True)
class OAuth2Settings:
    tenant: str
    client_id: str
    client_secret: Secret | None
    certificate_file: str | None
    certificate_thumbprint: str | None
    authority: str
    scope: str
    token_url: str | None  # test/override endpoint; None means MSAL against `authority`
    secret_expires_on: str | None


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    security: str
    username: str | None
    password: Secret | None
    ca_file: str | None
    auth: str  # "password" | "oauth2" | "none"
    timeout_seconds: float
    connections: int = 3  # [smtp] only: delivery workers, each with its own SMTP connection (1-8)


@dataclass(frozen=True)
class ImapSettings(ServerSettings):
    folder: str = "INBOX"
    sent_folder: str | None = None
    process_existing: bool = True  # false: the first poll starts after the mail already there


@dataclass(frozen=True)
class HubSettings:
    code: str
    name: str
    address: str
    phone: str | None
    notify: tuple[str, ...]
    advisors: tuple[str, ...]
    trusted_authserv_ids: tuple[str, ...]
    signposting: str
    imap: ImapSettings
    calls: CallSettings
    on_closed_reply: str = "notify"
    languages: tuple[str, ...] = ("pl", "lt", "ro", "pt")  # letters in these first, then English
    tell_referrer: bool = False  # professionals get neutral status updates (accepted, closed)

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[-1]


@dataclass(frozen=True)
class ServiceSettings:
    poll_interval_seconds: int
    idle: bool
    timezone: str
    signing_key: Secret
    auto_replies_per_address_per_day: int
    max_message_bytes: int
    max_mime_depth: int
    max_parts: int
    signposting_max_age_days: int
    retention_days: int | None
    outbox_max_attempts: int
    outbox_backoff_cap_seconds: int
    delivery_proof_grace_seconds: int
    metrics_listen: tuple[str, int] | None = None  # loopback (host, port) for Prometheus; None: off
    advisor_letter_hold_minutes: int = 10  # letters to people from advisor commands wait; #cancel stops


@dataclass(frozen=True)
class Settings:
    path: Path
    database_url: str
    service: ServiceSettings
    smtp: ServerSettings
    hubs: tuple[HubSettings, ...]
    oauth2: OAuth2Settings | None
    templates_dir: Path
    config_dir: Path
    translations_dir: Path | None = None  # None: translations/ beside templates_dir

    def hub(self, code: str) -> HubSettings:
        for hub in self.hubs:
            if hub.code == code:
                return hub
        raise KeyError(code)


def _server(r: _Reader, default_port: int, *, imap: bool) -> ServerSettings | ImapSettings:
    allowed = {
        "host",
        "port",
        "security",
        "username",
        "password_env",
        "password_file",
        "password_credential",
        "ca_file",
        "auth",
        "timeout_seconds",
        "password",
    }
    allowed |= {"folder", "sent_folder", "process_existing"} if imap else {"connections"}
    r.unknown(allowed)
    host = r.get("host", str, required=True)
    security = r.get("security", str, "tls")
    if security not in SECURITY_MODES:
        raise r.fail("security", f"must be one of {', '.join(SECURITY_MODES)}")
    if security == "none" and not is_loopback(host):
        raise r.fail("security", "'none' (plaintext) is only allowed for loopback hosts")
    port = r.get("port", int, default_port if security != "none" else (143 if imap else 25))
    if not 0 < port < 65536:
        raise r.fail("port", "must be between 1 and 65535")
    password = read_secret(r, "password")
    auth = r.get("auth", str, "password" if password or imap else "none")
    if auth not in ("password", "oauth2", "none"):
        raise r.fail("auth", "must be 'password', 'oauth2' or 'none'")
    if auth == "password" and password is None:
        raise r.fail(
            "password_env",
            "a password is needed (password_env, password_file or "
            'password_credential), or set auth = "oauth2"',
        )
    ca_file = r.get("ca_file", str, "") or None
    if ca_file and not Path(ca_file).is_file():
        raise r.fail("ca_file", f"file not found: {ca_file}")
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "security": security,
        "username": r.get("username", str),
        "password": password,
        "ca_file": ca_file,
        "auth": auth,
        "timeout_seconds": r.get("timeout_seconds", float, 60.0),
    }
    if imap:
        return ImapSettings(
            **common,
            folder=r.get("folder", str, "INBOX"),
            sent_folder=r.get("sent_folder", str, "") or None,
            process_existing=r.get("process_existing", bool, True),
        )
    connections = r.get("connections", int, 3)
    if not 1 <= connections <= 8:
        raise r.fail("connections", "must be between 1 and 8")
    return ServerSettings(**common, connections=connections)


def _hub(r: _Reader) -> HubSettings:
    r.unknown(
        {
            "code",
            "name",
            "address",
            "phone",
            "notify",
            "advisors",
            "trusted_authserv_ids",
            "signposting",
            "imap",
            "calls",
            "on_closed_reply",
            "languages",
            "tell_referrer",
        }
    )
    code = r.get("code", str, required=True)
    if not code.isalnum() or not code.isupper() or not 2 <= len(code) <= 6:
        raise r.fail("code", "must be 2-6 upper-case letters or digits, e.g. NOR")
    address = r.get("address", str, required=True)
    if "@" not in address:
        raise r.fail("address", "must be an email address")
    on_closed = r.get("on_closed_reply", str, "notify")
    if on_closed not in ON_CLOSED:
        raise r.fail("on_closed_reply", f"must be one of {', '.join(ON_CLOSED)}")
    if not r.strings("notify", required=True):
        raise r.fail("notify", "at least one address is needed: advisors must hear about every referral")
    imap = _server(r.table("imap", required=True), 993, imap=True)
    assert isinstance(imap, ImapSettings)
    return HubSettings(
        code=code,
        name=r.get("name", str, required=True),
        address=address.lower(),
        phone=r.get("phone", str),
        notify=tuple(a.lower() for a in r.strings("notify", required=True)),
        advisors=tuple(a.lower() for a in r.strings("advisors")),
        trusted_authserv_ids=tuple(a.lower() for a in r.strings("trusted_authserv_ids")),
        signposting=r.get("signposting", str, code.lower()),
        imap=imap,
        calls=read_calls(r.table("calls")),
        on_closed_reply=on_closed,
        languages=read_languages(r),
        tell_referrer=r.get("tell_referrer", bool, False),
    )


def _service(r: _Reader) -> ServiceSettings:
    r.unknown(
        {
            "poll_interval_seconds",
            "idle",
            "timezone",
            "signing_key_env",
            "signing_key_file",
            "signing_key_credential",
            "signing_key",
            "auto_replies_per_address_per_day",
            "max_message_bytes",
            "max_mime_depth",
            "max_parts",
            "signposting_max_age_days",
            "retention_days",
            "outbox_max_attempts",
            "outbox_backoff_cap_seconds",
            "delivery_proof_grace_seconds",
            "metrics_listen",
            "advisor_letter_hold_minutes",
        }
    )
    key = read_secret(r, "signing_key")
    if key is None:
        raise r.fail("signing_key_env", "a signing key is required (signing_key_env or signing_key_file)")
    if len(key.reveal()) < 16:
        raise r.fail("signing_key_env", "the signing key must be at least 16 characters")
    tz = r.get("timezone", str, "Europe/London")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise r.fail("timezone", f"unknown time zone '{tz}'") from exc
    poll = r.get("poll_interval_seconds", int, 60)
    if poll < 1:
        raise r.fail("poll_interval_seconds", "must be at least 1")
    if r.get("delivery_proof_grace_seconds", int, 600) < 1:
        raise r.fail("delivery_proof_grace_seconds", "must be at least 1")
    hold = r.get("advisor_letter_hold_minutes", int, 10)
    if not 0 <= hold <= 1440:
        raise r.fail("advisor_letter_hold_minutes", "must be between 0 (send at once) and 1440")
    return ServiceSettings(
        poll_interval_seconds=poll,
        idle=r.get("idle", bool, True),
        timezone=tz,
        signing_key=key,
        auto_replies_per_address_per_day=r.get("auto_replies_per_address_per_day", int, 5),
        max_message_bytes=r.get("max_message_bytes", int, 25_000_000),
        max_mime_depth=r.get("max_mime_depth", int, 20),
        max_parts=r.get("max_parts", int, 200),
        signposting_max_age_days=r.get("signposting_max_age_days", int, 365),
        retention_days=r.get("retention_days", int),
        outbox_max_attempts=r.get("outbox_max_attempts", int, 20),
        outbox_backoff_cap_seconds=r.get("outbox_backoff_cap_seconds", int, 1800),
        delivery_proof_grace_seconds=r.get("delivery_proof_grace_seconds", int, 600),
        metrics_listen=read_metrics_listen(r),
        advisor_letter_hold_minutes=hold,
    )


def _oauth2(r: _Reader) -> OAuth2Settings | None:
    if not r.data:
        return None
    r.unknown(
        {
            "tenant",
            "client_id",
            "client_secret_env",
            "client_secret_file",
            "client_secret_credential",
            "client_secret",
            "certificate_file",
            "certificate_thumbprint",
            "authority",
            "scope",
            "token_url",
            "secret_expires_on",
        }
    )
    tenant = r.get("tenant", str, required=True)
    return OAuth2Settings(
        tenant=tenant,
        client_id=r.get("client_id", str, required=True),
        client_secret=read_secret(r, "client_secret"),
        certificate_file=r.get("certificate_file", str),
        certificate_thumbprint=r.get("certificate_thumbprint", str),
        authority=r.get("authority", str, f"https://login.microsoftonline.com/{tenant}"),
        scope=r.get("scope", str, "https://outlook.office365.com/.default"),
        token_url=r.get("token_url", str),
        secret_expires_on=r.get("secret_expires_on", str),
    )


def default_config_path() -> Path:
    env = os.environ.get("RJMAIL_CONFIG")
    if env:
        return Path(env)
    for candidate in (Path("rjmail.toml"), Path("/etc/rjmail/rjmail.toml")):
        if candidate.exists():
            return candidate
    return Path("rjmail.toml")


def load(path: Path) -> Settings:
    """Read and validate `path`. Raises ConfigError naming key and file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError("config file not found", path=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from exc
    root = _Reader(data, "", path)
    root.unknown({"database", "service", "smtp", "hubs", "oauth2", "paths"})
    hubs_raw = root.get("hubs", list, required=True)
    hubs = tuple(_hub(_Reader(h, f"hubs[{i}]", path)) for i, h in enumerate(hubs_raw))
    _check_unique(root, hubs)
    db = root.table("database")
    db.unknown({"url"})
    paths = root.table("paths")
    paths.unknown({"templates", "config", "translations"})
    base = path.parent
    smtp = _server(root.table("smtp", required=True), 587, imap=False)
    return Settings(
        path=path,
        database_url=db.get("url", str, "sqlite:///rjmail.db"),
        service=_service(root.table("service")),
        smtp=smtp,
        hubs=hubs,
        oauth2=_oauth2(root.table("oauth2")),
        templates_dir=_content_dir(paths, "templates", base),
        config_dir=_content_dir(paths, "config", base),
        translations_dir=_content_dir(paths, "translations", base),
    )


SHIPPED = Path(__file__).resolve().parents[1]  # the checkout / install root holding templates/ and config/


def _content_dir(paths: _Reader, name: str, base: Path) -> Path:
    """`[paths] <name>` when set (relative to the config file); else `<name>/` beside the config file
    when the operator made one (local overrides); else the shipped one."""
    if name in paths.data:
        chosen = (base / paths.get(name, str)).resolve()
        if not chosen.is_dir():
            raise paths.fail(name, f"not a directory: {chosen}")
        return chosen
    local = base / name
    return local.resolve() if local.is_dir() else SHIPPED / name


def _check_unique(root: _Reader, hubs: tuple[HubSettings, ...]) -> None:
    if not hubs:
        raise root.fail("hubs", "at least one [[hubs]] table is needed")
    for attr in ("code", "address"):
        values = [getattr(h, attr) for h in hubs]
        if len(set(values)) != len(values):
            raise root.fail("hubs", f"two hubs share the same {attr}")
