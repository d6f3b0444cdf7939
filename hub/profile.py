"""Sections that feature apps add to the signed-in user's profile page.

hub imports no feature app: each app registers its section in `AppConfig.ready()`:

    profile.register_section("associations/profile_follows.html", follows_context)

`context(request)` returns the template's context (plain data, queries done there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string


@dataclass(frozen=True)
class ProfileSection:
    template: str
    context: Callable[[HttpRequest], dict]


_sections: list[ProfileSection] = []


def register_section(template: str, context: Callable[[HttpRequest], dict]) -> None:
    section = ProfileSection(template, context)
    if section not in _sections:
        _sections.append(section)


def sections_for(request: HttpRequest) -> list[str]:
    """Each registered section rendered to HTML, in registration order."""
    return [
        render_to_string(section.template, section.context(request), request=request)
        for section in _sections
    ]
