"""botocore's bundled data (service models, endpoints), read once per process and shared by every loader.

Each botocore `Loader` caches what it read, but the local cloud's process has many loaders: moto makes a new
one for every service model it reads and a new `Session` for each region list (three at the import of its EC2
models alone), the cloud's own clients have one, IAM's operation matcher another. Each parsed the same JSON
again (EC2's 4 MB model four times while a cloud starts) and listed botocore's 400-odd service folders again
(about 50 ms each time, 24 times while a fresh cloud warmed up). `install()` makes the loaders of one kind
(class, search path, extras) share one parse of each file under botocore's own data folder, and one listing
of the services and API versions.

What a loader returns is unchanged: the same parsed data, and botocore already hands one parsed model to every
client of a session (its in-place edits, such as merging the sdk-extras, give the same result when
repeated). moto's loader is a kind of its own: it merges its `moto-extras` into a model in place (SQS's
answers as query protocol, for one), so its models are never the dicts botocore's clients use. Files under
botocore's data folder belong to the installed package and do not change while the process runs; files
anywhere else (moto's extras, `~/.aws/models`, `AWS_DATA_PATH`) are read as before. So are the models of S3
and S3 Control: a client's first call of an operation edits its model in place (botocore's
`remove_bucket_from_url_paths_from_model` turns `/{Bucket}/{Key+}` into `/{Key+}`, and
`remove_accid_host_prefix_from_model` drops a host prefix) for that client's session only; shared, the edit
reached moto's S3 routes and IAM's operation matcher, and PutObject was then told as CreateBucket.

Example:
    >>> from botocore.loaders import create_loader
    >>> install()
    >>> first = create_loader().load_service_model("sqs", "service-2")
    >>> first is create_loader().load_service_model("sqs", "service-2")  # two loaders, one parse
    True
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from fogbank.heap import collection_paused

__all__ = ["install", "installed"]

_EDITED_IN_PLACE = ("s3", "s3control")  # data folders whose models botocore's handlers change per session

_install_lock = threading.Lock()
_installed = False


class _Memo:
    """Values computed once per key; a second caller of a key being computed waits for the first's result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Any, Any] = {}
        self._computing: dict[Any, threading.Lock] = {}

    def get(self, key: Any, compute: Callable[[], Any], keep: Callable[[Any], bool] = bool) -> Any:
        with self._lock:
            if key in self._values:
                return self._values[key]
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            try:
                value = compute()
                if value is not None and keep(value):  # None is botocore's "not here": ask again next time
                    with self._lock:
                        self._values[key] = value
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            return value


def install() -> None:
    """Share botocore's bundled data between every loader in this process (idempotent, thread-safe)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from botocore.loaders import Loader

        builtin = os.path.join(Loader.BUILTIN_DATA_PATH, "")
        files, listings = _Memo(), _Memo()
        load_data_with_path = Loader.load_data_with_path
        list_services = Loader.list_available_services
        list_versions = Loader.list_api_versions

        def shared_load_data_with_path(self: Loader, name: str) -> Any:
            if name.split("/", 1)[0] in _EDITED_IN_PLACE:
                return load_data_with_path(self, name)
            return files.get(
                (_kind(self), name),
                lambda: _parsed(load_data_with_path, self, name),
                keep=lambda found: str(found[1]).startswith(builtin),
            )

        def shared_list_services(self: Loader, type_name: str) -> Any:
            key = ("services", _kind(self), type_name)
            return list(listings.get(key, lambda: list_services(self, type_name)))

        def shared_list_versions(self: Loader, service_name: str, type_name: str) -> Any:
            key = ("versions", _kind(self), service_name, type_name)
            return list(listings.get(key, lambda: list_versions(self, service_name, type_name)))

        Loader.load_data_with_path = shared_load_data_with_path
        Loader.list_available_services = shared_list_services
        Loader.list_api_versions = shared_list_versions
        _installed = True


def _kind(loader: Any) -> tuple[Any, ...]:
    """Loaders that see the same data: same class, search path, extras and file reader. moto's loader searches
    its own folder too and merges its `moto-extras` (not botocore's `sdk-extras`) into a model in place, so
    its models are never the dicts botocore's clients use."""
    return (type(loader), tuple(loader.search_paths), tuple(loader.extras_types), type(loader.file_loader))


def _parsed(load_data_with_path: Callable[[Any, str], Any], loader: Any, name: str) -> Any:
    """One file parsed with the collector held off (EC2's model is about 500,000 objects, all kept)."""
    with collection_paused():
        return load_data_with_path(loader, name)


def installed() -> bool:
    """Whether `install()` ran in this process."""
    return _installed
