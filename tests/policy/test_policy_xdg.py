"""XDG directories, and property tests that no suffix or symlink opens a secret."""

from __future__ import annotations

import stat

from hypothesis import given, settings
from hypothesis import strategies as st

from llmos import xdg
from llmos.policy import DENY, Effect, Facts, Principal, decide, default_rules


def test_xdg_honours_absolute_vars_and_ignores_relative(home, monkeypatch, tmp_path):
    assert xdg.config_dir() == home / ".config" / "llmos"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")      # invalid per the spec
    assert xdg.config_home() == home / ".config"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert xdg.state_home() == home / ".local" / "state"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert xdg.cache_dir() == tmp_path / "c" / "llmos"


def test_state_dir_is_created_private_and_tightened(home):
    d = xdg.state_dir()
    assert d == home / ".local/state/llmos" and stat.S_IMODE(d.stat().st_mode) == 0o700
    d.chmod(0o755)
    assert stat.S_IMODE(xdg.state_dir().stat().st_mode) == 0o700


RULES = default_rules()
U = Principal(uid=1000, user="u", home="/home/u")
component = st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)),
                    min_size=1, max_size=12).filter(lambda c: c not in (".", ".."))


@settings(max_examples=200, deadline=None)
@given(secret=st.sampled_from([".ssh", ".gnupg", ".aws", ".kube", ".password-store",
                               ".local/share/keyrings", ".mozilla", ".config/llmos"]),
       rest=st.lists(component, max_size=4),
       kind=st.sampled_from(["read", "write", "delete"]),
       world=st.booleans())
def test_nothing_under_a_secret_is_ever_allowed(secret, rest, kind, world):
    path = "/".join(["/home/u", secret, *rest])
    effect = Effect(kind, path, "p", Facts(canonical=True, world_readable=world))
    assert decide(U, "files.any", {}, [effect], RULES, []).verdict == DENY
