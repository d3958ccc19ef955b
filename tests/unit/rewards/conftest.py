from __future__ import annotations

import pytest

from tests.unit.conftest import App
from tests.unit.rewards.points import Points


@pytest.fixture
def points(app: App) -> Points:
    return Points(app.container)
