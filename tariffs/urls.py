"""Routes of tariffs, included by hub.urls: the public calculator, the staff's simulation."""

from hub import access
from tariffs import views

urlpatterns = [
    access.route("tariffe/", views.calculator, name="tariffs_calculator", policy=access.PUBLIC),
    # The reform simulation: network staff (the hub has no municipal officer role).
    access.route(
        "tariffe/simulazione/",
        views.simulation_page,
        name="tariffs_simulation",
        policy=access.STAFF,
    ),
    access.route(
        "tariffe/simulazione/rapporto/",
        views.simulation_report_download,
        name="tariffs_simulation_report",
        policy=access.STAFF,
    ),
    access.route(
        "tariffe/simulazione/modello.csv",
        views.simulation_template,
        name="tariffs_simulation_template",
        policy=access.STAFF,
    ),
    access.route(
        "tariffe/simulazione/esempio.csv",
        views.simulation_sample,
        name="tariffs_simulation_sample",
        policy=access.STAFF,
    ),
]
