"""Keep the garbage collector off what a process holds for good (an e2e worker, a local cloud).

After a feature's stack is deployed, the worker process holds, for the rest of the run, CDK's jsii bindings,
the local cloud's moto models, botocore's service models and clients: 700,000-800,000 objects. Every full
collection walked them all again: measured on the 2-core machine under load, 16 full collections per worker
in one `fogbank e2e` run took 13-14 s of the worker's time, with every other thread (the cloud's requests
included) stopped meanwhile. `freeze_long_lived()` moves every object alive at that moment into the
collector's permanent generation (gc.freeze): they are no longer scanned, and what is allocated afterwards
is collected as before. A worker freezes after its local cloud started, after a feature's module (CDK)
was imported, and after each deploy.

While the cloud starts and CDK is imported (hundreds of thousands of objects, most of them for good), the
collector would run full collections over and over as the heap grows; `collection_paused()` holds it off
for those steps (on any thread; the collector comes back when the last one ends) and freezes what they left
alive (a young collection first frees the cycles any thread made meanwhile: garbage frozen would never be freed).
Objects frozen are not freed if they become garbage later; they are what a worker keeps anyway, and a
worker ends with its run. A local cloud pauses it the same way while it starts, while its warm-up loads a
service, and while botocore parses a model (`fogbank.cloud.botocore_data`): parsing EC2's model or IAM's
action catalog in a heap of 200,000 objects took 2-4 times as long with the collector running.

Example:
    >>> import gc
    >>> with collection_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    >>> freeze_long_lived()
    >>> gc.get_freeze_count() > 0
    True
    >>> gc.unfreeze()
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused", "freeze_long_lived"]

_pause_lock = threading.Lock()
_pauses = 0
_was_enabled = True


def freeze_long_lived() -> None:
    """Free the young generations' garbage, then move every object alive now to the permanent generation
    (cheap: a young collection, then the collector's lists are spliced). Garbage frozen is never freed, so
    what the young generations hold is collected first; what an earlier collection already promoted to the
    oldest generation is frozen as it is (collecting it is the full collection this avoids)."""
    gc.collect(1)
    gc.freeze()


@contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic collection while the block runs (nor while another thread's block does); afterwards what
    is alive is frozen, and the collector is on again if it was on before the first block began."""
    global _pauses, _was_enabled
    with _pause_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0:
                freeze_long_lived()  # everything the block made is young: its garbage is freed, not frozen
                if _was_enabled:
                    gc.enable()
