from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest

from fogbank.errors import ConfigError
from fogbank.infrastructure import (
    MissingOutputError,
    StackOutputs,
    current_run_id,
    find_infrastructure_class,
    pascal_case,
)


def test_output_names_are_the_seeds_title_case() -> None:
    # GIVEN handler stems WHEN turned into output names THEN they match the seed's stem.title().replace("_", "")
    for stem in ("basic_handler", "handlerWithCaps", "v2_handler", "parallel_execution_handler"):
        assert pascal_case(stem) == stem.title().replace("_", "")
    assert pascal_case("kebab-case-handler") == "KebabCaseHandler"
    # AND characters invalid in output names are dropped, digits kept
    assert pascal_case("cold_start") == "ColdStart"
    assert pascal_case("alb-handler2") == "AlbHandler2"


def test_missing_output_names_the_stack_and_the_keys_it_has():
    # GIVEN the outputs of a deployed stack
    outputs = StackOutputs("fogbank-logger-abc", {"BasicHandler": "fn-1", "BasicHandlerArn": "arn:fn-1"})
    # WHEN a test reads a key the stack does not have
    with pytest.raises(KeyError) as caught:
        outputs["ColdStart"]
    # THEN the error names the stack, the key and what it has
    assert isinstance(caught.value, MissingOutputError)
    assert str(caught.value) == (
        "stack fogbank-logger-abc has no output 'ColdStart'; it has: BasicHandler, BasicHandlerArn. "
        "Add it in create_resources with self.add_cfn_output(...)"
    )
    # AND present keys work like a dict
    assert outputs["BasicHandler"] == "fn-1" and dict(outputs) == {
        "BasicHandler": "fn-1",
        "BasicHandlerArn": "arn:fn-1",
    }
    # AND a stack without outputs says so
    with pytest.raises(MissingOutputError, match="it has: no outputs at all"):
        StackOutputs("s", {})["x"]


def test_the_run_id_is_made_once_and_inherited_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN no FOGBANK_RUN_ID (set first so that monkeypatch restores the environment afterwards)
    monkeypatch.setenv("FOGBANK_RUN_ID", "placeholder")
    monkeypatch.delenv("FOGBANK_RUN_ID")
    # WHEN the run id is asked twice
    first, second = current_run_id(), current_run_id()
    # THEN it is the same, lowercase hex, and exported for the processes this one starts (xdist workers)
    assert first == second == os.environ["FOGBANK_RUN_ID"]
    assert re.fullmatch(r"[0-9a-f]+", first)
    # AND a run id given by the environment is used as it is
    monkeypatch.setenv("FOGBANK_RUN_ID", "ci42")
    assert current_run_id() == "ci42"


def write_feature(root: Path, folder: str, source: str) -> Path:
    (root / "pyproject.toml").write_text("[tool.fogbank]\n")
    feature = root / "tests" / "e2e" / folder
    feature.mkdir(parents=True)
    (feature / "infrastructure.py").write_text(textwrap.dedent(source))
    return feature / "infrastructure.py"


STACK_CLASS = """
    from fogbank.infrastructure import BaseInfrastructure


    class {name}(BaseInfrastructure):
        def create_resources(self) -> None:
            pass
"""


def test_the_feature_class_is_found_and_names_its_stack_per_run_and_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a feature folder `event_handler` with one stack class, in run ci42 on xdist worker gw1
    path = write_feature(tmp_path, "event_handler", STACK_CLASS.format(name="EventHandlerStack"))
    monkeypatch.setenv("FOGBANK_RUN_ID", "ci42")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    # WHEN the class is found and made (no target is reached before deploy)
    infra = find_infrastructure_class(path)()
    # THEN the feature name uses dashes, and the stack name is unique per run and worker
    assert type(infra).__name__ == "EventHandlerStack"
    assert infra.feature_name == "event-handler"
    assert infra.stack_name == "fogbank-event-handler-ci42-gw1"
    assert infra.construct_id == "fogbank-event-handler"
    assert infra.assembly_dir == infra.config.cdk_out / "event-handler"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("x = 1\n", "none"),
        (STACK_CLASS.format(name="One") + STACK_CLASS.format(name="Two"), "One, Two"),
    ],
)
def test_a_file_without_exactly_one_stack_class_says_what_it_found(
    tmp_path: Path, source: str, found: str
) -> None:
    # GIVEN an infrastructure.py with no stack class, or two
    path = write_feature(tmp_path, "logger", source)
    # WHEN the class is looked up THEN the error names the file, what was found, and the way out
    with pytest.raises(
        ConfigError, match=rf"must define exactly one BaseInfrastructure subclass \(found: {found}\)"
    ):
        find_infrastructure_class(path)


def test_a_missing_infrastructure_file_is_named_with_what_it_should_hold(tmp_path: Path) -> None:
    # GIVEN a feature folder without infrastructure.py / WHEN its class is looked up
    # THEN the error names the file and what it must define (not a bare "No such file or directory")
    missing = tmp_path / "orders" / "infrastructure.py"
    with pytest.raises(
        ConfigError, match=rf"{missing} does not exist; a feature folder holds an infrastructure.py"
    ):
        find_infrastructure_class(missing)
