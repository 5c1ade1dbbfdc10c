"""Cheap personas: one more person with a role at an organisation, without the review chain around it.

The demo tree (root conftest `users`, `orgs`) covers the named people of README.md "Demo accounts".
A test that needs someone else — a second reviewer at the same desk, a city-level auditor, a new
school — makes them here in a few inserts, on top of the session's demo tree:

    auditor = persona(role="audit_admin", organisation=orgs["杭州市职称工作领导小组办公室"])
    school = organisation(parent=orgs["杭州市教育局"], name="杭州第九中学")
    teacher = persona(role="applicant", organisation=school, real_name="钱老师")

Personas sign in with the demo password (`login(persona.username)` or `client.force_login`).
"""

import datetime as dt

import factory
from factory.django import DjangoModelFactory, Password

from title_review.access.models import RoleGrant
from title_review.accounts.models import User
from title_review.core.identity import check_digit, validate_identity
from title_review.demo.data import DEMO_PASSWORD
from title_review.organisations.models import EmployerStaff, Organisation
from title_review.organisations.services import add_child


def identity_number(n: int) -> str:
    """A valid 居民身份证号 (杭州市西湖区, born 1985), different for each n below 1,000 a day."""
    first17 = f"330106{dt.date(1985, 1, 1) + dt.timedelta(days=n // 900):%Y%m%d}{n % 900 + 100:03d}"
    return first17 + check_digit(first17)


def _facts(o):
    return validate_identity(o.id_type, o.id_number)


class OrganisationFactory(DjangoModelFactory):
    """A child organisation, placed in the tree as the services place it (path, code), without audit."""

    class Meta:
        model = Organisation

    parent = factory.LazyFunction(lambda: Organisation.objects.get(name="杭州市教育局"))
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = "employer"

    @classmethod
    def _create(cls, model_class, *args, parent, **kwargs):
        kwargs.setdefault("region", parent.region)
        return add_child(parent=parent, **kwargs)


class RoleGrantFactory(DjangoModelFactory):
    class Meta:
        model = RoleGrant


class EmployerStaffFactory(DjangoModelFactory):
    class Meta:
        model = EmployerStaff


class PersonaFactory(DjangoModelFactory):
    """An account with one role: an applicant (a personal account on its employer's staff list, with
    an identity number) or a staff role granted at its organisation."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        role = "employer_admin"
        is_applicant = factory.LazyAttribute(lambda o: o.role == "applicant")

    username = factory.Sequence(lambda n: f"persona{n}")
    real_name = factory.Sequence(lambda n: f"测试人员{n}")
    organisation = factory.LazyFunction(lambda: Organisation.objects.get(name="杭州第二中学"))
    password = Password(DEMO_PASSWORD)
    kind = factory.LazyAttribute(lambda o: "personal" if o.is_applicant else "organisation")
    id_type = factory.LazyAttribute(lambda o: "01" if o.is_applicant else "")
    id_number = factory.LazyAttributeSequence(lambda o, n: identity_number(n) if o.is_applicant else "")
    phone = factory.LazyAttributeSequence(lambda o, n: f"137{n:08d}" if o.is_applicant else "")
    birth_date = factory.LazyAttribute(lambda o: _facts(o).birth_date if o.is_applicant else None)
    sex = factory.LazyAttribute(lambda o: _facts(o).sex if o.is_applicant else "")

    grant = factory.RelatedFactory(
        RoleGrantFactory,
        factory_related_name="user",
        role=factory.SelfAttribute("..role"),
        organisation=factory.LazyAttribute(
            lambda g: None if g.factory_parent.is_applicant else g.factory_parent.organisation
        ),
    )
    staff_entry = factory.Maybe(
        "is_applicant",
        yes_declaration=factory.RelatedFactory(
            EmployerStaffFactory, factory_related_name="person", employer=factory.SelfAttribute("..organisation")
        ),
    )


def persona(*, role: str = "employer_admin", **fields) -> User:
    """An account with `role` at `organisation` (default 杭州第二中学); any User field can be given."""
    return PersonaFactory(role=role, **fields)


def organisation(**fields) -> Organisation:
    """An organisation under `parent` (default 杭州市教育局)."""
    return OrganisationFactory(**fields)
