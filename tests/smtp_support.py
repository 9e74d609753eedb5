"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and the platform wired to it: for the
notification and escalation tests. Also the staff accounts those tests notify."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from engine.db.models import User
from engine.settings import load_settings
from processes.platform import Platform

STAFF = {  # username: (role, ward, department)
    "kumin_naka": ("dept_staff", "nakahara", "kumin"), "kumin_naka2": ("dept_staff", "nakahara", "kumin"),
    "hoken_naka": ("dept_staff", "nakahara", "hoken_nenkin"), "kourei_naka": ("dept_staff", "nakahara", "kourei_shogai"),
    "kumin_tama": ("dept_staff", "tama", "kumin"), "counter_naka": ("counter", "nakahara", None),
    "counter_tama": ("counter", "tama", None), "sv": ("supervisor", None, None), "sv_tama": ("supervisor", "tama", None),
    "op": ("operator", None, None),
}


class Inbox:
    """The aiosmtpd handler: every message received, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, (_, rcpts) in zip(self.messages, self.envelopes) if address in rcpts]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_platform(tmp_path, database, data_key, case_runtime, smtp_server):
    """The case process with e-mail going to the loopback SMTP server, and the staff of STAFF."""
    folder = tmp_path / "mail-instance"
    folder.mkdir()
    (folder / "okuyami.toml").write_text(
        f'database_url = "{database.url}"\nsecret_key = "test"\ndata_key = "{data_key}"\n'
        f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp_server.port}\nsmtp_from = "okuyami@city.example.jp"\n'
        'base_url = "https://okuyami.city.example.jp"\n', encoding="utf-8")
    with database.transaction() as session:
        for name, (role, ward, department) in STAFF.items():
            session.add(User(username=name, display_name=name, role=role, ward=ward, department=department,
                             password_hash="!unusable", active=True, failed_logins=0))
    return Platform(load_settings(folder, environ={}), database, case_runtime.registry, case_runtime)
