"""How the family is reminded of the booked visit: the channel they chose at booking (phone, e-mail, letter), and
whether a reminder can still reach them before the visit."""
from __future__ import annotations

import re
from datetime import date, datetime

PHONE, EMAIL, LETTER = "phone", "email", "letter"
CHANNELS = (PHONE, EMAIL, LETTER)
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def reminder_channel(data: dict) -> tuple[str, str | None]:
    """(channel, e-mail address or None). The family's choice: a phone call, or an e-mail when they gave a
    usable address, or a letter to the address on the booking. Without a choice (bookings made before the
    question was asked): e-mail when there is an address, else a letter."""
    applicant = data.get("applicant") if isinstance(data.get("applicant"), dict) else {}
    address = applicant.get("email") or data.get("contact_email")
    preference = data.get("contact_preference")
    usable = isinstance(address, str) and bool(_ADDRESS.match(address.strip()))
    if preference == PHONE:
        return PHONE, None
    if usable and preference in (None, "", EMAIL):
        return EMAIL, address.strip()
    return LETTER, None


def reminder_too_late(channel: str, reminder_on: date | None, visit_start: datetime | None, now: datetime) -> bool:
    """A reminder that cannot help: the visit has begun or passed, or a letter whose day (the lead time before the
    visit) is already over, so it would arrive after the family came (a visit booked or moved that close, or a
    timer fired late after downtime)."""
    if visit_start is not None and now >= visit_start:
        return True
    return channel == LETTER and reminder_on is not None and now.date() > reminder_on
