"""Payment gateways, picked by the provider's code."""

from __future__ import annotations

from typing import Any

from core.shared.errors import Conflict


class GatewayRegistry:
    def __init__(self, gateways: dict[str, Any]) -> None:
        self.gateways = gateways

    def get(self, provider_code: str) -> Any:
        try:
            return self.gateways[provider_code]
        except KeyError:
            raise Conflict(f"no gateway for provider {provider_code!r}", code="payment_method_unavailable") from None
