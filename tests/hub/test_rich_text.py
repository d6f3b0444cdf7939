"""Rich text is sanitised on the server, whatever path it arrives by."""

import pytest
from wagtail.rich_text import RichText

from hub.models import HomePage, StandardPage
from hub.rich_text import SanitizedRichTextBlock, sanitize_rich_text

HOSTILE = (
    '<p onclick="steal()">Iscrizioni <b>aperte</b><script>alert(1)</script>'
    '<a href="javascript:alert(1)">clicca</a> <a linktype="page" id="3">pagina</a> '
    '<a href="https://www.comune.bruino.to.it" target="_blank">comune</a>'
    '<img src="x" onerror="y()"><iframe src="https://evil.example"></iframe>'
    "<style>body{display:none}</style><h1>titolo</h1></p>"
)
CLEAN = (
    "<p>Iscrizioni <b>aperte</b><a>clicca</a> "
    '<a id="3" linktype="page">pagina</a> <a href="https://www.comune.bruino.to.it">comune</a>'
    "titolo</p>"
)


def test_allowlist():
    assert sanitize_rich_text(HOSTILE) == CLEAN


def test_block_stores_sanitised_html():
    block = SanitizedRichTextBlock()
    assert block.get_prep_value(RichText(HOSTILE)) == CLEAN


def test_safe_html_is_kept_as_it_is():
    safe = (
        '<h2>Orari</h2><ul><li>lunedì</li></ul><p><a href="mailto:info@example.org">scrivi</a></p>'
    )
    assert sanitize_rich_text(safe) == safe


@pytest.mark.django_db
def test_page_fields_are_sanitised_on_save():
    home = HomePage.objects.get()
    home.intro = HOSTILE
    home.save()
    assert HomePage.objects.values_list("intro", flat=True).get() == CLEAN
    page = StandardPage(title="Avviso", slug="avviso", body=HOSTILE)
    home.add_child(instance=page)
    assert StandardPage.objects.get(slug="avviso").body == CLEAN
