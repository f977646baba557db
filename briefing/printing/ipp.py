"""A minimal IPP/1.1 client (RFC 8010/8011) for the read-only questions `lpstat` cannot answer.

`lpstat` shows neither a job's state (completed, cancelled, aborted) nor the media and
sides CUPS recorded for it, and `lpoptions` speaks PPD only. The few requests briefing
needs (Get-Printer-Attributes, CUPS-Get-Printers, CUPS-Get-Default, Get-Job-Attributes)
are encoded here with the standard library, over the CUPS domain socket or TCP.
"""

from __future__ import annotations

import http.client
import socket
import struct
from typing import Any

from ..errors import IppFailure

GET_JOB_ATTRIBUTES = 0x0009
GET_PRINTER_ATTRIBUTES = 0x000B
CUPS_GET_DEFAULT = 0x4001
CUPS_GET_PRINTERS = 0x4002

_OPERATION, _JOB, _END, _PRINTER = 0x01, 0x02, 0x03, 0x04
_INTEGER, _BOOLEAN, _ENUM = 0x21, 0x22, 0x23
_URI, _CHARSET, _LANGUAGE, _KEYWORD, _NAME = 0x45, 0x47, 0x48, 0x44, 0x42
_NO_VALUE = {0x10, 0x12, 0x13}

Attributes = dict[str, list[Any]]


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


def request(server: str, operation: int, attributes: list[tuple[int, str, Any]], path: str = "/",
            timeout: float = 10.0) -> list[tuple[int, Attributes]]:
    """Send one IPP request; return the response's attribute groups as (group tag, attributes)."""
    body = encode(operation, attributes)
    if server.startswith("/"):
        connection: http.client.HTTPConnection = _UnixConnection(server, timeout)
    else:
        host, _, port = server.partition(":")
        connection = http.client.HTTPConnection(host, int(port or 631), timeout=timeout)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/ipp"})
        response = connection.getresponse()
        data = response.read()
    except OSError as exc:
        raise IppFailure(f"cannot reach the CUPS server at {server}: {exc.strerror or exc}") from None
    finally:
        connection.close()
    if response.status != 200:
        raise IppFailure(f"the CUPS server at {server} answered HTTP {response.status} {response.reason}")
    status, groups = decode(data)
    if status >= 0x0400:
        message = next((g.get("status-message", [""])[0] for _, g in groups if "status-message" in g), "")
        raise IppFailure(f"IPP status 0x{status:04x}{': ' + message if message else ''}")
    return groups


def encode(operation: int, attributes: list[tuple[int, str, Any]], request_id: int = 1) -> bytes:
    """An IPP request: the charset and language first (RFC 8011 4.1.4), then *attributes*."""
    out = bytearray(struct.pack(">BBHI", 1, 1, operation, request_id))
    out.append(_OPERATION)
    head = [(_CHARSET, "attributes-charset", "utf-8"), (_LANGUAGE, "attributes-natural-language", "en")]
    for tag, name, value in head + attributes:
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            raw = struct.pack(">i", item) if tag in (_INTEGER, _ENUM) else str(item).encode("utf-8")
            label = name.encode("ascii") if index == 0 else b""
            out += struct.pack(">BH", tag, len(label)) + label + struct.pack(">H", len(raw)) + raw
    out.append(_END)
    return bytes(out)


def decode(data: bytes) -> tuple[int, list[tuple[int, Attributes]]]:
    """The status code and attribute groups of an IPP response."""
    if len(data) < 9:
        raise IppFailure("the CUPS server sent a truncated IPP response")
    status = struct.unpack(">H", data[2:4])[0]
    groups: list[tuple[int, Attributes]] = []
    offset, name = 8, ""
    while offset < len(data):
        tag = data[offset]
        offset += 1
        if tag == _END:
            break
        if tag < 0x10:
            groups.append((tag, {}))
            continue
        name_length = struct.unpack(">H", data[offset:offset + 2])[0]
        label = data[offset + 2:offset + 2 + name_length].decode("utf-8", "replace")
        offset += 2 + name_length
        value_length = struct.unpack(">H", data[offset:offset + 2])[0]
        raw = data[offset + 2:offset + 2 + value_length]
        offset += 2 + value_length
        name = label or name
        if groups and tag not in _NO_VALUE:
            groups[-1][1].setdefault(name, []).append(_value(tag, raw))
    return status, groups


def _value(tag: int, raw: bytes) -> Any:
    if tag in (_INTEGER, _ENUM) and len(raw) == 4:
        return struct.unpack(">i", raw)[0]
    if tag == _BOOLEAN and len(raw) == 1:
        return bool(raw[0])
    if 0x41 <= tag <= 0x49:  # the text, name, keyword, uri, charset, language and mime types
        return raw.decode("utf-8", "replace")
    return raw


def printer_uri(name: str) -> tuple[int, str, str]:
    return (_URI, "printer-uri", f"ipp://localhost/printers/{name}")


def job_attributes(job_id: int) -> list[tuple[int, str, Any]]:
    """Names a job; as its owner, for CUPS shows the job name only to the user who submitted it."""
    import getpass

    return [(_URI, "printer-uri", "ipp://localhost/"), (_INTEGER, "job-id", job_id),
            (_NAME, "requesting-user-name", getpass.getuser())]


def requested(*names: str) -> tuple[int, str, list[str]]:
    return (_KEYWORD, "requested-attributes", list(names))
