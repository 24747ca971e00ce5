"""Each wording that leaves a message's call times to advisors, and a near miss that does not."""

from __future__ import annotations

import pytest

from rjmail.core.doubts import doubt_in
from rjmail.core.wishes import read_contact_wishes


@pytest.mark.parametrize(
    ("words", "name"),
    [
        ("Please call Mon. or Tue. after 6.", "dotted day"),
        ("any day exept Mondays", "misspelt except"),
        ("evenings excpet fridays", "misspelt except"),
        ("any time accept the weekend", "misspelt except"),
        ("weekdays expect wednesdays", "misspelt except"),
        ("Except Mondays, Tuesdays and Thursdays are best.", "except opening praise"),
        ("Thanks. But except for Sat and Sun is good", "except opening praise"),
        ("except fridays before 10am is fine", "except opening praise"),
        ("Mornings, except Fridays when afternoons are better", "exception with its own times"),
        ("any day but Weds as then after 3 suits", "exception with its own times"),
        ("sat he's at home", "weekend day opening a sentence"),
        ("ok. sun after 11 is safe", "weekend day opening a sentence"),
        ("Sun isn't good for me", "weekend day opening a sentence"),
        ("any weekday, except Thursdays as then it has to be the evening", "exception with its own times"),
        ("ring between 10 in the morning and 1", "range cut by a part of the day"),
        ("between nine o'clock at night and 10", "range cut by a part of the day"),
        ("give me a ring about 7ish", "approximate time"),
        ("between 10 - ish and 12", "approximate time"),
        ("can u ring tmrw after 3", "one-off time"),
        ("after 4 today please", "one-off time"),
        ("I'm busy every day but Tuesday", "no day but one"),
        ("cant do any time but sundays", "no day but one"),
        ("wendsday after 5", "misspelt day or part of the day"),
        ("any afternoon excpt mondays", "misspelt except"),
        ("ring any night exceot weds", "misspelt day or part of the day"),  # one slip from "except"
        ("weekends are ok expect sunday", "misspelt except"),
        ("Except Tuesday and Friday suit me", "except opening praise"),
        ("evenings please except Weds as then it needs to be after 8", "exception with its own times"),
        ("mornings are fine but Mondays, which is my gym day, are out", "day ruled out after an aside"),
        ("Evenings are a nightmare, mornings are fine", "time judged unsuitable"),
        ("afternoons in the week are best", "during the week"),
        ("can you phone me at 4 on friday", "clock time on a day"),
        ("can you ring monday at 11", "clock time on a day"),
        ("sun's best. weekdays no", "weekend day opening a sentence"),
        ("can you ring tonight after 8pm", "one-off time"),
        ("free 2moro after 4?", "one-off time"),
        # what was left wider after the second review, in other words
        ("any time after 6 in the working week", "during the week"),
        ("Mornings are a little difficult for me", "time judged unsuitable"),
        ("eves r rubbish", "time judged unsuitable"),
        ("Weekends not ideal, weekdays better", "time judged unsuitable"),
        ("weekends r a no go", "time judged unsuitable"),
        ("Good time is 8 on a Monday", "clock time on a day"),
        ("Ring about 6 any evening", "clock time on a day"),
        ("mornings are fine, save for Fridays", "except in other words"),
        ("weekdays are fine other then wednesdays", "except in other words"),
        ("Apart from Mondays are all fine", "except opening praise"),
        ("Evenings except Fridays, that day afternoons are better", "exception with its own times"),
        ("ring 9 in the morning till 2", "range cut by a part of the day"),
        ("Best: Tue. Thu. Sat. Evenings.", "dotted day"),
        # what the third review found wider (none of it new), in other words
        ("any afternoon (exc. Mondays)", "exclusion the grammar turns round"),
        ("ring in the mornings unless its a tuesday", "exclusion the grammar turns round"),
        ("Evenings please; Fridays not before 8 though", "bound in other words"),
        ("mornings please, 11 at the latest", "bound in other words"),
        ("any time gone 6", "bound in other words"),
        ("The only day I can't do is Wednesday", "day ruled out in other words"),
        ("Tue-Thu are fine, Mon and Fri are not.", "day ruled out in other words"),
        ("Friday is when my son visits so not then", "day ruled out in other words"),
        ("Afternoons used to suit me", "time that suited once"),
        ("Mondays were fine until my hours changed", "time that suited once"),
        ("On Wednesdays I get in at 4 so after that is fine", "after that"),
        ("I finish at 2 on Mondays, please ring after that", "after that"),
        ("Weekday evenings, except if my ex has the kids", "condition or repeat"),
        ("every other Thursday after 5", "condition or repeat"),
        ("the last Friday of the month is best", "condition or repeat"),
        ("call after the school run please", "bound on an event"),
        ("ring me after work any weekday", "bound on an event"),
        ("could you call this Thursday after 2", "one-off day"),
        ("please ring in the next hour", "one-off day"),
        (
            "I leave for work at 7 in the morning, so afternoons please",
            "busy clock time on a part of the day",
        ),
        ("free wknds after 10", "misspelt day or part of the day"),
        # what the diff review found: a cue the pattern outran, "'s", a comma, "p.m.", a line break
        ("Evenings are chaotic, mornings are fine", "time judged unsuitable"),
        ("Thursday is when he visits,not then", "day ruled out in other words"),
        ("Monday's hopeless, other days after 6 are fine", "time judged unsuitable"),
        ("Weekdays are fine, expect Tuesdays", "misspelt except"),
        ("Please ring after 4 p.m. tomorrow", "one-off time"),
        ("Please ring me in the evenings but not Wendsday\nKind regards", "misspelt day or part of the day"),
        ("Evenings after 6 are good. I'm busy from Munday", "misspelt day or part of the day"),
        ("please call thrusdays", "misspelt day or part of the day"),
        ("in the afternon", "misspelt day or part of the day"),
    ],
)
def test_wording_read_two_ways(words: str, name: str) -> None:
    assert doubt_in(words) == name


