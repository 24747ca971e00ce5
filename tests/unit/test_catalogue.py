"""The reason catalogue and the signposting files: loading, checks, freshness."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from rjmail.core.catalogue import (
    REQUIRED_REASON_CODES,
    TOPICS,
    CatalogueError,
    Service,
    load_reasons,
    load_services,
    services_for,
    stale_services,
)
from rjmail.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
CHECKED_ON = date(2026, 11, 24)
MAX_AGE = 365

GOOD_REASON = """
[reasons.{code}]
title = "Title"
text = "Some text."
topics = ["victim_care"]
"""


def _all_reasons(extra: str = "", skip: str = "") -> str:
    """TOML text with every required reason (minus `skip`), plus `extra`."""
    body = "".join(GOOD_REASON.format(code=code) for code in REQUIRED_REASON_CODES if code != skip)
    return body + extra


def _service(name: str = "Helpline", topics: str = '["victim_care"]', **overrides: str) -> str:
    """One [[service]] entry as TOML, with fields replaced by `overrides` (raw TOML values)."""
    fields = {
        "name": f'"{name}"',
        "area": '"norfolk"',
        "topics": topics,
        "description": '"Help."',
        "contact": '"Call 0000."',
        "source_url": '"https://example.org/help"',
        "verified_on": "2026-11-24",
    }
    fields.update(overrides)
    lines = [f"{key} = {value}" for key, value in fields.items() if value != "<omit>"]
    return "[[service]]\n" + "\n".join(lines) + "\n"


def _svc(name: str, topics: tuple[str, ...], verified_on: date) -> Service:
    """A Service value for the selection tests."""
    return Service(
        name=name,
        area="norfolk",
        topics=topics,
        description="d",
        contact="c",
        source_url="https://example.org",
        verified_on=verified_on,
    )


def _shipped_services(area: str) -> list[Service]:
    """The services of one shipped signposting file."""
    path = CONFIG / "signposting" / f"{area}.toml"
    return load_services(path.read_text(encoding="utf-8"), str(path))


def test_shipped_reasons_define_every_code_advisors_type() -> None:
    """The shipped reasons.toml loads and has every stable reason code."""
    path = CONFIG / "reasons.toml"
    reasons = load_reasons(path.read_text(encoding="utf-8"), str(path))
    assert set(REQUIRED_REASON_CODES) <= set(reasons)
    for code, reason in reasons.items():
        assert reason.code == code
        assert reason.title and reason.text
        assert set(reason.topics) <= TOPICS


@pytest.mark.parametrize("area", ["norfolk", "suffolk", "national"])
def test_shipped_signposting_loads_and_was_checked_recently(area: str) -> None:
    """Each shipped signposting file loads, and no entry is stale on the day after checking."""
    services = _shipped_services(area)
    assert services
    assert stale_services(services, CHECKED_ON + timedelta(days=8), MAX_AGE) == []
    for service in services:
        assert service.source_url.startswith(("https://", "http://"))


def test_suffolk_rape_crisis_is_never_listed() -> None:
    """Suffolk Rape Crisis has closed, so no shipped file lists it."""
    names = [s.name for area in ("norfolk", "suffolk", "national") for s in _shipped_services(area)]
    assert not any("suffolk rape crisis" in name.lower() for name in names)


def test_rape_crisis_support_line_carries_no_unconfirmed_number() -> None:
    """The support line's number was not on a primary source, so the entry gives none."""
    entry = next(s for s in _shipped_services("national") if "Rape Crisis" in s.name)
    assert not any(ch.isdigit() for ch in entry.contact.replace("24/7", ""))


