"""Constrained decoding: the plan language as a character automaton, and token masks.

The grammar is built from the live registry (intent names, argument names in
schema order, enum values, JSON types, required arguments, ``$ref`` to earlier
steps' declared outputs) and from the request: every quoted string must be a
piece of the request, a canonical form (:mod:`llmos.planner.canon`), or, for
paths, a canonical folder + ``/`` + a piece of the request.  That copy
constraint is what lets a small model generalise to names it never saw.

A state is a tuple of *nodes* (an NFA frontier); ``feed(state, ch)`` is pure.
:class:`TokenMasker` walks a trie of the vocabulary's token texts alongside the
automaton, so a mask costs only the branches that stay legal; byte-fallback
tokens are assembled into characters.  :meth:`Grammar.for_registry` caches one
grammar per registry contents, so a changed registry gets a new grammar.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from llmos.intents.manifest import Intent, _format_of
from llmos.planner.canon import (LOCALISED_DIRS, NEGATED_BEFORE, PATH_CANON, canons_for, case_folds, home_said,
                                 is_pathish, names_itself, path_canons, places_of_named_folders, string_canon,
                                 typo_of, written_only_inside)
from llmos.planner.language import NONE, STEP_SEPARATOR

MAX_STEPS = 4
MAX_STRING = 300
MAX_ITEMS = 8
MAX_DIGITS = 9
_DIGITS = frozenset("0123456789")

Then = Callable[[], list]


# --- nodes -------------------------------------------------------------------------------

class Choice:
    """One of several literal strings (a trie), each with its own continuation."""

    __slots__ = ("trie",)

    def __init__(self, trie: dict) -> None:
        self.trie = trie

    def feed(self, ch: str) -> list:
        sub = self.trie.get(ch)
        if sub is None:
            return []
        out = [Choice(sub)] if len(sub) > (1 if None in sub else 0) else []
        for then in sub.get(None, ()):
            out.extend(then())
        return out

    @property
    def final(self) -> bool:
        return False

    def next_chars(self) -> set[str]:
        return {k for k in self.trie if k is not None}


def choice(options: Iterable[tuple[str, Then]]) -> Choice:
    trie: dict = {}
    for text, then in options:
        node = trie
        for ch in text:
            node = node.setdefault(ch, {})
        node.setdefault(None, []).append(then)
    return Choice(trie)


class End:
    """After a complete plan: nothing more but the end of sequence."""

    __slots__ = ()
    final = True

    def feed(self, ch: str) -> list:
        return []

    def next_chars(self) -> set[str]:
        return set()


class Int:
    """A non-negative integer without leading zeros; ends where a non-digit begins."""

    __slots__ = ("digits", "then")

    def __init__(self, digits: str, then: Then) -> None:
        self.digits, self.then = digits, then

    def feed(self, ch: str) -> list:
        if ch in _DIGITS:
            if self.digits == "0" or len(self.digits) >= MAX_DIGITS:
                return []
            return [Int(self.digits + ch, self.then)]
        if not self.digits:
            return []
        return [n for node in self.then() for n in node.feed(ch)]

    @property
    def final(self) -> bool:
        return bool(self.digits) and any(n.final for n in self.then())

    def next_chars(self) -> set[str]:
        out = set() if self.digits == "0" else set(_DIGITS)
        if self.digits:
            for n in self.then():
                out |= n.next_chars()
        return out


ALL = None  # a string segment that has not started: any character of the request may come


# a string this long is a file's text (files.write takes 1 MiB; a notification's body 4000
# characters): only such text holds line breaks
FILE_TEXT_LENGTH = 65536


@dataclass(frozen=True)
class StrSpec:
    """What a quoted string may hold, for one argument of one request."""

    request: str
    canons: tuple[str, ...] = ()
    path: bool = False          # canonical folder + "/" + piece of the request
    multiline: bool = False     # "\n" between (and after) copied pieces
    check: Callable[[str], bool] | None = None   # the value must pass this to close
    blanks: bool = True                          # False: a single word (URLs, hosts)
    whole: bool = False                          # a copied path ends where its word ends
    prose: bool = False                          # a message, title or content: see _lead_word
    lines: bool = False                          # a file's text: it may hold line breaks
    taken: frozenset = frozenset()               # paths this step already names: not again
    new_names: tuple[tuple[str, int], ...] = ()  # a folder made anew holds its name: (name, where said)
    timed: bool = False                          # prose of a step that takes a duration apart
    quoted: bool = False                         # prose that must begin at a quotation
    quotes_text: bool = False                    # the request's quoted texts are this step's text, no names
    labels: frozenset[int] | None = None         # a title that must begin where a label leaves off ("titled X")
    bare_home: bool = True                       # "~" by itself is a value (see Grammar._str_spec)
    home_parent: bool = True                     # "~" + "/" + a name said on its own is a value
    suffix: bool = False                         # a kind of file (an extension): never the end of a name
    chars: re.Pattern | None = None              # every character must match (an extension's: ASCII)


class Str:
    """The body of a quoted string, after ``" ``, up to and including the closing quote."""

    __slots__ = ("spec", "subs", "canon", "after_nl", "escape", "text", "then", "in_folder", "must_end")

    def __init__(self, spec: StrSpec, then: Then, subs=ALL, canon: str | None = "",
                 after_nl: bool = False, escape: bool = False, text: str = "",
                 in_folder: bool | str = False, must_end: frozenset[int] | None = None) -> None:
        self.spec, self.then, self.subs, self.canon = spec, then, subs, canon
        self.after_nl, self.escape, self.text = after_nl, escape, text
        # a canonical folder (or one written out) + "/" + piece: the piece is a name said on its
        # own ("report.pdf in Downloads"), never the tail of a path written out nor a second
        # path; "file": after the folder of a written file, a name with a suffix (a rename)
        self.in_folder = in_folder
        # a copy that began just inside quotes runs to the closing quote: 'Backup finished'
        # is copied whole, never as "Backup"; one that began after a colon, to a clause's end
        self.must_end = must_end

    @property
    def length(self) -> int:
        return len(self.text)

    @property
    def _start_kind(self) -> str:
        """Where a new copy may begin: a name after a known folder, a path, or any piece."""
        if self.in_folder:
            kind = "file" if self.in_folder == "file" else "name"
            return kind + " unquoted" if self.spec.quotes_text else kind
        if self.spec.path:
            return "path unquoted" if self.spec.quotes_text else "path"
        if self.spec.suffix:
            return "suffix"
        return ("quoted" if self.spec.quoted else "prose") if self.spec.prose else "piece"

    def _copy_starts(self) -> dict[str, tuple[int, ...]]:
        """Where a new copy may begin, by its first character: after a label, when the text
        has labels; else wherever its kind may begin."""
        if self.spec.labels is None or self.in_folder:
            if self.spec.timed and self.spec.prose:   # 一个半小时后提醒我…: the time is the step's duration
                return _starts_outside_durations(self.spec.request, self._start_kind)
            return _starts(self.spec.request, self._start_kind)
        return _by_first_char(self.spec.request, self.spec.labels)

    def _closable(self) -> bool:
        if not self.text or self.text[-1] in " \t" or self._said_before():
            return False
        if self.must_end is not None and (self.subs is ALL or not self.must_end & self.subs):
            return False
        req = self.spec.request
        if (self.canon and self.canon in self.spec.canons
                and not (self.spec.path and written_only_inside(self.canon, req))):
            ok = True
        elif self.subs is not ALL and self.subs:
            ok = self._piece_ends()
        else:
            ok = self.after_nl and self.subs is ALL
        if self.in_folder == "file" and "." not in self.text.rsplit("/", 1)[-1]:
            return False
        if self.in_folder and names_itself(self.text):
            return False   # 在桌面上 named ~/Desktop; it names no file in it ("~/Desktop/桌面")
        if self.spec.path and self.text in places_of_named_folders(req):
            return False   # "the untitled folder on my desktop" is not ~/Desktop
        if self.spec.new_names and not self._holds_new_name() and (self._names_a_said_folder() or self._name_quoted()):
            return False   # "a folder called Receipts in ~/Documents" is never ~/Documents
        if self.text == "~" and not self.spec.bare_home:
            return False   # "download URL" saves no file into ~, "打开 bilibili.com" opens no ~
        if not any(c.isalnum() for c in self.text) and self.canon not in self.spec.canons:
            return False   # a copy of punctuation alone ("--") is no value; "~", "." and "/" are canons
        return (ok and (self.spec.check is None or self.spec.check(self.text))
                and (not self.spec.path or path_shape_ok(self.text)))

    def _holds_new_name(self) -> bool:
        return any(n in self.text for n, _ in self.spec.new_names)

    def _name_quoted(self) -> bool:
        """A new folder's name said in quotes ("a new folder called 'Receipts 2025'") is its name
        for sure; one said bare may belong to another step ("unzip it to a folder called res
        …, and new folder: /tmp/backup01")."""
        return any(re.search(r"\b(?:called|named)\s+['\"“‘]" + re.escape(n), self.spec.request, re.I)
                   for n, _ in self.spec.new_names)

    def _names_a_said_folder(self) -> bool:
        """The text is a folder the request names: a known one, or one it writes out in the
        clause that names the new folder ("inside ~/projects make a folder called api")."""
        req = self.spec.request
        return self.text in self.spec.canons or any(
            _folder_kind(req, m.end()) == "dir" and any(_one_clause(req, m.start(), at) for _, at in self.spec.new_names)
            for m in re.finditer(re.escape(self.text), req))

    def _said_before(self, text: str | None = None) -> bool:
        """This step already says the text (a line break added is the same text); prose the
        request itself says twice may be said twice."""
        text = (self.text if text is None else text).rstrip("\n")
        if text not in {t.rstrip("\n") for t in self.spec.taken}:
            return False
        return not (self.spec.prose and self.spec.request.count(text) >= 2)

    def _takes_names(self, canon: str) -> bool:
        """Whether a name said on its own may follow this canonical folder and a "/"."""
        return (self.spec.path and canon not in (".", "/") and not folder_written(canon, self.spec.request)
                and (canon != "~" or self.spec.home_parent))

    @property
    def _ends(self) -> Callable[[str, int], bool]:
        """Where a copy may stop: a path at a whole word's end, any other piece at a piece's."""
        return _word_end if self.spec.whole else _piece_end

    def _ends_untaken(self, text: str, p: int) -> bool:
        """Whether a copy that reads ``text`` up to ``p`` can still end on a text the step has
        not said: "firefo" of "kill firefox" cannot once "firefox" is said, and is refused
        there rather than one character too late, where the decoder would find a dead end."""
        req, ends = self.spec.request, self._ends
        return any(ends(req, e) and not self._said_before(text + req[p:e])
                   for e in range(p, min(len(req), p + MAX_STRING - len(text)) + 1))

    def _piece_ends(self) -> bool:
        """The piece being copied may end here: at a word's end, not on a word that leads into
        more, not cutting a written path."""
        req, ends = self.spec.request, self._ends
        return any(ends(req, p) and not (self.spec.multiline and _dangles(req, p))
                   and not (self.spec.prose and (_cuts_written_path(req, p) or _introduces_text(req, p)
                                                 or _cuts_phrase(req, p) or _mid_chinese_phrase(req, p)
                                                 or (not self.spec.lines and _mid_clause(req, p))
                                                 or (self.spec.timed and (_TIME_LAST.search(req, 0, p) is not None
                                                                          or p - 1 in _duration_inside(req)))))
                   and not (self.in_folder is True and _ends_leading_on(req, p))
                   and not (self.spec.path and _name_runs_on(req, p, bool(self.in_folder)))
                   for p in self.subs)

    def _extend(self, ch: str) -> list:
        req = self.spec.request
        if self.length + 1 > MAX_STRING:
            return []
        if self.spec.path and ch in "~/" and self.text[-1:].isspace():
            return []  # a second path begins: "the Pictures folder into ~/pictures.zip" is two
        if self.spec.path and ch == "/" and (_repeats_folder(self.text) or re.search(r"(\s\w+:/?|[^:]/)$", self.text)):
            # ~/Downloads/Downloads/…, "…//…", "opne https://…": refused as they begin, not at the
            # closing quote (path_shape_ok), which would be a dead end
            return []
        if self.in_folder and ch == "~":
            return []
        if self.spec.path and ch in " \t" and (_repeats_folder(self.text) or _SUFFIX_END.search(self.text)):
            # "~/Desktop/Desktop into it": refused as its first word ends, not when it fails to
            # close; a file's suffix ends its name ("~/notes.txt into it" is no file)
            return []
        out = []
        if self.subs is ALL:
            starts = self._copy_starts().get(ch, ())
            quoted = _whole_spans(req, self.spec.multiline, self.spec.prose)
            subs = frozenset(i + 1 for i in starts if i not in quoted)
            out.extend(Str(self.spec, self.then, frozenset({i + 1}), None, False, False, self.text + ch,
                           self.in_folder, quoted[i]) for i in starts if i in quoted)
        else:
            subs = frozenset(p + 1 for p in self.subs if p < len(req) and req[p] == ch
                             and (self.must_end is None or p < max(self.must_end)))
            if (self.spec.prose or self.in_folder) and self.must_end is None:
                # prose begun outside quotes does not run into them ("write '" of "and write
                # '<h1>Hello</h1>'"): the quotation is a text of its own; nor does a name
                # ("need a new folder called 'Receipts 2025" of "I need a new folder called …")
                marks = _quote_marks(req)
                subs = frozenset(p for p in subs if p - 1 not in marks)
        canon = None
        if self.canon is not None and not self.after_nl:
            grown = self.canon + ch
            if any(k.startswith(grown) and (k not in self.spec.taken or self._takes_names(k)) for k in self.spec.canons):
                canon = grown   # toward a canon not said yet, or a folder a name may follow
            if ch == "/" and self.canon in self.spec.canons and self._takes_names(self.canon):
                # canonical folder + "/": a name from the request follows (besides any copy going
                # on); a folder the request itself writes out as a path is only ever copied
                out.append(Str(self.spec, self.then, ALL, None, False, False, self.text + ch, True))
        if (self.spec.path and ch == "/" and self.subs is not ALL and not self.in_folder
                and ("/" in self.text or self.text.startswith("~"))):
            # a folder written out + "/" + a name said on its own: "Invoices under
            # ~/Documents/Finance"; "rename ~/Documents/notes.txt to todo.txt" → a file name
            # (with a suffix) in the written file's folder, never ~/.password-store/read
            kinds = {_folder_kind(req, p) for p in self.subs}
            if kinds - {None}:
                out.append(Str(self.spec, self.then, ALL, None, False, False, self.text + ch,
                               True if "dir" in kinds else "file"))
        if subs and self.spec.taken:
            subs = frozenset(p for p in subs if self._ends_untaken(self.text + ch, p))
        if subs or canon is not None:
            out.append(Str(self.spec, self.then, subs, canon, False, False, self.text + ch, self.in_folder,
                           self.must_end))
        return out

    def feed(self, ch: str) -> list:
        if self.escape:
            if ch == "n":
                if not self._may_break_line():
                    return []
                return [Str(self.spec, self.then, ALL, None, True, False, self.text + "\n")]
            if ch in '"\\':
                return self._extend(ch)
            return []
        if ch == '"':
            return self.then(self.text) if self._closable() else []
        if ch == "\\":
            return [Str(self.spec, self.then, self.subs, self.canon, self.after_nl, True, self.text,
                        self.in_folder, self.must_end)]
        if ch == "\n" or (ch in " \t" and (not self.text or self.after_nl or not self.spec.blanks)):
            return []  # values do not start with blanks; URLs and hosts hold none
        if self.spec.chars is not None and not self.spec.chars.fullmatch(ch):
            return []
        return self._extend(ch)

    @property
    def final(self) -> bool:
        return False

    # next_chars must offer every character feed accepts: the decoder masks tokens by it, so a
    # character it forgets is one the model can never write (append's "\n" had been unreachable)
    def _may_break_line(self) -> bool:
        """A "\\n" may follow the piece being copied where it may end, once it holds a word;
        only in a file's text, never in a title, a message, a program name or a pattern."""
        return (self.spec.multiline and self.spec.lines and self.subs is not ALL and bool(self.subs)
                and (self.must_end is None or bool(self.must_end & self.subs))
                and any(c.isalnum() for c in self.text.rsplit("\n", 1)[-1]) and self._piece_ends())

    def _may_name_in_written_folder(self) -> bool:
        """A "/" and a name said on its own may follow a folder written out (_extend)."""
        return (self.spec.path and self.subs is not ALL and bool(self.subs) and not self.in_folder
                and ("/" in self.text or self.text.startswith("~"))
                and any(_folder_kind(self.spec.request, p) for p in self.subs))

    def next_chars(self) -> set[str]:
        if self.escape:
            return {"n", '"', "\\"}
        req = self.spec.request
        if self.subs is ALL:
            out = set(self._copy_starts())
        else:
            out = {req[p] for p in self.subs if p < len(req)}
        if self.in_folder:
            out.discard("~")
        if self.spec.path and self.text[-1:].isspace():
            out -= {"~", "/"}
        if self.canon is not None and not self.after_nl:
            out |= {k[len(self.canon)] for k in self.spec.canons
                    if k.startswith(self.canon) and len(k) > len(self.canon)}
            if self.spec.path and self.canon in self.spec.canons:
                out.add("/")
        if '"' in out or "\\" in out or self._may_break_line():
            out.add("\\")
        if self._may_name_in_written_folder():
            out.add("/")
        out.discard('"')
        out.discard("\n")
        if self.spec.chars is not None:
            out = {c for c in out if self.spec.chars.fullmatch(c)}
        if not self.text or self.after_nl or not self.spec.blanks:
            out.discard(" ")
            out.discard("\t")
        if self._closable():
            out.add('"')
        return out


