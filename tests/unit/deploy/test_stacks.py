"""The stack of a cloud assembly, read from its manifest.json. Creating, updating, deleting and waiting for
stacks is tested in tests/integration/framework/test_deploy.py against a running local cloud."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogbank.deploy.stacks import read_stack_artifact
from fogbank.errors import DeployError


def write_manifest(folder: Path, artifacts: dict[str, object]) -> None:
    """manifest.json as CDK v2 synth writes it (trimmed to the artifacts fogbank reads)."""
    (folder / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))


def stack(name: str, dependencies: list[str]) -> dict[str, object]:
    return {
        "type": "aws:cloudformation:stack",
        "environment": "aws://unknown-account/unknown-region",
        "properties": {"templateFile": f"{name}.template.json", "stackName": name},
        "dependencies": dependencies,
    }


def test_the_stack_its_template_and_its_asset_manifest_are_found(tmp_path: Path) -> None:
    # GIVEN an assembly with one stack depending on its asset manifest, and a tree artifact
    write_manifest(
        tmp_path,
        {
            "fogbank-alpha.assets": {
                "type": "cdk:asset-manifest",
                "properties": {"file": "fogbank-alpha.assets.json"},
            },
            "fogbank-alpha": stack("fogbank-alpha", ["fogbank-alpha.assets"]),
            "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
        },
    )
    # WHEN the stack artifact is read
    artifact = read_stack_artifact(tmp_path)
    # THEN its id, template path and asset manifest are known
    assert artifact.artifact_id == "fogbank-alpha"
    assert artifact.template_file == tmp_path / "fogbank-alpha.template.json"
    assert artifact.assets_manifest == "fogbank-alpha.assets.json"


def test_a_stack_without_assets_has_no_asset_manifest(tmp_path: Path) -> None:
    # GIVEN a stack with no dependency / WHEN read THEN there is no asset manifest to publish
    write_manifest(tmp_path, {"s": stack("s", [])})
    assert read_stack_artifact(tmp_path).assets_manifest is None


def test_a_folder_that_is_no_assembly_says_to_synthesize(tmp_path: Path) -> None:
    # GIVEN an empty folder / WHEN read THEN the error names it and the next step
    with pytest.raises(DeployError, match=f"{tmp_path} is not a cloud assembly .*synthesize it first"):
        read_stack_artifact(tmp_path)


@pytest.mark.parametrize("names", [[], ["a", "b"]])
def test_exactly_one_stack_per_feature(tmp_path: Path, names: list[str]) -> None:
    # GIVEN an assembly with no stack or two / WHEN read THEN the error counts and names them
    write_manifest(tmp_path, {name: stack(name, []) for name in names})
    listed = ", ".join(names) or "none"
    with pytest.raises(
        DeployError, match=rf"holds {len(names)} stacks \({listed}\); fogbank deploys exactly one"
    ):
        read_stack_artifact(tmp_path)


def test_the_collector_waits_while_a_stack_is_deleted_and_what_stays_is_frozen() -> None:
    # GIVEN a local target whose CloudFormation is answered by botocore's Stubber (no cloud in unit tests):
    # the stack exists, and is gone once deleted; each call notes whether the collector was on
    import gc

    from botocore.stub import Stubber

    from fogbank.deploy.stacks import delete_stack
    from fogbank.deploy.targets import local_target

    target = local_target("http://127.0.0.1:9", region="us-east-1", account_id="123456789012")
    cloudformation = target.client("cloudformation")
    collector_on: list[bool] = []
    cloudformation.meta.events.register(
        "before-parameter-build.cloudformation", lambda **_: collector_on.append(gc.isenabled())
    )
    stack_id = "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1"
    stack = {
        "StackName": "s",
        "StackId": stack_id,
        "StackStatus": "CREATE_COMPLETE",
        "CreationTime": "2026-01-01",
    }
    with Stubber(cloudformation) as stubber:
        stubber.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": "s"})
        stubber.add_response("delete_stack", {}, {"StackName": stack_id})
        stubber.add_client_error(
            "describe_stacks", "ValidationError", f"Stack with id {stack_id} does not exist"
        )
        gc.unfreeze()
        assert gc.isenabled()
        # WHEN the stack is deleted
        delete_stack(target, "s")
        stubber.assert_no_pending_responses()
    # THEN no automatic collection could run during any call, the collector is on again afterwards,
    # and what the delete left alive is frozen
    assert collector_on == [False, False, False]
    assert gc.isenabled() and gc.get_freeze_count() > 0
    gc.unfreeze()
