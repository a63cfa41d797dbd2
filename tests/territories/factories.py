import factory

from territories.models import AssignmentRule, Territory


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Territory {n}")


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentRule

    territory = factory.SubFactory(TerritoryFactory)
    priority = factory.Sequence(lambda n: (n + 1) * 10)
