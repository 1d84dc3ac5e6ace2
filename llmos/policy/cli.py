"""``llmosctl grants list|revoke`` and ``llmosctl audit show|verify``.

``register(subparsers)`` adds the commands to the main CLI; each parser sets
``func(namespace) -> int`` (the exit status).  ``main(argv)`` runs them alone.
Exit statuses: 0 fine, 1 a problem found (tampered log, unknown grant id),
2 a torn tail only (a crash artefact the next append repairs).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from typing import Sequence

from llmos import audit
from llmos.errors import LlmosError
from llmos.policy.grants import GrantStore

EXIT_OK, EXIT_PROBLEM, EXIT_TORN = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``grants`` and ``audit`` to a CLI's subparsers."""
    grants = subparsers.add_parser("grants", help="remembered consent answers").add_subparsers(
        dest="action", required=True)
    p = grants.add_parser("list", help="list grants")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--all", action="store_true", help="include expired grants")
    p.set_defaults(func=cmd_grants_list)
    p = grants.add_parser("revoke", help="revoke a grant by ID, or every grant with --all")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("id", nargs="?", metavar="ID")
    g.add_argument("--all", action="store_true", help="revoke every grant")
    p.set_defaults(func=cmd_grants_revoke)

    log = subparsers.add_parser("audit", help="the audit log").add_subparsers(
        dest="action", required=True)
    p = log.add_parser("show", help="the latest entries")
    p.add_argument("-n", type=int, default=20, metavar="N", help="how many (default 20)")
    p.add_argument("--json", action="store_true", help="one JSON object per line, as stored")
    p.set_defaults(func=cmd_audit_show)
    p = log.add_parser("verify", help="check the hash chain; says where it breaks")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_audit_verify)


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return _dt.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S")


def cmd_grants_list(ns: argparse.Namespace) -> int:
    store = GrantStore()
    grants = store.all() if ns.all else store.live()
    if ns.json:
        print(json.dumps({"grants": [g.to_json() for g in grants]}, indent=1))
        return EXIT_OK
    if not grants:
        print("no grants")
        return EXIT_OK
    rows = [("ID", "VERDICT", "LIFETIME", "INTENT", "EFFECT", "SCOPE", "EXPIRES")]
    rows += [(g.id, g.verdict, g.lifetime, g.intent or "*", g.capability, g.scope,
              _time(g.expires) if g.expires else ("this session" if g.session else "never"))
             for g in grants]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return EXIT_OK


def cmd_grants_revoke(ns: argparse.Namespace) -> int:
    store = GrantStore()
    if ns.all:
        print(f"revoked {store.revoke_all()} grant(s)")
        return EXIT_OK
    if store.revoke(ns.id):
        print(f"revoked {ns.id}")
        return EXIT_OK
    print(f"llmosctl: no grant with id {ns.id}; see 'llmosctl grants list'", file=sys.stderr)
    return EXIT_PROBLEM


def cmd_audit_show(ns: argparse.Namespace) -> int:
    entries = audit.read_entries(n=ns.n)
    if ns.json:
        for e in entries:
            print(json.dumps(e, sort_keys=True, ensure_ascii=False))
        return EXIT_OK
    for e in entries:
        who = e.get("principal", {}).get("user", "?")
        if e.get("event") == "decision":
            d = e.get("decision", {})
            what = f"{d.get('verdict', '?'):5} {d.get('rule', '')}"
            if e.get("dry_run"):
                what += " (dry run)"
        else:
            what = f"{e.get('outcome', '?'):5} {e.get('duration_ms', 0)} ms"
            if e.get("error"):
                what += f" {e['error']}"
        print(f"{e.get('seq', '?'):>5} {e.get('time', '?')} {who} {e.get('event', '?'):9} "
              f"{e.get('intent', '?')} {what}")
    return EXIT_OK


def cmd_audit_verify(ns: argparse.Namespace) -> int:
    report = audit.verify()
    if ns.json:
        print(json.dumps(report.to_json(), indent=1))
    else:
        for p in report.problems:
            print(f"{report.path}:{p}")
        if report.torn_tail:
            print(f"{report.path}:{report.torn_tail}")
        state = "ok" if report.ok else ("intact up to a torn tail" if report.intact
                                        else "TAMPERED or damaged")
        print(f"{report.path}: {state}: {report.verified}/{report.entries} entries verify; "
              f"head {report.head}")
    if not report.intact:
        return EXIT_PROBLEM
    return EXIT_OK if report.ok else EXIT_TORN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llmosctl", description="llmos grants and audit log")
    register(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``grants``/``audit`` commands standalone; returns the exit status."""
    ns = build_parser().parse_args(argv)
    try:
        return ns.func(ns)
    except LlmosError as e:
        print(f"llmosctl: {e}", file=sys.stderr)
        return EXIT_PROBLEM


if __name__ == "__main__":
    sys.exit(main())
