"""Background tasks of the core (django-q2). Each loads what it needs and is safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(*, to: list[str], template: str, context: dict, language: str = "it"):
    """Render `<template>_subject.txt` and `<template>_body.txt` and send them.

    The context must be plain data (it travels through the task broker).
    """
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def queue_email_on_commit(*, to: list[str], template: str, context: dict) -> None:
    """Queue the e-mail once the current transaction commits (never for a rolled-back change)."""
    from django.db import transaction
    from django_q.tasks import async_task

    transaction.on_commit(
        lambda: async_task(
            "hub.tasks.send_templated_email",
            to=to,
            template=template,
            context=context,
            language=translation.get_language() or "it",
            task_name=f"email:{template}",
        )
    )
