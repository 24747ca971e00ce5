"""rjmail.toml -> Settings: a full config loads, every mistake names its key and the file,
secrets come only from the environment, a file or systemd credentials and never show."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from rjmail.errors import ConfigError
from rjmail.settings import Secret, load

SMTP_PW = "smtp-Pw-7f3a9c-not-in-logs"
NOR_PW = "nor-Pw-51be02-not-in-logs"
SUF_PW = "suf-Pw-c0ffee-not-in-logs"
ELY_PW = "ely-Pw-8d8d8d-not-in-logs"
SIGNING = "signing-key-4242-4242-4242-abcdef"
CLIENT_SECRET = "oauth-client-secret-99-not-in-logs"
SECRETS = (SMTP_PW, NOR_PW, SUF_PW, ELY_PW, SIGNING, CLIENT_SECRET)


# --------------------------------------------------------------------------- helpers


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):  # inline table (hours)
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)  # strings, numbers and lists of strings read the same in TOML


def _table(lines: list[str], header: str, table: dict[str, Any]) -> None:
    """Scalars first, then sub-tables, so the TOML means exactly `table`."""
    lines.append(header)
    subs = {k: v for k, v in table.items() if isinstance(v, dict) and k != "hours"}
    for key, value in table.items():
        if key not in subs:
            lines.append(f"{key} = {_value(value)}")
    name = header.strip("[]")
    for key, sub in subs.items():
        _table(lines, f"[{name}.{key}]", sub)


def dump(data: dict[str, Any]) -> str:
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                _table(lines, f"[[{key}]]", item)
        elif isinstance(value, dict):
            _table(lines, f"[{key}]", value)
        else:
            lines.append(f"{key} = {_value(value)}")
    return "\n".join(lines) + "\n"


def _hub(code: str, user: str, env: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"{code} RJ Hub",
        "address": f"RJ-{code}@Example.org",
        "notify": [f"advisors-{code.lower()}@example.org"],
        "advisors": [f"Advisor.{code.lower()}@example.org"],
        "trusted_authserv_ids": ["MX.example.org"],
        "signposting": code.lower(),
        "imap": {
            "host": "imap.example.org",
            "port": 993,
            "security": "tls",
            "username": user,
            "password_env": env,
            "folder": "INBOX",
            "sent_folder": "Sent",
        },
        "calls": {
            "slot_minutes": 30,
            "offer_count": 3,
            "min_notice_hours": 24,
            "hours": {"mon": ["09:00-12:00", "13:00-16:00"], "tue": ["09:00-16:00"]},
        },
    }


def full_config() -> dict[str, Any]:
    return {
        "database": {"url": "sqlite:////var/lib/rjmail/rjmail.db"},
        "service": {
            "poll_interval_seconds": 60,
            "idle": True,
            "timezone": "Europe/London",
            "signing_key_env": "T_RJ_SIGNING",
            "retention_days": 2557,
        },
        "smtp": {
            "host": "smtp.example.org",
            "port": 587,
            "security": "starttls",
            "username": "rj-sender",
            "password_env": "T_RJ_SMTP",
        },
        "hubs": [
            _hub("NOR", "rj-norfolk", "T_RJ_NOR"),
            _hub("SUF", "rj-suffolk", "T_RJ_SUF"),
            _hub("ELY", "rj-ely", "T_RJ_ELY"),
        ],
    }


@pytest.fixture
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (
        ("T_RJ_SIGNING", SIGNING),
        ("T_RJ_SMTP", SMTP_PW),
        ("T_RJ_NOR", NOR_PW),
        ("T_RJ_SUF", SUF_PW),
        ("T_RJ_ELY", ELY_PW),
        ("T_RJ_CLIENT", CLIENT_SECRET),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "rjmail.toml"
    path.write_text(dump(data), encoding="utf-8")
    return path


def config_error(tmp_path: Path, data: dict[str, Any]) -> ConfigError:
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as info:
        load(path)
    return info.value


def assert_names(err: ConfigError, key: str, path: Path) -> None:
    """The error names the full key path and the file, both in its attributes and its text."""
    assert err.key == key, str(err)
    assert f"'{key}'" in str(err)
    assert err.path == str(path)
    assert str(path) in str(err)


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set (or, with value None, delete) a key given as e.g. 'hubs[1].imap.host'."""
    parts = dotted.replace("]", "").replace("[", ".").split(".")
    target: Any = data
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is None:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value


