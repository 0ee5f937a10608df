"""Without the zygote (FOGBANK_LAMBDA_ZYGOTE=0) each environment is a new interpreter; it hides the standard
library modules the function's Python minor lacks all the same (where it runs on the cloud's interpreter). Its own cloud: one LocalCloud per process."""

from __future__ import annotations

import json

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER
from lambda_support import ROLE_POLICY, invoke_json, zip_code

pytestmark = pytest.mark.skipif(INTERPRETER != (3, 11), reason="the cases below are written for a 3.11 cloud")


def test_without_the_zygote_the_named_versions_modules_are_hidden_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a cloud whose environments start as new interpreters (FOGBANK_LAMBDA_ZYGOTE=0) of its own Python (no
    # other minor's interpreter is used: FOGBANK_PYTHON_3_X=emulate)
    monkeypatch.setenv("FOGBANK_LAMBDA_ZYGOTE", "0")
    for minor in (10, 13):
        monkeypatch.setenv(f"FOGBANK_PYTHON_3_{minor}", "emulate")
    with LocalCloud() as cloud:
        lambda_client = cloud.client("lambda")
        role = cloud.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
        for runtime, module in (("python3.13", "cgi"), ("python3.10", "tomllib")):
            lambda_client.create_function(
                FunctionName=f"old-{runtime.replace('.', '-')}", Runtime=runtime, Role=role["Role"]["Arn"],
                Handler="app.handler", Code={"ZipFile": zip_code({"app.py": f"import {module}\n"})},
            )  # fmt: skip

            # WHEN a python3.13 function imports cgi and a python3.10 one tomllib
            _, body = invoke_json(lambda_client, f"old-{runtime.replace('.', '-')}")

            # THEN each fails as on AWS
            assert body["errorMessage"] == f"Unable to import module 'app': No module named '{module}'"
