"""Events proposed from the public site by residents and informal groups (as Gancio allows).

A signed-in person proposes an event (name, date and time, place in one of the network's
municipalities, an optional weekly or monthly repetition with an end, a contact). Network
staff approve it in the Wagtail admin, which publishes it as an EventPage under the
municipality's "Eventi del Comune" page (created on first use), or reject it with a reason.
The proposer is told by e-mail either way and sees the state of their proposals on their
own page.

Signed-in only, not anonymous with e-mail verification: the account's address is already
verified (allauth, mandatory verification), and a proposal stays tied to a person who can
be answered. Each person has at most MAX_PENDING proposals waiting, which bounds what one
account can queue for the staff.

This module holds the rules (who may do what), the services (the only writes) and the
reads of the feature, as events.rsvp does for registrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from events import recurrence as rec
from events.models import EventPage, EventProposal, MunicipalEventsIndexPage
from events.notifications import PROPOSAL_TO_REVIEW
from hub import dates, notifications
from hub.models import Municipality
from hub.roles import STAFF_REVIEW_PLACE, staff_user_ids
from hub.tasks import queue_email_on_commit

MAX_PENDING = 5
MAX_DAYS_AHEAD = 366
SUMMARY_LENGTH = 400

Status = EventProposal.Status


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# --- Rules ------------------------------------------------------------------------------------


def _is_person(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.pk is not None)


def can_propose(user) -> bool:
    return _is_person(user)


def can_review(user) -> bool:
    """Network staff (the staff group holds the permission, hub.roles)."""
    return _is_person(user) and (user.is_superuser or user.has_perm("events.change_eventproposal"))


# --- Reads ------------------------------------------------------------------------------------


def proposals_of(user, *, limit: int | None = None) -> list[EventProposal]:
    """The person's proposals, newest first (two queries: the proposals with their
    municipality and event, and nothing per proposal)."""
    if not _is_person(user):
        return []
    proposals = (
        EventProposal.objects.filter(proposed_by=user)
        .select_related("municipality", "event")
        .order_by("-created_at", "-pk")
    )
    return list(proposals[:limit] if limit else proposals)


def pending() -> QuerySet[EventProposal]:
    return EventProposal.objects.filter(status=Status.PENDING)


def profile_context(request) -> dict:
    """The profile's section: the person's latest proposals, and the way to make one."""
    return {"proposals": proposals_of(request.user, limit=3)}


# --- Submitting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalData:
    title: str
    description: str
    municipality: Municipality
    venue: str
    day: date
    start_time: time
    contact_email: str
    end_time: time | None = None
    address: str = ""
    organizer_name: str = ""
    repeat: str = ""
    repeat_until: date | None = None
    contact_phone: str = ""


def _rome(day: date, moment: time) -> datetime:
    """A wall-clock time in Rome as an aware instant (a time skipped by the change to summer
    time moves forward, as in events.recurrence)."""
    naive = datetime.combine(day, moment)
    return naive.replace(tzinfo=rec.ROME, fold=0).astimezone(rec.ROME)


def _validate(data: ProposalData, *, today: date) -> tuple[datetime, datetime]:
    errors: dict[str, str] = {}
    if data.day < today:
        errors["day"] = _("La data è già passata.")
    elif data.day > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["day"] = _("Si possono proporre eventi fino a un anno da oggi.")
    if data.end_time is not None and data.end_time < data.start_time:
        errors["end_time"] = _(
            "L'ora di fine è prima dell'inizio. Per un evento che finisce dopo mezzanotte "
            "lascia vuota l'ora di fine e spiegalo nella descrizione."
        )
    if data.repeat not in EventProposal.Repeat.values:
        errors["repeat"] = _("Scegli se e come si ripete l'evento.")
    elif data.repeat and data.repeat_until is None:
        errors["repeat_until"] = _("Indica fino a quando si ripete.")
    elif data.repeat and not errors:
        try:
            rec.validate(
                rec.Recurrence(frequency=data.repeat, until=data.repeat_until), start=data.day
            )
        except rec.RecurrenceError as error:
            errors["repeat_until"] = error.message
    if errors:
        raise ValidationError(errors)
    start = _rome(data.day, data.start_time)
    end = _rome(data.day, data.end_time) if data.end_time is not None else start
    return start, end


@transaction.atomic
def proposal_submit(*, user, data: ProposalData, today: date | None = None) -> EventProposal:
    """Record the proposal, confirm it to the proposer and tell network staff."""
    if not can_propose(user):
        raise ValidationError(_("Accedi per proporre un evento."), code="login")
    today = today or timezone.localdate(timezone=rec.ROME)
    start, end = _validate(data, today=today)
    # Locks the person's row, so two submissions at once cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    waiting = pending().filter(proposed_by=user)
    if waiting.filter(title__iexact=data.title.strip(), start=start).exists():
        raise ValidationError(
            _("Hai già proposto questo evento: lo staff lo sta esaminando."), code="duplicate"
        )
    if waiting.count() >= MAX_PENDING:
        raise ValidationError(
            _(
                "Hai già %(count)s proposte in attesa: aspetta che lo staff le esamini prima "
                "di proporne altre."
            )
            % {"count": MAX_PENDING},
            code="too_many",
        )
    proposal = EventProposal(
        proposed_by=user,
        organizer_name=data.organizer_name.strip(),
        title=data.title.strip(),
        description=data.description.strip(),
        municipality=data.municipality,
        venue=data.venue.strip(),
        address=data.address.strip(),
        start=start,
        end=end,
        repeat=data.repeat,
        repeat_until=data.repeat_until if data.repeat else None,
        contact_email=data.contact_email.strip().lower(),
        contact_phone=data.contact_phone.strip(),
    )
    proposal.full_clean()
    proposal.save()
    context = _email_context(proposal)
    queue_email_on_commit(
        to=[proposal.contact_email], template="events/email/proposal_received", context=context
    )
    notifications.notify(
        users=staff_user_ids(),
        kind=PROPOSAL_TO_REVIEW,
        title=_("Nuova proposta di evento da esaminare: «%(title)s»") % {"title": proposal.title},
        body=_("%(when)s, %(venue)s, %(municipality)s.") % context,
        url=reverse("eventproposal:inspect", args=[proposal.pk]),
        place=STAFF_REVIEW_PLACE,
        place_label=_("Revisioni dello staff"),
        key=f"events:proposal:{proposal.pk}",
    )
    return proposal


def _email_context(proposal: EventProposal) -> dict:
    return {
        "title": proposal.title,
        "when": dates.day_and_time(proposal.start),
        "municipality": proposal.municipality.name,
        "venue": proposal.venue,
        "proposals_url": _absolute(reverse("events:my_proposals")),
    }


# --- Deciding ---------------------------------------------------------------------------------


def _locked_pending(proposal: EventProposal) -> EventProposal:
    locked = (
        EventProposal.objects.select_for_update().select_related("municipality").get(pk=proposal.pk)
    )
    if locked.status != Status.PENDING:
        raise ValidationError(
            _("Questa proposta è già stata decisa (%(status)s).")
            % {"status": locked.get_status_display()},
            code="already_decided",
        )
    return locked


def municipal_events_index(municipality: Municipality) -> MunicipalEventsIndexPage:
    """The municipality's "Eventi del Comune" page, created and published on first use."""
    index = MunicipalEventsIndexPage.objects.filter(municipality=municipality).first()
    if index is not None:
        return index
    home = _home_page()
    index = MunicipalEventsIndexPage(
        title=_("Eventi del Comune di %(name)s") % {"name": municipality.name},
        slug=_free_slug(home, f"eventi-{municipality.slug}"),
        municipality=municipality,
        live=False,
    )
    home.add_child(instance=index)
    index.save_revision().publish(skip_permission_checks=True)
    return index


