"""Raw X-Ray segment documents kept in moto's state: stored by trace, bad ones answered as unprocessed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from fogbank.cloud.aws_state.xray import put_segment_documents, segment_documents

from ..conftest import Clients

TRACE = "1-5759e988-bd862e3fe1be46a994272793"


def _segment(segment_id: str, start: float, **extra: object) -> str:
    return json.dumps(
        {
            "id": segment_id,
            "trace_id": TRACE,
            "name": "fn",
            "start_time": start,
            "end_time": start + 1,
            **extra,
        }
    )


def test_documents_are_stored_by_trace_as_sent(aws: Clients) -> None:
    # GIVEN two segments of one trace
    documents = [_segment("a" * 16, 10.0), _segment("b" * 16, 11.0, parent_id="a" * 16)]

    # WHEN they are put
    rejected = put_segment_documents("us-east-1", documents)

    # THEN none is rejected, the raw documents are kept under their trace, and X-Ray's API returns the trace
    assert rejected == []
    assert segment_documents("us-east-1") == {TRACE: documents}
    traces = aws("xray").batch_get_traces(TraceIds=[TRACE])["Traces"]
    assert [t["Id"] for t in traces] == [TRACE]
    # AND another region holds nothing
    assert segment_documents("eu-west-1") == {}


def test_a_document_without_its_required_fields_is_unprocessed(aws: Clients) -> None:
    # GIVEN a document without trace_id next to a good one
    bad = json.dumps({"id": "c" * 16, "name": "fn", "start_time": 1.0})
    rejected = put_segment_documents("us-east-1", [bad, _segment("d" * 16, 12.0)])
    # THEN it comes back as unprocessed with X-Ray's fields, and only the good one is stored
    assert len(rejected) == 1 and set(rejected[0]) >= {"Id", "ErrorCode", "Message"}
    assert list(segment_documents("us-east-1")) == [TRACE]


# Runs in a new interpreter (moto.xray must not be imported yet). The X-Ray SDK's import, which moto.xray's
# __init__ does before importing its models, is made slow (0.5 s) so that the second thread starts while the
# first is inside that __init__: the window in which the cloud's X-Ray daemon (storing the first segment) and a
# first trace query used to collide.
_FIRST_IMPORTS_AT_ONCE = """
import importlib.abc, json, sys, threading, time

class SlowXRaySdk(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "aws_xray_sdk.core":
            time.sleep(0.5)
        return None

sys.meta_path.insert(0, SlowXRaySdk())
from fogbank.cloud.aws_state import xray

segment = json.dumps({"id": "e" * 16, "trace_id": sys.argv[1], "name": "fn", "start_time": 1.0, "end_time": 2.0})
errors = []

def run(call):
    try:
        call()
    except Exception as exc:
        errors.append(repr(exc))

store = threading.Thread(target=run, args=(lambda: xray.put_segment_documents("eu-west-1", [segment]),))
read = threading.Thread(target=run, args=(lambda: xray.segment_documents("eu-west-1"),))
store.start()
time.sleep(0.1)
read.start()
store.join()
read.join()
print(json.dumps({"errors": errors, "traces": list(xray.segment_documents("eu-west-1"))}))
"""


def test_the_first_store_and_the_first_read_at_once_both_work() -> None:
    # GIVEN a process that has not imported moto's X-Ray yet
    # WHEN one thread stores a segment and another reads the traces while the first is still importing it
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_IMPORTS_AT_ONCE, TRACE],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )

    # THEN neither fails (no import deadlock, no partly initialised module) and the segment is stored
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {"errors": [], "traces": [TRACE]}


_LIGHT_PACKAGE_CHECK = """
import json, sys
from fogbank.cloud.aws_state.xray import install_light_package, put_segment_documents, segment_documents
install_light_package()
segment = json.dumps({"id": "f" * 16, "trace_id": sys.argv[1], "name": "fn", "start_time": 1.0, "end_time": 2.0})
print("stored:", put_segment_documents("eu-west-1", [segment, "{}"])[0]["ErrorCode"], list(segment_documents("eu-west-1")))
from moto.backends import get_backend
import moto.xray.responses, moto.xray.urls
backends = get_backend("xray")
print("sdk after backend:", "aws_xray_sdk.core" in sys.modules)
from moto.xray import MockXrayClient, mock_xray_client, xray_backends
print("same backends:", xray_backends is backends)
print("mock:", isinstance(mock_xray_client, MockXrayClient), "aws_xray_sdk.core" in sys.modules)
try:
    from moto.xray import no_such_name
except ImportError:
    print("unknown name: ImportError")
"""


def test_moto_xray_loads_without_the_sdk_until_its_mock_is_asked_for() -> None:
    # GIVEN a fresh interpreter (this one may have imported moto.xray already) with the light package installed
    # WHEN moto's X-Ray backend, responses and URLs are imported, then the SDK mock's names
    run = subprocess.run(
        [sys.executable, "-c", _LIGHT_PACKAGE_CHECK, TRACE],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    # THEN segments are stored and read through it (a bad one unprocessed), the X-Ray SDK was not imported for
    # the backend, and moto's package names still resolve on first use
    assert run.stdout.splitlines() == [
        f"stored: MissingParam ['{TRACE}']",
        "sdk after backend: False",
        "same backends: True",
        "mock: True True",
        "unknown name: ImportError",
    ]


# sha256 of moto 5.2.5's moto/xray/__init__.py, whose names install_light_package() serves lazily: a moto
# upgrade that changes that file fails here first, and the light package's table of names is checked again.
MOTO_XRAY_PACKAGE_SHA256 = "02f135aa84801927a3239ad96d299725010279fc252ab77996cb6ac21e9f26f2"


def test_the_light_package_stands_in_for_the_moto_xray_package_it_was_written_for() -> None:
    # GIVEN moto's own moto/xray/__init__.py, as installed (found from moto's folder: moto.xray itself may be the
    # light package already)
    from hashlib import sha256
    from pathlib import Path

    import moto

    source = Path(moto.__file__).parent / "xray" / "__init__.py"

    # THEN it is the file the light package's names were taken from
    assert sha256(source.read_bytes()).hexdigest() == MOTO_XRAY_PACKAGE_SHA256
