"""Account-management personas: an account manager in each team (they run the
account-management process; alice and bob do not)."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def kam(roles, north, manager):
    """Kim, a key-account manager in North (manager's team)."""
    return UserFactory(
        username="kim", first_name="Kim", role=roles["key-account-manager"], team=north
    )


@pytest.fixture
def other_kam(roles, south, other_manager):
    """Sam, a key-account manager in South (other_manager's team)."""
    return UserFactory(
        username="sam", first_name="Sam", role=roles["key-account-manager"], team=south
    )
