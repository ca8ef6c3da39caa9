"""E-mail addresses (lowercased) and IP addresses (IPv4 dotted, IPv6 compressed, as :mod:`ipaddress` writes them)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from arbiter_desktop.entities.model import Entity, EntityType
from arbiter_desktop.textfold import fold

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]*\w@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,24}(?![\w\-]|\.\w)")
_IPV4 = re.compile(r"(\d(?<![\w.]\d)\d{0,2})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w]|\.\d)")
_IPV6 = re.compile(r"[0-9A-Fa-f:](?<![\w:.][0-9A-Fa-f:])[0-9A-Fa-f:]{1,38}(?![\w:]|\.\d)")


def find_emails(text: str) -> Iterator[Entity]:
    for m in _EMAIL.finditer(text):
        value = fold(m.group(0))
        if value.startswith(".") or ".." in value:
            continue
        yield Entity(EntityType.EMAIL, value, value, m.start(), m.end())


def find_ips(text: str) -> Iterator[Entity]:
    for m in _IPV4.finditer(text):
        octets = m.groups()
        if any(len(o) > 1 and o.startswith("0") for o in octets) or any(int(o) > 255 for o in octets):
            continue
        value = ".".join(octets)
        yield Entity(EntityType.IP, value, value, m.start(), m.end())
    if text.count(":") < 2:
        return
    for m in _IPV6.finditer(text):
        written = m.group(0)
        if written.count(":") < 2:
            continue
        if "::" not in written and written.count(":") != 7:
            continue  # "10:12:37" is a time
        if not any(c.isalnum() for c in written):
            continue
        try:
            address = ipaddress.IPv6Address(written)
        except ValueError:
            continue
        value = address.compressed
        yield Entity(EntityType.IP, value, value, m.start(), m.end())