@pytest.mark.parametrize("area", ["norfolk", "suffolk"])
def test_every_reason_signposts_at_least_one_service_in_each_hub(area: str) -> None:
    """Each hub's signposting (its area plus national) has help for every reason."""
    path = CONFIG / "reasons.toml"
    reasons = load_reasons(path.read_text(encoding="utf-8"), str(path))
    services = _shipped_services(area) + _shipped_services("national")
    today = CHECKED_ON + timedelta(days=8)
    for reason in reasons.values():
        assert services_for(services, reason.topics, today, MAX_AGE), reason.code


def test_reason_text_is_rewrapped_into_paragraphs() -> None:
    """Line breaks inside a paragraph join up; a blank line keeps paragraphs apart."""
    extra = '[reasons.extra]\ntitle = "T"\ntext = """\nOne\ntwo.\n\nThree.\n"""\ntopics = ["advice"]\n'
    reasons = load_reasons(_all_reasons(extra), "reasons.toml")
    assert reasons["extra"].text == "One two.\n\nThree."


def test_invalid_toml_names_the_file() -> None:
    """A syntax error says which file is broken."""
    with pytest.raises(CatalogueError, match=r"staff/reasons\.toml"):
        load_reasons("[reasons.safety\n", "staff/reasons.toml")


def test_missing_reason_code_names_file_and_key() -> None:
    """Dropping a code advisors rely on is an error naming that code and the file."""
    with pytest.raises(CatalogueError) as caught:
        load_reasons(_all_reasons(skip="safety"), "config/reasons.toml")
    assert "reasons.safety" in str(caught.value)
    assert "config/reasons.toml" in str(caught.value)


def test_unknown_topic_names_file_and_key() -> None:
    """A misspelt topic would silently drop services, so it is an error."""
    extra = '[reasons.extra]\ntitle = "T"\ntext = "x"\ntopics = ["victimcare"]\n'
    with pytest.raises(CatalogueError) as caught:
        load_reasons(_all_reasons(extra), "config/reasons.toml")
    assert "reasons.extra.topics" in str(caught.value)
    assert "config/reasons.toml" in str(caught.value)


def test_misspelt_reason_key_names_file_and_key() -> None:
    """An unknown key such as `titel` is reported, not ignored."""
    extra = '[reasons.extra]\ntitel = "T"\ntitle = "T"\ntext = "x"\ntopics = ["advice"]\n'
    with pytest.raises(CatalogueError, match=r"reasons\.extra\.titel"):
        load_reasons(_all_reasons(extra), "config/reasons.toml")


def test_empty_reason_text_names_the_key() -> None:
    """A reason with no words for the person cannot be used."""
    extra = '[reasons.extra]\ntitle = "T"\ntext = "  "\ntopics = ["advice"]\n'
    with pytest.raises(CatalogueError, match=r"reasons\.extra\.text"):
        load_reasons(_all_reasons(extra), "config/reasons.toml")


def test_badly_formed_reason_code_is_rejected() -> None:
    """Codes are lower-case words joined by single hyphens, as advisors type them."""
    extra = '[reasons.Not_OK]\ntitle = "T"\ntext = "x"\ntopics = ["advice"]\n'
    with pytest.raises(CatalogueError, match=r"reasons\.Not_OK"):
        load_reasons(_all_reasons(extra), "config/reasons.toml")


def test_catalogue_error_is_a_config_error() -> None:
    """The CLI can treat a bad catalogue like any other configuration error."""
    with pytest.raises(ConfigError):
        load_reasons("", "config/reasons.toml")
    with pytest.raises(ValueError, match="reasons"):
        load_reasons("", "config/reasons.toml")


def test_services_load_in_file_order_with_dates() -> None:
    """Entries keep their order; TOML dates and ISO date strings are both accepted."""
    text = _service("A") + _service("B", verified_on='"2026-01-05"')
    services = load_services(text, "norfolk.toml")
    assert [s.name for s in services] == ["A", "B"]
    assert services[0].verified_on == date(2026, 11, 24)
    assert services[1].verified_on == date(2026, 1, 5)


