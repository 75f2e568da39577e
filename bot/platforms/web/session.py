"""The dashboard's session: a signed cookie naming a workspace and a person, nothing else
(what they may open is read from the database on every request)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "partnerops_dashboard"
LASTS = timedelta(hours=8)
SALT = "partnerops.dashboard.session"


@dataclass(frozen=True)
class SessionOf:
    workspace_id: int
    person_id: int


class SessionCookies:
    def __init__(self, secret: str) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt=SALT)

    def value(self, session: SessionOf) -> str:
        return self._signer.dumps([session.workspace_id, session.person_id])

    def read(self, value: str | None) -> SessionOf | None:
        """The session a cookie carries; None when missing, forged or older than LASTS."""
        if not value:
            return None
        try:
            workspace_id, person_id = self._signer.loads(
                value, max_age=int(LASTS.total_seconds()))
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(workspace_id, int) or not isinstance(person_id, int):
            return None
        return SessionOf(workspace_id, person_id)
