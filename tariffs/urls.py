"""Public routes of tariffs, included by hub.urls."""

from hub import access
from tariffs import views

urlpatterns = [
    access.route("tariffe/", views.calculator, name="tariffs_calculator", policy=access.PUBLIC),
]