def test_service_without_contact_names_file_and_key() -> None:
    """A missing field names the file, the entry and the field."""
    text = _service("A") + _service("Second", contact="<omit>")
    with pytest.raises(CatalogueError) as caught:
        load_services(text, "config/signposting/norfolk.toml")
    message = str(caught.value)
    assert "config/signposting/norfolk.toml" in message
    assert "service[1]" in message and "Second" in message and "contact" in message


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"verified_on": '"last week"'}, "verified_on"),
        ({"verified_on": "2026-11-24T10:00:00"}, "verified_on"),
        ({"source_url": '"example.org"'}, "source_url"),
        ({"topics": "[]"}, "topics"),
        ({"topics": '["housing"]'}, "topics"),
        ({"area": '"Norfolk County"'}, "area"),
        ({"phone": '"0000"'}, "phone"),
    ],
)
def test_bad_service_field_names_the_key(override: dict[str, str], key: str) -> None:
    """Each kind of bad value is reported against its own key."""
    with pytest.raises(CatalogueError) as caught:
        load_services(_service(**override), "suffolk.toml")
    assert f'service[0] ("Helpline").{key}' in str(caught.value)
    assert "suffolk.toml" in str(caught.value)


def test_services_must_be_an_array_of_tables() -> None:
    """A `[service]` table instead of `[[service]]` entries is an error."""
    with pytest.raises(CatalogueError, match="service"):
        load_services('[service]\nname = "x"\n', "national.toml")


def test_empty_signposting_file_has_no_services() -> None:
    """A file with only comments is valid and lists nothing."""
    assert load_services("# nothing yet\n", "national.toml") == []


def test_services_for_picks_matching_topics_in_file_order() -> None:
    """Only services offering a wanted topic are listed, in the order staff wrote them."""
    today = date(2026, 12, 1)
    services = [
        _svc("Advice", ("advice",), today),
        _svc("Care", ("victim_care",), today),
        _svc("Crisis", ("mental_health_crisis", "emotional_support"), today),
    ]
    chosen = services_for(services, ["emotional_support", "advice"], today, MAX_AGE)
    assert [s.name for s in chosen] == ["Advice", "Crisis"]


def test_services_for_leaves_out_stale_entries() -> None:
    """An entry nobody has checked within the allowed age is not put in a letter."""
    today = date(2026, 12, 1)
    services = [
        _svc("Old", ("advice",), today - timedelta(days=MAX_AGE + 1)),
        _svc("Edge", ("advice",), today - timedelta(days=MAX_AGE)),
        _svc("New", ("advice",), today),
    ]
    chosen = services_for(services, ["advice"], today, MAX_AGE)
    assert [s.name for s in chosen] == ["Edge", "New"]
    assert [s.name for s in stale_services(services, today, MAX_AGE)] == ["Old"]


def test_future_verified_date_counts_as_stale() -> None:
    """A date after today is a typo, so the entry is left out and reported."""
    today = date(2026, 12, 1)
    services = [_svc("Typo", ("advice",), today + timedelta(days=300))]
    assert services_for(services, ["advice"], today, MAX_AGE) == []
    assert stale_services(services, today, MAX_AGE) == services


def test_services_for_lists_each_name_once() -> None:
    """When area and national files both list a service, the first entry wins."""
    today = date(2026, 12, 1)
    local = _svc("Samaritans", ("emotional_support",), today)
    national = _svc("samaritans", ("emotional_support", "advice"), today)
    assert services_for([local, national], ["emotional_support", "advice"], today, 30) == [local]


def test_stale_duplicate_does_not_hide_a_fresh_one() -> None:
    """A stale first entry is skipped and the fresh entry of the same name is used."""
    today = date(2026, 12, 1)
    stale = _svc("Helpline", ("advice",), today - timedelta(days=400))
    fresh = _svc("Helpline", ("advice",), today)
    assert services_for([stale, fresh], ["advice"], today, MAX_AGE) == [fresh]
