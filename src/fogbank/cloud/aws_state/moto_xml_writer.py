"""xmltodict's `unparse` for the documents moto writes, as one list of strings instead of a SAX generator.

Every XML answer of moto (query, rest-xml, EC2, S3 and their errors) is `xmltodict.unparse(body, ...)`: a
recursive `_emit` that builds an `AttributesImpl` and calls `XMLGenerator.startElement`, `characters` and
`endElement` per element, each writing to a `StringIO`. For STS GetCallerIdentity that is about a tenth of
the handler's time, and more for bigger answers.

`unparse` writes the same characters with the same rules (text escaped as `saxutils.escape` does,
attributes quoted as `quoteattr` does, `<a/>` for an element with neither text nor children when
`short_empty_elements`, empty lists left out, booleans as `true`/`false`, element and attribute names
checked by xmltodict's own `_validate_name`) for the inputs moto gives it: nested dicts, lists and tuples of
str, int, float, bool and None, `@attribute` and `#text` keys, `pretty=False`. Any other input (a comment
key, an `@xmlns` dict, bytes, a generator, another option, a name or a document xmltodict refuses) goes to
xmltodict itself, untouched, which answers or raises exactly as it would have.

Installed by `install()` only on xmltodict `XMLTODICT_VERSION`; `tests/unit/cloud/aws_state/
test_moto_xml_writer.py` pins the code it stands in for and compares answers byte for byte.

Example:
    >>> unparse({"R": {"@xmlns": "urn:x", "A": ["1", None, True], "B": {"#text": "a<b"}}}, full_document=False,
    ...         short_empty_elements=True)
    '<R xmlns="urn:x"><A>1</A><A/><A>true</A><B>a&lt;b</B></R>'
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from typing import Any
from xml.sax.saxutils import quoteattr

__all__ = ["XMLTODICT_VERSION", "install", "stood_in_for", "unparse"]

XMLTODICT_VERSION = "1.0.4"  # moto 5.2.5's, the version unparse stands in for

_original: Callable[..., Any] | None = None
_SCALARS = (int, float)  # written as str(value) (bool is tested first: it is an int too)
_LEAVES = frozenset({dict, str, bool, int, float})


class _Unusual(Exception):
    """An input outside what `unparse` writes itself: xmltodict answers it."""


def unparse(
    input_dict: Any,
    output: Any = None,
    encoding: str = "utf-8",
    full_document: bool = True,
    short_empty_elements: bool = False,
    comment_key: str = "#comment",
    **kwargs: Any,
) -> Any:
    """`xmltodict.unparse` with the same arguments and the same answer (or exception)."""
    if (
        output is None
        and encoding == "utf-8"
        and comment_key == "#comment"
        and (not kwargs or (len(kwargs) == 1 and kwargs.get("pretty", True) is False))
        and isinstance(input_dict, dict)
    ):
        try:
            return _document(input_dict, full_document, short_empty_elements)
        except Exception:  # xmltodict answers, or raises its own error, below
            pass
    original = _original or _xmltodict_unparse()
    return original(
        input_dict,
        output=output,
        encoding=encoding,
        full_document=full_document,
        short_empty_elements=short_empty_elements,
        comment_key=comment_key,
        **kwargs,
    )


def _xmltodict_unparse() -> Callable[..., Any]:
    import xmltodict

    return xmltodict.unparse  # type: ignore[no-any-return]


def _document(input_dict: dict[Any, Any], full_document: bool, short: bool) -> str:
    import xmltodict

    writer = _Writer(short, xmltodict._validate_name)
    if full_document:
        if len(input_dict) != 1:
            raise _Unusual("not exactly one root")
        writer.parts.append('<?xml version="1.0" encoding="utf-8"?>\n')
    for key, value in input_dict.items():
        writer.emit(key, value, top=full_document)
    return "".join(writer.parts)


class _Writer:
    """xmltodict's `_emit` over XMLGenerator's writes, for the inputs `unparse` handles."""

    def __init__(self, short: bool, validate_name: Callable[[Any, str], None]) -> None:
        self.parts: list[str] = []
        self.short = short
        self.pending = False  # XMLGenerator's pending start element: '<name' written, '>' or '/>' not yet
        self.validate_name = validate_name

    def emit(self, key: Any, value: Any, *, top: bool = False) -> None:
        if type(key) is not str or key == "#comment":
            raise _Unusual("key")
        self.validate_name(key, "element")
        kind = type(value)
        if kind is list or kind is tuple or isinstance(value, (list, tuple)):
            if top and len(value) > 1:
                raise _Unusual("document with multiple roots")
            for item in value:
                self._element(key, item)
        elif kind in _LEAVES or value is None or isinstance(value, (dict, str, *_SCALARS)):
            self._element(key, value)
        else:
            raise _Unusual("value")

    def _element(self, key: str, item: Any) -> None:
        parts = self.parts
        if self.pending:
            parts.append(">")
            self.pending = False
        kind = type(item)
        if kind is str:  # the common leaf: <key>text</key>
            if item:
                parts.append(f"<{key}>{_escape(item)}</{key}>")
            else:
                parts.append(f"<{key}/>" if self.short else f"<{key}></{key}>")
            return
        cdata: str | None = None
        children: list[tuple[Any, Any]] = []
        parts.append("<" + key)
        if item is None:
            pass
        elif kind is dict or isinstance(item, dict):
            for child_key, child in item.items():
                if child_key == "#text":
                    cdata = None if child is None else _text(child)
                elif type(child_key) is str and child_key.startswith("@"):
                    if child_key == "@xmlns" and isinstance(child, dict):
                        raise _Unusual("namespace dict")
                    name = child_key[1:]
                    self.validate_name(name, "attribute")
                    parts.append(f" {name}={quoteattr('' if child is None else _text(child))}")
                elif isinstance(child, list) and not child:
                    continue  # xmltodict leaves empty lists out
                else:
                    children.append((child_key, child))
        else:
            cdata = _text(item)
        if self.short:
            self.pending = True
        else:
            parts.append(">")
        for child_key, child in children:
            self.emit(child_key, child)
        if cdata:
            if self.pending:
                parts.append(">")
                self.pending = False
            parts.append(_escape(cdata))
        if self.pending:
            parts.append("/>")
            self.pending = False
        else:
            parts.append(f"</{key}>")


def _escape(text: str) -> str:
    """`saxutils.escape(text)`."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _text(value: Any) -> str:
    """xmltodict's `_convert_value_to_string` for the value types `unparse` writes itself."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _SCALARS):
        return str(value)
    raise _Unusual("value")


def install() -> None:
    """Make `xmltodict.unparse` this `unparse` (idempotent; only on xmltodict `XMLTODICT_VERSION`)."""
    global _original
    import xmltodict

    if _original is not None or version("xmltodict") != XMLTODICT_VERSION:
        return
    _original = xmltodict.unparse
    xmltodict.unparse = unparse


def stood_in_for() -> list[Any]:
    """The code `unparse` writes as (tests pin its source): xmltodict's and the standard library's."""
    from xml.sax import saxutils

    import xmltodict

    return [
        xmltodict.unparse if _original is None else _original,
        xmltodict._emit,
        xmltodict._convert_value_to_string,
        xmltodict._process_namespace,
        xmltodict._XMLGenerator,
        saxutils.XMLGenerator.__init__,
        saxutils.XMLGenerator._finish_pending_start_element,  # type: ignore[attr-defined]
        saxutils.XMLGenerator.startDocument,
        saxutils.XMLGenerator.startElement,
        saxutils.XMLGenerator.endElement,
        saxutils.XMLGenerator.characters,
        saxutils._gettextwriter,  # type: ignore[attr-defined]
        saxutils.escape,
        saxutils.quoteattr,
    ]