# --------------------------------------------------------------------------- a good config


def test_full_config_with_several_hubs_loads(tmp_path, secrets_env):
    """A complete config with three hubs loads with every value where the operator put it."""
    path = write(tmp_path, full_config())
    settings = load(path)
    assert [h.code for h in settings.hubs] == ["NOR", "SUF", "ELY"]
    nor = settings.hub("NOR")
    assert nor.address == "rj-nor@example.org"  # addresses are compared lower-case
    assert nor.advisors == ("advisor.nor@example.org",)
    assert nor.trusted_authserv_ids == ("mx.example.org",)
    assert nor.domain == "example.org"
    assert nor.imap.host == "imap.example.org" and nor.imap.port == 993
    assert nor.imap.sent_folder == "Sent"
    assert nor.imap.password == Secret(NOR_PW)
    assert settings.hub("SUF").imap.password.reveal() == SUF_PW
    assert settings.hub("ELY").imap.password.reveal() == ELY_PW
    assert nor.calls.hours["mon"] == ("09:00-12:00", "13:00-16:00")
    assert nor.on_closed_reply == "notify"
    assert settings.smtp.security == "starttls" and settings.smtp.password.reveal() == SMTP_PW
    assert settings.service.signing_key.reveal() == SIGNING
    assert settings.service.retention_days == 2557
    assert settings.database_url == "sqlite:////var/lib/rjmail/rjmail.db"
    # No [paths] and no local folders: the shipped templates and config are used.
    assert (settings.templates_dir / "acknowledgement.txt.j2").is_file()
    assert (settings.config_dir / "reasons.toml").is_file()
    with pytest.raises(KeyError):
        settings.hub("XXX")


def test_optional_settings_take_documented_defaults(tmp_path, secrets_env):
    """Leaving out optional keys gives the defaults the example config documents."""
    data = full_config()
    del data["database"]
    data["service"] = {"signing_key_env": "T_RJ_SIGNING"}
    del data["smtp"]["username"]
    del data["smtp"]["password_env"]
    data["hubs"] = [{k: v for k, v in _hub("NOR", "rj-norfolk", "T_RJ_NOR").items() if k != "calls"}]
    settings = load(write(tmp_path, data))
    assert settings.service.poll_interval_seconds == 60
    assert settings.service.timezone == "Europe/London"
    assert settings.service.retention_days is None  # no default is assumed safe
    assert settings.smtp.username is None and settings.smtp.auth == "none"
    assert settings.smtp.connections == 3
    assert settings.hubs[0].calls.offer_count == 3
    assert settings.hubs[0].calls.reminder_hours is None  # no chasers unless configured
    assert settings.hubs[0].tell_referrer is False  # professionals get no status updates unless asked


# --------------------------------------------------------------------------- mistakes name key and file


@pytest.mark.parametrize(
    "key",
    [
        "hubs[1].imap.host",
        "hubs[0].code",
        "hubs[2].name",
        "hubs[1].address",
        "hubs[0].notify",
        "hubs[2].imap",
        "smtp.host",
        "smtp",
        "hubs",
    ],
)
def test_missing_required_key_is_named(tmp_path, secrets_env, key):
    """Leaving out a required key names that key (with its hub index) and the file."""
    data = full_config()
    _set(data, key, None)
    err = config_error(tmp_path, data)
    assert_names(err, key, tmp_path / "rjmail.toml")


def test_missing_signing_key_is_a_config_error(tmp_path, secrets_env):
    """Without a signing key rjmail cannot sign its Message-IDs, so it refuses to start."""
    data = full_config()
    del data["service"]["signing_key_env"]
    assert_names(config_error(tmp_path, data), "service.signing_key_env", tmp_path / "rjmail.toml")


