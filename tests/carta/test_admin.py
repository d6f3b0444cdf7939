"""Network staff edit the card's rules, categories and badges in the Wagtail admin."""

import pytest
from django.urls import reverse

from carta.models import CardRule
from hub.roles import staff_group
from tests.carta.factories import network_with_town
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_set_a_network_s_conditions_and_nonsense_is_refused(client):
    network, _town = network_with_town()
    staff = UserFactory(is_staff=True)
    staff.groups.add(staff_group())
    client.force_login(staff)
    assert client.get(reverse("cardrule:index")).status_code == 200
    assert client.get(reverse("badge:index")).status_code == 200
    assert client.get(reverse("category:index")).status_code == 200
    data = {
        "network": network.pk,
        "min_minor_children": "0",
        "max_isee_band": "",
        "validity_days": "365",
    }
    response = client.post(reverse("cardrule:add"), data)
    assert response.status_code == 400  # the form again, with its error
    assert not CardRule.objects.exists()
    response = client.post(reverse("cardrule:add"), {**data, "min_minor_children": "3"})
    assert response.status_code == 302
    assert CardRule.objects.get(network=network).min_minor_children == 3


def test_people_without_admin_access_are_refused(client):
    client.force_login(UserFactory())
    assert client.get(reverse("cardrule:index")).status_code == 403
