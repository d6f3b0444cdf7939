from hub import access  # noqa: F401

app_name = "gaf"

urlpatterns: list = []
