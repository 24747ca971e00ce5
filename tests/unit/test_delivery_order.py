"""Letters to one person go in the order they were written, even with several SMTP connections."""

from __future__ import annotations

from rjmail.delivery import _next_per_key


def test_only_the_oldest_due_letter_of_each_person_is_handed_out():
    """The acknowledgement (1) goes before the call offer (2) to the same person; another person's
    letter (3) goes in parallel."""
    due = [(1, "sam@example.test"), (2, "sam@example.test"), (3, "jo@example.test")]
    assert _next_per_key(due, {}) == {1: "sam@example.test", 3: "jo@example.test"}


def test_nothing_more_for_a_person_while_a_letter_to_them_is_on_its_way():
    """While the acknowledgement is being sent, the call offer waits; it is handed out next round."""
    due = [(2, "sam@example.test"), (3, "jo@example.test")]
    assert _next_per_key(due, {1: "sam@example.test"}) == {3: "jo@example.test"}
    assert _next_per_key(due, {}) == {2: "sam@example.test", 3: "jo@example.test"}


def test_a_letter_already_handed_out_is_never_handed_out_again():
    """The feeder's next round skips rows the workers hold."""
    assert _next_per_key([(5, "a@example.test")], {5: "a@example.test"}) == {}
