"""Quoted text and URLs read through stand-ins: which are stood in, how they come back, and
that the shipped planner then plans what the request says."""

import pytest

from llmos.planner import plan_request
from llmos.planner.standins import restored, stood_in, texts_used
from llmos.cli.ask import decide_steps
from llmos.tools import Context


def test_quoted_texts_are_stood_in_in_order():
    stood, originals = stood_in("search the logs for 'usb disconnect' and notify me \"found it\"")
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
    "say 'hello world' and 'see you soon' and 'good morning' and 'nice weather' and 'ok'",   # none left
    "an apostrophe is no quote: don't stop firefox's tab",
])
def test_names_and_paths_are_never_stood_in(request_):
    assert stood_in(request_) == (request_, {})


def test_a_host_in_a_quoted_line_is_no_file_name():
    stood, originals = stood_in("add '127.0.0.1 facebook.com' to /etc/hosts")
    assert originals == {"hello world": "127.0.0.1 facebook.com"}


def test_a_stand_in_comes_back_as_the_quoted_text_escaped():
    request = 'write "say \\"hi\\"" to ~/a.txt'
    text = 'files.write path=" ~/a.txt" content=" hello world"'
    back = restored(text, {"hello world": 'say \\"hi\\"'}, request)
    assert back == 'files.write path=" ~/a.txt" content=" say \\\\\\"hi\\\\\\""'


def test_a_stand_in_copied_in_part_is_no_reading():
    assert restored('system.logs grep=" world"', {"hello world": "usb disconnect"},
                           "search the logs for 'usb disconnect'") is None
    # ... unless the request says that word itself
    assert restored('system.logs grep=" world"', {"hello world": "usb"},
                           "search for 'usb' in my world") == 'system.logs grep=" world"'


def test_texts_used_counts_the_quoted_texts_and_urls_a_plan_passes_on():
    request = "notify me 'build done' with the text 'all green'"
    assert texts_used('desktop.notify title=" build done"', request) == 1
    assert texts_used('desktop.notify title=" build done" body=" all green"', request) == 2
    request = "ping example.cn.org, then fetch https://mirrors.example.cn/x.iso"
    assert texts_used('net.ping host=" mirrors.example.cn"', request) == 1      # by its host
    assert texts_used('net.fetch url=" https://mirrors.example.cn/x.iso"', request) == 1


def test_a_url_is_stood_in_by_one_on_example_org_with_its_file_name():
    stood, originals = stood_in("下载 https://mirrors.tuna.tsinghua.edu.cn/debian/README 到 /tmp。")
    assert stood == "下载 https://example.org/README 到 /tmp。"
    assert originals == {"https://example.org/README": "https://mirrors.tuna.tsinghua.edu.cn/debian/README",
                         "example.org": "mirrors.tuna.tsinghua.edu.cn"}
    stood, originals = stood_in("fetch https://a.cn/x.zip and https://b.cn")
    assert stood == "fetch https://example.org/x.zip and https://example.net"
    # ... and comes back, the host too where the plan named the host alone
    text = 'net.fetch url=" https://example.org/x.zip" ; net.ping host=" example.net"'
    assert restored(text, originals, "fetch https://a.cn/x.zip and https://b.cn") == \
        'net.fetch url=" https://a.cn/x.zip" ; net.ping host=" b.cn"'
    # a URL on example.* is left as it is, and a stand-in host the request says is not used
    assert stood_in("fetch https://a.cn/x.zip, then open https://example.org/a")[0] == \
        "fetch https://example.net/x.zip, then open https://example.org/a"


def test_a_mirror_url_is_downloaded_as_asked(registry, home):
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    outcome = plan_request("下载 https://mirrors.tuna.tsinghua.edu.cn/debian/README 到 /tmp", registry, ctx, use_config=False)
    assert [(s.intent, s.args) for s in outcome.plan.steps] == [
        ("net.fetch", {"url": "https://mirrors.tuna.tsinghua.edu.cn/debian/README", "destination": "/tmp"})], outcome.text


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


def test_a_reading_that_fails_never_costs_the_other(monkeypatch):
    from llmos.planner.decode import Decoded, DecodeError
    from llmos.planner.grammar import Grammar
    from llmos.planner.models import EmbeddedPlanner
    from llmos.intents import Registry

    planner, grammar = EmbeddedPlanner(), Grammar.for_registry(Registry())
    request = "search the logs for 'usb disconnect'"
    plan = 'system.logs grep=" usb disconnect"'

    def as_written_only(req, *_):
        if "hello world" in req:
            raise DecodeError("dead ends")
        return Decoded([1], probs=[0.9]), plan
    monkeypatch.setattr(planner, "_decode", as_written_only)
    assert planner.draft(request, grammar).text == plan

    def stand_in_only(req, *_):
        if "hello world" not in req:
            raise DecodeError("dead ends")
        return Decoded([1], probs=[0.9]), 'system.logs grep=" hello world"'
    monkeypatch.setattr(planner, "_decode", stand_in_only)
    assert planner.draft(request, grammar).text == plan

    def neither(req, *_):
        raise DecodeError("dead ends")
    monkeypatch.setattr(planner, "_decode", neither)
    with pytest.raises(DecodeError):
        planner.draft(request, grammar)
