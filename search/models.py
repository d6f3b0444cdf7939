"""The database engine's index: the unified documents, their facet values and dates.

Every document is written here whatever the engine (search.services), so the database
engine can answer at any moment: by default it is the only engine, and with Meilisearch it
answers whenever Meilisearch cannot. The rows are written only by search.services (an
indexing task, a reindex, the nightly reconciliation), never by hand.
"""

from django.db import models


class SearchDocument(models.Model):
    id = models.CharField(primary_key=True, max_length=80)
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    # The record as search.documents.Document.record() makes it (what Meilisearch holds).
    record = models.JSONField()
    checksum = models.CharField(max_length=32)
    # Folded words (search.text.words): " scuola dell infanzia ", matched with LIKE.
    title_words = models.TextField()
    words = models.TextField()
    date_start = models.BigIntegerField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind"], name="search_document_kind"),
            models.Index(fields=["date_start"], name="search_document_date"),
            models.Index(fields=["updated_at"], name="search_document_updated"),
        ]

    def __str__(self) -> str:
        return self.id


class SearchFacetValue(models.Model):
    """One value of one facet of a document (visible_to counts as a facet here)."""

    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="facet_values"
    )
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "facet", "value"], name="search_facet_value_once"
            )
        ]
        indexes = [
            models.Index(fields=["facet", "value", "document"], name="search_facet_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.facet}={self.value}"


class SearchDate(models.Model):
    """One date of a document, as a Unix timestamp."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="dates")
    at = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["document", "at"], name="search_date_lookup")]

    def __str__(self) -> str:
        return f"{self.document_id} @ {self.at}"
