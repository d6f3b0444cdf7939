"""Public views of associations and the mappatura (to be written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


def directory(request, *, network=None, index_page=None):
    return _todo(request)


join = join_sent = follow = mapping = initiatives = mapping_csv = mapping_json = _todo
