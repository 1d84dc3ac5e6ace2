"""Greedy decoding under the grammar, on a model's forward and KV cache.

A model is anything that starts a *session*: ``start(max_len)`` gives a fresh KV
cache behind a feed function, tokens in, the last position's logits out (numpy).
The shipped planner's numpy forward (:mod:`llmos.planner.npmodel`) is one;
:func:`engine_session` puts any ``llmos.engine`` model behind the same interface.

Why not ``Model.generate(logits_mask=...)``: jump-forward (a token the grammar
forces is appended without asking the model, and consecutive forced tokens go
through one forward together) and the per-plan confidence need the logits and
the cache in our hands.  :func:`engine_mask` adapts the same grammar to the
engine's ``logits_mask`` hook for callers who want ``generate``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from llmos.planner.grammar import DecodeState, TokenMasker, next_chars
from llmos.planner.grammar import feed as feed_grammar   # `feed` here is a model's feed function
from llmos.planner.language import NONE, STEP_SEPARATOR

NONE_TEXT = " " + NONE   # the plan of a request no intent serves, as one token of the embedded vocabulary
SEPARATOR_TEXT = STEP_SEPARATOR.encode()
# A plan that would end with fewer steps than the request has clauses goes on to a next step
# when the model gives that at least this much ("what's listening on port 5432? show me the
# details of that process" had ended after the port lookup with 0.45 on going on).  On the
# hand-written sets no lower threshold gained a plan that this one missed.
GOES_ON = 0.25

Feed = Callable[[list[int]], np.ndarray]   # tokens in, the last position's logits out
Start = Callable[[int], Feed]              # a fresh KV cache of that many positions


def engine_session(model: Any) -> Start:
    """An ``llmos.engine`` model as a decoding session."""
    def start(max_len: int) -> Feed:
        import torch

        cache = model.make_cache(1, max_len)

        def feed(tokens: list[int]) -> np.ndarray:
            with torch.inference_mode():
                ids = torch.tensor([tokens], dtype=torch.long)
                return model(ids, cache, last_only=True)[0, -1].float().numpy()
        return feed
    return start


class DecodeError(RuntimeError):
    pass


@dataclass
class Decoded:
    tokens: list[int]
    probs: list[float] = field(default_factory=list)   # of each free choice, among the legal tokens
    forced: int = 0
    finished: bool = True
    mask_seconds: float = 0.0
    model_seconds: float = 0.0
    masks: int = 0
    none_prob: float = 0.0   # what the first free choice gave to planning nothing ("none")

    @property
    def confidence(self) -> float:
        """The least certain free choice: one doubtful token makes a doubtful plan."""
        return min(self.probs) if self.probs else 1.0

    @property
    def mean_logprob(self) -> float:
        return sum(math.log(max(p, 1e-12)) for p in self.probs) / len(self.probs) if self.probs else 0.0


def constrained_decode(start: Start, prompt: Sequence[int], masker: TokenMasker, texts: Sequence,
                       state: DecodeState, max_new_tokens: int = 160,
                       on_token: Callable[[int], None] | None = None, retries: int = 16,
                       clauses: int = 1, forced: Sequence[int] = ()) -> Decoded:
    """Greedy plan tokens for ``prompt`` that keep ``state`` legal, until EOS is the choice.

    A token can be legal yet lead where no token of this vocabulary goes on (a
    prefix of a multi-character symbol the vocabulary lacks, or a copy that can
    no longer end well); then decoding starts again with the last choice that led
    there banned, however the text is cut into tokens: the last place on the way
    where the grammar offered more than one character ("~/D" of a destination
    that can only become the archive's own path, when "~/r" for "~/restore" was
    open).  If every choice there fails too, the next retry backs out to the choice
    before it.  Once ``retries`` are spent so, the string value that led to most dead ends
    is given up where it opened, and as many retries again are allowed: 'files.read path="
    ~/data and …' of "fetch … into ~/data and show me the first 2 KB of it" had spent them
    all on ways to end that path, when the plan wanted ``@0.path`` there.

    ``clauses``: how many things the request asks (see ``GOES_ON``).  ``forced``: tokens the
    plan begins with whatever the model prefers (each must be legal where it stands); the
    model goes on from them.
    """
    banned: set[bytes] = set()
    stuck: dict[bytes, int] = {}   # dead ends inside each string value, by where it opened
    for attempt in range(2 * retries):
        try:
            return _decode(start, prompt, masker, texts, state, max_new_tokens, on_token, banned, clauses, forced)
        except _DeadEnd as e:
            opened = _open_string(e.text)
            if opened is not None:
                stuck[opened] = stuck.get(opened, 0) + 1
            if attempt == retries - 1 and stuck:
                # the ways to go on inside a value are spent: choose again where it opened
                banned.add(max(stuck, key=lambda v: stuck[v]))
                continue
            choice = _last_choice(state.nodes, e.text)
            banned.add(choice if choice not in banned else e.text)
    raise DecodeError("the grammar and this vocabulary keep leading to dead ends")


def _open_string(text: bytes) -> bytes | None:
    """The plan so far up to and including the quote that opens the string value it ends
    inside; None when it ends outside a string."""
    chars = text.decode("utf-8", errors="ignore")
    opened, escaped = None, False
    for i, ch in enumerate(chars):
        if escaped:
            escaped = False
        elif opened is not None and ch == "\\":
            escaped = True
        elif ch == '"':
            opened = None if opened is not None else i
    return None if opened is None else chars[:opened + 1].encode()


def _last_choice(nodes: tuple, text: bytes) -> bytes:
    """The prefix of ``text`` that ends with the last character chosen among several."""
    chars = text.decode("utf-8", errors="ignore")
    branch = None
    for i, ch in enumerate(chars):
        if len(next_chars(nodes)) > 1:
            branch = i
        nodes = feed_grammar(nodes, ch)
        if not nodes:
            break
    return text if branch is None else chars[:branch + 1].encode()


class _DeadEnd(Exception):
    def __init__(self, text: bytes) -> None:
        self.text = text


def _bytes(text: str | bytes) -> bytes:
    return text.encode() if isinstance(text, str) else text


def _decode(start: Start, prompt: Sequence[int], masker: TokenMasker, texts: Sequence, state: DecodeState,
            max_new_tokens: int, on_token: Callable[[int], None] | None,
            banned: set[bytes], clauses: int = 1, forced: Sequence[int] = ()) -> Decoded:
    feed = start(len(prompt) + max_new_tokens + 2)
    pending = list(prompt)
    logits = None
    out = Decoded([])
    wrap_up = int(max_new_tokens * 0.75)
    written = b""   # the plan so far, in bytes
    while len(out.tokens) < max_new_tokens:
        t0 = time.perf_counter()
        allowed = masker.allowed(state)
        if len(out.tokens) >= wrap_up:
            allowed = _wrap_up(allowed, texts, masker.eos)
        if banned:
            rests = tuple(b[len(written):] for b in banned if len(b) > len(written) and b.startswith(written))
            if rests:   # tokens that would write a banned text (or go past it)
                allowed = [t for t in allowed if t == masker.eos or not _bytes(texts[t]).startswith(rests)]
        out.mask_seconds += time.perf_counter() - t0
        out.masks += 1
        if not allowed:
            if not out.tokens:
                raise DecodeError("the grammar allows no first token")
            raise _DeadEnd(written)
        if len(out.tokens) < len(forced):
            token = forced[len(out.tokens)]
            if token not in allowed:
                raise DecodeError("a forced token is not legal where it stands")
            out.forced += 1
        elif len(allowed) == 1:
            token = allowed[0]
            out.forced += 1
        else:
            if pending:
                t1 = time.perf_counter()
                logits = np.asarray(feed(pending), dtype=np.float64)
                out.model_seconds += time.perf_counter() - t1
                pending = []
            legal = logits[allowed]
            best = int(np.argmax(legal))
            token = allowed[best]
            weights = np.exp(legal - legal[best])
            if token == masker.eos and written.count(SEPARATOR_TEXT) + 1 < clauses:
                token = _goes_on(allowed, weights, texts) or token
            if not out.probs:
                out.none_prob = sum(float(w) for t, w in zip(allowed, weights) if texts[t] == NONE_TEXT) / weights.sum()
            out.probs.append(float(1.0 / weights.sum()))
        if token == masker.eos:
            return out
        out.tokens.append(token)
        pending.append(token)
        written += _bytes(texts[token])
        state = masker.advance(state, texts[token])
        if on_token:
            on_token(token)
    out.finished = False
    return out


def _goes_on(allowed: list[int], weights: np.ndarray, texts: Sequence) -> int | None:
    """The step separator, when the model gives going on at least ``GOES_ON``."""
    seps = [k for k, t in enumerate(allowed) if texts[t] is not None and _bytes(texts[t]).startswith(SEPARATOR_TEXT)]
    if seps and sum(float(weights[k]) for k in seps) / float(weights.sum()) >= GOES_ON:
        return allowed[max(seps, key=lambda k: weights[k])]
    return None


def _wrap_up(allowed: list[int], texts: Sequence, eos: int) -> list[int]:
    """Near the token budget, prefer whatever closes: end, closing quote, closing bracket."""
    if eos in allowed:
        return [eos]
    closing = [t for t in allowed if isinstance(texts[t], str) and texts[t][:1] in ('"', "]")]
    return closing or [t for t in allowed if not (isinstance(texts[t], str) and texts[t] in (" ;", "[", ","))] or allowed


def engine_mask(masker: TokenMasker, texts: Sequence, state: DecodeState, vocab_size: int):
    """A ``logits_mask(generated_ids)`` callable for ``llmos.engine`` ``generate``."""
    import torch

    seen: list[int] = []
    current = [state]

    def mask(generated: list[int]) -> "torch.Tensor":
        for token in generated[len(seen):]:
            current[0] = masker.advance(current[0], texts[token])
            seen.append(token)
        allowed = torch.zeros(vocab_size, dtype=torch.bool)
        allowed[masker.allowed(current[0])] = True
        return allowed
    return mask
