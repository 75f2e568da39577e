"""The dashboard's session cookie: the id of a session the database keeps, signed (a cookie
that was not ours is refused before the database is asked). What the session may open is
read from the database on every request, and signing out ends it there."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.core.pages import SESSION_LASTS

COOKIE = "partnerops_dashboard"
SALT = "partnerops.dashboard.session"


class SessionCookies:
    def __init__(self, secret: str) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt=SALT)

    def value(self, session_id: str) -> str:
        return self._signer.dumps(session_id)

    def read(self, value: str | None) -> str | None:
        """The session id a cookie carries; None when missing, forged or too old."""
        if not value:
            return None
        try:
            session_id = self._signer.loads(value, max_age=int(SESSION_LASTS.total_seconds()))
        except (BadSignature, ValueError, TypeError):
            return None
        return session_id if isinstance(session_id, str) else None
