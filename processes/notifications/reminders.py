"""How the family is reminded of the booked visit: the channel they chose, if it can be used."""
from __future__ import annotations

import re

EMAIL, LETTER = "email", "letter"
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def reminder_channel(data: dict) -> tuple[str, str | None]:
    """(channel, e-mail address or None). E-mail when the applicant asked for it or gave no preference, and
    gave a usable address; a letter (to the address on the booking) otherwise."""
    applicant = data.get("applicant") if isinstance(data.get("applicant"), dict) else {}
    address = applicant.get("email") or data.get("contact_email")
    preference = data.get("contact_preference")
    usable = isinstance(address, str) and bool(_ADDRESS.match(address.strip()))
    if usable and preference in (None, "", EMAIL):
        return EMAIL, address.strip()
    return LETTER, None
