"""Kernel selection and the ``model`` CLI."""

from __future__ import annotations

import json
import os
import shutil

import pytest
import torch

import llmos.engine as engine
from llmos.engine import cli, kernels
from llmos.engine.kernels import cpp
from llmos.engine.moe import Experts
from llmos.engine.quant import quantize_int8


def test_backend_names_the_path():
    name = kernels.backend()
    assert name.startswith(("cpp", "torch"))


# The C++ kernels are built here when a compiler is present (about 30 s, once per machine:
# the build is cached), so the compiled path is tested wherever it could be used.
needs_cpp = pytest.mark.skipif(shutil.which(os.environ.get("CXX", "c++")) is None,
                               reason="no C++ compiler: the engine runs its pure-torch path")


def rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return ((a.float() - b.float()).norm() / b.float().norm()).item()


@needs_cpp
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_cpp_decode_matches_torch(dtype):
    assert kernels.build()
    torch.manual_seed(0)
    experts = Experts(8, 64, 32)
    with torch.no_grad():
        experts.gate_up.normal_(0, 0.1)
        experts.down.normal_(0, 0.1)
    experts = experts.to(dtype)
    x = torch.randn(1, 64, dtype=dtype)
    inds = torch.tensor([[5, 1, 6]])
    weights = torch.tensor([[0.5, 0.3, 0.2]])
    fused = kernels.moe_experts(experts, x, inds, weights)
    ref = experts._decode(x, inds, weights)
    assert torch.allclose(fused.float(), ref.float(), atol=1e-5 if dtype == torch.float32 else 2e-2)


@needs_cpp
def test_cpp_decode_refuses_int8_k_not_multiple_of_16():
    # the op calls _weight_int8pack_mm, which segfaults on K % 16 != 0: it must raise first
    assert kernels.build()
    E, H, I = 4, 24, 32
    gu, d = torch.zeros(E, 2 * I, H, dtype=torch.int8), torch.zeros(E, H, I, dtype=torch.int8)
    x = torch.randn(1, H, dtype=torch.bfloat16)
    with pytest.raises(RuntimeError, match="divisible by 16"):
        kernels._ext.moe_decode(x, torch.tensor([[0, 1]]), torch.tensor([[0.5, 0.5]]), gu, d,
                                torch.ones(E, 2 * I, dtype=torch.bfloat16), torch.ones(E, H, dtype=torch.bfloat16))


@needs_cpp
@pytest.mark.parametrize("M, N, K", [(1, 64, 1024), (3, 40, 96), (2, 7, 32)])
def test_q8_linear_matches_the_dequantised_weight(M, N, K):
    # K = 96 and 32 take the 32-wide tail after the 64-wide loop; N = 7 the one-row tail
    assert kernels.build()
    g = torch.Generator().manual_seed(K)
    q, s = quantize_int8(torch.randn(N, K, generator=g))
    x = torch.randn(M, K, generator=g)
    y = kernels.q8_linear(x.bfloat16(), q, s)
    assert y.shape == (M, N) and y.dtype == torch.bfloat16
    # int8 activations in blocks of 32: ~0.5% relative error, as llama.cpp's Q8_0 dot
    assert rel(y, x @ (q.float() * s[:, None]).T) < 0.02


@needs_cpp
def test_q8_linear_leaves_big_or_odd_shapes_to_torch():
    assert kernels.build()
    x = torch.randn(1, 48)
    assert kernels.q8_linear(x, torch.zeros(8, 48, dtype=torch.int8), torch.ones(8)) is None   # K % 32
    assert kernels.q8_linear(torch.randn(8, 64), torch.zeros(8, 64, dtype=torch.int8), torch.ones(8)) is None


def quantized_experts(E: int = 8, H: int = 128, I: int = 64) -> Experts:
    torch.manual_seed(0)
    ex = Experts(E, H, I)
    with torch.no_grad():
        ex.gate_up.normal_(0, 0.1)
        ex.down.normal_(0, 0.1)
    gu_q, gu_s = quantize_int8(ex.gate_up.detach())
    d_q, d_s = quantize_int8(ex.down.detach())
    ex.set_quantized(gu_q, gu_s.bfloat16(), d_q, d_s.bfloat16())
    return ex


