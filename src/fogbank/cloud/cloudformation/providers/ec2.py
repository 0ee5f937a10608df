"""EC2 networking through the local cloud's EC2 API: VPC, Subnet, SecurityGroup (and its rules), InternetGateway,
VPCGatewayAttachment, RouteTable, Route and SubnetRouteTableAssociation.

The default VPC (172.31.0.0/16, one public subnet per zone) is part of the EC2 state, so `Vpc.from_lookup
(is_default=True)` finds it. Deletion follows the template's dependencies (CDK adds the DependsOn that AWS
needs), so a stack with a VPC deletes cleanly.

Example:
    >>> VpcProvider.resource_type
    'AWS::EC2::VPC'
"""

from __future__ import annotations

from typing import Any

from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import as_int, ignore_missing, tags_of
from fogbank.errors import DeployError

__all__ = [
    "PROVIDERS",
    "InternetGatewayProvider",
    "RouteProvider",
    "RouteTableProvider",
    "SecurityGroupEgressProvider",
    "SecurityGroupIngressProvider",
    "SecurityGroupProvider",
    "SubnetProvider",
    "SubnetRouteTableAssociationProvider",
    "VpcGatewayAttachmentProvider",
    "VpcProvider",
]


def _ec2(request: ProviderRequest) -> Any:
    return request.services.client("ec2", request.region)


def _tag(request: ProviderRequest, resource_id: str) -> None:
    """Tags from the template plus the ones CloudFormation adds, as on AWS."""
    tags = [
        *tags_of(request.properties),
        {"Key": "aws:cloudformation:stack-name", "Value": request.stack_name},
        {"Key": "aws:cloudformation:logical-id", "Value": request.logical_id},
    ]
    _ec2(request).create_tags(Resources=[resource_id], Tags=tags)