def test_signing_key_env_that_is_not_set_is_named(tmp_path, secrets_env, monkeypatch):
    """A signing_key_env naming an unset variable is reported on that key."""
    monkeypatch.delenv("T_RJ_SIGNING")
    err = config_error(tmp_path, full_config())
    assert_names(err, "service.signing_key_env", tmp_path / "rjmail.toml")
    assert "T_RJ_SIGNING" in str(err)


def test_short_signing_key_is_refused(tmp_path, secrets_env, monkeypatch):
    """A guessable (short) signing key is refused, and the error does not print it."""
    monkeypatch.setenv("T_RJ_SIGNING", "Kq7zX")
    err = config_error(tmp_path, full_config())
    assert_names(err, "service.signing_key_env", tmp_path / "rjmail.toml")
    assert "Kq7zX" not in str(err)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("smtp.security", "ssl"),
        ("hubs[1].imap.security", "plain"),
        ("hubs[0].imap.port", 70000),
        ("hubs[2].imap.port", "993"),
        ("smtp.port", 0),
        ("smtp.connections", 0),
        ("smtp.connections", 9),
        ("hubs[0].imap.connections", 2),
        ("hubs[0].code", "nor"),
        ("hubs[1].code", "NORFOLKS"),
        ("hubs[1].address", "not-an-address"),
        ("hubs[2].on_closed_reply", "ignore"),
        ("hubs[1].tell_referrer", "yes"),
        ("hubs[0].notify", "advisors@example.org"),
        ("hubs[0].advisors", [1, 2]),
        ("hubs[1].calls.offer_count", 0),
        ("hubs[1].calls.slot_minutes", 1000),
        ("hubs[0].calls.hours.mon", ["9-12"]),
        ("hubs[0].calls.hours.tue", ["16:00-09:00"]),
        ("hubs[0].calls.hours.funday", ["09:00-12:00"]),
        ("service.timezone", "Europe/Atlantis"),
        ("service.poll_interval_seconds", 0),
        ("service.idle", "yes"),
        ("hubs[1].imap.auth", "kerberos"),
        ("database.url", 5),
    ],
)
def test_bad_value_is_named(tmp_path, secrets_env, key, value):
    """A value of the wrong type or out of range names its full key path and the file."""
    data = full_config()
    _set(data, key, value)
    assert_names(config_error(tmp_path, data), key, tmp_path / "rjmail.toml")


def test_tell_referrer_is_read_per_hub(tmp_path, secrets_env):
    """`tell_referrer = true` on one hub turns on status updates to professionals for that hub only."""
    data = full_config()
    _set(data, "hubs[1].tell_referrer", True)
    settings = load(write(tmp_path, data))
    assert [h.tell_referrer for h in settings.hubs] == [False, True, False]


def test_two_hubs_with_one_code_are_refused(tmp_path, secrets_env):
    """Hub codes and addresses must be unique: a case reference names exactly one hub."""
    data = full_config()
    data["hubs"][2]["code"] = "NOR"
    assert_names(config_error(tmp_path, data), "hubs", tmp_path / "rjmail.toml")


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ("", "smpt"),
        ("service", "poll_interval"),
        ("smtp", "passwrod_env"),
        ("database", "uri"),
        ("hubs[1]", "adress"),
        ("hubs[2].imap", "fodler"),
        ("hubs[0].calls", "slots"),
    ],
)
def test_unknown_key_is_rejected(tmp_path, secrets_env, where, key):
    """A typo is an error (naming the unknown key), not a silently ignored setting."""
    data = full_config()
    target: Any = data
    if where:
        parts = where.replace("]", "").replace("[", ".").split(".")
        for part in parts:
            target = target[int(part)] if part.isdigit() else target[part]
    target[key] = "x" if key != "smpt" else {"host": "x"}
    err = config_error(tmp_path, data)
    assert_names(err, f"{where}.{key}" if where else key, tmp_path / "rjmail.toml")
    assert "unknown" in str(err)


