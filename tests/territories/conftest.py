import pytest

from tests.factories import AccountFactory

from .factories import TerritoryFactory


@pytest.fixture
def north_west(teammate, north):
    """Bob (a field rep of team North) covers the North-West."""
    return TerritoryFactory(name="North-West", rep=teammate, team=north)


@pytest.fixture
def yorkshire(teammate, north):
    return TerritoryFactory(name="Yorkshire", rep=teammate, team=north)


@pytest.fixture
def south_east(other_manager, south):
    """A territory of the other team, which team North must not see."""
    return TerritoryFactory(name="South-East", team=south)


@pytest.fixture
def make_account(teammate):
    def make(**fields):
        fields.setdefault("owner", teammate)
        return AccountFactory(**fields)

    return make
