"""API of the tables and of the Piano Family: tables, meetings, proposals with their
versions, comments, plans and objectives; and the main writes (create a proposal, comment,
endorse, change a proposal's status) through the same services as the pages.

What a person may see is asked of tables.rules and tables.plan_rules: a private table,
its meetings, proposals and comments answer 404 to non-members and never appear in a list,
as on the pages; a draft plan is as good as absent to whoever may not edit it. Refusals of
the services come back in the hub's error format (hub.api_errors): a status change the
workflow does not allow, or a comment on a locked proposal, answers 409 with its code.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from hub.access import DeclaredPolicyPermission
from hub.api_schema import ErrorSerializer
from hub.models import AgeBand, Area, Municipality
from tables import plan_selectors, rules, selectors, services
from tables.models import (
    Comment,
    Meeting,
    Objective,
    PianoFamily,
    Proposal,
    ProposalStatus,
    ProposalVersion,
    Stance,
    Table,
)

# The services' field names as the API's serializers name them.
PROPOSAL_ERROR_FIELDS = {
    "area": ("area",),
    "age_bands": ("age_bands",),
    "municipalities": ("municipalities",),
    "budget_estimate": ("budget_estimate",),
}
COMMENT_ERROR_FIELDS = {"parent": ("parent",), "body": ("body",), "stance": ("stance",)}


# --- Serializers ------------------------------------------------------------------------------


class TableSerializer(serializers.ModelSerializer):
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipality = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Table
        fields = ["slug", "name", "kind", "visibility", "network", "municipality", "description"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    table = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "table", "title", "starts_at", "ends_at", "place", "online_url", "status"]
        read_only_fields = fields


class AgendaItemSerializer(serializers.Serializer):
    order = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    proposal = serializers.IntegerField(source="proposal_id", read_only=True, allow_null=True)


class MeetingDetailSerializer(MeetingSerializer):
    agenda = serializers.SerializerMethodField()
    minutes = serializers.SerializerMethodField(
        help_text="The approved minutes (verbale), or null until a coordinator approves them."
    )

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda", "minutes"]
        read_only_fields = fields

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, meeting) -> list[dict]:
        items = sorted(meeting.agenda_items.all(), key=lambda item: (item.order, item.pk))
        return AgendaItemSerializer(items, many=True).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_minutes(self, meeting) -> str | None:
        minutes = getattr(meeting, "minutes", None)
        if minutes is None or minutes.approved_at is None:
            return None
        return minutes.body


class ProposalSerializer(serializers.ModelSerializer):
    table = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "table",
            "title",
            "summary",
            "area",
            "budget_estimate",
            "status",
            "latest_version",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields


class ProposalDetailSerializer(ProposalSerializer):
    age_bands = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    municipalities = serializers.StringRelatedField(many=True, read_only=True)
    co_authors = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [
            *ProposalSerializer.Meta.fields,
            "body",
            "age_bands",
            "municipalities",
            "co_authors",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_co_authors(self, proposal) -> list[str]:
        return [a.user.full_name or a.user.email for a in proposal.authorships.all()]


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProposalVersion
        fields = ["number", "created_at", "restored_from", "snapshot"]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField(help_text="Empty when the comment is hidden.")

    class Meta:
        model = Comment
        fields = ["id", "parent", "depth", "author", "stance", "body", "hidden", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, comment) -> str | None:
        return (comment.author.full_name or comment.author.email) if comment.author else None

    @extend_schema_field(serializers.CharField())
    def get_body(self, comment) -> str:
        if comment.hidden and not self.context.get("moderator"):
            return ""
        return comment.body


class ProposalInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    area = serializers.SlugField(help_text="An area's slug (GET /api/v1/areas/).")
    summary = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    body = serializers.CharField(required=False, default="", allow_blank=True, max_length=100_000)
    age_bands = serializers.ListField(
        child=serializers.SlugField(), required=False, default=list, max_length=50
    )
    municipalities = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=500
    )
    budget_estimate = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.NEUTRAL)
    parent = serializers.IntegerField(required=False, allow_null=True, default=None)


class EndorseInputSerializer(serializers.Serializer):
    on_behalf_of_association = serializers.BooleanField(default=False)


class StatusInputSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=ProposalStatus.choices)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class PlanSerializer(serializers.ModelSerializer):
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipality = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = PianoFamily
        fields = [
            "slug",
            "title",
            "network",
            "municipality",
            "start_year",
            "end_year",
            "status",
            "description",
            "published_at",
        ]
        read_only_fields = fields


class ObjectiveSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    macro_area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Objective
        fields = [
            "id",
            "plan",
            "macro_area",
            "area",
            "title",
            "description",
            "expected_results",
            "indicator_name",
            "indicator_unit",
            "indicator_kind",
            "baseline",
            "target",
            "responsible",
            "due_date",
        ]
        read_only_fields = fields


class ObjectiveActionSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    weight = serializers.IntegerField(read_only=True)
    proposal = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The linked proposal's id, only when you may see it.",
    )


class ObjectiveDetailSerializer(ObjectiveSerializer):
    actions = serializers.SerializerMethodField()

    class Meta(ObjectiveSerializer.Meta):
        fields = [*ObjectiveSerializer.Meta.fields, "actions"]
        read_only_fields = fields

    @extend_schema_field(ObjectiveActionSerializer(many=True))
    def get_actions(self, objective) -> list[dict]:
        return ObjectiveActionSerializer(self.context["actions"], many=True).data


# --- Helpers ----------------------------------------------------------------------------------


def _visible_table(request, slug: str) -> Table:
    table = selectors.table_by_slug(slug)
    if table is None or not rules.can_view_table(request.user, table):
        raise exceptions.NotFound()
    return table


def _visible_proposal(request, proposal_id: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("table__network", "area")
        .prefetch_related("authorships__user", "age_bands", "municipalities")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or not rules.can_view_proposal(request.user, proposal):
        raise exceptions.NotFound()
    return proposal


def _visible_plan(request, slug: str) -> PianoFamily:
    plan = plan_selectors.plan_for(request.user, slug)
    if plan is None:
        raise exceptions.NotFound()
    return plan


SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
WRITE_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


# --- Tables and meetings ----------------------------------------------------------------------


class TableListView(generics.ListAPIView):
    """The tables you may see: the public ones, and the private ones you belong to."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = TableSerializer
    queryset = Table.objects.none()

    def get_queryset(self):
        return selectors.visible_tables(self.request.user).order_by("network__name", "name", "pk")


