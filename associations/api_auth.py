"""Association API tokens: another system acting for an association (e.g. posting its events).

`Authorization: Bearer <token>` where the token is an `AssociationApiToken`. Association and
personal tokens share Wagtail's `wagtail_…` format, so the two authentication classes run in
a chain: this one first, answering only for tokens it knows (a revoked one is refused here),
then `hub.api_auth.ApiTokenAuthentication`, which refuses any token nobody knows.

A request authenticated this way has an `AssociationPrincipal` as `request.user` (not a
`User`: it has no pk, no permissions and no memberships) and the token as `request.auth`.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from wagtail.models import APIToken

from associations.models import Association, AssociationApiToken
from hub import access
from hub.api_auth import LAST_USED_INTERVAL_SECONDS
from hub.throttling import UserRateThrottle


class AssociationPrincipal:
    """The association a request acts for. Passes no user check: it is nobody's account."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, association: Association):
        self.association = association

    def __str__(self) -> str:
        return f"association:{self.association.slug}"

    def get_username(self) -> str:
        return str(self)

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perm_list, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False


def is_association_principal(user) -> bool:
    return isinstance(user, AssociationPrincipal)


ASSOCIATION_TOKEN = access.Policy(
    "association_token",
    "an association API token",
    check=is_association_principal,
    requires_login=True,
)


class AssociationTokenAuthentication(authentication.BaseAuthentication):
    """Bearer association tokens. A token this class does not know is left to the next class."""

    keyword = "bearer"

    def authenticate(self, request):
        plaintext = self._bearer_token(request)
        if plaintext is None:
            return None
        token = (
            AssociationApiToken.objects.select_related("association__network")
            .filter(key_hash__in=APIToken.candidate_key_hashes(plaintext))
            .first()
        )
        if token is None:
            return None
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Token non valido o revocato."))
        now = timezone.now()
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() >= LAST_USED_INTERVAL_SECONDS
        ):
            AssociationApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return AssociationPrincipal(token.association), token

    def _bearer_token(self, request) -> str | None:
        """The token of a well-formed bearer header; the next class refuses malformed ones."""
        header = authentication.get_authorization_header(request).split()
        if len(header) != 2 or header[0].decode(errors="replace").lower() != self.keyword:
            return None
        try:
            plaintext = header[1].decode()
        except UnicodeDecodeError:
            return None
        return plaintext if APIToken.validate_token_format(plaintext) else None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class UserOrAssociationRateThrottle(UserRateThrottle):
    """DRF's user throttle keys on `user.pk`; an association principal has none, so key it by
    its association instead of putting every association in one shared bucket. (Like every
    hub throttle, it fails open for signed-in callers while the shared cache is down.)"""

    def get_cache_key(self, request, view):
        if is_association_principal(request.user):
            ident = f"association-{request.user.association.pk}"
            return self.cache_format % {"scope": self.scope, "ident": ident}
        return super().get_cache_key(request, view)
