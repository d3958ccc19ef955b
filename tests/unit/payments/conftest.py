from __future__ import annotations

import pytest

from tests.unit.conftest import App
from tests.unit.payments.orders import sandbox


@pytest.fixture
async def shop(app: App) -> App:
    await sandbox(app.uow())
    return app
