"""API Gateway REST API deployments in moto (pinned 5.2.5): delete one that no stage serves any more.

Moto's DeleteDeployment refuses (StageStillActive) whenever a stage *named* like the deployment's stageName
exists, even when that stage now serves a newer deployment. AWS refuses only while a stage points at the
deployment itself. When a Deployment with StageName is replaced, the old one no longer serves the stage, so it
is removed from moto's state here.

Example (skipped as a doctest: it needs a deployed REST API in moto's state):
    >>> forget_deployment("abc123", "dep1", account_id="123456789012", region="us-east-1")  # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["forget_deployment"]


def forget_deployment(api_id: str, deployment_id: str, *, account_id: str, region: str) -> None:
    """Remove a deployment from the REST API's state unless a stage still serves it (then, as AWS, refuse)."""
    from moto.apigateway.models import apigateway_backends

    api = apigateway_backends[account_id][region].apis.get(api_id)
    if api is None:
        return
    serving = [name for name, stage in api.stages.items() if stage.deployment_id == deployment_id]
    if serving:
        raise ValueError(
            f"deployment {deployment_id} of REST API {api_id} still serves stage {serving[0]}; "
            "point the stage at another deployment first"
        )
    api.deployments.pop(deployment_id, None)
