"""Without the zygote (FOGBANK_LAMBDA_ZYGOTE=0) an environment's /tmp is the machine's, as before its own /tmp
existed, and its code is at its host path, not /var/task: documented, and said by a warning when the cloud
starts. Its own cloud: one LocalCloud per process."""

from __future__ import annotations

import contextlib
import json
import os
import uuid

import pytest
from test_private_tmp import TMP_PROBE, _probe

from fogbank.cloud import LocalCloud
from lambda_support import ROLE_POLICY, zip_code

TASK_ROOT_PROBE = """
import os
def handler(event, context):
    return {"root": os.environ["LAMBDA_TASK_ROOT"], "cwd": os.getcwd(), "file": __file__}
"""


def test_without_the_zygote_tmp_is_the_machines_and_the_cloud_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a cloud started with FOGBANK_LAMBDA_ZYGOTE=0, and a function writing a file into /tmp
    monkeypatch.setenv("FOGBANK_LAMBDA_ZYGOTE", "0")
    marker = f"fogbank-tmp-{uuid.uuid4().hex}"
    with caplog.at_level("WARNING", logger="fogbank.cloud.lambda_.component"), LocalCloud() as cloud:
        lambda_client = cloud.client("lambda")
        role = cloud.client("iam").create_role(
            RoleName="tmp-role", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY)
        )["Role"]["Arn"]
        lambda_client.create_function(
            FunctionName="shared-tmp",
            Runtime="python3.11",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": zip_code({"app.py": TMP_PROBE})},
        )
        lambda_client.create_function(
            FunctionName="task-root",
            Runtime="python3.11",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": zip_code({"app.py": TASK_ROOT_PROBE})},
        )

        # WHEN it is invoked
        try:
            found = _probe(lambda_client, "shared-tmp", marker=marker, write="shared")["found"]
            on_host = os.path.exists(os.path.join("/tmp", marker))
            task_root = json.loads(lambda_client.invoke(FunctionName="task-root")["Payload"].read())
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join("/tmp", marker))

    # THEN today's behaviour is kept (the write lands in the machine's /tmp), and a warning said so
    assert found == "shared" and on_host
    assert any("/tmp is the machine's" in record.getMessage() for record in caplog.records)
    # AND the code is at its host path (LAMBDA_TASK_ROOT and the working directory name it), which the warning
    # says too
    assert task_root["root"] == task_root["cwd"] == task_root["file"].rsplit("/", 1)[0]
    assert task_root["root"].startswith(str(cloud.context.state_dir)) and task_root["root"] != "/var/task"
    assert any("not at /var/task" in record.getMessage() for record in caplog.records)
