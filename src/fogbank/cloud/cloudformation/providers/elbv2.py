"""Application Load Balancers through the local cloud's ELBv2 API, served by the ALB front door.

A LoadBalancer gets a loopback address of its own (`127.a.b.c`), which is its DNSName in GetAtt and in
DescribeLoadBalancers; each Listener binds its port there. Target groups forward to one Lambda function, with
`lambda.multi_value_headers.enabled` from TargetGroupAttributes. Listener rules match path-pattern and
host-header conditions; actions are forward and fixed-response. Anything else fails the resource, naming it.

Example:
    >>> ListenerProvider.resource_type
    'AWS::ElasticLoadBalancingV2::Listener'
"""

from __future__ import annotations

import secrets
import string
from dataclasses import replace
from typing import Any

from fogbank.cloud.aws_state.elbv2 import set_dns_name
from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import as_int, ignore_missing, tags_of
from fogbank.cloud.frontdoors.doors.alb import (
    ALB_PRINCIPAL,
    Action,
    AlbListener,
    AlbRule,
    FixedResponse,
    Forward,
    LambdaTargetGroup,
)
from fogbank.cloud.frontdoors.permissions import function_policy, policy_allows
from fogbank.errors import DeployError

__all__ = [
    "PROVIDERS",
    "ListenerProvider",
    "ListenerRuleProvider",
    "LoadBalancerProvider",
    "TargetGroupProvider",
]

MULTI_VALUE_ATTRIBUTE = "lambda.multi_value_headers.enabled"


def _elbv2(request: ProviderRequest) -> Any:
    return request.services.client("elbv2", request.region)


def _generated_name(request: ProviderRequest) -> str:
    """A 32-character name like CloudFormation's (`<stack>-<logical>-<random>`), valid for ELBv2."""
    suffix = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(12))
    parts = [part.strip("-") for part in (request.stack_name[:9], request.logical_id[:9])]
    return "-".join([*[part for part in parts if part], suffix])


def _full_name(arn: str, marker: str) -> str:
    """`app/<name>/<id>` (a load balancer) or `targetgroup/<name>/<id>` from an ARN."""
    return arn.split(marker, 1)[1] if marker in arn else arn


