"""The AWS SDK for JavaScript v3 that Node.js functions get from the runtime, as on Lambda's nodejs18.x+.

A function that does not bundle `@aws-sdk/*` finds the runtime's copy; one that bundles its own (or gets it from
a layer) uses that instead. The install itself runs npm against the real npm registry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.node_runtime import NODE_SDK_VERSION, ensure_node_runtime, node_runtime_dir
from fogbank.errors import CloudError
from lambda_support import invoke_json, zip_code

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")

S3_ROUND_TRIP = """
    const { S3Client, PutObjectCommand, GetObjectCommand } = require("@aws-sdk/client-s3");
    const s3 = new S3Client({});
    exports.handler = async (event) => {
      await s3.send(new PutObjectCommand({ Bucket: event.bucket, Key: event.key, Body: event.body }));
      const got = await s3.send(new GetObjectCommand({ Bucket: event.bucket, Key: event.key }));
      return { body: await got.Body.transformToString(), sdk: require.resolve("@aws-sdk/client-s3") };
    };
"""
WHICH_SDK = """
    const sdk = require("@aws-sdk/client-s3");
    exports.handler = async () => ({ owner: sdk.OWNER || "runtime", path: require.resolve("@aws-sdk/client-s3") });
"""


def _fake_sdk(owner: str) -> str:
    return f'exports.OWNER = "{owner}"; exports.S3Client = class {{}};\n'


@pytest.fixture
def make_node_function(lambda_client: Any, make_function: Callable[..., str]) -> Callable[..., str]:
    def make(files: dict[str, str], **kwargs: Any) -> str:
        return make_function(files, handler="index.handler", Runtime="nodejs20.x", Timeout=30, **kwargs)

    return make


def test_unbundled_client_s3_round_trip(
    cloud: LocalCloud, lambda_client: Any, make_node_function: Callable[..., str]
) -> None:
    # GIVEN a bucket and a Node.js function that requires @aws-sdk/client-s3 without bundling it
    bucket = f"node-sdk-{uuid.uuid4().hex[:8]}"
    cloud.client("s3").create_bucket(Bucket=bucket)
    name = make_node_function({"index.js": S3_ROUND_TRIP})

    # WHEN it puts and gets an object with the SDK's default configuration (AWS_ENDPOINT_URL, dummy keys)
    response, body = invoke_json(lambda_client, name, {"bucket": bucket, "key": "a/b.txt", "body": "héllo"})

    # THEN the object went to the local cloud's S3 and came back, through the runtime's SDK
    assert "FunctionError" not in response, body
    assert body["body"] == "héllo"
    assert Path(body["sdk"]).is_relative_to(node_runtime_dir())
    stored = cloud.client("s3").get_object(Bucket=bucket, Key="a/b.txt")["Body"].read()
    assert stored.decode() == "héllo"


def test_function_bundling_its_own_sdk_uses_its_own(
    lambda_client: Any, make_node_function: Callable[..., str]
) -> None:
    # GIVEN a function whose .zip carries its own @aws-sdk/client-s3
    name = make_node_function(
        {"index.js": WHICH_SDK, "node_modules/@aws-sdk/client-s3/index.js": _fake_sdk("function")}
    )

    # WHEN it is invoked
    _, body = invoke_json(lambda_client, name)

    # THEN its own copy was loaded, not the runtime's
    assert body["owner"] == "function"
    assert not Path(body["path"]).is_relative_to(node_runtime_dir())


def test_layer_sdk_wins_over_the_runtime(lambda_client: Any, make_node_function: Callable[..., str]) -> None:
    # GIVEN a layer with its own @aws-sdk/client-s3 under nodejs/node_modules, and a function using the layer
    layer = lambda_client.publish_layer_version(
        LayerName=f"sdk-{uuid.uuid4().hex[:8]}",
        Content={
            "ZipFile": zip_code({"nodejs/node_modules/@aws-sdk/client-s3/index.js": _fake_sdk("layer")})
        },
        CompatibleRuntimes=["nodejs20.x"],
    )
    name = make_node_function({"index.js": WHICH_SDK}, Layers=[layer["LayerVersionArn"]])

    # WHEN it is invoked
    _, body = invoke_json(lambda_client, name)

    # THEN the layer's copy was loaded (the layers come before the runtime on NODE_PATH, as on Lambda)
    assert body["owner"] == "layer"


ES_MODULE = """
    import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";
    import { WHO } from "layer-lib";
    export const handler = async () => {
      const listed = await new S3Client({}).send(new ListBucketsCommand({}));
      return { buckets: listed.Buckets.map((b) => b.Name), layer: WHO };
    };
