"""Intents: the manifest model, the registry, and the effects of a call."""

from llmos.intents.manifest import Example, Intent, load_manifest, parse_manifest
from llmos.intents.registry import Registry, default_search_path

__all__ = ["Example", "Intent", "Registry", "default_search_path", "load_manifest", "parse_manifest"]
