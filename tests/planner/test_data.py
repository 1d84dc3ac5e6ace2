"""Training data: joined requests keep their steps' references right; chains of three steps."""

from __future__ import annotations

import re

import pytest

from llmos.plan.refs import is_ref, moved_refs, parse_ref, referenced_steps
from llmos.planner.data import DEV_SPLIT_LISTS, TRAIN_ONLY, TRAIN_ONLY_LISTS, Generator, is_dev_template


@pytest.fixture(scope="module")
def train(intents):
    return Generator(intents, seed=3).generate("train", 1)


def refs_of(args):
    for value in args.values():
        for v in value if isinstance(value, list) else [value]:
            if is_ref(v):
                yield parse_ref(v["$ref"])


def test_moved_refs_name_the_same_step_further_on():
    args = {"paths": {"$ref": "steps[0].paths"}, "sources": [{"$ref": "steps[1].paths[0]"}, "~/a"], "n": 3}
    assert moved_refs(args, lambda k: k + 2) == {"paths": {"$ref": "steps[2].paths"},
                                                 "sources": [{"$ref": "steps[3].paths[0]"}, "~/a"], "n": 3}
    assert referenced_steps(args) == {0, 1}
    assert referenced_steps({"path": "~/steps[0].txt"}) == set()   # a name, not a reference


def test_a_chain_joined_after_another_request_refers_to_its_own_first_step(train, registry):
    moved = [s for s in train if s.template.startswith("conj:") and
             any(k > 0 for _, args in s.steps for k, _ in refs_of(args))]
    assert len(moved) > 20
    for s in moved:
        for i, (_, args) in enumerate(s.steps):
            for k, parts in refs_of(args):
                assert k == i - 1, s      # a chain's second step uses the step just before it
                # ... and an output that step has
                assert parts[0] in registry.get(s.steps[k][0]).output_fields, s


def test_three_step_chains_and_one_item_references_are_trained(train):
    steps = [tuple(name for name, _ in s.steps) for s in train if s.template.startswith("p:")]
    assert ("files.mkdir", "files.find", "files.move") in steps
    items = {ref[1][-1] for s in train for _, args in s.steps for ref in refs_of(args)}
    assert 0 in items      # "@0.pids[0]": the first of an earlier result


def _phrasings(lists: dict, prefix: str = ""):
    """(template id, text) of every one-step, follow-up, pair and out-of-scope phrasing, ids as
    sources() makes them."""
    for k, (name, _, en, zh) in enumerate(lists["TEMPLATES"]):
        for lang, texts in (("en", en), ("zh", zh)):
            yield from ((f"{prefix}t:{name}:{k}:{lang}:{j}", t) for j, t in enumerate(texts))
    for f, (*_, en, zh) in enumerate(lists["FOLLOW"]):
        for lang, texts in (("en", en), ("zh", zh)):
            yield from ((f"{prefix}m:{f}:{lang}:{j}", t) for j, t in enumerate(texts))
    for p, (*_, en, zh) in enumerate(lists["PAIRS"]):
        for lang, texts in (("en", en), ("zh", zh)):
            yield from ((f"{prefix}p:{p}:{lang}:{j}", t) for j, t in enumerate(texts))
    for lang in ("en", "zh"):
        yield from ((f"{prefix}oos:{lang}:{j}", t) for j, t in enumerate(lists[f"OOS_{lang.upper()}"]))


def test_training_only_areas_train_and_stay_out_of_the_dev_split(intents):
    gen = Generator(intents, seed=0)
    parts = lambda s: s.template.removeprefix("conj:").split("|")
    assert not any(p.startswith(TRAIN_ONLY) for s in gen.generate("dev", 1) for p in parts(s))
    train = gen.generate("train", 1)
    assert sum(s.template.startswith(TRAIN_ONLY) for s in train) > 1000


def test_no_training_only_phrasing_is_a_dev_phrasing(intents):
    """The areas written after the split was frozen only widen training; one that repeated a
    held-out phrasing word for word would train on the dev split."""
    ids = {t for t, *_ in Generator(intents, seed=0).sources()}
    said = lambda t: " ".join(re.findall(r"\w+|\{\w+\}", t.lower()))
    dev = {said(t) for i, t in _phrasings(DEV_SPLIT_LISTS) if i in ids and is_dev_template(i)}
    wider = [(i, t) for i, t in _phrasings(TRAIN_ONLY_LISTS, TRAIN_ONLY) if i in ids]
    assert len(dev) > 500 and len(wider) > 1000
    assert [t for _, t in wider if said(t) in dev] == []