"""


def test_es_module_handler_imports_the_runtime_sdk_and_its_layer(
    cloud: LocalCloud, lambda_client: Any, make_node_function: Callable[..., str]
) -> None:
    # GIVEN a bucket, a layer with a package, and an ES module handler (.mjs) importing it and the SDK
    bucket = f"node-esm-{uuid.uuid4().hex[:8]}"
    cloud.client("s3").create_bucket(Bucket=bucket)
    layer = lambda_client.publish_layer_version(
        LayerName=f"lib-{uuid.uuid4().hex[:8]}",
        Content={
            "ZipFile": zip_code(
                {
                    "nodejs/node_modules/layer-lib/package.json": '{"name": "layer-lib", "main": "index.js"}',
                    "nodejs/node_modules/layer-lib/index.js": 'exports.WHO = "the layer";',
                }
            )
        },
    )
    name = make_node_function({"index.mjs": ES_MODULE}, Layers=[layer["LayerVersionArn"]])

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN both imports resolved (Node's ES module loader alone ignores NODE_PATH; Lambda's runtime does not)
    assert "FunctionError" not in response, body
    assert bucket in body["buckets"]
    assert body["layer"] == "the layer"


def test_parallel_first_installs_run_npm_once(tmp_path: Path) -> None:
    # GIVEN an empty fogbank cache and two processes that both need the Node.js runtime's SDK
    env = {**os.environ, "FOGBANK_CACHE_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "fogbank.cloud.lambda_.node_runtime"]

    # WHEN they start at the same time
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    runs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [run.communicate(timeout=600) for run in runs]

    # THEN both succeed with the same directory, npm ran once (one progress message), and the packages are there
    assert [run.returncode for run in runs] == [0, 0], results
    assert {out.strip() for out, _ in results} == {str(node_runtime_dir(tmp_path) / "node_modules")}
    assert sum(err.count("installing the AWS SDK") for _, err in results) == 1
    package = node_runtime_dir(tmp_path) / "node_modules" / "@aws-sdk" / "client-s3" / "package.json"
    assert json.loads(package.read_text())["version"] == NODE_SDK_VERSION
    assert not list(tmp_path.glob("node-runtime/*.partial-*"))


def test_missing_npm_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an empty cache and a PATH without npm
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    # WHEN the runtime's SDK is needed
    # THEN the error names npm and the next step
    with pytest.raises(CloudError, match=r"needs npm, which is not on PATH.*make install"):
        ensure_node_runtime(tmp_path / "cache")


def test_failed_npm_install_names_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an npm whose registry cannot be reached (a closed port) and an empty npm cache
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))
    monkeypatch.setenv("npm_config_fetch_retries", "0")

    # WHEN the runtime's SDK is installed
    # THEN the error names the npm command and what to check, and leaves no partial directory behind
    with pytest.raises(CloudError, match=r"(?s)`\S*npm install .*ECONNREFUSED.*registry is reachable"):
        ensure_node_runtime(tmp_path / "cache")
    assert not (node_runtime_dir(tmp_path / "cache")).exists()
    assert not list((tmp_path / "cache").glob("node-runtime/*.partial-*"))
