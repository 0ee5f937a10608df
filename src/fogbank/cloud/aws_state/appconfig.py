"""Read AppConfig applications, profiles and hosted configuration versions from moto's backend.

moto serves AppConfig's control plane for applications and profiles but has no ListApplications and no
data plane; fogbank's appconfigdata needs to find them by name or id, and read hosted content.

Example:
    >>> app = _backend("123456789012", "eu-north-1").create_application("my-app", None, {})
    >>> find_application("my-app", account_id="123456789012", region="eu-north-1") == app.id
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["HostedContent", "find_application", "find_profile", "hosted_content"]


@dataclass(frozen=True)
class HostedContent:
    """One hosted configuration version's bytes and content type."""

    content: bytes
    content_type: str
    version_label: str | None


def _backend(account_id: str, region: str) -> Any:
    from moto.appconfig.models import appconfig_backends

    return appconfig_backends[account_id][region]


def find_application(identifier: str, *, account_id: str, region: str) -> str | None:
    """The id of the application whose id or name is `identifier`."""
    for app_id, app in _backend(account_id, region).applications.items():
        if identifier in (app_id, app.name):
            return str(app_id)
    return None


def find_profile(app_id: str, identifier: str, *, account_id: str, region: str) -> str | None:
    """The id of the configuration profile (of `app_id`) whose id or name is `identifier`."""
    app = _backend(account_id, region).applications.get(app_id)
    if app is None:
        return None
    for profile_id, profile in app.config_profiles.items():
        if identifier in (profile_id, profile.name):
            return str(profile_id)
    return None


def hosted_content(
    account_id: str, region: str, app_id: str, profile_id: str, version: int
) -> HostedContent | None:
    """A hosted configuration version's content, or None when it does not exist."""
    app = _backend(account_id, region).applications.get(app_id)
    profile = app.config_profiles.get(profile_id) if app is not None else None
    stored = profile.config_versions.get(version) if profile is not None else None
    if stored is None:
        return None
    content = stored.content if isinstance(stored.content, bytes) else str(stored.content).encode()
    return HostedContent(
        content, str(stored.content_type or "application/octet-stream"), stored.version_label
    )