class TableDetailView(generics.GenericAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = TableSerializer
    queryset = Table.objects.none()

    @extend_schema(summary="A table", parameters=[SLUG])
    def get(self, request, slug: str):
        return Response(TableSerializer(_visible_table(request, slug)).data)


class MeetingListView(generics.ListAPIView):
    """A table's meetings, newest first."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()

    @extend_schema(summary="A table's meetings", parameters=[SLUG])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        table = _visible_table(self.request, self.kwargs["slug"])
        return Meeting.objects.filter(table=table).select_related("table").order_by("-starts_at")


class MeetingDetailView(generics.GenericAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = MeetingDetailSerializer
    queryset = Meeting.objects.none()

    @extend_schema(summary="A meeting, with its agenda and approved minutes", parameters=[ID])
    def get(self, request, id: int):
        meeting = get_object_or_404(
            Meeting.objects.select_related("table", "minutes").prefetch_related("agenda_items"),
            pk=id,
        )
        if not rules.can_view_meeting(request.user, meeting):
            raise exceptions.NotFound()
        return Response(MeetingDetailSerializer(meeting).data)


# --- Proposals --------------------------------------------------------------------------------


class ProposalListView(generics.ListAPIView):
    """A table's proposals you may see (drafts: their co-authors and the coordinators);
    POST creates a draft, with you as its first co-author."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = ProposalSerializer
    queryset = Proposal.objects.none()
    service_error_fields = PROPOSAL_ERROR_FIELDS

    @extend_schema(summary="A table's proposals", parameters=[SLUG])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        table = _visible_table(self.request, self.kwargs["slug"])
        return (
            selectors.visible_proposals(table, self.request.user)
            .select_related("table", "area")
            .order_by("-updated_at", "pk")
        )

    @extend_schema(
        summary="Create a draft proposal (members)",
        parameters=[SLUG],
        request=ProposalInputSerializer,
        responses={201: ProposalDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request, slug: str):
        table = _visible_table(request, slug)
        data = ProposalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        area = Area.objects.filter(slug=values["area"]).first()
        if area is None:
            raise exceptions.ValidationError({"area": [_("Area sconosciuta.")]})
        age_bands = list(AgeBand.objects.filter(slug__in=values["age_bands"]))
        if len(age_bands) != len(set(values["age_bands"])):
            raise exceptions.ValidationError({"age_bands": [_("Fascia d'età sconosciuta.")]})
        municipalities = list(Municipality.objects.filter(pk__in=values["municipalities"]))
        if len(municipalities) != len(set(values["municipalities"])):
            raise exceptions.ValidationError({"municipalities": [_("Comune sconosciuto.")]})
        proposal = services.proposal_create(
            by=request.user,
            table=table,
            title=values["title"],
            area=area,
            summary=values["summary"],
            body=values["body"],
            age_bands=age_bands,
            municipalities=municipalities,
            budget_estimate=values["budget_estimate"],
        )
        return Response(
            ProposalDetailSerializer(_visible_proposal(request, proposal.pk)).data, status=201
        )


class ProposalDetailView(generics.GenericAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = ProposalDetailSerializer
    queryset = Proposal.objects.none()

    @extend_schema(summary="A proposal", parameters=[ID])
    def get(self, request, id: int):
        return Response(ProposalDetailSerializer(_visible_proposal(request, id)).data)


class VersionListView(generics.ListAPIView):
    """Every saved version of a proposal, newest first, with its fields' snapshot."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = VersionSerializer
    queryset = ProposalVersion.objects.none()

    @extend_schema(summary="A proposal's versions", parameters=[ID])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        proposal = _visible_proposal(self.request, self.kwargs["id"])
        return ProposalVersion.objects.filter(proposal=proposal).order_by("-number")


class CommentListView(generics.ListAPIView):
    """A proposal's comments in order (a hidden one without its text, except for the
    coordinators who moderate); POST comments."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = CommentSerializer
    queryset = Comment.objects.none()
    service_error_fields = COMMENT_ERROR_FIELDS

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["moderator"] = getattr(self, "_moderator", False)
        return context

    @extend_schema(summary="A proposal's comments", parameters=[ID])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        proposal = _visible_proposal(self.request, self.kwargs["id"])
        self._moderator = rules.can_moderate(self.request.user, proposal)
        return Comment.objects.filter(proposal=proposal).select_related("author").order_by("pk")

    @extend_schema(
        summary="Comment on a proposal (members)",
        parameters=[ID],
        request=CommentInputSerializer,
        responses={201: CommentSerializer, 409: ErrorSerializer, **WRITE_ERRORS},
    )
    def post(self, request, id: int):
        proposal = _visible_proposal(request, id)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        parent = None
        if values["parent"] is not None:
            parent = Comment.objects.filter(proposal=proposal, pk=values["parent"]).first()
            if parent is None:
                raise exceptions.ValidationError(
                    {"parent": [_("Si risponde a un commento della stessa proposta.")]}
                )
        comment = services.comment_create(
            by=request.user,
            proposal=proposal,
            body=values["body"],
            stance=values["stance"],
            parent=parent,
        )
        return Response(CommentSerializer(comment).data, status=201)


class EndorseView(generics.GenericAPIView):
    """Support the proposal's current version (personally, or for your association)."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = EndorseInputSerializer
    queryset = Proposal.objects.none()

    @extend_schema(
        summary="Endorse a proposal (members)",
        parameters=[ID],
        request=EndorseInputSerializer,
        responses={201: ProposalSerializer, 409: ErrorSerializer, **WRITE_ERRORS},
    )
    def post(self, request, id: int):
        proposal = _visible_proposal(request, id)
        data = EndorseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.endorsement_create(
            by=request.user,
            proposal=proposal,
            on_behalf_of_association=data.validated_data["on_behalf_of_association"],
        )
        return Response(ProposalSerializer(proposal).data, status=201)


class StatusView(generics.GenericAPIView):
    """Move a proposal to another status; a move the workflow does not allow from the
    current status answers 409 naming the allowed ones."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = StatusInputSerializer
    queryset = Proposal.objects.none()

    @extend_schema(
        summary="Change a proposal's status",
        parameters=[ID],
        request=StatusInputSerializer,
        responses={200: ProposalSerializer, 409: ErrorSerializer, **WRITE_ERRORS},
    )
    def post(self, request, id: int):
        proposal = _visible_proposal(request, id)
        data = StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.proposal_set_status(
            by=request.user,
            proposal=proposal,
            to_status=data.validated_data["to_status"],
            note=data.validated_data["note"],
        )
        return Response(ProposalSerializer(_visible_proposal(request, id)).data)


# --- Piano Family -----------------------------------------------------------------------------


class PlanListView(generics.ListAPIView):
    """The published Piano Family plans (drafts too for those who edit them)."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = PlanSerializer
    queryset = PianoFamily.objects.none()

    def get_queryset(self):
        return plan_selectors.visible_plans(self.request.user)


class PlanDetailView(generics.GenericAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = PlanSerializer
    queryset = PianoFamily.objects.none()

    @extend_schema(summary="A Piano Family plan", parameters=[SLUG])
    def get(self, request, slug: str):
        return Response(PlanSerializer(_visible_plan(request, slug)).data)


class ObjectiveListView(generics.ListAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = ObjectiveSerializer
    queryset = Objective.objects.none()

    @extend_schema(summary="A plan's objectives", parameters=[SLUG])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        plan = _visible_plan(self.request, self.kwargs["slug"])
        return (
            Objective.objects.filter(plan=plan)
            .select_related("plan", "macro_area", "area")
            .order_by("macro_area__code", "order", "pk")
        )


class ObjectiveDetailView(generics.GenericAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = ObjectiveDetailSerializer
    queryset = Objective.objects.none()

    @extend_schema(
        summary="An objective, with its actions",
        description=(
            "A linked proposal of a private table is named only to the table's members: "
            "to others the action shows without its proposal."
        ),
        parameters=[SLUG, ID],
    )
    def get(self, request, slug: str, id: int):
        plan = _visible_plan(request, slug)
        objective = (
            Objective.objects.select_related("plan", "macro_area", "area")
            .filter(plan=plan, pk=id)
            .first()
        )
        if objective is None:
            raise exceptions.NotFound()
        actions = plan_selectors.visible_actions(objective, request.user)
        return Response(ObjectiveDetailSerializer(objective, context={"actions": actions}).data)
