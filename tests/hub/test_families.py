"""Families: the beneficiary rule, its SQL twin, the household form and its permissions."""

import re
import threading

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from hub import selectors, services
from hub.families import is_beneficiary, is_minor_in_year
from hub.models import Child, Family, FamilyMember
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory, make_family


@pytest.mark.parametrize(
    ("birth_year", "year", "minor"),
    [
        (2026, 2026, True),  # born this year
        (2009, 2026, True),  # turns 17
        (2008, 2026, True),  # turns 18 this year: counted until 31 December
        (2007, 2026, False),  # turned 18 last year
        (2027, 2026, False),  # not born yet
    ],
)
def test_minor_by_birth_year(birth_year, year, minor):
    assert is_minor_in_year(birth_year, year) is minor


@given(
    years=st.lists(st.integers(1950, 2030), max_size=6),
    resident=st.booleans(),
    year=st.integers(2000, 2030),
)
def test_beneficiary_needs_residence_and_a_minor(years, resident, year):
    result = is_beneficiary(
        child_birth_years=years, resident_in_member_municipality=resident, year=year
    )
    assert result == (resident and any(0 <= year - y <= 18 for y in years))
    # Adding a newborn to a resident family always makes it a beneficiary.
    assert is_beneficiary(
        child_birth_years=[*years, year], resident_in_member_municipality=True, year=year
    )


@pytest.mark.django_db
def test_sql_selector_agrees_with_the_rule():
    member_town = MunicipalityFactory()
    NetworkFactory().municipalities.add(member_town)
    outside_town = MunicipalityFactory()
    cases = {
        "newborn": (member_town, [2026]),
        "turns-18": (member_town, [2008]),
        "grown-up": (member_town, [2000, 2007]),
        "no-children": (member_town, []),
        "outside": (outside_town, [2020]),
    }
    families = {
        label: make_family(user=UserFactory(), municipality=town, birth_years=years)
        for label, (town, years) in cases.items()
    }
    in_sql = set(selectors.beneficiary_families(year=2026).values_list("pk", flat=True))
    for label, family in families.items():
        expected = selectors.family_is_beneficiary(family, year=2026)
        assert (family.pk in in_sql) is expected, label
    assert in_sql == {families["newborn"].pk, families["turns-18"].pk}


@pytest.mark.django_db
def test_family_form_creates_household_with_birth_years_only(client):
    user = UserFactory()
    town = MunicipalityFactory(name="Bruino")
    client.force_login(user)
    response = client.post(
        "/account/famiglia/",
        {"name": "Famiglia Rossi", "municipality": town.pk, "child_birth_years": "2016, 2020"},
    )
    assert response.status_code == 302
    family = Family.objects.get(memberships__user=user)
    assert list(family.children.values_list("birth_year", flat=True)) == [2016, 2020]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("years", "message"),
    [("duemila", "non è un anno"), ("1850", "non è plausibile"), ("2016, 20x9", "non è un anno")],
)
def test_family_form_refuses_bad_years_and_saves_nothing(client, years, message):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/account/famiglia/",
        {
            "name": "Famiglia Bianchi",
            "municipality": MunicipalityFactory().pk,
            "child_birth_years": years,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Family.objects.exists()


@pytest.mark.django_db
def test_only_a_manager_edits_the_family(client):
    manager, other_adult = UserFactory(), UserFactory()
    family = make_family(user=manager, municipality=MunicipalityFactory(), birth_years=[2019])
    FamilyMember.objects.create(family=family, user=other_adult, is_manager=False)
    client.force_login(other_adult)
    response = client.post(
        "/account/famiglia/",
        {"name": "Rinominata", "municipality": family.municipality_id, "child_birth_years": ""},
    )
    assert response.status_code == 403
    family.refresh_from_db()
    assert family.name != "Rinominata"
    assert Child.objects.filter(family=family).count() == 1


@pytest.mark.django_db
def test_profile_shows_only_my_family(client):
    mine = make_family(
        user=(me := UserFactory()), municipality=MunicipalityFactory(), birth_years=[2018]
    )
    theirs = make_family(user=UserFactory(), municipality=MunicipalityFactory(), birth_years=[2011])
    client.force_login(me)
    html = client.get("/account/profilo/").content.decode()
    assert mine.name in html
    assert theirs.name not in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_family_creation_leaves_one_household():
    """Two devices create a family for the same person at once: one wins, nothing is left over."""
    user = UserFactory()
    town = MunicipalityFactory()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt(index):
        try:
            barrier.wait(timeout=10)
            services.family_create(
                user=user, name=f"Famiglia {index}", municipality=town, child_birth_years=[2015]
            )
            outcomes.append("created")
        except Exception as error:  # the loser sees a validation or integrity error
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("created") == 1, outcomes
    assert Family.objects.count() == 1
    assert Child.objects.count() == 1
    assert FamilyMember.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_profile_lists_followed_associations(client):
    from associations import services as association_services
    from tests.associations.factories import make_association

    me = UserFactory()
    followed = make_association(name="Polisportiva Test")
    other = make_association(name="Coro dei Genitori")
    association_services.follow_set(user=me, association=followed, following=True)
    client.force_login(me)
    html = client.get("/account/profilo/").content.decode()
    assert "Polisportiva Test" in html
    assert "Coro dei Genitori" not in html
    assert other.pk != followed.pk


@pytest.mark.django_db
def test_profile_token_is_shown_once_and_revocable_only_by_its_owner(client):
    from allauth.account.models import EmailAddress
    from wagtail.models import APIToken

    me, other = UserFactory(), UserFactory()
    EmailAddress.objects.create(user=me, email=me.email, verified=True, primary=True)
    client.force_login(me)
    assert client.post("/account/token/", {"name": "calendario"}).status_code == 302
    html = client.get("/account/profilo/").content.decode()
    token = APIToken.objects.get(user=me)
    shown = re.search(r'id="new-token"[^>]*value="([^"]+)"', html).group(1)
    assert APIToken.hash_token(shown) == token.key_hash
    assert shown not in client.get("/account/profilo/").content.decode()  # once only

    theirs, _plain = APIToken.create_token(user=other, name="loro")
    assert client.post(f"/account/token/{theirs.pk}/revoca/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert client.post(f"/account/token/{token.pk}/revoca/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
