"""Typos of the planner's words are mended before the model reads, and programs named in capitals
are read in lower case; nothing else changes."""

from __future__ import annotations

from collections import Counter

import pytest

from llmos.planner.models import MODEL_DIR
from llmos.planner.spelling import Speller, programs_folded, read_vocabulary, vocabulary, write_vocabulary

WORDS = {"show": 900, "me": 900, "the": 990, "biggest": 300, "files": 800, "in": 950, "downloads": 400,
         "open": 500, "one": 200, "list": 400, "processes": 200, "launch": 300, "llmos": 50, "kill": 300,
         "remind": 300, "to": 990, "minutes": 300, "ping": 200, "png": 100, "what": 400, "want": 500,
         "notify": 200, "create": 200, "folder": 300, "pings": 100}


@pytest.fixture(scope="module")
def speller():
    return Speller(WORDS)


@pytest.mark.parametrize("typed, mended", [
    ("shwo me the biggest fiels in downlaods", "show me the biggest files in downloads"),
    ("opne spotfiy", "open spotfiy"),                       # a swap, not a letter lost ("one"); a name stays
    ("pnig github.com", "ping github.com"),                 # a swap before a letter lost ("png")
    ("waht is running", "what is running"),                 # a swap before a wrong key ("want")
    ("Lsit the processes", "List the processes"),           # a capital stays where it was
    ("remind me in 20 minuts", "remind me in 20 minutes"),
    ("creat a foldr", "create a folder"),                   # a last letter lost
])
def test_typos_of_planner_words_are_mended(speller, typed, mended):
    assert speller.correct(typed) == mended


@pytest.mark.parametrize("typed", [
    "pop up a notification that says Lunch time",           # English words stay: lunch is no launch
    "kill the llmosd daemon",                               # an ending added is a name, not a typo
    "notify me 'shwo must go on'",                          # quoted text is the user's
    "open ~/Downloads/fiels.txt",                           # paths and file names are the user's
    "open shwo.pdf and https://example.com/fiels",
    "run mkae --lsit",                                      # options too
    "SHWO ME",                                              # words in capitals
    "move all the PNGs from my Desktop",                    # and their plurals: no "Pings"
])
def test_nothing_else_changes(speller, typed):
    assert speller.correct(typed) == typed


def test_the_vocabulary_keeps_common_words_and_drops_the_templates_own_typos(tmp_path):
    requests = ["show me the files"] * 400 + ["shwo me the fiels"] * 6 + ["rare words once"]
    words = vocabulary(requests, min_count=5)
    assert {"show", "files", "me", "the"} <= set(words)
    assert not {"shwo", "fiels", "rare"} & set(words)
    write_vocabulary(words, tmp_path / "words.txt")
    assert read_vocabulary(tmp_path / "words.txt") == dict(words)


def test_the_shipped_model_has_its_vocabulary():
    speller = Speller.for_model(MODEL_DIR)
    assert speller is not None and len(speller.words) > 500
    assert speller.correct("shwo me the biggest fiels in downlaods") == "show me the biggest files in downloads"


@pytest.mark.parametrize("typed, read", [
    ("Is Steam running at the moment?", "Is steam running at the moment?"),   # a program, as the system names it
    ("Chrome 有没有在跑？", "chrome 有没有在跑？"),
    ("kill VLC now", "kill vlc now"),
    ("open ~/Videos/OBS Recordings", "open ~/Videos/OBS Recordings"),         # never inside a path
    ('remind me to open "Firefox"', 'remind me to open "Firefox"'),           # nor inside quotes
    ("move Firefox.desktop to the trash", "move Firefox.desktop to the trash"),  # nor a file's name
    ("Code review at 3", "Code review at 3"),                                  # a word that is also English stays
])
def test_programs_are_read_as_the_system_names_them(typed, read):
    assert programs_folded(typed) == read


def test_a_three_letter_slip_is_mended_only_to_a_common_word_missing_a_vowel_or_a_double():
    common = Speller({"make": 5000, "copy": 9000, "kill": 4000, "text": 1800, "exit": 100, "show": 7000, "cpu": 900})
    assert common.correct("mak a dir and cpy notes.txt into it") == "make a dir and copy notes.txt into it"
    assert common.correct("kil firefox") == "kill firefox"
    assert common.correct("files with ext pdf") == "files with ext pdf"      # not "text": a consonant left out
    assert common.correct("cpu usage") == "cpu usage"                          # a word of the planner's own
    swapped = Speller({"the": 9000, "and": 9000, "how": 5000, "who": 3000})
    assert swapped.correct("teh files adn folders") == "the files and folders"   # two letters swapped
    assert swapped.correct("hwo is it") == "hwo is it"                          # "how" or "who": left as typed
    assert swapped.correct("hwo much space is left") == "how much space is left"   # ... unless the next word tells
