"""Does the console slow the cloud's API? Median latency of API calls with no console, with the console
idle, with one viewer of the busiest page (a function's page) polling at the console's own rate (2 s), and
with two viewers polling four times faster — ratios from one run.

What it does (all real, on loopback): a LocalCloud with one Python function; 300 calls of each of Invoke and
ListFunctions per phase, timed one by one from this process.

Usage:
    .venv/bin/python benchmarks/console_overhead.py
"""

from __future__ import annotations

import io
import statistics
import threading
import time
import urllib.request
import zipfile
from collections.abc import Callable

from fogbank.cloud import LocalCloud
from fogbank.cloud.console import ConsoleServer

CALLS = 300
HANDLER = "def handler(event, context):\n    print('order', event)\n    return {'ok': True}\n"


def _median_ms(call: Callable[[], object]) -> float:
    samples = []
    for _ in range(CALLS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _viewer(url: str, stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
        stop.wait(every)


def main() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    with LocalCloud() as cloud:
        lambda_ = cloud.client("lambda")
        role = cloud.client("iam").create_role(RoleName="bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lambda_.create_function(
            FunctionName="bench", Runtime="python3.11", Role=role, Handler="app.handler",
            Code={"ZipFile": buffer.getvalue()},
        )  # fmt: skip
        lambda_.invoke(FunctionName="bench", Payload=b"{}")  # warm

        def invoke() -> object:
            return lambda_.invoke(FunctionName="bench", Payload=b'{"n": 1}')

        def list_functions() -> object:
            return lambda_.list_functions()

        rows: list[tuple[str, float, float]] = []
        rows.append(("no console", _median_ms(invoke), _median_ms(list_functions)))
        with ConsoleServer(cloud.endpoint, cloud.region) as console:
            rows.append(("console idle", _median_ms(invoke), _median_ms(list_functions)))
            page = f"{console.url}functions/bench?fragment=1"
            for label, count, every in (("1 viewer, every 2 s", 1, 2.0), ("2 viewers, every 0.5 s", 2, 0.5)):
                stop = threading.Event()
                viewers = [
                    threading.Thread(target=_viewer, args=(page, stop, every), daemon=True)
                    for _ in range(count)
                ]
                for viewer in viewers:
                    viewer.start()
                try:
                    rows.append((label, _median_ms(invoke), _median_ms(list_functions)))
                finally:
                    stop.set()
                    for viewer in viewers:
                        viewer.join(timeout=30)
    base_invoke, base_list = rows[0][1], rows[0][2]
    print(f"{'phase':<24} {'Invoke ms':>10} {'ratio':>6} {'ListFunctions ms':>17} {'ratio':>6}")
    for name, invoke_ms, list_ms in rows:
        print(
            f"{name:<24} {invoke_ms:>10.2f} {invoke_ms / base_invoke:>6.2f} {list_ms:>17.2f} {list_ms / base_list:>6.2f}"
        )


if __name__ == "__main__":
    main()
