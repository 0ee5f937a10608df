"""ElastiCache caches (AWS::ElastiCache::ServerlessCache, CacheCluster, ReplicationGroup) as real server processes,
and SubnetGroup and ParameterGroup.

Every cache is one Redis-compatible server (engines redis and valkey) on a loopback address of its own; its
endpoint address and port are the GetAtt values. ServerlessCache always uses TLS (as on AWS); the classic
types use TLS when TransitEncryptionEnabled is true. A ParameterGroup's parameters are passed to the servers
that name it. Subnets and security groups are recorded, not enforced. Memcached, cluster mode (several node
groups) and auth tokens are refused, naming the resource.

Example:
    >>> ServerlessCacheProvider.resource_type
    'AWS::ElastiCache::ServerlessCache'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.errors import DeployError

__all__ = [
    "PROVIDERS",
    "CacheClusterProvider",
    "ParameterGroupProvider",
    "ReplicationGroupProvider",
    "ServerlessCacheProvider",
    "SubnetGroupProvider",
]

ENGINES = ("redis", "valkey")
_RECORDED = frozenset({"Tags", "SnapshotRetentionLimit", "SnapshotWindow", "PreferredMaintenanceWindow"})


def _engine(request: ProviderRequest) -> str:
    engine = str(request.properties.get("Engine", "redis")).lower()
    if engine not in ENGINES:
        raise DeployError(
            f"{request.logical_id}: Engine {engine!r} is not supported by the local cloud's ElastiCache "
            f"({', '.join(ENGINES)} are); test this cache against AWS"
        )
    return engine


def _truthy(value: Any) -> bool:
    return str(value).lower() == "true"


def _arn(request: ProviderRequest, kind: str, name: str) -> str:
    return f"arn:aws:elasticache:{request.region}:{request.account_id}:{kind}:{name}"


def _parameters(request: ProviderRequest) -> dict[str, str]:
    name = request.properties.get("CacheParameterGroupName")
    if not name or str(name).startswith("default."):
        return {}
    parameters = request.services.elasticache.parameter_group(str(name))
    if parameters is None:
        raise DeployError(
            f"{request.logical_id}: CacheParameterGroupName {name} does not exist; create it first"
        )
    return parameters


class ServerlessCacheProvider(ResourceProvider):
    """AWS::ElastiCache::ServerlessCache: a TLS server; Ref is the name; GetAtt Endpoint.Address/Port, ARN."""

    resource_type = "AWS::ElastiCache::ServerlessCache"
    properties = frozenset(
        {
            "ServerlessCacheName",
            "Engine",
            "MajorEngineVersion",
            "Description",
            "CacheUsageLimits",
            "KmsKeyId",
            "SecurityGroupIds",
            "SubnetIds",
            "DailySnapshotTime",
            "FinalSnapshotName",
            "SnapshotRetentionLimit",
            "NetworkType",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        engine = _engine(request)
        name = str(request.properties["ServerlessCacheName"]).lower()
        endpoint = request.services.elasticache.create_cache(f"serverless:{name}", tls=True)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        version = str(request.properties.get("MajorEngineVersion") or ("8" if engine == "valkey" else "7"))
        return ProviderResult(
            physical_id=name,
            attributes={
                "ARN": _arn(request, "serverlesscache", name),
                "Endpoint.Address": endpoint.address,
                "Endpoint.Port": str(endpoint.port),
                "ReaderEndpoint.Address": endpoint.address,
                "ReaderEndpoint.Port": str(endpoint.port),
                "CreateTime": now,
                "FullEngineVersion": f"{version}.0",
                "Status": "available",
            },
        )

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        fixed = ("ServerlessCacheName", "Engine", "SubnetIds", "KmsKeyId")
        if any(request.properties.get(k) != previous_properties.get(k) for k in fixed):
            return super().update(request, current, previous_properties)
        return current  # description, limits, security groups, snapshots: recorded

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        request.services.elasticache.delete_cache(f"serverless:{current.physical_id}")


class CacheClusterProvider(ResourceProvider):
    """AWS::ElastiCache::CacheCluster (one redis/valkey node); GetAtt RedisEndpoint.Address and .Port."""

    resource_type = "AWS::ElastiCache::CacheCluster"
    properties = frozenset(
        {
            "ClusterName",
            "Engine",
            "EngineVersion",
            "CacheNodeType",
            "NumCacheNodes",
            "Port",
            "VpcSecurityGroupIds",
            "CacheSubnetGroupName",
            "CacheParameterGroupName",
            "TransitEncryptionEnabled",
            "AZMode",
            "PreferredAvailabilityZone",
            "PreferredAvailabilityZones",
            "AutoMinorVersionUpgrade",
            "NetworkType",
            "IpDiscovery",
            "NotificationTopicArn",
            *_RECORDED,
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        _engine(request)
        if int(str(props.get("NumCacheNodes", 1))) != 1:
            raise DeployError(
                f"{request.logical_id}: a redis or valkey CacheCluster has exactly one node (NumCacheNodes: 1)"
            )
        name = str(props.get("ClusterName") or request.physical_name(40)).lower()
        endpoint = request.services.elasticache.create_cache(
            f"cluster:{name}",
            tls=_truthy(props.get("TransitEncryptionEnabled", False)),
            port=int(str(props.get("Port", 6379))),
            parameters=_parameters(request),
        )
        return ProviderResult(
            physical_id=name,
            attributes={
                "RedisEndpoint.Address": endpoint.address,
                "RedisEndpoint.Port": str(endpoint.port),
                "Arn": _arn(request, "cluster", name),
            },
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        request.services.elasticache.delete_cache(f"cluster:{current.physical_id}")


class ReplicationGroupProvider(ResourceProvider):
    """AWS::ElastiCache::ReplicationGroup (cluster mode disabled): one server answers the primary and reader
    endpoints; GetAtt PrimaryEndPoint.Address/Port, ReaderEndPoint.Address/Port, ReadEndPoint.Addresses/Ports."""

    resource_type = "AWS::ElastiCache::ReplicationGroup"
    properties = frozenset(
        {
            "ReplicationGroupId",
            "ReplicationGroupDescription",
            "Engine",
            "EngineVersion",
            "CacheNodeType",
            "NumCacheClusters",
            "NumNodeGroups",
            "ReplicasPerNodeGroup",
            "AutomaticFailoverEnabled",
            "MultiAZEnabled",
            "Port",
            "SecurityGroupIds",
            "CacheSubnetGroupName",
            "CacheParameterGroupName",
            "TransitEncryptionEnabled",
            "TransitEncryptionMode",
            "AtRestEncryptionEnabled",
            "KmsKeyId",
            "AutoMinorVersionUpgrade",
            "PreferredCacheClusterAZs",
            "NetworkType",
            "IpDiscovery",
            "NotificationTopicArn",
            *_RECORDED,
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        _engine(request)
        if int(str(props.get("NumNodeGroups", 1))) != 1:
            raise DeployError(
                f"{request.logical_id}: cluster mode (NumNodeGroups > 1) is not supported by the local cloud; "
                "use one node group, or test this cache against AWS"
            )
        name = str(props.get("ReplicationGroupId") or request.physical_name(40)).lower()
        endpoint = request.services.elasticache.create_cache(
            f"replicationgroup:{name}",
            tls=_truthy(props.get("TransitEncryptionEnabled", False)),
            port=int(str(props.get("Port", 6379))),
            parameters=_parameters(request),
        )
        port = str(endpoint.port)
        return ProviderResult(
            physical_id=name,
            attributes={
                "PrimaryEndPoint.Address": endpoint.address,
                "PrimaryEndPoint.Port": port,
                "ReaderEndPoint.Address": endpoint.address,
                "ReaderEndPoint.Port": port,
                "ReadEndPoint.Addresses": endpoint.address,
                "ReadEndPoint.Ports": port,
                "ReadEndPoint.Addresses.List": [endpoint.address],
                "ReadEndPoint.Ports.List": [port],
                "ReadEndPoint.AddressesList": [endpoint.address],  # the resource schema's spelling
                "ReadEndPoint.PortsList": [port],
            },
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        request.services.elasticache.delete_cache(f"replicationgroup:{current.physical_id}")


class SubnetGroupProvider(ResourceProvider):
    """AWS::ElastiCache::SubnetGroup: recorded (caches listen on loopback); Ref is the name."""

    resource_type = "AWS::ElastiCache::SubnetGroup"
    properties = frozenset({"CacheSubnetGroupName", "Description", "SubnetIds", "Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        if not request.properties.get("SubnetIds"):
            raise DeployError(f"{request.logical_id}: SubnetIds must name at least one subnet")
        name = str(request.properties.get("CacheSubnetGroupName") or request.physical_name(255)).lower()
        return ProviderResult(physical_id=name)

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if request.properties.get("CacheSubnetGroupName") != previous_properties.get("CacheSubnetGroupName"):
            return super().update(request, current, previous_properties)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        """Nothing runs for a subnet group."""


class ParameterGroupProvider(ResourceProvider):
    """AWS::ElastiCache::ParameterGroup: its `Properties` become the configuration of caches that name it."""

    resource_type = "AWS::ElastiCache::ParameterGroup"
    properties = frozenset({"CacheParameterGroupFamily", "Description", "Properties", "Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        name = request.physical_name(255).lower()
        parameters = {str(k): str(v) for k, v in (request.properties.get("Properties") or {}).items()}
        request.services.elasticache.put_parameter_group(name, parameters)
        return ProviderResult(physical_id=name)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        request.services.elasticache.remove_parameter_group(current.physical_id)


PROVIDERS: list[type[ResourceProvider]] = [
    ServerlessCacheProvider,
    CacheClusterProvider,
    ReplicationGroupProvider,
    SubnetGroupProvider,
    ParameterGroupProvider,
]
