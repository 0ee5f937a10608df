"""Deploy targets: where stacks go. `local` is a fogbank local cloud, `aws` is AWS itself.

Both are plain boto3 sessions; the only differences are the endpoint and the credentials. The local cloud's
endpoint comes from `--endpoint`, or `AWS_ENDPOINT_URL` (set by `LocalCloud.apply_env()`), or a factory the
pytest plugin registers (it starts the worker's LocalCloud on first use). `aws` uses boto3's default
credential chain and region.

Example:
    >>> from fogbank.deploy.targets import resolve_target
    >>> target = resolve_target("local", endpoint="http://127.0.0.1:4566")
    >>> target.name, target.endpoint_url
    ('local', 'http://127.0.0.1:4566')

Example (skipped as a doctest: it needs a running local cloud):
    >>> target.client("cloudformation").list_stacks()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from fogbank.config import TARGETS
from fogbank.errors import TargetError
from fogbank.local_credentials import LOCAL_BOTO3_CREDENTIALS

if TYPE_CHECKING:
    import boto3

__all__ = [
    "LOCAL_CREDENTIALS",
    "Target",
    "aws_target",
    "local_target",
    "resolve_target",
    "set_target_factory",
]

LOCAL_CREDENTIALS = LOCAL_BOTO3_CREDENTIALS  # the local cloud's dummy credentials (fogbank.local_credentials)
_factory_lock = threading.Lock()
_target_factory: Callable[[str | None], Target | None] | None = None


@dataclass
class Target:
    """One deploy target: a name ("local" or "aws"), a boto3 session and an optional endpoint."""

    name: str
    session: boto3.session.Session
    endpoint_url: str | None = None
    known_account: str | None = None
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_local(self) -> bool:
        return self.name == "local"

    @property
    def region(self) -> str:
        region = self.session.region_name
        if not region:
            raise TargetError(
                f"no AWS region for the {self.name} target; set AWS_REGION (or AWS_DEFAULT_REGION), "
                "or a region in your AWS profile"
            )
        return str(region)

    @cached_property
    def account(self) -> str:
        """The account id: `known_account`, else STS GetCallerIdentity (which also checks the credentials)."""
        if self.known_account is not None:
            return str(self.known_account)
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            return str(self.client("sts").get_caller_identity()["Account"])
        except NoCredentialsError as exc:
            raise TargetError(
                f"no AWS credentials for the {self.name} target; configure the default credential chain "
                "(AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or SSO: `aws sso login`)"
            ) from exc
        except (ClientError, BotoCoreError) as exc:
            raise TargetError(f"cannot reach the {self.name} target ({self.describe()}): {exc}") from exc

    def client(self, service: str) -> Any:
        """A boto3 client for `service`, cached on this target."""
        if service not in self._clients:
            from botocore.config import Config

            self._clients[service] = self.session.client(
                service,
                region_name=self.region,
                endpoint_url=self.endpoint_url,
                config=Config(retries={"max_attempts": 3, "mode": "standard"}, read_timeout=300),
            )
        return self._clients[service]

    def describe(self) -> str:
        """`local (http://127.0.0.1:4566, us-east-1)` or `aws (eu-west-1)`."""
        where = f"{self.endpoint_url}, " if self.endpoint_url else ""
        return f"{self.name} ({where}{self.session.region_name or 'no region'})"


def aws_target(endpoint: str | None = None) -> Target:
    """The `aws` target: boto3's default credential chain; region from the chain, else AWS_REGION."""
    import boto3

    session = boto3.session.Session()
    if not session.region_name and os.environ.get("AWS_REGION"):
        session = boto3.session.Session(region_name=os.environ["AWS_REGION"])
    return Target(name="aws", session=session, endpoint_url=endpoint)


def local_target(endpoint: str, *, region: str, account_id: str | None = None) -> Target:
    """The `local` target: a fogbank local cloud at `endpoint`, with its dummy credentials.

    `account_id` (the cloud's, when known) saves an STS call. The one place a local Target is built.

    Example:
        >>> target = local_target("http://127.0.0.1:4566", region="eu-west-1", account_id="123456789012")
        >>> target.describe(), target.account
        ('local (http://127.0.0.1:4566, eu-west-1)', '123456789012')
    """
    import boto3

    session = boto3.session.Session(region_name=region, **LOCAL_BOTO3_CREDENTIALS)
    return Target(name="local", session=session, endpoint_url=endpoint, known_account=account_id)


def set_target_factory(factory: Callable[[str | None], Target | None] | None) -> None:
    """Register the function that supplies targets when no endpoint is given (the pytest plugin does).

    It is called with the requested name (None when the caller named none) and returns a Target, or None
    to fall back to the environment.
    """
    global _target_factory
    with _factory_lock:
        _target_factory = factory


def resolve_target(name: str | None = None, endpoint: str | None = None) -> Target:
    """The target to deploy to.

    Args:
        name: "local" or "aws"; default FOGBANK_TARGET, else "local".
        endpoint: the local cloud's endpoint; default AWS_ENDPOINT_URL, else the plugin's factory.

    Raises:
        TargetError: when no local cloud can be found, or the name is unknown.
    """

    if endpoint is None and _target_factory is not None:
        supplied = _target_factory(name)
        if supplied is not None:
            return supplied
    name = name or os.environ.get("FOGBANK_TARGET") or "local"
    if name not in TARGETS:
        raise TargetError(f"target {name!r} is unknown; choose one of {', '.join(TARGETS)}")
    if name == "aws":
        return aws_target(endpoint)
    endpoint = endpoint or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint is None:
        raise TargetError(
            "no local cloud to deploy to: run under pytest (the fogbank plugin starts one), or start one with "
            "`fogbank cloud start` and export AWS_ENDPOINT_URL, or choose --target aws"
        )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return local_target(endpoint, region=region)
