"""AWS::Logs::SubscriptionFilter: a log group's events sent to a Lambda function, through PutSubscriptionFilter.

The filter is put through the CloudWatch Logs API, so what that API checks holds here as on AWS: a function
whose policy does not allow `logs.amazonaws.com` from the group fails the resource with AWS's own message
(CDK's `LambdaDestination` adds the AWS::Lambda::Permission). The group's events reach the function as AWS
sends them (`awslogs.data`, gzipped and base64-encoded), only those the FilterPattern matches. Ref is the
filter's name. Destinations other than a Lambda function (Kinesis, Firehose, a cross-account destination) are
refused naming the DestinationArn, and so are RoleArn, Distribution and the field-selection properties.

Example:
    >>> SubscriptionFilterProvider.resource_type
    'AWS::Logs::SubscriptionFilter'
"""

from __future__ import annotations

from typing import Any

from fogbank.cloud.cloudformation.providers.base import (
    NeedsReplacement,
    ProviderRequest,
    ProviderResult,
    ResourceProvider,
)
from fogbank.cloud.cloudformation.providers.common import ignore_missing
from fogbank.cloud.telemetry.filter_pattern import FilterPatternError, compile_filter_pattern
from fogbank.errors import DeployError

__all__ = ["PROVIDERS", "SubscriptionFilterProvider"]


class SubscriptionFilterProvider(ResourceProvider):
    """AWS::Logs::SubscriptionFilter to a Lambda function; Ref is the filter name."""

    resource_type = "AWS::Logs::SubscriptionFilter"
    properties = frozenset({"DestinationArn", "FilterPattern", "LogGroupName", "FilterName"})

    def _put(self, request: ProviderRequest, name: str) -> None:
        props = request.properties
        destination = str(props["DestinationArn"])
        if destination.split(":")[2:3] != ["lambda"]:
            raise DeployError(
                f"{request.logical_id}: DestinationArn {destination!r} is not a Lambda function, the one "
                "subscription destination the local cloud delivers to (Kinesis, Firehose and cross-account "
                "destinations are not supported); test this filter against AWS"
            )
        pattern = str(props.get("FilterPattern") or "")
        try:
            compile_filter_pattern(pattern)
        except FilterPatternError as exc:
            raise DeployError(f"{request.logical_id}: FilterPattern: {exc}") from None
        request.client("logs").put_subscription_filter(
            logGroupName=str(props["LogGroupName"]),
            filterName=name,
            filterPattern=pattern,
            destinationArn=destination,
        )

    def create(self, request: ProviderRequest) -> ProviderResult:
        name = str(request.properties.get("FilterName") or request.physical_name(512))
        self._put(request, name)
        return ProviderResult(physical_id=name, attributes={})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        for key in ("FilterName", "LogGroupName"):
            if request.properties.get(key) != previous_properties.get(key):
                raise NeedsReplacement(key)
        self._put(request, current.physical_id)  # PutSubscriptionFilter replaces a filter of the same name
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.client("logs").delete_subscription_filter(
                logGroupName=str(request.properties["LogGroupName"]), filterName=current.physical_id
            )


PROVIDERS: list[type[ResourceProvider]] = [SubscriptionFilterProvider]
