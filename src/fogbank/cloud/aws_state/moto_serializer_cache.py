"""Remember which attribute names moto's response serializer tries for a shape member.

moto 5.2's serializer (`moto.core.serialize`) asks, for every member of every structure it writes, an
`XFormedAttributePicker` which attribute names of the Python object may hold the member's value: it builds
six alias-provider objects per member and asks each in turn (the shape's name, the key as is, the key minus
its parent shape's or the object's class name as a prefix, the model's serialization name), then adds each
name's snake_case form. For DynamoDB's DescribeTable that is about 45 members and most of the handler's time.

Apart from the first provider (aliases in the object's own `Meta`, asked on every call as before), the answer
depends only on the member key, the member shape, the parent shape moto just set on it, and the object's
class: `possible_keys` remembers it per exactly those, holding the shapes so that their ids stay theirs.
Values are still read from the object on every call, so state changes show up in the next answer.

A picker with response transformers (IAM's `RESPONSE_KEY_PATH_TO_TRANSFORMER`, 18 entries) then looks for
the first entry whose path ends the member's key path, about 250 `endswith` per IAM GetRole: `pick` finds it
once per key path and table content (the table's items, read once per picker: moto builds a picker per
answer), and still applies it to the value read on this call.

A timestamp member is written by `TimestampSerializer._convert_timestamp_to_str(value, format)`: botocore's
`parse_to_aware_datetime` (a dateutil `tzutc` attached, or the value converted to it), then `timegm` over a
`timetuple()` that asks dateutil for the DST offset, or `strftime`. For a `datetime` the answer is a function
of the instant (or the naive fields, taken as UTC) and the format: `timestamp_text` remembers it per
(serializer class, value, format). Other values (strings, numbers) are converted every time, as before.

The same holds for xmltodict's `_validate_name` (moto's XML answers check every element name with it): a
name that passed once passes again, so `valid_name` remembers the names that passed (an invalid one is
checked, and raises, every time).

Installed by `install()` only on the moto (and xmltodict) version it was written against (`server_app.MOTO_VERSION`);
`tests/unit/cloud/aws_state/test_moto_serializer_cache.py` fails when a moto upgrade changes the code it
stands in for.

Example:
    >>> install()
    >>> from moto.core.serialize import XFormedAttributePicker
    >>> XFormedAttributePicker.get_possible_keys is possible_keys
    True
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from fogbank.cloud.aws_state.server_app import MOTO_VERSION

__all__ = ["install", "pick", "possible_keys", "stood_in_for", "timestamp_text", "valid_name"]

XMLTODICT_VERSION = "1.0.4"  # moto 5.2.5's, the version valid_name stands in for

_KEPT = 65536  # remembered (key, shape, parent, class) answers; forgotten all at once past that

_original: Callable[[Any, Any], Iterable[str]] | None = None
_providers: list[Any] = []  # moto's DEFAULT_ALIAS_PROVIDERS, the list itself
_xform_name: Callable[[str], str] = str
_answers: dict[tuple[str, int, int, type], tuple[Any, Any, tuple[str, ...]]] = {}
_lock = threading.Lock()
_original_pick: Callable[[Any, Any], Any] | None = None
_missing: Any = None  # moto.core.utils.MISSING
_get_value: Callable[[Any, Any, Any], Any] | None = None  # moto.core.utils.get_value
_transforms: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}  # table items -> {key path: transform}
_NO_TRANSFORM = object()
_original_timestamp: Callable[[Any, Any, str], Any] | None = None
_timestamps: dict[tuple[type, datetime, bool, str], Any] = {}  # (class, value, naive, format) -> text
_original_validate_name: Callable[[Any, str], None] | None = None
_valid_names: set[tuple[str, str]] = set()


def install() -> None:
    """Make moto's `XFormedAttributePicker` remember its possible keys (idempotent; only on moto `MOTO_VERSION`)."""
    global _original, _providers, _xform_name, _original_pick, _missing, _get_value, _original_timestamp
    import moto
    from botocore import xform_name
    from moto.core.serialize import (
        DEFAULT_ALIAS_PROVIDERS,
        AttributePicker,
        TimestampSerializer,
        XFormedAttributePicker,
    )
    from moto.core.utils import MISSING, get_value  # type: ignore[attr-defined]

    if _original is not None or moto.__version__ != MOTO_VERSION:
        return
    _providers, _xform_name = DEFAULT_ALIAS_PROVIDERS, xform_name
    _original = XFormedAttributePicker.get_possible_keys
    XFormedAttributePicker.get_possible_keys = possible_keys  # type: ignore[method-assign,assignment]
    _missing, _get_value, _original_pick = MISSING, get_value, AttributePicker.__call__
    AttributePicker.__call__ = pick  # type: ignore[method-assign,assignment]
    _original_timestamp = TimestampSerializer._convert_timestamp_to_str
    TimestampSerializer._convert_timestamp_to_str = timestamp_text  # type: ignore[method-assign,assignment]
    _install_valid_name()


