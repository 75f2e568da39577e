"""Answers for `partnerops export answers`: each one a (question, type, value) document."""

from __future__ import annotations

from typing import Any

from handlers.common.questions import read_question
from storage.cadences import export as stored


def _typed(item: dict[str, Any]) -> dict[str, Any]:
    """A stored (question line, value) as the question, its type and the value as data."""
    question = read_question(str(item["question"]))
    return {"question": question.text, "type": question.type.value,
            "value": question.value(str(item["value"] or ""))}


async def answer_rows(session: Any, workspace_id: int | None = None) -> list[dict[str, Any]]:
    """Storage's answer rows with every answer typed by the question it answered."""
    rows = await stored.answer_rows(session, workspace_id)
    return [{**row, "answers": [_typed(item) for item in row["answers"]]} for row in rows]
