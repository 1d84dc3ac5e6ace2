"""Typos in the words the planner knows, mended before the model reads the request.

"shwo me the biggest fiels in downlaods" reads to the small planner like another
language: its tokenizer cuts each typo into rare pieces.  Training adds typos, but
a typo it never saw still derails the plan.  So an English word that is neither in
the planner's vocabulary (``words.txt`` next to the model: the words of its training
requests, with their counts) nor an English word at all (pyspellchecker's dictionary)
is replaced by the vocabulary word it is one slip away from, when there is one:

- one edit for words of four to six letters, two for longer ones; a swap of two
  letters is one edit, and a replaced letter must be a neighbouring key; a word of three
  letters only when one left-out vowel or doubled letter makes it a common planner word
  ("mak", "cpy", "kil"), or two letters swapped a common word of three ("teh"; "hwo" only
  before "much", "many" and the like, since it may be "who");
- never a change that only drops an ending ("llmosd" stays: it is not "llmos"), though a
  last letter may have been lost ("creat", "usin");
- never inside quotes, paths, URLs, options or file names, nor in words in capitals,
  nor their plurals ("PNGs" is not "Pings").

A real word is never changed ("lunch" is not "launch", "next" not "net"), and names
the dictionary does not know stay as typed unless one slip from a planner word.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from llmos.planner.canon import slips
from llmos.planner.grammar import _quoted_spans

WORDS_FILE = "words.txt"
_HOW_NEXT = re.compile(r"\s+(?:much|many|big|large|long|far|often|old|fast|slow|full)\b", re.IGNORECASE)
_WORD = re.compile(r"(?<![\w./~@:\\-])[A-Za-z]{3,}(?![\w/@:\\-]|\.\w)")


def vocabulary(requests: Iterable[str], min_count: int = 5) -> Counter:
    """The English words of training requests common enough to be the planner's own: a
    typo the data generator made is rare, a word of the templates frequent.  Training sets
    ``min_count`` from its samples per template, so a word one template says is kept however
    much other data there is (a floor that grew with the data once dropped 519 words)."""
    counts: Counter = Counter()
    for text in requests:
        counts.update(w.lower() for w in re.findall(r"[A-Za-z]+", text))
    common = Counter({w: n for w, n in counts.items() if n >= min_count and len(w) >= 2})
    # the templates' own typos ("fiels", "creat") are common too: a word that is no English
    # word and one slip from a far commoner one is a typo of it, not a word of the planner
    speller = Speller(dict(common))
    return Counter({w: n for w, n in common.items()
                    if not ((k := speller._mend(w, among=True)) and common[k] >= 20 * n)})


def write_vocabulary(words: Counter, path: Path) -> None:
    path.write_text("".join(f"{w} {n}\n" for w, n in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))))


def read_vocabulary(path: Path) -> dict[str, int]:
    out = {}
    for line in path.read_text().splitlines():
        word, _, count = line.partition(" ")
        if word and count.isdigit():
            out[word] = int(count)
    return out


class Speller:
    """Mends typos of the planner's words in a request; see the module docstring."""

    def __init__(self, words: dict[str, int]) -> None:
        self.words = words
        self._by_length: dict[int, list[str]] = {}
        for w in sorted(words, key=lambda w: -words[w]):
            self._by_length.setdefault(len(w), []).append(w)

    @classmethod
    def for_model(cls, model_dir: str | Path) -> "Speller | None":
        path = Path(model_dir) / WORDS_FILE
        return cls(read_vocabulary(path)) if path.is_file() else None

    def correct(self, request: str) -> str:
        quoted = [(start, end) for start, end in _quoted_spans(request).items()]
        out, last = [], 0
        for m in _WORD.finditer(request):
            word = m.group(0)
            if any(s <= m.start() < e for s, e in quoted) or (word.isupper() and len(word) > 1) \
                    or (word[:-1].isupper() and word[-1] == "s" and len(word) > 2):    # "PNGs", "PDFs": a plural
                continue
            fixed = self._mend(word.lower()) if len(word) > 3 else self._mend_short(word.lower())
            if fixed is None and word.lower() == "hwo" and _HOW_NEXT.match(request, m.end()):
                fixed = "how"        # "hwo much space": "how" or "who" told apart by the word after
            if fixed:
                out.append(request[last:m.start()])
                out.append(fixed.capitalize() if word[0].isupper() else fixed)
                last = m.end()
        return "".join(out) + request[last:] if out else request

    def _mend_short(self, word: str) -> str | None:
        """A three-letter word is mended only when it is a common four-letter planner word with
        a vowel left out or a doubled letter single ("mak", "cpy", "opn", "fnd", "kil"), or a
        common three-letter one with two letters swapped ("hwo", "teh"), and no other: "ext" stays (it is not "text"), "vlc" and "ssh" are the planner's own."""
        if word in self.words or _is_english(word):
            return None
        fits = [k for k in self._by_length.get(4, ()) if self.words[k] >= 1000 and any(
            k[:i] + k[i + 1:] == word and (k[i] in "aeiou" or k[i] == k[i - 1:i] or k[i] == k[i + 1:i + 2])
            for i in range(4))]
        fits += [k for k in self._by_length.get(3, ()) if self.words[k] >= 1000 and any(
            k[:i] + k[i + 1] + k[i] + k[i + 2:] == word for i in range(2))]   # two letters swapped: "hwo"
        return fits[0] if len(fits) == 1 else None

    def _mend(self, word: str, among: bool = False) -> str | None:
        """The vocabulary word ``word`` is a typo of, or None; ``among``: ``word`` is itself in
        the vocabulary (while building it)."""
        if word in self.words and not among:
            return None
        limit = 1 if len(word) < 7 else 2
        best: tuple | None = None
        for n in range(len(word) - limit, len(word) + limit + 1):
            for rank, known in enumerate(self._by_length.get(n, ())):   # most frequent first
                if (known == word or known[0] != word[0] or word.startswith(known)
                        or (known.startswith(word) and n > len(word) + 1)):
                    continue   # an ending added ("llmosd", "starts") is no typo; one letter dropped is
                d = slips(word, known, limit)
                # fewest slips; then a swap or a wrong key before a letter lost or doubled
                # ("opne" is "open", not "one"), a swap first ("waht" is "what", not
                # "want"); then the commoner word
                key = (d, abs(n - len(word)), sorted(known) != sorted(word), rank)
                if d <= limit and (best is None or key < best[0]):
                    best = (key, known)
        if best is None or _is_english(word):
            return None
        return best[1]


