"""GitHubPort: the calls fogbank makes, implemented by the githubkit client and by the in-memory fake."""

from __future__ import annotations

import inspect

import pytest

from fogbank.repo.github.client import GitHubClient
from fogbank.repo.github.fake import FakeGitHub
from fogbank.repo.github.port import GitHubPort

PORT_METHODS = sorted(
    name
    for name, member in vars(GitHubPort).items()
    if inspect.isfunction(member) and not name.startswith("_")
)


@pytest.mark.parametrize("implementation", [GitHubClient, FakeGitHub], ids=lambda cls: cls.__name__)
def test_each_implementation_has_every_call_with_the_ports_parameters(implementation: type) -> None:
    # GIVEN the port's methods
    # WHEN an implementation is compared with it
    # THEN it has each method, with the same parameter names and kinds (a test on the fake then means
    # something for the client that talks to GitHub)
    for name in PORT_METHODS:
        assert hasattr(implementation, name), f"{implementation.__name__} lacks {name}"
        wanted = [(p.name, p.kind) for p in inspect.signature(getattr(GitHubPort, name)).parameters.values()]
        actual = [
            (p.name, p.kind) for p in inspect.signature(getattr(implementation, name)).parameters.values()
        ]
        assert actual == wanted, f"{implementation.__name__}.{name}"
    assert len(PORT_METHODS) >= 20


def test_the_fake_is_a_port_at_runtime() -> None:
    # GIVEN / WHEN / THEN the runtime-checkable protocol accepts the fake
    assert isinstance(FakeGitHub(), GitHubPort)
