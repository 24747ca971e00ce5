"""`[service] metrics_listen`: loopback only, clear errors (issue 16)."""

from __future__ import annotations

import pytest

from rjmail.errors import ConfigError
from rjmail.settings import load
from tests.unit.test_settings import full_config, secrets_env, write  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("secrets_env")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:9464", ("127.0.0.1", 9464)),
        ("[::1]:9100", ("::1", 9100)),
        ("localhost:9464", ("localhost", 9464)),
        ("", None),
    ],
)
def test_metrics_listen_accepts_loopback_or_off(tmp_path, value, expected):
    data = full_config()
    data["service"]["metrics_listen"] = value
    assert load(write(tmp_path, data)).service.metrics_listen == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("0.0.0.0:9464", "not a loopback address"),
        ("192.0.2.10:9464", "not a loopback address"),
        ("metrics.example.org:9464", "not a loopback address"),
        ("127.0.0.1", "HOST:PORT"),
        ("127.0.0.1:99999", "HOST:PORT"),
    ],
)
def test_metrics_listen_refuses_anything_else_naming_the_key(tmp_path, value, words):
    data = full_config()
    data["service"]["metrics_listen"] = value
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as info:
        load(path)
    assert info.value.key == "service.metrics_listen"
    assert words in str(info.value)


def test_metrics_listen_is_off_by_default(tmp_path):
    data = full_config()
    data["service"].pop("metrics_listen", None)
    assert load(write(tmp_path, data)).service.metrics_listen is None
