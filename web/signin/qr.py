"""The QR code of an authenticator app's otpauth URI, drawn on the server (segno) as an SVG data: URI: the pages'
CSP allows data: images, so no script draws it."""
from __future__ import annotations

import segno


def qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
