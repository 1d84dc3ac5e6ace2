"""Every architecture against transformers on the same tiny random weights."""

from __future__ import annotations

import pytest
import torch

import llmos.engine as engine

from .conftest import ARCHS

GEN = torch.Generator().manual_seed(1)
PROMPTS = torch.randint(3, 320, (2, 160), generator=GEN)


def hf_greedy(hf, ids: torch.Tensor, n: int) -> list[int]:
    # transformers' own KV cache path, argmax each step, no EOS handling
    with torch.no_grad():
        out = hf(ids, use_cache=True)
        tokens = [int(out.logits[0, -1].argmax())]
        for _ in range(n - 1):
            out = hf(torch.tensor([[tokens[-1]]]), past_key_values=out.past_key_values, use_cache=True)
            tokens.append(int(out.logits[0, -1].argmax()))
    return tokens


@pytest.fixture(scope="module")
def loaded(tiny_checkpoint, hf_reference):
    cache = {}

    def get(arch: str, dtype: str = "fp32"):
        if (arch, dtype) not in cache:
            path = tiny_checkpoint(arch)
            cache[arch, dtype] = (engine.load(path, dtype=dtype), hf_reference(path))
        return cache[arch, dtype]
    return get


@pytest.mark.parametrize("arch", ARCHS)
def test_fp32_logits_match(loaded, arch):
    model, hf = loaded(arch)
    ids = PROMPTS[:, :48]
    with torch.no_grad():
        ref = hf(ids).logits
    out = model.logits(ids)
    assert out.shape == ref.shape and out.dtype == torch.float32
    rel = (out - ref).abs().max() / ref.abs().max()
    assert rel < 1e-4, f"{arch}: max|dlogit| / max|logit| = {rel:.2e}"


@pytest.mark.parametrize("arch", ARCHS)
def test_greedy_continuation_matches(loaded, arch):
    model, hf = loaded(arch)
    prompt = PROMPTS[:1, :12]
    ours = list(model.generate(prompt, max_new_tokens=32, ignore_eos=True))
    assert ours == hf_greedy(hf, prompt, 32)


@pytest.mark.parametrize("arch", ARCHS)
def test_cached_decode_matches_full_forward(loaded, arch):
    # prefill in two chunks, then single steps: logits equal the uncached forward
    model, _ = loaded(arch)
    ids = PROMPTS[:1, :20]
    full = model.logits(ids)
    cache = model.make_cache(1, 32)
    with torch.inference_mode():
        parts = [model(ids[:, :7], cache), model(ids[:, 7:15], cache)]
        parts += [model(ids[:, t:t + 1], cache) for t in range(15, 20)]
    stepped = torch.cat(parts, dim=1)
    assert (stepped - full).abs().max() / full.abs().max() < 1e-5


@pytest.mark.parametrize("arch", ARCHS)
def test_bf16_top1_agreement(loaded, arch):
    # Random tiny models sit on near-ties that any bf16 run flips (transformers' own bf16 agrees
    # with its fp32 on only 96-99% of positions here), so the 99% gate counts the positions
    # where the fp32 reference has a clear winner: a top-2 margin above 0.1 logit std.
    model, hf = loaded(arch, "bf16")
    assert model.dtype == torch.bfloat16
    ids = torch.cat([PROMPTS, PROMPTS.flip(-1)])
    with torch.no_grad():
        ref = hf(ids).logits
    same = model.logits(ids).argmax(-1) == ref.argmax(-1)
    top2 = ref.topk(2, dim=-1).values
    decisive = (top2[..., 0] - top2[..., 1]) > 0.1 * ref.std()
    assert decisive.sum() >= 256
    assert same[decisive].float().mean() >= 0.99, f"{arch}: {same[decisive].float().mean():.4f}"
    assert same.float().mean() >= 0.95, f"{arch}: overall {same.float().mean():.4f}"


def test_deepseek_v2_plain_greedy_routing(tiny_checkpoint, hf_reference):
    path = tiny_checkpoint("deepseek_v2", topk_method="greedy", n_group=1, topk_group=1)
    model, hf = engine.load(path), hf_reference(path)
    ids = PROMPTS[:, :32]
    with torch.no_grad():
        ref = hf(ids).logits
    assert (model.logits(ids) - ref).abs().max() / ref.abs().max() < 1e-4


def test_routing_is_exercised(loaded):
    # different tokens must reach different experts, or the parity tests prove little
    model, _ = loaded("qwen3_moe")
    moe = model.model.layers[0].mlp
    x = torch.randn(64, model.args.hidden_size)
    inds, _ = moe.route(moe.gate(x), moe.gate)
    assert len(inds.unique()) == moe.experts.num_experts
