"""Batching windows of SQS event source mappings (MaximumBatchingWindowInSeconds), which moto (5.2.5) ignored.

moto polls a queue when a message is sent and hands the function what it received at once. With a batching
window, Lambda instead gathers records until the batch is full (BatchSize) or the window has passed since the
first one. `holds` is asked before each of moto's deliveries: while a mapping's window is open and its batch is
not full it answers True (the messages stay in the queue) and, for the first message of a window, starts a
timer that polls the queue once the window has passed and delivers what is there as one batch. `stop` cancels
the timers (a cloud that stops leaves none running).

Example:
    >>> window_seconds(type("Esm", (), {"max_batch_window": "2"})())
    2
"""

from __future__ import annotations

import logging
import threading
from typing import Any

__all__ = ["holds", "stop", "window_seconds"]

_log = logging.getLogger("fogbank.cloud.lambda")
_lock = threading.Lock()
_timers: dict[str, threading.Timer] = {}
_flushing = threading.local()


def window_seconds(esm: Any) -> int:
    """The mapping's batching window in seconds (0: none)."""
    return int(str(getattr(esm, "max_batch_window", None) or 0))


def _mapping(backend: Any, function_arn: str, queue_arn: str) -> Any:
    for esm in list(backend._event_source_mappings.values()):
        if esm.function_arn == function_arn and esm.event_source_arn == queue_arn and esm.enabled:
            return esm
    return None


def holds(backend: Any, function_arn: str, messages: list[Any], queue_arn: str) -> bool:
    """Whether these received messages wait for the mapping's window (and a timer is set to deliver them)."""
    if getattr(_flushing, "active", False):
        return False  # the window's own poll delivers what it received
    esm = _mapping(backend, function_arn, queue_arn)
    if esm is None or window_seconds(esm) == 0 or len(messages) >= int(esm.batch_size):
        return False
    with _lock:
        if esm.uuid not in _timers:
            timer = threading.Timer(
                window_seconds(esm), _flush, args=(backend, esm.uuid, function_arn, queue_arn)
            )
            timer.daemon = True
            timer.name = f"fogbank-sqs-window-{esm.uuid[:8]}"
            _timers[esm.uuid] = timer
            timer.start()
    return True


def _flush(backend: Any, uuid: str, function_arn: str, queue_arn: str) -> None:
    """The window has passed: poll the queue once and deliver what it holds, as moto's poll on a send does."""
    with _lock:
        _timers.pop(uuid, None)
    from moto.sqs.models import sqs_backends

    _, _, _, region, account_id, name = queue_arn.split(":", 5)
    queues: Any = sqs_backends[account_id][region]
    esm = backend._event_source_mappings.get(uuid)
    queue: Any = queues.queues.get(name)
    if esm is None or queue is None or not esm.enabled:
        return
    _flushing.active = True
    try:
        messages = queues.receive_message(name, int(esm.batch_size), 0, int(queue.visibility_timeout))
        if not messages:
            return
        if backend.send_sqs_batch(function_arn, messages, queue_arn):
            for message in messages:
                queues.delete_message(name, message.receipt_handle)
        else:
            for message in messages:
                queues.change_message_visibility(name, message.receipt_handle, visibility_timeout=0)
    except Exception:  # a timer thread has no caller to tell: the cloud's log does
        _log.exception(
            "the batching window of event source mapping %s failed to deliver from %s", uuid, queue_arn
        )
    finally:
        _flushing.active = False


def stop() -> None:
    """Cancel every pending window (their messages stay in the queue)."""
    with _lock:
        timers = list(_timers.values())
        _timers.clear()
    for timer in timers:
        timer.cancel()
