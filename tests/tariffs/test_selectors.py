"""Which scale is in force: the municipality's, then its network's, then everyone's, then the
built-in one; in one query."""

from datetime import date

import pytest

from tariffs import selectors
from tariffs.indicators import EXAMPLE_FATTORE_FAMIGLIA, ISEE_SCALE
from tariffs.models import Scale, ScaleKind
from tests.hub.factories import MunicipalityFactory, NetworkFactory

pytestmark = pytest.mark.django_db
ON = date(2026, 10, 1)


def scale(name, kind=ScaleKind.FATTORE_FAMIGLIA, *, per_child="0.1", **scope):
    return Scale.objects.create(
        name=name,
        kind=kind,
        valid_from=scope.pop("valid_from", date(2026, 1, 1)),
        coefficients=ISEE_SCALE.as_data() | {"per_child": per_child},
        **scope,
    )


def test_the_nearest_scale_in_force_wins(django_assert_num_queries):
    lissone, crema = MunicipalityFactory(), MunicipalityFactory()
    network = NetworkFactory()
    network.municipalities.add(lissone, crema)
    scale("Per tutti", per_child="0.05")
    scale("Della rete", network=network, per_child="0.15")
    scale("Di Lissone", municipality=lissone, per_child="0.3")
    scale("Di Lissone, dal 2027", municipality=lissone, valid_from=date(2027, 1, 1))
    with django_assert_num_queries(1):
        in_lissone = selectors.scales_in_force(lissone, on=ON)
    assert in_lissone[ScaleKind.FATTORE_FAMIGLIA][0] == "Di Lissone"
    assert selectors.scales_in_force(crema, on=ON)[ScaleKind.FATTORE_FAMIGLIA][0] == "Della rete"
    elsewhere = selectors.scales_in_force(MunicipalityFactory(), on=ON)
    assert elsewhere[ScaleKind.FATTORE_FAMIGLIA][0] == "Per tutti"
    assert elsewhere[ScaleKind.ISEE] == ("Scala ISEE (DPCM 159/2013)", ISEE_SCALE)


def test_without_rows_the_built_in_scales_answer():
    scales = selectors.scales_in_force(MunicipalityFactory(), on=ON)
    assert scales[ScaleKind.FATTORE_FAMIGLIA][1] == EXAMPLE_FATTORE_FAMIGLIA
