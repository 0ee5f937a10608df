"""What an execution environment's mounts cost: `enter_mount_namespace` and `mount_function` (layers at /opt,
code at /var/task, a private /tmp), median of forked children, with the cloud's state directory and machine
cache in a temporary folder under a root of your choice (`--under /var/tmp` puts them under /var, whose overlay
then binds them back). Each child times its own steps; nothing is left behind.

    python benchmarks/lambda_mount_step.py                    # state under $TMPDIR's parent of choice: /tmp
    python benchmarks/lambda_mount_step.py --under /var/tmp   # state and cache under /var
    python benchmarks/lambda_mount_step.py --sandbox old.py   # another sandbox.py (e.g. main's, to compare)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType


def _sandbox(path: str | None) -> ModuleType:
    if path is None:
        from fogbank.cloud.lambda_ import sandbox

        return sandbox
    spec = importlib.util.spec_from_file_location("fogbank_sandbox_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _layout(root: Path) -> tuple[Path, Path, Path, Path, list[str]]:
    """A cloud's state directory and machine cache as a cold start finds them; the paths it keeps reachable."""
    state, cache = root / "state", root / "cache"
    layers = cache / "lambda-layers" / "k"
    (layers / "python").mkdir(parents=True)
    (state / "lambda" / "opt").mkdir(parents=True)
    opt_dir = state / "lambda" / "opt" / "k"
    opt_dir.symlink_to(layers)
    task_root = state / "lambda" / "code" / "c"
    task_root.mkdir(parents=True)
    (task_root / "app.py").write_text("def handler(event, context):\n    return 1\n")
    runtime = state / "runtime" / "python"
    runtime.mkdir(parents=True)
    prefix = state / "lambda" / "pycache-by-opt" / "k"
    prefix.mkdir(parents=True)
    (cache / "lambda-bytecode").mkdir(parents=True)
    keep = [sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)), str(runtime)]
    return opt_dir, task_root, cache / "lambda-bytecode", state / "lambda" / "var-lang", keep


def _one(
    sandbox: ModuleType, opt_dir: Path, task_root: Path, cache: Path, scratch: Path, keep: list[str]
) -> dict:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(read_end)
            start = time.perf_counter()
            sandbox.enter_mount_namespace(str(scratch))
            entered = time.perf_counter()
            sandbox.mount_function(str(opt_dir), str(task_root), 512, keep, [str(cache)], at_var_task=True)
            mounted = time.perf_counter()
            os.write(write_end, json.dumps({"enter": entered - start, "mount": mounted - entered}).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        raw = pipe.read()
    os.waitpid(pid, 0)
    if not raw:
        raise SystemExit("a child failed: run one by hand to see why")
    return dict(json.loads(raw))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--under", default="/tmp", help="where the temporary state and cache go (default /tmp)"
    )
    parser.add_argument("--sandbox", help="a sandbox.py to measure instead of this checkout's")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    sandbox = _sandbox(args.sandbox)
    root = Path(tempfile.mkdtemp(prefix="fogbank-mount-step-", dir=args.under))
    try:
        layout = _layout(root)
        runs = [_one(sandbox, *layout) for _ in range(args.runs)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for step in ("enter", "mount"):
        print(
            f"{step:>5}: median {statistics.median(r[step] for r in runs) * 1e6:7.0f} µs over {args.runs} runs"
        )


if __name__ == "__main__":
    main()
