"""CDK synth of sample feature folders, for real (aws-cdk-lib in process); no service is contacted."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.deploy.targets import Target
from fogbank.errors import ConfigError
from fogbank.infrastructure import BaseInfrastructure

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("framework-test_synth")]


def _template(assembly: Path) -> dict[str, Any]:
    return json.loads(next(assembly.glob("*.template.json")).read_text(encoding="utf-8"))


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: item for name, item in template["Resources"].items() if item["Type"] == kind}


@pytest.fixture(scope="module")
def two_handlers_assembly(project: Path, offline_target: Target) -> Path:
    from fogbank.infrastructure import find_infrastructure_class

    stack = find_infrastructure_class(project / "two_handlers" / "infrastructure.py")(target=offline_target)
    return stack.synth()


def test_synth_of_two_handlers_makes_functions_layer_log_groups_and_outputs(two_handlers_assembly: Path):
    # GIVEN a feature folder with handlers/basic_handler.py and handlers/cold_start.py (timeout overridden)
    # WHEN it was synthesized
    template = _template(two_handlers_assembly)
    functions = _of_type(template, "AWS::Lambda::Function")
    layers = _of_type(template, "AWS::Lambda::LayerVersion")
    log_groups = _of_type(template, "AWS::Logs::LogGroup")
    # THEN there is one function per handler, with the seed's settings and the override
    by_handler = {
        item["Properties"]["Handler"]: (name, item["Properties"]) for name, item in functions.items()
    }
    assert sorted(by_handler) == ["basic_handler.lambda_handler", "cold_start.lambda_handler"]
    (layer_id,) = layers
    for _, properties in by_handler.values():
        assert properties["Runtime"] == "python3.11"
        assert properties["TracingConfig"] == {"Mode": "Active"}
        assert properties["Layers"] == [{"Ref": layer_id}]
        assert properties["Architectures"] == ["x86_64"]
        assert properties["Timeout"] == 17  # function_props override (the default is 3)
    # AND the layer is one file asset for x86_64 / python3.11
    assert layers[layer_id]["Properties"]["CompatibleRuntimes"] == ["python3.11"]
    assert layers[layer_id]["Properties"]["CompatibleArchitectures"] == ["x86_64"]
    # AND each function has a 1-day log group named after it, destroyed with the stack
    assert len(log_groups) == 2
    for group in log_groups.values():
        assert group["Properties"]["RetentionInDays"] == 1
        assert group["DeletionPolicy"] == "Delete"
        name_parts = group["Properties"]["LogGroupName"]["Fn::Join"][1]
        assert name_parts[0] == "/aws/lambda/" and name_parts[1]["Ref"] in functions
    # AND outputs carry PascalCase names and ARNs, plus the feature's own output
    outputs = template["Outputs"]
    assert sorted(outputs) == [
        "BasicHandler",
        "BasicHandlerArn",
        "BasicHandlerName",
        "ColdStart",
        "ColdStartArn",
    ]
    assert outputs["BasicHandler"]["Value"] == {"Ref": by_handler["basic_handler.lambda_handler"][0]}
    assert outputs["ColdStartArn"]["Value"] == {
        "Fn::GetAtt": [by_handler["cold_start.lambda_handler"][0], "Arn"]
    }
    # AND the default synthesizer needs no bootstrap: no BootstrapVersion parameter, no rules
    assert "Parameters" not in template and "Rules" not in template


def test_assembly_has_the_seed_files_and_is_deployable_by_the_cdk_cli(two_handlers_assembly: Path):
    # GIVEN the synthesized feature / WHEN listing its folder
    names = {path.name for path in two_handlers_assembly.iterdir()}
    manifest = json.loads((two_handlers_assembly / "manifest.json").read_text(encoding="utf-8"))
    stack = next(
        item for item in manifest["artifacts"].values() if item["type"] == "aws:cloudformation:stack"
    )
    assets = json.loads(
        (two_handlers_assembly / "fogbank-two-handlers.assets.json").read_text(encoding="utf-8")
    )
    # THEN it holds the generated CDK app and a manifest naming the run's stack
    assert "cdk_app_V311.py" in names and "manifest.json" in names
    assert stack["properties"]["stackName"].startswith("fogbank-two-handlers-")
    app_source = (two_handlers_assembly / "cdk_app_V311.py").read_text(encoding="utf-8")
    assert "stack = module.TwoHandlersStack()" in app_source and "stack.app.synth()" in app_source
    # AND every asset goes to the CDK asset bucket of the target's account and region
    buckets = {d["bucketName"] for entry in assets["files"].values() for d in entry["destinations"].values()}
    assert buckets == {"cdk-hnb659fds-assets-123456789012-us-east-1"}


def test_synth_cache_skips_unchanged_and_resynthesizes_changed_inputs(
    project: Path, offline_target: Target, two_handlers_assembly: Path, stack_class: Callable[[str], type]
):
    # GIVEN a synthesized feature
    template_file = next(two_handlers_assembly.glob("*.template.json"))
    first_mtime = template_file.stat().st_mtime_ns
    stack_type: type[BaseInfrastructure] = stack_class("two_handlers")
    # WHEN it is synthesized again with nothing changed
    stack_type(target=offline_target).synth()
    # THEN the template was not rewritten (synth skipped)
    assert template_file.stat().st_mtime_ns == first_mtime
    # WHEN a handler changes
    handler = project / "two_handlers" / "handlers" / "cold_start.py"
    handler.write_text(handler.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    stack_type(target=offline_target).synth()
    # THEN it is synthesized again, with the new code asset
    assert template_file.stat().st_mtime_ns != first_mtime
    second_mtime = template_file.stat().st_mtime_ns
    # WHEN the infrastructure module changes (another timeout)
    module = project / "two_handlers" / "infrastructure.py"
    module.write_text(
        module.read_text(encoding="utf-8").replace("seconds(17)", "seconds(19)"), encoding="utf-8"
    )
    for name in [name for name in sys.modules if name.startswith("fogbank_feature_")]:
        del sys.modules[name]  # a new process would import the edited module afresh
    stack_class("two_handlers")(target=offline_target).synth()
    # THEN the template follows
    assert template_file.stat().st_mtime_ns != second_mtime
    timeouts = {
        f["Properties"]["Timeout"]
        for f in _of_type(_template(two_handlers_assembly), "AWS::Lambda::Function").values()
    }
    assert timeouts == {19}


def test_missing_handlers_folder_is_a_clear_error(project: Path, offline_target: Target, stack_class):
    # GIVEN a feature whose create_resources asks for functions but has no handlers/ folder
    feature = project / "no_handlers"
    feature.mkdir()
    (feature / "infrastructure.py").write_text(
        "from fogbank.infrastructure import BaseInfrastructure\n\n\n"
        "class NoHandlersStack(BaseInfrastructure):\n"
        "    def create_resources(self):\n"
        "        self.create_lambda_functions()\n",
        encoding="utf-8",
    )
    # WHEN it is synthesized
    with pytest.raises(Exception) as caught:
        stack_class("no_handlers")(target=offline_target).synth()
    # THEN the error names the feature and the folder to create
    error = caught.value.__cause__ if caught.value.__cause__ is not None else caught.value
    assert isinstance(error, ConfigError)
    assert f"feature no-handlers: no handlers found in {feature / 'handlers'}" in str(error)


@pytest.mark.parametrize(("target_name", "layer_architecture"), [("local", "x86_64"), ("aws", "arm64")])
def test_layer_is_built_for_where_the_arm64_functions_run(
    project: Path,
    stack_class: Callable[[str], type[BaseInfrastructure]],
    target_name: str,
    layer_architecture: str,
) -> None:
    # GIVEN a feature with arm64 functions, on an x86_64 machine (local functions run on its CPU)
    import boto3

    from fogbank.layer import LayerBuilder, host_architecture

    if host_architecture() != "x86_64":
        pytest.skip("written for an x86_64 machine")
    feature = project / f"arm_handlers_{target_name}"
    (feature / "handlers").mkdir(parents=True)
    (feature / "handlers" / "hello.py").write_text("def lambda_handler(event, context):\n    return 1\n")
    (feature / "infrastructure.py").write_text(
        "from fogbank.infrastructure import BaseInfrastructure\n\n\n"
        "class ArmStack(BaseInfrastructure):\n"
        "    def create_resources(self):\n"
        "        self.create_lambda_functions(architecture='arm64')\n",
        encoding="utf-8",
    )
    session = boto3.session.Session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stack = stack_class(feature.name)(target=Target(target_name, session, None, known_account="123456789012"))
    builders = {arch: LayerBuilder(stack.config, architecture=arch) for arch in ("x86_64", "arm64")}
    for builder in builders.values():
        builder.hash_file.unlink(missing_ok=True)  # so that only this synth's build leaves a hash file

    # WHEN it is synthesized for that target
    template = _template(stack.synth())

    # THEN the functions stay arm64, and only the layer for where they run was built: the host's locally,
    # arm64 on AWS
    functions = _of_type(template, "AWS::Lambda::Function").values()
    assert [f["Properties"]["Architectures"] for f in functions] == [["arm64"]]
    built = sorted(arch for arch, builder in builders.items() if builder.hash_file.exists())
    assert built == [layer_architecture]
