"""extract() and strip_quoted(): referral fields from parsed mail, precision first."""

from __future__ import annotations

import pytest

from rjmail.core.domain import Person, Referral
from rjmail.core.extract import extract, strip_quoted
from rjmail.core.parse import parse

HUBS = frozenset({"rj-norfolk@example.org"})


def referral(
    body: str,
    sender: str = "Sam Taylor <sam.taylor@example.com>",
    headers: str = "",
    domains: frozenset[str] = frozenset(),
) -> Referral:
    """parse + extract a one-part plain-text message."""
    raw = (
        f"From: {sender}\nTo: rj-norfolk@example.org\nSubject: RJ\n{headers}"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}"
    )
    return extract(parse(raw.encode()), domains, HUBS)


class TestReferrer:
    def test_from_address_and_display_name(self) -> None:
        """Referrer email and name come from From when it is a person."""
        got = referral("I was burgled.\n", sender='"Taylor, Sam" <Sam.Taylor@Example.com>')
        assert (got.referrer_email, got.referrer_name) == ("sam.taylor@example.com", "Sam Taylor")

    def test_relay_reply_to_wins(self) -> None:
        """A no-reply web-form relay yields the Reply-To address and the form's Name field."""
        got = referral(
            "Name: Jo Bloggs\nMessage: I was attacked.\n",
            sender="Website <noreply@forms.example.org>",
            headers="Reply-To: Jo Bloggs <jo.bloggs@example.com>\n",
        )
        assert (got.referrer_email, got.referrer_name) == ("jo.bloggs@example.com", "Jo Bloggs")

    def test_relay_without_reply_to_uses_email_field(self) -> None:
        """Without Reply-To, a relay's "Email:" field gives the referrer's address."""
        got = referral("Email: jo@example.com\n", sender="<no-reply@forms.example.org>")
        assert got.referrer_email == "jo@example.com"

    def test_reply_to_ignored_for_ordinary_sender(self) -> None:
        """Reply-To does not override an ordinary personal From."""
        got = referral("Hi\n", headers="Reply-To: other@example.com\n")
        assert got.referrer_email == "sam.taylor@example.com"

    @pytest.mark.parametrize("sender", ["Norfolk Police Website <web@example.org>", "sam@example.com"])
    def test_organisation_or_missing_name_is_not_a_person(self, sender: str) -> None:
        """An organisation display name or a bare address gives no referrer name."""
        assert referral("Hello.\n", sender=sender).referrer_name is None

    def test_name_from_text_and_sign_off(self) -> None:
        """ "My name is …" and a sign-off name are used when the From has no name."""
        assert referral("My name is Ann Lee and I was robbed.\n", "a@example.com").referrer_name == "Ann Lee"
        signed = referral("I was robbed.\n\nKind regards,\nAnn Lee\n", "a@example.com")
        assert signed.referrer_name == "Ann Lee"


class TestPhone:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("Phone: 07700 900123\n", "+447700900123"),
            ("Please call me on 01632 960001.\n", "+441632960001"),
            ("Mob: +44 (0)7700 900456\n", "+447700900456"),
            ("Kind regards\nSam\n020 7946 0123\n", "+442079460123"),
            # found trying rjmail as a new user: a number that is a sentence of its own, or said after
            ("Please call me, I work during the day. 07700 900110. Sue\n", "+447700900110"),
            ("07700 900117 is my mobile.\n", "+447700900117"),
        ],
    )
    def test_personal_numbers_found_as_e164(self, body: str, expected: str) -> None:
        """Labelled, requested or signature numbers become E.164."""
        assert referral(body).phone == expected

    @pytest.mark.parametrize(
        "body",
        [
            "Crime ref 36/12345/24.\n",
            "It happened on 12/03/2024 near NR1 2AB.\n",
            "Occurrence number 19000012345.\n",
            "Victim Support told me to ring 0808 168 9111.\n",
            "His number is 07700 900999 and he keeps calling.\n",
            "I called 999 and then 101.\n",
            "He rang me from 07700 900998. Then he came round.\n",
        ],
    )
    def test_things_that_are_not_the_writers_phone(self, body: str) -> None:
        """Crime refs, dates, occurrence numbers, service lines and others' numbers are never the phone."""
        assert referral(body).phone is None


