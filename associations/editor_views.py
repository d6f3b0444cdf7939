"""Editor management views of associations (to be written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


invitation_accept = editors = editor_remove = token_create = token_revoke = _todo
