"""The pack by e-mail without a database or a server: which periods are due, the retry back-off, the SMTP
settings and the message."""
from __future__ import annotations

import datetime as dt

import pytest

from report.deliver import due_periods, retry_after
from report.mail import SmtpNotConfigured, SmtpSettings, compose, smtp_settings
from report.subscriptions import first_period

W46, W47, W48 = dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 0)


@pytest.mark.parametrize(("created", "every", "first"), [
    (dt.datetime(2026, 11, 23, 0, 0), "week", W47),  # a Monday: last week
    (dt.datetime(2026, 11, 29, 23, 59), "week", W47),  # the Sunday after: still last week
    (dt.datetime(2026, 11, 30, 8, 0), "month", dt.date(2026, 10, 1)),
    (dt.datetime(2027, 1, 1, 8, 0), "month", dt.date(2026, 12, 1)),  # over the year's end
    (dt.datetime(2027, 1, 6, 8, 0), "week", dt.date(2026, 12, 28)),  # ISO week 2027-W01 began on 4 Jan
])
def test_a_subscription_starts_with_the_period_just_ended(created, every, first):
    assert first_period(created, every) == first


def test_due_periods_are_the_ready_ones_since_the_first_not_sent_and_not_waiting():
    tried = {
        W46: {"status": "failed", "attempts": 1, "attempted_at": NOW - dt.timedelta(minutes=4)},  # backing off
        W47: {"status": "sending", "attempts": 1, "attempted_at": NOW},  # its run died: the lock says so
    }
    assert due_periods([W48, W47, W46], W46, tried, NOW) == [W47, W48]
    assert due_periods([W48, W47, W46], W46, tried, NOW + dt.timedelta(minutes=1)) == [W46, W47, W48]
    assert due_periods([W47, W46], W47, {}, NOW) == [W47]  # before the first period: never
    assert due_periods([], W46, {}, NOW) == []  # nothing complete yet


def test_retries_wait_longer_each_time_up_to_six_hours():
    assert [retry_after(n) for n in (1, 2, 3)] == [dt.timedelta(minutes=m) for m in (5, 10, 20)]
    assert retry_after(30) == dt.timedelta(hours=6)


def test_settings_come_from_the_secrets_file_and_the_environment_wins_field_by_field(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[smtp]\nhost = "relay.bpjs.example"\nuser = "pantau"\npassword = "rahasia-123"\n'
                       'sender = "pantau@bpjs.example"\ntls = "ssl"\n', encoding="utf-8")
    found = smtp_settings(secrets, {"PANTAU_SMTP_HOST": "other.example", "PANTAU_SMTP_TLS": ""})
    assert found == SmtpSettings(host="other.example", port=465, sender="pantau@bpjs.example", tls="ssl",
                                 user="pantau", password="rahasia-123")
    assert "rahasia" not in repr(found)
    only_env = smtp_settings(tmp_path / "none.toml", {"PANTAU_SMTP_HOST": "127.0.0.1", "PANTAU_SMTP_PORT": "2525",
                                                      "PANTAU_SMTP_SENDER": "a@b.example", "PANTAU_SMTP_TLS": "false"})
    assert (only_env.port, only_env.tls, only_env.user) == (2525, "none", None)
    assert smtp_settings(tmp_path / "none.toml", {"PANTAU_SMTP_HOST": "h", "PANTAU_SMTP_SENDER": "s"}).tls == \
        "starttls"  # never in the clear unless said so


@pytest.mark.parametrize(("content", "environ", "says"), [
    (None, {}, "host, sender"),
    ('[smtp]\nhost = "relay"\n', {}, "PANTAU_SMTP_SENDER"),
    ('[smtp]\nhost = "relay"\nsender = "s@x"\ntls = "maybe"\n', {}, "starttls, ssl, none"),
    ('[smtp]\nhost = "relay"\nsender = "s@x"\nport = "dua puluh lima"\n', {}, "port"),
    ('[smtp\npassword = "rahasia-123"\n', {}, "TOML"),
])
def test_missing_or_malformed_settings_are_named_without_their_values(tmp_path, content, environ, says):
    secrets = tmp_path / "secrets.toml"
    if content is not None:
        secrets.write_text(content, encoding="utf-8")
    with pytest.raises(SmtpNotConfigured, match=says) as raised:
        smtp_settings(secrets, environ)
    assert "rahasia" not in str(raised.value) and "maybe" not in str(raised.value)


def test_a_message_carries_both_files_and_its_stable_id():
    message = compose("pantau@bpjs.example", "ani@bpjs.example", "Pantau · W47", "Terlampir.",
                      {"p.pdf": b"%PDF-1.7", "p.xlsx": b"PK\x03\x04"}, "<pantau.1.2026-W47@bpjs.example>")
    parts = {part.get_filename(): part for part in message.iter_attachments()}
    assert parts["p.pdf"].get_content_type() == "application/pdf" and parts["p.pdf"].get_content() == b"%PDF-1.7"
    assert parts["p.xlsx"].get_content_type() == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert message["Message-ID"] == "<pantau.1.2026-W47@bpjs.example>" and message.get_body().get_content() == \
        "Terlampir.\n"
