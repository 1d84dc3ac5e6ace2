"""The trusted side of a network grant: resolve the approved host, refuse local
addresses, connect, hand the socket to the worker.

The worker has no network interface (its own network namespace) and seccomp
refuses it any inet socket, so the only connections it has are the ones made
here: to a host the policy approved, on port 80, 443 or the URL's own port, at
an address that is public — unless ``allow_private`` says a rule names the host.

Refused address classes (after unwrapping v4-mapped, NAT64 and 6to4 forms):
loopback, RFC 1918 and other private ranges, ULA (fc00::/7), link-local,
CGNAT (100.64/10), multicast, unspecified, reserved/documentation and the cloud
metadata endpoints (169.254.169.254, fd00:ec2::254 — these only when the
approved host *is* that literal address and a rule names it).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Callable, Iterable

from llmos.policy.engine import host_of

CONNECT_TIMEOUT = 30.0
METADATA = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                      ipaddress.ip_address("169.254.170.2")})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class NetworkRefused(Exception):
    """The connection is not allowed; the message says why and what to do."""


def unwrap(ip: ipaddress._BaseAddress) -> ipaddress._BaseAddress:
    """The IPv4 address hidden in a v4-mapped, v4-compatible, NAT64 or 6to4 IPv6 address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if int(ip) >> 32 == 0 and int(ip) > 1:          # ::a.b.c.d (deprecated v4-compatible)
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_class(address: str) -> str | None:
    """Why ``address`` is local ('loopback', 'private', 'metadata', ...), or None if public."""
    ip = unwrap(ipaddress.ip_address(address.split("%")[0]))
    if ip in METADATA or unwrap(ipaddress.ip_address(address.split("%")[0])) in METADATA:
        return "cloud metadata"
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_link_local:
        return "link-local"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "carrier-grade NAT (shared)"
    if ip.is_private:
        return "private"
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


PrivateRule = Callable[[str], bool]


def private_rule(allow: bool | Iterable[str] | PrivateRule | None) -> PrivateRule:
    """``allow_private_hosts`` as a predicate on a canonical host."""
    if allow is None or allow is False:
        return lambda host: False
    if allow is True:
        return lambda host: True
    if callable(allow):
        return allow
    names = {host_of(h) or h for h in allow}
    return lambda host: host in names


def resolve(host: str, port: int, *, allow_private: bool) -> list[tuple]:
    """Addresses of ``host`` allowed for a connection: [(family, sockaddr)], or NetworkRefused."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        infos = [(socket.AF_INET6 if literal.version == 6 else socket.AF_INET,
                  (str(literal), port) if literal.version == 4 else (str(literal), port, 0, 0))]
    else:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except socket.gaierror as e:
            raise NetworkRefused(f"cannot resolve {host}: {e.strerror}") from None
        infos = [(fam, sa) for fam, _t, _p, _c, sa in found if fam in (socket.AF_INET, socket.AF_INET6)]
    allowed, refused = [], []
    for fam, sa in infos:
        cls = address_class(sa[0])
        if cls is None:
            allowed.append((fam, sa))
        elif cls == "cloud metadata":
            # only the literal address itself, named by a rule
            if allow_private and literal is not None:
                allowed.append((fam, sa))
            else:
                refused.append((sa[0], cls))
        elif allow_private:
            allowed.append((fam, sa))
        else:
            refused.append((sa[0], cls))
    if not allowed:
        if refused:
            addr, cls = refused[0]
            shown = host if addr == host else f"{host} (resolves to {addr})"
            raise NetworkRefused(
                f"{shown} is a {cls} address; llmos connects to loopback, private, link-local "
                "and cloud-metadata addresses only when a policy rule names the host")
        raise NetworkRefused(f"{host} has no usable address")
    return allowed


def connect(host: str, port: int, *, allow_private: bool, timeout: float = CONNECT_TIMEOUT) -> socket.socket:
    """A connected TCP socket to ``host`` (already approved by the caller)."""
    last: OSError | None = None
    for fam, sa in resolve(host, port, allow_private=allow_private):
        s = socket.socket(fam, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        try:
            s.settimeout(timeout)
            s.connect(sa)
            s.settimeout(None)
            return s
        except OSError as e:
            s.close()
            last = e
    raise NetworkRefused(f"cannot connect to {host} port {port}: {getattr(last, 'strerror', None) or last}")


def pick_address(host: str, *, allow_private: bool) -> str:
    """One allowed address of ``host`` (for ICMP, which has no port)."""
    return resolve(host, 0, allow_private=allow_private)[0][1][0]
