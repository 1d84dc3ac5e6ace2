"""Continuous batching: concurrent requests share one forward (and one MoE dispatch) per decode step.

Each ``step()``:
1. admits the oldest waiting request when a slot is free and prefills one chunk of it into
   its own cache (first come, first served; a long prompt is spread over several steps so
   running requests keep streaming);
2. a request whose prefill finished moves into the shared batch cache;
3. every running request samples its next token, and all of them that continue run one
   batched forward [B, 1] together.

Rows of the batch cache are kept packed (a finished request's slot is filled by the last
row), so attention reads a view, never a gather. Greedy results equal generating alone.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import torch

from .cache import BatchKVCache, KVCache
from .generate import LogitsMask, StopChecker, apply_mask, prepare_ids, sample


@dataclass
class Request:
    id: int
    prompt: torch.Tensor                      # [1, T]
    max_new_tokens: int
    temperature: float = 0.0
    top_k: int | None = None
    top_p: float | None = None
    generator: torch.Generator | None = None
    logits_mask: LogitsMask | None = None
    stops: StopChecker | None = None
    generated: list[int] = field(default_factory=list)
    done: bool = False
    prefilled: int = 0
    cache: list[KVCache] | None = None        # private cache while prefilling
    logits: torch.Tensor | None = None        # [V] for the next token
    slot: int = -1


class Scheduler:
    def __init__(self, model: Any, max_batch: int = 8, max_len: int = 2048, prefill_chunk: int = 256) -> None:
        self.model, self.max_batch, self.max_len, self.prefill_chunk = model, max_batch, max_len, prefill_chunk
        dtype, dev = model.dtype, model.model.embed_tokens.weight.device
        self.cache = [BatchKVCache(max_batch, h, max_len, dk, dv, dtype, dev) for h, dk, dv in model.cache_dims()]
        self.waiting: deque[Request] = deque()
        self.prefilling: Request | None = None
        self.running: list[Request] = []      # running[i] lives in batch row i
        self._ids = itertools.count()
        self._lock = threading.Lock()

    def submit(self, input_ids: Any, max_new_tokens: int = 256, temperature: float = 0.0, top_k: int | None = None,
               top_p: float | None = None, seed: int | None = None, stop_tokens: Sequence[int] = (),
               stop_strings: Sequence[str] = (), logits_mask: LogitsMask | None = None,
               ignore_eos: bool = False) -> Request:
        ids = prepare_ids(input_ids)
        if ids.shape[1] + max_new_tokens > self.max_len:
            raise ValueError(f"prompt + max_new_tokens exceeds the scheduler's max_len {self.max_len}")
        eos = () if ignore_eos else tuple(getattr(self.model, "eos_token_ids", ()))
        req = Request(next(self._ids), ids, max_new_tokens, temperature, top_k, top_p,
                      torch.Generator().manual_seed(seed) if seed is not None else None, logits_mask,
                      StopChecker(tuple(stop_tokens) + eos, stop_strings, getattr(self.model, "tokenizer", None)))
        with self._lock:
            self.waiting.append(req)
        return req

    @property
    def busy(self) -> bool:
        return bool(self.waiting or self.prefilling or self.running)

    @torch.inference_mode()
    def step(self) -> list[tuple[Request, int]]:
        """Advance every request by at most one token; returns the (request, token) pairs produced."""
        with self._lock:
            self._prefill_chunk()
            return self._decode()

    def _prefill_chunk(self) -> None:
        if self.prefilling is None and self.waiting and len(self.running) < self.max_batch:
            req = self.waiting.popleft()
            req.cache = self.model.make_cache(1, req.prompt.shape[1] + 1)
            self.prefilling = req
        req = self.prefilling
        if req is None:
            return
        chunk = req.prompt[:, req.prefilled:req.prefilled + self.prefill_chunk]
        req.logits = self.model(chunk, req.cache, last_only=True)[0, -1]
        req.prefilled += chunk.shape[1]
        if req.prefilled == req.prompt.shape[1]:
            req.slot = len(self.running)
            for batch, own in zip(self.cache, req.cache):
                n = own.offset
                batch.keys[req.slot, :, :n] = own.keys[0, :, :n]
                batch.values[req.slot, :, :n] = own.values[0, :, :n]
                batch.set_length(req.slot, n)
            req.cache = None
            self.running.append(req)
            self.prefilling = None

    def _decode(self) -> list[tuple[Request, int]]:
        produced = []
        for req in self.running:
            logits = req.logits[None]
            if req.logits_mask is not None:
                logits = apply_mask(logits, req.logits_mask(req.generated))
            token = int(sample(logits, req.temperature, req.top_k, req.top_p, req.generator)[0])
            req.generated.append(token)
            produced.append((req, token))
            req.done = req.stops.done(req.generated) or len(req.generated) >= req.max_new_tokens
        for req in [r for r in self.running if r.done]:
            self._retire(req)
        if self.running:
            for c in self.cache:
                c.active = len(self.running)
            tokens = torch.tensor([[r.generated[-1]] for r in self.running])
            logits = self.model(tokens, self.cache)[:, -1]                     # [B, V]
            for req, row in zip(self.running, logits):
                req.logits = row
        return produced

    def _retire(self, req: Request) -> None:
        last = len(self.running) - 1
        if req.slot != last:
            moved = self.running[last]
            for c in self.cache:
                c.move(last, req.slot)
            moved.slot = req.slot
            self.running[req.slot] = moved
        self.running.pop()
        req.logits = None

    def stream(self) -> Iterator[tuple[Request, int]]:
        """Step until every submitted request is done, yielding (request, token) as they come."""
        while self.busy:
            yield from self.step()

    def generate_many(self, prompts: Sequence[Any], **options: Any) -> list[list[int]]:
        """Run several prompts together; returns each one's generated ids."""
        reqs = [self.submit(p, **options) for p in prompts]
        for _ in self.stream():
            pass
        return [r.generated for r in reqs]
