"""On the real stack: a referral written in Polish gets its letters in Polish first, then English."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.support import export_cases, fresh_python, inbox, new_person, referral, run, setup_config

pytestmark = pytest.mark.integration

POLISH = (
    "Dzień dobry,\n\nW zeszłym roku ktoś włamał się do mojego mieszkania. Chciałabym porozmawiać z kimś "
    "o tym, co się stało, i dowiedzieć się więcej o spotkaniu z tą osobą.\n\nPozdrawiam,\nAnna\n"
)


def test_a_polish_referral_gets_letters_in_polish_then_english(tmp_path, mailstack, db_url, hubs):
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    nor = hubs[0]
    person = new_person(mailstack)
    mailstack.append(
        nor["user"],
        referral(
            f"{person}@example.test",
            f"{nor['user']}@example.org",
            subject="Pomoc",
            body=POLISH,
            name="Anna Testowa",
        ),
    )

    assert run(config, "run", "--once")[0] == 0

    [case] = export_cases(config)
    assert case["letter_language"] == "pl" and case["language"] == "Polish"
    [ack] = inbox(mailstack, person)
    assert ack["Content-Language"] == "pl, en"
    assert ack["Subject"] == f"{nor['name']} [{case['ref']}]"  # neutral, in no language
    text = ack.get_body(("plain",)).get_content().replace("\r\n", "\n")
    polish, english = text.split("\nEnglish\n", 1)
    assert "Dziękujemy, że do nas piszesz" in polish and "999" in polish
    assert "Thank you for writing to us" in english and "999" in english
    html = ack.get_body(("html",)).get_content()
    assert html.index('<div lang="pl">') < html.index('<div lang="en">')
    [note] = inbox(mailstack, nor["notify"])
    assert "Language: Polish (letters in Polish and English)" in note.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("lang", "words"), [("pl", "Dzień dobry"), ("lt", "Sveiki"), ("ro", "Bună ziua"), ("pt", "Olá")]
)
def test_templates_preview_with_lang_renders_the_bilingual_letter(
    tmp_path, mailstack, db_url, hubs, lang, words
):
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    code, out = run(config, "templates", "preview", "call_offer", "--lang", lang)
    assert code == 0
    assert out.startswith("Subject: Norfolk RJ Hub [RJ-NOR-")
    assert f"Content-Language: {lang}, en" in out
    assert out.index(words) < out.index("English") < out.index("Hello Sam")


def test_templates_preview_refuses_a_language_the_hub_has_not_enabled(
    tmp_path, mailstack, db_url, hubs, capsys
):
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    code, out = run(config, "templates", "preview", "acknowledgement", "--lang", "de")
    assert code != 0 and out == ""
    assert "language 'de' is not enabled for hub NOR" in capsys.readouterr().err


# Plain a-z, too few of the commonest English words to be waved through as English (corpus 087): every
# language's model is a candidate.
NOT_PLAINLY_ENGLISH = (
    "Hello,\n\n\tMy daughter was robbed at the bus station in Bury St Edmunds.\n"
    "\tCrime reference: 37/88888/25\n\tPhone:\t07700 900187\n\nBen\n"
)


def test_reading_languages_keeps_the_process_small() -> None:
    """lingua's full models took ~600 MiB and seconds to load at the first message that was not
    plainly English (a run --once over real-looking mail peaked at 737 MiB), and its low-accuracy
    models 40-75 MiB; CLD2's tables take a few. Measured in a fresh interpreter from before the
    import, as a daemon would meet letters in every language it knows."""
    blind = tomllib.loads((Path(__file__).resolve().parents[1] / "blind" / "language4.toml").read_text())
    texts = [POLISH, NOT_PLAINLY_ENGLISH, *(case["text"] for case in blind["case"])]
    probe = (
        "def rss():\n"
        "    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS'))\n"
        "before = rss()\n"
        "from rjmail.core.language import detected_language\n"
        f"assert detected_language({POLISH!r}) == 'Polish'\n"
        f"assert detected_language({NOT_PLAINLY_ENGLISH!r}) is None\n"
        f"named = {{detected_language(text) for text in {texts!r}}}\n"
        "assert len(named) >= 8, named\n"
        "print((rss() - before) // 1024)\n"
    )
    grew = fresh_python(probe)
    assert int(grew) < 25, f"reading languages grew the process by {grew} MiB"
