"""read_contact_wishes: the fixed meanings of call-time words, requests, refusals, voicemail, texts."""

from __future__ import annotations

import pytest

from rjmail.core.windows import times_unclear
from rjmail.core.wishes import CallWindow, read_contact_wishes, rules_out_times, says_yes

ALL = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = ALL[:5]
SIX_BUT_SAT = ("mon", "tue", "wed", "thu", "fri", "sun")
SIX_BUT_WED = ("mon", "tue", "thu", "fri", "sat", "sun")
SIX_BUT_FRI = ("mon", "tue", "wed", "thu", "sat", "sun")
SIX_BUT_TUE = ("mon", "wed", "thu", "fri", "sat", "sun")
SIX_BUT_THU = ("mon", "tue", "wed", "fri", "sat", "sun")


def windows(text: str, language: str = "en") -> list[tuple[tuple[str, ...], str, str]] | None:
    found = read_contact_wishes(text, language).call_windows
    return None if found is None else [(w.days, w.start, w.end) for w in found]


class TestFixedMeanings:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Please call in the morning.", [(ALL, "09:00", "12:00")]),
            ("Afternoons are best.", [(ALL, "12:00", "17:00")]),
            ("Evenings suit me.", [(ALL, "17:00", "21:00")]),
            ("Please call during the day.", [(ALL, "09:00", "17:00")]),
            ("Lunchtime is best for a call.", [(ALL, "12:00", "14:00")]),
            ("Please call after 4pm.", [(ALL, "16:00", "21:00")]),
            ("Please call before 11am.", [(ALL, "09:00", "11:00")]),
            ("Please call between 10 and 2.", [(ALL, "10:00", "14:00")]),
            ("Please call between 6 and 8.", [(ALL, "18:00", "20:00")]),
            ("Please call on weekdays.", [(WEEKDAYS, "09:00", "21:00")]),
            ("Weekends are best to call.", [(("sat", "sun"), "09:00", "21:00")]),
            (
                "Please call, but not on Wednesdays.",
                [(("mon", "tue", "thu", "fri", "sat", "sun"), "09:00", "21:00")],
            ),
            (
                "Please call me after 6pm, not on Wednesdays.",
                [(("mon", "tue", "thu", "fri", "sat", "sun"), "18:00", "21:00")],
            ),
        ],
    )
    def test_word_means_window(self, text: str, expected: list[tuple[tuple[str, ...], str, str]]) -> None:
        """Each everyday word reads as its documented window."""
        assert windows(text) == expected

    def test_any_time_gives_no_windows(self) -> None:
        """ "any time" keeps the words but binds no window."""
        wishes = read_contact_wishes("Call me any time.")
        assert (wishes.call_windows, wishes.call_times) == (None, "any time")

    def test_several_windows_are_sorted(self) -> None:
        """Two windows come back as two CallWindow, earliest first."""
        assert windows("Please call in the evening or in the morning.") == [
            (ALL, "09:00", "12:00"),
            (ALL, "17:00", "21:00"),
        ]

    def test_bound_narrows_a_day_part(self) -> None:
        """ "evenings after 7pm" is 19:00-21:00, not the whole evening."""
        assert windows("Evenings after 7pm are best.") == [(ALL, "19:00", "21:00")]

    @pytest.mark.parametrize(
        "text",
        [
            "Please call me tomorrow morning.",
            "Please call at 6pm.",
            "Please call after 8.",
            "Call me in the early evening.",
            "Please call 2-3.",
        ],
    )
    def test_unclear_times_leave_windows_empty(self, text: str) -> None:
        """Times that are one-off, points or ambiguous never become a window."""
        assert windows(text) is None

    @pytest.mark.parametrize(
        "text",
        [
            "Please call me on Monday 7th December.",
            "please call on Mon 7 Dec",
            "Could you ring around half 6?",
            "Please call me at 6pm.",
            "Could you call me sometime after the court case instead?",
            "Sorry, none of these. I'm away next week, can you try me when I'm back?",
            "None of those work for me. I'll get back to you when things have calmed down at home.",
            "Evenings please, but not till I'm out of hospital.",
            "Please only call when he is at work.",
            "tea time is easiest if that's ok with you",
            "I'm on a new rota, it changes week to week, can you ring me?",
            "Tuesday and Thursday nights are best for a call.",
            "Please call. I work during the day.",
            "I work until 5 so please do not ring before then.",
            "anywhere between 9 and 5 is fine except 3 till 4 when I do the school pick-up",
            "None of those are any good for me. Let me have a think and I'll come back to you.",
            # which hours go with which days is not for a grammar to guess
            "Tuesdays I'm free after 3. On Thursdays it would have to be the morning.",
            "Could you try me again in a week or two? It's been hectic.",
            "Weeknights are best for a call.",
            "Please don't ring past 8, my dad gets home then.",  # 8am or 8pm?
            "I've got three kids, please call after one of them is in bed.",
            "Please call before my husband gets home.",
            "She's stopped doing the Tuesday club so it's just Thursdays now, please call then.",
            # "or" carries the "don't" on: never read "after 5 on weekdays" as a time that suits
            "Please don't call at weekends, or after 5 on weekdays.",
            # a busy clause and "after that": no time rjmail can place (it used to read no call words)
            "I finish work at 3 on Thursdays so after that is good.",
        ],
    )
    def test_times_rjmail_cannot_place_keep_the_words_for_advisors(self, text: str) -> None:
        """A date, a clock time, or a time that depends on something rjmail cannot know: no windows,
        and the words are kept so the times read as unclear (no automatic offer, advisors told)."""
        wishes = read_contact_wishes(text)
        assert wishes.call_windows is None
        assert times_unclear(wishes.call_times, wishes.call_windows)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Mornings are best for a call, that's when I'm on my own.", [(ALL, "09:00", "12:00")]),
            (
                "Please ring me Monday to Friday between 9 and 12, that's when he is out.",
                [(WEEKDAYS, "09:00", "12:00")],
            ),
            ("please call Monday 10-2", [(("mon",), "10:00", "14:00")]),
            ("Please call after 6 when I'm home from college.", [(ALL, "18:00", "21:00")]),
            ("I sat in the sun all day. Please call on Mondays.", [(("mon",), "09:00", "21:00")]),
        ],
    )
    def test_a_reason_beside_readable_times_keeps_them(
        self, text: str, expected: list[tuple[tuple[str, ...], str, str]]
    ) -> None:
        """ "that's when I'm on my own" says why the times suit; "10-2" is a time, not a date."""
        assert windows(text) == expected

    def test_only_exclusions_are_marked_as_narrowing(self) -> None:
        """ "can't do Tuesdays any more" takes away from earlier windows (rjmail.core.windows.restate)."""
        assert read_contact_wishes("Sorry, I can't do Tuesdays for the call any more.").narrows
        assert not read_contact_wishes("Tuesdays are best for the call.").narrows
        assert not read_contact_wishes("Evenings please, but not Tuesdays.").narrows

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Also Fridays are out, I help at the food bank.", [(SIX_BUT_FRI, "09:00", "21:00")]),
            ("Not before 11 though, I do the nursery run first.", [(ALL, "11:00", "21:00")]),
            ("I've started swimming on Thursdays so that day's out now.", [(SIX_BUT_THU, "09:00", "21:00")]),
            ("Sundays are family time, so not then please.", [(ALL[:6], "09:00", "21:00")]),
            ("Please strike Mondays off, I've joined a choir.", [(ALL[1:], "09:00", "21:00")]),
            ("Please keep away from Saturdays from now on.", [(SIX_BUT_SAT, "09:00", "21:00")]),
            ("hi Sam again, tuesdays are off the table for now.", [(SIX_BUT_TUE, "09:00", "21:00")]),
            ("Please leave it till 11 at the earliest.", [(ALL, "11:00", "21:00")]),
            (
                "Wednesdays are no good now, my sister has the kids on Wednesdays.",
                [(SIX_BUT_WED, "09:00", "21:00")],
            ),
        ],
    )
    def test_a_sentence_that_only_rules_a_time_out_narrows_without_a_call_word(
        self, text: str, expected: list[tuple[tuple[str, ...], str, str]]
    ) -> None:
        """A later message often just says what is out; it can only take away, so it is read."""
        wishes = read_contact_wishes(text)
        assert wishes.narrows and windows(text) == expected

    def test_a_day_further_in_a_sentence_about_something_else_is_not_read(self) -> None:
        """ "He didn't turn up on Monday" is not "not Mondays"; a surname is not "nights"."""
        assert read_contact_wishes("He didn't turn up on Monday, the police said.").call_times is None
        signed = read_contact_wishes("Please call me in the evening.\n\nKind regards,\nSam Knights")
        assert signed.call_times == "evening"
        assert signed.call_windows == (CallWindow(ALL, "17:00", "21:00"),)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "Not Wednesday evenings any more, I've got a class.",
                [(("wed",), "09:00", "17:00"), (SIX_BUT_WED, "09:00", "21:00")],
            ),
            (
                "Weekends are best but never Sunday mornings.",
                [(("sat",), "09:00", "21:00"), (("sun",), "12:00", "21:00")],
            ),
            (
                "Please call weekday evenings, but not Wednesday evenings.",
                [(("mon", "tue", "thu", "fri"), "17:00", "21:00")],
            ),
            ("Not Mondays, mornings are best for a call.", [(ALL[1:], "09:00", "12:00")]),
        ],
    )
    def test_a_time_ruled_out_on_one_day_is_taken_away_on_that_day_only(
        self, text: str, expected: list[tuple[tuple[str, ...], str, str]]
    ) -> None:
        """Found trying rjmail as a new user: "not Wednesday evenings" took every Wednesday and every
        evening away, which left no times at all after "weekdays after 6"."""
        assert windows(text) == expected

    def test_a_one_off_time_keeps_its_one_off_word_for_advisors(self) -> None:
        """ "tomorrow morning" read back as "morning" would tell advisors a different wish."""
        wishes = read_contact_wishes("Could someone call me tomorrow morning on 07700 900103?")
        assert wishes.call_windows is None and wishes.call_times == "tomorrow morning"

    @pytest.mark.parametrize(
        ("text", "rules_out"),
        [
            ("Thursdays are out now I'm afraid.", True),
            ("My partner is at home on Wednesdays now.", True),
            ("Not before 10 though.", True),
            ("I work mornings, so the afternoon one please.", True),
            ("2 please", False),
            ("Thursday at 10 is great, thank you.", False),
            ("The Friday one works for me.", False),
        ],
    )
    def test_a_reply_that_rules_a_time_out_is_never_a_pick(self, text: str, rules_out: bool) -> None:
        """rjmail.cases.calls books a slot a reply names only when the reply rules no time out."""
        assert rules_out_times(text) is rules_out

    def test_only_added_times_are_marked_as_adding(self) -> None:
        """ "too" / "as well" join the earlier times (rjmail.core.windows.restate); with anything
        ruled out in the same words they are read as usual, never as adding."""
        assert read_contact_wishes("Saturdays would be fine too now.").adds
        assert read_contact_wishes("Mornings are OK as well.").adds
        assert not read_contact_wishes("Saturdays would be fine too, but not Mondays.").adds
        assert not read_contact_wishes("Saturdays are best for a call.").adds
        assert not read_contact_wishes("Evenings are best, as well as weekends.").adds

    def test_work_clause_is_not_a_window(self) -> None:
        """ "I work during the day" says when NOT to call."""
        assert windows("I work during the day so please call in the evening.") == [(ALL, "17:00", "21:00")]
        assert windows("I work during the day.") is None

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            # a clause about a job, treatment or who has the kids is not a free time
            ("Could you ring in the morning? My new job is in the afternoons.", [(ALL, "09:00", "12:00")]),
            (
                "I'm too tired on Mondays after dialysis, please call on Tuesday.",
                [(("tue",), "09:00", "21:00")],
            ),
            ("Weekdays are best for a call. Weekends her dad has the kids.", [(WEEKDAYS, "09:00", "21:00")]),
            # ... but an exclusion in such a clause still counts
            ("Please ring me. Not weekends, my partner is home then.", [(WEEKDAYS, "09:00", "21:00")]),
            ("You can call me, but not on Saturdays when I work.", [(SIX_BUT_SAT, "09:00", "21:00")]),
            # in a sentence that names the harm, the clauses about calling are read
            (
                "Please give me a ring about the burglary, mornings are best for me.",
                [(ALL, "09:00", "12:00")],
            ),
            ("I was mugged on Tuesday evening, please call me after 6.", [(ALL, "18:00", "21:00")]),
            (
                "I'd like a call about what happened but not on Wednesdays please.",
                [(SIX_BUT_WED, "09:00", "21:00")],
            ),
            # what the call is about is a clause of its own
            ("Please phone me after 6pm about the assault.", [(ALL, "18:00", "21:00")]),
            (
                "Please call me during the day, not Mondays, about my daughter being attacked.",
                [(ALL[1:], "09:00", "17:00")],
            ),
            (
                "Please ring me Tuesday afternoons or Saturday mornings to talk about the fight at the pub "
                "where I work.",
                [(("sat",), "09:00", "12:00"), (("tue",), "12:00", "17:00")],
            ),
            # an exclusion just before the call sentence, or beside the reason for it
            (
                "Sorry, not fridays as I'm on a late shift. Any other day is fine.",
                [(SIX_BUT_FRI, "09:00", "21:00")],
            ),
            (
                "You can ring me any day except Friday. Fridays I'm at the court.",
                [(SIX_BUT_FRI, "09:00", "21:00")],
            ),
            ("Thursdays suit me best now that my shifts have changed.", [(("thu",), "09:00", "21:00")]),
            ("cant do tuesdays any more, ive started an evening class", [(SIX_BUT_TUE, "09:00", "21:00")]),
            # a limit written the way people text
            ("only mon or tues for the call sorry", [(("mon", "tue"), "09:00", "21:00")]),
            ("call me on 07700 900456 any weekday after half 6", [(WEEKDAYS, "18:30", "21:00")]),
            ("call me in the arvo pls", [(ALL, "12:00", "17:00")]),
            ("sat or sun please for a call", [(("sat", "sun"), "09:00", "21:00")]),
            ("Please call. I work 9am to 5pm so evenings are best.", [(ALL, "17:00", "21:00")]),
            ("can you leave sundays out, my dad comes round", [(ALL[:6], "09:00", "21:00")]),
            (
                "He works nights, so please call between 2 and 5pm, but not on Sundays.",
                [(ALL[:6], "14:00", "17:00")],
            ),
            ("Thursdays are no good, I'm on a course.", [(SIX_BUT_THU, "09:00", "21:00")]),
            ("Could you ring on Tuesdays instead of Wednesdays now?", [(("tue",), "09:00", "21:00")]),
            ("My tablets knock me out, so nothing before 11 please.", [(ALL, "11:00", "21:00")]),
            (
                "if possible the afternoon would suit me best, I have the baby clinic most mornings",
                [(ALL, "12:00", "17:00")],
            ),
            # found with blind set 4 (tests/blind/restated4.toml), in other words here
            ("Please give me a ring any weekday after six in the evening.", [(WEEKDAYS, "18:00", "21:00")]),
            ("A call after half four would be best.", [(ALL, "16:30", "21:00")]),
            ("Please call between two and four.", [(ALL, "14:00", "16:00")]),
            ("Could you ring after 3 rather than in the mornings?", [(ALL, "15:00", "21:00")]),
            ("It would need to be Tuesdays between 10 and 12, I'm on lates.", [(("tue",), "10:00", "12:00")]),
            ("Wednesdays after 6 are the only safe times now.", [(("wed",), "18:00", "21:00")]),
            ("Please ring, my husband is at home in the evenings.", None),
            (
                "Please call, he is usually at home at weekends so weekdays only.",
                [(WEEKDAYS, "09:00", "21:00")],
            ),
            ("He's off on Fridays, please call Monday to Thursday.", [(WEEKDAYS[:4], "09:00", "21:00")]),
            ("A weekday would suit me better than the weekend for a call.", [(WEEKDAYS, "09:00", "21:00")]),
            ("Please avoid Tuesdays, otherwise mornings are best.", [(SIX_BUT_TUE, "09:00", "12:00")]),
            (
                "Could we do mornings? Afternoons have got difficult since I went back to work.",
                [(ALL, "09:00", "12:00")],
            ),
            ("Evenings would be better, my son naps in the afternoon.", [(ALL, "17:00", "21:00")]),
            (
                "Please call on a weekday afternoon, but not Mondays when I volunteer.",
                [(WEEKDAYS[1:], "12:00", "17:00")],
            ),
            ("pls ring wkdays after 6", [(WEEKDAYS, "18:00", "21:00")]),
            ("tues morn is best for a call", [(("tue",), "09:00", "12:00")]),
            ("Please call me on a weekday after 5.", [(WEEKDAYS, "17:00", "21:00")]),
            ("Could you ring in the evening? Anything after 7 is fine.", [(ALL, "19:00", "21:00")]),
            ("Please call after 6 now my course has finished.", [(ALL, "18:00", "21:00")]),
            (
                "My husband is home at weekends, so it has to be a weekday while he is at work.",
                [(WEEKDAYS, "09:00", "21:00")],
            ),
        ],
    )
    def test_clauses_that_would_widen_the_windows_if_misread(
        self, text: str, expected: list[tuple[tuple[str, ...], str, str]]
    ) -> None:
        """A busy clause read as a free time, or a limit dropped with the clause around it, would leave
        the windows wider than the person allowed."""
        assert windows(text) == expected

    def test_offence_time_is_not_a_window(self) -> None:
        """A sentence about the harm never gives call times."""
        assert windows("He attacked me on a Friday evening after 10pm.") is None
        assert windows("He attacked me on a Friday evening after 10pm, please call me.") is None
        assert windows("Please call me. My van was stolen from the drive on Sunday morning.") is None

    def test_as_json_uses_contract_names(self) -> None:
        """CallWindow.as_json gives the case JSON shape {days, from, to}."""
        window = CallWindow(("mon",), "18:00", "21:00")
        assert window.as_json() == {"days": ["mon"], "from": "18:00", "to": "21:00"}


