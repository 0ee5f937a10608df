"""Keep the garbage collector off what a worker holds for the whole run.

After a feature's stack is deployed, the worker process holds, for the rest of the run, CDK's jsii bindings,
the local cloud's moto models, botocore's service models and clients: 700,000-800,000 objects. Every full
collection walked them all again: measured on the 2-core machine under load, 16 full collections per worker
in one `fogbank e2e` run took 13-14 s of the worker's time, with every other thread (the cloud's requests
included) stopped meanwhile. `freeze_long_lived()` moves every object alive at that moment into the
collector's permanent generation (gc.freeze): they are no longer scanned, and what is allocated afterwards
is collected as before. A worker freezes after its local cloud started, after a feature's module (CDK)
was imported, and after each deploy. Objects frozen are not freed if they become garbage later; they are what a worker
keeps anyway, and a worker ends with its run.

Example:
    >>> import gc
    >>> freeze_long_lived()
    >>> gc.get_freeze_count() > 0
    True
    >>> gc.unfreeze()
"""

from __future__ import annotations

import gc

__all__ = ["freeze_long_lived"]


def freeze_long_lived() -> None:
    """Move every object alive now to the permanent generation (cheap: the collector's lists are spliced)."""
    gc.freeze()
