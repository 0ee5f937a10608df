"""A backend lookup registers accounts and services as moto's own lookup does, without scanning every service."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterator

import pytest
from moto.core.base_backend import AccountSpecificBackend, BackendDict
from moto.sqs.models import SQSBackend

from fogbank.cloud.aws_state import moto_backends
from fogbank.cloud.aws_state.moto_dispatch import MotoDispatch

# sha256 of the source of `stood_in_for()` in moto 5.2.5: a moto upgrade that changes it fails here first, and
# then create_account_specific_backend must be checked against the new code (and this digest renewed).
STOOD_IN_FOR_SHA256 = "f3c4be1bb0ef95659b68d858c938b519ac38adea9645db6623cc73bd6ab45cb6"


@pytest.fixture
def backends() -> Iterator[BackendDict[SQSBackend]]:
    """A BackendDict of its own (moto's registry holds it only while the test runs)."""
    moto_backends.install()
    created: BackendDict[SQSBackend] = BackendDict(SQSBackend, "sqs")
    yield created
    while any(each is created for each in BackendDict._instances):  # type: ignore[misc]
        BackendDict._instances.remove(created)  # type: ignore[misc]


def _registered(backends: BackendDict[SQSBackend]) -> int:
    return sum(each is backends for each in BackendDict._instances)  # type: ignore[misc]


def test_the_moto_code_stood_in_for_is_the_pinned_one() -> None:
    # GIVEN the moto code create_account_specific_backend stands in for
    sources = "".join(inspect.getsource(code) for code in moto_backends.stood_in_for())
    # THEN it is exactly the code it was written against
    assert hashlib.sha256(sources.encode()).hexdigest() == STOOD_IN_FOR_SHA256


def test_installed_by_moto_dispatch() -> None:
    MotoDispatch()
    assert BackendDict._create_account_specific_backend is moto_backends.create_account_specific_backend


def test_a_new_account_is_created_and_the_service_registered_once(backends: BackendDict[SQSBackend]) -> None:
    # GIVEN a service nobody looked up yet
    assert _registered(backends) == 0
    # WHEN an account is looked up three times, then another account
    first = [backends["111111111111"] for _ in range(3)]
    other = backends["222222222222"]
    # THEN each account has one backend, and the service is registered once (moto's reset reaches it)
    assert first[0] is first[1] is first[2]
    assert isinstance(other, AccountSpecificBackend) and other is not first[0]
    assert sorted(backends) == ["111111111111", "222222222222"]
    assert _registered(backends) == 1


def test_a_service_dropped_from_the_registry_is_registered_again(backends: BackendDict[SQSBackend]) -> None:
    # GIVEN a looked-up service that the registry no longer holds (what moto's reset does to every service)
    existing = backends["111111111111"]
    BackendDict._instances.remove(backends)  # type: ignore[misc]
    # WHEN the same account is looked up again
    again = backends["111111111111"]
    # THEN it is the same backend, and the service is registered again, as moto's own lookup does
    assert again is existing
    assert _registered(backends) == 1