def _home_page() -> Page:
    """Where the municipalities' events pages live: the home page (the default site's root
    if the hub's home page was replaced, the tree's root on an empty site)."""
    from hub.models import HomePage

    home = HomePage.objects.first()
    if home is not None:
        return home
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site is not None else Page.get_first_root_node()


def _free_slug(parent, wanted: str) -> str:
    base = slugify(wanted)[:200] or "evento"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _body(proposal: EventProposal) -> list:
    paragraphs = []
    if proposal.organizer_name:
        credit = _("A cura di: %(name)s") % {"name": proposal.organizer_name}
        paragraphs.append(("paragraph", RichText(f"<p>{escape(credit)}</p>")))
    if len(proposal.description) > SUMMARY_LENGTH:
        paragraphs.append(("paragraph", RichText(linebreaks(escape(proposal.description)))))
    return paragraphs


@transaction.atomic
def proposal_approve(*, proposal: EventProposal, by) -> EventPage:
    """Publish the proposal as an event of its municipality and tell the proposer.

    Approving is the permission here (can_review): the reviewer needs no page rights of
    their own on the municipality's events page. One transaction: nothing half-made.
    """
    if not can_review(by):
        raise ValidationError(_("Solo lo staff della rete decide sulle proposte."))
    proposal = _locked_pending(proposal)
    index = municipal_events_index(proposal.municipality)
    page = EventPage(
        title=proposal.title,
        slug=_free_slug(index, proposal.title),
        summary=Truncator(proposal.description).chars(SUMMARY_LENGTH),
        body=_body(proposal),
        start=proposal.start,
        end=proposal.end,
        repeat=proposal.repeat,
        repeat_until=proposal.repeat_until,
        venue=proposal.venue,
        address=proposal.address,
        municipality=proposal.municipality,
        owner=by,
        live=False,
    )
    page.full_clean(exclude=["path", "depth"])
    index.add_child(instance=page)
    page.save_revision(user=by).publish(user=by, skip_permission_checks=True)
    proposal.event = page
    proposal.save(update_fields=["event", *proposal.approve(by=by)])
    page = EventPage.objects.get(pk=page.pk)
    queue_email_on_commit(
        to=[proposal.contact_email],
        template="events/email/proposal_approved",
        context={**_email_context(proposal), "event_url": _absolute(page.url or "/")},
    )
    return page


@transaction.atomic
def proposal_reject(*, proposal: EventProposal, by, reason: str) -> EventProposal:
    if not can_review(by):
        raise ValidationError(_("Solo lo staff della rete decide sulle proposte."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Spiega il motivo: verrà inviato a chi ha proposto l'evento.")}
        )
    proposal = _locked_pending(proposal)
    proposal.save(update_fields=proposal.reject(by=by, reason=reason))
    queue_email_on_commit(
        to=[proposal.contact_email],
        template="events/email/proposal_rejected",
        context={**_email_context(proposal), "reason": reason},
    )
    return proposal
