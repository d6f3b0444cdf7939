"""The search page's route (declared with its access policy)."""

from hub import access
from search import views

app_name = "search"

urlpatterns = [
    access.route(
        "cerca/", views.search_page, name="page", policy=access.PUBLIC, namespace=app_name
    ),
]
