"""arm64 and x86_64 functions run on either host when their code is architecture-neutral; a native extension
for the other architecture fails to import as on Lambda (Runtime.ImportModuleError naming the file)."""

from __future__ import annotations

import io
import sysconfig
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.component import host_architecture
from lambda_support import invoke_json

HOST = host_architecture()
OTHER = "arm64" if HOST == "x86_64" else "x86_64"
_TRIPLET = {"x86_64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}
_E_MACHINE = {"x86_64": 62, "arm64": 183}
IMPORTER = "import fast\ndef handler(event, context):\n    return 1\n"


def _code_at_var_task(cloud: LocalCloud) -> bool:
    zygote = cloud.context.lambda_._zygote
    return zygote is not None and zygote.var_task_error is None


def _extension_name(architecture: str) -> str:
    return f"fast.cpython-311-{_TRIPLET[architecture]}.so"


def _host_extension_bytes() -> bytes:
    """A real native extension of this host (the standard library's _bisect)."""
    dynload = Path(sysconfig.get_config_var("DESTSHARED"))
    return next(dynload.glob("_bisect.*.so")).read_bytes()


def _elf_header_for(architecture: str) -> bytes:
    """The start of a 64-bit little-endian ELF shared object for `architecture` (enough for the check)."""
    return (
        b"\x7fELF\x02\x01\x01"
        + bytes(9)
        + (3).to_bytes(2, "little")
        + _E_MACHINE[architecture].to_bytes(2, "little")
        + bytes(44)
    )


def _create(lambda_client: Any, role_arn: str, name: str, files: dict[str, bytes], **kwargs: Any) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    lambda_client.create_function(
        FunctionName=name, Role=role_arn, Code={"ZipFile": buffer.getvalue()}, **kwargs
    )
    return name


@pytest.mark.parametrize("architecture", ["x86_64", "arm64"])
def test_python_and_node_functions_of_either_architecture_run(
    lambda_client: Any, role_arn: str, architecture: str
) -> None:
    # GIVEN architecture-neutral Python and Node.js functions declared for `architecture`
    python = _create(
        lambda_client, role_arn, f"py-{architecture}", {"app.py": b"def handler(e, c):\n    return 'py'\n"},
        Runtime="python3.11", Handler="app.handler", Architectures=[architecture],
    )  # fmt: skip
    node = _create(
        lambda_client, role_arn, f"js-{architecture}", {"index.js": b"exports.handler = async () => 'js';\n"},
        Runtime="nodejs20.x", Handler="index.handler", Architectures=[architecture],
    )  # fmt: skip

    # WHEN each is invoked
    results = [invoke_json(lambda_client, name) for name in (python, node)]

    # THEN both run, whatever this host's architecture
    assert [(r.get("FunctionError"), body) for r, body in results] == [(None, "py"), (None, "js")]


def test_extension_built_for_the_other_architecture_is_an_import_error(
    cloud: LocalCloud, lambda_client: Any, role_arn: str
) -> None:
    # GIVEN a function declared for the other architecture that ships a native extension built for this host
    name = _create(
        lambda_client, role_arn, "mismatch", {"app.py": IMPORTER.encode(), _extension_name(HOST): _host_extension_bytes()},
        Runtime="python3.11", Handler="app.handler", Architectures=[OTHER],
    )  # fmt: skip

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN the import fails as on Lambda, naming the mismatch, both architectures and the file
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert "Unable to import module 'app'" in body["errorMessage"]
    assert "architecture mismatch" in body["errorMessage"]
    assert f"built for {HOST}" in body["errorMessage"]
    assert f"architecture is {OTHER}" in body["errorMessage"]
    assert _extension_name(HOST) in body["errorMessage"]
    # AND the check covers the code where the function sees it (at /var/task where namespaces allow it)
    task_root = "/var/task/" if _code_at_var_task(cloud) else "/lambda/code/"
    assert task_root + _extension_name(HOST) in body["errorMessage"]


def test_extension_for_a_host_function_built_for_the_other_architecture_is_an_import_error(
    lambda_client: Any, role_arn: str
) -> None:
    # GIVEN a function of this host's architecture shipping an extension (with the platform tag) of the other
    name = _create(
        lambda_client, role_arn, "foreign-so", {"app.py": IMPORTER.encode(), _extension_name(OTHER): _elf_header_for(OTHER)},
        Runtime="python3.11", Handler="app.handler", Architectures=[HOST],
    )  # fmt: skip

    # WHEN it is invoked
    _, body = invoke_json(lambda_client, name)

    # THEN it fails to import, naming the file and the mismatch (not "No module named")
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert "architecture mismatch" in body["errorMessage"]
    assert _extension_name(OTHER) in body["errorMessage"]


def test_extension_matching_the_function_but_not_the_host_says_it_is_this_machine(
    lambda_client: Any, role_arn: str
) -> None:
    # GIVEN a function of the other architecture shipping an extension correctly built for it
    name = _create(
        lambda_client, role_arn, "right-arch", {"app.py": IMPORTER.encode(), _extension_name(OTHER): _elf_header_for(OTHER)},
        Runtime="python3.11", Handler="app.handler", Architectures=[OTHER],
    )  # fmt: skip

    # WHEN it is invoked
    _, body = invoke_json(lambda_client, name)

    # THEN it fails to import here (Lambda would load it), and the message says this machine is the limit
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert f"this machine is {HOST}" in body["errorMessage"]
    assert _extension_name(OTHER) in body["errorMessage"]


def test_unrelated_helpers_are_unaffected(make_function: Callable[..., str], lambda_client: Any) -> None:
    # GIVEN a host-architecture function importing the standard library's own extensions
    name = make_function({"app.py": "import _bisect, json\ndef handler(e, c):\n    return json.dumps(1)\n"})

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN the check leaves the runtime's own extensions alone
    assert "FunctionError" not in response
    assert body == "1"


def test_node_addon_built_for_the_other_architecture_is_an_import_error(
    cloud: LocalCloud, lambda_client: Any, role_arn: str
) -> None:
    # GIVEN an arm64-or-x86_64 Node.js function (the other one than this host) requiring a host-built addon
    name = _create(
        lambda_client, role_arn, "node-addon",
        {"index.js": b"const fast = require('./fast.node');\nexports.handler = async () => 1;\n",
         "fast.node": _host_extension_bytes()},
        Runtime="nodejs20.x", Handler="index.handler", Architectures=[OTHER],
    )  # fmt: skip

    # WHEN it is invoked
    _, body = invoke_json(lambda_client, name)

    # THEN loading the addon fails as an import error naming the mismatch and the file
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert "architecture mismatch" in body["errorMessage"]
    assert "fast.node" in body["errorMessage"]
    if _code_at_var_task(cloud):  # the addon was loaded from the code where the function sees it
        assert "/var/task/fast.node" in body["errorMessage"]


def _layer(lambda_client: Any, name: str, files: dict[str, bytes]) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    answer = lambda_client.publish_layer_version(LayerName=name, Content={"ZipFile": buffer.getvalue()})
    return str(answer["LayerVersionArn"])


def test_a_layer_fogbank_built_for_this_host_loads_in_a_function_of_the_other_architecture(
    lambda_client: Any, role_arn: str
) -> None:
    # GIVEN a real host extension (the standard library's xxlimited) in two layers: one that carries the
    # manifest fogbank's layer builder writes for a host build, and one without it
    dynload = Path(sysconfig.get_config_var("DESTSHARED"))
    extension = next(dynload.glob("xxlimited.cpython-*.so"))
    so_path = f"python/{extension.name}"
    manifest = f'{{"built_by": "fogbank", "architecture": "{HOST}", "native_extensions": ["{so_path}"]}}'
    host_built = _layer(
        lambda_client,
        "host-built",
        {so_path: extension.read_bytes(), ".fogbank-layer.json": manifest.encode()},
    )
    foreign = _layer(lambda_client, "foreign", {so_path: extension.read_bytes()})
    importer = b"import xxlimited\ndef handler(event, context):\n    return xxlimited.__file__\n"

    # WHEN functions of the other architecture import it from each layer
    answers = {}
    for label, layer in (("host-built", host_built), ("foreign", foreign)):
        name = _create(
            lambda_client, role_arn, f"uses-{label}", {"app.py": importer},
            Runtime="python3.11", Handler="app.handler", Architectures=[OTHER], Layers=[layer],
        )  # fmt: skip
        answers[label] = invoke_json(lambda_client, name)

    # THEN fogbank's host build stands in for the other-architecture build it makes on AWS and loads...
    response, body = answers["host-built"]
    assert response.get("FunctionError") is None, body
    assert body.endswith(so_path.removeprefix("python/"))
    # ... while the same file in a layer fogbank did not build is the mismatch Lambda would report
    response, body = answers["foreign"]
    assert response["FunctionError"] == "Unhandled" and "architecture mismatch" in body["errorMessage"]