class TestRequestsAndRefusals:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("I would welcome a telephone call to discuss this.", True),
            ("Could someone ring me?", True),
            ("I wouldn't mind a call.", True),
            ("Please don't call me.", False),
            ("Please call me. Actually, please don't call me.", False),
            ("Please don't call me before 6pm.", None),
            ("I don't want a call.", False),
            # found trying rjmail as a new user: asked, then asked again by the acknowledgement
            ("hi can sum1 ring me pls", True),
            ("I would be glad of a phone call. Any time is fine.", True),
            ("afternoons after 2 are best to call me", True),
        ],
    )
    def test_wants_call(self, text: str, expected: bool | None) -> None:
        """Requests in everyday wording; refusals beat requests; a time qualifier is no refusal."""
        assert read_contact_wishes(text).wants_call is expected

    @pytest.mark.parametrize(
        "text",
        ["Please only email me.", "Don't call or text.", "He checks my phone.", "Email only please."],
    )
    def test_email_only(self, text: str) -> None:
        """Email-only wording sets email_only and wants_call False."""
        wishes = read_contact_wishes(text)
        assert (wishes.email_only, wishes.wants_call) == (True, False)

    def test_checked_phone_with_safe_time_is_not_email_only(self) -> None:
        """A checked phone plus a safe time to call means calls are wanted at that time."""
        wishes = read_contact_wishes("He checks my phone. If you call, the safest time is 10am to 2pm.")
        assert wishes.email_only is False
        assert wishes.voicemail_ok is None  # nothing was said about voicemail itself

    def test_voicemail_and_texts_are_separate(self) -> None:
        """ "text me, no voicemails" allows texts and forbids voicemails."""
        wishes = read_contact_wishes("You can text me but no voicemails please.")
        assert (wishes.texts_ok, wishes.voicemail_ok) == (True, False)

    @pytest.mark.parametrize("text", ["Yes please", "yes, thanks", "Tak, proszę", "Sim, por favor"])
    def test_bare_yes(self, text: str) -> None:
        """A bare yes is recognised for the caller to weigh."""
        assert says_yes(text)

    def test_yes_with_more_words_is_not_bare(self) -> None:
        """ "Yes, but..." is not a bare yes."""
        assert not says_yes("Yes, but I need to think about it")


