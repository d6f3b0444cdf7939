"""A Wagtail dashboard panel for things waiting for a decision of network staff.

Apps add one from their `construct_homepage_panels` hook (join requests, event proposals):
how many wait, the oldest few with a link each, and a link to the whole list. The app
computes the items (two queries: the count and the first few); the panel only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.admin.ui.components import Component


@dataclass(frozen=True)
class PendingItem:
    label: str
    detail: str
    url: str
    received_at: object  # an aware datetime


class PendingItemsPanel(Component):
    template_name = "hub/admin/pending_panel.html"
    # Before Wagtail's own moderation panels (210 and up): these wait for the same people.
    order = 90

    def __init__(
        self,
        *,
        name: str,
        heading: str,
        total: int,
        items: list[PendingItem],
        list_url: str,
        list_label: str,
        empty_text: str = "",
    ):
        self.name = name
        self.heading = heading
        self.total = total
        self.items = items
        self.list_url = list_url
        self.list_label = list_label
        self.empty_text = empty_text

    def get_context_data(self, parent_context):
        return {"panel": self}
