"""Whether this machine can give environments their namespaces (fogbank.cloud.lambda_.probe): each probe forks
a child; the ones that play another host do so in a forked child whose /var is a tmpfs, never this machine's."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.probe import needed_by_every_environment, probe_namespaces, probe_opt_namespace
from namespace_support import as_a_host_whose_var_is_a_tmpfs, in_forked_child


def test_probe_reports_whether_layers_can_be_shown_at_opt(tmp_path: Path) -> None:
    # GIVEN a directory to show at /opt WHEN the mechanism is probed
    reason = probe_opt_namespace(str(tmp_path))

    # THEN it works here, or says why not (a reason a person can act on)
    if reason is not None:
        pytest.skip(f"no user + mount namespaces on this machine: {reason}")
    assert reason is None


def test_probe_says_why_when_the_layers_cannot_be_mounted(tmp_path: Path) -> None:
    # GIVEN something that cannot be mounted over the /opt directory (a file)
    not_a_directory = tmp_path / "layers.zip"
    not_a_directory.write_bytes(b"PK")

    # WHEN the mechanism is probed with it
    reason = probe_opt_namespace(str(not_a_directory))

    # THEN it reports the failing step and the system's reason instead of pretending
    assert reason is not None
    assert "failed" in reason or "does not" in reason


def test_the_probe_reports_opt_and_var_task_separately(tmp_path: Path) -> None:
    # GIVEN a directory to show WHEN both mechanisms are probed
    opt_error, var_task_error = probe_namespaces(str(tmp_path))

    # THEN /var/task works wherever /opt does here, or each says why not; /opt failing fails /var/task too
    if opt_error is not None:
        assert var_task_error == opt_error
        pytest.skip(f"no user + mount namespaces on this machine: {opt_error}")
    assert var_task_error is None or "/var/task" in var_task_error or "/var" in var_task_error
    assert probe_opt_namespace(str(tmp_path)) is None


def _skip_without_var_task(tmp_path: Path) -> None:
    (tmp_path / "probe").mkdir(exist_ok=True)
    opt_error, var_task_error = probe_namespaces(str(tmp_path / "probe"))
    if opt_error is not None or var_task_error is not None:
        pytest.skip(f"no /var/task on this machine: {opt_error or var_task_error}")


def test_the_probe_refuses_var_task_where_what_environments_need_lies_under_the_hosts(tmp_path: Path) -> None:
    # GIVEN a host (simulated: a forked child whose /var is a tmpfs) whose machine cache ($FOGBANK_CACHE_DIR)
    # is under its /var/task
    _skip_without_var_task(tmp_path)
    (tmp_path / "lambda" / "opt-probe").mkdir(parents=True)

    # WHEN the child probes the mechanism
    def host() -> bytes:
        as_a_host_whose_var_is_a_tmpfs()
        os.makedirs("/var/task/.cache/fogbank")
        os.environ["FOGBANK_CACHE_DIR"] = "/var/task/.cache/fogbank"
        return json.dumps(probe_namespaces(str(tmp_path / "lambda" / "opt-probe"))).encode()

    opt_error, var_task_error = json.loads(in_forked_child(host))

    # THEN layers still work at /opt, and /var/task is refused naming what the code would cover and what to do
    assert opt_error is None
    assert var_task_error is not None
    assert var_task_error.startswith("/var/task/.cache/fogbank lies under this machine's /var/task"), (
        var_task_error
    )
    assert "FOGBANK_CACHE_DIR" in var_task_error


def test_what_every_environment_needs_names_the_state_directory_the_interpreter_and_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a machine cache the cloud names WHEN the probe lists what every environment opens on the host
    monkeypatch.setenv("FOGBANK_CACHE_DIR", "/srv/cache/fogbank")
    needed = needed_by_every_environment("/srv/state/lambda")

    # THEN it names the state directory, this interpreter's prefix and the cache
    assert {"/srv/state", sys.prefix, "/srv/cache/fogbank"} <= set(needed)
