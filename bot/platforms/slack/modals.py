"""Forms as Slack modals, and modal submissions back into neutral Submissions."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextObject
from slack_sdk.models.views import View

from bot.core.conversation import Actor, ConversationKind, ConversationRef
from bot.core.forms import FieldKind, Form, Submission
from bot.platforms.slack.inputs import VALUE_ACTION, element, value
from bot.platforms.slack.mrkdwn import clip

MODAL_TITLE_MAX = 24
SUBMIT_LABEL_MAX = 24
LABEL_MAX = 2000
PRIVATE_METADATA_MAX = 3000


def form_view(form: Form, conversation: ConversationRef) -> View:
    """The modal for `form`; the conversation it was opened from rides in private_metadata."""
    metadata = json.dumps({"conversation": conversation.to_dict(), "context": form.context})
    if len(metadata) > PRIVATE_METADATA_MAX:
        raise ValueError(f"form {form.id} carries too much context for a Slack modal")
    blocks = [
        InputBlock(
            block_id=field.id,
            label=PlainTextObject(text=clip(field.label, LABEL_MAX)),
            element=element(field),
            optional=not field.required or field.kind is FieldKind.CHECKBOX,
            hint=PlainTextObject(text=field.hint) if field.hint else None,
        )
        for field in form.fields
    ]
    return View(
        type="modal", callback_id=str(form.id),
        title=PlainTextObject(text=clip(form.title, MODAL_TITLE_MAX)),
        submit=PlainTextObject(text=clip(form.submit_label, SUBMIT_LABEL_MAX)),
        close=PlainTextObject(text="Cancel"), private_metadata=metadata, blocks=blocks,
    )


def submission_from_view(view: dict[str, Any], actor: Actor) -> Submission:
    """The neutral Submission of a view_submission payload's `view`."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        metadata = {}
    # The workspace is the payload's, whatever the (client-held) metadata says.
    found = ConversationRef.from_dict(metadata.get("conversation") or {})
    conversation = replace(found, workspace=actor.workspace) if found else None
    values = {
        # An input's one element: VALUE_ACTION, or a searched menu under its search action.
        block_id: value(actions.get(VALUE_ACTION) or next(iter(actions.values()), {}))
        for block_id, actions in view.get("state", {}).get("values", {}).items()
    }
    return Submission(
        form_id=str(view["callback_id"]), actor=actor,
        conversation=conversation or ConversationRef(actor.platform, actor.user_id,
                                                     ConversationKind.DIRECT,
                                                     workspace=actor.workspace),
        values=values, context=dict(metadata.get("context") or {}),
    )
