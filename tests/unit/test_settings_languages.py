"""The hub setting `languages`: which languages letters are written in first."""

from __future__ import annotations

from rjmail.settings import load
from tests.unit.test_settings import config_error, full_config, secrets_env, write

__all__ = ["secrets_env"]  # the fixture, shared with test_settings


def test_hubs_write_in_the_four_community_languages_by_default(tmp_path, secrets_env):
    settings = load(write(tmp_path, full_config()))
    assert all(hub.languages == ("pl", "lt", "ro", "pt") for hub in settings.hubs)
    assert settings.translations_dir is not None
    assert (settings.translations_dir / "pl" / "LC_MESSAGES" / "rjmail.po").is_file()


def test_a_hub_can_write_in_english_only_or_in_fewer_languages(tmp_path, secrets_env):
    data = full_config()
    data["hubs"][0]["languages"] = []
    data["hubs"][1]["languages"] = ["PL", "ro"]
    settings = load(write(tmp_path, data))
    assert [h.languages for h in settings.hubs[:2]] == [(), ("pl", "ro")]


def test_a_language_without_a_catalogue_is_a_config_error(tmp_path, secrets_env):
    data = full_config()
    data["hubs"][0]["languages"] = ["pl", "de"]
    err = config_error(tmp_path, data)
    assert "no letter catalogue for 'de'" in str(err)
    assert err.key == "hubs[0].languages"
