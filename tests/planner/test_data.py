"""Training data: joined requests keep their steps' references right; chains of three steps."""

from __future__ import annotations

import pytest

from llmos.plan.refs import is_ref, moved_refs, parse_ref, referenced_steps
from llmos.planner.data import Generator


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
