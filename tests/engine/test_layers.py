"""Decode fast paths in the shared layers: they must compute what the plain modules compute."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from llmos.engine.layers import linear


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("shape", [(1, 64), (1, 1, 64)])
def test_one_bf16_row_runs_as_mv_with_the_same_result(shape, bias) -> None:
    torch.manual_seed(0)
    layer = nn.Linear(64, 48, bias=bias).bfloat16()
    x = torch.randn(shape).bfloat16()
    ref = torch.nn.functional.linear(x.float(), layer.weight.float(), None if layer.bias is None else layer.bias.float())
    y = linear(layer, x)
    assert y.shape == (*shape[:-1], 48) and y.dtype == torch.bfloat16
    # both accumulate in fp32 and round once: the same error against fp32
    assert torch.allclose(y.float(), layer(x).float(), rtol=1e-2, atol=1e-2)
    assert ((y.float() - ref).norm() / ref.norm()) < 5e-3


def test_other_inputs_call_the_layer() -> None:
    layer = nn.Linear(16, 8)
    x = torch.randn(3, 16)
    assert torch.equal(linear(layer, x), layer(x))                       # fp32 or many rows: the layer itself
    assert torch.equal(linear(layer, x[:1]), layer(x[:1]))
    seen = []
    other = nn.Identity()
    other.register_forward_hook(lambda m, i, o: seen.append(1))
    linear(other, x.bfloat16()[:1])                                      # not a plain nn.Linear: called as is
    assert seen