class TestCommunityLanguages:
    @pytest.mark.parametrize(
        ("language", "text", "expected"),
        [
            ("pl", "Proszę zadzwonić po 17:00.", [(ALL, "17:00", "21:00")]),
            ("pl", "Najlepiej rano.", [(ALL, "09:00", "12:00")]),
            (
                "pl",
                "Pasuje mi wieczorem, nie w środy.",
                [(("mon", "tue", "thu", "fri", "sat", "sun"), "17:00", "21:00")],
            ),
            ("pl", "Najlepiej po południu w weekendy.", [(("sat", "sun"), "12:00", "17:00")]),
            ("lt", "Prašau paskambinti po 17 val.", [(ALL, "17:00", "21:00")]),
            ("lt", "Geriausia ryte.", [(ALL, "09:00", "12:00")]),
            ("lt", "Geriausia vakare.", [(ALL, "17:00", "21:00")]),
            ("ro", "Vă rog să mă sunați după ora 17.", [(ALL, "17:00", "21:00")]),
            ("ro", "Cel mai bine dimineața.", [(ALL, "09:00", "12:00")]),
            ("ro", "Cel mai bine seara.", [(ALL, "17:00", "21:00")]),
            ("pt", "Podem ligar-me depois das 17h.", [(ALL, "17:00", "21:00")]),
            ("pt", "O melhor é de manhã.", [(ALL, "09:00", "12:00")]),
            ("pt", "O melhor é à tarde.", [(ALL, "12:00", "17:00")]),
            ("pt", "O melhor é à noite.", [(ALL, "17:00", "21:00")]),
        ],
    )
    def test_time_phrases(
        self, language: str, text: str, expected: list[tuple[tuple[str, ...], str, str]]
    ) -> None:
        """Time phrases in Polish, Lithuanian, Romanian and Portuguese read as windows."""
        assert windows(text, language) == expected

    @pytest.mark.parametrize(
        ("language", "text"),
        [
            ("pl", "Proszę zadzwonić."),
            ("lt", "Prašau paskambinti man."),
            ("ro", "Vă rog să mă sunați."),
            ("pt", "Liguem-me, por favor."),
        ],
    )
    def test_call_request(self, language: str, text: str) -> None:
        """A call request in the community language sets wants_call."""
        assert read_contact_wishes(text, language).wants_call is True

    def test_own_words_are_kept(self) -> None:
        """call_times holds the person's own words, not the English rewrite."""
        assert read_contact_wishes("Proszę dzwonić po 17:00.", "pl").call_times == "po 17:00"

    def test_other_language_wording_is_not_read(self) -> None:
        """Polish wording is read only when the language is Polish."""
        assert read_contact_wishes("Proszę zadzwonić po 17:00.", "en").call_windows is None

    def test_accents_are_optional(self) -> None:
        """People often type without accents."""
        assert windows("Prosze zadzwonic po 17:00.", "pl") == [(ALL, "17:00", "21:00")]


