"""Routes of the questionnaires, mounted at /questionari/ (hub.urls), each with its access
policy (hub.access). Answering is public (an invited questionnaire needs its personal
link); results, exports and invitations are for network staff."""

from hub import access
from surveys import views

app_name = "surveys"


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


STAFF = access.STAFF

urlpatterns = [
    _route("gestione/", views.staff_index, "staff_index", STAFF),
    _route("gestione/<slug:slug>/risultati/", views.survey_results, "results", STAFF),
    _route("gestione/<slug:slug>/riepilogo.pdf", views.survey_results_pdf, "results_pdf", STAFF),
    _route("gestione/<slug:slug>/risposte.csv", views.survey_results_csv, "results_csv", STAFF),
    _route("gestione/<slug:slug>/inviti/", views.survey_invitations, "invitations", STAFF),
    _route("gestione/<slug:slug>/promemoria/", views.survey_reminders, "reminders", STAFF),
    _route("invito/<str:token>/", views.invitation_answer, "invitation", access.PUBLIC),
    _route("<slug:slug>/", views.survey_answer, "answer", access.PUBLIC),
]
