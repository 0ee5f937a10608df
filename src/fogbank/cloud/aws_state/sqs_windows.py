"""Timed polls of SQS event source mappings: batching windows and retries, which moto (5.2.5) did not make.

moto polls a queue only when a message is sent, hands the function what it received at once, and makes a
failed batch visible again at once. Lambda instead gathers records until the batch is full (BatchSize) or the
window (MaximumBatchingWindowInSeconds) has passed since the first one, and a failed message stays invisible
for the queue's visibility timeout, then is polled again (past the redrive policy's maxReceiveCount, SQS moves
it to the dead-letter queue). `holds` is asked before each of moto's deliveries: while a mapping's window is
open and its batch is not full it answers True (the messages stay in the queue) and, for the first message of a
window, starts a timer that polls the queue once the window has passed. `retry_later` keeps a failed batch's
messages invisible and polls again when their visibility timeout ends. `deliver_later` invokes the function for
a send's poll on a thread of its own (SendMessage returns at once, as on AWS); `poll_soon` polls a mapping just
created or enabled. `stop` cancels the timers (a cloud that
stops leaves none running).

Example:
    >>> window_seconds(type("Esm", (), {"max_batch_window": "2"})())
    2
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

__all__ = [
    "deliver_later",
    "holds",
    "in_timed_poll",
    "poll_soon",
    "queue_of",
    "retry_later",
    "stop",
    "window_seconds",
]

_log = logging.getLogger("fogbank.cloud.lambda")
_lock = threading.Lock()
_timers: dict[str, threading.Timer] = {}
_polling = threading.local()
_stops = [0]  # how many times `stop` ran: a delivery that outlives its cloud schedules nothing


def window_seconds(esm: Any) -> int:
    """The mapping's batching window in seconds (0: none)."""
    return int(str(getattr(esm, "max_batch_window", None) or 0))


def _mapping(backend: Any, function_arn: str, queue_arn: str) -> Any:
    for esm in list(backend._event_source_mappings.values()):
        if esm.function_arn == function_arn and esm.event_source_arn == queue_arn and esm.enabled:
            return esm
    return None


def _queue(queue_arn: str) -> tuple[Any, str, Any]:
    """(moto's SQS backend, queue name, queue or None) of a queue ARN."""
    from moto.sqs.models import sqs_backends

    _, _, _, region, account_id, name = queue_arn.split(":", 5)
    queues: Any = sqs_backends[account_id][region]
    return queues, name, queues.queues.get(name)


def queue_of(queue_arn: str) -> Any:
    """moto's queue of a queue ARN (None: no such queue)."""
    return _queue(queue_arn)[2]


def poll_soon(backend: Any, esm: Any) -> None:
    """A mapping was created or enabled: poll its queue (after its batching window, if any) so the messages
    already waiting are delivered, as Lambda's poller finds them (moto polled only when a message was sent)."""
    key = f"{esm.uuid}:start"
    _schedule(key, float(window_seconds(esm)), backend, esm.uuid, esm.function_arn, esm.event_source_arn)


def in_timed_poll() -> bool:
    """Whether this thread is a timed poll or a background delivery (it delivers synchronously)."""
    return bool(getattr(_polling, "active", False))


def deliver_later(
    backend: Any, function_arn: str, messages: list[Any], queue_arn: str, deliver: Callable[..., bool]
) -> None:
    """Hand the received `messages` to the function on a thread of their own, so the SendMessage that
    triggered moto's poll returns at once, as on AWS (moto invoked the function inside it). The messages stay
    invisible while the function runs; then they are deleted, or the failed ones retried (`retry_later`), and the
    queue is polled again (a FIFO group, or a batch held back by this one, may be waiting)."""
    thread = threading.Thread(
        target=_deliver,
        args=(backend, function_arn, messages, queue_arn, deliver, _stops[0]),
        name=f"fogbank-sqs-deliver-{queue_arn.rsplit(':', 1)[-1][:24]}",
        daemon=True,
    )
    thread.start()


