"""The canary handler `fogbank layer verify` deploys: it reports what it imported and from where."""

from __future__ import annotations

import platform
from importlib.metadata import version

import pydantic
import pytest

from fogbank.layer_release.canary_function import handler


def test_the_canary_reports_the_distributions_version_and_the_modules_file() -> None:
    # GIVEN an installed distribution (pydantic)
    # WHEN the handler runs as Lambda would call it
    answer = handler({"distribution": "pydantic", "module": "pydantic"}, None)
    # THEN it reports the version from the distribution's metadata and where the module was loaded from
    assert answer["version"] == version("pydantic")
    assert answer["module_file"] == pydantic.__file__
    assert answer["machine"] == platform.machine() and answer["python"] == platform.python_version()


def test_a_module_the_layer_does_not_hold_fails_the_invocation() -> None:
    # GIVEN a module that is not importable / WHEN the handler runs THEN it raises (the invoke reports it)
    with pytest.raises(ModuleNotFoundError):
        handler({"distribution": "nothing-here", "module": "nothing_here_at_all"}, None)
