"""One YAML parse that yields both the node tree (for line numbers) and the data.

libyaml (``CSafeLoader``) when PyYAML was built with it: about ten times faster than
the pure-Python parser, which matters for ``ask``'s start-up (manifests, policy rules).
Errors are PyYAML's own (``yaml.YAMLError``); callers turn them into their messages.
"""

from __future__ import annotations

from typing import Any

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str) -> tuple[yaml.Node | None, Any]:
    """``(node tree, constructed data)`` of one YAML document; ``(None, None)`` when empty."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()