class VpcProvider(ResourceProvider):
    """AWS::EC2::VPC; Ref is the VPC id."""

    resource_type = "AWS::EC2::VPC"
    properties = frozenset({"CidrBlock", "EnableDnsHostnames", "EnableDnsSupport", "InstanceTenancy", "Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        if "CidrBlock" not in props:
            raise DeployError(f"{request.logical_id}: CidrBlock is required; add it to the VPC")
        ec2 = _ec2(request)
        vpc = ec2.create_vpc(
            CidrBlock=props["CidrBlock"], InstanceTenancy=props.get("InstanceTenancy", "default")
        )["Vpc"]
        vpc_id = vpc["VpcId"]
        for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
            if attribute in props:
                value = str(props[attribute]).lower() == "true"
                ec2.modify_vpc_attribute(VpcId=vpc_id, **{attribute: {"Value": value}})
        _tag(request, vpc_id)
        groups = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"]
        acls = ec2.describe_network_acls(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
        )["NetworkAcls"]
        association = vpc.get("CidrBlockAssociationSet") or [{}]
        return ProviderResult(
            physical_id=vpc_id,
            attributes={
                "VpcId": vpc_id,
                "CidrBlock": vpc["CidrBlock"],
                "CidrBlockAssociations": [association[0].get("AssociationId", "")],
                "DefaultSecurityGroup": groups[0]["GroupId"] if groups else "",
                "DefaultNetworkAcl": acls[0]["NetworkAclId"] if acls else "",
                "Ipv6CidrBlocks": [],
            },
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            _ec2(request).delete_vpc(VpcId=current.physical_id)


class SubnetProvider(ResourceProvider):
    """AWS::EC2::Subnet; Ref is the subnet id."""

    resource_type = "AWS::EC2::Subnet"
    properties = frozenset({"VpcId", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch", "Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        arguments = {"VpcId": props["VpcId"], "CidrBlock": props["CidrBlock"]}
        if props.get("AvailabilityZone"):
            arguments["AvailabilityZone"] = props["AvailabilityZone"]
        ec2 = _ec2(request)
        subnet = ec2.create_subnet(**arguments)["Subnet"]
        subnet_id = subnet["SubnetId"]
        if str(props.get("MapPublicIpOnLaunch", "false")).lower() == "true":
            ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
        _tag(request, subnet_id)
        return ProviderResult(
            physical_id=subnet_id,
            attributes={
                "SubnetId": subnet_id,
                "VpcId": subnet["VpcId"],
                "CidrBlock": subnet["CidrBlock"],
                "AvailabilityZone": subnet["AvailabilityZone"],
                "AvailabilityZoneId": subnet.get("AvailabilityZoneId", ""),
                "Ipv6CidrBlocks": [],
                "NetworkAclAssociationId": "",
            },
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            _ec2(request).delete_subnet(SubnetId=current.physical_id)


_RULE_KEYS = frozenset(
    {
        "IpProtocol",
        "FromPort",
        "ToPort",
        "CidrIp",
        "CidrIpv6",
        "Description",
        "SourceSecurityGroupId",
        "SourceSecurityGroupOwnerId",
        "DestinationSecurityGroupId",
        "SourcePrefixListId",
        "DestinationPrefixListId",
    }
)


def _permission(rule: dict[str, Any], owner: str) -> dict[str, Any]:
    """A CloudFormation rule as an EC2 IpPermission."""
    unsupported = sorted(set(rule) - _RULE_KEYS - {"GroupId"})
    if unsupported:
        raise DeployError(f"{owner}: unsupported security group rule properties {unsupported}")
    permission: dict[str, Any] = {"IpProtocol": str(rule["IpProtocol"])}
    if "FromPort" in rule:
        permission["FromPort"] = as_int(rule["FromPort"])
    if "ToPort" in rule:
        permission["ToPort"] = as_int(rule["ToPort"])
    description = {"Description": rule["Description"]} if rule.get("Description") else {}
    if "CidrIp" in rule:
        permission["IpRanges"] = [{"CidrIp": rule["CidrIp"], **description}]
    if "CidrIpv6" in rule:
        permission["Ipv6Ranges"] = [{"CidrIpv6": rule["CidrIpv6"], **description}]
    group = rule.get("SourceSecurityGroupId") or rule.get("DestinationSecurityGroupId")
    if group:
        permission["UserIdGroupPairs"] = [{"GroupId": group, **description}]
    prefix = rule.get("SourcePrefixListId") or rule.get("DestinationPrefixListId")
    if prefix:
        permission["PrefixListIds"] = [{"PrefixListId": prefix, **description}]
    return permission


class SecurityGroupProvider(ResourceProvider):
    """AWS::EC2::SecurityGroup; Ref and GetAtt GroupId. SecurityGroupEgress replaces the default allow-all rule."""

    resource_type = "AWS::EC2::SecurityGroup"
    properties = frozenset(
        {"GroupDescription", "GroupName", "VpcId", "SecurityGroupIngress", "SecurityGroupEgress", "Tags"}
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        ec2 = _ec2(request)
        arguments = {
            "GroupName": props.get("GroupName") or request.physical_name(255),
            "Description": props["GroupDescription"],
        }
        if props.get("VpcId"):
            arguments["VpcId"] = props["VpcId"]
        group_id = ec2.create_security_group(**arguments)["GroupId"]
        try:
            ingress = [
                _permission(rule, request.logical_id) for rule in props.get("SecurityGroupIngress") or []
            ]
            if ingress:
                ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=ingress)
            if "SecurityGroupEgress" in props:
                ec2.revoke_security_group_egress(
                    GroupId=group_id,
                    IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                )
                egress = [
                    _permission(rule, request.logical_id) for rule in props["SecurityGroupEgress"] or []
                ]
                if egress:
                    ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=egress)
            _tag(request, group_id)
        except Exception:
            ec2.delete_security_group(GroupId=group_id)
            raise
        vpc_id = props.get("VpcId", "")
        return ProviderResult(physical_id=group_id, attributes={"GroupId": group_id, "VpcId": vpc_id})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            _ec2(request).delete_security_group(GroupId=current.physical_id)


class SecurityGroupIngressProvider(ResourceProvider):
    """AWS::EC2::SecurityGroupIngress: one rule added to a group."""

    resource_type = "AWS::EC2::SecurityGroupIngress"
    properties = _RULE_KEYS - {"DestinationSecurityGroupId", "DestinationPrefixListId"} | {"GroupId"}
    _direction = "ingress"

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        permission = _permission(props, request.logical_id)
        call = getattr(_ec2(request), f"authorize_security_group_{self._direction}")
        answer = call(GroupId=props["GroupId"], IpPermissions=[permission])
        rules = answer.get("SecurityGroupRules") or [{}]
        rule_id = rules[0].get("SecurityGroupRuleId") or request.physical_name(64)
        return ProviderResult(physical_id=rule_id, attributes={"Id": rule_id})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        props = request.properties
        call = getattr(_ec2(request), f"revoke_security_group_{self._direction}")
        with ignore_missing():
            call(GroupId=props["GroupId"], IpPermissions=[_permission(props, request.logical_id)])


class SecurityGroupEgressProvider(SecurityGroupIngressProvider):
    """AWS::EC2::SecurityGroupEgress: one outbound rule added to a group."""

    resource_type = "AWS::EC2::SecurityGroupEgress"
    properties = _RULE_KEYS - {
        "SourceSecurityGroupId",
        "SourceSecurityGroupOwnerId",
        "SourcePrefixListId",
    } | {"GroupId"}
    _direction = "egress"


class InternetGatewayProvider(ResourceProvider):
    """AWS::EC2::InternetGateway; Ref and GetAtt InternetGatewayId."""

    resource_type = "AWS::EC2::InternetGateway"
    properties = frozenset({"Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        gateway_id = _ec2(request).create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        _tag(request, gateway_id)
        return ProviderResult(physical_id=gateway_id, attributes={"InternetGatewayId": gateway_id})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            _ec2(request).delete_internet_gateway(InternetGatewayId=current.physical_id)


class VpcGatewayAttachmentProvider(ResourceProvider):
    """AWS::EC2::VPCGatewayAttachment (internet gateways); deleting it detaches the gateway."""

    resource_type = "AWS::EC2::VPCGatewayAttachment"
    properties = frozenset({"VpcId", "InternetGatewayId", "VpnGatewayId"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        if "VpnGatewayId" in props or "InternetGatewayId" not in props:
            raise DeployError(
                f"{request.logical_id}: only InternetGatewayId attachments are supported by the local cloud; "
                "remove the VPN gateway or deploy this stack to AWS"
            )
        _ec2(request).attach_internet_gateway(
            InternetGatewayId=props["InternetGatewayId"], VpcId=props["VpcId"]
        )
        physical = f"IGW|{props['VpcId']}"
        return ProviderResult(
            physical_id=physical, attributes={"AttachmentType": "igw", "VpcId": props["VpcId"]}
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        props = request.properties
        with ignore_missing():
            _ec2(request).detach_internet_gateway(
                InternetGatewayId=props["InternetGatewayId"], VpcId=props["VpcId"]
            )


class RouteTableProvider(ResourceProvider):
    """AWS::EC2::RouteTable; Ref and GetAtt RouteTableId."""

    resource_type = "AWS::EC2::RouteTable"
    properties = frozenset({"VpcId", "Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        table = _ec2(request).create_route_table(VpcId=request.properties["VpcId"])["RouteTable"]
        _tag(request, table["RouteTableId"])
        return ProviderResult(
            physical_id=table["RouteTableId"], attributes={"RouteTableId": table["RouteTableId"]}
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            _ec2(request).delete_route_table(RouteTableId=current.physical_id)


_ROUTE_TARGETS = (
    "GatewayId",
    "NatGatewayId",
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "NetworkInterfaceId",
)


class RouteProvider(ResourceProvider):
    """AWS::EC2::Route to a gateway (internet, NAT, peering, transit) or a network interface."""

    resource_type = "AWS::EC2::Route"
    properties = frozenset(
        {"RouteTableId", "DestinationCidrBlock", "DestinationIpv6CidrBlock", *_ROUTE_TARGETS}
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        destination = _destination(props, request.logical_id)
        targets = {key: props[key] for key in _ROUTE_TARGETS if key in props}
        if len(targets) != 1:
            raise DeployError(
                f"{request.logical_id}: a Route needs exactly one target ({', '.join(_ROUTE_TARGETS)})"
            )
        _ec2(request).create_route(RouteTableId=props["RouteTableId"], **destination, **targets)
        physical = f"{props['RouteTableId']}|{next(iter(destination.values()))}"
        return ProviderResult(physical_id=physical, attributes={})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        props = request.properties
        with ignore_missing():
            _ec2(request).delete_route(
                RouteTableId=props["RouteTableId"], **_destination(props, request.logical_id)
            )


def _destination(props: dict[str, Any], owner: str) -> dict[str, str]:
    if "DestinationCidrBlock" in props:
        return {"DestinationCidrBlock": props["DestinationCidrBlock"]}
    if "DestinationIpv6CidrBlock" in props:
        return {"DestinationIpv6CidrBlock": props["DestinationIpv6CidrBlock"]}
    raise DeployError(f"{owner}: a Route needs DestinationCidrBlock or DestinationIpv6CidrBlock")


class SubnetRouteTableAssociationProvider(ResourceProvider):
    """AWS::EC2::SubnetRouteTableAssociation; Ref is the association id."""

    resource_type = "AWS::EC2::SubnetRouteTableAssociation"
    properties = frozenset({"SubnetId", "RouteTableId"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        association = _ec2(request).associate_route_table(
            RouteTableId=props["RouteTableId"], SubnetId=props["SubnetId"]
        )["AssociationId"]
        return ProviderResult(physical_id=association, attributes={"Id": association})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            _ec2(request).disassociate_route_table(AssociationId=current.physical_id)


PROVIDERS: list[type[ResourceProvider]] = [
    VpcProvider,
    SubnetProvider,
    SecurityGroupProvider,
    SecurityGroupIngressProvider,
    SecurityGroupEgressProvider,
    InternetGatewayProvider,
    VpcGatewayAttachmentProvider,
    RouteTableProvider,
    RouteProvider,
    SubnetRouteTableAssociationProvider,
]
