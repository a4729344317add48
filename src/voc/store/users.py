"""People of a workspace: users with argon2 password hashes, sessions, login attempts.

Only hashes are stored: argon2id of the password, SHA-256 of the session token (a 256-bit
random value, so one hash is enough at rest), SHA-256 of (workspace, e-mail) for the
lockout counter so that attempts on unknown addresses are counted without storing them.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from voc.store.engine import Store
from voc.store.errors import ConflictError, NotFoundError
from voc.store.models import LoginAttempt, User, UserSession, Workspace, utcnow
from voc.store.queries import Scope

UserRole = Literal["admin", "manager", "seller", "viewer"]
USER_ROLES: tuple[UserRole, ...] = ("admin", "manager", "seller", "viewer")
#: What a user's role may do, in API-key terms (admin > analyst > viewer).
KEY_ROLE_OF: dict[str, Literal["admin", "analyst", "viewer"]] = {
    "admin": "admin",
    "manager": "analyst",
    "seller": "viewer",
    "viewer": "viewer",
}


@dataclass(frozen=True)
class UserRecord:
    id: str
    workspace_id: str
    email: str
    role: UserRole
    scopes: tuple[tuple[str, str], ...]
    created_at: datetime

    @property
    def scope(self) -> Scope:
        """The segments a seller may see; None (everything) for the other roles."""
        return self.scopes if self.role == "seller" else None


@dataclass(frozen=True)
class SessionRecord:
    id: str
    user: UserRecord
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginOutcome:
    """The user when the password matched; ``locked`` when too many failures came first."""

    user: UserRecord | None
    locked: bool = False


def normal_email(email: str) -> str:
    return email.strip().lower()


def parse_scope(text: str) -> tuple[str, str]:
    """``Office=Oslo`` -> ("Office", "Oslo"); a clear error for anything else."""
    column, sep, value = text.partition("=")
    if not sep or not column.strip() or not value.strip():
        raise ValueError(f"scope must be COLUMN=VALUE (e.g. Office=Oslo), not {text!r}")
    return column.strip(), value.strip()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _attempt_key(workspace: str, email: str) -> str:
    return hashlib.sha256(f"{workspace.strip()}\n{normal_email(email)}".encode()).hexdigest()


def _user_record(u: User) -> UserRecord:
    return UserRecord(
        id=u.id,
        workspace_id=u.workspace_id,
        email=u.email,
        role=cast(UserRole, u.role),
        scopes=tuple((str(c), str(v)) for c, v in (u.scopes or [])),
        created_at=u.created_at,
    )


class Accounts:
    """Users, sign-in and sessions over one Store's sessions (not tenant-scoped: auth).

    Every sign-in verifies exactly one argon2 hash, the user's or a dummy one for an
    unknown address, so a wrong password and an unknown user take the same time.
    """

    def __init__(
        self,
        store: Store,
        *,
        max_failures: int = 5,
        lockout: timedelta = timedelta(minutes=15),
        session_ttl: timedelta = timedelta(hours=12),
        hasher: PasswordHasher | None = None,
    ):
        self.store = store
        self.max_failures = max_failures
        self.lockout = lockout
        self.session_ttl = session_ttl
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    # --- users --------------------------------------------------------------------
    def create_user(
        self,
        workspace_id: str,
        email: str,
        password: str,
        role: str,
        scopes: tuple[tuple[str, str], ...] = (),
    ) -> UserRecord:
        """A new user; a seller needs at least one scope (else it would see nothing)."""
        if role not in USER_ROLES:
            raise ValueError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
        if role == "seller" and not scopes:
            raise ValueError("a seller needs at least one --scope COLUMN=VALUE")
        if role != "seller" and scopes:
            raise ValueError(f"only sellers have scopes; a {role} sees the whole workspace")
        if len(password) < 10:
            raise ValueError("the password must have at least 10 characters")
        email = normal_email(email)
        if "@" not in email:
            raise ValueError(f"not an e-mail address: {email!r}")
        with self.store.session(write=True) as session:
            if session.get(Workspace, workspace_id) is None:
                raise NotFoundError("workspace", workspace_id)
            taken = session.scalar(
                select(User.id).where(User.workspace_id == workspace_id, User.email == email)
            )
            if taken is not None:
                raise ConflictError(f"{email} already has an account in this workspace")
            user = User(
                id=uuid.uuid4().hex,
                workspace_id=workspace_id,
                email=email,
                password_hash=self.hasher.hash(password),
                role=role,
                scopes=[list(s) for s in scopes],
                created_at=utcnow(),
            )
            session.add(user)
            session.flush()
            return _user_record(user)

    def list_users(self, workspace_id: str) -> list[UserRecord]:
        with self.store.session() as session:
            users = session.scalars(
                select(User).where(User.workspace_id == workspace_id).order_by(User.email)
            )
            return [_user_record(u) for u in users]

    # --- sign-in ------------------------------------------------------------------
    def _failures(self, session: Session, key: str, now: datetime) -> tuple[int, datetime | None]:
        since = now - self.lockout
        last_success = session.scalar(
            select(func.max(LoginAttempt.at)).where(
                LoginAttempt.key_hash == key, LoginAttempt.success.is_(True)
            )
        )
        if last_success is not None and _aware(last_success) > since:
            since = _aware(last_success)
        n, last = session.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                LoginAttempt.key_hash == key,
                LoginAttempt.success.is_(False),
                LoginAttempt.at > since,
            )
        ).one()
        return int(n or 0), None if last is None else _aware(last)

    def sign_in(self, workspace: str, email: str, password: str) -> LoginOutcome:
        """Check a password; count the attempt; refuse while the address is locked out."""
        now = utcnow()
        key = _attempt_key(workspace, email)
        # Read, then verify the password outside any transaction (argon2 takes ~1 s), then
        # write the attempt in a short write transaction: no write lock is held while hashing.
        with self.store.session() as session:
            user = session.scalar(
                select(User)
                .join(Workspace, Workspace.id == User.workspace_id)
                .where(
                    Workspace.name == workspace.strip(),
                    User.email == normal_email(email),
                    User.disabled_at.is_(None),
                )
            )
            failures, _ = self._failures(session, key, now)
            record = None if user is None else _user_record(user)
            password_hash = user.password_hash if user else self._dummy_hash
        ok = self._verify(password_hash, password)
        locked = failures >= self.max_failures
        ok = ok and record is not None and not locked
        rehash = (
            self.hasher.hash(password)
            if ok and self.hasher.check_needs_rehash(password_hash)
            else None
        )
        with self.store.session(write=True) as session:
            session.add(LoginAttempt(key_hash=key, at=now, success=ok))
            if rehash is not None and record is not None:
                stored = session.get(User, record.id)
                if stored is not None:
                    stored.password_hash = rehash
        if locked:
            return LoginOutcome(None, locked=True)
        return LoginOutcome(record if ok else None)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    # --- sessions -----------------------------------------------------------------
    def start_session(self, user: UserRecord) -> tuple[SessionRecord, str]:
        """A fresh session (new random token and CSRF token); the token is returned once."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        row = UserSession(
            id=uuid.uuid4().hex,
            workspace_id=user.workspace_id,
            user_id=user.id,
            token_hash=_token_hash(token),
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + self.session_ttl,
        )
        with self.store.session(write=True) as session:
            session.add(row)
        return SessionRecord(row.id, user, row.csrf_token, row.expires_at), token

    def session_for(self, token: str) -> SessionRecord | None:
        """The live session of this cookie token, or None (unknown, expired, user gone)."""
        if not token:
            return None
        with self.store.session() as session:
            found = session.execute(
                select(UserSession, User)
                .join(User, User.id == UserSession.user_id)
                .where(UserSession.token_hash == _token_hash(token), User.disabled_at.is_(None))
            ).one_or_none()
            if found is None:
                return None
            row, user = found
            if _aware(row.expires_at) <= utcnow():
                return None
            return SessionRecord(row.id, _user_record(user), row.csrf_token, row.expires_at)

    def end_session(self, token: str) -> None:
        """Sign out: the session row is deleted, so the old cookie is worthless."""
        with self.store.session(write=True) as session:
            session.execute(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