@needs_cpp
def test_moe_q8_matches_the_torch_expert_loop():
    assert kernels.build()
    ex = quantized_experts()
    x = torch.randn(1, 128).bfloat16()
    inds, weights = torch.tensor([[5, 1, 6]]), torch.tensor([[0.5, 0.3, 0.2]])
    fused = kernels.moe_experts(ex, x, inds, weights)
    assert fused.shape == (1, 128) and fused.dtype == torch.bfloat16
    assert rel(fused, ex._decode(x, inds, weights)) < 0.03
    # new scales (a re-quantisation) are picked up, not served from the fp32 copy
    ex.set_quantized(ex.gate_up.data, ex.gate_up_scales * 2, ex.down.data, ex.down_scales)
    assert rel(kernels.moe_experts(ex, x, inds, weights), ex._decode(x, inds, weights)) < 0.03


@needs_cpp
def test_moe_q8_refuses_bad_expert_ids_and_float_weights():
    assert kernels.build()
    ex = quantized_experts(E=4)
    x = torch.randn(1, 128)
    s_gu, s_d = ex.gate_up_scales.float(), ex.down_scales.float()
    with pytest.raises(RuntimeError, match="out of range"):
        kernels._ext.moe_q8(x, torch.tensor([[4]]), torch.ones(1, 1), ex.gate_up, s_gu, ex.down, s_d)
    with pytest.raises(RuntimeError, match="int8"):
        kernels._ext.moe_q8(x, torch.tensor([[0]]), torch.ones(1, 1), ex.gate_up.float(), s_gu, ex.down, s_d)


@needs_cpp
@pytest.mark.parametrize("arch, attention_fused, moe_fused", [
    ("qwen3_moe", True, True), ("granitemoe", True, True), ("llama", True, False), ("qwen2_moe", True, False),
    ("olmoe", False, True), ("mixtral", True, True), ("qwen3_moe:int4", False, False)])
def test_int8_model_decodes_the_same_through_the_kernels(tiny_checkpoint, monkeypatch, arch, attention_fused,
                                                         moe_fused):
    # teacher-forced decode steps through the cache: the C++ int8 path against torch's. The
    # attention block runs in one call for per-head q/k norms (qwen3), residual multipliers
    # (granite) and biases (llama, qwen2); OLMoE's clipping and full-width norm stay in torch.
    # The MoE block runs in one call for softmax-top-k (qwen3, olmoe, mixtral) and top-k-softmax
    # (granite) routing; a dense MLP (llama) and a shared expert (qwen2_moe) stay in torch, and
    # int4 models keep the torch path for both blocks.
    assert kernels.build()
    arch, _, quant = arch.partition(":")
    model = engine.load(tiny_checkpoint(arch), quant=quant or "int8", group_size=32)
    ids = torch.randint(0, 200, (1, 24), generator=torch.Generator().manual_seed(1))

    def steps() -> torch.Tensor:
        cache = model.make_cache(1, 32)
        model(ids[:, :8], cache, last_only=True)
        return torch.cat([model(ids[:, t:t + 1], cache)[:, -1] for t in range(8, 24)])

    with torch.inference_mode():
        fast = steps()
        assert all(bool(block._q8_attention) is attention_fused for block in model.model.layers)
        assert all(bool(getattr(block, "_q8_moe", False)) is moe_fused for block in model.model.layers)
        monkeypatch.setattr(kernels, "_ext", None)
        monkeypatch.setattr(kernels, "_tried", True)
        slow = steps()
    assert rel(fast, slow) < 0.05
    assert (fast.argmax(-1) == slow.argmax(-1)).float().mean() >= 0.9


def test_cli_info_and_run(tiny_checkpoint, capsys):
    path = tiny_checkpoint("qwen3_moe")
    assert cli.main(["model", "info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["architecture"] == "qwen3_moe" and info["experts"] == 8 and info["kernel_backend"]
    assert cli.main(["model", "run", str(path), "hello", "--max-new-tokens", "4", "--quiet"]) == 0
    assert cli.main(["model", "info", str(path / "missing")]) == 2
    assert "not a model directory" in capsys.readouterr().err


def test_register_adds_model_subcommands():
    import argparse
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["model", "bench", "/x", "--quant", "int8", "--no-build"])
    assert args.func is cli.cmd_bench and args.quant == "int8"


def test_llmosctl_model_info_end_to_end(tiny_checkpoint):
    import json
    import subprocess
    import sys
    path = tiny_checkpoint("qwen3_moe")
    out = subprocess.run([sys.executable, "-m", "llmos.cli.ctl", "model", "info", str(path), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["architecture"] == "qwen3_moe" and info["experts"] == 8
    assert info["kernel_backend"].startswith(("torch", "cpp"))
