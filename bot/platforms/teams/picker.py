"""Teams' people picker names people by Microsoft Entra object id, which the bot cannot
message: each maps to the Teams user id (29:...) of someone the bot has heard from."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.conversation import Platform
from bot.core.ports import DirectoryIds


class TeamsPeoplePicker:
    def __init__(self, directory: DirectoryIds) -> None:
        self._directory = directory

    def shown_as(self, user_id: str, directory_id: str | None) -> str:
        return directory_id or user_id

    async def user_ids(self, workspace: str, picked: Sequence[str]) -> list[str | None]:
        return [await self._directory.user_id_of(Platform.TEAMS.value, workspace, value)
                for value in picked]
