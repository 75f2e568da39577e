"""Slack's people picker answers with the user ids the bot messages people by."""

from __future__ import annotations

from collections.abc import Sequence


class SlackPeoplePicker:
    def shown_as(self, user_id: str, directory_id: str | None) -> str:
        return user_id

    async def user_ids(self, workspace: str, picked: Sequence[str]) -> list[str | None]:
        return list(picked)
