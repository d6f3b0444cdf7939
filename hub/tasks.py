"""Background tasks of the core (django-q2). Each loads what it needs and is safe to run twice."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

# (filename, content, mimetype). The content travels through the task broker as JSON, so it
# is text: as it is for "text/*" types (an .ics file), base64 for anything else.
Attachment = Sequence[str]


def send_templated_email(
    *,
    to: list[str],
    template: str,
    context: dict,
    language: str = "it",
    attachments: list[Attachment] | None = None,
):
    """Render `<template>_subject.txt` and `<template>_body.txt` and send them.

    The context must be plain data (it travels through the task broker).
    """
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    for filename, content, mimetype in attachments or ():
        if not mimetype.startswith("text/"):
            content = base64.b64decode(content)
        message.attach(filename, content, mimetype)
    message.send()


def queue_email_on_commit(
    *,
    to: list[str],
    template: str,
    context: dict,
    attachments: list[Attachment] | None = None,
) -> None:
    """Queue the e-mail once the current transaction commits (never for a rolled-back change)."""
    from hub.task_queue import enqueue_on_commit

    extra = {"attachments": [list(item) for item in attachments]} if attachments else {}
    enqueue_on_commit(
        "hub.tasks.send_templated_email",
        to=to,
        template=template,
        context=context,
        language=translation.get_language() or "it",
        task_name=f"email:{template}",
        **extra,
    )
