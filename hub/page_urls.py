"""Wagtail page URLs for many pages at once, from their `url_path`, with the sites read once.

`{% pageurl page %}` needs a Page instance and, for each page, finds the sites it belongs to
and reverses Wagtail's serve route: on a listing of thirty events that is most of the
time spent outside the database. `PageUrls` answers the same URLs from `url_path` values
read with the rows (no Page instances), looking the sites and the route prefix up once.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from wagtail.coreutils import WAGTAIL_APPEND_SLASH
from wagtail.models import Site

from hub.urls_absolute import base_url

# What Django's reverse() leaves unquoted in a path (django.urls.resolvers).
_SAFE = "!$&'()*+,;=" + "/~:@"
# What Wagtail's serve route accepts (wagtail.urls).
_SERVE_PATH = re.compile(r"^(?:[\w\-]+/)*$" if WAGTAIL_APPEND_SLASH else r"^[\w\-/]*$")


class PageUrls:
    """URLs of pages by their `url_path`, as Wagtail gives them to a request.

    `relative(url_path)` is what `page.get_url(request)` (so `{% pageurl %}`) gives: the
    path on the current site (or when there is one site), the full URL on another site,
    None for a page outside every site. `absolute(url_path)` is what
    `hub.urls_absolute.page_url(page)` gives: the path on HUB_BASE_URL.
    """

    def __init__(self, request: HttpRequest | None = None):
        # Wagtail keeps the root paths in the cache; the current site is cached on the request.
        self.roots = Site.get_site_root_paths()
        self.single_site = len({root.site_id for root in self.roots}) <= 1
        self.current_site_id = None
        if request is not None and not self.single_site:
            site = Site.find_for_request(request)
            self.current_site_id = site.pk if site else None
        self.prefix = reverse("wagtail_serve", args=("",))

    def _parts(self, url_path: str) -> tuple[int, str, str] | None:
        possible = [root for root in self.roots if url_path.startswith(root.root_path)]
        if not possible:
            return None
        chosen = possible[0]
        if self.current_site_id is not None:
            chosen = next(
                (root for root in possible if root.site_id == self.current_site_id), chosen
            )
        rest = url_path[len(chosen.root_path) :]
        if not _SERVE_PATH.match(rest):
            # What Wagtail's route would refuse: let Wagtail say it (None, as it does).
            return None
        path = self.prefix + quote(rest, safe=_SAFE)
        if not WAGTAIL_APPEND_SLASH and path != "/":
            path = path.rstrip("/")
        return chosen.site_id, chosen.root_url, path

    def relative(self, url_path: str) -> str | None:
        parts = self._parts(url_path)
        if parts is None:
            return None
        site_id, root_url, path = parts
        if self.single_site or site_id == self.current_site_id:
            return path
        return root_url + path

    def absolute(self, url_path: str) -> str:
        """The page on HUB_BASE_URL ("" for a page outside every site)."""
        for root in self.roots:
            if url_path.startswith(root.root_path):
                return base_url() + iri_to_uri(self.prefix + url_path[len(root.root_path) :])
        return ""
