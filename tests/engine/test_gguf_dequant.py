"""Torch dequantisers against gguf-py's numpy reference, on every supported block type."""

import numpy as np
import pytest
import torch
from gguf import GGMLQuantizationType as Q
from gguf import quants

from llmos.engine.gguf import GGML_TYPES, dequantize

# byte offsets of each type's float16 scale fields (random bytes there could be inf/NaN)
_F16_FIELDS = {Q.Q4_0: [0], Q.Q4_1: [0, 2], Q.Q5_0: [0], Q.Q5_1: [0, 2], Q.Q8_0: [0],
               Q.Q2_K: [80, 82], Q.Q3_K: [108], Q.Q4_K: [0, 2], Q.Q5_K: [0, 2], Q.Q6_K: [208]}


def _random_blocks(qtype: Q, n_blocks: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    _, block, tsize = GGML_TYPES[int(qtype)]
    raw = rng.integers(0, 256, size=(n_blocks, tsize), dtype=np.uint8)
    for off in _F16_FIELDS[qtype]:
        raw[:, off:off + 2] = rng.normal(0, 0.05, size=(n_blocks, 1)).astype(np.float16).view(np.uint8)
    return raw


@pytest.mark.parametrize("qtype", list(_F16_FIELDS), ids=lambda q: q.name)
def test_block_types_match_numpy_reference(qtype: Q) -> None:
    raw = _random_blocks(qtype, 300)
    want = quants.dequantize(raw, qtype).reshape(-1)
    got = dequantize(torch.from_numpy(raw.reshape(-1).copy()), int(qtype))
    assert got.dtype == torch.float32
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("qtype", [Q.Q8_0, Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1], ids=lambda q: q.name)
def test_quantised_real_values_round_trip(qtype: Q) -> None:
    x = np.random.default_rng(1).normal(size=(8, 256)).astype(np.float32)
    packed = quants.quantize(x, qtype)
    got = dequantize(torch.from_numpy(packed.reshape(-1).copy()), int(qtype)).reshape(8, 256)
    np.testing.assert_allclose(got.numpy(), quants.dequantize(packed, qtype), rtol=1e-6, atol=1e-7)
    # and the quantisation itself is sane: 8-bit within 1%, 4/5-bit within 15% (relative RMS)
    err = np.sqrt(((got.numpy() - x) ** 2).mean() / (x ** 2).mean())
    assert err < (0.01 if qtype == Q.Q8_0 else 0.15)


def test_float_types_are_views_and_cast_on_request() -> None:
    x = torch.randn(64)
    raw = x.view(torch.uint8)
    assert dequantize(raw, int(Q.F32)).data_ptr() == x.data_ptr()
    b = x.to(torch.bfloat16)
    assert torch.equal(dequantize(b.view(torch.uint8), int(Q.BF16), torch.float32), b.float())
    h = x.half()
    assert torch.equal(dequantize(h.view(torch.uint8), int(Q.F16)), h)


def test_dequantise_into_bf16() -> None:
    raw = _random_blocks(Q.Q4_K, 16)
    want = quants.dequantize(raw, Q.Q4_K).reshape(-1)
    got = dequantize(torch.from_numpy(raw.reshape(-1).copy()), int(Q.Q4_K), torch.bfloat16)
    assert got.dtype == torch.bfloat16
    np.testing.assert_allclose(got.float().numpy(), want, rtol=1e-2, atol=1e-3)
