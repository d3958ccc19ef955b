"""Adapters over the machine and well-kept libraries: clock, argon2, JWT, phonenumbers, pycountry, Jinja2."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import argon2
import babel
import jinja2
import jwt
import phonenumbers
import pycountry

from core.platform.model import Language
from core.shared.errors import Invalid, Unauthenticated
from ports.services import AccessClaims


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Argon2Hasher:
    """argon2id; costs default to argon2-cffi's RFC 9106 low-memory profile."""

    def __init__(self, time_cost: int | None = None, memory_cost: int | None = None) -> None:
        params: dict[str, Any] = {}
        if time_cost:
            params["time_cost"] = time_cost
        if memory_cost:
            params["memory_cost"] = memory_cost
            # argon2 needs at least 8 KiB per lane: a tiny (test) memory cost runs on fewer lanes
            params["parallelism"] = max(1, min(argon2.DEFAULT_PARALLELISM, memory_cost // 8))
        self._hasher = argon2.PasswordHasher(**params)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


class JwtAccessTokens:
    """HS256 access tokens carrying the account and session ids."""

    def __init__(self, secret: str, issuer: str = "carsi") -> None:
        self._secret, self._issuer = secret, issuer

    def issue(self, account_id: str, session_id: str, expires_at: datetime) -> str:
        claims = {"sub": account_id, "sid": session_id, "exp": expires_at, "iat": datetime.now(UTC),
                  "iss": self._issuer, "typ": "access"}  # fmt: skip
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def read(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(token, self._secret, algorithms=["HS256"], issuer=self._issuer,
                                options={"require": ["sub", "sid", "exp"]})  # fmt: skip
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the access token has expired", code="token_expired") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("the access token is invalid", code="invalid_token") from None
        if claims.get("typ") != "access":
            raise Unauthenticated("not an access token", code="invalid_token")
        return AccessClaims(str(claims["sub"]), str(claims["sid"]), datetime.fromtimestamp(claims["exp"], UTC))


class PhoneNumbersAdapter:
    def __init__(self, default_region: str = "TR") -> None:
        self._region = default_region

    def normalize(self, raw: str) -> str:
        try:
            number = phonenumbers.parse(raw, self._region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise Invalid.field("phone", "not a valid phone number", code="invalid_phone")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PycountryLanguages:
    """ISO 639-1 languages from pycountry, native names and a flag from CLDR (babel) where it knows them."""

    def languages(self) -> Iterable[Language]:
        for lang in pycountry.languages:
            code = getattr(lang, "alpha_2", None)
            if not code:
                continue
            native, flag = lang.name, ""
            try:
                locale = babel.Locale.parse(code)
                native = (locale.get_display_name(code) or lang.name).strip()
                region = babel.Locale.parse(babel.core.get_global("likely_subtags").get(code, code)).territory
                flag = _flag(region) if region else ""
            except (babel.UnknownLocaleError, ValueError):
                pass
            yield Language(name=lang.name, native_name=native, flag=flag, iso639_1=code,
                           iso639_2=getattr(lang, "bibliographic", None) or lang.alpha_3)  # fmt: skip


def _flag(region: str) -> str:
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in region.upper()) if len(region) == 2 else ""


class JinjaTemplates:
    """Message templates under adapters/templates/messages: the first line is the subject."""

    def __init__(self, directory: Path | None = None) -> None:
        directory = directory or Path(__file__).parent / "templates" / "messages"
        self._env = jinja2.Environment(loader=jinja2.FileSystemLoader(directory), autoescape=False,
                                       undefined=jinja2.StrictUndefined, keep_trailing_newline=True)  # fmt: skip

    def render(self, name: str, context: dict[str, Any]) -> tuple[str, str]:
        subject, _, body = self._env.get_template(f"{name}.txt").render(context).partition("\n")
        return subject.strip(), body.strip() + "\n"