@pytest.mark.parametrize(
    "words",
    [
        "Call me on Mon. Thanks.",
        "I expect Monday will be busy",  # "expect" as itself: no time right before it
        "I accept that mornings suit you better",
        "Except Mondays, evenings are good.",  # not only days before the praise
        "Except on Mondays, any day is fine.",
        "any day except Tuesday, when I work 9-5",  # the time after "when" is a busy time
        "Sun is shining today.",
        "Sat in my car for an hour.",
        "Please call any day apart from Tuesday when I have my counselling.",
        "between 10 and 3 in the afternoon",  # the range closes before the part of the day
        "it happened today. please call after 6",  # the one-off is in another sentence
        "any day but Tuesday",  # no "can't" before it: Tuesday is ruled out
        "I'm still mourning my dad, please call in the morning",
        "Publish the sundae menu",
        "Today is a year since it happened. Please call after 6.",  # the once-word in another clause
        "thanks for the call today, in future after 5 please",
        "Sat the kids down and told them. Please call evenings.",
        "Sun, sea and no phone signal last week. Call weekdays please.",
        "Mornin, please call weekdays",  # a greeting
        "I work from home so any day but Friday is fine",  # "work" not right before the exception
        "I've got the grandchildren in the week. Saturdays please",  # a busy clause
        "call after 6pm, expect the evenings to be noisy",  # a comma before "expect"
        "please call at 6 on the dot weekdays",
        # review 9's near misses, in other words
        "Tonight at 7 he rang my sister and shouted at her. Please call weekdays.",  # no call word in it
        "the hearing is tomorrow at 11am. Evenings are best for a call",
        "Sat 3 hours in A&E after it. Please call evenings.",
        "Sun is out at last. Mornings are best for me.",
        "Nights are hard since it happened, please call in the afternoon",  # nights are no call hours
        "weekends please, expect the kids to be noisy",
        "Except Sunday is fine",  # a single day with "is": "except" cannot open a list here
        "I was fine during the week, it was Saturday that upset me. Please call evenings.",
        "he was 20ish. Please call after 6",  # an age, not a time
        "It happened about 10ish last night. Please call mornings.",
        "Thanks, Frida",  # a name signing off
        "Please call in the afternoon, but weekends are a no-go.",  # the grammar reads this "no"
        "He came at 7 in the evening and shouted. Please call weekdays.",  # no call word before it
        "Please call in the evenings. The bar on Fridays is where it happened.",
        "Mornings before 11am please, after that I'm drowsy",  # "after that" only says why
        "It happened on the 14th. Please call evenings.",  # a date in the story, no call word beside it
        "Please call weekdays, not Sundays as that is when he visits",
        "I was fine until he turned up. Please call evenings.",  # no time that suited
        "we met at 4 on monday and talked",  # no call word before the clock time
    ],
)
def test_near_misses(words: str) -> None:
    assert doubt_in(words) is None


@pytest.mark.parametrize(
    ("word", "slip"),
    [
        ("tuesdy", True),
        ("wenesday", True),
        ("satruday", True),  # two letters next to each other swapped
        ("evenigns", True),
        ("moaning", False),
        ("mondays", False),
        ("weekends", False),
        ("forms", False),
    ],
)
def test_a_slip_of_the_keys(word: str, slip: bool) -> None:
    assert (doubt_in(f"please call {word} after 6") == "misspelt day or part of the day") is slip


def test_a_short_day_closing_a_list_with_or_ends_its_sentence() -> None:
    windows = read_contact_wishes("Not Mon, Wed or Fri. Tue or Thu after 3 please.").call_windows
    assert windows is not None and [(w.days, w.start, w.end) for w in windows] == [
        (("tue", "thu"), "15:00", "21:00")
    ]


@pytest.mark.parametrize(
    "words",
    [
        "Mornings are hard. Call me then.",  # "then" points back to the time judged
        "Weekends are difficult. I'd still like a call on a Saturday.",  # a word names it again
        "Afternoons are hard, I'm lonely. Please ring.",  # the windows would be just the rest of the week
    ],
)
def test_a_time_judged_unsuitable_leaves_the_times_to_advisors(words: str) -> None:
    assert read_contact_wishes(words).call_windows is None
