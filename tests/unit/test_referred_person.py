"""The referred person in professional referrals: forms, prose, forwards; never the professional's."""

from __future__ import annotations

from rjmail.core.domain import Person, Referral
from rjmail.core.extract import extract
from rjmail.core.parse import parse
from rjmail.core.person import professional_name, referred_text
from rjmail.core.prose import prose_email, prose_name, prose_phone
from rjmail.core.referred import person_name, referred_block, referrer_form_phone

HUBS = frozenset({"rj-norfolk@example.org"})


def _extract(body: str, sender: str) -> Referral:
    raw = f"From: {sender}\nTo: rj-norfolk@example.org\nSubject: RJ\n\n{body}"
    return extract(parse(raw.encode()), frozenset(), HUBS)


def test_issue_prose_referral_keeps_person_and_not_the_caseworker() -> None:
    """The caseworker's prose gives Janet Moore's phone; the caseworker's mobile stays hers."""
    body = (
        "I am referring Mrs Janet Moore who consents to be contacted on 07700 900345. She does not "
        "use email. Mornings are best and she is happy for a voicemail.\n\nKind regards\nPriya Shah\n"
        "Caseworker\nVictim Support\nMobile: 07700 900401\n"
    )
    got = _extract(body, "Priya Shah <priya.shah@victimsupport.example.org>")
    assert got.referred_person == Person("Janet Moore", None, "+447700900345")
    assert (got.phone, got.voicemail_ok, got.referrer_phone) == ("+447700900345", True, "+447700900401")


def test_form_under_referrer_heading_is_not_the_person() -> None:
    """ "Name/Tel" under REFERRER DETAILS are the referrer's; those under VICTIM DETAILS the person's."""
    body = (
        "REFERRER DETAILS\nName: Sgt Laura Finch\nTel: 07700 900423\n\n"
        "VICTIM DETAILS\nName: Deborah LANE\nTel: 07700 900323\nEmail: d.lane@example.com\n"
    )
    assert referred_block(body) == Person("Deborah Lane", "d.lane@example.com", "+447700900323")
    assert referrer_form_phone(body) == "+447700900423"


def test_parent_phone_is_not_the_young_persons() -> None:
    """A parent's number in a YOT form is never the young person's."""
    body = "Young person name: Kai Dunmore\nParent/carer tel: 07700 900312\n"
    assert referred_block(body) == Person("Kai Dunmore", None, None)


def test_number_reached_through_the_writer_is_not_the_persons() -> None:
    """ "He can be contacted through me on ..." gives the professional's number, not his."""
    assert prose_phone("He has no phone and can be contacted through me on 07700 900411.") is None
    assert prose_phone("Her mobile is 07700 900317.") == "+447700900317"


def test_prose_email_and_no_email() -> None:
    """An address in a sentence about the person is theirs; "does not use email" gives none."""
    assert prose_email("Her email address is olive.grant@example.com.") == "olive.grant@example.com"
    assert prose_email("She does not use email. Write to me at a@example.org.") is None


def test_titles_dropped_but_a_lone_title_is_no_name() -> None:
    """ "Mrs Janet MOORE" -> Janet Moore; "Mr and Mrs Hughes" names no one person."""
    assert person_name("Mrs Janet MOORE") == "Janet Moore"
    assert person_name("Mrs Moore") == "Mrs Moore"
    assert prose_name("I am referring Mr and Mrs Hughes, whose son was hurt.") is None
    assert prose_name("I am writing on behalf of my tenant, Mr Raj Patel, who") == "Raj Patel"


def test_outlook_surname_first_display_name() -> None:
    """ "Whitfield James (PC 1482)" reads as James Whitfield when the address or signature shows it."""
    assert professional_name("Whitfield James (PC 1482)", "james.whitfield@p.example.org", ()) == (
        "James Whitfield"
    )
    assert professional_name("Okafor Chidi (DC 2210)", "c2210@p.example.org", ("Chidi Okafor",)) == (
        "Chidi Okafor"
    )
    assert professional_name("Whitfield James (PC 1482)", "pc1482@p.example.org", ()) == "Whitfield James"


def test_referred_text_leaves_out_the_writers_own_sentences() -> None:
    """Wishes are read from sentences about the person, not "call me on ..." about the writer."""
    text = referred_text("Please call me any evening. She prefers mornings.\nSafe to leave message: N\n", "")
    assert "call me" not in text
    assert "She prefers mornings." in text and "Please do not leave a voicemail." in text


def test_two_people_on_a_public_mail_service_are_not_colleagues():
    """A support worker forwarding a victim's Gmail from their own Gmail: the forward is the person.
    Two addresses on one organisation's domain are colleagues."""
    from rjmail.core.domain import ForwardedPart
    from rjmail.core.person import is_colleague

    victim = ForwardedPart(from_addr="dana.okoro@gmail.com", from_name="Dana Okoro", subject="", text="")
    assert not is_colleague(victim, "support.worker@gmail.com", frozenset())
    officer = ForwardedPart(
        from_addr="pc.jones@police.example.org", from_name="Jones Sam", subject="", text=""
    )
    assert is_colleague(officer, "pc.smith@police.example.org", frozenset())
