from hub import access  # noqa: F401

app_name = "events"

urlpatterns: list = []