def test_invalid_toml_names_the_file(tmp_path):
    """A file that is not TOML is reported with its path."""
    path = tmp_path / "rjmail.toml"
    path.write_text("[service\npoll = ")
    with pytest.raises(ConfigError) as info:
        load(path)
    assert str(path) in str(info.value)


def test_missing_file_names_the_file(tmp_path):
    """A config path that does not exist is reported as such."""
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError) as info:
        load(path)
    assert str(path) in str(info.value) and "not found" in str(info.value)


# --------------------------------------------------------------------------- secrets


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("smtp.password", SMTP_PW),
        ("hubs[1].imap.password", SUF_PW),
        ("service.signing_key", SIGNING),
    ],
)
def test_inline_secret_is_refused_without_echoing_it(tmp_path, secrets_env, key, secret):
    """A password written into the config file is refused, and the error never repeats it."""
    data = full_config()
    _set(data, key, secret)
    err = config_error(tmp_path, data)
    assert_names(err, key, tmp_path / "rjmail.toml")
    assert secret not in str(err) and secret not in repr(err)
    assert "_env" in str(err)  # tells the operator what to do instead


def test_inline_oauth_client_secret_is_refused(tmp_path, secrets_env):
    """An OAuth2 client secret in the file is refused like a password."""
    data = full_config()
    data["oauth2"] = {"tenant": "t-1", "client_id": "c-1", "client_secret": CLIENT_SECRET}
    err = config_error(tmp_path, data)
    assert_names(err, "oauth2.client_secret", tmp_path / "rjmail.toml")
    assert CLIENT_SECRET not in str(err)


def test_password_from_environment_variable(tmp_path, secrets_env):
    """password_env reads the named variable (surrounding whitespace stripped)."""
    data = full_config()
    settings = load(write(tmp_path, data))
    assert settings.hub("NOR").imap.password.reveal() == NOR_PW


def test_password_from_file(tmp_path, secrets_env):
    """password_file reads the secret from a file (trailing newline stripped)."""
    secret_file = tmp_path / "smtp-password"
    secret_file.write_text(SMTP_PW + "\n")
    secret_file.chmod(0o600)
    data = full_config()
    del data["smtp"]["password_env"]
    data["smtp"]["password_file"] = str(secret_file)
    assert load(write(tmp_path, data)).smtp.password.reveal() == SMTP_PW


def test_password_from_systemd_credential(tmp_path, secrets_env, monkeypatch):
    """password_credential reads $CREDENTIALS_DIRECTORY/<name>, as systemd LoadCredential= provides."""
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "nor-imap").write_text(NOR_PW)
    (creds / "nor-imap").chmod(0o600)
    (creds / "signing").write_text(SIGNING)
    (creds / "signing").chmod(0o600)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    data = full_config()
    del data["hubs"][0]["imap"]["password_env"]
    data["hubs"][0]["imap"]["password_credential"] = "nor-imap"
    del data["service"]["signing_key_env"]
    data["service"]["signing_key_credential"] = "signing"
    settings = load(write(tmp_path, data))
    assert settings.hub("NOR").imap.password.reveal() == NOR_PW
    assert settings.service.signing_key.reveal() == SIGNING


def test_credential_outside_systemd_is_a_clear_error(tmp_path, secrets_env):
    """password_credential without $CREDENTIALS_DIRECTORY says so and names the key."""
    data = full_config()
    del data["hubs"][2]["imap"]["password_env"]
    data["hubs"][2]["imap"]["password_credential"] = "ely-imap"
    err = config_error(tmp_path, data)
    assert_names(err, "hubs[2].imap.password_credential", tmp_path / "rjmail.toml")
    assert "CREDENTIALS_DIRECTORY" in str(err)


def test_unreadable_password_file_is_named(tmp_path, secrets_env):
    """A password_file that does not exist names the key."""
    data = full_config()
    del data["hubs"][1]["imap"]["password_env"]
    data["hubs"][1]["imap"]["password_file"] = str(tmp_path / "missing")
    assert_names(config_error(tmp_path, data), "hubs[1].imap.password_file", tmp_path / "rjmail.toml")


