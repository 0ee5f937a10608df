"""WarmUp loads moto's models and builds the cloud's clients on a background thread, and stops cleanly."""

from __future__ import annotations

import gc
import sys
import threading
import time
from typing import Any

from fogbank.cloud.warmup import QUIET_SECONDS, WARM_SERVICES, WarmUp


def test_each_service_is_preloaded_and_its_client_built_in_order() -> None:
    # GIVEN a client factory that records what it builds
    built: list[str] = []
    # WHEN a warm-up for two services runs to its end
    warm = WarmUp(lambda service: built.append(service), services=["sqs", "sns"]).start()
    deadline = time.monotonic() + 60
    while not warm.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    # THEN both clients were built in order, and moto's models of both services are imported
    assert warm.finished and built == ["sqs", "sns"]
    assert "moto.sqs.models" in sys.modules and "moto.sns.models" in sys.modules
    warm.stop()  # idempotent after the end


def test_stop_ends_the_thread_between_steps() -> None:
    # GIVEN a warm-up whose first client takes a while to build
    started, release = threading.Event(), threading.Event()
    built: list[str] = []

    def slow(service: str) -> Any:
        started.set()
        release.wait(5)
        built.append(service)

    warm = WarmUp(slow, services=["sqs", "sns", "sts"]).start()
    assert started.wait(30)
    # WHEN it is stopped while that step runs
    stopper = threading.Thread(target=warm.stop)
    stopper.start()
    release.set()
    stopper.join(10)
    # THEN the step in progress finished, no further step started, and the thread is gone
    assert built == ["sqs"] and warm.finished


def test_a_failing_step_does_not_end_the_warm_up() -> None:
    # GIVEN a client factory that fails for one service, and a name moto does not know
    built: list[str] = []

    def flaky(service: str) -> None:
        if service == "sqs":
            raise RuntimeError("no")
        built.append(service)

    warm = WarmUp(flaky, services=["sqs", "no-such-service", "sns"]).start()
    deadline = time.monotonic() + 60
    while not warm.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    # THEN the others were still built
    assert built == ["no-such-service", "sns"]


def test_the_default_services_start_with_what_a_deploy_needs_first() -> None:
    assert WARM_SERVICES[:3] == ("s3", "iam", "sts") and len(set(WARM_SERVICES)) == len(WARM_SERVICES)


def test_a_finished_warm_up_keeps_the_collector_off_what_it_loaded_until_stopped() -> None:
    # GIVEN a warm-up that ran to its end
    warm = WarmUp(lambda service: None, services=["sqs"]).start()
    deadline = time.monotonic() + 60
    while not warm.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    assert warm.finished
    # THEN what the process had loaded is frozen (full collections skip it) ...
    assert gc.get_freeze_count() > 0
    # WHEN the cloud stops it
    warm.stop()
    # THEN the collector gets it all back
    assert gc.get_freeze_count() == 0


def test_what_a_first_request_would_compile_is_ready_after_the_warm_up() -> None:
    # GIVEN none of the per-process lookups a first request builds (routes, providers, managed policies)
    from moto.core.routing import get_service_router

    from fogbank.cloud.aws_state import iam as iam_state
    from fogbank.cloud.aws_state import moto_dispatch
    from fogbank.cloud.cloudformation.providers import registry
    from fogbank.cloud.iam import operations

    get_service_router.cache_clear()
    moto_dispatch._routes.clear()
    operations._routes_by_method.cache_clear()
    registry.cache_clear()
    iam_state._catalog.cache_clear()
    # WHEN a warm-up for Lambda (a REST service) runs to its end
    warm = WarmUp(lambda service: None, services=["lambda"]).start()
    deadline = time.monotonic() + 60
    while not warm.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    # THEN moto's URL rules for the backend and its REST router are built, IAM's routes for Lambda requests
    # are compiled, the resource providers are imported and AWS's managed policies are parsed
    assert "lambda" in moto_dispatch._routes
    assert "rest-json" in get_service_router("lambda")._routers
    misses = operations._routes_by_method.cache_info().misses
    operations._routes_by_method("lambda")
    assert operations._routes_by_method.cache_info().misses == misses
    assert registry.cache_info().currsize == 1 and iam_state._catalog.cache_info().currsize == 1
    warm.stop()


def test_a_step_waits_until_the_cloud_has_had_no_request_for_a_while() -> None:
    # GIVEN a cloud that keeps receiving requests (its latest one always just began)
    busy = threading.Event()
    busy.set()
    built: list[str] = []
    warm = WarmUp(
        built.append,
        services=["sqs"],
        last_request_at=lambda: time.monotonic() if busy.is_set() else 0.0,
    ).start()
    # WHEN some quiet periods' worth of time passes
    time.sleep(5 * QUIET_SECONDS)
    # THEN no step has run
    assert built == [] and not warm.finished
    # WHEN the requests stop
    busy.clear()
    deadline = time.monotonic() + 60
    while not warm.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    # THEN the warm-up runs to its end
    assert warm.finished and built == ["sqs"]
    warm.stop()


def test_stop_ends_a_warm_up_that_waits_for_quiet() -> None:
    # GIVEN a warm-up waiting for a cloud that never goes quiet
    warm = WarmUp(lambda service: None, services=["sqs"], last_request_at=time.monotonic).start()
    # WHEN it is stopped
    warm.stop()
    # THEN its thread has ended
    assert warm.finished