# --- the grammar ----------------------------------------------------------------------------

@dataclass
class ArgSpec:
    name: str
    prop: dict
    kind: str            # enum | bool | int | string | array
    item: dict = field(default_factory=dict)


@dataclass
class IntentSpec:
    name: str
    args: list[ArgSpec]
    required: frozenset[str]
    any_of: list[frozenset[str]]
    outputs: dict[str, str]      # output field → "array" | "ints" (of integers) | "string" | "other"
    creates: frozenset[str] = frozenset()   # the path it makes, when that is all it takes

    def can_take(self, index: int, used: frozenset[str]) -> bool:
        """Arguments come in schema order: taking ``index`` must not skip a required one."""
        earlier = {a.name for a in self.args[:index]}
        if any(r in earlier and r not in used for r in self.required):
            return False
        # anyOf: some alternative must still be completable after skipping the earlier ones
        return not self.any_of or any(all(m in used or m not in earlier for m in group)
                                      for group in self.any_of)

    def complete(self, used: frozenset[str]) -> bool:
        return self.required <= used and (not self.any_of or any(group <= used for group in self.any_of))


def _kind(prop: dict) -> str:
    if "enum" in prop:
        return "enum"
    t = prop.get("type")
    if t == "boolean":
        return "bool"
    if t == "integer" and _format_of(prop) is None:
        return "int"
    if t == "array":
        return "array"
    return "string"


def _intent_spec(intent: Intent) -> IntentSpec:
    args = []
    for name, prop in intent.properties.items():
        item = prop.get("items", {}) if isinstance(prop.get("items"), dict) else {}
        args.append(ArgSpec(name, prop, _kind(prop), item))
    params = intent.parameters
    any_of = [frozenset(s.get("required", [])) for s in params.get("anyOf", []) + params.get("oneOf", [])
              if s.get("required")]
    outputs = {}
    for fname, fprop in ((intent.output or {}).get("properties") or {}).items():
        t = fprop.get("type") if isinstance(fprop, dict) else None
        items = fprop.get("items") if isinstance(fprop, dict) else None
        if t == "array" and isinstance(items, dict) and items.get("type") == "integer":
            t = "ints"
        outputs[fname] = t if t in ("array", "ints", "string") else "other"
    # a step whose one argument is the one path it writes, touching nothing else, makes it (a folder)
    effects = intent.effects or {}
    writes = list(effects.get("writes", ()))
    makes = (set(effects) == {"writes"} and len(writes) == 1 and list(intent.properties) == writes
             and intent.properties[writes[0]].get("type") == "string")
    return IntentSpec(intent.name, args, frozenset(intent.required), any_of, outputs,
                      frozenset(writes) if makes else frozenset())


class Grammar:
    """The plan language for one registry; :meth:`start` begins a plan for one request."""

    _cache: dict[tuple, "Grammar"] = {}

    def __init__(self, intents: Iterable[Intent]) -> None:
        intents = list(intents)
        self.specs = {i.name: _intent_spec(i) for i in intents}
        self.string_canon = string_canon(intents)
        self.case_folds = case_folds(intents)

    @classmethod
    def for_registry(cls, registry: Iterable[Intent]) -> "Grammar":
        intents = list(registry)
        key = tuple((i.name, i.source, repr(i.parameters), repr(i.output)) for i in intents)
        if key not in cls._cache:
            cls._cache.clear()  # only the current registry's grammar is worth keeping
            cls._cache[key] = cls(intents)
        return cls._cache[key]

    def start(self, request: str) -> tuple:
        return tuple(self._step_start(request, ()))

    # each method returns a list of nodes
    def _step_start(self, request: str, done: tuple[str, ...]) -> list:
        options: list[tuple[str, Then]] = []
        if not done:
            options.append((" " + NONE, lambda: [End()]))
        for name, spec in self.specs.items():
            if self._feasible(request, spec, done):
                options.append((" " + name, self._after_arg_then(request, done, name, -1, frozenset(), frozenset())))
        return [choice(options)]

    def _possible(self, request: str, arg: ArgSpec, done: tuple) -> bool:
        if arg.kind == "int":
            return ((bool(arg_ints(request, arg)) and not (arg.name == "limit" and limit_unsaid(request)))
                    or bool(self._item_refs(done, arg.name)))
        if arg.kind == "string":
            values = Grammar.arg_values(request, arg)
            return values is None or bool(values)
        return True

    def _feasible(self, request: str, spec: IntentSpec, done: tuple) -> bool:
        """An intent whose required size or duration the request never states cannot be planned."""
        missing = {a.name for a in spec.args if not self._possible(request, a, done)}
        if spec.required & missing:
            return False
        return not spec.any_of or any(not (group & missing) for group in spec.any_of)

    @staticmethod
    def _signal_unsaid(request: str, spec: IntentSpec, used: frozenset) -> bool:
        """A step that sends a signal ends only once it says the signal the request states."""
        return any(a.name not in used and a.kind == "enum" and _format_of(a.prop) == "signal"
                   and stated_signals(request, tuple(a.prop["enum"])) for a in spec.args)

    def _after_arg_then(self, request: str, done: tuple, intent: str, last: int, used: frozenset,
                        said: frozenset) -> Then:
        return lambda: self._after_arg(request, done, intent, last, used, said)

    def _after_arg(self, request: str, done: tuple, intent: str, last: int, used: frozenset,
                   said: frozenset) -> list:
        """After argument ``last`` of a step: another argument, the next step, or the end.
        ``said``: the texts this step says so far; a step never says one twice (extract X
        into X, copy X to X, a body that repeats the title), a small model's way of filling
        a slot it missed."""
        spec = self.specs[intent]
        options: list[tuple[str, Then]] = []
        for j in range(last + 1, len(spec.args)):
            if not self._possible(request, spec.args[j], done):
                continue  # nothing in the request can fill it (no size said, no URL, ...)
            if spec.can_take(j, used):
                arg = spec.args[j]
                options.append((f" {arg.name}=", self._value_then(request, done, intent, j, used, said)))
        nodes: list = []
        if spec.complete(used) and not self._signal_unsaid(request, spec, used):
            steps = done + (intent,)
            if len(steps) < MAX_STEPS:
                options.append((STEP_SEPARATOR, lambda: self._step_start(request, steps)))
            nodes.append(End())
        if options:
            nodes.append(choice(options))
        return nodes

    def _value_then(self, request: str, done: tuple, intent: str, j: int, used: frozenset, said: frozenset) -> Then:
        return lambda: self._value(request, done, intent, j, used, said)

    def _value(self, request: str, done: tuple, intent: str, j: int, used: frozenset, said: frozenset) -> list:
        spec = self.specs[intent]
        arg = spec.args[j]
        pathish = is_pathish(_format_of(arg.item if arg.kind == "array" else arg.prop))

        def after(more: frozenset) -> Then:
            return self._after_arg_then(request, done, intent, j, used | {arg.name}, said | more)
        then = after(frozenset())
        if arg.kind == "enum":
            values = arg.prop["enum"]
            if _format_of(arg.prop) == "signal":
                values = stated_signals(request, tuple(values)) or values
                refused = refused_signals(request)
                if refused and len(values) > 1:
                    # "结束进程 47308，不是暂停", "stop it gracefully rather than force-killing it":
                    # the default, or a signal the request asks for in words, never another
                    values = [v for v in values if v not in refused and (
                        v == "TERM" or (v in _SIGNAL_WORDS and _SIGNAL_WORDS[v].search(request)))] or values
            elif set(values) == {"asc", "desc"}:
                values = stated_order(request) or values
            elif "listen" in values and _LISTENING.search(request) and not _NOT_ONLY_LISTENING.search(request):
                values = ["listen"]   # "show me the listening sockets" is never state=all
            return [choice((str(v), then) for v in values)]
        if arg.kind == "bool":
            return [choice((("true", then), ("false", then)))]
        if arg.kind == "int":
            values = arg_ints(request, arg)
            if arg.name == "limit":
                values = tuple(v for v in values if int(v) in limits_said(request)) or values
            elif arg.name == "depth":
                values = tuple(v for v in values if int(v) in depths_said(request)) or values
            elif arg.name == "count":
                values = tuple(v for v in values if int(v) in times_said(request)) or values
            return [choice([(v, then) for v in values] + [(r, then) for r in self._item_refs(done, arg.name)])]
        refs = self._refs(done, "array" if arg.kind == "array" else "string", arg)
        # a step never says one text twice (a body that repeats the title, a copy onto itself);
        # the items of a list that is no list of paths may repeat (a program's options)
        taken = said if pathish or arg.kind != "array" else None
        if arg.kind == "array":
            item_then = self._items_then(request, intent, arg, after, 1, taken)
            opening = [("[", lambda: self._string_value(request, intent, arg.name, arg.item, item_then, taken or frozenset()))]
            return [choice(opening + [(r, then) for r in refs])]
        closed = self.arg_values(request, arg)
        if closed is not None:
            return [choice([(_quoted(v), after(frozenset({v}))) for v in closed if v not in (taken or ())]
                           + [(r, then) for r in refs])]
        return [choice([('" ', lambda: [Str(self._str_spec(request, intent, arg.name, arg.prop, taken or frozenset()),
                                            lambda text: after(frozenset({text}))())])]
                       + [(r, then) for r in refs])]

    def _items_then(self, request: str, intent: str, arg: ArgSpec, after: Callable[[frozenset], Then],
                    count: int, taken: frozenset | None) -> Callable[[str], list]:
        """After an array's ``count``-th item, given its text (paths are not named twice)."""
        def after_item(text: str) -> list:
            now = taken | {text} if taken is not None else None
            options: list[tuple[str, Then]] = [("]", after(now or frozenset()))]
            if count < MAX_ITEMS:
                nxt = self._items_then(request, intent, arg, after, count + 1, now)
                options.append((",", lambda: self._string_value(request, intent, arg.name, arg.item, nxt,
                                                                now or frozenset())))
            return [choice(options)]
        return after_item

    def _string_value(self, request: str, intent: str, name: str, prop: dict, then: Callable[[str], list],
                      taken: frozenset = frozenset()) -> list:
        """One array item; ``then`` takes the item's text."""
        kind = _kind(prop)
        if kind == "enum":
            return [choice((str(v), lambda v=v: then(str(v))) for v in prop["enum"])]
        if kind == "int":
            return [Int("", lambda: then(""))]
        closed = self.closed_values(request, prop)
        if closed is not None:
            return [choice((_quoted(v), lambda v=v: then(v)) for v in closed if v not in taken)]
        return [choice([('" ', lambda: [Str(self._str_spec(request, intent, name, prop, taken), then)])])]

    @staticmethod
    def closed_values(request: str, prop: dict) -> tuple[str, ...] | None:
        """The finite set a string may hold when it must also *read as* something, else None.

        Sizes and durations, URLs and hosts, and paths with a schema pattern (an archive's
        suffix) are enumerated from the request up front: no copy can then wander into a
        piece that never closes.
        """
        fmt = _format_of(prop)
        if fmt in ("size", "duration"):
            return quantity_spans(request, fmt)
        if fmt in _CHECKS:
            return word_values(request, fmt)
        if is_pathish(fmt) and prop.get("pattern"):
            return patterned_paths(request, prop["pattern"])
        return None

    @staticmethod
    def arg_values(request: str, arg: ArgSpec) -> tuple[str, ...] | None:
        """``closed_values`` for one argument: a bound on a size takes no size said on the
        other side of it ("under 100 KB" is never ``larger_than``)."""
        values = Grammar.closed_values(request, arg.prop)
        side = _SIZE_SIDE.get(arg.name)
        if values is None or side is None or _format_of(arg.prop) != "size":
            return values
        return tuple(v for v in values if _sides_of(request, v) != {"below" if side == "above" else "above"})

    def _str_spec(self, request: str, intent: str, name: str, prop: dict, taken: frozenset = frozenset()) -> StrSpec:
        fmt = _format_of(prop)
        if is_pathish(fmt):
            # a folder made anew that the request names ("a folder called Receipts")
            names = new_names(request) if name in self.specs[intent].creates else ()
            # a step that writes a quoted text into a file never names the file by that text
            # ("write 'hello world' to ~/notes/first.txt" is no ~/notes/hello world)
            writes = any(a.kind == "string" and a.prop.get("maxLength", 0) >= FILE_TEXT_LENGTH
                         for a in self.specs[intent].args)
            # home by itself is the fallback of a step that must search or list somewhere
            # (files.find, files.usage); where the step may leave the place out (a download's
            # folder) or names what it opens, "~" stands only for home said
            home = home_said(request)
            bare_home = home or (name in self.specs[intent].required and fmt == "path")
            # a folder made anew goes where the request says: 'a folder named "Old Stuff" in
            # ~/x' is never ~/Old Stuff; home only when said, or when no folder is written
            home_parent = not names or home or not writes_a_folder(request)
            check = _pattern_check(prop.get("pattern"))
            if any(a.name != name and "glob" in str(a.prop.get("description", "")).lower()
                   for a in self.specs[intent].args):
                # the folder a glob is matched in holds none ("files named backup_2023-*.tar.gz
                # on /mnt/nas/backups" searches /mnt/nas/backups)
                check = _without_wildcards(check, request)
            return StrSpec(request, path_canons(request), path=True, check=check,
                           whole=True, taken=taken, new_names=names,
                           quotes_text=writes and _quoted_texts(request) >= 1, bare_home=bare_home,
                           home_parent=home_parent)
        if fmt in _CHECKS:   # copied, one word, must read as one
            return StrSpec(request, check=_CHECKS[fmt], blanks=False, taken=taken)
        if fmt is not None:
            return StrSpec(request, taken=taken)
        if "extension" in str(prop.get("description", "")).lower():
            # one word of letters and digits ("tar.gz", "mp3"), and no word that names files in
            # general ("files" of "my 48 latest files"); never a piece of a Chinese name or path
            # ("~/下载/临时文件.zip" holds no extension "载/临")
            return StrSpec(request, canons_for(request, self.string_canon.get((intent, name), ()), self.case_folds),
                           taken=taken, suffix=True, blanks=False, chars=_EXTENSION_CHAR,
                           check=lambda text: text.lower() not in _NO_KIND)
        # prose (a long maxLength: a message, a title, a file's text) is what the request says
        # to write or show, never its own command word
        # a step that takes its time apart ("remind me to call the bank in 2 hours") leaves
        # the time out of its text
        timed = any(_format_of(a.prop) == "duration" for a in self.specs[intent].args)
        # a step that takes two texts (a title and a body) takes them from the quotations of a
        # request that quotes its texts, and its title from after a label ("titled X"), if
        # any; a file's text is the quotation a request writes ("create ~/site and write
        # '<h1>Hi</h1>' into ~/site/index.html")
        texts = sum(a.kind == "string" and _is_prose(a.prop) for a in self.specs[intent].args)
        lines = prop.get("maxLength", 0) >= FILE_TEXT_LENGTH
        return StrSpec(request, canons_for(request, self.string_canon.get((intent, name), ()), self.case_folds),
                       multiline=True, prose=_is_prose(prop), timed=timed,
                       quoted=((texts >= 2 and _quotes_hold_the_texts(request))
                               or (lines and _writes_a_quotation(request))),
                       lines=lines, taken=taken, labels=labelled_starts(request, name) if texts >= 2 else None)

    def _item_refs(self, done: tuple, name: str) -> list[str]:
        """``@N.pids[0]`` for an integer ``pid``: the first of the list of its kind an earlier
        step gives ("what's hogging the most memory? kill it", "find java and show its details")."""
        return [f"@{n}.{name}s[0]" for n, step in enumerate(done) if self.specs[step].outputs.get(name + "s") == "ints"]

    def _refs(self, done: tuple, want: str, arg: ArgSpec) -> list[str]:
        """``@N.field`` for earlier steps whose declared output has the right shape."""
        fmt = _format_of(arg.prop)
        if not is_pathish(fmt):
            return []  # only paths flow between steps
        out = []
        for n, name in enumerate(done):
            for fname, ftype in self.specs[name].outputs.items():
                if ftype == want and fname in ("paths", "path", "archive", "destination"):
                    out.append(f"@{n}.{fname}")
                elif want == "string" and ftype == "array" and fname == "paths":
                    out.append(f"@{n}.paths[0]")  # the first found: "find the newest log and open it"
        return out


