"""A cloud whose state directory the user chose under /tmp: its folder shows in a function's /tmp (the
documented difference from AWS), read-only but for the bytecode prefix; a function that empties its /tmp with
ignore_errors deletes the prefix's contents, and the next cold start links the prefix's shared parts again."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import invoke_json

EMPTY_TMP_IGNORING_ERRORS = """
import os, shutil
def handler(event, context):
    found = sorted(os.listdir("/tmp"))
    for entry in found if event.get("empty") else ():
        shutil.rmtree(os.path.join("/tmp", entry), ignore_errors=True)
    return {"found": found}
"""


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    state = Path(tempfile.mkdtemp(prefix="fogbank-user-state-", dir="/tmp"))
    try:
        with LocalCloud(state_dir=state) as running:
            zygote = running.context.lambda_._zygote
            if zygote is None:
                pytest.skip("the zygote is disabled (FOGBANK_LAMBDA_ZYGOTE=0): /tmp is the machine's then")
            zygote.start()
            if zygote.opt_error is not None:
                pytest.skip(f"this machine has no user + mount namespaces: {zygote.opt_error}")
            yield running
    finally:
        shutil.rmtree(state, ignore_errors=True)


def _links_to_the_shared_cache(state: Path) -> list[str]:
    """The links of the cloud's bytecode prefixes (each to an entry of the machine's shared cache)."""
    found = []
    for directory, names, files in os.walk(state / "lambda" / "pycache-by-opt"):
        found += [name for name in names + files if os.path.islink(os.path.join(directory, name))]
    return sorted(found)


def test_emptying_tmp_shows_the_chosen_folder_and_the_next_cold_start_links_the_bytecode_cache_again(
    cloud: LocalCloud, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a cloud whose state directory is /tmp/fogbank-user-state-*, and a function that empties its /tmp
    state = cloud.context.state_dir
    name = make_function({"app.py": EMPTY_TMP_IGNORING_ERRORS})

    # WHEN it is invoked to delete what it may, then cold-started again after an update (only listing /tmp)
    response, first = invoke_json(lambda_client, name, {"empty": True})
    assert "FunctionError" not in response, first
    deleted_links = _links_to_the_shared_cache(state)
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"V": "2"}})
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)
    response, cold = invoke_json(lambda_client, name, {})
    assert "FunctionError" not in response, cold

    # THEN the folder showed in its /tmp (and again at the cold start); its deletion left the cloud's code and
    # runtime (read-only) in place, and the cold start linked the prefix's shared parts again
    assert first["found"] == cold["found"] == [state.resolve().relative_to("/tmp").parts[0]]
    assert deleted_links == [], "the function could not delete the bytecode prefix's links"
    assert (
        len(_links_to_the_shared_cache(state)) >= 2
    )  # the interpreter's and the runtime directory's at least
    assert (state / "lambda" / "code").is_dir() and any((state / "lambda" / "code").iterdir())
