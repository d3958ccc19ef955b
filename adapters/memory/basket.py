"""Baskets on the memory store."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from adapters.memory.discounts import category_lineages
from adapters.memory.repositories import _Repo, fields_of, rebuild
from core.basket.model import Basket, BasketLine
from core.basket.pricing import Offer
from core.promotions.discounts import discounted, target_of
from core.shared.errors import NotFound
from core.shared.time import utcnow


class MemoryBaskets(_Repo):
    table, entity_name, model = "baskets", "basket", Basket

    def dump(self, row: Any) -> Any:
        return {**super().dump(row), "lines": [fields_of(ln) for ln in row.lines]}

    def restore(self, data: Any) -> Any:
        return super().restore({**data, "lines": [rebuild(BasketLine, ln) for ln in data["lines"]]})

    async def get(self, key: uuid.UUID, *, for_update: bool = False) -> Basket | None:
        return self._load(key)  # type: ignore[no-any-return]

    async def for_user(self, user_id: uuid.UUID) -> Basket | None:
        return next((b for b in self._all() if b.user_id == user_id and b.status == "active"), None)

    async def offers(self, variant_ids: Collection[uuid.UUID], currency: str) -> dict[uuid.UUID, Offer]:
        found: dict[uuid.UUID, Offer] = {}
        discounts = await self.uow.discounts.live(currency, utcnow())  # standalone discounts lower the price
        lineages = category_lineages(self.store, discounts)
        for variant_id in set(variant_ids):
            try:
                variant = await self.uow.variants.get(variant_id)
                product = await self.uow.products.get(variant.product_id)
            except NotFound:
                continue
            price = variant.price_in(currency)
            sale = price.sale_price if price else None
            if price is not None and discounts:
                target = target_of(variant.id, product.id, product.brand_id, product.category_id, lineages)
                sale = discounted(price.list_price, price.sale_price, target, discounts)
            found[variant_id] = Offer(
                variant_id=variant.id, product_id=product.id, product_name=product.name, variant_name=variant.name,
                sku=variant.code, price=sale, tax_rate=product.tax_rate,
                active=variant.is_active and product.is_active, brand_id=product.brand_id,
                category_id=product.category_id,
            )  # fmt: skip
        return found

    async def abandon_idle(self, before: datetime, batch: int) -> int:
        idle = [b for b in self._all() if b.status == "active" and b.last_activity_at < before][:batch]
        for basket in idle:
            basket.status = "abandoned"
        return len(idle)