def test_imap_without_any_password_is_refused(tmp_path, secrets_env):
    """An IMAP login needs a password source (or OAuth2)."""
    data = full_config()
    del data["hubs"][1]["imap"]["password_env"]
    assert_names(config_error(tmp_path, data), "hubs[1].imap.password_env", tmp_path / "rjmail.toml")


def test_repr_of_settings_never_shows_a_secret(tmp_path, secrets_env):
    """Dumping the loaded settings (debugging, tracebacks) shows no password or key."""
    data = full_config()
    data["oauth2"] = {"tenant": "t-1", "client_id": "c-1", "client_secret_env": "T_RJ_CLIENT"}
    settings = load(write(tmp_path, data))
    assert settings.oauth2 is not None and settings.oauth2.client_secret.reveal() == CLIENT_SECRET
    for text in (repr(settings), str(settings), repr(settings.smtp), str(settings.hubs)):
        for secret in SECRETS:
            assert secret not in text
    assert "Secret('***')" in repr(settings)


def test_error_after_secrets_were_read_never_shows_them(tmp_path, secrets_env):
    """An error raised after the passwords were loaded does not carry them in its text."""
    data = full_config()
    data["service"]["timezone"] = "Mars/Olympus"
    err = config_error(tmp_path, data)
    for secret in SECRETS:
        assert secret not in str(err) and secret not in repr(err)


# --------------------------------------------------------------------------- plaintext only on loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.53"])
def test_plaintext_allowed_for_loopback(tmp_path, secrets_env, host):
    """security = "none" is accepted for loopback hosts (tests, a local relay)."""
    data = full_config()
    data["smtp"].update(host=host, security="none")
    del data["smtp"]["port"]
    data["hubs"][1]["imap"].update(host=host, security="none")
    del data["hubs"][1]["imap"]["port"]
    settings = load(write(tmp_path, data))
    assert settings.smtp.security == "none" and settings.smtp.port == 25
    assert settings.hub("SUF").imap.port == 143


@pytest.mark.parametrize(
    ("key", "host"),
    [
        ("smtp", "smtp.example.org"),
        ("smtp", "10.0.0.5"),
        ("smtp", "0.0.0.0"),
        ("hubs[1].imap", "imap.example.org"),
        ("hubs[0].imap", "192.168.1.10"),
        ("hubs[2].imap", "localhost.example.org"),
    ],
)
def test_plaintext_refused_for_remote_hosts(tmp_path, secrets_env, key, host):
    """security = "none" for anything but loopback is refused on that server's security key."""
    data = full_config()
    target: Any = data
    for part in key.replace("]", "").replace("[", ".").split("."):
        target = target[int(part)] if part.isdigit() else target[part]
    target.update(host=host, security="none")
    err = config_error(tmp_path, data)
    assert_names(err, f"{key}.security", tmp_path / "rjmail.toml")
    assert "loopback" in str(err)


def test_tls_is_the_default(tmp_path, secrets_env):
    """Without a security key, IMAP uses implicit TLS with certificate checks."""
    data = full_config()
    del data["hubs"][0]["imap"]["security"]
    del data["hubs"][0]["imap"]["port"]
    settings = load(write(tmp_path, data))
    assert settings.hub("NOR").imap.security == "tls" and settings.hub("NOR").imap.port == 993


def test_settings_are_frozen(tmp_path, secrets_env):
    """Loaded settings cannot be changed by accident at run time."""
    settings = load(write(tmp_path, full_config()))
    with pytest.raises(AttributeError):
        settings.hubs[0].code = "XXX"  # type: ignore[misc]
    assert copy.deepcopy(settings.service.signing_key) == settings.service.signing_key


def test_local_template_folder_beside_the_config_wins(tmp_path, secrets_env):
    """A templates/ folder next to rjmail.toml is used; [paths] pointing nowhere is an error."""
    (tmp_path / "templates").mkdir()
    assert load(write(tmp_path, full_config())).templates_dir == (tmp_path / "templates").resolve()
    data = full_config()
    data["paths"] = {"templates": "nowhere"}
    assert_names(config_error(tmp_path, data), "paths.templates", tmp_path / "rjmail.toml")
