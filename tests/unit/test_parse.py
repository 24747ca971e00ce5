"""parse(): raw bytes to InboundMail."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import struct

import pytest

from rjmail.core.parse import ParseError, message_ids, normalise_message_id, parse


def tnef_blob(files: dict[str, bytes], body: bytes = b"") -> bytes:
    """A minimal TNEF (winmail.dat) stream holding `files` and an optional plain body."""

    def obj(level: int, name: int, kind: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)

    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += obj(1, 0x9006, 0x0008, struct.pack("<I", 0x10000))
    if body:
        out += obj(1, 0x800C, 0x0002, body)
    for name, data in files.items():
        out += obj(2, 0x9002, 0x0006, b"\x00" * 14)
        out += obj(2, 0x8010, 0x0001, name.encode() + b"\x00")
        out += obj(2, 0x800F, 0x0006, data)
    return out


MIXED = b"From: a@example.com\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\n"


def simple(headers: str, body: str = "Hello.\n", ctype: str = "text/plain; charset=utf-8") -> bytes:
    """A one-part message with the given extra header lines."""
    head = "From: Sam Taylor <sam@example.com>\nTo: rj-norfolk@example.org\n" + headers
    return f"{head}Content-Type: {ctype}\n\n{body}".encode()


class TestHeaders:
    def test_encoded_words_are_decoded(self) -> None:
        """RFC 2047 words in Subject and display name are decoded, adjacent words joined."""
        raw = simple("Subject: =?utf-8?q?Caf=C3=A9?= =?utf-8?b?IGNyaW1l?=\n").replace(
            b"Sam Taylor", b"=?iso-8859-1?q?Zo=EB_Taylor?="
        )
        mail = parse(raw)
        assert mail.subject == "Café crime"
        assert mail.from_name == "Zoë Taylor"

    def test_raw_latin1_header_bytes_survive(self) -> None:
        """Undeclared 8-bit Latin-1 bytes in a header are decoded, not dropped."""
        mail = parse(b"From: Ren\xe9e <renee@example.com>\nSubject: R\xe9f\xe9rence\n\nHi\n")
        assert mail.subject == "Référence"
        assert mail.from_name == "Renée"

    def test_from_address_is_lower_cased(self) -> None:
        """The From address is lower-cased; the display name is kept."""
        mail = parse(b"From: Sam <Sam.Taylor@Example.COM>\n\nHi\n")
        assert mail.from_addr == "sam.taylor@example.com"

    def test_headers_map_is_lower_case_with_all_values(self) -> None:
        """Every header appears under its lower-case name with all its values."""
        mail = parse(simple("Received: one\nReceived: two\nX-Mailer: Thing\n"))
        assert mail.headers["received"] == ("one", "two")
        assert mail.header("X-MAILER") == "Thing"

    def test_missing_message_id_is_synthesised_stably(self) -> None:
        """Without a Message-ID the id comes from the written headers and the words, so a server
        re-delivering it with other bytes (a Received line, quoted-printable, CRLF) gives the same id."""
        raw = simple("Subject: hi\nDate: Mon, 2 Mar 2026 09:12:00 +0000\n", body="Hello there.\n")
        first = parse(raw).message_id
        assert first.endswith("@rjmail.invalid>") and first == parse(raw).message_id
        redelivered = (
            b"Received: from mx2.example.org by imap.example.org; Tue, 3 Mar 2026\r\n"
            + raw.replace(
                b"Content-Type: text/plain; charset=utf-8\n",
                b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n",
            )
            .replace(b"Hello there.", b"Hello=20there.")
            .replace(b"\n", b"\r\n")
        )
        assert redelivered != raw and parse(redelivered).message_id == first
        assert (
            parse(
                simple("Subject: hi\nDate: Mon, 2 Mar 2026 09:12:00 +0000\n", body="Something else.\n")
            ).message_id
            != first
        )

    def test_message_id_is_normalised(self) -> None:
        """A Message-ID with spaces and a comment comes back as "<id>"."""
        assert parse(simple("Message-ID:  < abc@x.example >  (c)\n")).message_id == "<abc@x.example>"

    def test_return_path_absent_empty_and_present(self) -> None:
        """Return-Path is None when absent, "" for "<>", else the address."""
        assert parse(simple("")).return_path is None
        assert parse(simple("Return-Path: <>\n")).return_path == ""
        assert parse(simple("Return-Path: <Bounce@Example.com>\n")).return_path == "bounce@example.com"

    def test_threading_headers(self) -> None:
        """In-Reply-To and References become tuples of normalised ids."""
        mail = parse(simple("In-Reply-To: <a@x> (Sam)\nReferences: <r@x>\n <a@x>\n"))
        assert mail.in_reply_to == ("<a@x>",)
        assert mail.references == ("<r@x>", "<a@x>")

    def test_date_is_aware_utc(self) -> None:
        """The Date header becomes an aware UTC datetime; junk gives None."""
        mail = parse(simple("Date: Mon, 2 Mar 2026 11:30:00 +0100\n"))
        assert mail.date is not None and mail.date.hour == 10 and mail.date.utcoffset() is not None
        assert parse(simple("Date: yesterday-ish\n")).date is None


class TestIds:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("<a@b>", "<a@b>"),
            ("  <a@b>\r\n", "<a@b>"),
            ("(x) <a@b> (y)", "<a@b>"),
            ("a@b", "<a@b>"),
            ("", ""),
            ("nothing here", ""),
        ],
    )
    def test_normalise_message_id(self, value: str, expected: str) -> None:
        """normalise_message_id returns "<id>" or "" for any header text."""
        assert normalise_message_id(value) == expected

    def test_message_ids_lists_all_once(self) -> None:
        """message_ids returns every id once, in order; None gives ()."""
        assert message_ids("<a@b> <c@d>\n\t<a@b>") == ("<a@b>", "<c@d>")
        assert message_ids(None) == ()


class TestBodies:
    def test_windows_1252_body(self) -> None:
        """A windows-1252 body with smart quotes is decoded."""
        raw = simple("", "", "text/plain; charset=windows-1252") + b"It\x92s \x93fine\x94 \x80\n"
        assert parse(raw).text == "It’s “fine” €"

    def test_utf8_mislabelled_as_latin1(self) -> None:
        """UTF-8 bytes declared as ISO-8859-1 are read as UTF-8."""
        raw = simple("", "", "text/plain; charset=iso-8859-1") + "Zoë – ok".encode()
        assert parse(raw).text == "Zoë – ok"

    def test_bogus_charset_falls_back(self) -> None:
        """An unknown charset falls back to UTF-8 then windows-1252."""
        raw = simple("", "", "text/plain; charset=x-bogus-8") + b"caf\xe9\n"
        assert parse(raw).text == "café"

    def test_base64_and_quoted_printable(self) -> None:
        """Transfer encodings are undone."""
        body = base64.b64encode("Zoë here".encode()).decode()
        raw = simple("Content-Transfer-Encoding: base64\n", body)
        assert parse(raw).text == "Zoë here"
        raw = simple("Content-Transfer-Encoding: quoted-printable\n", "Zo=C3=AB =\nhere\n")
        assert parse(raw).text == "Zoë here"

    def test_format_flowed_is_unwrapped(self) -> None:
        """format=flowed soft breaks are joined; hard breaks and signature separator kept."""
        raw = simple("", "A long \nline.\nNext\n-- \nSam\n", "text/plain; charset=utf-8; format=flowed")
        assert parse(raw).text == "A long line.\nNext\n--\nSam"

    def test_html_only_becomes_readable_text(self) -> None:
        """An HTML-only mail yields text without tags, scripts or styles, cells kept apart."""
        html = (
            "<html><head><style>p{x:y}</style></head><body><p>Hello&nbsp;there</p>"
            "<table><tr><td>Phone:</td><td>07700 900123</td></tr></table><script>x()</script></body></html>"
        )
        mail = parse(simple("", html, "text/html; charset=utf-8"))
        assert "Hello there" in mail.text and "Phone: 07700 900123" in mail.text
        assert "<" not in mail.text and "x()" not in mail.text and "x:y" not in mail.text
        assert mail.html is not None and "<table>" in mail.html

    def test_plain_part_preferred_over_html(self) -> None:
        """In multipart/alternative the plain part is the text and the HTML is kept."""
        raw = (
            b"From: a@example.com\nContent-Type: multipart/alternative; boundary=B\n\n--B\n"
            b"Content-Type: text/plain\n\nplain words\n--B\n"
            b"Content-Type: text/html\n\n<p>html words</p>\n--B--\n"
        )
        mail = parse(raw)
        assert mail.text == "plain words"
        assert mail.html == "<p>html words</p>"

    def test_missing_close_boundary_keeps_parts(self) -> None:
        """A multipart without its closing boundary still yields its text, with a defect."""
        raw = MIXED + b"hi\n"
        mail = parse(raw)
        assert mail.text == "hi"
        assert "CloseBoundaryNotFoundDefect" in mail.defects


class TestAttachments:
    def test_attachment_listed_with_hash(self) -> None:
        """Attachments carry name, type, decoded size and SHA-256."""
        data = b"%PDF-1.4 fake"
        raw = (
            MIXED + b"see\n"
            b'--B\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="r.pdf"\n'
            b"Content-Transfer-Encoding: base64\n\n" + base64.b64encode(data) + b"\n--B--\n"
        )
        (att,) = parse(raw).attachments
        assert (att.filename, att.content_type, att.size) == ("r.pdf", "application/pdf", len(data))
        assert att.sha256 == hashlib.sha256(data).hexdigest()

    def test_winmail_dat_inner_files_listed(self) -> None:
        """winmail.dat is listed and its inner files are listed too."""
        blob = tnef_blob({"statement.docx": b"docx bytes"})
        raw = (
            MIXED + b"see\n"
            b"--B\nContent-Type: application/ms-tnef; name=winmail.dat\nContent-Disposition: attachment; "
            b"filename=winmail.dat\nContent-Transfer-Encoding: base64\n\n"
            + base64.b64encode(blob)
            + b"\n--B--\n"
        )
        names = [a.filename for a in parse(raw).attachments]
        assert names == ["winmail.dat", "statement.docx"]

    def test_broken_winmail_dat_tolerated(self) -> None:
        """A corrupt winmail.dat is listed on its own and parsing carries on."""
        raw = MIXED + b"see\n--B\nContent-Type: application/ms-tnef; name=winmail.dat\n\nnot tnef\n--B--\n"
        assert [a.filename for a in parse(raw).attachments] == ["winmail.dat"]


class TestReports:
    def test_dsn_bounced_ids(self) -> None:
        """A DSN gives report_type and the Message-IDs of the returned message."""
        raw = (
            b"From: MAILER-DAEMON@example.org\nContent-Type: multipart/report; report-type=delivery-status; "
            b"boundary=B\n\n--B\nContent-Type: text/plain\n\nfailed\n"
            b"--B\nContent-Type: message/delivery-status\n\n"
            b"Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; x@example.com\nAction: failed\n"
            b"--B\nContent-Type: text/rfc822-headers\n\n"
            b"From: rj-norfolk@example.org\nMessage-ID: <out1@example.org>\n"
            b"--B--\n"
        )
        mail = parse(raw)
        assert mail.content_type == "multipart/report" and mail.report_type == "delivery-status"
        assert mail.bounced_message_ids == ("<out1@example.org>",)
        assert mail.forwarded == ()

    def test_mdn_original_message_id(self) -> None:
        """A read receipt names the original via Original-Message-ID."""
        raw = (
            b"From: a@example.com\nContent-Type: multipart/report; report-type=disposition-notification; "
            b"boundary=B\n\n--B\nContent-Type: text/plain\n\nread\n"
            b"--B\nContent-Type: message/disposition-notification"
            b"\n\nFinal-Recipient: rfc822; a@example.com\nOriginal-Message-ID: <out2@example.org>\n"
            b"Disposition: manual-action/MDN-sent-manually; displayed\n--B--\n"
        )
        assert parse(raw).bounced_message_ids == ("<out2@example.org>",)

    def test_plain_text_bounce_names_returned_message(self) -> None:
        """An old-style text bounce from MAILER-DAEMON yields the quoted Message-ID."""
        raw = (
            b"From: MAILER-DAEMON@mx.example.org\nSubject: failure notice\n\nSorry.\n"
            b"--- Below this line is a copy of the message.\n\nMessage-ID: <rj.9@example.org>\n"
        )
        assert parse(raw).bounced_message_ids == ("<rj.9@example.org>",)

    def test_calendar_reply(self) -> None:
        """A calendar REPLY gives its method and the attendee's PARTSTAT."""
        ics = (
            "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
            "ATTENDEE;CN=Sam;PARTSTAT=DECLINED:mailto:s\r\n am@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        mail = parse(simple("", ics, "text/calendar; method=REPLY; charset=utf-8"))
        assert (mail.calendar_method, mail.calendar_partstat) == ("REPLY", "DECLINED")


class TestForwards:
    def test_gmail_inline_forward(self) -> None:
        """A Gmail forward yields the forwarded sender, subject and text."""
        body = (
            "FYI\n\n---------- Forwarded message ---------\nFrom: Alex Green <Alex@example.com>\n"
            "Date: Mon, 2 Mar 2026 at 10:00\nSubject: Burglary\nTo: <pc@example.com>\n\n\nPlease help.\n"
        )
        (fwd,) = parse(simple("", body)).forwarded
        assert (fwd.from_name, fwd.from_addr, fwd.subject, fwd.text) == (
            "Alex Green",
            "alex@example.com",
            "Burglary",
            "Please help.",
        )

    def test_outlook_bare_header_block(self) -> None:
        """An Outlook "From: … Sent: …" block under a rule is a forwarded part."""
        body = (
            "See below\n\n________________________________\nFrom: Green, Alex <alex@example.com>\n"
            "Sent: 02 March 2026 10:00\nTo: PC Smith\nSubject: RE: help\n\nThe text.\n"
        )
        (fwd,) = parse(simple("", body)).forwarded
        assert (fwd.from_name, fwd.from_addr, fwd.text) == ("Alex Green", "alex@example.com", "The text.")

    def test_outlook_mailto_style(self) -> None:
        """ "-----Original Message-----" with "[mailto:…]" gives the address."""
        body = (
            "-----Original Message-----\nFrom: Alex Green [mailto:alex@example.com]\nSent: Monday\n"
            "Subject: hi\n\nThe text.\n"
        )
        (fwd,) = parse(simple("", body)).forwarded
        assert (fwd.from_name, fwd.from_addr) == ("Alex Green", "alex@example.com")

    def test_attached_message(self) -> None:
        """An attached message/rfc822 is a forwarded part with its own body text."""
        raw = (
            b"From: pc@example.com\nContent-Type: multipart/mixed; boundary=B\n\n"
            b"--B\nContent-Type: text/plain\n\nForwarding\n"
            b"--B\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=orig.eml\n\n"
            b"From: Alex Green <alex@example.com>\nSubject: Help\nContent-Type: text/html\n\n"
            b"<p>I need help</p>\n--B--\n"
        )
        mail = parse(raw)
        (fwd,) = mail.forwarded
        assert (fwd.from_addr, fwd.subject, fwd.text) == ("alex@example.com", "Help", "I need help")
        assert mail.text == "Forwarding"
        assert [a.filename for a in mail.attachments] == ["orig.eml"]


class TestLimitsAndErrors:
    def test_depth_and_count(self) -> None:
        """mime_depth and part_count describe the tree."""
        raw = (
            b"From: a@example.com\nContent-Type: multipart/mixed; boundary=A\n\n--A\n"
            b"Content-Type: multipart/alternative; boundary=B\n\n"
            b"--B\nContent-Type: text/plain\n\nx\n--B--\n--A--\n"
        )
        mail = parse(raw)
        assert (mail.mime_depth, mail.part_count) == (2, 3)

    @pytest.mark.parametrize("raw", [b"", b"  \r\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00", b"just some words"])
    def test_unparseable_raises_parse_error(self, raw: bytes) -> None:
        """Empty input and input without any header raise ParseError."""
        with pytest.raises(ParseError):
            parse(raw)

    def test_deep_nesting_never_escapes_as_recursion_error(self) -> None:
        """Hostile nesting either parses or raises ParseError, never RecursionError."""
        raw = b"From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for i in range(1, 2000):
            raw += b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i - 1, i)
        with contextlib.suppress(ParseError):
            parse(raw)

    def test_non_bytes_rejected(self) -> None:
        """A str is not raw mail: ParseError."""
        with pytest.raises(ParseError):
            parse("From: a@b\n\nhi")  # type: ignore[arg-type]
