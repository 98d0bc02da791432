"""The shared layers of test data (tests/layers.py) give every test the database it asked for: what a
test changes is gone for the next, a test that asks for less sees less, a transactional test starts
empty."""

import pytest

from tests import layers
from yingji.core.models import Organization, Region, User


def test_a_test_changes_the_shared_county(tree, users):
    tree["a"].name = "改名镇"
    tree["a"].save()
    users["staff"].delete()
    Region.objects.create(code="430181112", name="新设镇", level="township", parent=tree["county"])
    assert layers.STACK.names == ("tree", "orgs", "users")


def test_the_next_test_finds_it_as_built(tree, orgs, users):
    assert tree["a"].name == "大瑶镇" and Region.objects.get(code="430181110").name == "大瑶镇"
    assert User.objects.filter(username="staff").exists()
    assert not Region.objects.filter(code="430181112").exists()
    # One copy per test, with the objects linked as the fixtures made them.
    assert users["township_a"].scope_region is tree["a"] and orgs["a"].region is tree["va"]


def test_a_test_asking_for_the_tree_only_sees_no_organizations_or_users(tree):
    assert Region.objects.count() == 7
    assert not Organization.objects.exists() and not User.objects.exists()
    assert layers.STACK.names == ("tree",)


def test_a_test_asking_for_a_database_only_sees_none_of_it(db):
    assert not Region.objects.exists() and not User.objects.exists()
    assert layers.STACK.names == ()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_builds_its_own(users):
    assert layers.STACK.names == ()
    assert Region.objects.count() == 7 and User.objects.count() == len(users) == 11


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_starts_empty_with_its_roles():
    """The flush after a transactional test (a DELETE per table on PostgreSQL, tests/conftest.py)
    leaves no row of the test before, and migrate's signals have put content types and roles back."""
    from django.contrib.auth.models import Group, Permission

    assert not Region.objects.exists() and not Organization.objects.exists() and not User.objects.exists()
    assert Permission.objects.filter(codename="add_region").exists() and Group.objects.filter(name="staff").exists()
