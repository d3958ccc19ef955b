from __future__ import annotations

from core.shared.settings import declare

ACCESS_TOKEN_MINUTES = declare("auth.access_token_minutes", int, 15, "Lifetime of an access token.", min=1, max=1440)
REFRESH_TOKEN_DAYS = declare("auth.refresh_token_days", int, 30, "Lifetime of a login session and its refresh tokens.",
                             min=1, max=365)  # fmt: skip
LOGIN_FAILURES_PER_EMAIL = declare("auth.login_failures_per_email", int, 10,
                                   "Failed logins for one e-mail within the window before it is locked (429).",
                                   min=1)  # fmt: skip
LOGIN_FAILURES_PER_CLIENT = declare("auth.login_failures_per_client", int, 100,
                                    "Failed logins from one client address within the window before it is locked.",
                                    min=1)  # fmt: skip
LOGIN_WINDOW_SECONDS = declare("auth.login_window_seconds", int, 900, "Window that login failures count in.", min=1)
EMAIL_TOKEN_HOURS = declare("auth.email_token_hours", int, 24,
                            "How long an e-mailed verification or password-reset link works.", min=1)  # fmt: skip
PHONE_CODE_MINUTES = declare("auth.phone_code_minutes", int, 10, "How long an SMS verification code works.", min=1)
PHONE_CODE_ATTEMPTS = declare("auth.phone_code_attempts", int, 5, "Wrong codes allowed before a code is void.", min=1)
PASSWORD_MIN_LENGTH = declare("auth.password_min_length", int, 8, "Shortest password accepted.", min=8, max=128)
MESSAGES_PER_HOUR = declare("auth.messages_per_hour", int, 5,
                            "Verification or reset messages one account may be sent per hour, per kind.",
                            min=1, max=100)  # fmt: skip
