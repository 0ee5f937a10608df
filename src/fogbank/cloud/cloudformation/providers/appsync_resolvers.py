"""AppSync data sources, resolvers and functions (AWS::AppSync::DataSource, Resolver, FunctionConfiguration).

The local cloud runs direct Lambda resolvers and functions (no mapping templates, no code): UNIT resolvers on
an AWS_LAMBDA data source, with MaxBatchSize for BatchInvoke, and PIPELINE resolvers whose functions are
direct Lambda functions. A pipeline's own before/after step may be the pass-through AppSync's guides and the
CDK examples use (APPSYNC_JS `request` returning `{}` and `response` returning `ctx.prev.result`, or the VTL
`{}` / `$util.toJson($ctx.prev.result)`). Any other template or code is refused, naming the resource:
the local cloud does not run VTL or APPSYNC_JS.

Example:
    >>> is_pass_through_code("export function request(ctx) { return {}; }\\n"
    ...                      "export function response(ctx) { return ctx.prev.result; }")
    True
"""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

from fogbank.cloud.appsync.model import DataSourceModel, FunctionModel, GraphqlApiModel, ResolverModel
from fogbank.cloud.cloudformation.providers.appsync import served_api
from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.errors import DeployError

__all__ = [
    "PROVIDERS",
    "DataSourceProvider",
    "FunctionConfigurationProvider",
    "ResolverProvider",
    "is_pass_through_code",
]

_CODE_REQUEST = re.compile(r"export\s+function\s+request\s*\(\s*ctx\s*\)\s*\{\s*return\s*\{\s*\}\s*;?\s*\}")
_CODE_RESPONSE = re.compile(
    r"export\s+function\s+response\s*\(\s*ctx\s*\)\s*\{\s*return\s+ctx\.prev\.result\s*;?\s*\}"
)
_VTL_REQUEST = re.compile(r"^\s*\{\s*\}\s*$")
_VTL_RESPONSE = re.compile(r"^\s*\$utils?\.toJson\(\s*\$(ctx|context)\.prev\.result\s*\)\s*$")
_UNSUPPORTED_RESOLVER_KEYS = (
    "RequestMappingTemplateS3Location",
    "ResponseMappingTemplateS3Location",
    "CodeS3Location",
)


def is_pass_through_code(code: str) -> bool:
    """Whether APPSYNC_JS `code` is exactly the pipeline pass-through (request `{}`, response prev.result)."""
    remainder = _CODE_RESPONSE.sub("", _CODE_REQUEST.sub("", code, count=1), count=1)
    return code != remainder and not remainder.strip() and bool(_CODE_REQUEST.search(code))


def _new_id() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(26))


