"""The hub's allauth adapter: the links in allauth's e-mails start with HUB_BASE_URL.

allauth builds them with `request.build_absolute_uri()` (the Host the request came with),
while every other link the hub sends is on `settings.HUB_BASE_URL` (hub.urls_absolute):
the confirmation, password-reset and sign-up links are moved onto it before rendering.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from hub.urls_absolute import rebase


class HubAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {
            key: rebase(value) if _is_link(key, value) else value for key, value in context.items()
        }
        super().send_mail(template_prefix, email, context)


def _is_link(key: str, value) -> bool:
    return key.endswith("_url") and isinstance(value, str) and bool(value)