class TestCrimeReference:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("Crime ref: 36/12345/24.\n", "36/12345/24"),
            ("my crime reference number is NC-01012026-123\n", "NC-01012026-123"),
            ("The police gave me 37/5555/23.\n", "37/5555/23"),
            ("occurrence 19000012345\n", "19000012345"),
            ("Incident number 1234 of 21/11/2021.\n", "1234 of 21/11/2021"),
        ],
    )
    def test_formats_kept_exactly(self, body: str, expected: str) -> None:
        """Labelled and force-format references are kept exactly as written."""
        assert referral(body).crime_reference == expected

    @pytest.mark.parametrize(
        "body", ["It was never reported.\n", "Re [RJ-NOR-2026-0007]\n", "born 12/03/1984\n"]
    )
    def test_absent_or_not_a_reference(self, body: str) -> None:
        """No reference, our own case reference or a date gives None."""
        assert referral(body).crime_reference is None


class TestContactWishes:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("Please call me.", True),
            ("Can someone ring me?", True),
            ("I'm happy to talk on the phone.", True),
            ("I wouldn't mind if you could call me.", True),
            ("I'd rather not speak on the phone.", False),
            ("Please email only.", False),
            ("Don't call me.", False),
            ("I don't want anyone to ring me.", False),
            ("Please don't call me before 6pm.", None),
            ("I was attacked on a bus.", None),
        ],
    )
    def test_wants_call(self, body: str, expected: bool | None) -> None:
        """wants_call is True, False or None, negation-aware."""
        assert referral(body + "\n").wants_call is expected

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("Please call me, weekday mornings before 11 are best.", "weekday mornings before 11"),
            ("Please call me. After 6pm is best.", "After 6pm"),
            ("Please don't call me before 6pm, after 6pm is fine.", "don't call me before 6pm, after 6pm"),
            ("He attacked me on a Friday evening after 10pm.", None),
        ],
    )
    def test_call_times(self, body: str, expected: str | None) -> None:
        """call_times is the phrase naming safe times, never an offence time."""
        assert referral(body + "\n").call_times == expected

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("Please don't leave a voicemail.", False),
            ("No voicemails please.", False),
            ("Do not text this number.", False),  # the case's voicemail_ok: voicemail or text
            ("My ex checks my phone.", False),
            ("It's fine to leave a message.", True),
            ("Call me any time.", None),
        ],
    )
    def test_voicemail_ok(self, body: str, expected: bool | None) -> None:
        """voicemail_ok is False when a message or text is unsafe, True only when said to be fine."""
        assert referral(body + "\n").voicemail_ok is expected


class TestLanguageAndAccess:
    def test_interpreter_need(self) -> None:
        """A stated interpreter need names the language; a negated one does not."""
        assert referral("I need a Polish interpreter please.\n").language == "Polish"
        assert referral("I don't need an interpreter.\n").language is None

    def test_detected_language(self) -> None:
        """A body in Romanian is recognised; English is not reported."""
        ro = "Bună ziua, mă numesc Ioana. Anul trecut am fost atacată și aș dori să vorbesc cu cineva.\n"
        assert referral(ro).language == "Romanian"
        assert referral("I was attacked last year and would like to talk to someone.\n").language is None

    def test_access_needs(self) -> None:
        """Stated access needs are kept as written; "none" is no need."""
        assert referral("I am deaf so please email.\n").access_needs == "I am deaf"
        assert referral("Access needs: none\n").access_needs is None


class TestRole:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("I was attacked outside a pub.", "victim"),
            ("My husband attacked me.", "victim"),
            ("My son was badly beaten in March.", "family"),
            ("I was the one who broke into the house and I'm in prison now.", "offender"),
            ("I was not attacked.", "unknown"),
            ("Can you tell me about RJ?", "unknown"),
        ],
    )
    def test_role(self, body: str, expected: str) -> None:
        """role distinguishes victim, family member and offender, unknown when unclear."""
        assert referral(body + "\n").role == expected


