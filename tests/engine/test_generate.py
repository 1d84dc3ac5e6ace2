"""Generation: sampling, stop conditions, logits mask, continuous batching."""

from __future__ import annotations

import pytest
import torch

import llmos.engine as engine
from llmos.engine.scheduler import Scheduler

from .conftest import ARCHS

PROMPTS = [torch.randint(3, 320, (n,), generator=torch.Generator().manual_seed(n)).tolist() for n in (5, 17, 9, 30)]


@pytest.fixture(scope="module")
def model(tiny_checkpoint):
    return engine.load(tiny_checkpoint("qwen3_moe"))


def test_greedy_is_deterministic(model):
    a = list(model.generate(PROMPTS[1], max_new_tokens=20, ignore_eos=True))
    b = list(model.generate(PROMPTS[1], max_new_tokens=20, ignore_eos=True))
    assert a == b and len(a) == 20


def test_seeded_sampling_repeats(model):
    opts = dict(max_new_tokens=16, temperature=0.9, top_k=50, top_p=0.9, ignore_eos=True)
    a = list(model.generate(PROMPTS[0], seed=7, **opts))
    assert a == list(model.generate(PROMPTS[0], seed=7, **opts))
    assert a != list(model.generate(PROMPTS[0], seed=8, **opts))


def test_top_k_one_is_greedy(model):
    greedy = list(model.generate(PROMPTS[2], max_new_tokens=10, ignore_eos=True))
    assert list(model.generate(PROMPTS[2], max_new_tokens=10, temperature=1.0, top_k=1, seed=0,
                               ignore_eos=True)) == greedy


def test_stop_token_and_eos(model):
    greedy = list(model.generate(PROMPTS[1], max_new_tokens=20, ignore_eos=True))
    stop = greedy[5]
    out = list(model.generate(PROMPTS[1], max_new_tokens=20, stop_tokens=[stop], ignore_eos=True))
    assert out == greedy[:greedy.index(stop) + 1]


def test_stop_string(model):
    greedy = list(model.generate(PROMPTS[3], max_new_tokens=12, ignore_eos=True))
    text = model.tokenizer.decode(greedy[:6], skip_special_tokens=False)
    out = list(model.generate(PROMPTS[3], max_new_tokens=12, stop_strings=[text[-2:]], ignore_eos=True))
    assert len(out) <= 6 and out == greedy[:len(out)]


def test_logits_mask_constrains_every_step(model):
    allowed = {10, 11, 12}
    seen = []

    def mask(generated):
        seen.append(list(generated))
        m = torch.zeros(320, dtype=torch.bool)
        m[list(allowed)] = True
        return m
    out = list(model.generate(PROMPTS[0], max_new_tokens=8, logits_mask=mask, ignore_eos=True))
    assert set(out) <= allowed and len(out) == 8
    assert seen[3] == out[:3]


def test_prompt_out_of_vocab_refused(model):
    with pytest.raises(ValueError, match="token ids"):
        list(model.generate([5, 999], max_new_tokens=2))


@pytest.mark.parametrize("arch", ARCHS)
def test_batched_equals_alone(tiny_checkpoint, arch):
    model = engine.load(tiny_checkpoint(arch))
    alone = [list(model.generate(p, max_new_tokens=12, ignore_eos=True)) for p in PROMPTS]
    sched = Scheduler(model, max_batch=3, max_len=64, prefill_chunk=8)
    # different lengths and max_new_tokens: requests finish and join at different steps
    reqs = [sched.submit(p, max_new_tokens=12 - 2 * (i % 2), ignore_eos=True) for i, p in enumerate(PROMPTS)]
    steps = 0
    while sched.busy:
        sched.step()
        steps += 1
    assert [r.generated for r in reqs] == [a[:12 - 2 * (i % 2)] for i, a in enumerate(alone)]
    assert steps < sum(len(a) for a in alone)     # decode steps were shared


def test_scheduler_streams_fairly(model):
    sched = Scheduler(model, max_batch=2, max_len=64)
    a = sched.submit(PROMPTS[0], max_new_tokens=4, ignore_eos=True)
    b = sched.submit(PROMPTS[1], max_new_tokens=4, ignore_eos=True)
    c = sched.submit(PROMPTS[2], max_new_tokens=4, ignore_eos=True)
    order = [req.id for req, _ in sched.stream()]
    # first come first served: c waits for a free slot, a and b interleave
    assert order.index(c.id) > order.index(a.id) and order[:4].count(b.id) >= 1
    assert all(len(r.generated) == 4 for r in (a, b, c))
