"""A C++ decode op for the routed experts, compiled lazily with torch's cpp_extension.

Decode of one token runs k experts x ~6 small ops; from Python each op costs several
microseconds of dispatch, which at batch 1 is a large share of the step. Here the loop
over the k chosen experts runs in C++ (reading the expert ids there, no Python sync).
The build is cached under ``$XDG_CACHE_HOME/llmos/kernels``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SOURCE = r"""
#include <torch/extension.h>

// x [1, H]; inds [1, k] int64; weights [1, k] fp32; gate_up [E, 2I, H]; down [E, H, I].
// Scales are empty for float weights, else int8 per-row scales [E, 2I] / [E, H].
torch::Tensor moe_decode(torch::Tensor x, torch::Tensor inds, torch::Tensor weights,
                         torch::Tensor gate_up, torch::Tensor down,
                         torch::Tensor gate_up_scales, torch::Tensor down_scales) {
  const bool int8 = gate_up_scales.numel() > 0;
  const int64_t k = inds.size(1);
  const int64_t I = down.size(2);
  // _weight_int8pack_mm segfaults when K (H for gate_up, I for down) is not a multiple of 16
  TORCH_CHECK(!int8 || (x.size(1) % 16 == 0 && I % 16 == 0),
              "llmos moe_decode: int8 experts need hidden (", x.size(1), ") and intermediate (", I,
              ") divisible by 16");
  auto ids = inds.contiguous().cpu();
  auto w = weights.to(torch::kFloat).contiguous().cpu();
  const int64_t* id = ids.data_ptr<int64_t>();
  const float* wt = w.data_ptr<float>();
  auto out = torch::zeros_like(x);
  auto out_v = out.view({-1});
  auto xv = x.view({-1});
  // float weights: mv (a bf16 GEMV; at::mm with one row takes oneDNN's slower GEMM path)
  for (int64_t j = 0; j < k; ++j) {
    const int64_t e = id[j];
    torch::Tensor h = int8 ? at::_weight_int8pack_mm(x, gate_up[e], gate_up_scales[e]).view({-1})
                           : at::mv(gate_up[e], xv);
    auto act = at::silu(h.narrow(0, 0, I)).mul_(h.narrow(0, I, I));
    torch::Tensor y = int8 ? at::_weight_int8pack_mm(act.view({1, I}), down[e], down_scales[e])
                           : at::mv(down[e], act);
    out_v.add_(y.view({-1}), wt[j]);
  }
  return out;
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("moe_decode", &moe_decode, "k routed experts for one token");
}
"""


def build_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "llmos" / "kernels"


def module_name() -> str:
    import torch
    digest = hashlib.sha256((SOURCE + torch.__version__).encode()).hexdigest()[:12]
    return f"llmos_moe_{digest}"


def is_built() -> bool:
    return (build_dir() / module_name() / f"{module_name()}.so").exists()


def load(verbose: bool = False):
    """Compile (first time, ~1 minute) or load the cached extension module."""
    from torch.utils import cpp_extension
    directory = build_dir() / module_name()
    directory.mkdir(parents=True, exist_ok=True)
    return cpp_extension.load_inline(name=module_name(), cpp_sources=[SOURCE], build_directory=str(directory),
                                     extra_cflags=["-O3", "-march=native"], verbose=verbose)
