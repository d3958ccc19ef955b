from __future__ import annotations

from core.shared.settings import declare

ADDRESSES_PER_USER = declare("address.max_per_user", int, 50, "How many addresses one customer may keep.",
                             min=1, max=1000)  # fmt: skip
