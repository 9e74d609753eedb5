"""Signing in with a second factor, shared by every staff audience: TOTP enrolment at the first sign-in, the code
or a recovery code after the password, and the QR code the enrolment and account pages show."""
