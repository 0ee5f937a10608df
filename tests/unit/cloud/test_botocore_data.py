"""Every botocore loader of the process shares one parse of botocore's bundled data; other files are read as before."""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path

import boto3
import botocore.session
from botocore.exceptions import EndpointConnectionError
from botocore.loaders import JSONFileLoader, Loader, create_loader

from fogbank.cloud import botocore_data
from fogbank.cloud.botocore_data import _Memo


def test_loaders_and_sessions_share_one_parse_of_a_bundled_model() -> None:
    # GIVEN the shared data installed (what a LocalCloud's start does)
    botocore_data.install()
    # WHEN a bare loader (as moto makes one per model), a botocore session and a boto3 session read SQS's model
    bare = create_loader().load_service_model("sqs", "service-2")
    session = botocore.session.Session().get_component("data_loader").load_service_model("sqs", "service-2")
    client = boto3.session.Session(region_name="us-east-1").client("sqs")
    # THEN it is one object, the one botocore would parse (the sdk-extras merged in as before)
    assert bare is session
    assert client.meta.service_model.operation_names == sorted(bare["operations"])
    assert bare["metadata"]["serviceId"] == "SQS"
    assert botocore_data.installed()


def test_service_listing_is_shared_but_keyed_by_search_path(tmp_path: Path) -> None:
    # GIVEN a data folder of one's own holding a service botocore does not ship
    model = tmp_path / "myservice" / "2020-01-01" / "service-2.json"
    model.parent.mkdir(parents=True)
    model.write_text(json.dumps({"metadata": {"serviceId": "Mine"}, "operations": {}, "shapes": {}}))
    botocore_data.install()
    # WHEN the default loader and one with the extra path list their services
    default = create_loader().list_available_services("service-2")
    extra = create_loader(str(tmp_path)).list_available_services("service-2")
    # THEN only the loader with the extra path sees it, and both see botocore's own
    assert "myservice" in extra and "myservice" not in default
    assert "sqs" in default and "sqs" in extra
    assert create_loader(str(tmp_path)).list_api_versions("myservice", "service-2") == ["2020-01-01"]


def test_a_file_outside_botocore_is_read_again_each_time(tmp_path: Path) -> None:
    # GIVEN a JSON data file that is not part of botocore, read once
    botocore_data.install()
    data = tmp_path / "extra.json"
    data.write_text('{"version": 1}')
    assert JSONFileLoader().load_file(str(tmp_path / "extra")) == {"version": 1}
    # WHEN it changes and another loader reads it
    data.write_text('{"version": 2}')
    # THEN the new content is read (only botocore's own files are shared)
    assert JSONFileLoader().load_file(str(tmp_path / "extra")) == {"version": 2}


def test_a_missing_file_is_not_remembered() -> None:
    # GIVEN a memo asked for a value that is not there (None, botocore's "not found")
    memo = _Memo()
    answers = iter([None, {"found": True}])
    assert memo.get("k", lambda: next(answers)) is None
    # WHEN asked again
    # THEN it computes again and keeps the value found
    assert memo.get("k", lambda: next(answers)) == {"found": True}
    assert memo.get("k", lambda: {"never": "computed"}) == {"found": True}


def test_concurrent_callers_of_one_key_compute_it_once() -> None:
    # GIVEN a slow computation and eight threads asking for the same key at once
    memo = _Memo()
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> dict[str, int]:
        calls.append(1)
        gate.wait(5)
        return {"value": 1}

    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(memo.get("k", slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    # WHEN the computation finishes
    gate.set()
    for thread in threads:
        thread.join(10)
    # THEN it ran once and every caller got its result
    assert len(calls) == 1
    assert len(results) == 8 and all(result is results[0] for result in results)


def test_a_failed_computation_is_retried_by_the_next_caller() -> None:
    # GIVEN a computation that fails once (botocore raises DataNotFoundError for an unknown service)
    memo = _Memo()
    outcomes = iter([LookupError("not yet"), {"ok": 1}])

    def compute() -> object:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    try:
        memo.get("k", compute)
    except LookupError:
        pass
    else:
        raise AssertionError("the first computation should have raised")
    # WHEN asked again
    # THEN it computes again
    assert memo.get("k", compute) == {"ok": 1}


def test_install_is_idempotent() -> None:
    # GIVEN the shared data installed twice
    botocore_data.install()
    patched = Loader.list_available_services
    botocore_data.install()
    # THEN the loader is patched once, not wrapped twice
    assert Loader.list_available_services is patched


def test_a_model_botocore_edits_per_client_is_not_shared() -> None:
    # GIVEN the shared data installed, and an S3 client that calls PutObject (botocore then strips the bucket
    # from that operation's URI in its session's model)
    botocore_data.install()
    client = boto3.session.Session(
        aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1"
    ).client("s3", endpoint_url="http://127.0.0.1:9")
    with contextlib.suppress(EndpointConnectionError):  # nothing listens there: the call is only prepared
        client.put_object(Bucket="b", Key="k", Body=b"")
    assert client.meta.service_model.operation_model("PutObject").http["requestUri"] == "/{Key+}"
    # WHEN another session and a bare loader (moto's, IAM's matcher) read S3's model
    session = botocore.session.get_session().get_service_model("s3").operation_model("PutObject")
    bare = create_loader().load_service_model("s3", "service-2")["operations"]["PutObject"]
    # THEN they see the URI as botocore ships it
    assert session.http["requestUri"] == "/{Bucket}/{Key+}"
    assert bare["http"]["requestUri"] == "/{Bucket}/{Key+}"


def test_motos_extras_never_reach_the_models_botocore_clients_use() -> None:
    # GIVEN the shared data installed, and moto's loader (which merges its moto-extras into a model in place)
    # having read SQS's model first
    from moto.core.loaders import create_loader as moto_loader

    botocore_data.install()
    moto_model = moto_loader().load_service_model("sqs", "service-2")
    # WHEN botocore's own loader and a client read it
    model = create_loader().load_service_model("sqs", "service-2")
    client = boto3.session.Session(region_name="us-east-1").client("sqs")
    # THEN moto's copy has its extras and botocore's has none of them (SQS answers JSON to botocore)
    assert moto_model is not model
    assert moto_model["operations"]["CreateQueue"]["output"].get("resultWrapper") == "CreateQueueResult"
    assert "resultWrapper" not in model["operations"]["CreateQueue"]["output"]
    assert client.meta.service_model.operation_model("CreateQueue").output_shape.serialization == {}
    assert model["metadata"].get("protocols") == ["json"]