class TestProfessional:
    PRO = (
        "I am a support worker. With her consent I refer the client below, who was assaulted.\n\n"
        "Name: Grace Lee\nTel: 07700 900142\nEmail: grace.lee@example.com\n\n"
        "Kind regards\nJo Fletcher\nSupport Worker\nNorfolk and Suffolk Victim Care\nTel: 01632 960777\n"
    )

    def test_referred_person_kept_apart(self) -> None:
        """The referred person's details fill phone/referred_person; the professional's do not."""
        got = referral(self.PRO, sender="Jo Fletcher <jo.fletcher@example.org>")
        assert got.referral_type == "professional"
        assert (got.referrer_name, got.referrer_email) == ("Jo Fletcher", "jo.fletcher@example.org")
        assert got.phone == "+447700900142"
        assert got.referred_person == Person("Grace Lee", "grace.lee@example.com", "+447700900142")
        assert got.organisation == "Norfolk and Suffolk Victim Care"
        assert got.role == "victim"

    def test_professional_by_domain_suffix(self) -> None:
        """A sender under a configured professional domain is professional (label boundary)."""
        domains = frozenset({"police.uk"})
        assert referral("Hi.\n", "pc@norfolk.police.uk", domains=domains).referral_type == "professional"
        assert referral("Hi.\n", "pc@notpolice.uk", domains=domains).referral_type != "professional"

    def test_self_referral_with_agency_signature(self) -> None:
        """Someone writing about their own harm from a work address is a self-referral."""
        body = "My house was burgled in March.\n\nThanks\nGemma Fox\nExample County Council\n"
        got = referral(body, "Gemma Fox <gemma@example.org>")
        assert (got.referral_type, got.organisation) == ("self", None)

    def test_forwarded_person(self) -> None:
        """An inline forward by a professional gives the forwarded sender as the referred person."""
        body = (
            "Forwarding on behalf of the victim.\n\n---------- Forwarded message ---------\n"
            "From: Emma Law <emma.law@example.com>\nDate: today\nSubject: RJ\nTo: pc@example.org\n\n"
            "I was mugged. My mobile is 07700 900140.\n"
        )
        got = referral(body, "PC Amy Clarke <pc@example.org>")
        assert got.referred_person == Person("Emma Law", "emma.law@example.com", "+447700900140")
        assert (got.referrer_name, got.role, got.phone) == ("Amy Clarke", "victim", "+447700900140")


class TestStripQuoted:
    @pytest.mark.parametrize(
        "text",
        [
            "Yes please.\n\nOn Mon, 2 Mar 2026 at 10:00, Hub <\nrj@example.org> wrote:\n> old",
            "Yes please.\n\nFrom: Hub <rj@example.org>\nSent: Monday\nTo: me\nSubject: x\n\nold",
            "Yes please.\n-----Original Message-----\nFrom: Hub\nSent: Monday\nSubject: x\n\nold",
            "Yes please.\n\nSent from my iPhone\n\n> On 2 Mar 2026, at 10:00, Hub wrote:\n> old",
            "Yes please.\n\nVon: Hub <rj@example.org>\nGesendet: Montag\nAn: Jo\nBetreff: x\n\nalt",
            "Yes please.\n\nLe lun. 2 mars 2026 à 10:00, Hub <rj@example.org> a écrit :\n> old",
            "Yes please.\n\nEl lun, 2 mar 2026 a las 10:00, Hub escribió:\n> old",
            "Yes please.\n\nDnia 2 marca 2026 Hub <rj@example.org> napisał:\n> old",
            "Yes please.\n\nAr 2 Maw 2026, am 10:00, Hwb <rj@example.org> ysgrifennodd:\n> old",
            "Yes please.\n> old line\n> another",
            "Yes please.\n\nKind regards\nSam Taylor",
        ],
    )
    def test_reply_text_only(self, text: str) -> None:
        """Quoted history in many clients and languages, and the signature, are removed."""
        assert strip_quoted(text) == "Yes please."

    def test_empty(self) -> None:
        """Empty text stays empty."""
        assert strip_quoted("") == ""
