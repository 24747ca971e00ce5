"""Keyed hashes for anonymised identifiers, and what free text keeps after erasure."""

from __future__ import annotations

from rjmail.core.pseudonym import hashed_id, hashed_ids, hashed_key, id_forms, metadata_only

KEY = b"k" * 32


def test_hashed_ids_hold_nothing_of_the_original_and_depend_on_the_key() -> None:
    mid = "<marigold.thistlewood.07700900123@example.test>"
    hashed = hashed_id(KEY, mid)
    assert "marigold" not in hashed and "07700900123" not in hashed
    assert hashed == hashed_id(KEY, mid) != hashed_id(b"other-key", mid)
    assert hashed_id(KEY, hashed) == hashed  # erasing twice changes nothing
    assert id_forms(KEY, mid) == (mid, hashed)


def test_references_and_idempotency_keys_are_hashed_piece_by_piece() -> None:
    both = f"{hashed_id(KEY, '<a@x.test>')} {hashed_id(KEY, '<b@x.test>')}"
    assert hashed_ids(KEY, "<a@x.test> <b@x.test>") == both
    assert hashed_ids(KEY, None) is None
    assert hashed_key(KEY, "ack:<a@x.test>").startswith("anon:")
    assert "a@x.test" not in hashed_key(KEY, "ack:<a@x.test>")


def test_free_text_goes_and_a_status_change_stays() -> None:
    assert metadata_only("status new -> on_hold: #hold waiting for Norwich Crown Court") == (
        "status new -> on_hold (details erased)"
    )
    assert metadata_only("#note spoke to Marigold on 07700 900123") == "#note (details erased)"
    assert metadata_only("advisor set to jo@example.org") == "(details erased)"
    assert metadata_only("#holding Marigold") == "(details erased)"
    assert "Marigold" not in metadata_only("Marigold Thistlewood: 07700 900123")
