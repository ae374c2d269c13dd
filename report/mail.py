"""E-mail through the organisation's SMTP relay: its settings, one message with attachments, and sending it.

Settings come from `.streamlit/secrets.toml` (`[smtp]`: host, port, user, password, sender, tls) and the
environment (`PANTAU_SMTP_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_SENDER`, `_TLS`), which wins field by
field, so a timer unit can override one value without a file. Messages never show a value from them.
"""
from __future__ import annotations

import mimetypes
import os
import smtplib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from etl.settings import PROJECT_ROOT

SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
FIELDS = ("host", "port", "user", "password", "sender", "tls")
ENV_PREFIX = "PANTAU_SMTP_"
# tls: "starttls" upgrades a plain connection (port 587, and refuses a server that cannot), "ssl" is TLS from
# the first byte (port 465), "none" is for a relay on localhost or a trusted network only.
TLS_MODES = {"starttls": "starttls", "true": "starttls", "yes": "starttls", "1": "starttls", "ssl": "ssl",
             "none": "none", "false": "none", "no": "none", "0": "none"}
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT_S = 60
# Named here rather than left to the system's MIME table, which may not know .xlsx.
CONTENT_TYPES = {".pdf": "application/pdf",
                 ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class SmtpNotConfigured(RuntimeError):
    """No usable SMTP settings; the message names the missing or malformed field, never a value."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    tls: str  # starttls | ssl | none
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # the password never reaches a log or a traceback
        return f"SmtpSettings(host={self.host!r}, port={self.port}, tls={self.tls!r}, user={self.user!r})"


def smtp_settings(secrets_file: Path = SECRETS_FILE, environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """The relay's settings from the secrets file's `[smtp]` table, each field overridden by its variable."""
    environ = os.environ if environ is None else environ
    found: dict = {}
    if secrets_file.is_file():
        try:
            section = tomllib.loads(secrets_file.read_text(encoding="utf-8")).get("smtp", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            raise SmtpNotConfigured(f"{secrets_file} tidak bisa dibaca / cannot be read (TOML)") from None
        if not isinstance(section, dict):
            raise SmtpNotConfigured(f"{secrets_file}: [smtp] harus tabel / must be a table")
        found = {key: section[key] for key in FIELDS if key in section}
    for key in FIELDS:
        value = environ.get(ENV_PREFIX + key.upper())
        if value not in (None, ""):
            found[key] = value
    missing = [key for key in ("host", "sender") if not str(found.get(key) or "").strip()]
    if missing:
        raise SmtpNotConfigured(
            f"SMTP belum diatur / not configured: {', '.join(missing)} kosong / missing ([smtp] in {secrets_file} "
            f"or {', '.join(ENV_PREFIX + key.upper() for key in missing)})")
    tls = TLS_MODES.get(str(found.get("tls", "starttls")).strip().lower())
    if tls is None:
        raise SmtpNotConfigured(f"smtp tls: gunakan / use {', '.join(('starttls', 'ssl', 'none'))}")
    try:
        port = int(found.get("port") or DEFAULT_PORTS[tls])
    except (TypeError, ValueError):
        raise SmtpNotConfigured("smtp port harus angka / must be a number") from None
    return SmtpSettings(host=str(found["host"]).strip(), port=port, sender=str(found["sender"]).strip(), tls=tls,
                        user=str(found["user"]) if found.get("user") else None,
                        password=str(found["password"]) if found.get("password") else None)


def compose(sender: str, recipient: str, subject: str, body: str, files: Mapping[str, bytes],
            message_id: str) -> EmailMessage:
    """A plain-text message with `files` attached; the same `message_id` on a resend lets mail systems drop the copy."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id
    message.set_content(body)
    for name, content in files.items():
        kind = CONTENT_TYPES.get(Path(name).suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand the message to the relay; smtplib's exceptions (refusals, lost connections) and OSError pass up."""
    client = (smtplib.SMTP_SSL if settings.tls == "ssl" else smtplib.SMTP)(settings.host, settings.port,
                                                                          timeout=TIMEOUT_S)
    with client:
        if settings.tls == "starttls":
            client.starttls()  # raises SMTPNotSupportedError rather than go on in the clear
        if settings.user:
            client.login(settings.user, settings.password or "")
        client.send_message(message)
