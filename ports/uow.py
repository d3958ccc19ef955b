"""The unit of work: one transaction, the repositories that share it, and the events it commits."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from core.shared.entity import Entity
from core.shared.events import Event
from ports.accounts import AccountRepository, OneTimeTokenRepository, RoleRepository, SessionRepository
from ports.address import AddressRepository, GeoRepository
from ports.basket import BasketRepository
from ports.catalog import (
    BrandRepository,
    CategoryRepository,
    OptionKeyRepository,
    ProductRepository,
    VariantRepository,
)
from ports.company import CompanyRepository
from ports.discounts import DiscountRepository
from ports.gallery import MediaRepository, ProductImageRepository
from ports.inventory import MovementRepository, StockRepository, WarehouseRepository
from ports.notifications import (
    NotificationEmailRepository,
    NotificationPreferenceRepository,
    NotificationRepository,
)
from ports.ordering import OrderRepository
from ports.payments import (
    PaymentMethodRepository,
    PaymentProviderRepository,
    PaymentRefundRepository,
    PaymentTransactionRepository,
)
from ports.platform import (
    AuditLog,
    DeadLetterRepository,
    LanguageRepository,
    Outbox,
    ProcessedEvents,
    SettingOverrideRepository,
)
from ports.promotions import PromotionRepository
from ports.rewards import RewardRepository


class UnitOfWork(Protocol):
    """`async with uow:` opens a transaction; leaving without `commit()` rolls it back.

    On commit, the events recorded by every aggregate the repositories handed out or took, and those
    given to `emit`, are written to the outbox in the same transaction.
    """

    accounts: AccountRepository
    roles: RoleRepository
    sessions: SessionRepository
    one_time_tokens: OneTimeTokenRepository
    setting_overrides: SettingOverrideRepository
    languages: LanguageRepository
    audit: AuditLog
    dead_letters: DeadLetterRepository
    processed_events: ProcessedEvents
    outbox: Outbox
    categories: CategoryRepository
    brands: BrandRepository
    option_keys: OptionKeyRepository
    products: ProductRepository
    variants: VariantRepository
    companies: CompanyRepository
    geo: GeoRepository
    addresses: AddressRepository
    media: MediaRepository
    product_images: ProductImageRepository
    warehouses: WarehouseRepository
    stock: StockRepository
    stock_movements: MovementRepository
    payment_providers: PaymentProviderRepository
    payment_methods: PaymentMethodRepository
    payment_transactions: PaymentTransactionRepository
    payment_refunds: PaymentRefundRepository
    orders: OrderRepository
    baskets: BasketRepository
    notifications: NotificationRepository
    notification_preferences: NotificationPreferenceRepository
    notification_emails: NotificationEmailRepository
    discounts: DiscountRepository  # promotions: standalone discounts
    rewards: RewardRepository  # rewards: points balances and ledger
    promotions: PromotionRepository  # promotions: campaigns, coupons, bundles, order promotions

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    def track(self, entity: Entity) -> None:
        """Collect the entity's events at commit (repositories call this for what they hand out)."""
        ...

    def emit(self, event: Event) -> None:
        """An event not recorded by an aggregate, committed to the outbox with this transaction."""
        ...