# Programs people name with a capital ("Is Steam running?", "kill Firefox", "VLC"), whose
# process and command are lower case.  The planner's training requests name them in lower
# case, and a capitalised name reads to it as an unknown word: it had answered "Is Steam
# running?" with the machine's memory.  Matching by name is case-insensitive anyway
# (process.find, process.kill) and a command must be the lower-case program to run at all.
# Names that are mostly English words said with a capital ("Code", "Brave", "Opera") are not here.
PROGRAMS = frozenset("""
    firefox chrome chromium slack nginx java postgres thunderbird spotify vlc gimp docker
    zoom steam blender obs discord mpv gedit emacs vim htop pulseaudio evince libreoffice
    telegram signal inkscape krita audacity nautilus konsole okular qbittorrent keepassxc
    virtualbox skype teams vivaldi dropbox nextcloud
    redis mysql mariadb apache2 httpd sshd python python3 node rsync ffmpeg gparted
""".split())
_PROGRAM_WORD = re.compile(r"(?<![\w./~@:\\'\"-])[A-Z][A-Za-z0-9]+(?![\w/@:\\'\"-]|\.\w)")


def programs_folded(request: str) -> str:
    """The request with program names said in capitals in lower case ("Steam" → "steam"),
    outside quotes, paths and file names."""
    quoted = _quoted_spans(request).items()
    return _PROGRAM_WORD.sub(lambda m: m.group(0).lower() if m.group(0).lower() in PROGRAMS
                             and not any(s <= m.start() < e for s, e in quoted) else m.group(0), request)


@lru_cache(maxsize=1)
def _dictionary():
    try:
        from spellchecker import SpellChecker
    except ImportError:   # without a dictionary no word can be told from a typo: none is changed
        return None
    return SpellChecker(distance=1)


def _is_english(word: str) -> bool:
    """Whether ``word`` is a real English word (the dictionary, 0.15 s, is loaded only when a
    typo is suspected)."""
    checker = _dictionary()
    return checker is None or not checker.unknown([word])
