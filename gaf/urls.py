"""Routes of the purchase groups; each part's routes are declared (with their access
policy) in its own module."""

from gaf.urls_coordination import urlpatterns as coordination_patterns
from gaf.urls_family import urlpatterns as family_patterns

app_name = "gaf"

# Coordination first: its fixed prefixes (fornitori/) must win over a group slug.
urlpatterns = [*coordination_patterns, *family_patterns]