def test_polish_call_request_with_do_mnie_before_the_verb_is_a_call_request():
    """ "Proszę do mnie zadzwonić … po 17:00" (issue 15's example) asks for a call after 17:00."""
    wishes = read_contact_wishes("Proszę do mnie zadzwonić: 07700 900789, najlepiej po 17:00", "pl")
    assert wishes.wants_call is True
    assert wishes.call_windows is not None and wishes.call_windows[0].start == "17:00"


SAT, MON_FRI = ("sat",), WEEKDAYS


class TestATimeDaysOrDaysATime:
    """ "after 6 weekdays or sat morning": a time, two days joined by "or" and a time whose hours do
    not meet are two windows; the days after a number are never read as "6 weeks"."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "Ring me after 6 weekdays or sat morning please.",
                [(SAT, "09:00", "12:00"), (MON_FRI, "18:00", "21:00")],
            ),
            (
                "can u ring after 7 wkdays or sun morn",
                [(("sun",), "09:00", "12:00"), (MON_FRI, "19:00", "21:00")],
            ),
            (
                "Best to phone after 7 mon-fri or Saturday mornings.",
                [(SAT, "09:00", "12:00"), (MON_FRI, "19:00", "21:00")],
            ),
            (
                "Please call mornings weekdays or Sundays after 5.",
                [(MON_FRI, "09:00", "12:00"), (("sun",), "17:00", "21:00")],
            ),
            ("Please call after 6 weekdays.", [(MON_FRI, "18:00", "21:00")]),
            ("Please ring after 5pm weekends.", [(("sat", "sun"), "17:00", "21:00")]),
            # a day after a comma is another clause, here one saying when someone is home
            (
                "pls ring tue-thu after 6, saturdays my ex is home",
                [(("tue", "wed", "thu"), "18:00", "21:00")],
            ),
            (
                "Please call Monday to Thursday or Saturday.",
                [(("mon", "tue", "wed", "thu", "sat"), "09:00", "21:00")],
            ),
        ],
    )
    def test_reads(self, text: str, expected: list[tuple[tuple[str, ...], str, str]]) -> None:
        assert windows(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            # hours that meet: which time goes with which day is a guess, so one window, never two
            "Please call after 10 Mondays or Tuesdays before 12.",
            # three days: where the list splits is a guess
            "Please call after 6 Mondays, Tuesdays or sat morning.",
            # two weekends from now, or 2pm at weekends?
            "Please call after 2 weekends.",
            "Please call between 3 and 5 weekends.",
        ],
    )
    def test_never_two_windows_from_a_guess(self, text: str) -> None:
        found = windows(text)
        assert found is None or len(found) == 1
        if found:
            assert found == [(("mon", "tue"), "10:00", "12:00")]


class TestEmailInsteadOfTalking:
    """Email named instead of talking is email only; an email address or "email me, then ring" is not."""

    @pytest.mark.parametrize(
        "text",
        [
            "Can we stick to email for the moment?",
            "Could we keep with emails please.",
            "Emailing is much easier for me than phone calls.",
            "Honestly email works better than the phone.",
            "I would rather put it in writing than speak on the phone.",
            "I'd rather email than be called, thanks.",
        ],
    )
    def test_email_only(self, text: str) -> None:
        wishes = read_contact_wishes(text)
        assert (wishes.email_only, wishes.wants_call) == (True, False)

    @pytest.mark.parametrize(
        "text",
        [
            "Please email the leaflet and then give me a ring.",
            "My email address is sam.k@example.org if you need it.",
            "Can we stick to email and a quick call later?",
            "I'd rather write to her than talk to her face to face.",
            "I'd rather write than speak to him in person.",
            "Email was easier than the phone when I contacted the police.",
        ],
    )
    def test_not_email_only(self, text: str) -> None:
        assert read_contact_wishes(text).email_only is False


class TestWillingToTalk:
    """A phone conversation asked for is a call request. Being ready or willing to talk is not read as
    one: a review found it read in "You asked if I'm ready to talk. I'm not, sorry.", "I'm not\nready
    to talk now." and "I'd like to speak to someone. Not on the phone though", and a false request
    lifts a stored "email only". Missing a request only means the acknowledgement asks."""

    @pytest.mark.parametrize(
        "text",
        [
            "A phone conversation would be helpful.",
            "A chat over the phone would be lovely, thank you.",
        ],
    )
    def test_asks_for_a_call(self, text: str) -> None:
        assert read_contact_wishes(text).wants_call is True

    @pytest.mark.parametrize(
        "text",
        [
            "I think I'm ready to talk now.",
            "I need to speak to someone, please.",
            "Hello,\n\nI'm happy to chat to someone now\n\nKind regards\nPat",
            "You asked if I'm ready to talk. I'm not, sorry.",
            "I'm not sure I'm ready to talk.",
            "i dont think i am\nready to talk to someone now.",
            "I'll be in touch when I feel ready to talk.",
            "My daughter said I need to talk to someone.",
            "I'm still not ready to talk about it.",
            "I'm happy to chat to my partner first.",
            "Speaking about what happened is really difficult.",
            "She is happy to talk to you.",
            "I'd like to speak to someone in person, not over the phone.",
            "I'm happy to talk to you, but only face to face.",
            "I'm happy to speak\nbut not by phone please.",
            "Happy to chat.",
            "I'd like to talk to him about what he did.",
            "I don't feel ready to talk on the phone yet.",
        ],
    )
    def test_does_not_ask(self, text: str) -> None:
        assert read_contact_wishes(text).wants_call is not True

    @pytest.mark.parametrize(
        "text",
        ["I'm really not happy to speak on the phone.", "I'm not ready to talk on the phone."],
    )
    def test_refuses(self, text: str) -> None:
        assert read_contact_wishes(text).wants_call is False


SIX_BUT_MON = ("tue", "wed", "thu", "fri", "sat", "sun")


class TestExceptADayPart:
    """ "except Thursday mornings" takes the morning away on Thursdays only; where the time may go with
    the other days ("except Thursday after 5") the narrower reading stays."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "You can call me any time except Thursday mornings.",
                [(SIX_BUT_THU, "09:00", "21:00"), (("thu",), "12:00", "21:00")],
            ),
            (
                "Please ring on weekdays, apart from Monday afternoons.",
                [
                    (("mon",), "09:00", "12:00"),
                    (("tue", "wed", "thu", "fri"), "09:00", "21:00"),
                    (("mon",), "17:00", "21:00"),
                ],
            ),
            ("Please phone in the evening, other than Tuesdays.", [(SIX_BUT_TUE, "17:00", "21:00")]),
            ("Please phone afternoons, excluding Monday afternoons.", [(SIX_BUT_MON, "12:00", "17:00")]),
            ("Please call, except Sunday evenings. Mornings are ideal.", [(ALL, "09:00", "12:00")]),
        ],
    )
    def test_reads(self, text: str, expected: list[tuple[tuple[str, ...], str, str]]) -> None:
        assert windows(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            # "(any day but Thursday) after 5" or "any day, but not Thursday after 5"? The narrower
            ("Please call any day except Thursday after 5.", [(SIX_BUT_THU, "17:00", "21:00")]),
            # the time may be Mondays' too
            ("Please call Tuesdays instead of Mondays in the evening.", None),
            # which evenings? Unclear, never the wider reading
            ("Please call evenings except Friday evenings.", None),
        ],
    )
    def test_never_the_wider_reading(self, text: str, expected: object) -> None:
        assert windows(text) == expected
