import factory

from hub.models import Child, Family, FamilyMember, Municipality, Network, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"persona{n}@example.org")
    full_name = factory.Faker("name", locale="it_IT")
    password = factory.django.Password("password-sicura-123")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Comune {n}")
    slug = factory.Sequence(lambda n: f"comune-{n}")
    istat_code = factory.Sequence(lambda n: f"{900000 + n:06d}")
    province = "TO"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Rete {n}")
    slug = factory.Sequence(lambda n: f"rete-{n}")
    kind = Network.Kind.NETWORK


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Famiglia {n}")
    municipality = factory.SubFactory(MunicipalityFactory)


def make_family(*, user, municipality, birth_years=()):
    family = Family.objects.create(name=f"Famiglia di {user.email}", municipality=municipality)
    FamilyMember.objects.create(family=family, user=user)
    Child.objects.bulk_create(Child(family=family, birth_year=y) for y in birth_years)
    return family
