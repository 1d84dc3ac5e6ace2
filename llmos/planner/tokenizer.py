"""The planner's tokenizer: sentencepiece, plus what the grammar needs to know of it.

The model reads ``<s> REQUEST <plan>`` and writes plan text then ``</s>``.  The
plan's structure words (``▁files.find``, ``▁path=``, ``"``, ``▁;``) are
user-defined pieces, so each is one token.  Pieces are turned into text the
way sentencepiece does (``▁`` is a space); byte-fallback pieces (``<0xE4>``)
are raw bytes, which :mod:`llmos.planner.grammar` assembles into characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

SEPARATOR = "<plan>"
STRUCTURE = ['"', "▁;", "▁none", "@", "[", "]", ","]


def user_symbols(intents: Iterable) -> list[str]:
    """Structure pieces for the current registry (intent names and ``name=`` per argument)."""
    names, args = set(), set()
    for intent in intents:
        names.add("▁" + intent.name)
        args.update("▁" + a + "=" for a in intent.properties)
    return STRUCTURE + sorted(names) + sorted(args)


@dataclass
class Vocab:
    """Token texts for the grammar: ``texts[i]`` is str, bytes (a byte piece) or None (special)."""

    texts: list
    bos: int
    eos: int
    sep: int

    @classmethod
    def from_sentencepiece(cls, sp) -> "Vocab":
        texts: list = []
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i)
            if sp.is_byte(i):
                texts.append(bytes([int(piece[3:5], 16)]))
            elif sp.is_control(i) or sp.is_unknown(i):
                texts.append(None)
            else:
                texts.append(piece.replace("▁", " "))
        return cls(texts, sp.bos_id(), sp.eos_id(), sp.piece_to_id(SEPARATOR))


class PlannerTokenizer:
    """sentencepiece model + the planner's prompt layout."""

    def __init__(self, model_file: str | Path) -> None:
        import sentencepiece as spm  # small and fast to import; only this model needs it
        self.sp = spm.SentencePieceProcessor(model_file=str(model_file))
        self.vocab = Vocab.from_sentencepiece(self.sp)

    def prompt(self, request: str) -> list[int]:
        return [self.vocab.bos] + self.sp.encode(request) + [self.vocab.sep]

    def encode_plan(self, plan_text: str) -> list[int]:
        """Plan text (with its leading space) → ids; the leading space is the dummy prefix."""
        return self.sp.encode(plan_text[1:] if plan_text.startswith(" ") else plan_text)

    def text_of(self, ids: Iterable[int]) -> str:
        """Ids → text exactly as the grammar saw it (leading space kept)."""
        out = b""
        for i in ids:
            t = self.vocab.texts[i]
            if t is None:
                continue
            out += t if isinstance(t, bytes) else t.encode()
        return out.decode("utf-8", errors="replace")
