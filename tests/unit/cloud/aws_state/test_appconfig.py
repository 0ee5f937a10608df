"""AppConfig applications, profiles and hosted versions found in moto's state by id or name."""

from __future__ import annotations

from fogbank.cloud.aws_state.appconfig import HostedContent, find_application, find_profile, hosted_content

from ..conftest import ACCOUNT, Clients

WHERE = {"account_id": ACCOUNT, "region": "us-east-1"}


def test_application_profile_and_hosted_content_by_id_or_name(aws: Clients) -> None:
    # GIVEN an application with a profile and one hosted JSON version
    appconfig = aws("appconfig")
    app_id = appconfig.create_application(Name="shop")["Id"]
    profile_id = appconfig.create_configuration_profile(
        ApplicationId=app_id, Name="flags", LocationUri="hosted"
    )["Id"]
    version = appconfig.create_hosted_configuration_version(
        ApplicationId=app_id,
        ConfigurationProfileId=profile_id,
        Content=b'{"beta": true}',
        ContentType="application/json",
        VersionLabel="v1",
    )["VersionNumber"]

    # THEN the application and the profile are found by id or by name
    assert find_application("shop", **WHERE) == find_application(app_id, **WHERE) == app_id
    assert find_profile(app_id, "flags", **WHERE) == find_profile(app_id, profile_id, **WHERE) == profile_id
    # AND the version's bytes, content type and label are read back
    assert hosted_content(ACCOUNT, "us-east-1", app_id, profile_id, version) == HostedContent(
        b'{"beta": true}', "application/json", "v1"
    )


def test_what_does_not_exist_is_none(aws: Clients) -> None:
    # GIVEN an application without profiles
    app_id = aws("appconfig").create_application(Name="empty")["Id"]
    # THEN unknown names, profiles and versions are None (the data plane answers AWS's 404s)
    assert find_application("ghost", **WHERE) is None
    assert find_profile(app_id, "flags", **WHERE) is None
    assert find_profile("no-app", "flags", **WHERE) is None
    assert hosted_content(ACCOUNT, "us-east-1", app_id, "no-profile", 1) is None
    assert hosted_content(ACCOUNT, "us-east-1", "no-app", "no-profile", 1) is None