class DataSourceProvider(ResourceProvider):
    """AWS::AppSync::DataSource of Type AWS_LAMBDA or NONE; Ref and GetAtt DataSourceArn, Name."""

    resource_type = "AWS::AppSync::DataSource"
    properties = frozenset({"ApiId", "Name", "Type", "Description", "LambdaConfig", "ServiceRoleArn"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        return self._put(request, replace=False)

    def _put(self, request: ProviderRequest, *, replace: bool) -> ProviderResult:
        props = request.properties
        api = served_api(request, props["ApiId"])
        kind = props.get("Type")
        if kind == "AWS_LAMBDA":
            function_arn = (props.get("LambdaConfig") or {}).get("LambdaFunctionArn")
            if not function_arn:
                raise DeployError(
                    f"{request.logical_id}: an AWS_LAMBDA data source needs LambdaConfig.LambdaFunctionArn"
                )
            model = DataSourceModel(props["Name"], "AWS_LAMBDA", str(function_arn))
        elif kind == "NONE":
            model = DataSourceModel(props["Name"], "NONE")
        else:
            raise DeployError(
                f"{request.logical_id}: data source Type {kind!r} is not supported by the local cloud's AppSync "
                "(AWS_LAMBDA and NONE are); test this API against AWS"
            )
        with api.lock:
            if model.name in api.data_sources and not replace:
                raise DeployError(
                    f"{request.logical_id}: a data source named {model.name} already exists in {api.api_id}"
                )
            api.data_sources[model.name] = model
        arn = f"{api.arn}/datasources/{model.name}"
        return ProviderResult(physical_id=arn, attributes={"DataSourceArn": arn, "Name": model.name})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if any(request.properties.get(k) != previous_properties.get(k) for k in ("ApiId", "Name")):
            return super().update(request, current, previous_properties)
        return self._put(request, replace=True)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        api = request.services.appsync.api(request.properties["ApiId"])
        if api is not None:
            with api.lock:
                api.data_sources.pop(request.properties["Name"], None)


def _lambda_source(request: ProviderRequest, api: GraphqlApiModel, name: Any) -> str:
    source = api.data_sources.get(str(name))
    if source is None:
        raise DeployError(
            f"{request.logical_id}: no data source named {name} in API {api.api_id}; create it first"
        )
    if source.type != "AWS_LAMBDA":
        raise DeployError(
            f"{request.logical_id}: data source {name} is of type {source.type}; the local cloud runs direct Lambda "
            "resolvers only (a NONE data source needs mapping templates or code, which are not run locally)"
        )
    return source.name


def _refuse_templates(request: ProviderRequest, what: str) -> None:
    props = request.properties
    for key in (*_UNSUPPORTED_RESOLVER_KEYS, "RequestMappingTemplate", "ResponseMappingTemplate", "Code"):
        if props.get(key):
            raise DeployError(
                f"{request.logical_id}: {key} is not run by the local cloud ({what} must be a direct Lambda "
                "resolver: no mapping templates, no code); remove it, or test this resolver against AWS"
            )


def _check_pipeline_step(request: ProviderRequest) -> None:
    props = request.properties
    for key in _UNSUPPORTED_RESOLVER_KEYS:
        if props.get(key):
            raise DeployError(f"{request.logical_id}: {key} is not supported by the local cloud's AppSync")
    code = props.get("Code")
    if code is not None and not is_pass_through_code(str(code)):
        raise DeployError(
            f"{request.logical_id}: the pipeline's APPSYNC_JS Code is not run by the local cloud; only the pass-through "
            "(request returns {}, response returns ctx.prev.result) is supported"
        )
    request_template, response_template = (
        props.get("RequestMappingTemplate"),
        props.get("ResponseMappingTemplate"),
    )
    if request_template is not None and not _VTL_REQUEST.match(str(request_template)):
        raise DeployError(
            f"{request.logical_id}: the pipeline's RequestMappingTemplate must be '{{}}' on the local cloud"
        )
    if response_template is not None and not _VTL_RESPONSE.match(str(response_template)):
        raise DeployError(
            f"{request.logical_id}: the pipeline's ResponseMappingTemplate must be '$util.toJson($ctx.prev.result)' "
            "on the local cloud"
        )


class ResolverProvider(ResourceProvider):
    """AWS::AppSync::Resolver (UNIT direct Lambda or PIPELINE); Ref and GetAtt ResolverArn, TypeName, FieldName."""

    resource_type = "AWS::AppSync::Resolver"
    properties = frozenset(
        {
            "ApiId",
            "TypeName",
            "FieldName",
            "Kind",
            "DataSourceName",
            "PipelineConfig",
            "MaxBatchSize",
            "RequestMappingTemplate",
            "ResponseMappingTemplate",
            "RequestMappingTemplateS3Location",
            "ResponseMappingTemplateS3Location",
            "Code",
            "CodeS3Location",
            "Runtime",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        api = served_api(request, props["ApiId"])
        type_name, field_name = str(props["TypeName"]), str(props["FieldName"])
        self._check_field(request, api, type_name, field_name)
        kind = props.get("Kind", "UNIT")
        batch = int(str(props.get("MaxBatchSize", 0)))
        if not 0 <= batch <= 2000:
            raise DeployError(f"{request.logical_id}: MaxBatchSize must be between 0 and 2000, got {batch}")
        if kind == "UNIT":
            _refuse_templates(request, "a UNIT resolver")
            source = _lambda_source(request, api, props.get("DataSourceName"))
            model = ResolverModel(type_name, field_name, "UNIT", data_source=source, max_batch_size=batch)
        elif kind == "PIPELINE":
            _check_pipeline_step(request)
            functions = tuple(str(f) for f in (props.get("PipelineConfig") or {}).get("Functions") or [])
            unknown = [f for f in functions if f not in api.functions]
            if not functions or unknown:
                raise DeployError(
                    f"{request.logical_id}: a PIPELINE resolver needs PipelineConfig.Functions of this API's functions"
                    + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                )
            model = ResolverModel(type_name, field_name, "PIPELINE", functions=functions)
        else:
            raise DeployError(f"{request.logical_id}: Kind must be UNIT or PIPELINE, got {kind!r}")
        with api.lock:
            api.resolvers[(type_name, field_name)] = model
        arn = f"{api.arn}/types/{type_name}/resolvers/{field_name}"
        return ProviderResult(
            physical_id=arn, attributes={"ResolverArn": arn, "TypeName": type_name, "FieldName": field_name}
        )

    @staticmethod
    def _check_field(request: ProviderRequest, api: GraphqlApiModel, type_name: str, field_name: str) -> None:
        schema = api.schema
        if schema is None:
            raise DeployError(
                f"{request.logical_id}: API {api.api_id} has no schema yet; create the GraphQLSchema first"
            )
        graphql_type = schema.type_map.get(type_name)
        fields = getattr(graphql_type, "fields", None)
        if graphql_type is None or fields is None or field_name not in fields:
            raise DeployError(f"{request.logical_id}: No field named {field_name} found on type {type_name}")

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if any(
            request.properties.get(k) != previous_properties.get(k)
            for k in ("ApiId", "TypeName", "FieldName")
        ):
            return super().update(request, current, previous_properties)
        return self.create(request)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        api = request.services.appsync.api(request.properties["ApiId"])
        if api is not None:
            with api.lock:
                api.resolvers.pop(
                    (str(request.properties["TypeName"]), str(request.properties["FieldName"])), None
                )


class FunctionConfigurationProvider(ResourceProvider):
    """AWS::AppSync::FunctionConfiguration (a direct Lambda function); GetAtt FunctionId, FunctionArn, Name."""

    resource_type = "AWS::AppSync::FunctionConfiguration"
    properties = frozenset(
        {
            "ApiId",
            "Name",
            "DataSourceName",
            "Description",
            "FunctionVersion",
            "MaxBatchSize",
            "RequestMappingTemplate",
            "ResponseMappingTemplate",
            "RequestMappingTemplateS3Location",
            "ResponseMappingTemplateS3Location",
            "Code",
            "CodeS3Location",
            "Runtime",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        api = served_api(request, props["ApiId"])
        _refuse_templates(request, "a function")
        source = _lambda_source(request, api, props.get("DataSourceName"))
        function_id = _new_id()
        model = FunctionModel(function_id, str(props["Name"]), source, int(str(props.get("MaxBatchSize", 0))))
        with api.lock:
            api.functions[function_id] = model
        arn = f"{api.arn}/functions/{function_id}"
        return ProviderResult(
            physical_id=arn,
            attributes={
                "FunctionId": function_id,
                "FunctionArn": arn,
                "Name": model.name,
                "DataSourceName": source,
            },
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        api = request.services.appsync.api(request.properties["ApiId"])
        if api is not None:
            with api.lock:
                api.functions.pop(str(current.attributes["FunctionId"]), None)


PROVIDERS: list[type[ResourceProvider]] = [
    DataSourceProvider,
    ResolverProvider,
    FunctionConfigurationProvider,
]
