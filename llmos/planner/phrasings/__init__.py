"""More hand-written phrasings for the embedded planner's training data, one module per area.

Each module may define any of these lists; :mod:`llmos.planner.data` appends them,
in the fixed order of ``AREAS``, after its own (template ids are positional, so
appending keeps the dev split of the earlier templates stable):

- ``TEMPLATES``: ``(intent, args, [English phrasings], [Chinese phrasings])``, slots as
  in ``data.TEMPLATES`` ({dir}, {file}, {files}, {number}, {size}, {duration}, …);
- ``DANGER``: the same shape, for requests the policy must deny;
- ``OOS_EN`` / ``OOS_ZH``: requests no intent serves;
- ``SELECT_EN`` / ``SELECT_ZH``, ``FOLLOW``, ``PAIRS``: multi-step pieces.
"""

from __future__ import annotations

import importlib

AREAS = ("files_find", "files_ops", "net_desktop", "process_system", "multi_oos_danger", "args_relations",
         "distinctions", "oos_multi_more", "constructions", "multi_steps", "verbs_en", "colloquial_zh",
         "prose_args", "contrasts", "oos_wide", "compositions", "refs_and_chains")
# Written after the dev split was frozen, without looking at it: training only (their ids get
# ``data.TRAIN_ONLY``), so the dev split stays the one every earlier figure was measured on.
TRAIN_ONLY_AREAS = ("vocab_en", "vocab_zh", "vocab_multi")
KINDS = ("TEMPLATES", "DANGER", "OOS_EN", "OOS_ZH", "SELECT_EN", "SELECT_ZH", "FOLLOW", "PAIRS")


def collect(areas: tuple[str, ...] = AREAS) -> dict[str, list]:
    """Every area's lists, concatenated per kind; a missing area module adds nothing."""
    out: dict[str, list] = {k: [] for k in KINDS}
    for area in areas:
        try:
            module = importlib.import_module(f"{__name__}.{area}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{area}":
                raise
            continue
        for kind in KINDS:
            out[kind].extend(getattr(module, kind, []))
    return out
