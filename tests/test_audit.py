"""The audit log: append + verify, tampering found at its line, torn tails, kill -9 mid-write."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from llmos import audit


@pytest.fixture
def log(home):
    return audit.default_path()


def fill(log, n):
    for i in range(n):
        audit.append({"event": "decision", "intent": "files.find", "args": {"i": i}}, path=log)


def lines(log):
    return log.read_bytes().split(b"\n")[:-1]


def rewrite(log, raws):
    log.write_bytes(b"".join(r + b"\n" for r in raws))


def test_append_then_verify_ok(log):
    fill(log, 5)
    report = audit.verify(log)
    assert report.ok and (report.entries, report.verified) == (5, 5)
    entries = [json.loads(r) for r in lines(log)]
    assert [e["seq"] for e in entries] == list(range(5))
    assert entries[0]["prev"] == audit.GENESIS
    assert all(b["prev"] == a["hash"] for a, b in zip(entries, entries[1:]))
    assert report.head == entries[-1]["hash"]
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700


def test_hash_is_over_canonical_serialisation(log):
    fill(log, 1)
    raw = lines(log)[0]
    entry = json.loads(raw)
    body = {k: v for k, v in entry.items() if k != "hash"}
    import hashlib
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry["hash"] == hashlib.sha256(canon.encode()).hexdigest()
    assert b" " not in raw.replace(b'"files.find"', b"")  # no whitespace in the line


def test_one_edited_byte_is_found_at_its_line(log):
    fill(log, 5)
    raws = lines(log)
    raws[2] = raws[2].replace(b'"i":2', b'"i":7')
    rewrite(log, raws)
    report = audit.verify(log)
    assert not report.intact
    assert [(p.line, p.kind) for p in report.problems] == [(3, "edited")]
    assert report.verified == 4


def test_a_deleted_line_is_found(log):
    fill(log, 5)
    raws = lines(log)
    del raws[1]
    rewrite(log, raws)
    report = audit.verify(log)
    assert {(p.line, p.kind) for p in report.problems} == {(2, "chain"), (2, "seq")}
    assert "1 entry missing" in str([str(p) for p in report.problems])


def test_swapped_lines_are_found(log):
    fill(log, 5)
    raws = lines(log)
    raws[1], raws[3] = raws[3], raws[1]
    rewrite(log, raws)
    report = audit.verify(log)
    assert not report.intact
    assert min(p.line for p in report.problems) == 2
    assert all(p.kind in ("chain", "seq") for p in report.problems)


def test_an_inserted_line_is_found(log):
    fill(log, 3)
    raws = lines(log)
    forged = dict(json.loads(raws[1]), intent="files.delete")
    forged["hash"] = audit.entry_hash(forged)
    raws.insert(2, audit.canonical_bytes(forged))
    rewrite(log, raws)
    report = audit.verify(log)
    assert (3, "chain") in {(p.line, p.kind) for p in report.problems}


def test_torn_tail_is_reported_and_earlier_entries_verify(log):
    fill(log, 4)
    data = log.read_bytes()
    log.write_bytes(data[:-20])            # the crash cut the last line short
    report = audit.verify(log)
    assert report.intact and not report.ok
    assert report.torn_tail.line == 4 and report.verified == 3
    # the next append cuts the fragment and continues the chain
    audit.append({"event": "decision", "intent": "after.crash"}, path=log)
    report = audit.verify(log)
    assert report.ok and report.entries == 4
    assert json.loads(lines(log)[-1])["seq"] == 3


def test_a_damaged_last_complete_line_stays_reported_at_that_line_only(log):
    fill(log, 3)
    raws = lines(log)
    raws[-1] = b"garbage"
    rewrite(log, raws)
    audit.append({"event": "decision", "intent": "next"}, path=log)
    report = audit.verify(log)
    assert [(p.line, p.kind) for p in report.problems] == [(3, "unparsable")]


def test_arguments_are_recorded_but_long_contents_are_not(log):
    from llmos.policy import Decision, Principal
    body = "secret file body " * 100
    audit.record_decision(Principal(uid=1, user="u", home="/h"), "files.write",
                          {"path": "/h/a", "content": body}, Decision("ask", "why", "r"),
                          path=log)
    audit.record_execution(None, "files.read", {"path": "/h/a"}, "ok", duration_s=0.01,
                           path=log)
    first, second = (json.loads(r) for r in lines(log))
    assert first["args"]["path"] == "/h/a"
    assert first["args"]["content"]["length"] == len(body)
    assert body not in log.read_text()
    assert first["decision"] == {"verdict": "ask", "reason": "why", "rule": "r"}
    assert second["outcome"] == "ok" and "result" not in second
    assert second["duration_ms"] == 10.0


def test_concurrent_writers_keep_one_linear_chain(log):
    threads = [threading.Thread(target=fill, args=(log, 25)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = audit.verify(log)
    assert report.ok and report.entries == 100


WRITER = textwrap.dedent("""\
    import sys
    from llmos import audit
    path = sys.argv[1]
    i = 0
    print("ready", flush=True)
    while True:
        audit.append({"event": "decision", "intent": "loop", "args": {"i": i,
                      "pad": "x" * (i % 400)}}, path=path)
        i += 1
""")


def _env_with_llmos():
    import llmos
    root = os.path.dirname(os.path.dirname(os.path.abspath(llmos.__file__)))
    return dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))


def test_kill_9_while_appending_leaves_a_log_that_verifies(log):
    log.parent.mkdir(parents=True, exist_ok=True)
    for round_ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(log)],
                                stdout=subprocess.PIPE, env=_env_with_llmos())
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(0.3 + 0.1 * round_)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        report = audit.verify(log)
        assert report.intact, [str(p) for p in report.problems]
        assert report.verified == report.entries > 0
    # a writer after the crashes continues the chain
    audit.append({"event": "decision", "intent": "after"}, path=log)
    report = audit.verify(log)
    assert report.ok, [str(p) for p in report.problems]


def test_missing_log_is_empty_and_intact(log):
    report = audit.verify(log)
    assert report.ok and report.entries == 0
    assert audit.read_entries(log) == []
