"""The CloudFormation API of the local cloud (query protocol), over the engine.

Every CloudFormation request signed for "cloudformation" is answered here; an operation the local cloud
does not implement gets an `InvalidAction` error naming it, never moto's partial implementation.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from botocore.exceptions import ClientError

from fogbank.cloud.cloudformation.changesets import ChangeSetApi
from fogbank.cloud.cloudformation.errors import (
    AlreadyExistsError,
    CfnError,
    StackNotFoundError,
    TemplateValidationError,
)
from fogbank.cloud.cloudformation.graph import validate_references
from fogbank.cloud.cloudformation.prepare import Prepared, StackIdentity, prepare
from fogbank.cloud.cloudformation.reads import StackReadApi
from fogbank.cloud.cloudformation.store import Stack, now
from fogbank.cloud.cloudformation.template import Template, parse_template
from fogbank.cloud.cloudformation.validation import validate_template_properties
from fogbank.cloud.cloudformation.wire import members, response, scalar_members
from fogbank.cloud.router import AwsRequest, AwsResponse, query_error

if TYPE_CHECKING:
    from fogbank.cloud.cloudformation.component import CloudFormationComponent

__all__ = ["CloudFormationApi"]

_STACK_NAME = re.compile(r"^[a-zA-Z][-a-zA-Z0-9]{0,127}$")
_IAM_TYPES = {
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::User",
    "AWS::IAM::Group",
}
_IAM_NAMES = {"RoleName", "ManagedPolicyName", "UserName", "GroupName"}
_UPDATABLE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"}
_UPDATING = {  # DeleteStack is refused while an update runs (a create in progress may be deleted)
    "UPDATE_IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
}


class InsufficientCapabilities(CfnError):
    code = "InsufficientCapabilitiesException"


class CloudFormationApi:
    """Query-protocol handler: `handle(request)` answers every CloudFormation action."""

    def __init__(self, component: CloudFormationComponent) -> None:
        self.component = component
        self.store = component.store
        self.actions = {
            "CreateStack": self.create_stack,
            "UpdateStack": self.update_stack,
            "DeleteStack": self.delete_stack,
            "ValidateTemplate": self.validate_template,
        }
        self.actions.update(StackReadApi(self.store).actions)
        self.change_sets = ChangeSetApi(self)
        self.actions.update(self.change_sets.actions)

    def handle(self, request: AwsRequest) -> AwsResponse:
        form = {**{k: v[-1] for k, v in request.query.items() if v}, **request.form()}
        action = form.get("Action", "")
        operation = self.actions.get(action)
        if operation is None:
            return query_error(
                "InvalidAction",
                f"The local cloud's CloudFormation does not implement {action or 'this request'}; it supports "
                f"{', '.join(sorted(self.actions))}. Use one of those, or deploy to AWS",
            )
        try:
            result = operation(form, request)
        except CfnError as exc:
            return exc.render()
        return response(action, result, str(uuid.uuid4()))

    # -- templates ---------------------------------------------------------------------------------------
    def _template(self, form: dict[str, str], previous: Stack | None = None) -> Template:
        if form.get("UsePreviousTemplate", "").lower() == "true":
            if previous is None or previous.template is None:
                raise TemplateValidationError("UsePreviousTemplate is set, but the stack has no template")
            return previous.template
        if "TemplateBody" in form:
            return parse_template(form["TemplateBody"])
        if "TemplateURL" in form:
            return parse_template(self._fetch_template(form["TemplateURL"]))
        raise TemplateValidationError("Either Template URL or Template Body must be specified.")

    def _fetch_template(self, url: str) -> str:
        parsed = urlparse(url)
        host, path = parsed.hostname or "", unquote(parsed.path.lstrip("/"))
        if ".s3." in f".{host}" and not host.startswith("s3."):
            bucket, key = host.split(".s3", 1)[0], path
        else:
            bucket, _, key = path.partition("/")
        try:
            body = self.component.clients("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as exc:
            raise TemplateValidationError(
                f"TemplateURL must reference a valid S3 object to which you have access. ({url}: {exc})"
            ) from exc
        return str(body.decode("utf-8"))

    def _prepare(
        self, template: Template, stack: Stack, parameters: dict[str, str], form: dict[str, str]
    ) -> Prepared:
        """Parameters, conditions and graph; then pre-deployment property validation (unless DisableValidation)."""
        identity = StackIdentity(stack.name, stack.stack_id, stack.region, stack.account_id)
        prepared = prepare(template, parameters, identity, self.component.ssm_parameter)
        if form.get("DisableValidation", "").lower() != "true":
            validate_template_properties(template, prepared.active, prepared.parameters, prepared.conditions)
        return prepared

    @staticmethod
    def _check_capabilities(template: Template, capabilities: list[str]) -> None:
        iam = [r for r in template.resources.values() if r.type in _IAM_TYPES]
        if not iam:
            return
        named = any(_IAM_NAMES & set(r.properties) for r in iam)
        needed = "CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM"
        if needed not in capabilities and "CAPABILITY_NAMED_IAM" not in capabilities:
            raise InsufficientCapabilities(f"Requires capabilities : [{needed}]")

    # -- writes ------------------------------------------------------------------------------------------
    def create_stack(
        self, form: dict[str, str], request: AwsRequest, existing: Stack | None = None
    ) -> dict[str, Any]:
        """CreateStack; `existing` is the REVIEW_IN_PROGRESS stack of an executed CREATE change set."""
        name = form.get("StackName", "")
        if not _STACK_NAME.match(name):
            raise TemplateValidationError(
                f"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"
            )
        if existing is None and self.store.live(name) is not None:
            raise AlreadyExistsError(name)
        template = self._template(form)
        capabilities = scalar_members(form, "Capabilities")
        self._check_capabilities(template, capabilities)
        stack = existing or Stack.new(name, request.region, request.account_id)
        given = {p["ParameterKey"]: p.get("ParameterValue", "") for p in members(form, "Parameters")}
        prepared = self._prepare(template, stack, given, form)
        on_failure = form.get("OnFailure", "ROLLBACK")
        if form.get("DisableRollback", "").lower() == "true":
            on_failure = "DO_NOTHING"
        with (
            stack.lock
        ):  # an executed change set's stack is checked and claimed in one step (DeleteStack may win)
            if existing is not None and (stack.is_deleted or stack.status != "REVIEW_IN_PROGRESS"):
                raise StackNotFoundError(name)
            stack.template, stack.parameters, stack.resolved_parameters = (
                template,
                prepared.raw_parameters,
                prepared.parameters,
            )
            stack.prepared = prepared
            stack.capabilities, stack.disable_rollback = capabilities, on_failure == "DO_NOTHING"
            stack.tags = {t["Key"]: t.get("Value", "") for t in members(form, "Tags")}
            if existing is None:  # nobody else can hold a new stack's lock yet
                self.store.add(stack)  # AlreadyExistsError if a concurrent CreateStack of the name won
            stack.set_stack_status("CREATE_IN_PROGRESS", "User Initiated")
        self.component.run(stack, lambda: self.component.operations.create(stack, prepared, on_failure))
        return {"StackId": stack.stack_id}

    def update_stack(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        stack = self.store.find(form.get("StackName", ""))
        if stack.status not in _UPDATABLE:
            raise TemplateValidationError(
                f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."
            )
        template = self._template(form, stack)
        capabilities = scalar_members(form, "Capabilities") or stack.capabilities
        self._check_capabilities(template, capabilities)
        given: dict[str, str] = {}
        for parameter in members(form, "Parameters"):
            key = parameter["ParameterKey"]
            if parameter.get("UsePreviousValue", "").lower() == "true":
                if key not in stack.parameters:
                    raise TemplateValidationError(
                        f"Invalid input for parameter key {key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template"
                    )
                given[key] = stack.parameters[key]
            else:
                given[key] = parameter.get("ParameterValue", "")
        prepared = self._prepare(template, stack, given, form)
        with stack.lock:  # checked again and claimed in one step: of two updates at once, one runs
            if stack.delete_requested:  # a DeleteStack waits for the create in progress: it is being deleted
                raise TemplateValidationError(
                    f"Stack:{stack.stack_id} is in DELETE_IN_PROGRESS state and can not be updated."
                )
            if stack.status not in _UPDATABLE:
                raise TemplateValidationError(
                    f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."
                )
            previous: Prepared = stack.prepared
            if template.body == previous.template.body and prepared.raw_parameters == previous.raw_parameters:
                raise TemplateValidationError("No updates are to be performed.")
            snapshot = {"outputs": list(stack.outputs)}
            stack.updated = now()
            stack.template, stack.parameters = template, prepared.raw_parameters
            stack.resolved_parameters, stack.prepared, stack.capabilities = (
                prepared.parameters,
                prepared,
                capabilities,
            )
            stack.set_stack_status("UPDATE_IN_PROGRESS", "User Initiated")
        self.component.run(
            stack, lambda: self.component.operations.update(stack, prepared, (previous, snapshot))
        )
        return {"StackId": stack.stack_id}

    def delete_stack(self, form: dict[str, str], request: AwsRequest) -> None:
        try:
            stack = self.store.find(form.get("StackName", ""))
        except CfnError:
            return None  # AWS answers success for a stack that does not exist
        with stack.lock:  # checked and claimed in one step, as UpdateStack claims it
            if stack.is_deleted or stack.status == "DELETE_IN_PROGRESS":
                return None
            if stack.delete_requested and stack.status != "DELETE_FAILED":
                return None  # a delete already waits for the operation in progress: one is enough
            if stack.status in _UPDATING:
                raise TemplateValidationError(
                    f"Stack [{form.get('StackName', '')}] cannot be deleted while in status {stack.status}"
                )
            review = stack.status == "REVIEW_IN_PROGRESS"  # only change sets so far: nothing to delete
            if review:
                stack.set_stack_status("DELETE_COMPLETE")
                stack.deleted = now()
            elif not stack.in_progress:  # waiters polling right away must not see the previous final status
                stack.set_stack_status("DELETE_IN_PROGRESS", "User Initiated")
            stack.delete_requested = True  # runs after the create in progress; no update may start before it
        if review:
            self.change_sets.discard_for(stack)
            return None
        self.component.run(stack, lambda: self.component.operations.delete(stack, stack.prepared))
        return None

    def validate_template(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        template = self._template(form)
        validate_references(template)
        capabilities: list[str] = []
        try:
            self._check_capabilities(template, [])
        except InsufficientCapabilities as exc:
            capabilities = [exc.message.split("[")[1].rstrip("]")]
        return {
            "Parameters": [
                {
                    "ParameterKey": p.name,
                    "DefaultValue": p.default,
                    "NoEcho": p.no_echo,
                    "Description": p.description or None,
                }
                for p in template.parameters.values()
            ],
            "Description": template.description,
            "Capabilities": capabilities or None,
            "CapabilitiesReason": "The following resource(s) require capabilities: IAM"
            if capabilities
            else None,
        }