def _install_valid_name() -> None:
    global _original_validate_name
    from importlib.metadata import version

    import xmltodict

    if version("xmltodict") != XMLTODICT_VERSION:
        return
    _original_validate_name = xmltodict._validate_name
    xmltodict._validate_name = valid_name


def valid_name(value: Any, kind: str) -> None:
    """xmltodict's `_validate_name(value, kind)`: raises ValueError for a name XML does not allow."""
    if type(value) is str and (value, kind) in _valid_names:
        return
    assert _original_validate_name is not None
    _original_validate_name(value, kind)
    if type(value) is str:
        with _lock:
            if len(_valid_names) >= _KEPT:
                _valid_names.clear()
            _valid_names.add((value, kind))


def possible_keys(picker: Any, context: Any) -> Iterable[str]:
    """The attribute names moto's `XFormedAttributePicker.get_possible_keys` yields for `context`, in order."""
    assert _original is not None
    if picker.alias_providers is not _providers:
        return _original(picker, context)
    key, shape, obj = context.key, context.shape, context.obj
    explicit: tuple[str, ...] = ()
    aliases = getattr(getattr(obj, "Meta", None), "serialization_aliases", None)  # moto's ExplicitAlias
    if aliases is not None and key in aliases:
        alias = aliases[key]
        explicit = (alias, _xform_name(alias))
    parent = getattr(shape, "parent", None)
    cache_key = (key, id(shape), id(parent), obj.__class__)
    found = _answers.get(cache_key)
    if found is None or found[0] is not shape or found[1] is not parent:
        names: list[str] = []
        for provider_class in _providers[1:]:
            provider = provider_class(context)
            if provider.has_alias(key):
                alias = provider.get_alias(key)
                names += (alias, _xform_name(alias))
        found = (shape, parent, tuple(names))
        with _lock:
            if len(_answers) >= _KEPT:
                _answers.clear()
            _answers[cache_key] = found
    return explicit + found[2] if explicit else found[2]


def pick(picker: Any, context: Any) -> Any:
    """moto's `AttributePicker.__call__`: the member's value read from the object, then transformed by the
    first response transformer whose path ends `<key path>.<key>`."""
    assert _get_value is not None
    obj = context.obj
    for possible_key in picker.get_possible_keys(context):
        value = _get_value(obj, possible_key, _missing)
        if value is not _missing:
            break
    else:
        value = None
    table = picker.response_transformers
    if table:
        transform = _transform_for(picker, table, f"{context.key_path}.{context.key}")
        if transform is not None:
            value = transform(value)
    return value


def _transform_for(picker: Any, table: dict[str, Any], key_path: str) -> Any:
    found = picker.__dict__.get("_fogbank_transforms")
    if found is None:  # once per picker (per answer): the table's content names its remembered answers
        items = tuple(table.items())
        try:
            hash(items)
        except TypeError:  # a transformer that cannot be a key: remembered for this picker only
            found = {}
        else:
            with _lock:
                if len(_transforms) >= _KEPT:
                    _transforms.clear()
                found = _transforms.setdefault(items, {})
        picker.__dict__["_fogbank_transforms"] = found
    transform = found.get(key_path, _NO_TRANSFORM)
    if transform is _NO_TRANSFORM:
        transform = next((each for path, each in table.items() if key_path.endswith(path)), None)
        found[key_path] = transform
    return transform


def timestamp_text(serializer: Any, value: Any, timestamp_format: str) -> Any:
    """moto's `TimestampSerializer._convert_timestamp_to_str(value, timestamp_format)`."""
    assert _original_timestamp is not None
    if type(value) is not datetime:
        return _original_timestamp(serializer, value, timestamp_format)
    key = (type(serializer), value, value.tzinfo is None, timestamp_format)  # naive never equals aware
    found = _timestamps.get(key)
    if found is None:
        found = _original_timestamp(serializer, value, timestamp_format)
        with _lock:
            if len(_timestamps) >= _KEPT:
                _timestamps.clear()
            _timestamps[key] = found
    return found


def stood_in_for() -> list[Any]:
    """The code whose answers `possible_keys`, `pick`, `timestamp_text` and `valid_name` remember, and its
    caller (tests pin their source)."""
    import xmltodict
    from botocore.utils import parse_to_aware_datetime
    from moto.core.serialize import (
        DEFAULT_ALIAS_PROVIDERS,
        AttributePicker,
        TimestampSerializer,
        XFormedAttributePicker,
    )
    from moto.core.utils import get_value

    timestamps = [
        TimestampSerializer._convert_timestamp_to_str if _original_timestamp is None else _original_timestamp,
        TimestampSerializer._timestamp_iso8601,
        TimestampSerializer._timestamp_iso8601_zeroed,
        TimestampSerializer._timestamp_unixtimestamp,
        TimestampSerializer._timestamp_rfc822,
        parse_to_aware_datetime,
    ]
    return [
        AttributePicker.__call__ if _original_pick is None else _original_pick,
        AttributePicker.get_possible_keys,
        XFormedAttributePicker.get_possible_keys if _original is None else _original,
        *DEFAULT_ALIAS_PROVIDERS,
        get_value,
        *timestamps,
        xmltodict._validate_name if _original_validate_name is None else _original_validate_name,
    ]
