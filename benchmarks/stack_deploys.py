"""Deploy and delete time of every example stack (tests/e2e/*), after synth, on `fogbank cloud start`.

Each feature is synthesized first (cached synth, as in a warm suite run; not timed). Then, as an e2e worker
meets it, the stack is deployed into a cloud that has just started (its own process, boto3 from this one)
and deleted: that is the figure. The comparison from the same run is the same stack deployed and deleted
again in that cloud under another name (the process warm: moto's models loaded, clients built, the layer
already in the asset bucket). Deploy time is what `fogbank.deploy.stacks.deploy_stack` takes: publish
assets, CreateStack, wait until CREATE_COMPLETE (polled on a deadline), read the outputs.

Usage:
    .venv/bin/python benchmarks/stack_deploys.py                 # every feature under tests/e2e
    .venv/bin/python benchmarks/stack_deploys.py logger parser   # some
Loopback only; each cloud is stopped. Rows go to .benchmarks/rows/stack_deploys.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "tests" / "e2e"
DEPLOY_TARGET_S, DELETE_TARGET_S = 1.0, 0.5
sys.path.insert(0, str(Path(__file__).resolve().parent))
from cloud_process import fogbank_cloud  # noqa: E402
from results import Row, record  # noqa: E402


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(feature: str) -> dict[str, float | int]:
    """Synth (untimed), then deploy + delete in a fresh cloud, then again in the same (warm) cloud."""
    import json

    from fogbank.deploy.stacks import delete_stack, deploy_stack
    from fogbank.deploy.targets import resolve_target
    from fogbank.infrastructure import ASSET_ZIP_CACHE, find_infrastructure_class

    figures: dict[str, float | int] = {}
    with fogbank_cloud("--no-console") as endpoint:
        target = resolve_target("local", endpoint=endpoint)
        infra = find_infrastructure_class(SUITE / feature / "infrastructure.py")(target=target)
        assembly = infra.synth()
        template = next(assembly.glob("*.template.json"))
        figures["resources"] = len(json.loads(template.read_text())["Resources"])
        zips = infra.config.cdk_out / ASSET_ZIP_CACHE
        for label, name in (("fresh", infra.stack_name), ("warm", f"{infra.stack_name}-again")):
            figures[f"{label}_deploy_s"] = _timed(
                lambda name=name: deploy_stack(
                    target, assembly, name, tags=infra.stack_tags(), zip_cache=zips
                )  # type: ignore[misc]
            )
            figures[f"{label}_delete_s"] = _timed(lambda name=name: delete_stack(target, name))  # type: ignore[misc]
    print(f"[stack_deploys] {feature}: " + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()), flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("features", nargs="*", help="feature folders under tests/e2e (default: all)")
    options = parser.parse_args()
    os.chdir(REPO)
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    os.environ.pop("AWS_ENDPOINT_URL", None)
    features = options.features or sorted(p.parent.name for p in SUITE.glob("*/infrastructure.py"))
    results = {feature: measure(feature) for feature in features}
    rows: list[Row] = []
    print(
        f"\n{'feature':18}{'resources':>10}{'deploy':>9}{'delete':>9}{'warm deploy':>13}{'warm delete':>13}"
    )
    for feature, figures in results.items():
        deploy, delete = float(figures["fresh_deploy_s"]), float(figures["fresh_delete_s"])
        warm_deploy, warm_delete = float(figures["warm_deploy_s"]), float(figures["warm_delete_s"])
        print(
            f"{feature:18}{figures['resources']:>10}{deploy:>8.2f}s{delete:>8.2f}s"
            f"{warm_deploy:>12.2f}s{warm_delete:>12.2f}s"
        )
        rows.append(
            Row(
                f"deploy + delete {feature} ({figures['resources']} resources), fresh cloud",
                f"{deploy:.2f} s + {delete:.2f} s",
                f"same cloud again: {warm_deploy:.2f} s + {warm_delete:.2f} s",
                f"<= {DEPLOY_TARGET_S} s + <= {DELETE_TARGET_S} s",
                deploy <= DEPLOY_TARGET_S and delete <= DELETE_TARGET_S,
            )
        )
    print(f"rows written to {record('stack_deploys', rows)}")


if __name__ == "__main__":
    main()
