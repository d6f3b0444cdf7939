"""Routes of the co-editing pages (issue 14), mounted at the site's root next to tables.urls
(whose table, proposal and meeting paths these extend)."""

from hub import access
from tables import views_coedit

app_name = "tables_coedit"

DOCUMENT_READER = access.object_policy(
    "tables.coedit.rules.can_read_document",
    "who may read the proposal or the meeting (writing: tables.coedit.rules.can_write_document)",
)


def _route(route_str, view, name):
    return access.route(route_str, view, name=name, policy=DOCUMENT_READER, namespace=app_name)


P = "tavoli/<slug:slug>/proposte/<int:proposal_id>/testo/"
M = "tavoli/<slug:slug>/riunioni/<int:meeting_id>/verbale/testo/"

urlpatterns = [
    _route(P, views_coedit.proposal_text, "proposal_text"),
    _route(P + "salva-versione/", views_coedit.proposal_text_save, "proposal_text_save"),
    _route(M, views_coedit.minutes_text, "minutes_text"),
]
