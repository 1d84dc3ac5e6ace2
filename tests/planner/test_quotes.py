"""Quoted text read through a stand-in: which quotes are stood in, how they come back, and
that the shipped planner then plans what the request says."""

import pytest

from llmos.planner import plan_request
from llmos.planner.quotes import quotes_restored, quotes_stood_in, quotes_used
from llmos.cli.ask import decide_steps
from llmos.tools import Context


def test_quoted_texts_are_stood_in_in_order():
    stood, originals = quotes_stood_in("search the logs for 'usb disconnect' and notify me \"found it\"")
    assert stood == "search the logs for 'hello world' and notify me \"see you soon\""
    assert originals == {"hello world": "usb disconnect", "see you soon": "found it"}


@pytest.mark.parametrize("request_", [
    "copy '~/My Notes' to /tmp",                          # a path
    "move 'Tax Return 2023.pdf' to ~/Documents",          # a file name
    "list 'IMG_*' in Pictures",                           # a wildcard
    "a new folder called 'Receipts 2025' on my desktop",  # a name given
    "get rid of the 'tmp renders' folder in Videos",
    "make 'Client Work' directory",
    "写入 '你好，世界' 到 ~/a.txt",                          # Chinese: no stand-in for it
    "say 'hello world' and 'see you soon' and 'good morning' and 'nice weather'",   # no stand-in left
    "an apostrophe is no quote: don't stop firefox's tab",
])
def test_names_and_paths_are_never_stood_in(request_):
    assert quotes_stood_in(request_) == (request_, {})


def test_a_host_in_a_quoted_line_is_no_file_name():
    stood, originals = quotes_stood_in("add '127.0.0.1 facebook.com' to /etc/hosts")
    assert originals == {"hello world": "127.0.0.1 facebook.com"}


def test_a_stand_in_comes_back_as_the_quoted_text_escaped():
    request = 'write "say \\"hi\\"" to ~/a.txt'
    text = 'files.write path=" ~/a.txt" content=" hello world"'
    restored = quotes_restored(text, {"hello world": 'say \\"hi\\"'}, request)
    assert restored == 'files.write path=" ~/a.txt" content=" say \\\\\\"hi\\\\\\""'


def test_a_stand_in_copied_in_part_is_no_reading():
    assert quotes_restored('system.logs grep=" world"', {"hello world": "usb disconnect"},
                           "search the logs for 'usb disconnect'") is None
    # ... unless the request says that word itself
    assert quotes_restored('system.logs grep=" world"', {"hello world": "usb"},
                           "search for 'usb' in my world") == 'system.logs grep=" world"'


def test_quotes_used_counts_the_quoted_texts_a_plan_passes_on():
    request = "notify me 'build done' with the text 'all green'"
    assert quotes_used('desktop.notify title=" build done"', request) == 1
    assert quotes_used('desktop.notify title=" build done" body=" all green"', request) == 2


@pytest.mark.parametrize("request_, path, content, append", [
    ("append the line 'me ALL=(ALL) NOPASSWD: ALL' to /etc/sudoers", "/etc/sudoers", "me ALL=(ALL) NOPASSWD: ALL\n", True),
    ("add '127.0.0.1 facebook.com' to /etc/hosts", "/etc/hosts", "127.0.0.1 facebook.com\n", True),
    ("overwrite /etc/resolv.conf with \"nameserver 1.1.1.1\"", "/etc/resolv.conf", "nameserver 1.1.1.1", False),
])
def test_unusual_quoted_lines_are_written_as_asked_and_denied(request_, path, content, append, registry, home):
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    outcome = plan_request(request_, registry, ctx, use_config=False)
    assert [(s.intent, s.args) for s in outcome.plan.steps] == [
        ("files.write", {"path": path, "content": content, "append": append})], outcome.text
    assert [verdict for verdict, _ in decide_steps(outcome.plan.steps, registry, ctx)] == ["deny"]
