import factory

from accounts.models import Account, Contact
from salesproc.models import SalesRole, Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesRole
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.Sequence(lambda n: f"role-{n}")
    processes = factory.LazyFunction(list)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Company {n}")
    domain = factory.Sequence(lambda n: f"company{n}.test")
    website = factory.LazyAttribute(lambda a: f"https://{a.domain}")
    industry = "Software"
    country = "United Kingdom"
    city = "London"
    employee_count = 120
    owner = factory.SubFactory(UserFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    account = factory.SubFactory(AccountFactory, owner=factory.SelfAttribute("..owner"))
    owner = factory.SubFactory(UserFactory)


class PipelineFactory(factory.django.DjangoModelFactory):
    """A pipeline with the usual stages: Prospecting 10%, Discovery 25%, Proposal 50%,
    Negotiation 75%, Closed won, Closed lost."""

    class Meta:
        model = "deals.Pipeline"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pipeline {n}")
    is_default = True

    @factory.post_generation
    def stages(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from deals.models import Stage

        plan = extracted or [
            ("Prospecting", "open", 10, 14),
            ("Discovery", "open", 25, 21),
            ("Proposal", "open", 50, 21),
            ("Negotiation", "open", 75, 14),
            ("Closed won", "won", 100, None),
            ("Closed lost", "lost", 0, None),
        ]
        for order, (name, kind, probability, stalled) in enumerate(plan):
            Stage.objects.create(
                pipeline=obj,
                name=name,
                kind=kind,
                probability=probability,
                stalled_after_days=stalled,
                order=order,
            )


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deals.Product"

    name = factory.Sequence(lambda n: f"Product {n}")
    code = factory.Sequence(lambda n: f"P-{n:04d}")
    unit_price = 1000


class DealFactory(factory.django.DjangoModelFactory):
    """A deal created through the service, so it has its first stage-history row."""

    class Meta:
        model = "deals.Deal"

    name = factory.Sequence(lambda n: f"Deal {n}")
    owner = factory.SubFactory(UserFactory)
    account = factory.SubFactory(AccountFactory, owner=factory.SelfAttribute("..owner"))
    amount = 10000
    expected_close_date = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from deals.models import Pipeline
        from deals.services import deal_create

        pipeline = kwargs.pop("pipeline", None) or Pipeline.objects.filter(is_default=True).first()
        if pipeline is None:
            pipeline = PipelineFactory()
        return deal_create(actor=kwargs.get("owner"), pipeline=pipeline, **kwargs)


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leads.Lead"

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"lead{n}@prospect{n}.test")
    company_name = factory.Sequence(lambda n: f"Prospect {n} Ltd")
    website = factory.Sequence(lambda n: f"https://prospect{n}.test")
    industry = "Software"
    employee_count = 200
    country = "United Kingdom"
    source = "web"
    owner = factory.SubFactory(UserFactory)
