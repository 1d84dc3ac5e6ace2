"""Token generation: prefill, then one token at a time through a preallocated KV cache."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

import torch

from . import kernels

LogitsMask = Callable[[list[int]], "torch.Tensor | None"]


def sample(logits: torch.Tensor, temperature: float = 0.0, top_k: int | None = None, top_p: float | None = None,
           generator: torch.Generator | None = None) -> torch.Tensor:
    """logits [B, V] -> token ids [B]. temperature 0 is greedy (deterministic)."""
    if temperature <= 0:
        return logits.argmax(dim=-1)
    logits = logits.float() / temperature
    if top_k is not None and 0 < top_k < logits.shape[-1]:
        kth = logits.topk(top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and 0 < top_p < 1:
        sorted_logits, order = logits.sort(dim=-1, descending=True)
        probs = sorted_logits.softmax(dim=-1)
        # drop a token once the mass before it already reaches top_p (the first token always stays)
        drop = probs.cumsum(dim=-1) - probs >= top_p
        logits = logits.scatter(-1, order, sorted_logits.masked_fill(drop, float("-inf")))
    probs = logits.softmax(dim=-1)
    return torch.multinomial(probs, 1, generator=generator)[:, 0]


def apply_mask(logits: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    # mask: BoolTensor[V], True = allowed
    if mask is None:
        return logits
    if mask.shape[-1] != logits.shape[-1] or not bool(mask.any()):
        raise ValueError("logits_mask must return a BoolTensor[V] allowing at least one token")
    return logits.masked_fill(~mask.to(logits.device), float("-inf"))


class StopChecker:
    """Stop tokens and stop strings (a string stops generation once the decoded text contains it)."""

    def __init__(self, stop_tokens: Sequence[int], stop_strings: Sequence[str], tokenizer: Any) -> None:
        self.tokens = set(int(t) for t in stop_tokens)
        self.strings = [s for s in stop_strings if s]
        if self.strings and tokenizer is None:
            raise ValueError("stop_strings need a tokenizer; this model has none")
        self.tokenizer = tokenizer
        self.longest = max((len(s) for s in self.strings), default=0)

    def done(self, generated: list[int]) -> bool:
        if generated and generated[-1] in self.tokens:
            return True
        if self.strings:
            # the last few tokens are enough to see a stop string that just completed
            text = self.tokenizer.decode(generated[-(self.longest + 8):], skip_special_tokens=False)
            return any(s in text for s in self.strings)
        return False


def prepare_ids(input_ids: Any) -> torch.Tensor:
    ids = torch.as_tensor(input_ids, dtype=torch.long)
    if ids.dim() == 1:
        ids = ids[None]
    if ids.dim() != 2 or ids.shape[0] != 1 or ids.shape[1] == 0:
        raise ValueError("generate takes one non-empty prompt: [T] or [1, T] token ids (batch with Scheduler)")
    return ids


@torch.inference_mode()
def generate(model: Any, input_ids: Any, max_new_tokens: int = 256, temperature: float = 0.0,
             top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
             stop_tokens: Sequence[int] = (), stop_strings: Sequence[str] = (),
             logits_mask: LogitsMask | None = None, ignore_eos: bool = False,
             prefill_chunk: int = 512) -> Iterator[int]:
    """Yield up to ``max_new_tokens`` token ids for one prompt.

    The model's EOS ids stop generation too unless ``ignore_eos``; the stopping token is
    yielded. ``logits_mask(generated_ids)`` may return a BoolTensor[V] of allowed tokens.
    """
    ids = prepare_ids(input_ids)
    T = ids.shape[1]
    vocab = model.lm_head.out_features if hasattr(model.lm_head, "out_features") else None
    if vocab is not None and (int(ids.min()) < 0 or int(ids.max()) >= vocab):
        raise ValueError(f"prompt token ids must lie in [0, {vocab})")
    stops = StopChecker(tuple(stop_tokens) + (() if ignore_eos else tuple(getattr(model, "eos_token_ids", ()))),
                        stop_strings, getattr(model, "tokenizer", None))
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    cache = model.make_cache(1, T + max_new_tokens)
    step = kernels.decode_step(model)
    # prefill in chunks: bounded activation memory for long prompts
    for start in range(0, T, prefill_chunk):
        logits = model(ids[:, start:start + prefill_chunk], cache, last_only=True)[:, -1]
    generated: list[int] = []
    for _ in range(max_new_tokens):
        if logits_mask is not None:
            logits = apply_mask(logits, logits_mask(generated))
        token = int(sample(logits, temperature, top_k, top_p, generator)[0])
        generated.append(token)
        yield token
        if stops.done(generated) or len(generated) == max_new_tokens:
            return
        logits = step(torch.tensor([[token]]), cache)[:, -1]