# --- quantities and checks -------------------------------------------------------------------

# "kill -9", "-HUP", "SIGTERM"; a count for head or tail ("ps aux | head -1") is no signal
_SIGNAL_SAID = re.compile(r"(?<![\w-])(?<!\bhead )(?<!\btail )-(\d{1,2}|[A-Za-z]{3,4})\b|\bSIG([A-Z]{3,4})\b")


@lru_cache(maxsize=256)
def stated_signals(request: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The signals a request states as kill(1) does ("kill -9 5521", "-HUP", "SIGTERM"):
    when it states one, that is the signal, whatever the words around it suggest."""
    from llmos.plan.normalise import NormaliseError, parse_signal

    out = []
    for m in _SIGNAL_SAID.finditer(request):
        try:
            name = parse_signal(m.group(1) or m.group(2))
        except NormaliseError:
            continue
        if name in allowed and name not in out:
            out.append(name)
    return tuple(out)


def _is_prose(prop: dict) -> bool:
    """A free text (a message, a title, a file's text): a string of no format with a long maxLength."""
    return _format_of(prop) is None and prop.get("maxLength", 0) >= 100


# Words that ask for a signal, and the negations that refuse it within its clause ("stop it
# gracefully rather than force-killing it", "don't pause it, quit it", 结束进程，不是暂停).
_SIGNAL_WORDS = {
    "KILL": re.compile(r"\bforce[- ]?(kill|quit|stop|clos|end)\w*|\bkill -9\b|\bhard[- ]?kill\w*|强制|强杀", re.I),
    "STOP": re.compile(r"\b(paus|suspend|freez)\w*|暂停|挂起|冻结", re.I),
    "CONT": re.compile(r"\b(resum|continu|unpaus)\w*|继续运行|恢复运行", re.I),
    "HUP": re.compile(r"\breload\w*|\bhang ?up\b|重新加载|重载", re.I),
    "INT": re.compile(r"\binterrupt\w*|\bctrl[- +]?c\b|中断", re.I),
}


@lru_cache(maxsize=256)
def refused_signals(request: str) -> frozenset[str]:
    """Signals the request names only to refuse them: every mention comes just after a
    negation in its own clause."""
    out = set()
    for name, words in _SIGNAL_WORDS.items():
        mentions = list(words.finditer(request))
        if mentions and all(NEGATED_BEFORE.search(re.split(r"[-–,;:.!?，；：。！？]|\b(?:plus|and then|then)\b",
                                                           request[:m.start()])[-1])
                            for m in mentions):
            out.add(name)
    return frozenset(out)


# Words that say which end of a sorted list comes first.  Superlatives and stated
# directions only: "big files" is a size bound, not an order.
_ORDER_SAID = {
    "asc": re.compile(r"\b(smallest|tiniest|oldest|earliest|ascending|least recent(ly)?|small to (big|large))\b|\ba ?(to|-) ?z\b"
                      r"|从小到大|由小到大|从旧到新|由旧到新|从早到晚|最小|最旧|最早|升序", re.IGNORECASE),
    "desc": re.compile(r"\b(biggest|largest|heaviest|fattest|newest|latest|most recent(ly)?|descending|reverse|(big|large) to small)\b"
                       r"|\bz ?(to|-) ?a\b|从大到小|由大到小|从新到旧|由新到旧|从晚到早|最大|最新|降序|倒序|逆序",
                       re.IGNORECASE),
}


@lru_cache(maxsize=256)
def stated_order(request: str) -> tuple[str, ...]:
    """The sort order a request states ("the smallest", "newest first", "从小到大"), when it
    states only one: a small model follows the word "files" to its usual order otherwise."""
    said = tuple(order for order, words in _ORDER_SAID.items() if words.search(request))
    return said if len(said) == 1 else ()


# A new folder's name as an English request gives it: "a new folder called Receipts",
# "a directory on the Desktop named Inbox", "call it Inbox", "a Receipts folder inside
# Documents" (not "a scratch directory at ~/.cache": that path is the folder).  (Chinese
# puts the place between 叫 and the name too often to read it this way.)
_NEW_NAME_SAID = re.compile(r"\b(?:folder|directory|dir|subfolder|subdirectory)\s+(?:[\w~/.-]+\s+){0,3}?(?:called|named)\s+|"
                            r"\b(?:call|name)\s+it\s+|"
                            r"\b(?:an?|one)\s+(?:new\s+)?(?=(?P<name>(?!(?:new|empty|fresh|separate|temporary|temp|blank|"
                            r"sub|another|other|extra|single|folder|directory)\b)[\w.-]+)\s+(?:sub)?(?:folder|directory|dir)\b(?!\s+at\b))|"
                            # 建一个 归档 文件夹, 新建一个叫 2025计划 的文件夹; 文件夹叫 X
                            r"(?:建|创建)(?:一个|个)?(?:叫|名为|叫做|名叫)?\s*(?P<zh>(?!一个|新的|空的)[^\s，,。、的]+?)\s*的?\s*(?:子?文件夹|子?目录)|"
                            r"(?:文件夹|目录)[，,]?\s*(?:叫|名为|叫做|名叫|命名为)\s*",
                            re.IGNORECASE)
_NO_NEW_NAME = re.compile(r"[一二两三四五六七八九十几\d]*个|新的?|空的?|临时")   # 两个文件夹, 新的文件夹: no name


_WILDCARD = re.compile(r"\*|\?+(?=[\w.*])")   # not a question's marks ("under /media/usb??")


def _without_wildcards(check: Callable[[str], bool] | None, request: str) -> Callable[[str], bool]:
    """``check``, and no wildcard in the text nor just after it in the request (a glob's head;
    a known folder is none: "." of "core.* files in this folder")."""
    def ok(text: str) -> bool:
        ends = [m.end() for m in re.finditer(re.escape(text), request)]
        heads_a_glob = bool(ends) and all(_WILDCARD.match(request, e) for e in ends)
        return (not _WILDCARD.search(text) and (text in PATH_CANON or not heads_a_glob)
                and (check is None or check(text)))
    return ok


@lru_cache(maxsize=256)
def writes_a_folder(request: str) -> bool:
    """Whether the request writes out a folder's path ("~/work", "/mnt/data/", not "~/a.txt")."""
    return any(_folder_kind(request, m.end()) == "dir" or request[m.end():m.end() + 1] == "/"
               for m in re.finditer(r"(?<!\S)[~/][^\s/]*(/[^\s/]+)*", request) if len(m.group()) > 1)


@lru_cache(maxsize=256)
def new_names(request: str) -> tuple[tuple[str, int], ...]:
    """The first word of each name the request gives a folder it makes, quotes and any
    written folder dropped ("called ~/Documents/Receipts" → "Receipts"), and where it is said."""
    out = []
    for m in _NEW_NAME_SAID.finditer(request):
        word = re.match(r"""['"“‘]?([^\s'"”’,;]+)""", request[m.end():])
        name = (m.group("name") or (m.group("zh") or "").rsplit("/", 1)[-1]
                or (word.group(1).rstrip("/.!?:").rsplit("/", 1)[-1] if word else ""))
        if name and not _NO_NEW_NAME.fullmatch(name) and not re.fullmatch(r"[\W_]*|.*[*?\[].*", name):
            out.append((name, m.start()))
    return tuple(out)


def _one_clause(request: str, i: int, j: int) -> bool:
    return not _CLAUSE_END.search(request, min(i, j), max(i, j))


# A count a request states for a ranked list: "the 20 hugest", "5 most recently changed",
# "top 7", "first 4 processes", "the last 10 errors", 前十五个, 最大的20个, 10个最新.  A
# number followed by a unit is a size or a duration ("the last 5 minutes"), never a count.
_N = r"(\d+|[a-z]+|[零〇一二两俩三四五六七八九十百千万]+)"
_TIME_UNITS = r"secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?"
_NO_UNIT = (rf"(?!\s*(?:{_TIME_UNITS}|"
            r"[kmgtp]i?b?|bytes?|kilo\w*|mega\w*|gig\w*|tera\w*)\b|\s*%|\s*个?(分钟|秒|小时|天|周|星期|月|年|兆))")


_NOT_SUPERLATIVE = {"interest", "forest", "honest", "modest", "contest", "manifest", "request", "protest",
                    "harvest", "suggest", "digest", "guest", "quest", "west", "nest", "test", "rest", "best"}
_COUNT_SAID = re.compile(
    rf"\b{_N}\s+(?P<sup>most|least|\w{{2,}}est)\b|"
    rf"\b(?:top|first|last|past|latest|newest|oldest|biggest|largest|smallest|which|what)\s+{_N}\b{_NO_UNIT}|"
    rf"(?:^|\s)-n\s*{_N}\b|\b(?:head|tail)\s+-{_N}\b|"
    rf"\b{_N}{_NO_UNIT}\s+(?:[a-z]+\s+)?(?:files|folders|dir\w*|processes|programs|apps|entries|lines|errors|warnings|items|"
    r"ones|things|messages|results|matches|pictures|photos|images|songs|videos|documents|downloads)\b|"
    rf"前\s*{_N}\s*(?:个|条|名|项)?{_NO_UNIT}|"
    rf"最[^\d\s，。,、]{{1,4}}?的?\s*{_N}\s*(?:个|条|名|项){_NO_UNIT}|"
    rf"{_N}\s*(?:个|条|名|项)\s*最", re.IGNORECASE)
# One thing asked for by rank: "which process", "the single biggest", "the newest file", 哪个,
# "… uses the most memory" (a verb in the singular).
_ONE_SAID = re.compile(
    r"\b((?<!\ba )(?<!\binto )single (\w+est|most|least|process|program|app|file|folder|one)\b|"
    r"which (process|program|app|file|folder|one|dir\w*)|"
    r"(?:the |my )?(\w+est|most \w+|least \w+) (file|folder|process|program|app|one|thing|item|entry|dir\w*|of)\b(?!s)|"
    r"who\b|what(?:'s| is) (?:using|eating|hogging|taking)|(?:uses|eats|hogs|takes|consumes) the most)|"
    r"哪个|哪一个|那个|谁", re.IGNORECASE)


@lru_cache(maxsize=256)
def stated_counts(request: str) -> frozenset[int]:
    """The counts a request states for a ranked list ("the 20 biggest", "top 7", 前十五个):
    when it states one, a limit is one of them, not a round number the model prefers."""
    from llmos.plan.normalise import _number

    out = set()
    for m in _COUNT_SAID.finditer(request):
        if m.group("sup") and m.group("sup").lower() in _NOT_SUPERLATIVE:
            continue
        word = next(g for g in m.groups() if g is not None)
        n = _number(word)
        if n is not None and n == int(n) and n >= 1:
            out.add(int(n))
    return frozenset(out)


# A size said right after a comparison bounds one side: "under 100 KB", "不超过 2GB",
# "500MB以下" are upper bounds, "over 4 GB", "大于 1G", "1GB以上" lower ones; and a Chinese
# comparison puts the size between 比 and the adjective: 比3GB大 is over 3GB, 比10k小 under.
_SIZE_SIDE = {"larger_than": "above", "smaller_than": "below"}
_BELOW = re.compile(r"(\b(under|below|beneath|less than|smaller than|lower than|at most|up to|"
                    r"no (more|bigger|larger) than|not (over|above|more than|bigger than|larger than))|<=?|"
                    r"不到|小于|低于|少于|不超过|不大于|不足)\s*$", re.IGNORECASE)
_ABOVE = re.compile(r"(\b(over|above|more than|bigger than|larger than|greater than|at least|exceeding|"
                    r"exceeds)|>=?|超过|大于|高于|多于|不小于|不少于)\s*$", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _sides_of(request: str, piece: str) -> frozenset[str]:
    """The side each mention of a size is on: "below", "above", or "" (no comparison)."""
    sides = set()
    for m in re.finditer(re.escape(piece), request):
        before, after = request[max(0, m.start() - 24):m.start()], request[m.end():m.end() + 2]
        than = re.search(r"比\s*$", before) and re.match(r"\s*还?\s*(?P<adj>[大多高小少低])", request[m.end():])
        if _BELOW.search(before) or after in ("以下", "以内") or (than and than["adj"] in "小少低"):
            sides.add("below")
        elif _ABOVE.search(before) or after == "以上" or than:
            sides.add("above")
        else:
            sides.add("")
    return frozenset(sides)


@lru_cache(maxsize=256)
def limits_said(request: str) -> frozenset[int]:
    """When a request states a count for a ranked list, a limit is a number it states (the
    count, or another: counts come in more shapes than _COUNT_SAID knows), or 1 where it asks
    for one thing ("the single biggest process, and the 20 newest files"); never a round
    number it does not state ("the 20 hugest" is never the top 1).  Empty: no such rule."""
    counts = stated_counts(request)
    if not counts:
        return frozenset()
    one = 1 in counts or _ONE_SAID.search(request) or re.search(r"(?<![\w.])(1|one)(?![\w.])", request, re.IGNORECASE)
    return (_int_candidates(request, False) - {1}) | ({1} if one else set())   # "a" states no 1


# How many times something is to be done: "6 times", "-c 20", "3 pings", "twice", "6 个包", 十次.
_TIMES_SAID = re.compile(r"(?<![\w.])(?P<n>\d+|[a-z]+)\s*(?:times|x|packets?|pings?|probes?|requests?)\b|"
                         r"(?:^|\s)-c\s*(?P<c>\d+)\b|\b(?P<w>once|twice|thrice)\b|"
                         r"(?<![\d.])(?P<z>\d+|[零〇一二两俩三四五六七八九十百]+)\s*(?:次|遍|个包|个数据包|个 ?ping)",
                         re.IGNORECASE)
_TIMES_WORDS = {"once": 1, "twice": 2, "thrice": 3}


@lru_cache(maxsize=256)
def times_said(request: str) -> frozenset[int]:
    """The numbers of times a request states ("ping 114.114.114.114，发 6 个包" is 6, never 14
    of the address); empty when it states none."""
    from llmos.plan.normalise import _number
    out = set()
    for m in _TIMES_SAID.finditer(request):
        word = m.group("w")
        n = _TIMES_WORDS[word.lower()] if word else _number(m.group("n") or m.group("c") or m.group("z"))
        if n is not None and n == int(n) and n > 0:
            out.add(int(n))
    return frozenset(out)


_DEPTH_SAID = re.compile(r"(?<![\w.])(?P<n>\d+|[a-z]+)\s+(?:levels?|layers?|deep)\b|\bdepth\s+(?:of\s+)?(?P<m>\d+|[a-z]+)\b|"
                         r"(?P<z>[\d一二两三四五六七八九十]+)\s*(?:层|级)", re.IGNORECASE)


@lru_cache(maxsize=256)
def depths_said(request: str) -> frozenset[int]:
    """A depth the request states ("three levels deep", "depth 2", "两层"): a depth is
    then that number, not a round one near it.  Empty: no depth stated."""
    from llmos.plan.normalise import _number
    out = set()
    for m in _DEPTH_SAID.finditer(request):
        n = _number(m.group("n") or m.group("m") or m.group("z"))
        if n is not None and n == int(n) and n >= 0:
            out.add(int(n))
    return frozenset(out)


# Listening sockets asked for, not beside connected or all ones: the state is "listen".
_LISTENING = re.compile(r"\blisten(s|ing|er|ers)?\b|监听|侦听", re.IGNORECASE)
_NOT_ONLY_LISTENING = re.compile(r"\b(connect\w*|established|all|every|both)\b|连接|全部|所有|和|以及", re.IGNORECASE)


# A ranked list asked for in the plural, with no count: "the biggest files in Downloads",
# "my most recent photos", "top processes".
_PLURAL_RANKED = re.compile(
    r"\b(?P<sup>\w{2,}est|most|least|top)\s+(?:\w+\s+)?(?:files|folders|dir\w*s|processes|programs|apps|"
    r"ones|things|items|pictures|photos|images|videos|songs|documents|downloads|stuff)\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def limit_unsaid(request: str) -> bool:
    """A plural ranked list with no number anywhere in the request ("show me the biggest
    files in Downloads") asks for the ranking, not for its top one: such a step has no limit
    (a small model liked limit 1 there)."""
    plural = any(m.group("sup").lower() not in _NOT_SUPERLATIVE for m in _PLURAL_RANKED.finditer(request))
    return plural and not _ONE_SAID.search(request) and not _int_candidates(request, False)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


# Chinese words that commonly follow a path written without a space ("把~/视频/婚礼挪到…").
_AFTER_PATH_ZH = set("里的中下内上移复到挪放拷和与及并然打压解删给写追保存把将为成占有是吗呢啊总共用每多一最还比大小")


def _inside_word(request: str, i: int) -> bool:
    """Whether position ``i`` falls between two ASCII letters or digits ("alphabet|ically")."""
    return 0 < i < len(request) and _alnum(request[i - 1]) and _alnum(request[i])


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_NO_START = set(":;,!?)]}>：；，。！？、）》」』")


def _may_start(request: str, i: int) -> bool:
    """Where any copied piece may begin: never inside an ASCII word, so a copy is "Inbox",
    not "box" or "e a" out of "create a"; never inside quoted text ('dentist on friday 10am'
    and “下班了” are copied from their start, never as "10am" or "班"); never at punctuation
    that ends or separates (": render done")."""
    if (_inside_word(request, i) or request[i] in _NO_START or _in_written_path(request, i)
            or _splits_number(request, i)):
        return False
    # nor at a quote mark: quoted text is copied from just inside, and "'\nto" of "write 'hi'
    # to ~/a.txt" is no copy
    quoted = _quoted_spans(request)
    return not _inside_quotes(request, i) and i not in quoted.values() and i + 1 not in quoted


def folder_written(canon: str, request: str) -> bool:
    """Whether the request writes a known folder out as the start of a path, in English or
    localised ("~/Documents/…", "~/文档/…"): such a folder is only ever copied as written."""
    if canon == "~":
        return False
    return canon + "/" in request or any(local + "/" in request for local, c in LOCALISED_DIRS.items() if c == canon)


def _in_url(request: str, i: int) -> bool:
    """Whether ``i`` lies inside a URL the request writes ("https" of "https://x.org/tool" is
    no name to put in a folder)."""
    return any(m.start() <= i < m.end() for m in _URL.finditer(request))


_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://\S+")


def without_urls(request: str) -> str:
    """The request with each URL it writes blanked out, places kept: for looking for words
    and marks that are never inside a URL ("unzip" of "https://x.org/unzip-1.tar.gz")."""
    return _URL.sub(lambda m: " " * len(m.group()), request)


def _in_written_path(request: str, i: int) -> bool:
    """Whether ``i`` lies inside a path the request writes: a "~" or "/" comes before it with
    no blank and no word that ends a path in Chinese between ("片/cat.png" and "备份.tar.xz"
    of "~/图片/cat.png" and "~/音乐备份.tar.xz"; but "婚礼.flac" in "把~/Music中的婚礼.flac").
    A Chinese folder between two slashes is part of the path, whatever its words ("/iso"
    of "~/下载/iso")."""
    j = i - 1
    while j >= 0 and not request[j].isspace():
        if request[j] in "~/":
            return True
        if request[j] in "，。；：！？、":
            return False
        if request[j] in _AFTER_PATH_ZH:
            start = end = j
            while start > 0 and _is_cjk(request[start - 1]):
                start -= 1
            while end + 1 < i and _is_cjk(request[end + 1]):
                end += 1
            # a short folder name between slashes ("下载" of "~/下载/iso"), not the words that
            # lead from one path to the next ("…里最新的十个文件压缩到" before "/tmp/…")
            folder = (request[start - 1:start] == "/" and request[end + 1:end + 2] == "/"
                      and end - start < 4 and request[end] not in "到里中内成为给进")
            if not folder:
                return False
            j = start
        j -= 1
    return False


_LOCAL_NAMES = tuple(local[2:] for local in LOCALISED_DIRS)   # "文档" of "找文档里的…" → ~/文档
# words that join a message to the rest of the request, never its first word: "create
# ~/Journal and write 'Day 1' into …" is no content " and write", "… that says Lunch time!" no
# title "says" (but "say" and "text" may begin one: "remind me to text Alice")
_LEADS_TO_PROSE = frozenset("and then also or but of to into from with as that saying says titled called named "
                            "reading reads me us".split())
# what a request calls a thing, or does to it, is not its name unless quoted: "make a folder
# /opt/hack" is no /opt/hack/folder, "… and write 'hello' to ~/notes/first.txt" no ~/notes/write;
# nor are a question's, a time's, a ranking's or a change's words ("how big", "the last day",
# "my 20 oldest files", "the .csv files changed in …"), nor a verb's helpers or a comparison's
# ("Downloads/file(1).pdf should be called lease.pdf" is no ~/Downloads/be)
_NAMING = re.compile(r"\b(called|named|titled)\s+$", re.I)   # "a folder named new" is named "new"
_NEVER_A_NAME = frozenset("folder folders directory directories dir file files write create make new open show "
                          "find delete remove move copy rename run launch start kill trash zip unzip extract read "
                          "list save what which where who why how does do did is are was say says tell me "
                          "big large huge much many last past recent latest newest oldest biggest largest "
                          "smallest changed modified touched edited updated line lines text together both "
                          "too end please pls plz kindly hey be should could would will can you after before "
                          "than older newer bigger smaller larger".split())
_EXTENSION_CHAR = re.compile(r"[A-Za-z0-9._+-]")
_NO_KIND = frozenset("file files folder folders dir dirs directory directories stuff things items ones".split())
_PREPOSITIONS = frozenset("in into inside on onto at of to from with for as over under by via".split())
# the machine itself, said as a word: "save https://x.org/a.iso to disk" names no folder "disk"
_NO_PLACE = frozenset("disk disc drive computer machine laptop pc".split())
_LEADS_TO_NAME = frozenset("called named titled in into inside on at of to from with and for as then also over "
                           "the a an all my every any some these those this that it them".split())


_COURTESY_WORDS = frozenset("please pls plz now again just actually quickly quick".split())


def _ends_leading_on(request: str, end: int) -> bool:
    """Whether a name said after a folder would end on a word that leads on or only softens
    the request: "create a dir named api in ~/projects" names "api", never "api in", nor
    "api real quick".  Lower-case words only, so "Plan A" and "Take On" stay names."""
    word = re.search(r"(?<![\w'])([a-z]+)$", request[:end])
    return word is not None and (word.group(1) in _LEADS_TO_NAME or word.group(1) in _COURTESY_WORDS)


def _starts_at(request: str, i: int, kind: str) -> bool:
    """Whether a copy of ``kind`` may begin at ``i``: any "piece"; a "path" only where a name
    may begin too, never at a "/" inside a written path ("/notes.txt" of "Documents/notes.txt");
    a "name" after a known folder where a name may begin, never a path ("/media/usb") of its
    own, never inside quoted text nor at a word that only leads to the name ("called" of
    "a folder called Projects"), and glued to Chinese text only with a suffix ("报告.pdf" of
    "图片里的报告.pdf", never "所" of "桌面目录中所有"); a "file", a name with a suffix
    ("todo.txt"), so that the copy can close."""
    if kind.endswith(" unquoted"):   # and not a quoted text, which is what the step writes
        return _starts_at(request, i, kind.split()[0]) and not _quoted_text_at(request, i)
    if kind in ("name", "file"):
        suffixed = re.match(r"[^/\n]*\.[^\W_]", request[i:]) is not None
        word = re.match(r"[A-Za-z]+(?![A-Za-z0-9])", request[i:])
        return (_name_start(request, i) and request[i] not in "~/-" and not request[i].isspace()
                and not _in_written_path(request, i) and not _in_url(request, i)
                and not _inside_quotes(request, i) and not _command_word(request, i)
                and not _WEB_HOST.match(request, i)
                and not _ranked_count_at(request, i)   # "20" of "my 20 oldest files"
                and not (word and word.group(0).lower() in _LEADS_TO_NAME)
                and not (word and word.group(0).lower() in _NEVER_A_NAME and i not in _quoted_spans(request)
                         and not _NAMING.search(request, 0, i))
                and not _mid_chinese_word(request, i)
                # 把/将 that begins a clause takes its object: "把下载目录里的 素材包.zip 解压…" names no "把"
                and not (request[i] in "把将" and (i == 0 or request[i - 1] in _EDGE or request[i - 1].isspace()))
                and (suffixed or kind == "name"))
    if kind == "path":  # never an option ("-9 5521" of "kill -9 5521"), nor the "//…" of a URL,
        # nor inside the Chinese verb a request begins with ("开" of "打开 bilibili.com")
        word = re.match(r"[A-Za-z]+(?![\w./])", request[i:])
        return (_name_start(request, i) and _may_start(request, i) and not _in_written_path(request, i)
                and not _in_chinese_command(request, i) and not _written_text_at(request, i)
                and not (word and word.group(0).lower() in _PREPOSITIONS)   # "into" of "… into ~/x"
                and not (word and word.group(0).lower() in _NO_PLACE)       # "disk" of "save … to disk"
                and not (word and _in_contraction(request, i + word.end()))  # "don't" of "…, don't open it"
                and not _command_word(request, i) and request[i] != "-" and not (request[i] == "/" and request[i - 1:i] == ":"))
    if kind == "suffix":  # a kind of file said ("wav files", ".wav"), not a named file's ending
        # ("zip" of "new-recordings.zip" in "find .wav files … and zip them into new-recordings.zip")
        # nor a verb ("zip them")
        return (_starts_at(request, i, "piece") and not re.search(r"[\w-]\.$", request[:i])
                and not re.match(r"[A-Za-z]+\s+(them|it|those|these|everything|up)\b", request[i:], re.IGNORECASE))
    if kind == "quoted":  # prose that begins at a quotation (see _quotes_hold_the_texts)
        return i in _quoted_spans(request) and _starts_at(request, i, "prose")
    if kind == "prose":   # nor a path the request writes, unless quoted: that is where to write;
        # nor the words that ask to be told ("remind me" of "in 10 minutes remind me to …")
        word = re.match(r"[A-Za-z]+(?![A-Za-z0-9])", request[i:])
        return (_may_start(request, i) and not _command_word(request, i)
                and not (_ASKS_TO_BE_TOLD.match(request, i) and i not in _quoted_spans(request))
                and (request[i] not in "~/" or i in _quoted_spans(request))
                and not (word and word.group(0).lower() in _LEADS_TO_PROSE)
                and not _after_determiner(request, i) and not _colon_ahead(request, i)
                and not _inside_chinese_words(request, i)
                and not (word and word.group(0).lower() in _BEFORE_QUANTITY
                         and _QUANTITY_START.match(request, i + len(word.group(0)))))
    # nor the request's command verb ("kill" of "kill the llmosd daemon"); a first word that
    # is no verb may be the value ("htop", "firefox please")
    word = re.match(r"[A-Za-z]+(?![\w.-])", request[i:])
    return _may_start(request, i) and not (word and word.group(0).lower() in _COMMAND_VERBS and _command_word(request, i))


def _ranked_count_at(request: str, i: int) -> bool:
    m = re.match(r"\d+\s+(most|least|\w{2,}est)\b", request[i:])
    return m is not None and m.group(1).lower() not in _NOT_SUPERLATIVE


def _mid_chinese_word(request: str, i: int) -> bool:
    """Whether ``i`` is glued inside Chinese text where no name begins: only a name with a
    suffix ("报告.pdf" of "图片里的报告.pdf") or a known folder's Chinese name may, never "所"
    of "桌面目录中所有", and a name with a suffix only after a word that places it (里, 的):
    "素材包.zip" set apart by blanks or a slash is named whole, never as "材包.zip" (nor
    "结.docx" of "~/文档/年度总结.docx")."""
    glued = i > 0 and _is_cjk(request[i - 1]) and _is_cjk(request[i])
    if not glued or request.startswith(_LOCAL_NAMES, i):
        return False
    if not re.match(r"[^\s/]*\.[^\W_]", request[i:]):
        return True
    k = i
    while k > 0 and _is_cjk(request[k - 1]):
        k -= 1
    return (k > 0 and (request[k - 1].isspace() or request[k - 1] == "/") and not request.startswith(_LOCAL_NAMES, k)
            and not re.search(r"[里的中下内上和与及到在把将]", request[k:i]))


# A web site's name ("bilibili.com", "news.ycombinator.com") is no file in a folder
_WEB_HOST = re.compile(r"[\w-]+(\.[\w-]+)*\.(com|org|net|cn|io|dev|edu|gov|info|app|tv)(?![\w.-]|\.\w)", re.I)
_COMMAND_VERBS = frozenset("kill open start launch run stop close quit exit end terminate restart show list find "
                           "delete remove trash move copy download fetch ping make create write read search".split())


# Chinese has no blanks between words: inside Chinese text, a text begins only after a word
# that hands over to it, a verb of telling or writing, a label, or a time that ends ("一个半小时后
# 提醒我|把衣服拿出来", "最后加一行：|今天跑了五公里", "标题是|提醒"), never inside a word ("服", "五").
_HANDS_OVER = re.compile(r"(我|请|麻烦|提醒|通知|记得|写上|写入|写成|写着|写|加上|添上|加|添|追加|说|是|为|叫|用|要|该|去|把|"
                         r"忘了|忘|标题|内容|正文|消息|文字|后|以后|之后|一行|一句|一条|一下|再|然后|接着|并且|顺便|另外|还有)$")


def _inside_chinese_words(request: str, i: int) -> bool:
    return (i > 0 and _is_cjk(request[i]) and _is_cjk(request[i - 1])
            and not _HANDS_OVER.search(request, max(0, i - 3), i))


def _colon_ahead(request: str, i: int) -> bool:
    """Whether a Chinese colon later in this clause introduces the text: prose never starts
    before it ("后面追" of 在 notes.txt 后面追加一行：明天交报告).  After the colon it may
    start anywhere (帮我弹个通知：标题是A，内容是B)."""
    if i in _quoted_spans(request) or request[:i].rstrip().endswith("："):
        return False   # quoted, or the text a colon introduces ("标题：A 内容：B")
    end = _CLAUSE_END.search(request, i)
    colon = request.find("：", i, end.start() if end else len(request))
    return colon >= 0 and colon + 1 < len(request) and not request[colon + 1].isspace()


@lru_cache(maxsize=256)
def _quoted_texts(request: str) -> int:
    """How many texts the request quotes: quotations that are neither paths nor file names."""
    return sum(1 for i in _quoted_spans(request) if _quoted_text_at(request, i))


def _written_text_at(request: str, i: int) -> bool:
    """Whether the quotation a verb of writing writes begins at ``i``: it is a text, never a
    path ("Write 'meeting moved to 10am' into ~/Desktop/note.txt" moves nothing)."""
    return _quoted_text_at(request, i) and _WRITES_BEFORE.search(request, 0, i) is not None


def _quoted_text_at(request: str, i: int) -> bool:
    """Whether a quotation that is a text, not a path nor a file name, begins at ``i``."""
    j = _quoted_spans(request).get(i)
    return j is not None and not re.match(r"~|\.{0,2}/|[\w.-]+/", request[i:j]) and not re.fullmatch(
        r"[^/]+\.\w{1,5}", request[i:j])


# a verb of writing right before a quotation: what it writes ("write 'Day 1' into …", 写入“你好”);
# not "add" or "put", which as often put a text in a notification, nor a notification's 正文写
_WRITES_BEFORE = re.compile(r"(\b(write|writes|append|echo|containing|contains|insert|line)|"
                            r"写入|写上|(?<!正文)(?<!标题)(?<!消息)写|追加)"
                            r"\s*[\"'“‘「『]$",
                            re.IGNORECASE)


@lru_cache(maxsize=256)
def _writes_a_quotation(request: str) -> bool:
    """Whether the request writes a quoted text, its only one: "write 'first entry' to
    ~/notes/jan.txt" (with two, the other may be what a file gets: "put 'hi' in the text of an
    alert and add the line ship it to a.txt")."""
    return _quoted_texts(request) == 1 and any(_quoted_text_at(request, i) and _WRITES_BEFORE.search(request, 0, i)
                                               for i in _quoted_spans(request))


def _quotes_hold_the_texts(request: str) -> bool:
    """Whether the request quotes two texts or more: a step that takes two texts then takes
    them from the quotations ("a notification that says "Render done" with the text "frame
    240 of 240"" has no body "a notification")."""
    return _quoted_texts(request) >= 2


def _after_determiner(request: str, i: int) -> bool:
    """Prose never starts inside a noun phrase ("presentation" of "start the presentation"),
    nor at the object of a verb that follows "to" ("the download" of "remind me to check the
    download", "chromium" of "remind me to reopen chromium"): the text is what to do."""
    words = request[:i].split()
    if bool(words) and request[i - 1:i].isspace() and words[-1].lower() in _DETERMINERS:
        return True
    return re.match(r"[A-Za-z]", request[i:]) is not None and re.search(r"\bto\s+[a-z]+\s+$", request[:i]) is not None


# Where a phrase goes on: inside a word, before an article ("take" of "take the laundry out"),
# before the particle that ends it ("take the laundry" of "… take the laundry out"), between a
# number and its unit ("… the trash in 2" of "in 2 hours").  A time that follows is no
# continuation ("buy milk a day from now").
_DETERMINERS = frozenset("the a an my your his her our their".split())
_PARTICLES = frozenset("out up off down back away over".split())
_UNIT_NEXT = re.compile(rf"\s*({_TIME_UNITS})\b", re.I)
_TIME_LAST = re.compile(rf"\b(in|after|within)\s+(\d+|an?|one|two|three|four|five|ten|twenty|thirty|half an?)\s*"
                        rf"({_TIME_UNITS})$", re.I)
_PHRASE_END = re.compile(r"\s*($|[,;.!?]|\b(and|then|also|in|after|within|for|at|by|on|every)\b)", re.I)


# English words a short text (a title, a message) may end before: what ends or turns the clause
_TEXT_MAY_END_BEFORE = frozenset(
    "and then also but or plus so with without in after within at on by for every to from as before when while "
    "until once tomorrow tonight today titled entitled saying says that which please pls plz thanks thank now "
    "right asap about into onto via using if actually ok okay just quickly quick real again reading reads read "
    "called named text body title message kindly too already".split())


def _mid_clause(request: str, end: int) -> bool:
    """Whether a short English text would stop inside its clause, before an ordinary word
    ("build" of "a notification saying build finished"): it runs on to what ends or turns
    the clause (punctuation, "and", "in 10 minutes", "with the text …")."""
    m = re.match(r" +([A-Za-z]+)\b", request[end:])
    return (m is not None and end > 0 and request[end - 1].isascii() and request[end - 1].isalnum()
            and not _may_end_before(m.group(1).lower()) and not _TIME_NEXT.match(request, end))


# What a Chinese text may stop before when no blank or mark sets it apart: a turn to the next
# clause or step, a verb or preposition that says where it goes, a closing particle or courtesy.
_ZH_TURNS = "然后|再|并且|顺便|接着|另外|还有|同时"   # to the next clause or step
_ZH_TEXT_MAY_END_BEFORE = re.compile(
    _ZH_TURNS + r"|到|在|给|进|写|放|存|保存|发|弹|提醒|通知|叫|作为|当作|"
    r"记|这|吧|啊|呀|呢|哦|哈|了|的|吗|嘛|谢谢|麻烦|请|好吗|可以吗|行吗|"
    r"一下(?![，,。.!！?？；;\s]|$)")   # "看一下 X"; but 起来活动一下 at a text's end is said whole


def _mid_chinese_phrase(request: str, end: int) -> bool:
    """Whether a text would stop between two Chinese characters inside its phrase: "衣" of
    …提醒我把衣服从洗衣机里拿出来, "周五下午" of 写上 周五下午三点开会, "…，然" of 然后.  It may
    stop where the clause turns (然后, 再), before where it goes (到, 给), a particle (吧), or a
    time said next (喝水|十分钟后)."""
    if _ZH_TURN_ENDS.search(request, 0, end):
        return True   # "周五下午三点开会，然后" ends on the turn to the next step
    return (0 < end < len(request) and _is_cjk(request[end - 1]) and _is_cjk(request[end])
            and not _ZH_TEXT_MAY_END_BEFORE.match(request, end) and end not in _duration_inside(request))


_ZH_TURN_ENDS = re.compile(rf"[，,；;]\s*({_ZH_TURNS})?$")


# a time said next: "buy milk | a day from now", "call mom | 2 hours later"
_TIME_NEXT = re.compile(rf" +(\d+|an?|one|two|three|four|five|six|ten|twelve|twenty|thirty|half an?)\s*({_TIME_UNITS})\b",
                        re.IGNORECASE)


@lru_cache(maxsize=4096)
def _may_end_before(word: str) -> bool:
    return word in _TEXT_MAY_END_BEFORE or any(typo_of(word, w) for w in _TEXT_MAY_END_BEFORE)   # "pzease"


def _cuts_phrase(request: str, end: int) -> bool:
    if _inside_word(request, end):
        return True   # prose ends where a word does, never before a plural "s" ("2 hour" of "2 hours")
    word = re.match(r"\s+([A-Za-z]+)\b", request[end:])
    if word and word.group(1).lower() in _DETERMINERS and _QUANTITY_START.match(request, end) is None:
        return True
    if word and word.group(1).lower() in _PARTICLES and _PHRASE_END.match(request, end + word.end()):
        return True
    return bool(re.search(r"\d\s*$", request[:end])) and _UNIT_NEXT.match(request, end) is not None


_LEAD_COURTESY = re.compile(r"(\s*(please|pls|plz|kindly|hey|hi|ok|okay|so|yo|llmos|could you|can you|would you|"
                            r"will you|i want to|i'd like to|i need to|i wanna|go ahead and|quickly|just)\b[\s,!]*)*",
                            re.I)


def _lead_word(request: str) -> int:
    """Where the request's first word after any courtesy begins, when it is an English word;
    -1 when the request begins otherwise (a quote, Chinese, a path)."""
    i = _LEAD_COURTESY.match(request).end()
    return i if i < len(request) and request[i].isascii() and request[i].isalpha() else -1


def _command_word(request: str, i: int) -> bool:
    """Whether ``i`` begins the request's command: its first word ("make" of "make a new folder
    called Receipts in ~/Documents", never ~/Documents/make), unless that word names a file
    ("notes.txt, open it") or begins a clause that is a message (:func:`_lead_spans`)."""
    if i == 0 and _in_chinese_command(request, i):
        return True   # "打开 bilibili.com", "下载 https://…": a Chinese verb set apart by a blank
    if i != _lead_word(request):
        return False
    word = re.match(r"\S*", request[i:]).group(0)
    return "." not in word.rstrip(".,!?") and not _lead_spans(request)


def _in_chinese_command(request: str, i: int) -> bool:
    """Whether ``i`` lies in the Chinese verb a request begins with, set apart by a blank
    (打开, 帮我下载; not a name: "婚礼里叫 *.bak 的文件")."""
    m = _ZH_COMMAND.match(request)
    return m is not None and i < m.end()


_ZH_COMMAND = re.compile(r"(请|帮我|麻烦)?(打开|下载|删除|删掉|运行|启动|关闭|关掉|杀掉|结束|播放|查看|看看|显示|复制|拷贝|"
                         r"移动|解压|压缩|打包|新建|创建|读取|访问|浏览)(?=[ \t])")


_ASKS_TO_BE_TOLD = re.compile(r"(remind|notify|alert|warn|nudge|ping|tell|wake|buzz)\s+(me|us)\b", re.I)


@lru_cache(maxsize=256)
def _lead_spans(request: str) -> dict[int, frozenset[int]]:
    """Prose that begins with the request's first word runs to the end of that clause or to a
    time said after it: "buy milk, remind me in 2 hours", "take the pizza out in 20 minutes,
    remind me".  Otherwise the first word is the command ("pop" of "pop up a notification that
    says Lunch time!", "overwrite" of "please overwrite ~/a.txt with …"), which a small model
    that cannot find the message copies.  Empty when the request has no such end."""
    i = _lead_word(request)
    if i < 0 or _ASKS_TO_BE_TOLD.match(request, i):
        return {}   # "remind me to go to bed in 2 hours": the message is what follows the verb
    ends = {c.start() for c in _CLAUSE_END.finditer(request, i) if c.start() > i}
    when = _THEN_WHEN.search(request, i)
    if when and when.start() > i:
        ends.add(when.start())
    # the command must follow the clause, and a clause that writes a path is a command
    # ("create ~/Journal and write 'Day 1' into …"), as is one that quotes its text ("pop up
    # a notification with the title 'Meeting' and …": the message is 'Meeting')
    quoted = _quoted_spans(request)
    ends = {e for e in ends if request[e:].strip(" .!?！。？") and not re.search(r"(^|\s)[~/]", request[i:e])
            and not any(i <= q < e for q in quoted)}
    return {i: frozenset(ends)} if ends else {}


@lru_cache(maxsize=512)
def _starts(request: str, kind: str) -> dict[str, tuple[int, ...]]:
    """Where a copy of ``kind`` may begin, by its first character."""
    return _by_first_char(request, (i for i in range(len(request)) if _starts_at(request, i, kind)))


@lru_cache(maxsize=256)
def _starts_outside_durations(request: str, kind: str) -> dict[str, tuple[int, ...]]:
    inside = _duration_inside(request)
    return _by_first_char(request, (i for at in _starts(request, kind).values() for i in at if i not in inside))


def _by_first_char(request: str, positions: Iterable[int]) -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {}
    for i in sorted(positions):
        out.setdefault(request[i], []).append(i)
    return {c: tuple(v) for c, v in out.items()}


_OPENERS = set("'\"“‘«(（[【「『<《")
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」", "『": "』", "«": "»"}


@lru_cache(maxsize=256)
def _quoted_spans(request: str) -> dict[int, int]:
    """Quoted text in the request: index of its first character → index of the closing quote.
    An ASCII quote after a letter or before one is an apostrophe ("firefox's", "don't")."""
    out: dict[int, int] = {}
    i, n = 0, len(request)
    while i < n:
        close = _QUOTES.get(request[i])
        if close and not (request[i] in "'\"" and i and _alnum(request[i - 1])):
            j = request.find(close, i + 1)
            while j != -1 and close in "'\"" and j + 1 < n and _alnum(request[j + 1]):
                j = request.find(close, j + 1)
            if j > i + 1:
                out[i + 1] = j
                i = j + 1
                continue
        i += 1
    return out


@lru_cache(maxsize=256)
def _quote_marks(request: str) -> frozenset[int]:
    """Where the request's quotation marks are, opening and closing."""
    return frozenset(m for start, close in _quoted_spans(request).items() for m in (start - 1, close))


def _inside_quotes(request: str, i: int) -> bool:
    return any(start < i < close for start, close in _quoted_spans(request).items())


@lru_cache(maxsize=256)
def _whole_spans(request: str, free_text: bool, prose: bool = False) -> dict[int, frozenset[int]]:
    """Where a copy that begins there must end: quoted text at its closing quote; for free
    text, what a colon introduces at one of its ends (:func:`_colon_spans`); for prose, what
    begins with the request's first word at its clause's end (:func:`_lead_spans`)."""
    quoted = {i: frozenset({close}) for i, close in _quoted_spans(request).items()}
    if not free_text:
        return quoted
    return {**(_lead_spans(request) if prose else {}), **_colon_spans(request), **quoted}


# Words that say which text follows them, for a step that takes two (a title and a body):
# "titled Reminder", "with the title 'Meeting'", "heading: X", 标题是 下班了, 标题叫X; "that says
# Lunch time!", "saying hello", 内容是X, 内容写X.
_TITLE_LABEL = re.compile(r"(?<!\bas )(?<!\bas the )(?<!\bas its )(?<!\bas a )(?<!\bas my )(?<!\bas your )\b(?:titled|entitled|title|heading)(?:\s+is)?"
                          r"(?=[\s:：\"'“‘「『])\s*[:：]?|"
                          r"标题(?:是|为|写|叫|用)?\s*[:：]?|题目(?:是|为)\s*[:：]?", re.IGNORECASE)
_BODY_LABEL = re.compile(r"\b(?:says|saying)(?=[\s:：\"'“‘「『])\s*[:：]?|内容(?:是|为|写)\s*[:：]?", re.IGNORECASE)


def _label_ends(request: str, label: re.Pattern) -> frozenset[int]:
    """Where each label's text begins: past blanks and an opening quote, at a letter."""
    out = set()
    for m in label.finditer(request):
        j = m.end()
        while j < len(request) and request[j] in " \t\"'“‘「『":
            j += 1
        if j < len(request) and request[j].isalnum():
            out.add(j)
    return frozenset(out)


@lru_cache(maxsize=256)
def labelled_starts(request: str, arg: str) -> frozenset[int] | None:
    """Where the title of a step that takes a title and a body may begin, when the request
    labels it: after a title's label ("titled Reminder with the text …", not "notification
    titled Reminder"); with none, after what the text "says" in a request that quotes nothing
    ("a notification that says Lunch time!") or quotes only what it says ("a notification
    that says 'Render complete'").  None: anywhere a text may begin.  A body is held only to
    the one text a request quotes besides a labelled title ("titled Reminder with the text
    'Stand up'"): requests name it in too many ways ("the words …", 下面写 …)."""
    titles = _label_ends(request, _TITLE_LABEL)
    quoted = [i for i in _quoted_spans(request) if _quoted_text_at(request, i)]
    if arg == "body":
        return frozenset(quoted) if titles and len(quoted) == 1 and quoted[0] not in titles else None
    if arg != "title":
        return None
    if titles:
        # a second notice in a clause of its own labels nothing ("notify me: heading 'A' …,
        # then pop up a note saying 'B'"): its title is what it quotes
        return titles | frozenset(i for i in quoted if not any(_one_clause(request, i, t) for t in titles)
                                  and any(_one_clause(request, m.start(), i)
                                          for m in _NOTICE_WORD.finditer(request, 0, i)))
    # what a notification "says", not what a file's 内容 is ("新建 a.txt，内容写 X，再弹个通知：Y")
    said = frozenset(j for j in _label_ends(request, _BODY_LABEL)
                     if any(_one_clause(request, m.start(), j) for m in _NOTICE_WORD.finditer(request, 0, j)))
    return said if said and (not _quoted_spans(request) or (len(quoted) == 1 and said == {quoted[0]})) else None


_NOTICE_WORD = re.compile(r"notif|alert|pop[- ]?up|toast|banner|message|通知|提醒|弹|提示|消息", re.I)


_THEN_WHEN = re.compile(r"\s+(in|after|within|every)\s+(\d|(a|an|one|two|three|four|five|ten|twenty|"
                       r"thirty|half)\b)", re.I)
_CLAUSE_END = re.compile(r"[,，;；。?？]|[.!！](\s|$)|\s+(and|then|also|plus|as well as)\s|然后|并且|顺便|再|另外|接着|同时")
_COURTESY = re.compile(r"(\s*\b(please|pls|plz|thanks|thank you|right now|now|again|just|actually|quickly|"
                       r"real quick|for me)\b|"
                       r"\s*[.!！。]|谢谢|一下)+$", re.I)


@lru_cache(maxsize=256)
def _colon_spans(request: str) -> dict[int, frozenset[int]]:
    """Text a colon introduces, as for quoted text: "notify me: render done" → "render done",
    "追加一行：明天交报告" → "明天交报告".  It runs to the end of the request, the next label
    with a colon, or a time said after it ("remind me: call mom in 20 minutes"); or to the end
    of one of its clauses (a comma, "and", 然后, a full stop); or to just before the courtesy
    that ends any of these ("… please", "…，谢谢")."""
    out: dict[int, frozenset[int]] = {}
    quoted = _quoted_spans(request)
    for m in re.finditer(r"(?<!\d)(:\s+|：\s*)(?=\S)", request):
        start = m.end()
        if any(s <= start <= e for s, e in quoted.items()):
            continue
        end = len(request.rstrip())
        label = re.search(r"\s\S+(:\s|：)", request[start:end])  # "标题：喂猫 内容：备份完成"
        if label:
            end = start + label.start()
        when = _THEN_WHEN.search(request, start, end)
        if when and when.start() > start:
            end = when.start()
        # or at any clause's end: "写入：你好，世界。然后…" holds its comma
        # (a joining word's blank may be the blank before the time: "3pm and in 3 hours")
        ends = {end} | {c.start() for c in _CLAUSE_END.finditer(request, start, min(len(request), end + 1))
                        if start < c.start() < end}
        for e in list(ends):
            courtesy = _COURTESY.search(request[start:e])
            if courtesy and courtesy.start() > 0:
                ends.add(start + courtesy.start())
        out[start] = frozenset(ends)
    return out


def _name_start(request: str, i: int) -> bool:
    """Where a name said on its own may begin: after a blank, an opening quote or CJK text
    ("报告.pdf" in "图片里的报告.pdf"), never inside a written path ("usr/lib" of "/usr/lib")."""
    if i == 0:
        return True
    prev = request[i - 1]
    if _is_cjk(prev) and request[i] == "." and prev not in _AFTER_PATH_ZH:
        return False  # ".zip" of "资料.zip": the name is the whole of it
    quoted = _quoted_spans(request)
    if i + 1 in quoted or i in quoted.values():
        return False  # a quote mark is no part of a name: 'first entry' names "first entry"
    return (prev.isspace() or prev in _OPENERS or _is_cjk(prev) or prev in "，。：；、,;:=" or
            _is_cjk(request[i]))


_SUFFIX_END = re.compile(r"[^/\s.]\.[A-Za-z][A-Za-z0-9]{0,4}$")   # "notes.txt", "a.tar.gz", not "Vol." nor "v1.2"


def _name_runs_on(request: str, end: int, name: bool = False) -> bool:
    """Whether a path written out would stop inside its last name: before a blank and a word
    that goes on naming ("~/Videos/OBS" of "~/Videos/OBS Recordings 2024?", "~/Documents/Taxes"
    of "Taxes 2023 called …"): one with a capital, a digit or a bracket, that is no word
    leading on, no quantity ("~/Videos 4 GB") and not after a file's suffix; or one that ends
    in a file's suffix ("~/Pictures/Übersicht" of "Übersicht scan.png").  ``name``: the
    copy is a name said on its own after a known folder (截图 2024-05-01 10.23.45.png on the
    Desktop), not a path written out."""
    m = re.match(r" ([A-Z0-9(\[][^\s]*|[A-Za-z\u00c0-\u024f][^\s~/]*\.[a-z][a-z0-9]{0,4}(?=[\s,;:!?]|$))", request[end:])
    if m is None or _SUFFIX_END.search(request, 0, end) or not (name or _WRITTEN_PATH_BEFORE.search(request, 0, end)):
        return False
    word = m.group(1).lower().rstrip(".,;:!?")
    if word[0] in "([" and not re.search(r"[)\]]", word):
        return False   # an aside begins: "~/Desktop/old (trash is fine)"; "(1).docx" closes in its word
    word = word.rstrip(")")
    if _may_end_before(word) or word in _LEADS_TO_NAME or word in ("i", "i'm", "i've", "i'd", "i'll"):
        return False
    if f"~/{m.group(1).rstrip('.,;:!?/')}" in PATH_CANON:
        return False   # a known folder by its own name follows: "mv ~/code/homework Documents"
    quantity = _QUANTITY_START.match(request, end) and _SIZE_OR_TIME_NEXT.match(request, end)
    return not quantity


_WRITTEN_PATH_BEFORE = re.compile(r"(^|\s)[~/][^\s,;，；]*( [^\s,;，；]+)*$")   # a written path, its words so far
_SIZE_OR_TIME_NEXT = re.compile(rf" +\S+\s*(([kmgt]i?b|bytes?|kb|mb|gb|tb)|{_TIME_UNITS}|times?)\b", re.IGNORECASE)


def _repeats_folder(text: str) -> bool:
    """Whether a path ends in a known folder said twice: "~/Downloads/Downloads", or the
    name after it begins with the folder's word: "~/Desktop/Desktop named Inbox"."""
    parts = text.split("/")
    return (len(parts) >= 2 and f"~/{parts[-2]}" in PATH_CANON
            and (parts[-1] == parts[-2] or parts[-1].startswith(parts[-2] + " ")))


_LEADS_ON = "the|a|an|my|of|and|or|to|from|with|into|in|on|at|for|by"   # lower case: "Plan A" is a name
# "and" or "then" and a verb of a request: a second clause begins ("Simon and Garfunkel" goes on naming)
_JOINS_A_CLAUSE = re.compile(r"\s(?:then|and(?: then)?)\s+(?:" + "|".join(sorted(_COMMAND_VERBS)) + r"|put|zip|unzip|"
                             r"extract|compress|tell|check|give|send|rename|notify|remind)\b")


def path_shape_ok(text: str) -> bool:
    """Shapes no copied path may have whatever the request says: a blank then a second path or
    URL ("… into ~/pictures.zip", "opne https://…"), an empty part ("~/Documents//media/usb"),
    or a known folder twice in a row ("~/Downloads/Downloads/x" from "Downloads/x" after the
    canonical "~/Downloads/"), a Chinese word for what it is after a blank or as a part of its
    own ("~/下载/temp 文件夹" is the folder ~/下载/temp), a name that ends in a word that leads
    on ("~/Desktop/Screenshot from" of "Screenshot from 2024-03-01.png"), or a bracket that
    does not close in the same part ("live).mp3" of "Señorita (live).mp3"), or a last part
    that is a Chinese refusal ("~/下载/temp/不要")."""
    if re.search(r"\s([~/]|\w+://)", text) or re.search(r"(?<!:)//", text):
        return False
    if re.search(r"(\s|/)(文件夹|目录|文件)(/|$|[，。；：！？、,;!?])", text) or re.search(rf"\s({_LEADS_ON})(/|$)", text):
        return False
    if re.search(r"[，。；：！？、,;!?](/|$)", text):
        return False   # a clause's punctuation ends the path before it, and ends no folder of it
    if _JOINS_A_CLAUSE.search(text):
        return False   # "~/Pictures/2024-Trip and move all the jpgs": the next clause is no name
    if any(part.count("(") != part.count(")") or part.count("[") != part.count("]") for part in text.split("/")):
        return False
    parts = text.split("/")
    if re.fullmatch(r"(不要|不用|不必|无需|别|不是|没必要)[\u4e00-\u9fff]*", parts[-1]):
        return False   # a refusal that follows the path (…/temp 文件夹，不要放回收站) names nothing
    return not any(_repeats_folder("/".join(parts[:k])) for k in range(2, len(parts) + 1))


def _folder_kind(request: str, end: int) -> str | None:
    """What a copied path ending at ``end`` is: "file" when it is the folder of a written path
    ("~/Documents" of "~/Documents/notes.txt"), "dir" when the written path ends there and its
    last part has no suffix ("~/Documents/Finance", not "~/Downloads/a.pdf"), else None."""
    if end < len(request) and request[end] == "/":
        # the folder of a written file ("notes.txt"), not of a written folder or of a name
        # that goes on past a blank ("~/Pictures/Übersicht scan.png", "~/Documents/CV_v3.2 (final).pdf")
        rest = re.match(r"[^\s/]*", request[end + 1:]).group(0)
        stop = end + 1 + len(rest)
        return ("file" if re.search(r".\.[^\W_]+$", rest) and _word_end(request, stop)
                and not _name_runs_on(request, stop) else None)
    return ("dir" if _word_end(request, end) and "." not in request[request.rfind("/", 0, end) + 1:end]
            and not _name_runs_on(request, end) else None)


def in_written_folder(value: str, request: str) -> bool:
    """Whether ``value`` is a folder the request writes out + "/" + a name said on its own
    (a name with a suffix, when the folder is only the start of a written path)."""
    if "/" not in value:
        return False
    folder, name = value.rsplit("/", 1)
    if not ("/" in folder or folder.startswith("~")) or not is_name_in_folder(name, request):
        return False
    kinds = {_folder_kind(request, i + len(folder)) for i in _occurrences(folder, request, "path")}
    return "dir" in kinds or ("file" in kinds and "." in name)


def _occurrences(value: str, request: str, kind: str) -> list[int]:
    if not value:
        return []   # "" is found everywhere, even past the end ("~/Backups/" has no name)
    quoted = _quoted_spans(request)
    out, i = [], request.find(value)
    while i >= 0:
        if _starts_at(request, i, kind) and quoted.get(i, i + len(value)) == i + len(value):
            out.append(i)
        i = request.find(value, i + 1)
    return out


def is_name_in_folder(value: str, request: str) -> bool:
    """Whether ``value`` may follow a canonical folder + "/" (see ``Str.in_folder``)."""
    if "~" in value or " /" in value:
        return False
    return _copied(value, request, "name", _word_end)


def _piece_end(request: str, end: int) -> bool:
    """A copied piece ends where an ASCII word does (CJK text has no such boundary to keep),
    never just after the dashes of an option ("--" out of "--writer"), nor in the middle of a
    written path (" of ~" out of "of ~/Documents/notes.txt"), or before a plural "s" that ends
    one ("mp3" out of "mp3s"), nor inside a hyphenated word ("--new" out of "--new-window") or
    a dotted one ("bluetooth" out of "bluetooth.service", "example" out of "example.com")."""
    if 0 < end < len(request) and request[end - 1] in "-_" and _alnum(request[end]):
        return False
    if (0 < end < len(request) - 1 and request[end] == "." and _alnum(request[end - 1])
            and request[end + 1].isascii() and request[end + 1].isalpha()):
        return False
    if 0 < end < len(request) - 1 and request[end] == "-" and _alnum(request[end - 1]) and _alnum(request[end + 1]):
        return False
    if 0 < end < len(request) and not request[end].isspace() and (request[end] == "/" or request[end - 1] in "~/"):
        return False
    if _splits_number(request, end) or _in_contraction(request, end):
        return False
    if not _inside_word(request, end):
        return True
    return request[end] in "sS" and not _inside_word(request, end + 1)


_CONTRACTED = re.compile(r"['’](?:t|re|ve|ll|m)\b", re.IGNORECASE)


def _in_contraction(request: str, end: int) -> bool:
    """Whether ``end`` falls before the apostrophe of a contraction ("don|'t", "we|'re"): the
    word goes on ("save … to disk, don't open it" names no "don"); a possessive "'s" ends
    the name before it ("gdm's log" is of gdm)."""
    return 0 < end and request[end - 1].isalpha() and _CONTRACTED.match(request, end) is not None


def _splits_number(request: str, i: int) -> bool:
    """Whether ``i`` falls inside a number written with a separator: "14:|05", "1.|5GB"."""
    return (1 < i < len(request) and request[i - 1] in ":.," and request[i - 2].isdigit()
            and request[i].isdigit())


# words that lead on to what follows: an article, a preposition, "titled" before a title
_NEVER_LAST = frozenset("the a an my your his her our their of and or to from with into titled entitled called named "
                        "saying says".split())
_BEFORE_QUANTITY = frozenset("in after within for at by every on until".split())
_QUANTITY_START = re.compile(r"\s*(\d|(a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                             r"fifteen|twenty|thirty|forty|fifty|sixty|half|noon|midnight)\b)", re.I)


def _cuts_written_path(request: str, end: int) -> bool:
    """Whether ``end`` falls inside a path the request writes ("day1" of "~/Journal/day1.txt"):
    prose may hold a whole path, never a piece of one."""
    return end < len(request) and not request[end].isspace() and _in_written_path(request, end) \
        and request[end] not in ",，。；;!！?？'\"”’)）" and not (request[end] == "." and request[end + 1:end + 2] in ("", " "))


def _introduces_text(request: str, end: int) -> bool:
    """Whether prose copied up to ``end`` stops just before quoted text or a colon and what it
    introduces: those words are not the text ("write" of "and write '<h1>Hello</h1>' into …",
    "标题是" of "标题是“下班了”", "通知" of "显示一条通知：茶泡好了")."""
    if request[end - 1:end] in (":", "："):
        return True   # nor the colon itself ("知：")
    rest = len(request) - len(request[end:].lstrip())
    if request[rest:rest + 1] == "：" and any(c.isalnum() for c in request[rest + 1:]):
        return True   # (an English colon follows the text as often: "heading Tea: pop it up")
    return rest in {q - 1 for q in _quoted_spans(request)}


def _dangles(request: str, end: int) -> bool:
    """Whether free text copied up to ``end`` stops on a word that leads into more: an article,
    "of", "and" ("buy milk and"), or "in" before a time or amount ("check the oven in" of
    "check the oven in 40 min")."""
    words = request[:end].split()
    last = words[-1].lower() if words else ""
    if last in _NEVER_LAST:
        return True
    return last in _BEFORE_QUANTITY and _QUANTITY_START.match(request, end) is not None


def is_piece(value: str, request: str, whole: bool = False) -> bool:
    """Whether ``value`` occurs in ``request`` as the grammar lets a copy take it: from a
    word start to a word end (``whole``: as a path's copy must end, see ``_word_end``)."""
    return _copied(value, request, "path" if whole else "piece", _word_end if whole else _piece_end)


def _copied(value: str, request: str, kind: str, ends: Callable[[str, int], bool]) -> bool:
    """Whether ``value`` occurs where a copy of ``kind`` may begin and ``ends`` lets it end;
    one begun just inside quotes must run to the closing quote."""
    return any(ends(request, i + len(value)) for i in _occurrences(value, request, kind))


def _word_end(request: str, end: int) -> bool:
    """Whether a copy ending at ``end`` ends a whole word: "~/Desktop/ju" of "~/Desktop/junk.txt" does not."""
    if end >= len(request):
        return True
    nxt, last = request[end], request[end - 1] if end else ""
    if _in_contraction(request, end):
        return False
    if nxt.isspace() or nxt in "'\"“”‘’,，。？?!！、；;:：)）]>":
        return True
    if last == "/":
        return False  # "~/下载/" out of "~/下载/临时文件夹"
    if nxt in "([{" and last.isalnum():
        return False  # "~/Downloads/file" out of "~/Downloads/file(1).pdf"
    if _is_cjk(nxt):
        return not _is_cjk(last) or nxt in _AFTER_PATH_ZH
    if nxt == "." and (end + 1 >= len(request) or request[end + 1].isspace()):
        return True  # a sentence's full stop
    return not (nxt.isascii() and (nxt.isalnum() or nxt in "_-.~/")) and not (last.isascii() and last.isalnum() and nxt.isalnum())


def _joins(text: str, i: int) -> bool:
    """Whether text[i] continues an ASCII word ("1.5GiB" and "1:30" are one word)."""
    if i < 0 or i >= len(text):
        return False
    ch = text[i]
    if ch.isascii() and ch.isalnum():
        return True
    return ch in ".:" and i + 1 < len(text) and text[i + 1].isdigit() and i > 0 and text[i - 1].isdigit()


@lru_cache(maxsize=256)
def _duration_inside(request: str) -> frozenset[int]:
    """Where the request says a duration, its first character to its last (to its unit: a
    piece that reads as one may run on, "an hour and a half about the")."""
    return frozenset(i for piece in quantity_spans(request, "duration") if _ENDS_IN_TIME_UNIT.search(piece)
                     for m in re.finditer(re.escape(piece), request) for i in range(m.start(), m.end()))


_ENDS_IN_TIME_UNIT = re.compile(rf"(\b({_TIME_UNITS}|half)|\d(s|m|h|d|w|mins?|hrs?|secs?)|[时分秒天周月年后])$", re.I)


@lru_cache(maxsize=256)
def quantity_spans(request: str, fmt: str) -> tuple[str, ...]:
    """Pieces of the request that normalise as a size (or duration), at word boundaries."""
    from llmos.errors import NormaliseError
    from llmos.plan.normalise import parse_duration, parse_size

    parse = parse_size if fmt == "size" else parse_duration
    n = len(request)
    # never inside a number: "半小时" of "一个半小时", "个小时" of "两个小时"
    starts = [i for i in range(n) if (_is_cjk(request[i]) or request[i].isalnum())
              and (_is_cjk(request[i]) or not _joins(request, i - 1))
              and not _in_zh_number(request, i)]
    from llmos.plan.normalise import _number

    found: dict[int, list[int]] = {}   # end → starts of the pieces that parse
    for i in starts:
        if _FILLER.match(request, i) and not _is_cjk(request[i]):
            continue   # "in 10 minutes" is "10 minutes": the word only says when
        for j in range(i + 1, min(n, i + 32) + 1):
            last = request[j - 1]
            if not (_is_cjk(last) or last.isalnum()):
                continue
            if not _is_cjk(last) and _joins(request, j):
                continue  # do not cut a word in two
            piece = request[i:j]
            if "\n" in piece:
                break
            try:
                parse(piece)
            except (NormaliseError, ValueError, OverflowError):
                continue
            found.setdefault(j, []).append(i)
    # never a unit without the number said before it: "hour" of "in 1 hour", "MB" of "10 MB"
    spans = {request[i:j] for j, begins in found.items() for i in begins
             if not any(k < i and _number(request[k:i].strip()) is not None for k in begins)}
    if fmt == "size":  # a bare count ("5 files") or a word ("a") is not a size people mean
        spans = {s for s in spans if any(c.isdigit() for c in s) or _number(s) is None}
        spans = {s for s in spans if not s.isdigit()}
    else:  # a duration names its unit ("3 days", "三天", "hour"), not just a number ("in 20")
        spans = {s for s in spans if _number(_FILLER.sub(" ", s.lower()).strip()) is None}
    return tuple(sorted(spans))


_ZH_NUMBER = set("零〇一二两俩三四五六七八九十百千万几")


def _in_zh_number(request: str, i: int) -> bool:
    """Whether ``i`` continues a Chinese number ("半" of "一个半", "个" of "两个"), not "设个半年"."""
    prev = request[i - 1] if i else ""
    return prev in _ZH_NUMBER or (prev == "个" and i > 1 and request[i - 2] in _ZH_NUMBER)


_FILLER = re.compile(r"\b(and|in|for|about|around|last|past|the|within)\b")   # as parse_duration drops

_ROUND = (*range(0, 32), 40, 50, 60, 64, 90, 100, 128, 200, 256, 500, 1000)


def _int_candidates(request: str, round_ones: bool) -> frozenset[int]:
    from llmos.plan.normalise import _number
    # a number said only as the number of a size or a duration is no count, stated or round:
    # 比10k大的文件 asks for no 10 files, "errors from the past 2 hours" for no 2 of them
    measures = _said_only_in_quantities(request)
    found = {int(run) for run in re.findall(r"\d+", request) if len(run) <= 9} - measures
    for word in re.findall(r"[a-z]+|[零〇一二两俩三四五六七八九十百千万]+", request.lower()):
        n = _number(word)
        if n is not None and n == int(n):
            found.add(int(n))
    if not round_ones:
        return frozenset(found)
    # a round number that only begins a stated one is a copy stopped short: "the last 200
    # matches" is never limit 20 (a single digit stays: "the biggest of the 10" may be 1)
    runs = re.findall(r"\d+", request)
    short = {r for r in _ROUND if r >= 10 and r not in found
             and any(run.startswith(str(r)) and len(run) > len(str(r)) for run in runs)}
    # likewise a part of a stated Chinese numeral: 十五 is 15, never 5 or 10
    for run in re.findall(r"[零〇一二两俩三四五六七八九十百千万]{2,}", request):
        for i in range(len(run)):
            for j in range(i + 1, len(run) + 1 - (i == 0)):
                n = _number(run[i:j])
                if n is not None and n == int(n) and int(n) not in found:
                    short.add(int(n))
    return frozenset(found | (set(_ROUND) - short - measures))


@lru_cache(maxsize=256)
def _said_only_in_quantities(request: str) -> frozenset[int]:
    """The numbers (in digits) a request says only inside sizes and durations ("10k", "2 hours");
    never 1, which "the biggest file over 1 GB" still asks for as the one thing it wants."""
    spans = [(m.start(), m.end()) for fmt in ("size", "duration") for piece in quantity_spans(request, fmt)
             for m in re.finditer(re.escape(piece), request)]
    inside: dict[int, bool] = {}
    for m in re.finditer(r"(?<![\d.])\d+(?![\d.])", request):
        n = int(m.group()) if len(m.group()) <= 9 else None
        if n is not None:
            # with its unit after it in the span: a loose span ("后25" of 最后25行) measures nothing
            inside[n] = inside.get(n, True) and any(
                a <= m.start() and m.end() < b and re.match(r"\s*[^\W\d_]", request[m.end():b]) for a, b in spans)
    return frozenset(n for n, only in inside.items() if only and n >= 2)


@lru_cache(maxsize=1024)
def _int_values(request: str, lo: int | None, hi: int | None, round_ones: bool) -> tuple[str, ...]:
    return tuple(str(n) for n in sorted(_int_candidates(request, round_ones))
                 if (lo is None or n >= lo) and (hi is None or n <= hi))


def arg_ints(request: str, arg: ArgSpec) -> tuple[str, ...]:
    """``int_values`` for one argument: a process id is never a number the request says only
    as a count or a port ("kill the biggest of the top 5" is no pid 5, "what holds port 8080?
    kill it" no pid 8080); with none left, an earlier step's pids may still name it."""
    values = int_values(request, arg.prop)
    if arg.name == "pid":
        others = _counts_and_ports(request)
        values = tuple(v for v in values if v not in others)
    return values


_PORT_SAID = re.compile(r"(?:\bport\s+|:)(\d+)(?!\d)|(?<!\d)(\d+)\s*号?端口", re.IGNORECASE)


@lru_cache(maxsize=256)
def _counts_and_ports(request: str) -> frozenset[str]:
    """Numbers every mention of which is a ranked count or a port."""
    counts = {str(n) for n in stated_counts(request)}
    ports = Counter(m.group(1) or m.group(2) for m in _PORT_SAID.finditer(request))
    return frozenset(n for n in counts | set(ports)
                     if len(re.findall(rf"(?<!\d){n}(?!\d)", request)) <= (n in counts) + ports[n])


def int_values(request: str, prop: dict) -> tuple[str, ...]:
    """Integers the plan may hold: numbers the request states (digits or words), and for a
    knob with a default (a limit, a count, a depth) small round ones too ("the biggest file"
    → limit 1).  An identifier without a default (a pid, a port) is only ever a number the
    request states, whole: "5555" can become 5555, never 555, and "50%" never pid 500.
    """
    return _int_values(request, prop.get("minimum"), prop.get("maximum"), "default" in prop)


def _parses(parse: Callable[[str], object]) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        from llmos.errors import NormaliseError
        try:
            parse(text)
        except (NormaliseError, ValueError):
            return False
        return True
    return check


@lru_cache(maxsize=64)
def _pattern_check(pattern: str | None) -> Callable[[str], bool] | None:
    """The schema's ``pattern`` (e.g. an archive's suffix) must hold when the string closes."""
    if not pattern:
        return None
    try:
        compiled = re.compile(pattern)
    except re.error:
        return None
    return lambda text: compiled.search(text) is not None


def _url_check(text: str) -> bool:
    from llmos.plan.normalise import normalise_url
    return ("." in text or ":" in text) and _parses(normalise_url)(text)


def _host_check(text: str) -> bool:
    from llmos.plan.normalise import normalise_host
    return ("." in text or ":" in text or text == "localhost") and _parses(normalise_host)(text)


_CHECKS: dict[str, Callable[[str], bool]] = {"url": _url_check, "host": _host_check}
_EDGE = "'\"()<>[]{},.;!?，。？！“”‘’：:"


def _quoted(value: str) -> str:
    return '" ' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@lru_cache(maxsize=256)
def word_values(request: str, fmt: str) -> tuple[str, ...]:
    """URLs (hosts) the request states: its non-CJK words, trimmed of punctuation, that read as one."""
    check = _CHECKS[fmt]
    out: set[str] = set()
    runs = (set(request.split()) | set(re.findall(r"[^\s\u3000-\u303f\uff00-\uffef]+", request))
            | set(re.findall(r"[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", request)))
    for run in runs:  # whole words (URLs may hold CJK), and the non-CJK runs of unspaced Chinese
        word = run.strip(_EDGE)
        # "然后http://…/壁纸.iso": a URL glued to the Chinese words before it
        candidates = {word, re.sub(r"^[\u4e00-\u9fff]+", "", word).strip(_EDGE)}
        # "…/壁纸.iso到桌面": glued to the Chinese words after it, a URL ends at its file's suffix
        candidates |= {m.group(1) for c in list(candidates)
                       if (m := re.match(r"([^\u3000-\u303f\uff00-\uffef]*/[^/]*\.[A-Za-z0-9]{1,5})[\u4e00-\u9fff]+$", c))}
        if fmt == "host" and "://" in word:
            from urllib.parse import urlsplit
            host = urlsplit(word).hostname or ""
            if host and host in request:
                candidates.add(host)
        for c in candidates:
            if c and check(c):
                out.add(c)
    # a URL whose file has a Chinese name ("https://example.org/docs/手册.pdf 到桌面") is never
    # cut where the Chinese begins
    for url in [c for c in out if re.search(r"/[\u4e00-\u9fff][^/\s]*\.[A-Za-z0-9]{1,5}$", c)
                and not re.search(r"[\u3000-\u303f\uff00-\uffef]", c)]:
        out = {c for c in out if not (url.startswith(c) and len(c) < len(url))}
    return tuple(sorted(out))


@lru_cache(maxsize=256)
def patterned_paths(request: str, pattern: str) -> tuple[str, ...]:
    """Paths the grammar could copy (pieces, or folder + "/" + piece) that satisfy ``pattern``."""
    check = _pattern_check(pattern)
    if check is None:
        return ()
    n = len(request)
    starts = [i for i in range(n) if request[i] not in " \t" and _starts_at(request, i, "path")]
    ends = [j for j in range(1, n + 1) if _word_end(request, j) or _is_cjk(request[j]) != _is_cjk(request[j - 1])]
    pieces = {request[i:j] for i in starts for j in ends if j > i and j - i <= 160
              and check(request[i:j]) and "\n" not in request[i:j] and path_shape_ok(request[i:j])}
    out = set(pieces)
    # folders the request writes out, each up to one of its slashes ("~/Desktop" of "~/Desktop/a.zip")
    written = {request[i:k] for i in starts if request[i] in "~/"
               for k in range(i + 1, min(n, i + 160)) if request[k] == "/" and not re.search(r"\s", request[i:k])}
    for piece in pieces:
        if not piece.startswith(("~", "/", ".")) and is_name_in_folder(piece, request):
            out.update(f"{c}/{piece}" for c in path_canons(request)
                       if c not in (".", "/") and not folder_written(c, request))
            out.update(f"{w}/{piece}" for w in written if in_written_folder(f"{w}/{piece}", request))
    return tuple(sorted(v for v in out if not v.startswith(" ") and not v.endswith(" ") and path_shape_ok(v)))


# --- feeding and masks ----------------------------------------------------------------------

def feed(state: Sequence, ch: str) -> tuple:
    out = []
    for node in state:
        out.extend(node.feed(ch))
    return tuple(out)


def feed_text(state: Sequence, text: str) -> tuple:
    for ch in text:
        state = feed(state, ch)
        if not state:
            break
    return tuple(state)


def is_final(state: Sequence) -> bool:
    return any(node.final for node in state)


def next_chars(state: Sequence) -> set[str]:
    out: set[str] = set()
    for node in state:
        out |= node.next_chars()
    return out


def accepts(grammar: Grammar, request: str, text: str) -> bool:
    """Whether ``text`` (with its leading space) is a complete plan for ``request``."""
    state = feed_text(grammar.start(request), text)
    return bool(state) and is_final(state)


@dataclass
class DecodeState:
    """Grammar state plus the bytes of a character that byte tokens have only begun."""

    nodes: tuple
    pending: bytes = b""


class TokenMasker:
    """Legal next tokens for a grammar state, over one tokenizer's vocabulary."""

    def __init__(self, texts: Sequence, eos: int) -> None:
        self.eos = eos
        self.trie: dict = {}
        self.byte_tokens: dict[int, int] = {}   # byte value → token id
        for i, t in enumerate(texts):
            if isinstance(t, bytes) and t[0] >= 0x80:
                self.byte_tokens[t[0]] = i
                continue
            if isinstance(t, bytes):  # an ASCII byte piece is just that character
                t = t.decode("ascii")
            if t:
                node = self.trie
                for ch in t:
                    node = node.setdefault(ch, {})
                node.setdefault(None, []).append(i)

    def allowed(self, state: DecodeState) -> list[int]:
        if state.pending:
            return self._byte_continuations(state)
        out: list[int] = []
        if is_final(state.nodes):
            out.append(self.eos)
        stack = [(self.trie, state.nodes)]
        while stack:
            trie, nodes = stack.pop()
            legal = next_chars(nodes)
            for ch in legal:
                child = trie.get(ch)
                if child is None:
                    continue
                after = feed(nodes, ch)
                if not after:
                    continue
                if None in child and self._goes_on(after):
                    out.extend(child[None])
                if len(child) > (1 if None in child else 0):
                    stack.append((child, after))
        out.extend(self._byte_starts(state.nodes))
        return out

    def _goes_on(self, nodes: tuple) -> bool:
        """Some token (or the end) can follow: never hand the model a dead end."""
        if is_final(nodes):
            return True
        legal = next_chars(nodes)
        return any(ch in self.trie for ch in legal) or any(
            len(ch.encode()) > 1 and ch.encode()[0] in self.byte_tokens for ch in legal)

    def _byte_starts(self, nodes: tuple) -> list[int]:
        leads = {ch.encode()[0] for ch in next_chars(nodes) if len(ch.encode()) > 1}
        return [self.byte_tokens[b] for b in leads if b in self.byte_tokens]

    def _byte_continuations(self, state: DecodeState) -> list[int]:
        out = set()
        for ch in next_chars(state.nodes):
            raw = ch.encode()
            if raw.startswith(state.pending) and len(raw) > len(state.pending):
                b = raw[len(state.pending)]
                if b in self.byte_tokens:
                    out.add(self.byte_tokens[b])
        return sorted(out)

    def advance(self, state: DecodeState, token_text) -> DecodeState:
        """The state after one token (its text, or its byte for a byte token)."""
        if isinstance(token_text, bytes) and token_text[0] < 0x80 and not state.pending:
            token_text = token_text.decode("ascii")
        if isinstance(token_text, bytes):
            raw = state.pending + token_text
            try:
                ch = raw.decode("utf-8")
            except UnicodeDecodeError:
                return DecodeState(state.nodes, raw)  # a character still incomplete
            return DecodeState(feed(state.nodes, ch), b"")
        return DecodeState(feed_text(state.nodes, token_text), b"")
