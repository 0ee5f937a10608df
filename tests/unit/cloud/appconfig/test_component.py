"""AppConfigComponent: the control plane and the data plane both answer for the "appconfig" signing name."""

from __future__ import annotations

import json
from pathlib import Path

from fogbank.cloud.appconfig.component import AppConfigComponent
from fogbank.cloud.router import AwsRequest, AwsRouter
from fogbank.cloud.site import CloudSite

from ..conftest import Clients


def test_start_registers_both_planes_and_leaves_the_rest_to_moto(tmp_path: Path, aws: Clients) -> None:
    # GIVEN a started component on a real router
    router = AwsRouter(lambda environ, start_response: [])
    component = AppConfigComponent(CloudSite("http://127.0.0.1:9", tmp_path), router)
    component.start()

    # WHEN a control-plane route, a data-plane route and one of moto's routes are dispatched
    environment = router.dispatch(
        AwsRequest.build(
            "POST", "/applications/ghost/environments", {}, b'{"Name": "dev"}', service="appconfig"
        )
    )
    session = router.dispatch(
        AwsRequest.build("POST", "/configurationsessions", {}, b"{}", service="appconfig")
    )
    applications = router.dispatch(AwsRequest.build("GET", "/applications", {}, b"", service="appconfig"))

    # THEN the control plane answers the environment (no such application), the data plane the session
    # (its missing parameters), and moto's ListApplications is passed on
    assert environment is not None and environment.status == 404
    assert "Application ghost not found" in json.loads(environment.body)["message"]
    assert session is not None and session.status == 400
    assert "Missing required parameters" in json.loads(session.body)["message"]
    assert applications is None
    # AND the data plane reads the control plane's environments
    assert component.data.control is component.control
    component.stop()