class LoadBalancerProvider(ResourceProvider):
    """AWS::ElasticLoadBalancingV2::LoadBalancer (application); Ref is the ARN, GetAtt DNSName its address."""

    resource_type = "AWS::ElasticLoadBalancingV2::LoadBalancer"
    properties = frozenset(
        {
            "Name",
            "Scheme",
            "Subnets",
            "SecurityGroups",
            "Type",
            "IpAddressType",
            "LoadBalancerAttributes",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        kind = props.get("Type", "application")
        if kind != "application":
            raise DeployError(
                f"{request.logical_id}: load balancer Type {kind!r} is not served by the local cloud, only "
                "'application' (ALB); deploy this stack to AWS to test a network or gateway load balancer"
            )
        arguments: dict[str, Any] = {
            "Name": props.get("Name") or _generated_name(request),
            "Type": "application",
            "Scheme": props.get("Scheme", "internet-facing"),
            "IpAddressType": props.get("IpAddressType", "ipv4"),
        }
        for key in ("Subnets", "SecurityGroups"):
            if props.get(key):
                arguments[key] = list(props[key])
        tags = tags_of(props)
        if tags:
            arguments["Tags"] = tags
        client = _elbv2(request)
        balancer = client.create_load_balancer(**arguments)["LoadBalancers"][0]
        arn = balancer["LoadBalancerArn"]
        try:
            if props.get("LoadBalancerAttributes"):
                attributes = [
                    {"Key": a["Key"], "Value": str(a["Value"])} for a in props["LoadBalancerAttributes"]
                ]
                client.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=attributes)
            address = request.services.frontdoors.allocate_load_balancer(arn)
            set_dns_name(arn, address, account_id=request.account_id, region=request.region)
        except Exception:
            request.services.frontdoors.release_load_balancer(arn)
            client.delete_load_balancer(LoadBalancerArn=arn)
            raise
        return ProviderResult(
            physical_id=arn,
            attributes={
                "LoadBalancerArn": arn,
                "DNSName": address,
                "CanonicalHostedZoneID": balancer.get("CanonicalHostedZoneId", ""),
                "LoadBalancerFullName": _full_name(arn, ":loadbalancer/"),
                "LoadBalancerName": balancer["LoadBalancerName"],
                "SecurityGroups": list(balancer.get("SecurityGroups") or []),
            },
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        request.services.frontdoors.release_load_balancer(current.physical_id)
        with ignore_missing():
            _elbv2(request).delete_load_balancer(LoadBalancerArn=current.physical_id)


class TargetGroupProvider(ResourceProvider):
    """AWS::ElasticLoadBalancingV2::TargetGroup with TargetType lambda; Ref is the ARN."""

    resource_type = "AWS::ElasticLoadBalancingV2::TargetGroup"
    properties = frozenset(
        {
            "Name",
            "TargetType",
            "Targets",
            "TargetGroupAttributes",
            "HealthCheckEnabled",
            "HealthCheckIntervalSeconds",
            "HealthCheckPath",
            "HealthCheckTimeoutSeconds",
            "HealthyThresholdCount",
            "UnhealthyThresholdCount",
            "Matcher",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        if props.get("TargetType") != "lambda":
            raise DeployError(
                f"{request.logical_id}: TargetType {props.get('TargetType', 'instance')!r} is not served by the "
                "local cloud's ALB, only 'lambda'; deploy this stack to AWS to test instance or ip targets"
            )
        targets = [str(target["Id"]) for target in props.get("Targets") or []]
        if len(targets) > 1:
            raise DeployError(
                f"{request.logical_id}: a lambda target group takes one function, got {len(targets)}"
            )
        arguments: dict[str, Any] = {
            "Name": props.get("Name") or _generated_name(request),
            "TargetType": "lambda",
        }
        for key in ("HealthCheckEnabled",):
            if key in props:
                arguments[key] = str(props[key]).lower() == "true"
        for key in (
            "HealthCheckIntervalSeconds",
            "HealthCheckTimeoutSeconds",
            "HealthyThresholdCount",
            "UnhealthyThresholdCount",
        ):
            if key in props:
                arguments[key] = as_int(props[key])
        if "HealthCheckPath" in props:
            arguments["HealthCheckPath"] = props["HealthCheckPath"]
        if "Matcher" in props:
            arguments["Matcher"] = dict(props["Matcher"])
        if tags_of(props):
            arguments["Tags"] = tags_of(props)
        client = _elbv2(request)
        group = client.create_target_group(**arguments)["TargetGroups"][0]
        arn = group["TargetGroupArn"]
        attributes = {a["Key"]: str(a["Value"]) for a in props.get("TargetGroupAttributes") or []}
        try:
            if targets:
                _check_invoke_permission(request, targets[0], arn)
                client.register_targets(TargetGroupArn=arn, Targets=[{"Id": targets[0]}])
            if attributes:
                client.modify_target_group_attributes(
                    TargetGroupArn=arn, Attributes=[{"Key": k, "Value": v} for k, v in attributes.items()]
                )
        except Exception:
            client.delete_target_group(TargetGroupArn=arn)
            raise
        multi_value = attributes.get(MULTI_VALUE_ATTRIBUTE, "false").lower() == "true"
        request.services.frontdoors.put_target_group(
            LambdaTargetGroup(arn, targets[0] if targets else None, multi_value_headers=multi_value)
        )
        return ProviderResult(
            physical_id=arn,
            attributes={
                "TargetGroupArn": arn,
                "TargetGroupName": group["TargetGroupName"],
                "TargetGroupFullName": arn.rsplit(":", 1)[1],
                "LoadBalancerArns": [],
            },
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        request.services.frontdoors.remove_target_group(current.physical_id)
        with ignore_missing():
            _elbv2(request).delete_target_group(TargetGroupArn=current.physical_id)


def _check_invoke_permission(request: ProviderRequest, function_arn: str, group_arn: str) -> None:
    """RegisterTargets of a Lambda target needs the function's permission for ELB first, as on AWS."""
    policy = function_policy(request.services.client("lambda", request.region), function_arn)
    if not policy_allows(policy, ALB_PRINCIPAL, "lambda:InvokeFunction", group_arn):
        raise DeployError(
            f"{request.logical_id}: AccessDenied: elasticloadbalancing principal does not have permission to "
            f"invoke {function_arn} from target group {group_arn}; add an AWS::Lambda::Permission for "
            "elasticloadbalancing.amazonaws.com (CDK's LambdaTarget adds it) and make the target group depend on it"
        )


def _door_actions(actions: list[dict[str, Any]], owner: str) -> list[Action]:
    """CloudFormation actions (by Order) as the door's forward / fixed-response actions."""
    result: list[Action] = []
    for action in sorted(actions, key=lambda item: as_int(item.get("Order", 0))):
        kind = action.get("Type")
        if kind == "forward":
            groups = [
                g["TargetGroupArn"] for g in (action.get("ForwardConfig") or {}).get("TargetGroups") or []
            ]
            if action.get("TargetGroupArn"):
                groups.insert(0, action["TargetGroupArn"])
            if len(set(groups)) != 1:
                raise DeployError(
                    f"{owner}: a forward action must name one target group (weighted forwarding to "
                    f"{len(set(groups))} groups is not served by the local cloud)"
                )
            result.append(Forward(groups[0]))
        elif kind == "fixed-response":
            config = action.get("FixedResponseConfig") or {}
            result.append(
                FixedResponse(
                    as_int(config["StatusCode"]), config.get("ContentType"), config.get("MessageBody", "")
                )
            )
        else:
            raise DeployError(
                f"{owner}: action type {kind!r} is not served by the local cloud's ALB (forward and "
                "fixed-response are); remove it or deploy this stack to AWS"
            )
    if not result:
        raise DeployError(f"{owner}: at least one action is required")
    return result


def _api_actions(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CloudFormation actions in the ELBv2 API's shape (numbers as numbers)."""
    shaped = []
    for action in actions:
        item = dict(action)
        if "Order" in item:
            item["Order"] = as_int(item["Order"])
        shaped.append(item)
    return shaped


class ListenerProvider(ResourceProvider):
    """AWS::ElasticLoadBalancingV2::Listener (HTTP): binds its port on the load balancer's address."""

    resource_type = "AWS::ElasticLoadBalancingV2::Listener"
    properties = frozenset({"LoadBalancerArn", "Port", "Protocol", "DefaultActions"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        port = as_int(props["Port"])
        door_actions = self._door_actions(request)
        client = _elbv2(request)
        arn = client.create_listener(
            LoadBalancerArn=props["LoadBalancerArn"],
            Protocol="HTTP",
            Port=port,
            DefaultActions=_api_actions(props["DefaultActions"]),
        )["Listeners"][0]["ListenerArn"]
        try:
            request.services.frontdoors.add_alb_listener(
                props["LoadBalancerArn"], AlbListener(arn, port, door_actions)
            )
        except Exception:
            client.delete_listener(ListenerArn=arn)
            raise
        return ProviderResult(physical_id=arn, attributes={"ListenerArn": arn})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        """Port, protocol and default actions change in place (ModifyListener), as on AWS."""
        props = request.properties
        if props["LoadBalancerArn"] != previous_properties["LoadBalancerArn"]:
            return super().update(request, current, previous_properties)
        port = as_int(props["Port"])
        door_actions = self._door_actions(request)
        _elbv2(request).modify_listener(
            ListenerArn=current.physical_id,
            Protocol="HTTP",
            Port=port,
            DefaultActions=_api_actions(props["DefaultActions"]),
        )
        request.services.frontdoors.update_alb_listener(current.physical_id, port, door_actions)
        return current

    @staticmethod
    def _door_actions(request: ProviderRequest) -> list[Action]:
        protocol = request.properties.get("Protocol", "HTTP")
        if protocol != "HTTP":
            raise DeployError(
                f"{request.logical_id}: listener protocol {protocol!r} is not served by the local cloud's ALB, "
                "only HTTP; use an HTTP listener for tests, or deploy this stack to AWS"
            )
        return _door_actions(request.properties["DefaultActions"], request.logical_id)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        request.services.frontdoors.remove_alb_listener(current.physical_id)
        with ignore_missing():
            _elbv2(request).delete_listener(ListenerArn=current.physical_id)


def _condition_values(condition: dict[str, Any], owner: str) -> tuple[str, list[str]]:
    field = condition.get("Field")
    config_key = {"path-pattern": "PathPatternConfig", "host-header": "HostHeaderConfig"}.get(str(field))
    if config_key is None:
        raise DeployError(
            f"{owner}: rule condition {field!r} is not served by the local cloud's ALB (path-pattern and "
            "host-header are); remove it or deploy this stack to AWS"
        )
    values = list(condition.get("Values") or []) + list((condition.get(config_key) or {}).get("Values") or [])
    return str(field), values


class ListenerRuleProvider(ResourceProvider):
    """AWS::ElasticLoadBalancingV2::ListenerRule with path-pattern and host-header conditions.

    Conditions, actions and priority change in place (ModifyRule, SetRulePriorities), as on AWS; a new
    ListenerArn replaces the rule. The door's rule carries the rule ARN, so deleting a replaced rule never
    removes its replacement.
    """

    resource_type = "AWS::ElasticLoadBalancingV2::ListenerRule"
    properties = frozenset({"ListenerArn", "Priority", "Conditions", "Actions"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        self._listener(request)
        rule, conditions = self._rule(request)
        arn = _elbv2(request).create_rule(
            ListenerArn=props["ListenerArn"],
            Priority=rule.priority,
            Conditions=conditions,
            Actions=_api_actions(props["Actions"]),
        )["Rules"][0]["RuleArn"]
        self._serve_rule(request, replace(rule, arn=arn))
        return ProviderResult(physical_id=arn, attributes={"RuleArn": arn, "IsDefault": False})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        if props["ListenerArn"] != previous_properties["ListenerArn"]:
            return super().update(request, current, previous_properties)
        self._listener(request)
        rule, conditions = self._rule(request)
        client = _elbv2(request)
        client.modify_rule(
            RuleArn=current.physical_id, Conditions=conditions, Actions=_api_actions(props["Actions"])
        )
        if rule.priority != as_int(previous_properties["Priority"]):
            client.set_rule_priorities(
                RulePriorities=[{"RuleArn": current.physical_id, "Priority": rule.priority}]
            )
        self._serve_rule(request, replace(rule, arn=current.physical_id))
        return current

    @staticmethod
    def _serve_rule(request: ProviderRequest, rule: AlbRule) -> None:
        """Serve `rule` on its listener, replacing the rule with the same ARN."""

        def put(listener: AlbListener) -> None:
            listener.rules[:] = [*(entry for entry in listener.rules if entry.arn != rule.arn), rule]

        request.services.frontdoors.change_alb_listener(request.properties["ListenerArn"], put)

    @staticmethod
    def _listener(request: ProviderRequest) -> AlbListener:
        listener = request.services.frontdoors.alb_listener(request.properties["ListenerArn"])
        if listener is None:
            raise DeployError(
                f"{request.logical_id}: listener {request.properties['ListenerArn']} is not served here; "
                "create it first"
            )
        return listener

    @staticmethod
    def _rule(request: ProviderRequest) -> tuple[AlbRule, list[dict[str, Any]]]:
        """The door's rule (without its ARN) and the conditions in the ELBv2 API's shape."""
        props = request.properties
        patterns: dict[str, list[str]] = {"path-pattern": [], "host-header": []}
        for condition in props.get("Conditions") or []:
            field, values = _condition_values(condition, request.logical_id)
            patterns[field].extend(values)
        rule = AlbRule(
            as_int(props["Priority"]),
            _door_actions(props["Actions"], request.logical_id),
            path_patterns=tuple(patterns["path-pattern"]),
            host_patterns=tuple(patterns["host-header"]),
        )
        return rule, [{"Field": f, "Values": v} for f, v in patterns.items() if v]

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        def remove(listener: AlbListener) -> None:
            listener.rules[:] = [rule for rule in listener.rules if rule.arn != current.physical_id]

        request.services.frontdoors.change_alb_listener(request.properties["ListenerArn"], remove)
        with ignore_missing():
            _elbv2(request).delete_rule(RuleArn=current.physical_id)


PROVIDERS: list[type[ResourceProvider]] = [
    LoadBalancerProvider,
    TargetGroupProvider,
    ListenerProvider,
    ListenerRuleProvider,
]
