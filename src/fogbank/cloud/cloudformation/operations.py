"""Stack operations: create (with rollback), update (with cleanup or rollback) and delete.

Each runs on its own thread (started by the component); resources go through the dependency graph with
`run_graph`, independent ones concurrently. Statuses and events follow CloudFormation's.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from fogbank.cloud.cloudformation.errors import ResourceFailure
from fogbank.cloud.cloudformation.graph import build_graph
from fogbank.cloud.cloudformation.prepare import Prepared
from fogbank.cloud.cloudformation.resources import ResourceActions
from fogbank.cloud.cloudformation.scheduler import run_graph
from fogbank.cloud.cloudformation.store import Stack, StackResource, StackStore, now

if TYPE_CHECKING:
    from fogbank.cloud.contracts import ProviderServices

__all__ = ["StackOperations"]


class StackOperations:
    """The create / update / delete flows for the stacks of one store."""

    def __init__(
        self,
        services: ProviderServices,
        store: StackStore,
        cancelled: threading.Event,
        pool: Executor,
    ) -> None:
        self.pool = pool
        self.services = services
        self.store = store
        self.cancelled = cancelled

    def _actions(
        self, stack: Stack, prepared: Prepared, collected: set[str] | None = None
    ) -> ResourceActions:
        return ResourceActions(self.services, stack, prepared, self._importer(stack, collected))

    def _importer(self, stack: Stack, collected: set[str] | None = None) -> Callable[[str], str]:
        """Fn::ImportValue for `stack`: the export's value; the name joins the stack's imports (and
        `collected`, the imports of the template an update is bringing in)."""

        def import_value(name: str) -> str:
            exports = self.store.exports()
            if name not in exports:
                raise ResourceFailure(f"No export named {name} found.")
            with stack.lock:
                stack.imports.add(name)
                if collected is not None:
                    collected.add(name)
            return exports[name][0]

        return import_value

    # -- create ------------------------------------------------------------------------------------------
    def create(self, stack: Stack, prepared: Prepared, on_failure: str) -> None:
        """CREATE_IN_PROGRESS -> CREATE_COMPLETE, or CREATE_FAILED / ROLLBACK_COMPLETE / DELETE_COMPLETE."""
        actions = self._actions(stack, prepared)
        outcome = run_graph(
            prepared.graph.dependencies, actions.create, cancelled=self.cancelled, pool=self.pool
        )
        failure = _first_failure(outcome.failed, outcome.not_started, self.cancelled)
        if failure is None:
            failure = self._outputs(stack, actions)
        if failure is None:
            stack.set_stack_status("CREATE_COMPLETE")
            return
        for logical_id, resource in stack.resources.items():
            if resource.status == "CREATE_IN_PROGRESS" or logical_id in outcome.not_started:
                stack.set_resource_status(resource, "CREATE_FAILED", "Resource creation cancelled")
        failed = sorted(outcome.failed)
        summary = f"The following resource(s) failed to create: [{', '.join(failed)}]. " if failed else ""
        if on_failure == "DO_NOTHING":
            stack.set_stack_status("CREATE_FAILED", summary + failure)
            return
        stack.set_stack_status("ROLLBACK_IN_PROGRESS", summary + failure + " Rollback requested by user.")
        deleted = self._delete_resources(stack, prepared, rollback_of_create=True)
        if not deleted:
            stack.set_stack_status(
                "ROLLBACK_FAILED", "The following resource(s) failed to delete during rollback."
            )
            return
        stack.set_stack_status("ROLLBACK_COMPLETE")
        if on_failure == "DELETE":
            self._finish_delete(stack)

    # -- update ------------------------------------------------------------------------------------------
    def update(self, stack: Stack, prepared: Prepared, previous: tuple[Prepared, dict[str, Any]]) -> None:
        """UPDATE_IN_PROGRESS -> UPDATE_COMPLETE, or UPDATE_ROLLBACK_COMPLETE."""
        old_prepared, old_snapshot = previous
        with stack.lock:
            old_imports = set(stack.imports)  # both old and new imports hold while the update runs
        new_imports: set[str] = set()
        actions = self._actions(stack, prepared, new_imports)
        replaced: dict[str, StackResource] = {}
        created: list[str] = []
        changed: list[str] = []

        def apply(logical_id: str) -> None:
            if logical_id in stack.resources and stack.resources[logical_id].result is not None:
                if actions.update(logical_id, replaced):
                    changed.append(logical_id)
            else:
                actions.create(logical_id)
                created.append(logical_id)

        outcome = run_graph(prepared.graph.dependencies, apply, cancelled=self.cancelled, pool=self.pool)
        failure = _first_failure(outcome.failed, outcome.not_started, self.cancelled)
        if failure is None:
            failure = self._outputs(stack, actions)
        if failure is None:
            stack.set_stack_status("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
            removed = {lid: r for lid, r in stack.resources.items() if lid not in prepared.active}
            self._delete_set(stack, prepared, removed, old_prepared)
            for old in replaced.values():
                old.deletion_policy = old.update_replace_policy
                self._try_delete(actions, old)
            with stack.lock:
                for logical_id in removed:
                    stack.resources.pop(logical_id, None)
                stack.imports = new_imports  # an export the new template no longer imports is free again
            stack.set_stack_status("UPDATE_COMPLETE")
            return
        stack.set_stack_status("UPDATE_ROLLBACK_IN_PROGRESS", failure)
        old_actions = self._actions(stack, old_prepared)
        for logical_id in reversed(created):
            new = stack.resources.get(logical_id)
            if new is not None:
                self._try_delete(actions, new, rollback_of_create=True)
            with stack.lock:
                if logical_id in replaced:
                    stack.resources[logical_id] = replaced.pop(logical_id)
                else:
                    stack.resources.pop(logical_id, None)
        for logical_id in reversed(changed):
            if logical_id in replaced:  # updated into a new physical resource: delete it, keep the old one
                self._try_delete(actions, stack.resources[logical_id], rollback_of_create=True)
                with stack.lock:
                    stack.resources[logical_id] = restored = replaced.pop(logical_id)
                stack.set_resource_status(restored, "UPDATE_COMPLETE")
                continue
            if logical_id in stack.resources and logical_id in old_prepared.template.resources:
                with contextlib.suppress(ResourceFailure):  # the event names the resource and the cause
                    old_actions.update(logical_id, {})
        with stack.lock:
            stack.prepared = old_prepared  # the next UpdateStack compares against what is deployed again
            stack.template, stack.parameters = old_prepared.template, old_prepared.raw_parameters
            stack.resolved_parameters, stack.outputs = old_prepared.parameters, old_snapshot["outputs"]
            stack.imports = old_imports
        stack.set_stack_status("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        stack.set_stack_status("UPDATE_ROLLBACK_COMPLETE")

    # -- delete ------------------------------------------------------------------------------------------
    def delete(self, stack: Stack, prepared: Prepared) -> None:
        """DELETE_IN_PROGRESS -> DELETE_COMPLETE, or DELETE_FAILED naming what could not be deleted."""
        if (
            stack.is_deleted
        ):  # the create it waited for failed with OnFailure=DELETE: nothing is left to delete
            return
        if stack.status != "DELETE_IN_PROGRESS":
            stack.set_stack_status("DELETE_IN_PROGRESS", "User Initiated")
        users = self._importers_of(stack)
        if users:
            stack.set_stack_status("DELETE_FAILED", users)
            return
        if not self._delete_resources(stack, prepared):
            failed = [lid for lid, r in stack.resources.items() if r.status == "DELETE_FAILED"]
            stack.set_stack_status(
                "DELETE_FAILED", f"The following resource(s) failed to delete: [{', '.join(failed)}]. "
            )
            return
        self._finish_delete(stack)

    def _finish_delete(self, stack: Stack) -> None:
        with stack.lock:
            stack.outputs = []
            stack.deleted = now()
        stack.set_stack_status("DELETE_COMPLETE")

    def _importers_of(self, stack: Stack) -> str | None:
        in_use = self._exports_in_use(stack)
        for name in sorted(in_use):
            return f"Export {name} cannot be deleted as it is in use by {in_use[name][0]}"
        return None

    def _exports_in_use(self, stack: Stack) -> dict[str, list[str]]:
        """Each of `stack`'s exports that another live stack imports -> those stacks' names, sorted."""
        mine = {o["ExportName"] for o in stack.outputs if o.get("ExportName")}
        users: dict[str, list[str]] = {}
        for other in self.store.all():
            if other is stack or other.is_deleted:
                continue
            for name in mine & other.imports:
                users.setdefault(name, []).append(other.name)
        return {name: sorted(names) for name, names in users.items()}

    def _delete_resources(
        self, stack: Stack, prepared: Prepared, *, rollback_of_create: bool = False
    ) -> bool:
        return self._delete_set(stack, prepared, dict(stack.resources), prepared, rollback_of_create)

    def _delete_set(
        self,
        stack: Stack,
        prepared: Prepared,
        resources: dict[str, StackResource],
        graph_source: Prepared,
        rollback_of_create: bool = False,
    ) -> bool:
        """Delete `resources` in reverse dependency order: each waits for its dependants to be gone."""
        graph = build_graph(graph_source.template, set(resources) & set(graph_source.template.resources))
        waits_for: dict[str, set[str]] = {lid: set() for lid in resources} | graph.dependants
        waits_for = {lid: needs & set(resources) for lid, needs in waits_for.items() if lid in resources}
        actions = self._actions(stack, prepared)
        outcome = run_graph(
            waits_for,
            lambda lid: actions.delete(resources[lid], rollback_of_create=rollback_of_create),
            keep_going=True,
            pool=self.pool,
        )
        return not outcome.failed and not outcome.not_started

    @staticmethod
    def _try_delete(
        actions: ResourceActions, resource: StackResource, rollback_of_create: bool = False
    ) -> None:
        with contextlib.suppress(ResourceFailure):  # recorded as DELETE_FAILED with its cause
            actions.delete(resource, rollback_of_create=rollback_of_create)

    # -- outputs -----------------------------------------------------------------------------------------
    def _outputs(self, stack: Stack, actions: ResourceActions) -> str | None:
        """Resolve Outputs and Exports; the failure reason, or None."""
        resolver = actions.resolver()
        outputs: list[dict[str, str]] = []
        exports = self.store.exports()
        try:
            for name, output in actions.prepared.template.outputs.items():
                if output.condition is not None and not actions.prepared.conditions.get(
                    output.condition, False
                ):
                    continue
                value = resolver.resolve(output.value)
                entry = {"OutputKey": name, "OutputValue": _output_text(value)}
                if output.description:
                    entry["Description"] = str(output.description)
                if output.export_name is not None:
                    export = str(resolver.resolve(output.export_name))
                    owner = exports.get(export)
                    if owner is not None and owner[1] != stack.stack_id:
                        return (
                            f"Export with name {export} is already exported by stack {owner[1].split('/')[1]}"
                        )
                    entry["ExportName"] = export
                outputs.append(entry)
        except Exception as exc:
            return f"Output could not be resolved: {exc}"
        refused = self._changed_exports_in_use(stack, outputs)
        if refused is not None:
            return refused
        with stack.lock:
            stack.outputs = outputs
        return None

    def _changed_exports_in_use(self, stack: Stack, outputs: list[dict[str, str]]) -> str | None:
        """AWS's refusal when an update removes or changes an export that another stack imports."""
        before = {o["ExportName"]: o["OutputValue"] for o in stack.outputs if o.get("ExportName")}
        after = {o["ExportName"]: o["OutputValue"] for o in outputs if o.get("ExportName")}
        for name, importers in sorted(self._exports_in_use(stack).items()):
            verb = "delete" if name not in after else "update" if after[name] != before[name] else None
            if verb is not None:
                return f"Cannot {verb} export {name} as it is in use by {', '.join(importers)}."
        return None


def _output_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _first_failure(
    failed: dict[str, BaseException], not_started: list[str], cancelled: threading.Event
) -> str | None:
    if failed:
        return str(next(iter(failed.values())))
    if cancelled.is_set() and not_started:
        return "The local cloud stopped before the operation finished."
    if not_started:
        return f"Resources were never started: {', '.join(not_started)}"
    return None
