"""Recipients as data: exactly one plain address each, never a string to split."""

from __future__ import annotations

import pytest

from rjmail.core.addresses import BadAddressError, dump, load, one_address

BAD = [
    "a,b@example.org",
    '"a,b"@example.org',
    "bob",
    "",
    " a@example.org",
    "a@example.org, b@example.org",
    "Bob <bob@example.org>",
    "a@b@example.org",
    "a@localhost",
    "a@[127.0.0.1]",
    "a@x.invalid",
    "a;b@example.org",
    "a@example.org\r\nRCPT TO:<x@example.org>",
]


@pytest.mark.parametrize("value", BAD)
def test_anything_but_one_plain_address_is_refused(value: str) -> None:
    with pytest.raises(BadAddressError):
        one_address(value)


def test_plain_addresses_pass_and_the_domain_is_normalised() -> None:
    assert one_address("Jo.Bloggs+rj@Example.ORG") == "Jo.Bloggs+rj@example.org"
    assert one_address("person@example.test") == "person@example.test"


def test_stored_form_is_a_json_list_and_reads_back() -> None:
    stored = dump(["a@example.org", "b@example.net"])
    assert stored == '["a@example.org", "b@example.net"]'
    assert load(stored) == ["a@example.org", "b@example.net"]


def test_a_stored_list_with_a_bad_entry_is_refused_as_a_whole() -> None:
    with pytest.raises(BadAddressError):
        load('["a@example.org", "gary"]')
    with pytest.raises(BadAddressError):
        dump(["a@example.org", "a,b@example.org"])


def test_an_old_comma_joined_value_is_still_read_when_every_piece_is_valid() -> None:
    assert load("a@example.org,b@example.net") == ["a@example.org", "b@example.net"]
    with pytest.raises(BadAddressError):
        load("gary,admin@example.net")
