"""CDK context lookups (`Vpc.from_lookup`, `Stack.availability_zones`, `StringParameter.value_from_lookup`).

When a synthesized assembly lists missing context, each entry is answered with boto3 against the target, in
the shape the CDK CLI writes to cdk.context.json, and the feature is synthesized again.

Example (skipped as a doctest: it needs a running local cloud):
    >>> values = resolve_missing_context(target, manifest["missing"])  # doctest: +SKIP
    >>> values["vpc-provider:account=123456789012:filter.isDefault=true:..."]["vpcId"]  # doctest: +SKIP
    'vpc-12345678'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import ClientError

from fogbank.deploy.targets import Target
from fogbank.errors import SynthError

__all__ = ["SUPPORTED_PROVIDERS", "resolve_missing_context"]


def _filters(props: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"Name": name, "Values": value if isinstance(value, list) else [str(value)]}
        for name, value in (props.get("filter") or {}).items()
    ]


def _tag(tags: Sequence[dict[str, str]] | None, key: str) -> str | None:
    return next((tag["Value"] for tag in tags or [] if tag["Key"] == key), None)


def _vpc(target: Target, props: dict[str, Any]) -> dict[str, Any]:
    ec2 = target.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=_filters(props))["Vpcs"]
    if len(vpcs) != 1:
        raise SynthError(
            f"Vpc.from_lookup with filter {props.get('filter')} found {len(vpcs)} VPCs on {target.describe()}; "
            "it needs exactly one: narrow the filter (vpc_id=, tags=) or create the VPC"
        )
    vpc = vpcs[0]
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    subnets = ec2.describe_subnets(Filters=vpc_filter)["Subnets"]
    tables = ec2.describe_route_tables(Filters=vpc_filter)["RouteTables"]
    main_table = next(
        (table for table in tables if any(assoc.get("Main") for assoc in table.get("Associations", []))), None
    )

    def table_of(subnet_id: str) -> dict[str, Any] | None:
        for table in tables:
            if any(assoc.get("SubnetId") == subnet_id for assoc in table.get("Associations", [])):
                return dict(table)
        return main_table

    group_tag = props.get("subnetGroupNameTag") or "aws-cdk:subnet-name"
    groups: dict[str, dict[str, Any]] = {}
    for subnet in sorted(subnets, key=lambda item: (item["AvailabilityZone"], item["SubnetId"])):
        table = table_of(subnet["SubnetId"])
        kind = _tag(subnet.get("Tags"), "aws-cdk:subnet-type")
        routes_to_igw = table is not None and any(
            str(route.get("GatewayId", "")).startswith("igw-") for route in table.get("Routes", [])
        )
        if kind is None and (subnet.get("MapPublicIpOnLaunch") or routes_to_igw):
            kind = "Public"
        kind = kind or "Private"
        name = _tag(subnet.get("Tags"), group_tag) or kind
        group = groups.setdefault(name, {"name": name, "type": kind, "subnets": []})
        group["subnets"].append(
            {
                "subnetId": subnet["SubnetId"],
                "cidr": subnet.get("CidrBlock"),
                "availabilityZone": subnet["AvailabilityZone"],
                "routeTableId": table["RouteTableId"] if table else None,
            }
        )
    response: dict[str, Any] = {
        "vpcId": vpc["VpcId"],
        "vpcCidrBlock": vpc["CidrBlock"],
        "ownerAccountId": vpc.get("OwnerId"),
    }
    if props.get("returnVpnGateways", True):
        gateways = ec2.describe_vpn_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}, *_state_available()]
        )["VpnGateways"]
        if gateways:
            response["vpnGatewayId"] = gateways[0]["VpnGatewayId"]
    if props.get("returnAsymmetricSubnets"):
        return {**response, "availabilityZones": [], "subnetGroups": list(groups.values())}
    return {**response, **_symmetric(groups)}


def _state_available() -> list[dict[str, Any]]:
    return [{"Name": "state", "Values": ["available"]}]


def _symmetric(groups: dict[str, dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {"availabilityZones": []}
    for group in groups.values():
        prefix = group["type"].lower()
        zones = [subnet["availabilityZone"] for subnet in group["subnets"]]
        if not result["availabilityZones"]:
            result["availabilityZones"] = zones
        result.setdefault(f"{prefix}SubnetIds", []).extend(s["subnetId"] for s in group["subnets"])
        result.setdefault(f"{prefix}SubnetNames", []).append(group["name"])
        result.setdefault(f"{prefix}SubnetRouteTableIds", []).extend(
            s["routeTableId"] for s in group["subnets"]
        )
    return result


def _availability_zones(target: Target, props: dict[str, Any]) -> list[str]:
    zones = target.client("ec2").describe_availability_zones(Filters=_state_available())["AvailabilityZones"]
    return [zone["ZoneName"] for zone in zones]


def _ssm(target: Target, props: dict[str, Any]) -> str:
    name = props["parameterName"]
    try:
        return str(target.client("ssm").get_parameter(Name=name)["Parameter"]["Value"])
    except ClientError as exc:
        raise SynthError(
            f"StringParameter.value_from_lookup: SSM parameter {name} not found on {target.describe()}; "
            "create it first, or use value_for_string_parameter (resolved at deploy time)"
        ) from exc


SUPPORTED_PROVIDERS: dict[str, Callable[[Target, dict[str, Any]], Any]] = {
    "vpc-provider": _vpc,
    "availability-zones": _availability_zones,
    "ssm": _ssm,
}


def resolve_missing_context(target: Target, missing: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Context values for the assembly's `missing` entries, keyed as the CDK CLI keys them."""
    values: dict[str, Any] = {}
    for entry in missing:
        provider = SUPPORTED_PROVIDERS.get(entry["provider"])
        if provider is None:
            raise SynthError(
                f"context lookup {entry['provider']} (key {entry['key']}) is unsupported by fogbank; run "
                "`npx cdk synth` once against the target to fill cdk.context.json, or avoid the lookup"
            )
        values[entry["key"]] = provider(target, dict(entry.get("props") or {}))
    return values
