"""Runtime settings, languages, the audit log and failed jobs, as staff and the CLI see them."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.platform.audit import audit
from core.platform.model import SYSTEM_LANGUAGES, AuditEntry, DeadLetter, Language
from core.shared.actor import Actor
from core.shared.pagination import Page, PageRequest
from core.shared.settings import REGISTRY, lookup

if TYPE_CHECKING:
    from ports.platform import AuditQuery
    from ports.services import Clock, LanguageSource, RuntimeSettings, TaskQueue
    from ports.uow import UnitOfWork


@attrs.frozen
class SettingView:
    key: str
    type: str
    default: Any
    value: Any
    help: str
    is_default: bool


@attrs.define
class ListSettings:
    settings: RuntimeSettings

    async def __call__(self) -> list[SettingView]:
        overrides = await self.settings.overrides()
        views: list[SettingView] = []
        for key, s in sorted(REGISTRY.items()):
            default = s.dump(s.default)
            views.append(
                SettingView(key, s.type_name, default, overrides.get(key, default), s.help, key not in overrides)
            )
        return views


@attrs.frozen
class ChangeSetting:
    actor: Actor
    key: str
    value: Any


@attrs.define
class UpdateSetting:
    """Override a runtime setting (type-checked against its declaration); None resets it to the default."""

    uow: UnitOfWork
    settings: RuntimeSettings

    async def __call__(self, cmd: ChangeSetting) -> SettingView:
        setting = lookup(cmd.key)
        async with self.uow:
            before = (await self.uow.setting_overrides.all()).get(cmd.key, setting.dump(setting.default))
            if cmd.value is None:
                await self.uow.setting_overrides.remove(cmd.key)
                after = setting.dump(setting.default)
            else:
                after = setting.dump(setting.parse(cmd.value))
                await self.uow.setting_overrides.put(cmd.key, after, cmd.actor.user_id)
            await audit(self.uow, cmd.actor, "setting.update", "setting", cmd.key, {"value": [before, after]})
            await self.uow.commit()
        await self.settings.invalidate()
        default = setting.dump(setting.default)
        return SettingView(cmd.key, setting.type_name, default, after, setting.help, cmd.value is None)


@attrs.define
class LoadLanguages:
    """Insert the ISO 639-1 languages that are missing, marking the system languages (idempotent)."""

    uow: UnitOfWork
    source: LanguageSource

    async def __call__(self) -> int:
        added = 0
        async with self.uow:
            for language in self.source.languages():
                if await self.uow.languages.by_code(language.iso639_1) is None:
                    language.is_system_language = language.iso639_1 in SYSTEM_LANGUAGES
                    await self.uow.languages.add(language)
                    added += 1
            await self.uow.commit()
        return added


@attrs.define
class ListLanguages:
    uow: UnitOfWork

    async def __call__(self, system_only: bool = False) -> list[Language]:
        async with self.uow:
            return await self.uow.languages.list(system_only=system_only)


@attrs.define
class ReadAuditLog:
    uow: UnitOfWork

    async def __call__(self, query: AuditQuery, page: PageRequest) -> Page[AuditEntry]:
        async with self.uow:
            return await self.uow.audit.list(query, page)


@attrs.define
class ListDeadLetters:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest) -> Page[DeadLetter]:
        async with self.uow:
            return await self.uow.dead_letters.list(page)


@attrs.define
class RetryDeadLetter:
    """Queue a failed job again with its payload; the letter stays, marked with when it was retried."""

    uow: UnitOfWork
    queue: TaskQueue
    clock: Clock

    async def __call__(self, actor: Actor, letter_id: uuid.UUID) -> DeadLetter:
        async with self.uow:
            letter = await self.uow.dead_letters.get(letter_id)
            letter.retried_at = self.clock.now()
            await audit(self.uow, actor, "job.retry", "dead_letter", letter.id, {"job": [None, letter.job]})
            await self.uow.commit()
        await self.queue.enqueue(letter.job, letter.payload)
        return letter
