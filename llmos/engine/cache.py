"""Preallocated KV caches.

Models touch only ``cache.offset`` (the position of the next token: an int, or a
LongTensor[B] when rows of a batch sit at different positions),
``cache.update_and_fetch(k, v)`` and, on the first layer's cache,
``cache.make_mask(T)``. Buffers are allocated once, so decode never reallocates.
"""

from __future__ import annotations

import torch


class KVCache:
    """One layer's keys and values for a batch whose rows all sit at the same position."""

    def __init__(self, batch: int, heads: int, max_len: int, k_dim: int, v_dim: int,
                 dtype: torch.dtype, device: torch.device | str = "cpu",
                 keys: torch.Tensor | None = None, values: torch.Tensor | None = None) -> None:
        # [B, heads, max_len, d]; a row view of a BatchKVCache passes its own buffers
        self.keys = keys if keys is not None else torch.zeros(batch, heads, max_len, k_dim, dtype=dtype, device=device)
        self.values = values if values is not None else torch.zeros(batch, heads, max_len, v_dim, dtype=dtype, device=device)
        self.max_len = self.keys.shape[2]
        self.offset = 0

    def update_and_fetch(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # k: [B, heads, T, dk], v: [B, heads, T, dv]
        start, end = self.offset, self.offset + k.shape[2]
        if end > self.max_len:
            raise ValueError(f"KV cache full: {end} tokens > capacity {self.max_len}; "
                             "start generation with a larger max_len")
        # narrow + copy_: two dispatched ops per tensor where slice-assignment takes four
        self.keys.narrow(2, start, end - start).copy_(k)
        self.values.narrow(2, start, end - start).copy_(v)
        self.offset = end
        return self.keys.narrow(2, 0, end), self.values.narrow(2, 0, end)

    def make_mask(self, T: int) -> torch.Tensor | None:
        """Bool mask [T, offset+T] (True = attend) for the next T tokens; None when plain causal suffices."""
        if T == 1:
            return None
        return causal_mask(T, self.offset, self.keys.device)


class BatchKVCache:
    """One layer's keys and values for up to ``slots`` independent sequences.

    Row i holds a sequence at its own position ``lengths[i]``; rows 0..active-1 are in
    use (the scheduler keeps them packed), so fetching is a view, never a gather. New
    requests are prefilled into their own KVCache and copied into a free row.
    """

    def __init__(self, slots: int, heads: int, max_len: int, k_dim: int, v_dim: int,
                 dtype: torch.dtype, device: torch.device | str = "cpu") -> None:
        self.keys = torch.zeros(slots, heads, max_len, k_dim, dtype=dtype, device=device)
        self.values = torch.zeros(slots, heads, max_len, v_dim, dtype=dtype, device=device)
        self.max_len = max_len
        self.lengths = [0] * slots      # host copy: sizes masks without a device sync
        self.active = 0
        self._offset = torch.zeros(slots, dtype=torch.long, device=device)

    @property
    def offset(self) -> torch.Tensor:
        return self._offset[: self.active]

    def set_length(self, i: int, n: int) -> None:
        self.lengths[i] = n
        self._offset[i] = n

    def move(self, src: int, dst: int) -> None:
        """Copy slot src into dst (keeps active rows packed when a request finishes)."""
        n = self.lengths[src]
        self.keys[dst, :, :n] = self.keys[src, :, :n]
        self.values[dst, :, :n] = self.values[src, :, :n]
        self.set_length(dst, n)

    def update_and_fetch(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # k: [B, heads, 1, dk] with B == active; each row writes at its own position
        B, T = k.shape[0], k.shape[2]
        if T != 1 or B != self.active:
            raise ValueError("BatchKVCache takes one token per active row; prefill through row(i)")
        rows = torch.arange(B, device=k.device)
        pos = self._offset[:B]
        if max(self.lengths[:B]) + 1 > self.max_len:
            raise ValueError(f"KV cache full (capacity {self.max_len} tokens)")
        self.keys[rows, :, pos] = k[:, :, 0]
        self.values[rows, :, pos] = v[:, :, 0]
        for i in range(B):
            self.lengths[i] += 1
        self._offset[:B] += 1
        end = max(self.lengths[:B])
        return self.keys[:B, :, :end], self.values[:B, :, :end]

    def make_mask(self, T: int) -> torch.Tensor:
        # [B, 1, 1, S]: row b sees keys 0..lengths[b] (its new token included)
        B = self.active
        S = max(self.lengths[:B]) + 1
        cols = torch.arange(S, device=self.keys.device)
        return (cols[None, :] <= self._offset[:B, None])[:, None, None, :]


def causal_mask(T: int, offset: int, device: torch.device | str = "cpu") -> torch.Tensor:
    # [T, offset+T]: query i (at position offset+i) sees keys 0..offset+i
    rows = torch.arange(T, device=device)[:, None] + offset
    cols = torch.arange(offset + T, device=device)[None, :]
    return cols <= rows
