from __future__ import annotations

from core.shared.settings import declare

ACTION_TIMEOUT_MINUTES = declare(
    "payments.action_timeout_minutes", int, 30,
    "How long a payment waiting for 3-D Secure blocks a new attempt on the same order before it counts as failed.",
    min=1, max=24 * 60,
)  # fmt: skip
