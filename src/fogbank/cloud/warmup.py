"""A started cloud loads, on a background thread, what the first requests to its services would load.

The first stack deploy into a new cloud paid one-time costs inside its resources' creation: moto's models of
each service (EC2's import alone reads botocore's endpoint and EC2 models), moto's copy of each service's
botocore model, and botocore's model for each client the resource providers build. `WarmUp` loads them in
the order a deploy needs them, while the cloud waits for its first requests; whatever a request needs before
the thread got to it, the request loads itself, as before (the import lock and the client factory's lock
keep the work from being done twice). It gives way to requests: a step starts only once the cloud has had no
new request for `QUIET_SECONDS` (`last_request_at`, the endpoint's clock of its latest request), so a deploy
that begins at once does not share the interpreter with loading services it may never use; what it does
use, its requests load. Each step runs with the collector paused and freezes what it loaded
(`fogbank.heap.collection_paused`), and the end freezes the heap (gc.freeze: the collector no longer scans what
the cloud loaded, which cost seconds of full collections with every thread stopped); stop() hands it back
(gc.unfreeze).

Example (the cloud passes its client factory; here a list records which clients were asked for):
    >>> import time
    >>> built = []
    >>> warm = WarmUp(built.append, services=["sqs", "sns"]).start()
    >>> deadline = time.monotonic() + 30
    >>> while not warm.finished and time.monotonic() < deadline:
    ...     time.sleep(0.01)
    >>> built
    ['sqs', 'sns']
    >>> warm.stop()  # what the cloud calls on stop; ends a warm-up still in progress after its current step
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fogbank.heap import collection_paused

__all__ = ["QUIET_SECONDS", "WARM_SERVICES", "WarmUp"]

# Signing names, roughly in the order a CDK stack's deploy first reaches them (assets, roles, functions, ...).
WARM_SERVICES = (
    "s3", "iam", "sts", "lambda", "logs", "ssm", "dynamodb", "sqs", "sns", "kms", "events", "apigateway",
    "apigatewayv2", "ec2", "elbv2", "cloudwatch", "xray", "appconfig",
)  # fmt: skip
_STOP_TIMEOUT = 5.0
# A step waits until no request has begun for this long. A deploy's requests (assets, CreateStack, the
# engine's calls, the client's DescribeStacks polls at most 50 ms apart) come closer together than that.
QUIET_SECONDS = 0.06


class WarmUp:
    """One daemon thread that preloads moto's models and builds the cloud's clients for `services`.

    `last_request_at` returns the time.monotonic() of the latest request the cloud received (0.0: none yet).
    """

    def __init__(
        self,
        clients: Callable[[str], Any],
        services: Sequence[str] = WARM_SERVICES,
        *,
        last_request_at: Callable[[], float] = lambda: 0.0,
    ) -> None:
        self._clients = clients
        self._services = tuple(services)
        self._last_request_at = last_request_at
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._froze = False
        self._thread = threading.Thread(target=self._run, name="fogbank-warmup", daemon=True)

    def start(self) -> WarmUp:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop between two steps and wait for the thread (a step in progress finishes); hand what a finished
        warm-up froze back to the collector. Idempotent."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(_STOP_TIMEOUT)
        with self._lock:
            if self._froze:
                gc.unfreeze()
                self._froze = False

    @property
    def finished(self) -> bool:
        return self._thread.ident is not None and not self._thread.is_alive()

    def _steps(self) -> Iterator[Callable[[], object]]:
        """Per service: moto's backend, models and routes, the cloud's client, IAM's routes for its requests.
        After the first service (a deploy's assets go to S3 first), what CreateStack and every stack's IAM
        roles reach first: the resource providers and AWS managed policies."""
        from fogbank.cloud.aws_state.preload import preload, preload_catalogs
        from fogbank.cloud.cloudformation.providers import registry
        from fogbank.cloud.iam.operations import preload_routes

        for index, service in enumerate(self._services):
            yield lambda service=service: preload([service], self._stop)  # type: ignore[misc]
            yield lambda service=service: self._clients(service)  # type: ignore[misc]
            yield lambda service=service: preload_routes(service)  # type: ignore[misc]
            if index == 0:
                yield registry
                yield preload_catalogs

    def _wait_until_quiet(self) -> None:
        """Return once no request has begun for QUIET_SECONDS (or on stop); waits to that deadline, not in
        fixed ticks."""
        while not self._stop.is_set():
            quiet_for = time.monotonic() - self._last_request_at()
            if quiet_for >= QUIET_SECONDS:
                return
            self._stop.wait(QUIET_SECONDS - quiet_for)

    def _run(self) -> None:
        for step in self._steps():
            self._wait_until_quiet()
            if self._stop.is_set():
                return
            with self._lock:
                self._froze = True  # each step freezes what it loaded (collection_paused); stop() thaws it
            with collection_paused():
                try:
                    step()
                except Exception:  # about speed only: the first request that needs it will say what is wrong
                    continue
        # What was loaded lives as long as the cloud: the collector stops scanning it. A full collection of
        # moto's and botocore's models held every thread of the cloud for 0.2-1.5 s, every few seconds of
        # requests (one run of benchmarks/lambda_user_path.py: 1508 ms once during its cold starts; 2 ms frozen).
        with self._lock:
            if not self._stop.is_set():
                gc.freeze()
                self._froze = True