def _deliver(
    backend: Any,
    function_arn: str,
    messages: list[Any],
    queue_arn: str,
    deliver: Callable[..., bool],
    stops: int,
) -> None:
    _polling.active = True
    try:
        queues, name, _ = _queue(queue_arn)
        if deliver(backend, function_arn, messages, queue_arn):
            for message in messages:
                queues.delete_message(name, message.receipt_handle)
        elif stops != _stops[0]:
            return  # the cloud stopped meanwhile
        else:
            retry_later(backend, function_arn, messages, queue_arn)
        esm = _mapping(backend, function_arn, queue_arn)
        if esm is not None and stops == _stops[0]:
            _schedule(f"{esm.uuid}:next", 0.0, backend, esm.uuid, function_arn, queue_arn)
    except Exception:  # a delivery thread has no caller to tell: the cloud's log does (unless it stopped)
        if stops == _stops[0]:
            _log.exception("an SQS event source delivery to %s from %s failed", function_arn, queue_arn)
    finally:
        _polling.active = False


def holds(backend: Any, function_arn: str, messages: list[Any], queue_arn: str) -> bool:
    """Whether these received messages wait for the mapping's window (and a timer is set to deliver them)."""
    if getattr(_polling, "active", False):
        return False  # a timed poll delivers what it received
    esm = _mapping(backend, function_arn, queue_arn)
    if esm is None or window_seconds(esm) == 0 or len(messages) >= int(esm.batch_size):
        return False
    _schedule(f"{esm.uuid}:window", window_seconds(esm), backend, esm.uuid, function_arn, queue_arn)
    return True


def retry_later(backend: Any, function_arn: str, messages: list[Any], queue_arn: str) -> None:
    """A batch failed: its messages stay invisible (moto received them with the queue's visibility timeout) and
    the queue is polled again when that timeout ends, as Lambda's poller finds them again."""
    esm = _mapping(backend, function_arn, queue_arn)
    queue = _queue(queue_arn)[2]
    if esm is None or queue is None or not messages:
        return
    key = f"{esm.uuid}:retry:{min(str(message.id) for message in messages)}"
    _schedule(key, float(queue.visibility_timeout) + 0.05, backend, esm.uuid, function_arn, queue_arn)


def _schedule(key: str, delay: float, backend: Any, uuid: str, function_arn: str, queue_arn: str) -> None:
    with _lock:
        if key in _timers:
            return
        timer = threading.Timer(delay, _poll, args=(key, backend, uuid, function_arn, queue_arn))
        timer.daemon = True
        timer.name = f"fogbank-sqs-poll-{uuid[:8]}"
        _timers[key] = timer
        timer.start()


def _poll(key: str, backend: Any, uuid: str, function_arn: str, queue_arn: str) -> None:
    """Poll the queue once and deliver what it holds, as moto's poll on a send does."""
    with _lock:
        _timers.pop(key, None)
    queues, name, queue = _queue(queue_arn)
    esm = backend._event_source_mappings.get(uuid)
    if esm is None or queue is None or not esm.enabled:
        return
    _polling.active = True
    try:
        while _poll_once(backend, esm, queues, name, queue, function_arn, queue_arn):
            pass  # a full batch delivered: more may be waiting, as Lambda's poller keeps polling
    except Exception:  # a timer thread has no caller to tell: the cloud's log does
        _log.exception("a timed poll of event source mapping %s failed to deliver from %s", uuid, queue_arn)
    finally:
        _polling.active = False


def _poll_once(
    backend: Any, esm: Any, queues: Any, name: str, queue: Any, function_arn: str, queue_arn: str
) -> bool:
    """Receive one batch and deliver it; True when it was full and delivered (poll again)."""
    batch_size = int(esm.batch_size)
    messages = queues.receive_message(name, batch_size, 0, int(queue.visibility_timeout))
    if not messages:
        return False
    if backend.send_sqs_batch(function_arn, messages, queue_arn):
        for message in messages:
            queues.delete_message(name, message.receipt_handle)
        return len(messages) >= batch_size and esm.enabled
    # not polled (a role without permission): visible again; failed ones were emptied by retry_later
    for message in messages:
        queues.change_message_visibility(name, message.receipt_handle, visibility_timeout=0)
    return False


def stop() -> None:
    """Cancel every pending poll (their messages stay in the queue)."""
    with _lock:
        _stops[0] += 1
        timers = list(_timers.values())
        _timers.clear()
    for timer in timers:
        timer.cancel()
