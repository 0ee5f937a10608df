"""Execute a GraphQL request against a deployed API with graphql-core: resolvers, batching, field auth.

Fields with a resolver call their Lambda data source directly (the direct Lambda resolver event); a
resolver with MaxBatchSize collects the sibling fields of one list into BatchInvoke events; PIPELINE
resolvers run their functions in order, each seeing the previous one's result in `prev.result`. Fields
without a resolver take the parent's property of the same name. A failed field is null with an error;
the rest of the data stays (partial data), as on AppSync.

Example (a Python class plays the Lambda function behind the ResolverInvoker protocol):
    >>> import json
    >>> from fogbank.cloud.appsync.model import DataSourceModel, ResolverModel
    >>> from fogbank.cloud.appsync.schema import build_appsync_schema
    >>> api = GraphqlApiModel("abc", "demo", "us-east-1", "123456789012", auth_modes=("API_KEY",))
    >>> api.schema = build_appsync_schema("type Query { hello(name: String): String }")
    >>> api.data_sources["fn"] = DataSourceModel("fn", "AWS_LAMBDA", "arn:fn")
    >>> api.resolvers[("Query", "hello")] = ResolverModel("Query", "hello", "UNIT", data_source="fn")
    >>> class Greeter:
    ...     def invoke(self, function, payload):
    ...         event = json.loads(payload)  # AppSync's direct Lambda resolver event
    ...         return InvokeResult(200, json.dumps(f"hi {event['arguments']['name']}").encode())
    >>> request = GraphqlRequest('{ hello(name: "ann") }')
    >>> GraphqlExecutor(api, Greeter()).execute(request, "API_KEY", RequestContext(None, {}))
    {'data': {'hello': 'hi ann'}}
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLResolveInfo,
    execute,
    parse,
    validate,
)

from fogbank.cloud.appsync.errors import FieldError, format_error
from fogbank.cloud.appsync.events import RequestContext, direct_lambda_event
from fogbank.cloud.appsync.model import GraphqlApiModel, ResolverModel
from fogbank.cloud.appsync.scalars import AUTH_DIRECTIVES
from fogbank.cloud.lambda_.api import InvokeResult

__all__ = ["GraphqlExecutor", "GraphqlRequest", "ResolverInvoker"]


class ResolverInvoker(Protocol):
    """The in-process Lambda Invoke (RequestResponse) that resolvers use."""

    def invoke(self, function: str, payload: bytes) -> InvokeResult: ...


@dataclass(frozen=True)
class GraphqlRequest:
    """The POST body: `query`, `variables` and `operationName`."""

    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None


class GraphqlExecutor:
    """Runs requests against one API (its schema, resolvers and data sources as they are now)."""

    def __init__(self, api: GraphqlApiModel, invoker: ResolverInvoker) -> None:
        self._api = api
        self._invoker = invoker

    def execute(self, request: GraphqlRequest, auth_mode: str, context: RequestContext) -> dict[str, Any]:
        """The GraphQL response body: `data` and, when something failed, `errors`."""
        schema = self._api.schema
        if schema is None:
            return {"data": None, "errors": [{"errorType": "BadRequestException", "message": "No schema"}]}
        try:
            document = parse(request.query)
        except GraphQLError as exc:
            return {"data": None, "errors": [format_error(exc)]}
        problems = validate(schema, document)
        if problems:
            return {"data": None, "errors": [format_error(problem) for problem in problems]}
        context = dataclasses.replace(context, variables=request.variables or {})
        run = _Run(self._api, self._invoker, auth_mode, context)
        result = asyncio.run(run.execute(document, request))
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(error) for error in result.errors]
        return body


class _Run:
    """One request's execution: the field resolver, and the batches being collected."""

    def __init__(
        self, api: GraphqlApiModel, invoker: ResolverInvoker, auth_mode: str, context: RequestContext
    ) -> None:
        self._api = api
        self._invoker = invoker
        self._auth_mode = auth_mode
        self._context = context
        self._flushes: set[asyncio.Future[None]] = set()
        self._batches: dict[tuple[str, str], list[tuple[dict[str, Any], asyncio.Future[Any]]]] = {}

    async def execute(self, document: Any, request: GraphqlRequest) -> ExecutionResult:
        assert self._api.schema is not None
        outcome = execute(
            self._api.schema,
            document,
            field_resolver=self.resolve,
            variable_values=request.variables,
            operation_name=request.operation_name,
        )
        if inspect.isawaitable(outcome):
            return await outcome
        return outcome

    def resolve(self, source: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
        self._authorize(info)
        resolver = self._api.resolvers.get((info.parent_type.name, info.field_name))
        if resolver is None:
            return source.get(info.field_name) if isinstance(source, Mapping) else None
        root_source = source if isinstance(source, Mapping) else None
        if resolver.kind == "PIPELINE":
            return self._pipeline(resolver, info, arguments, root_source)
        function_arn = self._function_arn(resolver.data_source)
        event = direct_lambda_event(info, arguments, root_source, self._context)
        if resolver.max_batch_size > 0:
            return self._enqueue(resolver, function_arn, event)
        return self._invoke(function_arn, event)

    def _authorize(self, info: GraphQLResolveInfo[Any]) -> None:
        field = info.parent_type.fields[info.field_name]
        modes = _auth_modes(field.ast_node) or _auth_modes(info.parent_type.ast_node)
        allowed = modes or {self._api.default_auth_mode}
        if self._auth_mode not in allowed:
            raise FieldError(
                "Unauthorized", f"Not Authorized to access {info.field_name} on type {info.parent_type.name}"
            )

    def _function_arn(self, data_source_name: str | None) -> str:
        data_source = self._api.data_sources.get(data_source_name or "")
        if data_source is None or data_source.function_arn is None:
            raise FieldError(
                "BadRequestException", f"Data source {data_source_name} is not a Lambda data source"
            )
        return data_source.function_arn

    async def _pipeline(
        self, resolver: ResolverModel, info: GraphQLResolveInfo[Any], arguments: dict[str, Any], source: Any
    ) -> Any:
        previous: Any = {}  # what the resolver's request step (`return {}`) hands to the first function
        stash: dict[str, Any] = {}
        for function_id in resolver.functions:
            function = self._api.functions[function_id]
            event = direct_lambda_event(
                info, arguments, source, self._context, prev={"result": previous}, stash=stash
            )
            previous = await self._invoke(self._function_arn(function.data_source), event)
        return previous

    async def _invoke(self, function_arn: str, event: Any) -> Any:
        payload = json.dumps(event, separators=(",", ":")).encode()
        result = await asyncio.to_thread(self._invoker.invoke, function_arn, payload)
        return _answer(result)

    def _enqueue(self, resolver: ResolverModel, function_arn: str, event: dict[str, Any]) -> Any:
        key = (resolver.type_name, resolver.field_name)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        pending = self._batches.setdefault(key, [])
        if not pending:  # the first sibling: flush once every sibling of this pass has been queued
            loop.call_soon(self._start_flush, key, function_arn, resolver.max_batch_size)
        pending.append((event, future))
        return future

    def _start_flush(self, key: tuple[str, str], function_arn: str, max_batch_size: int) -> None:
        task = asyncio.ensure_future(self._flush(key, function_arn, max_batch_size))
        self._flushes.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._flushes.discard)

    async def _flush(self, key: tuple[str, str], function_arn: str, max_batch_size: int) -> None:
        pending = self._batches.pop(key, [])
        chunks = [pending[i : i + max_batch_size] for i in range(0, len(pending), max_batch_size)]
        await asyncio.gather(*(self._invoke_batch(function_arn, chunk) for chunk in chunks))

    async def _invoke_batch(
        self, function_arn: str, chunk: list[tuple[dict[str, Any], asyncio.Future[Any]]]
    ) -> None:
        try:
            answer = await self._invoke(function_arn, [event for event, _ in chunk])
            if not isinstance(answer, list) or len(answer) != len(chunk):
                raise FieldError(
                    "Lambda:Unhandled",
                    f"BatchInvoke expects a list of {len(chunk)} results, one per event; the function returned "
                    f"{type(answer).__name__}" + (f" of {len(answer)}" if isinstance(answer, list) else ""),
                )
        except FieldError as error:
            for _, future in chunk:
                future.set_exception(FieldError(error.error_type, error.message))
            return
        for (_, future), item in zip(chunk, answer, strict=True):
            future.set_result(item)


def _answer(result: InvokeResult) -> Any:
    """The function's result, or the FieldError AppSync reports for a failed invocation."""
    text = result.payload.decode("utf-8", "replace")
    if not 200 <= result.status < 300:
        raise FieldError(f"Lambda:{result.error_code or 'ServiceException'}", _message(text))
    if result.function_error is not None:
        raise FieldError("Lambda:Unhandled", _message(text))
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        raise FieldError("Lambda:Unhandled", "Error while de-serializing lambda response payload") from None


def _message(text: str) -> str:
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return text
    if isinstance(document, dict):
        return str(document.get("errorMessage") or document.get("message") or document.get("Message") or text)
    return text


def _auth_modes(node: Any) -> set[str]:
    """The auth modes an @aws_* directive on a type or field definition allows (empty: none named)."""
    directives = getattr(node, "directives", None) or ()
    return {AUTH_DIRECTIVES[d.name.value] for d in directives if d.name.value in AUTH_DIRECTIVES}
