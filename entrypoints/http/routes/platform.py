"""Platform routes: languages (public), runtime settings, the audit log and failed jobs (staff)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import attrs

from core.platform.model import AuditEntry, DeadLetter, Language
from core.platform.use_cases import (
    ChangeSetting,
    ListDeadLetters,
    ListLanguages,
    ListSettings,
    ReadAuditLog,
    RetryDeadLetter,
    SettingView,
    UpdateSetting,
)
from entrypoints.http.api import Ctx, Items, PageOut, PageQuery, Routes, page_out, page_request
from ports.platform import AuditQuery

routes = Routes("platform")


@attrs.frozen
class LanguageOut:
    id: uuid.UUID
    name: str
    native_name: str
    flag: str
    iso639_1: str
    iso639_2: str
    is_system_language: bool


def language_out(lang: Language) -> LanguageOut:
    return LanguageOut(lang.id, lang.name, lang.native_name, lang.flag, lang.iso639_1, lang.iso639_2,
                       lang.is_system_language)  # fmt: skip


@attrs.frozen
class LanguageQuery:
    system: bool = False


@attrs.frozen
class SettingIn:
    """The new value, of the setting's type; null resets it to its default."""

    value: Any


@attrs.frozen
class AuditQueryIn(PageQuery):
    actor_id: uuid.UUID | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@attrs.frozen
class AuditOut:
    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    action: str
    target_type: str
    target_id: str
    changes: dict[str, Any]


def audit_out(e: AuditEntry) -> AuditOut:
    return AuditOut(e.id, e.at, e.actor_id, e.action, e.target_type, e.target_id, e.changes)


@attrs.frozen
class DeadLetterOut:
    id: uuid.UUID
    job: str
    payload: dict[str, Any]
    error: str
    tries: int
    failed_at: datetime
    retried_at: datetime | None


def dead_letter_out(d: DeadLetter) -> DeadLetterOut:
    return DeadLetterOut(d.id, d.job, redacted(d.payload), d.error, d.tries, d.failed_at, d.retried_at)


SECRET_KEYS = frozenset({"secret", "password", "token", "code"})


def redacted(value: Any) -> Any:
    """Payloads may carry one-time secrets (an e-mailed reset link): staff see that one was there, not what."""
    if isinstance(value, dict):
        return {k: "[redacted]" if k in SECRET_KEYS else redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(v) for v in value]
    return value


@routes.get("/api/v1/languages", query=LanguageQuery, response=Items[LanguageOut], auth="none")
async def list_languages(ctx: Ctx) -> Items[LanguageOut]:
    """ISO 639-1 languages; `?system=true` gives only the shop's system languages (Turkish, English)."""
    return Items([language_out(lang) for lang in await ctx.use(ListLanguages)(system_only=ctx.query.system)])


@routes.get("/api/v1/admin/settings", response=Items[SettingView], permission="settings.manage")
async def list_settings(ctx: Ctx) -> Items[SettingView]:
    """Every runtime setting with its type, default, current value and help text."""
    return Items(await ctx.use(ListSettings)())


@routes.put("/api/v1/admin/settings/{key}", body=SettingIn, response=SettingView, permission="settings.manage")
async def put_setting(ctx: Ctx) -> SettingView:
    """Override a runtime setting; a value of the wrong type is 422, null resets it."""
    return await ctx.use(UpdateSetting)(ChangeSetting(ctx.me, ctx.params["key"], ctx.body.value))


@routes.delete("/api/v1/admin/settings/{key}", status=204, permission="settings.manage")
async def reset_setting(ctx: Ctx) -> None:
    """Drop the override: the setting goes back to its default."""
    await ctx.use(UpdateSetting)(ChangeSetting(ctx.me, ctx.params["key"], None))


@routes.get("/api/v1/admin/audit-log", query=AuditQueryIn, response=PageOut[AuditOut], permission="audit.read")
async def audit_log(ctx: Ctx) -> PageOut[AuditOut]:
    """Staff writes, newest first, filtered by actor, target and time."""
    q: AuditQueryIn = ctx.query
    query = AuditQuery(actor_id=q.actor_id, target_type=q.target_type, target_id=q.target_id, since=q.since,
                       until=q.until)  # fmt: skip
    return page_out(await ctx.use(ReadAuditLog)(query, page_request(q)), audit_out)


@routes.get("/api/v1/admin/jobs/dead-letters", query=PageQuery, response=PageOut[DeadLetterOut],
            permission="jobs.manage")  # fmt: skip
async def dead_letters(ctx: Ctx) -> PageOut[DeadLetterOut]:
    """Jobs that failed every try, newest first."""
    return page_out(await ctx.use(ListDeadLetters)(page_request(ctx.query)), dead_letter_out)


@routes.post("/api/v1/admin/jobs/dead-letters/{letter_id:uuid}/retry", response=DeadLetterOut,
             permission="jobs.manage")  # fmt: skip
async def retry_dead_letter(ctx: Ctx) -> DeadLetterOut:
    """Queue a failed job again with its payload."""
    return dead_letter_out(await ctx.use(RetryDeadLetter)(ctx.me, ctx.params["letter_id"]))
