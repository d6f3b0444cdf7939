"""The changes that touch documents → an indexing task after the transaction commits.

search connects, for each Watch the apps registered (search.registry), the signals of its
model: a Wagtail page's publishing, unpublishing and deletion; another model's saves,
deletions and many-to-many changes. A page moved, or a view restriction added, changed or
removed above pages, touches the documents of every watched page below it (their URLs or
their visibility changed). Each signal queues one task with the ids the Watch names.
"""

from __future__ import annotations

from django.db.models import ManyToManyField
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from search import registry, services


def _changed(kind: registry.Kind, watch: registry.Watch, instance) -> None:
    services.documents_changed(kind=kind.key, ids=watch.ids(instance))


def _subtree_changed(page) -> None:
    for kind, watch in registry.watches():
        if issubclass(watch.model, Page):
            for descendant in watch.model.objects.descendant_of(page, inclusive=True):
                _changed(kind, watch, descendant)


def _connect_kind(kind: registry.Kind) -> None:
    for number, watch in enumerate(kind.watch):
        uid = f"search.{kind.key}.{number}"

        def changed(sender, instance, *, kind=kind, watch=watch, **kwargs):
            _changed(kind, watch, instance)

        def saved(sender, instance, raw=False, update_fields=None, *, kind=kind, watch=watch, **_):
            if raw:
                return
            if (
                update_fields is not None
                and watch.fields is not None
                and not set(update_fields) & watch.fields
            ):
                return
            _changed(kind, watch, instance)

        def related(sender, instance, action, reverse, *, kind=kind, watch=watch, **kwargs):
            if not reverse and action in {"post_add", "post_remove", "post_clear"}:
                _changed(kind, watch, instance)

        post_delete.connect(changed, sender=watch.model, weak=False, dispatch_uid=f"{uid}.delete")
        if issubclass(watch.model, Page):
            page_published.connect(
                changed, sender=watch.model, weak=False, dispatch_uid=f"{uid}.published"
            )
            page_unpublished.connect(
                changed, sender=watch.model, weak=False, dispatch_uid=f"{uid}.unpublished"
            )
            continue
        post_save.connect(saved, sender=watch.model, weak=False, dispatch_uid=f"{uid}.save")
        for field in watch.model._meta.many_to_many:
            if type(field) is ManyToManyField:
                m2m_changed.connect(
                    related,
                    sender=field.remote_field.through,
                    weak=False,
                    dispatch_uid=f"{uid}.m2m.{field.name}",
                )


def _moved(sender, instance, **kwargs):
    _subtree_changed(instance)


def _restriction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _subtree_changed(instance.page)


def connect() -> None:
    registry.on_register(_connect_kind)
    post_page_move.connect(_moved, dispatch_uid="search.page_moved")
    post_save.connect(
        _restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction.save"
    )
    post_delete.connect(
        _restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction.delete"
    )
