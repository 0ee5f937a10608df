"""Compiled modules of Lambda environments: one prefix per set of layers, its stable parts shared by clouds.

Code and layers are read-only in an environment (as on Lambda), so Python keeps their compiled modules under
`sys.pycache_prefix` instead of `__pycache__`. An environment that shows `<state>/lambda/opt/<key>` at /opt
uses the prefix `<state>/lambda/pycache-by-opt/<key>` (`sandbox.pycache_prefix`; so does every
`#!/var/lang/bin/python` script it runs, such as the AWS CLI of CDK's BucketDeployment). A prefix mirrors
absolute source paths. Three of its subtrees hold the same bytes in every cloud on this machine, so they are
links into a cache shared by all clouds, each keyed by what decides its content:

    <prefix>/opt                   -> <cache>/opt/<key>          the layers' CodeSha256s (the <key> of /opt)
    <prefix>/<interpreter prefix>  -> <cache>/python/<hash>      the interpreter's path and version (stdlib)
    <prefix>/<runtime directory>   -> <cache>/runtime/<hash>     the interpreter's version and what the runtime
                                                                 directory links to (boto3 ...)

A cloud has one `BytecodeCache` per interpreter its functions run on (interpreters.py): the interpreter's key
and its runtime directory's differ, and the compiled modules' names carry its tag (`app.cpython-313.pyc`).

Everything else stays in the cloud's state directory. That includes the code's modules: an environment that
shows its code at /var/task (every function's code is at those same paths) has `<prefix>/var/task` mounted
from `<state>/lambda/pycache-by-code/<hash>` in its own namespace (`sandbox.task_bytecode_dir`), so a module of
another function's code with the same name, size and mtime never reuses its bytecode; a task root seen at its
host path names its code's hash itself. So inside an environment `importlib.util.cache_from_source` of a
/var/task module names `<prefix>/var/task/...`, which is empty on the host (a mount point): the files are in
`pycache-by-code/<hash>`. The cache is `$FOGBANK_CACHE_DIR/lambda-bytecode` (default `~/.cache/fogbank/lambda-bytecode`); it keeps the
`KEEP` most recently used entries of each kind and deletes older ones, none used within `IDLE_S` and none that
a running cloud links (it holds a shared lock on each until `close`, or its death), when a cloud first prepares
a prefix.
Python checks each compiled module against its source's mtime and size; within one key the sources are the
same bytes with the same times (`code.py` keeps the .zip's mtimes), so an entry never serves stale bytecode.

Example:
    >>> import tempfile
    >>> state, shared = tempfile.TemporaryDirectory(), tempfile.TemporaryDirectory()
    >>> lambda_state = Path(state.name) / "lambda"
    >>> (lambda_state / "opt" / "0123abcd").mkdir(parents=True)
    >>> cache = BytecodeCache(lambda_state, Path(state.name) / "runtime" / "python", Path(shared.name))
    >>> prefix = cache.prepare(lambda_state / "opt" / "0123abcd")
    >>> prefix.name, (prefix / "opt").resolve() == (Path(shared.name) / "opt" / "0123abcd").resolve()
    ('0123abcd', True)
    >>> cache.close(), state.cleanup(), shared.cleanup()
    (None, None, None)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import threading
from pathlib import Path

from fogbank.cloud.lambda_.machine_cache import evict_least_recently_used, hold, mark_used, release
from fogbank.cloud.lambda_.sandbox import OPT, pycache_prefix

__all__ = ["IDLE_S", "KEEP", "BytecodeCache"]

# Entries of each kind (opt, python, runtime) kept in the shared cache: a layer set's entry is about the size
# of its compiled modules (the AWS CLI layer's: about 6 MB).
KEEP = 16
IDLE_S = 3600.0


class BytecodeCache:
    """Builds the bytecode prefixes of one cloud's environments (see the module's docstring)."""

    def __init__(
        self,
        lambda_state: Path,
        runtime_dir: Path,
        shared: Path,
        *,
        keep: int = KEEP,
        idle_s: float = IDLE_S,
        python: tuple[Path, str, str] | None = None,
    ) -> None:
        # the interpreter the environments run (its base prefix, sys.version, cache tag): the cloud's by default
        self._python = python or (Path(sys.base_prefix), sys.version, sys.implementation.cache_tag or "")
        self._lambda_state = lambda_state
        self._runtime_dir = runtime_dir
        self._shared = shared
        self._keep = keep
        self._idle_s = idle_s
        self._lock = threading.Lock()
        self._prepared: dict[Path, tuple[Path, list[tuple[Path, Path]]]] = {}  # key -> prefix, its links
        self._evicted = False
        self._held: dict[Path, int] = {}  # shared entries this cloud links: never evicted meanwhile
        self._closed = False  # a prepare after close (a start under way as the cloud stops) holds nothing

    def prepare(self, opt_dir: Path | None) -> Path:
        """The prefix of environments showing `opt_dir` at /opt (None: no /opt namespace, the zygote's own
        `<state>/lambda/pycache`, whose paths are all this cloud's), its shared parts linked. The keys are
        computed once per key; a later call only checks that the links are still there (an lstat each) and links
        again those that were deleted (a function that emptied a /tmp the prefix lies under, say)."""
        with self._lock:
            known = self._prepared.get(opt_dir or self._lambda_state)
            if known is not None:
                prefix, links = known
                for source_dir, shared_dir in links:
                    if not os.path.isdir(_mirror(prefix, source_dir)):  # a link gone, or to an entry gone
                        self._link(prefix, source_dir, shared_dir)
                return prefix
            links = [
                (self._python[0], self._shared / "python" / _digest(*map(str, self._python))),
                (
                    self._runtime_dir,
                    self._shared / "runtime" / _runtime_key(self._runtime_dir, self._python[1]),
                ),
            ]
            if opt_dir is None:
                prefix = self._lambda_state / "pycache"
            else:
                prefix = Path(pycache_prefix(str(opt_dir)))
                links.insert(0, (Path(OPT), self._shared / "opt" / opt_dir.name))
            for source_dir, shared_dir in links:
                self._link(prefix, source_dir, shared_dir)
            self._prepared[opt_dir or self._lambda_state] = (prefix, links)
            if not self._evicted:  # once per cloud, after marking what this cloud uses as just used
                self._evicted = True
                for kind in ("opt", "python", "runtime"):
                    evict_least_recently_used(self._shared / kind, self._keep, idle_s=self._idle_s, held=True)
            return prefix

    def close(self) -> None:
        """Release the shared entries this cloud linked (other clouds may evict them now). Idempotent."""
        with self._lock:
            for descriptor in self._held.values():
                release(descriptor)
            self._held.clear()
            self._closed = True

    def _link(self, prefix: Path, source_dir: Path, shared_dir: Path) -> None:
        """Make `prefix`'s mirror of `source_dir` a link to `shared_dir` (held by this cloud until `close`, and
        marked as just used). Best effort: a cache that cannot be linked only means compiling again."""
        mirror = _mirror(prefix, source_dir)
        try:
            if not self._closed and shared_dir not in self._held:  # first: an eviction under way finishes
                shared_dir.parent.mkdir(parents=True, exist_ok=True)
                self._held[shared_dir] = hold(shared_dir)
            shared_dir.mkdir(parents=True, exist_ok=True)
            mark_used(shared_dir)
            mirror.parent.mkdir(parents=True, exist_ok=True)
            mirror.symlink_to(shared_dir, target_is_directory=True)
        except FileExistsError:
            pass
        except OSError as exc:
            print(f"fogbank: compiled modules of {source_dir} are not shared ({exc})", file=sys.stderr)


def _mirror(prefix: Path, source_dir: Path) -> Path:
    """Where `prefix` mirrors `source_dir` (Python's layout of a pycache prefix: the absolute path below it)."""
    return prefix.joinpath(*source_dir.absolute().parts[1:])


def _runtime_key(runtime_dir: Path, python_version: str) -> str:
    """What the runtime directory's entries link to (the installed packages and fogbank's runtime modules)."""
    entries = []
    with contextlib.suppress(OSError):
        for entry in sorted(os.scandir(runtime_dir), key=lambda e: e.name):
            if entry.is_symlink():  # not its own files (the .complete marker): their paths name this cloud
                entries.append(f"{entry.name}={os.path.realpath(entry.path)}")
    return _digest(python_version, *entries)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
