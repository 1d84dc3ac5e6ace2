"""Kernel selection and the ``model`` CLI."""

from __future__ import annotations

import json

import pytest
import torch

import llmos.engine as engine
from llmos.engine import cli, kernels
from llmos.engine.kernels import cpp
from llmos.engine.moe import Experts


def test_backend_names_the_path():
    name = kernels.backend()
    assert name.startswith(("cpp", "torch"))


@pytest.mark.skipif(not cpp.is_built(), reason="C++ kernel not built (llmosctl model bench builds it, ~1 min)")
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


@pytest.mark.skipif(not cpp.is_built(), reason="C++ kernel not built (llmosctl model bench builds it, ~1 min)")
def test_cpp_decode_refuses_int8_k_not_multiple_of_16():
    # the op calls _weight_int8pack_mm, which segfaults on K % 16 != 0: it must raise first
    assert kernels.build()
    E, H, I = 4, 24, 32
    gu, d = torch.zeros(E, 2 * I, H, dtype=torch.int8), torch.zeros(E, H, I, dtype=torch.int8)
    x = torch.randn(1, H, dtype=torch.bfloat16)
    with pytest.raises(RuntimeError, match="divisible by 16"):
        kernels._ext.moe_decode(x, torch.tensor([[0, 1]]), torch.tensor([[0.5, 0.5]]), gu, d,
                                torch.ones(E, 2 * I, dtype=torch.bfloat16), torch.ones(E, H, dtype=torch.bfloat16))


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
