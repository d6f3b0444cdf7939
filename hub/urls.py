"""URL configuration. Every route declares its access policy (hub.access)."""

from django.conf import settings
from django.conf.urls.i18n import set_language
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from associations.api_urls import api_patterns as associations_api_patterns
from carta.api_urls import api_patterns as carta_api_patterns
from events.api_urls import api_patterns as events_api_patterns
from gaf.api_urls import api_patterns as gaf_api_patterns
from hub import access, api, security, views
from hub.notifications import urls as notification_urls
from search.api_urls import api_patterns as search_api_patterns
from tables.api_urls import api_patterns as tables_api_patterns
from tariffs.api_urls import api_patterns as tariffs_api_patterns

router = SimpleRouter()
# (prefix, viewset, policy): the policy covers every route the router makes for it.
API_RESOURCES = [
    ("networks", api.NetworkViewSet, access.PUBLIC),
    ("municipalities", api.MunicipalityViewSet, access.PUBLIC),
    ("areas", api.AreaViewSet, access.PUBLIC),
    ("macro-areas", api.MacroAreaViewSet, access.PUBLIC),
    ("age-bands", api.AgeBandViewSet, access.PUBLIC),
]
for prefix, viewset, policy in API_RESOURCES:
    router.register(prefix, viewset, basename=prefix)
    for suffix in ("list", "detail"):
        access.declare(f"api:{prefix}-{suffix}", policy)

api_patterns = [
    access.route(
        "me/", api.MeView.as_view(), name="me", policy=access.AUTHENTICATED, namespace="api"
    ),
    access.route(
        "schema/",
        SpectacularAPIView.as_view(),
        name="schema",
        policy=access.PUBLIC,
        namespace="api",
    ),
    access.route(
        "docs/",
        # The split view serves its start-up script as a file: no inline script (CSP).
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
        policy=access.PUBLIC,
        namespace="api",
    ),
    access.route(
        "redoc/",
        # Redoc loads its logo from a third-party CDN, which the Content-Security-Policy
        # blocks: one documentation page, Swagger UI, served from the hub alone.
        RedirectView.as_view(pattern_name="api:docs"),
        name="redoc",
        policy=access.PUBLIC,
        namespace="api",
    ),
    *associations_api_patterns,
    *events_api_patterns,
    *gaf_api_patterns,
    *tables_api_patterns,
    *search_api_patterns,
    *carta_api_patterns,
    *tariffs_api_patterns,
    *router.urls,
]

account_patterns = [
    access.route("profilo/", views.profile, name="profile", policy=access.AUTHENTICATED),
    access.route("famiglia/", views.family_edit, name="family_edit", policy=access.AUTHENTICATED),
    access.route(
        "token/", views.api_token_create, name="api_token_create", policy=access.AUTHENTICATED
    ),
    access.route(
        "token/<int:token_id>/revoca/",
        views.api_token_revoke,
        name="api_token_revoke",
        policy=access.object_policy("hub.rules.owns_api_token", "the token's owner"),
    ),
]

access.declare_prefix("admin/", access.WAGTAIL_ADMIN)
access.declare_prefix("documents/", access.WAGTAIL_PAGES)
access.declare_prefix("accounts/", access.ACCOUNT_FLOW)
access.declare("wagtail_serve", access.WAGTAIL_PAGES)
# Wagtail's page-privacy forms (password or login for a restricted page).
access.declare_prefix("_util/", access.WAGTAIL_PAGES)

urlpatterns = [
    access.route("healthz", views.healthz, name="healthz", policy=access.PUBLIC),
    access.route("favicon.ico", views.favicon, name="favicon", policy=access.PUBLIC),
    access.route("i18n/setlang/", set_language, name="set_language", policy=access.PUBLIC),
    path("api/v1/", include((api_patterns, "api"))),
    # Before Wagtail's: its own login form and password reset are never served (hub.security).
    access.route(
        "admin/login/",
        security.admin_login_redirect,
        name="admin_login_redirect",
        policy=access.PUBLIC,
    ),
    access.route(
        r"^admin/password_reset/",
        security.admin_login_redirect,
        name="admin_password_reset_redirect",
        policy=access.PUBLIC,
        regex=True,
    ),
    access.route(r"^api/", api.not_found, name="api_not_found", policy=access.PUBLIC, regex=True),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("account/", include(account_patterns)),
    path("notifiche/", include(notification_urls)),
    path("", include("associations.urls")),
    path("", include("events.urls")),
    path("", include("gaf.urls")),
    path("piano-family/", include("tables.urls_plan")),
    path("questionari/", include("surveys.urls")),
    path("", include("tables.urls")),
    path("", include("search.urls")),
    path("", include("tariffs.urls")),
    path("", include("tables.urls_coedit")),
    path("carta/", include("carta.urls")),
]

if settings.DEBUG:
    access.declare_prefix("media/", access.PUBLIC)
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The page tree comes last: it matches every other path.
urlpatterns.append(path("", include(wagtail_urls)))

handler400 = "hub.views.bad_request"
handler403 = "hub.views.permission_denied"
handler404 = "hub.views.page_not_found"
handler429 = "hub.abuse.too_many_requests"
handler500 = "hub.views.server_error"
