"""Setting up what a checkout needs — a variant with a price, stock in warehouses, a payment method, a basket —
through the other contexts' use cases and repositories, on any container (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import Any

from core.accounts.secrets import new_token
from core.basket.model import Basket
from core.catalog.model import Variant
from core.catalog.use_cases.products import CreateProduct, CreateVariant, NewProduct, NewVariant
from core.catalog.use_cases.taxonomy import CreateBrand, CreateCategory, NewBrand, NewCategory
from core.inventory.reservations import available
from core.inventory.use_cases.stock import NewMovement, RecordMovement
from core.inventory.use_cases.warehouses import CreateWarehouse, NewWarehouse
from core.payments.demo import ensure_sandbox
from core.payments.model import PaymentMethod
from core.shared.actor import Actor
from core.shared.money import Money
from core.shared.time import utcnow
from ports.uow import UnitOfWork

STAFF = Actor(uuid.uuid4(), is_superuser=True)
_n = itertools.count(1)


def _code(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}-{next(_n)}"


class Shop:
    """Everything goes through the container the app itself uses."""

    def __init__(self, container: Any) -> None:
        self.c = container
        self._taxonomy: tuple[uuid.UUID, uuid.UUID] | None = None

    def uow(self) -> UnitOfWork:
        return self.c.resolve(UnitOfWork)  # type: ignore[no-any-return]

    async def variant(self, price: str = "100.00", *, tax_rate: int = 20, name: str = "Pamuklu Tişört") -> Variant:
        if self._taxonomy is None:
            brand = await self.c.resolve(CreateBrand)(NewBrand(STAFF, "Marka", _code("B")))
            category = await self.c.resolve(CreateCategory)(NewCategory(STAFF, "Giyim", _code("C")))
            self._taxonomy = (brand.id, category.id)
        brand_id, category_id = self._taxonomy
        product = await self.c.resolve(CreateProduct)(NewProduct(STAFF, name, _code("P"), brand_id, category_id,
                                                                 tax_rate=Decimal(tax_rate)))  # fmt: skip
        return await self.c.resolve(CreateVariant)(  # type: ignore[no-any-return]
            NewVariant(STAFF, product.id, _code("V"), [], Money.of(price, "TRY"), name="Kırmızı M")
        )

    async def warehouse(self, priority: int = 0) -> uuid.UUID:
        code = _code("W")
        made = await self.c.resolve(CreateWarehouse)(NewWarehouse(STAFF, f"Depo {code}", code, priority=priority))
        return made.id  # type: ignore[no-any-return]

    async def stock(self, variant_id: uuid.UUID, quantity: int, warehouse_id: uuid.UUID | None = None) -> uuid.UUID:
        warehouse_id = warehouse_id or await self.warehouse()
        await self.c.resolve(RecordMovement)(NewMovement(STAFF, "in", variant_id, quantity, warehouse_id=warehouse_id))
        return warehouse_id

    async def available(self, variant_id: uuid.UUID) -> int:
        async with self.uow() as uow:
            return (await available(uow, [variant_id]))[variant_id]

    async def payment_method(self, code: str = "sandbox", *, min_amount: str | None = None,
                             max_amount: str | None = None, active: bool = True) -> None:  # fmt: skip
        async with self.uow() as uow:
            sandbox = await ensure_sandbox(uow)  # the built-in method, and its provider
            if code != "sandbox":
                await uow.payment_methods.add(PaymentMethod(
                    name=code.title(), code=code, provider_id=sandbox.provider_id, is_active=active,
                    min_amount=Decimal(min_amount) if min_amount else None,
                    max_amount=Decimal(max_amount) if max_amount else None))  # fmt: skip
            await uow.commit()

    async def basket(
        self, *lines: tuple[Variant, int], user_id: uuid.UUID | None = None
    ) -> tuple[uuid.UUID, str | None]:
        """(basket id, guest token — None for a user's basket)."""
        token, hashed = new_token() if user_id is None else (None, None)
        basket = Basket(user_id=user_id, token_hash=hashed, currency="TRY")
        for variant, quantity in lines:
            price = variant.price_in("TRY")
            assert price is not None
            basket.put(variant.id, quantity, price.sale_price, utcnow())
        async with self.uow() as uow:
            await uow.baskets.add(basket)
            await uow.commit()
        return basket.id, token
