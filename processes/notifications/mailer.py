"""Sending one e-mail through the configured SMTP server (engine.settings: smtp_host, smtp_port, smtp_from,
smtp_tls = none | starttls | ssl, optional smtp_username / smtp_password)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from engine.errors import ConfigurationError
from engine.settings import Settings

TLS_MODES = ("none", "starttls", "ssl")
TIMEOUT_SECONDS = 20


class SmtpMailer:
    def __init__(self, settings: Settings):
        if settings.smtp_tls not in TLS_MODES:
            raise ConfigurationError(f"smtp_tls must be one of {', '.join(TLS_MODES)}, not {settings.smtp_tls!r}",
                                     user_message="メール送信の設定（smtp_tls）が正しくありません。")
        self.settings = settings

    def message(self, recipient: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.smtp_from
        message["To"] = recipient
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.settings.smtp_from.rpartition("@")[2] or None)
        message.set_content(body, charset="utf-8")
        return message

    def __call__(self, recipient: str, subject: str, body: str) -> None:
        s = self.settings
        factory = smtplib.SMTP_SSL if s.smtp_tls == "ssl" else smtplib.SMTP
        with factory(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            if s.smtp_tls == "starttls":
                smtp.starttls()
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password)
            smtp.send_message(self.message(recipient, subject, body))


def mailer_for(settings: Settings) -> SmtpMailer | None:
    """None when no SMTP server is configured: e-mail then waits in the outbox."""
    return SmtpMailer(settings) if settings.smtp_host else None
