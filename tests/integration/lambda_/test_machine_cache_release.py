"""A cloud holds the machine cache's entries it uses (layer sets, compiled modules) while it runs, and its stop
releases every hold: no descriptor is left open (fogbank.cloud.lambda_.machine_cache)."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import os
import uuid
from pathlib import Path

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import HANDLER_POLICY, ROLE_POLICY, invoke_json, zip_code

LAYER = zip_code({"python/layered.py": "VALUE = 'from the layer'\n"})
HANDLER = "import layered\ndef handler(event, context):\n    return layered.VALUE\n"


def _open_descriptors() -> dict[int, str]:
    """This process's open descriptors and what each names."""
    named = {}
    for entry in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone by now
            named[int(entry)] = os.readlink(f"/proc/self/fd/{entry}")
    return named


def _run_a_layered_function(cache: Path) -> list[str]:
    """Start a cloud, invoke a function with a layer in it, stop it; what it held in `cache` while running."""
    cloud = LocalCloud()
    cloud.start()
    try:
        zygote = cloud.context.lambda_._zygote
        if zygote is None:
            pytest.skip("the zygote is disabled (FOGBANK_LAMBDA_ZYGOTE=0): nothing is shared then")
        zygote.start()
        if zygote.opt_error is not None:
            pytest.skip(f"this machine has no user + mount namespaces: {zygote.opt_error}")
        iam, lam = cloud.client("iam"), cloud.client("lambda")
        iam.create_role(RoleName="holds", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
        iam.put_role_policy(RoleName="holds", PolicyName="p", PolicyDocument=json.dumps(HANDLER_POLICY))
        layer = lam.publish_layer_version(LayerName="holds", Content={"ZipFile": LAYER})["LayerVersionArn"]
        name = f"fn-{uuid.uuid4().hex[:10]}"
        lam.create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=iam.get_role(RoleName="holds")["Role"]["Arn"],
            Handler="app.handler",
            Code={"ZipFile": zip_code({"app.py": HANDLER})},
            Layers=[layer],
        )
        response, body = invoke_json(lam, name)
        assert "FunctionError" not in response and body == "from the layer", body
        return sorted(path for path in _open_descriptors().values() if path.startswith(str(cache)))
    finally:
        cloud.stop()


def test_a_clouds_stop_releases_every_entry_it_held_in_the_machine_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a machine cache, and a cloud that has run a function with a layer once (what a first start loads)
    cache = tmp_path / "fogbank-cache"
    monkeypatch.setenv("FOGBANK_CACHE_DIR", str(cache))
    _run_a_layered_function(cache)
    gc.collect()  # boto3 clients (their keep-alive sockets) live in reference cycles
    before = _open_descriptors()

    # WHEN another cloud starts, runs it, and stops
    held_while_running = _run_a_layered_function(cache)
    gc.collect()

    # THEN while it ran it held its layer set and its compiled modules' entries; once stopped, not one
    # descriptor more is open than before, and every entry can be taken for eviction
    assert {Path(path).parent.name for path in held_while_running} >= {"lambda-layers", "opt", "python"}
    assert all(Path(path).name.endswith(".lock") for path in held_while_running), held_while_running
    after = _open_descriptors()
    assert len(after) == len(before), {fd: path for fd, path in after.items() if before.get(fd) != path}
    for lock_file in cache.rglob(".*.lock"):
        descriptor = os.open(lock_file, os.O_RDWR)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: still held
        finally:
            os.close(descriptor)
