import time
from pathlib import Path

import pytest

from llmos.errors import PlanError
from llmos.intents import Registry
from llmos.intents.registry import default_search_path, package_intents_dir
from tests.conftest import write_manifest


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_later_directories_override_earlier_ones_by_name(tmp_path, caplog):
    shipped, admin, user = tmp_path / "shipped", tmp_path / "etc", tmp_path / "user"
    write_manifest(shipped, "demo.a", title="Shipped A")
    write_manifest(shipped, "demo.b", title="Shipped B")
    write_manifest(admin, "demo.a", title="Admin A")
    write_manifest(user, "demo.a", title="User A")
    registry = Registry([shipped, admin, user])
    assert registry.get("demo.a").title == "User A"
    assert registry.get("demo.b").title == "Shipped B"
    assert [o.name for o in registry.overrides] == ["demo.a", "demo.a"]
    assert "overrides" in caplog.text


def test_default_search_path_order(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    path = default_search_path()
    assert path[0] == package_intents_dir()
    assert path[1:] == [Path("/usr/share/llmos/intents"), Path("/etc/llmos/intents.d"),
                        tmp_path / "llmos" / "intents"]


def test_broken_file_keeps_last_good_version_and_others_unaffected(tmp_path):
    d = tmp_path / "intents"
    a = write_manifest(d, "demo.a", title="Good A")
    write_manifest(d, "demo.b")
    registry = Registry([d])
    a.write_text(a.read_text().replace("title: Good A", "title: [broken"))
    registry.refresh_file(a)
    assert registry.get("demo.a").title == "Good A"
    assert "demo.b" in registry
    (error,) = registry.errors
    assert error.file == str(a) and error.line in (2, 3)  # where the parser notices


def test_broken_new_file_is_reported_and_not_registered(tmp_path):
    d = tmp_path / "intents"
    write_manifest(d, "demo.a")
    bad = write_manifest(d, "demo.bad", extra="effects: {reads: [nowhere]}\n")
    registry = Registry([d])
    assert registry.names() == ["demo.a"]
    (error,) = registry.errors
    assert error.file == str(bad) and error.field is not None


def test_unknown_intent_suggests_a_close_name(tmp_path):
    registry = Registry([write_manifest(tmp_path, "files.find").parent])
    with pytest.raises(PlanError, match="did you mean files.find"):
        registry.get("files.fnd")


def test_watchdog_picks_up_add_change_and_remove_within_a_second(tmp_path):
    d = tmp_path / "intents"
    write_manifest(d, "demo.a", title="First")
    registry = Registry([d])
    with registry.watch():
        time.sleep(0.2)
        b = write_manifest(d, "demo.b")
        assert wait_for(lambda: "demo.b" in registry, 1.0), "added file not seen within 1 s"
        write_manifest(d, "demo.a", title="Second")
        assert wait_for(lambda: registry.get("demo.a").title == "Second", 1.0)
        b.unlink()
        assert wait_for(lambda: "demo.b" not in registry, 1.0)
        a = d / "demo.a.yaml"
        a.write_text("name: [oops\n")
        assert wait_for(lambda: registry.errors, 1.0)
        assert registry.get("demo.a").title == "Second"  # last good version stays


def test_shipped_catalogue_loads_cleanly():
    registry = Registry([package_intents_dir()])
    assert registry.errors == []
    assert len(registry) >= 1
