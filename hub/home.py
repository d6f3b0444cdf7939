"""Sections that feature apps add to the home page (hub imports no feature app).

Each app registers its section in `AppConfig.ready()`:

    home.register_section("events/home_upcoming.html", upcoming_context)

`context(request)` returns the template's context: plain data, with a constant number of
queries whatever the amount of content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: Callable[[HttpRequest], dict]


_sections: list[HomeSection] = []


def register_section(template: str, context: Callable[[HttpRequest], dict]) -> None:
    section = HomeSection(template, context)
    if section not in _sections:
        _sections.append(section)


def sections_for(request: HttpRequest) -> list[str]:
    """Each registered section rendered to HTML, in registration order."""
    return [
        render_to_string(section.template, section.context(request), request=request)
        for section in _sections
    ]
