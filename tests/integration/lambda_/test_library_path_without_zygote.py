"""Without the zygote (FOGBANK_LAMBDA_ZYGOTE=0) each environment is a new process whose loader reads Lambda's
LD_LIBRARY_PATH, which names the code's and the layers' host paths. Its own cloud: one LocalCloud per process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import ROLE_POLICY, invoke_json
from native_support import PYTHON_APP, build_native, zip_files


def test_without_the_zygote_environments_find_the_libraries_at_their_host_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = build_native(tmp_path)
    if built is None:
        pytest.skip("gcc is not installed: this test builds the shared libraries it loads")
    # GIVEN a cloud whose environments start as new processes (FOGBANK_LAMBDA_ZYGOTE=0: code and layers at
    # their host paths), and a function whose code and layer ship libraries
    monkeypatch.setenv("FOGBANK_LAMBDA_ZYGOTE", "0")
    with LocalCloud() as cloud:
        lambda_client = cloud.client("lambda")
        role = cloud.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
        layer = zip_files({"lib/libfrom_layer.so": (built / "libfrom_layer.so").read_bytes()})
        arn = lambda_client.publish_layer_version(LayerName="native", Content={"ZipFile": layer})[
            "LayerVersionArn"
        ]
        files: dict[str, bytes | str] = {
            "app.py": PYTHON_APP,
            "lib/libfrom_code.so": (built / "libfrom_code.so").read_bytes(),
            "linked.so": (built / "linked.so").read_bytes(),
        }
        lambda_client.create_function(
            FunctionName="native", Runtime="python3.11", Role=role["Role"]["Arn"], Handler="app.handler",
            Code={"ZipFile": zip_files(files)}, Layers=[arn],
        )  # fmt: skip

        # WHEN it loads both by name and imports the extension linked against the layer's
        payload = {"load": ["libfrom_code.so", "libfrom_layer.so"], "extension": True}
        response, body = invoke_json(lambda_client, "native", payload)

    # THEN the new interpreter's loader read LD_LIBRARY_PATH, which names the host paths in Lambda's order
    assert "FunctionError" not in response, body
    assert body["libfrom_code.so"] == 8 and body["libfrom_layer.so"] == 7 and body["extension"] == 7
    assert str(cloud.context.state_dir) in body["ld_library_path"].split(":")[-1]
