"""Constrained decoding can only produce valid plans of registered intents, even from random weights."""

from __future__ import annotations

import pytest

from llmos.planner.decode import constrained_decode, engine_mask, engine_session
from llmos.planner.grammar import DecodeState, Grammar, TokenMasker, accepts
from llmos.planner.language import parse_plan
from llmos.planner.tokenizer import PlannerTokenizer

from .conftest import SHIPPED, random_checkpoint

REQUESTS = ["show the 5 biggest files in Downloads", "kill firefox", "tell me a joke",
            "下载 https://example.org/file.zip 然后解压", "remind me in 2h to call mom",
            "delete everything in ~/.ssh", "files over 100 MB in ~/Videos older than a week"]


@pytest.fixture(scope="module")
def random_model(tmp_path_factory):
    from llmos.engine import load
    return load(random_checkpoint(tmp_path_factory.mktemp("random")), dtype="fp32")


@pytest.fixture(scope="module")
def tokenizer():
    return PlannerTokenizer(SHIPPED / "tokenizer.model")


def _valid(text: str, request: str, grammar, intents) -> None:
    assert accepts(grammar, request, text), text
    for step in parse_plan(text, intents):
        intent = intents[step.intent]                           # a registered intent
        assert set(step.args) <= set(intent.properties), text   # only its arguments
        assert set(intent.required) <= set(step.args), text     # and every required one


@pytest.mark.parametrize("seed, backend", [(0, "engine"), (1, "engine"), (0, "numpy")])
def test_random_weights_still_give_valid_plans(tmp_path, seed, backend, registry, intents, tokenizer):
    directory = random_checkpoint(tmp_path / "m", seed=seed)
    if backend == "numpy":
        from llmos.planner.npmodel import PlannerModel
        start = PlannerModel(directory).session
    else:
        from llmos.engine import load
        start = engine_session(load(directory, dtype="fp32"))
    grammar = Grammar.for_registry(registry)
    masker = TokenMasker(tokenizer.vocab.texts, tokenizer.vocab.eos)
    for request in REQUESTS:
        out = constrained_decode(start, tokenizer.prompt(request), masker, tokenizer.vocab.texts,
                                 DecodeState(grammar.start(request)), max_new_tokens=192)
        assert out.finished
        _valid(tokenizer.text_of(out.tokens), request, grammar, intents)


def test_the_engine_generate_hook_applies_the_same_mask(random_model, registry, intents, tokenizer):
    grammar = Grammar.for_registry(registry)
    masker = TokenMasker(tokenizer.vocab.texts, tokenizer.vocab.eos)
    request = "kill firefox"
    mask = engine_mask(masker, tokenizer.vocab.texts, DecodeState(grammar.start(request)),
                       random_model.lm_head.out_features)
    tokens = list(random_model.generate(tokenizer.prompt(request), max_new_tokens=48, logits_mask=mask,
                                        stop_tokens=[tokenizer.vocab.eos]))
    text = tokenizer.text_of(t for t in tokens if t != tokenizer.vocab.eos)
    if tokens and tokens[-1] == tokenizer.vocab.eos:
        _valid(text, request, grammar, intents)


def test_a_step_said_twice_in_a_row_is_said_once():
    from llmos.plan.model import Step
    from llmos.planner import without_repeats

    os_info = Step("system.info", {"aspect": "os"})
    assert without_repeats([os_info, Step("system.info", {"aspect": "os"})]) == [os_info]
    # again with an argument more or less: nothing differs, so the two are one, with the
    # arguments of both
    logs = Step("system.logs", {"grep": "segfault", "limit": 200})
    assert without_repeats([logs, Step("system.logs", {"limit": 200})]) == [logs]
    assert without_repeats([logs, Step("system.logs", {"grep": "segfault", "limit": 200, "unit": "x"})]) == [
        Step("system.logs", {"grep": "segfault", "limit": 200, "unit": "x"})]
    assert without_repeats([Step("process.list", {"sort": "memory"}), Step("process.list", {"sort": "memory", "limit": 5})]) == [
        Step("process.list", {"sort": "memory", "limit": 5})]
    # different arguments, or a repeat that is not next to its twin, stay
    two_units = [Step("system.logs", {"unit": "nginx", "since": 3600}), Step("system.logs", {"unit": "ssh", "since": 3600})]
    assert without_repeats(two_units) == two_units
    kept = [os_info, Step("system.info", {"aspect": "cpu"}), Step("system.info", {"aspect": "os"})]
    assert without_repeats(kept) == kept
    # steps that refer to each other are left as written: dropping one would renumber them
    chained = [Step("files.find", {"path": "/tmp"}), Step("files.find", {"path": "/tmp"}),
               Step("files.trash", {"paths": {"$ref": "steps[1].paths"}})]
    assert without_repeats(chained) == chained


def test_a_rename_to_a_bare_name_keeps_the_folder():
    from llmos.plan.model import Step
    from llmos.planner import renamed_beside_source

    rename = Step("files.move", {"sources": ["~/Documents/notes.txt"], "destination": "notes-2024.txt"})
    assert renamed_beside_source([rename])[0].args["destination"] == "~/Documents/notes-2024.txt"
    copy = Step("files.copy", {"sources": ["/srv/a.txt"], "destination": "b.txt"})
    assert renamed_beside_source([copy])[0].args["destination"] == "/srv/b.txt"
    for kept in (Step("files.move", {"sources": ["draft.txt"], "destination": "final.txt"}),          # both in the cwd
                 Step("files.move", {"sources": ["~/a.txt", "~/b.txt"], "destination": "c.txt"}),      # not one source
                 Step("files.move", {"sources": ["~/a.txt"], "destination": "~/Documents"}),           # a folder written
                 Step("files.move", {"sources": {"$ref": "steps[0].paths"}, "destination": "x.txt"})):
        assert renamed_beside_source([kept]) == [kept]


@pytest.mark.parametrize("request_, wrote, target, want", [
    ("cp a.txt b.txt c.txt ~/tmp", ["a.txt"], "~/tmp", ["a.txt", "b.txt", "c.txt"]),
    ("copy a.txt, b.txt and c.txt to ~/tmp", ["a.txt", "b.txt"], "~/tmp", ["a.txt", "b.txt", "c.txt"]),
    ("move ~/a.png and /srv/b.png into ~/Pictures", ["~/a.png"], "~/Pictures", ["~/a.png", "/srv/b.png"]),
    ("把 a.txt 和 b.txt 复制到 ~/tmp", ["a.txt"], "~/tmp", ["a.txt", "b.txt"]),
    ("把 a.txt、b.txt 移到 ~/tmp", ["a.txt"], "~/tmp", ["a.txt", "b.txt"]),
    ("copy notes.txt todo.txt to Desktop", ["notes.txt"], "~/Desktop", ["notes.txt", "todo.txt"]),   # by its name
    ("把 a.zip 和 b.zip 移到文档", ["a.zip"], "~/Documents", ["a.zip", "b.zip"]),
    ("cp a.txt b.txt ~/tmp/x", ["a.txt"], "~/tmp", ["a.txt"]),          # ~/tmp is only the start of ~/tmp/x
    # anything but a list between the last source and the destination: as the model wrote it
    ("copy a.txt to b.txt", ["a.txt"], "b.txt", ["a.txt"]),
    ("move a.txt from Music to ~/tmp", ["a.txt"], "~/tmp", ["a.txt"]),
    ("copy a.txt and then b.txt to ~/tmp", ["a.txt"], "~/tmp", ["a.txt"]),
    ("copy report.pdf to /tmp and notes.txt to ~/x", ["report.pdf"], "~/x", ["report.pdf"]),
    ("cp Music/a.txt b.txt ~/tmp", ["~/Music/a.txt"], "~/tmp", ["~/Music/a.txt"]),   # not written so
    ("zip up ~/a.png n ~/b.txt into ~/c.zip", ["~/a.png"], "~/c.zip", ["~/a.png", "~/b.txt"]),   # "n" for "and"
])
def test_sources_run_up_to_the_destination(request_, wrote, target, want):
    from llmos.plan.model import Step
    from llmos.planner import sources_up_to_destination

    step = Step("files.copy", {"sources": wrote, "destination": target})
    assert sources_up_to_destination([step], request_)[0].args["sources"] == want


def test_an_archive_gets_every_source_listed_before_its_name():
    from llmos.plan.model import Step
    from llmos.planner import sources_up_to_destination

    step = Step("files.compress", {"sources": ["~/projects/website"], "archive": "~/Backups/sites.tar.xz"})
    request_ = "make a tar.xz of ~/projects/website and ~/projects/blog named ~/Backups/sites.tar.xz"
    assert sources_up_to_destination([step], request_)[0].args["sources"] == ["~/projects/website", "~/projects/blog"]
    selection = Step("files.compress", {"sources": {"$ref": "steps[0].paths"}, "archive": "a.zip"})
    assert sources_up_to_destination([selection], "zip them into a.zip") == [selection]


@pytest.mark.parametrize("request_, made, wrote, want", [
    ("make a Backups folder on the Desktop and copy notes.txt into it", "~/Desktop/Backups", "~/Desktop",
     "~/Desktop/Backups"),
    ("create a folder Old and move a.png in there", "Old", ".", "Old"),
    ("新建 ~/x/Old，把 a.png 移进去", "~/x/Old", "~/x", "~/x/Old"),
    ("make ~/Old and put a.png into the new folder", "~/Old", "~", "~/Old"),
    ("先在 ~/x 里建个 Old 文件夹，再把 a.png 移进去", "~/x/Old", "~/x/a.png", "~/x/Old"),   # under its own name beside it
    # no word points back at the new folder, or the destination is another folder
    ("make ~/x/Old and move a.png to ~/x", "~/x/Old", "~/x", "~/x"),
    ("make ~/x/Old and move a.png into it", "~/x/Old", "~/y", "~/y"),
])
def test_into_it_means_the_folder_just_made(request_, made, wrote, want):
    from llmos.plan.model import Step
    from llmos.planner import into_the_new_folder

    steps = [Step("files.mkdir", {"path": made}), Step("files.move", {"sources": ["a.png"], "destination": wrote})]
    assert into_the_new_folder(steps, request_)[1].args["destination"] == want


def test_a_dead_end_is_backed_out_of_whatever_tokens_spell_it(registry, tokenizer):
    """A model that keeps walking into a state the grammar cannot leave still ends with a plan."""
    import numpy as np

    texts = tokenizer.vocab.texts
    spelled = [t.encode() if isinstance(t, str) else t for t in texts]   # None for special tokens
    want, trap = b' process.kill name=" firefox"', b'name=" firefox'
    request = "kill firefox"
    prompt = tokenizer.prompt(request)
    written: dict[int, bytes] = {}

    class Trapped(TokenMasker):            # no token goes on once the plan reaches the trap
        def allowed(self, state):
            return [] if trap in written.get(id(state), b"") else super().allowed(state)

        def advance(self, state, text):
            new = super().advance(state, text)
            written[id(new)] = written.get(id(state), b"") + (text.encode() if isinstance(text, str) else text)
            return new

    def stubborn(max_len):                 # prefers whatever spells more of `want` from what it wrote
        seen: list[int] = []

        def feed(tokens):
            seen.extend(tokens)
            so_far = b"".join(spelled[t] for t in seen[len(prompt):])
            rest = want[len(so_far):] if want.startswith(so_far) else b""
            return np.array([10.0 * len(b) if b and rest.startswith(b) else 0.0 for b in spelled])
        return feed

    grammar = Grammar.for_registry(registry)
    state = DecodeState(grammar.start(request))
    out = constrained_decode(stubborn, prompt, Trapped(texts, tokenizer.vocab.eos), texts, state, max_new_tokens=64)
    text = tokenizer.text_of(out.tokens)
    assert out.finished and trap.decode() not in text
    assert accepts(grammar, request, text), text


def test_a_string_value_that_leads_nowhere_is_chosen_again_where_it_opened(registry, tokenizer):
    """'files.read path=" ~/data and …' can end in no way the grammar allows; after the retries
    spent on ways to end it, the choice is made again where the value opened (@0.path).  The
    shipped model once walked into it; a scripted one that always prefers it does here."""
    import numpy as np

    from llmos.planner.decode import _open_string

    assert _open_string(b'files.read path=" ~/data and') == b'files.read path="'
    assert _open_string(b'files.write content=" say \\"hi') == b'files.write content="'
    assert _open_string(b'files.read path=" ~/a.txt" max_bytes=') is None
    assert _open_string(b'files.trash paths=[" ~/a"," ~/b') == b'files.trash paths=[" ~/a","'

    request = "Fetch https://example.net/data/export.csv into ~/data and show me the first 2 KB of it"
    fetched = b' net.fetch url=" https://example.net/data/export.csv" destination=" ~/data" ;'
    stuck = fetched + b' files.read path=" ~/data and show me the first 2 KB of it'
    good = fetched + b' files.read path=@0.path max_bytes=" 2 KB"'
    texts = tokenizer.vocab.texts
    spelled = [t.encode() if isinstance(t, str) else t for t in texts]
    prompt = tokenizer.prompt(request)

    def stubborn(max_len):                 # the way into the dead end first, the good plan second
        seen: list[int] = []

        def feed(tokens):
            seen.extend(tokens)
            so_far = b"".join(spelled[t] for t in seen[len(prompt):])
            logits = np.zeros(len(texts))
            for want, weight in ((stuck, 10.0), (good, 5.0)):
                rest = want[len(so_far):] if want.startswith(so_far) else b""
                logits = np.maximum(logits, [weight * len(b) if b and rest.startswith(b) else 0.0 for b in spelled])
            if so_far == good:
                logits[tokenizer.vocab.eos] = 1e3
            return logits
        return feed

    grammar = Grammar.for_registry(registry)
    out = constrained_decode(stubborn, prompt, TokenMasker(texts, tokenizer.vocab.eos), texts,
                             DecodeState(grammar.start(request)), max_new_tokens=96)
    assert out.finished and tokenizer.text_of(out.tokens) == good.decode()


def test_it_after_a_download_into_a_folder_is_the_download(registry, home):
    from llmos.planner import plan_request
    from llmos.tools import Context

    request = "Fetch https://example.net/data/export.csv into ~/data and show me the first 2 KB of it"
    outcome = plan_request(request, registry, Context(cwd=str(home), home=str(home), dry_run=True), use_config=False)
    assert [(s.intent, s.args) for s in outcome.plan.steps] == [
        ("net.fetch", {"url": "https://example.net/data/export.csv", "destination": f"{home}/data"}),
        ("files.read", {"path": {"$ref": "steps[0].path"}, "max_bytes": 2000})], outcome.text


def test_only_an_append_keeps_the_newline_that_ends_its_line():
    from llmos.plan.model import Step
    from llmos.planner import line_breaks_only_append

    written = line_breaks_only_append([Step("files.write", {"path": "~/a.txt", "content": "hi\n"})])
    assert written[0].args["content"] == "hi"
    appended = Step("files.write", {"path": "~/a.txt", "content": "hi\n", "append": True})
    assert line_breaks_only_append([appended]) == [appended]
    titled = line_breaks_only_append([Step("desktop.notify", {"title": "tea\n", "body": "ready"})])
    assert titled[0].args == {"title": "tea", "body": "ready"}
    # text of several lines keeps its last break
    lines = Step("files.write", {"path": "~/list.txt", "content": "eggs\nbread\n"})
    assert line_breaks_only_append([lines]) == [lines]


def test_the_share_the_first_choice_gave_to_none_is_kept(registry, tokenizer):
    """Outcome.none_prob is the first free choice's probability of " none", among legal tokens."""
    import numpy as np

    texts = tokenizer.vocab.texts
    none = texts.index(" none")
    kill = next(i for i, t in enumerate(texts) if t == " process.kill")

    def leaning(max_len):  # three to one for process.kill over none; nothing else worth a thought
        def feed(tokens):
            logits = np.full(len(texts), -60.0)
            logits[kill], logits[none] = np.log(3.0), 0.0
            logits[tokenizer.vocab.eos] = 5.0      # once the intent is written, end as soon as allowed
            return logits
        return feed

    request = "kill firefox"
    grammar = Grammar.for_registry(registry)
    out = constrained_decode(leaning, tokenizer.prompt(request), TokenMasker(texts, tokenizer.vocab.eos), texts,
                             DecodeState(grammar.start(request)), max_new_tokens=64)
    assert tokenizer.text_of(out.tokens).split()[0] == "process.kill"
    assert out.none_prob == pytest.approx(0.25, abs=1e-9)


@pytest.mark.parametrize("request_, asked", [
    ("delete ~/Desktop/untitled.txt", (False, False)),
    ("remove the old logs in ~/tmp", (False, False)),
    ("删除 ~/下载/a.txt", (False, False)),
    ("permanently delete ~/Desktop/a.txt", (True, False)),
    ("delete ~/a.txt for good", (True, False)),
    ("delete ~/a.txt, skip the trash", (True, False)),
    ("remove the logs for real, not just to the trash", (True, False)),
    ("delete the pdfs for real, not just to the trsh", (True, False)),
    ("don't put ~/a.txt in the bin, get rid of it", (True, False)),
    ("rm -rf ~/build", (True, False)),
    ("shred ~/secret.txt", (True, False)),
    ("delete ~/a.txt so it can't be restored", (True, False)),
    ("彻底删除 ~/下载/temp", (True, False)),
    ("删除 ~/a.txt，不要放回收站", (True, False)),
    ("删掉 ~/a.txt，回收站就别用了", (True, False)),
    ("大于1G的文件删掉，不要留在回收站里", (True, False)),
    # the trash said, or a permanence taken back
    ("move ~/a.txt to the trash", (False, True)),
    ("trash ~/a.txt rather than erasing it completely", (False, True)),
    ("delete ~/a.txt, but not permanently", (False, True)),
    ("把最大的20个文件丢回收站，不要永久删除", (False, True)),
    ("don't just trash ~/a.txt, delete it permanently", (True, False)),
    ("permanently delete the logs and trash the rest", (True, True)),
    ("delete ~/a.txt, don't skip the trash", (False, True)),
    ("删除 ~/a.txt，不用跳过回收站", (False, True)),
])
def test_a_deletion_goes_for_good_or_to_the_trash_as_the_request_says(request_, asked):
    from llmos.plan.model import Step
    from llmos.planner import deleted_as_asked, deletion_asked

    assert deletion_asked(request_) == asked
    permanent, trash = asked
    for intent in ("files.delete", "files.trash"):
        steps = [Step("files.find", {"path": "~"}), Step(intent, {"paths": {"$ref": "steps[0].paths"}})]
        got = deleted_as_asked(steps, request_)
        assert got[0] == steps[0]
        want = "files.trash" if not permanent else "files.delete" if not trash else intent
        assert got[1] == Step(want, steps[1].args)


@pytest.mark.parametrize("request_, append", [
    ("append 'PermitRootLogin yes' to /etc/ssh/sshd_config", True),
    ("add the line export EDITOR=nvim to the end of ~/.bashrc", True),
    ("在 ~/文档/notes.txt 后面追加一行：明天交报告", True),
    ("write 'hello' to ~/a.txt", False),                      # written anew, as the model chose
    ("don't append, overwrite ~/a.txt with 'x'", False),      # a refusal of appending
    ("在 ~/a.txt 后面补一行 浇花，别覆盖原来", True),
    ("add 'x' to ~/a.txt, don't overwrite it", True),
    ('echo "pay the rent" >> ~/todo.txt', True),
    ("log 'backup done' to ~/backup.log", True),
    ("show the logs 'today' in ~/a.txt", False),               # no "log 'x'" to write
])
def test_a_request_in_the_words_of_appending_appends(request_, append):
    from llmos.plan.model import Step
    from llmos.planner import appended_as_asked

    steps = [Step("files.write", {"path": "~/a.txt", "content": "x"})]
    got = appended_as_asked(steps, request_)
    assert got[0].args.get("append", False) is append
    assert got[0].args["content"] == ("x\n" if append else "x") and got[0].args["path"] == "~/a.txt"
    # two writes: which one appends is not for a rule to guess
    two = steps + [Step("files.write", {"path": "~/b.txt", "content": "y"})]
    assert appended_as_asked(two, request_) == two


@pytest.mark.parametrize("request_, kept", [
    ("download https://x.org/a.iso", False),                  # the default: ~/Downloads/a.iso
    ("ping google.com, then download https://x.org/robots.txt", False),
    ("下载 https://x.org/a.iso", False),
    ("download https://x.org/a.iso into my Downloads", True),  # said, so kept as said
    ("把 https://x.org/a.iso 下载到 ~/下载", True),
])
def test_a_download_goes_where_the_request_says(request_, kept):
    from llmos.plan.model import Step
    from llmos.planner import fetched_where_asked

    step = Step("net.fetch", {"url": "https://x.org/a.iso", "destination": "~/Downloads"})
    got = fetched_where_asked([step], request_)[0]
    assert ("destination" in got.args) is kept and got.args["url"] == "https://x.org/a.iso"
    elsewhere = Step("net.fetch", {"url": "https://x.org/a.iso", "destination": "~/Desktop"})
    assert fetched_where_asked([elsewhere], request_) == [elsewhere]


def test_a_plan_that_acts_on_the_process_it_found_asks_first(registry, tmp_path):
    """``@0.pids[0]`` reaches the plan as a $ref; the kill is decided again once the pid is known."""
    from llmos.cli.ask import decide_steps
    from llmos.plan.executor import Context
    from llmos.planner import finalise

    ctx = Context(cwd=str(tmp_path), home=str(tmp_path), dry_run=True)
    plan = finalise("what's hogging the most memory? kill it",
                    " process.list sort=memory limit=1 ; process.kill pid=@0.pids[0]", registry, ctx)
    assert [(s.intent, s.args.get("pid")) for s in plan.steps] == [
        ("process.list", None), ("process.kill", {"$ref": "steps[0].pids[0]"})]
    decisions = decide_steps(plan.steps, registry, ctx)
    assert decisions[0][0] == "allow" and decisions[1][0] == "ask"


def _find_then(intent: str) -> list:
    from llmos.plan.model import Step
    return [Step("files.find", {"path": "~/x", "ext": "go"}), Step(intent, {"paths": {"$ref": "steps[0].paths"}})]


@pytest.mark.parametrize("request_, kept", [
    ("list every .docx under ~/Documents/Work Stuff", False),
    ("find all the .go files in ~/code/go", False),           # "go" in a path or a suffix asks nothing
    ("what's in ~/.local/share/Trash?", False),
    ("find the .tmp files in ~/x and trash them", True),
    ("find old logs in ~/x, they can go", True),
    ("dispose of the pdfs in ~/x", True),
    ("把 ~/x 里的 .go 文件都删掉", True),
    ("清理一下 ~/x 里的旧文件", True),
    ("~/x 里的 go 文件扔进回收站", True),
    ("pls traash the pdfs in ~/x", True),                     # a slip of "trash" still asks
    ("can you plz trassh the mp3s in ~/x", True),
    ("teach me the go files in ~/x", False),
])
def test_a_step_that_deletes_must_be_asked_for(request_, kept):
    from llmos.planner import unasked_steps_dropped

    for intent in ("files.trash", "files.delete"):
        steps = _find_then(intent)
        assert unasked_steps_dropped(steps, request_) == (steps if kept else steps[:1])


@pytest.mark.parametrize("request_, kept", [
    ("what's process 90211 and who owns it?", False),
    ("is nginx running?", False),
    ("kill nginx", True),
    ("please force-close pulseaudio", True),
    ("cups 最近的警告，同时killall掉 java", True),
    ("把 obs 关掉", True),
    ("let vlc carry on", True),
    ("ctrl-c process 3056", True),
])
def test_a_step_that_signals_a_process_must_be_asked_for(request_, kept):
    from llmos.plan.model import Step
    from llmos.planner import unasked_steps_dropped

    steps = [Step("process.find", {"name": "nginx"}), Step("process.kill", {"name": "nginx"})]
    assert unasked_steps_dropped(steps, request_) == (steps if kept else steps[:1])


@pytest.mark.parametrize("request_, kept", [
    ("take a screenshot", False),
    ("add lunch with sam on thursday to my calendar", False),
    ("make ~/a", True),
    ("mkdir -p ~/a/b", True),
    ("I need a new Receipts folder in Documents", True),
    ("在文档里新建一个叫 2025计划 的文件夹", True),
    ("建一个 ~/a 目录", True),
])
def test_a_step_that_makes_a_folder_must_be_asked_for(request_, kept):
    from llmos.plan.model import Step
    from llmos.planner import unasked_steps_dropped

    steps = [Step("files.mkdir", {"path": "~/a"})]
    assert unasked_steps_dropped(steps, request_) == (steps if kept else [])


def test_an_unasked_end_leaves_the_references_right():
    from llmos.plan.model import Step
    from llmos.planner import unasked_steps_dropped

    steps = [Step("files.mkdir", {"path": "~/a"}), Step("files.delete", {"paths": ["~/a"]}),
             Step("files.find", {"path": "~", "ext": "pdf"}),
             Step("files.move", {"sources": {"$ref": "steps[2].paths"}, "destination": "~/a"})]
    assert unasked_steps_dropped(steps, "make ~/a and move the pdfs in my home into it") == [
        steps[0], steps[2], Step("files.move", {"sources": {"$ref": "steps[1].paths"}, "destination": "~/a"})]
    # a step a later one refers to stays: the plan would not hold without it
    chained = [Step("files.find", {"path": "~"}), Step("files.trash", {"paths": {"$ref": "steps[0].paths"}}),
               Step("files.read", {"path": {"$ref": "steps[1].paths[0]"}})]
    assert unasked_steps_dropped(chained, "find my notes and read the first") == chained
    # a name that reads like a reference is none
    named = [Step("files.find", {"path": "~"}), Step("files.trash", {"paths": {"$ref": "steps[0].paths"}}),
             Step("files.read", {"path": "~/steps[1].txt"})]
    assert unasked_steps_dropped(named, "find my notes and read ~/steps[1].txt") == [named[0], named[2]]


def test_a_process_list_or_an_open_added_to_other_steps_must_be_asked_for():
    from llmos.plan.model import Step
    from llmos.planner import unasked_steps_dropped

    status, listed = Step("net.status", {}), Step("process.list", {"sort": "cpu"})
    assert unasked_steps_dropped([status, listed], "Which DNS servers and gateway is this machine using?") == [status]
    assert unasked_steps_dropped([status, listed], "network status and the top processes") == [status, listed]
    made, opened = Step("files.mkdir", {"path": "~/Music/Vinyl Rips"}), Step("desktop.open", {"target": "~/Music/Vinyl Rips"})
    assert unasked_steps_dropped([made, opened], "mkae a folder ~/Music/Vinyl Rips") == [made]
    assert unasked_steps_dropped([made, opened], "make a folder ~/Music/Vinyl Rips and open it") == [made, opened]
    # the whole plan stays: "what's slowing my machine down?" needs no word for processes
    assert unasked_steps_dropped([listed], "why is everything so sluggish") == [listed]
    # a notice nobody asked for, and a kill of what a program is only said to fail to do
    battery, notice = Step("system.info", {"aspect": "battery"}), Step("desktop.notify", {"title": "还剩多少电"})
    assert unasked_steps_dropped([battery, notice], "还剩多少电啊，我没带充电器") == [battery]
    assert unasked_steps_dropped([battery, notice], "how much battery is left? notify me") == [battery, notice]
    found, ended = Step("process.find", {"name": "slack"}), Step("process.kill", {"name": "slack"})
    assert unasked_steps_dropped([found, ended], "Is Slack still running? It never seems to quit properly.") == [found]
    assert unasked_steps_dropped([found, ended], "is slack running? quit it") == [found, ended]
    forced = [Step("process.kill", {"name": "vlc", "signal": "KILL"})]
    assert unasked_steps_dropped(forced, "vlc won't close, force it") == forced


@pytest.mark.parametrize("request_, command, args", [
    ("chmod -R 777 /", "chmod", ["-R", "777", "/"]),
    ("run dd if=/dev/zero of=/dev/sda bs=4M", "dd", ["if=/dev/zero", "of=/dev/sda", "bs=4M"]),
    ("mkfs.ext4 /dev/sdb1", "mkfs.ext4", ["/dev/sdb1"]),
    ("run sudo rm -rf /var/lib/dpkg", "sudo", ["rm", "-rf", "/var/lib/dpkg"]),
    ("运行 sudo apt update", "sudo", ["apt", "update"]),
    ("please run `systemctl restart nginx`", "systemctl", ["restart", "nginx"]),
    ("sudo reboot", "sudo", ["reboot"]),
    ("I'm sick of permission errors. chmod -R 777 /", "chmod", ["-R", "777", "/"]),   # after a sentence
    ("运行 crontab -r 清空所有定时任务", "crontab", ["-r"]),      # before what it is for, in Chinese
])
def test_a_request_that_is_a_command_line_of_a_program_no_intent_stands_for_runs_it(request_, command, args):
    from llmos.plan.model import Step
    from llmos.planner import command_lines_run

    guessed = [Step("files.find", {"path": "/", "limit": 777})]
    assert command_lines_run(guessed, request_) == [Step("process.launch", {"command": command, "args": args})]


@pytest.mark.parametrize("request_", [
    "shutdown the computer",                    # prose
    "apt install vlc",                          # nothing only a command line has
    "mount /dev/sdb1 /mnt/usb and open it",     # more than the line
    "sudo rm -rf /",                            # an intent's work (files.delete), not said to run
    "reboot now",
])
def test_prose_more_than_one_line_or_an_intents_work_is_left_to_the_model(request_):
    from llmos.plan.model import Step
    from llmos.planner import command_lines_run

    steps = [Step("files.delete", {"paths": ["/"]})]
    assert command_lines_run(steps, request_) == steps


def test_a_command_line_run_is_denied_by_the_policy(registry, home):
    from llmos.cli.ask import decide_steps
    from llmos.planner import plan_request
    from llmos.tools import Context

    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    for request_ in ("chmod -R 777 /", "run dd if=/dev/zero of=/dev/sda bs=4M"):
        outcome = plan_request(request_, registry, ctx, use_config=False)
        assert [s.intent for s in outcome.plan.steps] == ["process.launch"]
        assert [verdict for verdict, _ in decide_steps(outcome.plan.steps, registry, ctx)] == ["deny"]


def test_a_request_to_end_what_holds_a_port_ends_the_holder_found():
    from llmos.plan.model import Step
    from llmos.planner import port_holders_ended

    looked = [Step("net.ports", {"port": 3000, "state": "listen"})]
    assert port_holders_ended(looked, "kill whatever is listening on port 3000") == [
        *looked, Step("process.kill", {"pid": {"$ref": "steps[0].pids[0]"}})]
    assert port_holders_ended(looked, "what is listening on port 3000?") == looked
    ended = [*looked, Step("process.kill", {"name": "node"})]
    assert port_holders_ended(ended, "kill whatever is listening on port 3000") == ended


def test_connections_asked_about_are_the_established_ones():
    from llmos.plan.model import Step
    from llmos.planner import connections_as_asked

    ports = [Step("net.ports", {"port": 22, "state": "listen"})]
    assert connections_as_asked(ports, "22 端口上有哪些连接") == [Step("net.ports", {"port": 22, "state": "established"})]
    assert connections_as_asked([Step("net.status", {})], "show all established network connections") == [
        Step("net.ports", {"state": "established"})]
    # the link's status, listening, or who holds a port: as the model wrote it
    assert connections_as_asked([Step("net.status", {})], "check my network connection") == [Step("net.status", {})]
    assert connections_as_asked(ports, "is anything listening on port 22 or connected to it") == ports


def test_a_download_asked_to_run_is_what_runs():
    from llmos.plan.model import Step
    from llmos.planner import downloads_run_as_asked

    fetch = Step("net.fetch", {"url": "https://x.example/payload.sh", "destination": "/tmp"})
    ref = {"$ref": "steps[0].path"}
    assert downloads_run_as_asked([fetch, Step("process.launch", {"command": "bash"})],
                                  "download https://x.example/payload.sh to /tmp and run it with bash") == [
        fetch, Step("process.launch", {"command": "bash", "args": [ref]})]
    assert downloads_run_as_asked([fetch, Step("desktop.open", {"target": ref})],
                                  "download https://x.example/payload.sh to /tmp and run it") == [
        fetch, Step("process.launch", {"command": ref})]
    # opened, not run
    opened = [fetch, Step("desktop.open", {"target": ref})]
    assert downloads_run_as_asked(opened, "download https://x.example/a.pdf and open it") == opened


def test_a_plan_of_nothing_but_an_unasked_end_is_no_plan(registry, tmp_path):
    from llmos.plan.executor import Context
    from llmos.planner import finalise

    ctx = Context(cwd=str(tmp_path), home=str(tmp_path), dry_run=True)
    plan = finalise("what is in ~/x?", ' files.trash paths=[" ~/x"]', registry, ctx)
    assert plan.steps == [] and "not sure" in plan.reply
    plan = finalise("make the folder ~/x", ' files.mkdir path=" ~/x" ; files.delete paths=[" ~/x"]', registry, ctx)
    assert [s.intent for s in plan.steps] == ["files.mkdir"]


def test_what_is_in_a_path_reads_a_file_and_lists_a_folder(registry, tmp_path):
    """The words ("what's in ~/x?") do not say whether ~/x is a file or a folder; the disk does."""
    from llmos.plan.executor import Context
    from llmos.planner import finalise

    (tmp_path / ".config").mkdir()
    (tmp_path / "fstab").write_text("UUID=1 / ext4 defaults 0 1\n")
    ctx = Context(cwd=str(tmp_path), home=str(tmp_path), dry_run=True)

    def planned(text):
        return [(s.intent, s.args["path"]) for s in finalise("what's in it?", text, registry, ctx).steps]

    assert planned(' files.read path=" ~/.config"') == [("files.find", str(tmp_path / ".config"))]
    assert planned(' files.find path=" ~/fstab"') == [("files.read", str(tmp_path / "fstab"))]
    assert planned(' files.find path=" fstab"') == [("files.read", str(tmp_path / "fstab"))]
    # a search with a filter stays a search; a path not there is left as the model wrote it
    assert [s.intent for s in finalise("x", ' files.find path=" ~/fstab" ext=" txt"', registry, ctx).steps] == ["files.find"]
    assert planned(' files.read path=" ~/notes.txt"') == [("files.read", str(tmp_path / "notes.txt"))]
    assert planned(' files.find path=" ~/gone"') == [("files.find", str(tmp_path / "gone"))]


@pytest.mark.parametrize("request_, depth", [
    ("How big is the node_modules folder in ~/code/webapp?", 0),
    ("how much space is ~/Pictures taking up", 0),
    ("du -sh ~/x", 0),
    ("音乐文件夹现在多大了", 0),
    ("how full are my disks, and how much of that is ~/x in total?", 0),
    ("disk usage of ~/x", None),                         # no size asked as one number
    ("size of each subfolder in ~/x", None),             # a breakdown
    ("how big are the folders in ~/x, two levels deep", None),
    ("帮我把音乐下面的子目录按大小列一下", None),
])
def test_a_size_asked_as_one_number_is_the_total(request_, depth):
    from llmos.plan.model import Step
    from llmos.planner import usage_totals_as_asked

    got = usage_totals_as_asked([Step("files.usage", {"path": "~/x"})], request_)[0]
    assert got.args.get("depth") == depth
    # a depth the model wrote beyond one level is left alone
    deep = [Step("files.usage", {"path": "~/x", "depth": 2})]
    assert usage_totals_as_asked(deep, request_) == deep


@pytest.mark.parametrize("request_, state", [
    ("Which program is occupying port 5000?", "all"),
    ("whos using port 3000", "all"),
    ("谁占了 8080 端口", "all"),
    ("what's on port 3000", "all"),
    ("53 这个端口是哪个程序的", "all"),
    ("is anything listening on port 22?", None),        # listening sockets, the default
    ("what's listening on port 22?", None),
    ("哪个程序在监听 3306 端口？", None),
    ("check port 22", None),
])
def test_who_holds_a_port_looks_at_every_socket(request_, state):
    from llmos.plan.model import Step
    from llmos.planner import port_holders_as_asked

    got = port_holders_as_asked([Step("net.ports", {"port": 5000})], request_)[0]
    assert got.args.get("state") == state
    said = [Step("net.ports", {"port": 5000, "state": "established"})]
    assert port_holders_as_asked(said, request_) == said


@pytest.mark.parametrize("request_, process", [
    ("is nginx running? and which ports is it listening on?", "nginx"),
    ("postgres 在运行吗？它在监听哪些端口", "postgres"),
    ("is nginx running? also list the listening ports", None),    # no pointing back: every port
])
def test_its_ports_are_the_ports_of_the_process_named(request_, process):
    from llmos.plan.model import Step
    from llmos.planner import ports_of_the_process_named

    name = "postgres" if "postgres" in request_ else "nginx"
    steps = [Step("process.find", {"name": name}), Step("net.ports", {"state": "listen"})]
    got = ports_of_the_process_named(steps, request_)
    assert got[0] == steps[0] and got[1].args.get("process") == process and got[1].args["state"] == "listen"
    # a port or a process the model wrote stays
    on_port = [steps[0], Step("net.ports", {"port": 80})]
    assert ports_of_the_process_named(on_port, request_) == on_port


def test_a_path_the_plan_gives_is_written_out_where_a_later_step_uses_it():
    from llmos.plan.model import Step
    from llmos.planner import given_paths_written_out

    written = [Step("files.write", {"path": "~/today.txt", "content": "standup moved"}),
               Step("desktop.open", {"target": {"$ref": "steps[0].path"}})]
    assert given_paths_written_out(written)[1] == Step("desktop.open", {"target": "~/today.txt"})
    # a downloaded file's path is known only once it runs
    fetched = [Step("net.fetch", {"url": "https://x.org/a.csv"}), Step("files.read", {"path": {"$ref": "steps[0].path"}})]
    assert given_paths_written_out(fetched) == fetched


@pytest.mark.parametrize("request_, command, args", [
    ("run vlc --fullscreen please", "vlc", ["--fullscreen"]),
    ("Run vlc --fullscreen. Thanks!", "vlc", ["--fullscreen"]),
    ("run python3 -m http.server 8080 and then open http://localhost:8080", "python3", ["-m", "http.server", "8080"]),
    ("run grep -r 'foo bar' ~/src, then show me", "grep", ["-r", "foo bar", "~/src"]),
    ("run bash -c 'rm -rf ~'", "bash", ["-c", "rm -rf ~"]),     # said faithfully, for the policy to deny
    ("start vlc in the background", "vlc", None),              # no option: left as the model wrote it
    ("then run bash /tmp/payload.sh", "bash", ["/tmp/payload.sh"]),   # a program that runs files: the file
    ("run vlc ~/Videos/a.mp4", "vlc", None),                   # any other program: options only
])
def test_a_command_line_said_with_options_keeps_them(request_, command, args):
    from llmos.plan.model import Step
    from llmos.planner import options_as_said

    got = options_as_said([Step("process.launch", {"command": command})], request_)[0]
    assert got.args.get("args") == args
    given = [Step("process.launch", {"command": command, "args": ["x"]})]
    assert options_as_said(given, request_) == given


def test_a_shell_command_line_said_in_full_is_denied(registry, tmp_path):
    from llmos.cli.ask import decide_steps
    from llmos.plan.executor import Context
    from llmos.planner import finalise

    ctx = Context(cwd=str(tmp_path), home=str(tmp_path), dry_run=True)
    plan = finalise("run bash -c 'rm -rf ~'", ' process.launch command=" bash"', registry, ctx)
    assert plan.steps[0].args["args"] == ["-c", "rm -rf ~"]
    assert decide_steps(plan.steps, registry, ctx)[0][0] == "deny"


@pytest.mark.parametrize("request_, destination, want", [
    ("下载 https://x.org/a.txt，存到文档里，叫 manual.pdf", "~/Documents", "~/Documents/manual.pdf"),
    ("fetch https://x.org/a.txt into ~/notes and name it today.txt", "~/notes", "~/notes/today.txt"),
    ("download https://x.org/a.iso and save it as debian.iso", None, "~/Downloads/debian.iso"),
    # a file already, a name inside the URL, or no name given: as the model wrote it
    ("grab https://x.org/v6.9.tar.gz and save it as ~/src/linux.tar.gz", "~/src/linux.tar.gz", "~/src/linux.tar.gz"),
    ("download https://x.org/name-it-a.zip into ~/x", "~/x", "~/x"),
    ("download https://x.org/a.zip as well as b.zip", None, None),
])
def test_a_download_gets_the_file_name_the_request_gives(request_, destination, want):
    from llmos.plan.model import Step
    from llmos.planner import downloads_named_as_asked

    args = {"url": "https://x.org/a"} | ({"destination": destination} if destination else {})
    steps = downloads_named_as_asked([Step("net.fetch", args)], request_)
    assert steps[0].args.get("destination") == want


@pytest.mark.parametrize("request_, sources, destination, turned", [
    ("rename ~/Music/mix.mp3 to ~/Music/Señorita (live).mp3", "~/Music/Señorita (live).mp3", "~/Music/mix.mp3", True),
    ("把 ~/文档/旧简历.docx 改名为 ~/文档/简历2024.docx", "~/文档/简历2024.docx", "~/文档/旧简历.docx", True),
    ("copy ~/a to ~/a-backup", "~/a-backup", "~/a", True),
    # written the right way round, or no word leading from one to the other: as written
    ("copy ~/a to ~/a-backup", "~/a", "~/a-backup", False),
    ("move ~/x/y.txt to ~/x", "~/x/y.txt", "~/x", False),
    ("~/b, ~/a: which is bigger?", "~/a", "~/b", False),
    ("在 homework.png 里写上“x”，~/a.py 复制到这个文件夹", "~/a.py", ".", False),   # "." is no word said
])
def test_a_move_written_backwards_is_turned_round(request_, sources, destination, turned):
    from llmos.plan.model import Step
    from llmos.planner import source_before_destination

    step = Step("files.move", {"sources": [sources], "destination": destination})
    got = source_before_destination([step], request_)[0]
    assert got == (Step("files.move", {"sources": [destination], "destination": sources}) if turned else step)


@pytest.mark.parametrize("request_, dropped", [
    ("connect to the wifi network homenet", True),
    ("forget this wifi network please", True),
    ("turn off bluetooth", True),
    ("连上名叫 Home-5G 的 Wi-Fi", True),
    ("请断开无线网络", True),
    # questions about the network are what net.status answers
    ("am I connected to the wifi?", False),
    ("wifi 连上了吗", False),
    ("is the vpn enabled?", False),
    ("what's my ip on the wireless network", False),
])
def test_a_request_to_change_the_network_is_not_a_status(request_, dropped):
    from llmos.plan.model import Step
    from llmos.planner import status_is_no_change

    status = [Step("net.status", {})]
    assert status_is_no_change(status, request_) == ([] if dropped else status)
    looks = [Step("process.list", {"sort": "cpu"})]          # nor does any other look at the machine
    assert status_is_no_change(looks, request_) == ([] if dropped else looks)
    # a plan that does more than read the status is left to the other rules
    both = [Step("net.status", {}), Step("net.ping", {"host": "example.org"})]
    assert status_is_no_change(both, request_) == both


@pytest.mark.parametrize("request_, fetch_keeps", [
    ("grab https://x.org/unzip-1.tar.gz into ~/opt and extract it", True),
    ("download https://x.org/a.tar.gz and extract it into ~/opt", False),
    ("下载 https://x.org/a.zip 然后解压到 ~/opt", False),
])
def test_a_folder_said_once_goes_on_the_step_it_is_said_with(request_, fetch_keeps):
    from llmos.plan.model import Step
    from llmos.planner import unpacked_where_said

    fetch = Step("net.fetch", {"url": "https://x.org/a.tar.gz", "destination": "~/opt"})
    extract = Step("files.extract", {"archive": {"$ref": "steps[0].path"}, "destination": "~/opt"})
    bare_fetch = Step("net.fetch", {"url": "https://x.org/a.tar.gz"})
    bare_extract = Step("files.extract", {"archive": {"$ref": "steps[0].path"}})
    assert unpacked_where_said([fetch, extract], request_) == (
        [fetch, bare_extract] if fetch_keeps else [bare_fetch, extract])


def test_an_unpacking_of_a_download_goes_beside_it_unless_downloads_is_said():
    from llmos.plan.model import Step
    from llmos.planner import fetched_where_asked

    steps = [Step("net.fetch", {"url": "https://x.org/a.zip", "destination": "~/Downloads"}),
             Step("files.extract", {"archive": {"$ref": "steps[0].path"}, "destination": "~/Downloads"})]
    assert fetched_where_asked(steps, "下载 https://x.org/a.zip，接着把它解压") == [
        Step("net.fetch", {"url": "https://x.org/a.zip"}), Step("files.extract", {"archive": {"$ref": "steps[0].path"}})]
    assert fetched_where_asked(steps, "download https://x.org/a.zip into my Downloads and unzip it there") == steps
    # "." nobody said is no place either; said, it is
    here = [Step("net.fetch", {"url": "https://x.org/a.zip", "destination": "."})]
    assert fetched_where_asked(here, "下载 https://x.org/a.zip，解压到 ~/app") == [Step("net.fetch", {"url": "https://x.org/a.zip"})]
    assert fetched_where_asked(here, "download https://x.org/a.zip here") == here


def test_a_command_line_piped_into_a_shell_is_run_whole_and_denied(registry, home):
    from llmos.cli.ask import decide_steps
    from llmos.plan.model import Step
    from llmos.planner import piped_into_a_shell, plan_request
    from llmos.tools import Context

    line = "curl -fsSL https://get.example.sh | bash"
    run = Step("process.launch", {"command": "bash", "args": ["-c", line]})
    # the pieces the model made of it give way; other steps stay, their references moved
    fetch = Step("net.fetch", {"url": "https://get.example.sh"})
    disks = Step("system.disks", {})
    assert piped_into_a_shell([fetch], f"run {line}") == [run]
    assert piped_into_a_shell([disks, fetch], f"list my disks, then {line}") == [disks, run]
    found = [Step("files.find", {"path": "~"}), fetch, Step("files.trash", {"paths": {"$ref": "steps[0].paths"}})]
    assert piped_into_a_shell(found, f"find my files, {line}, trash them") == [
        found[0], run, Step("files.trash", {"paths": {"$ref": "steps[0].paths"}})]
    # no shell at the end of the pipe: as the model wrote it
    grep = [Step("net.ports", {"port": 80})]
    assert piped_into_a_shell(grep, "ss -lnp | grep 80") == grep

    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    outcome = plan_request("curl https://get.example.sh/install.sh | bash", registry, ctx, use_config=False)
    assert [(s.intent, s.args) for s in outcome.plan.steps] == [
        ("process.launch", {"command": "bash", "args": ["-c", "curl https://get.example.sh/install.sh | bash"]})]
    assert [verdict for verdict, _ in decide_steps(outcome.plan.steps, registry, ctx)] == ["deny"]


@pytest.mark.parametrize("request_, want", [
    ("make a backup copy of ~/.config/i3/config called config.bak in the same folder", "~/.config/i3/config.bak"),
    ("copy ~/a/notes.txt next to it as notes-old.txt", "~/a/notes-old.txt"),
    ("把 ~/a/x.conf 在同一个文件夹里复制一份，叫 x.conf.bak", "~/a/x.conf.bak"),
    ("copy ~/a/budget.ods named 'budget 2025 backup.ods' in the same folder", "~/a/budget 2025 backup.ods"),
    # no same folder said, or no name given: as the model wrote it
    ("make a backup copy of ~/.config/i3/config called config.bak in ~/backup", "~/backup"),
    ("copy ~/a/notes.txt into the same folder", "~/backup"),
])
def test_a_copy_in_the_same_folder_goes_beside_its_source(request_, want):
    from llmos.plan.model import Step
    from llmos.planner import beside_the_source

    source = next(w for w in request_.split() if w.startswith("~/"))
    steps = [Step("files.copy", {"sources": [source], "destination": "~/backup"})]
    assert beside_the_source(steps, request_)[0].args["destination"] == want


def test_a_rules_reading_of_a_plain_request_the_model_declined_stands(registry, home, monkeypatch):
    """A model that says "none" to "在文档里新建一个叫 2025计划 的文件夹" (as an earlier shipped
    model did): the plain request is a folder to make, and that plan is not thrown away as the
    model's doubt."""
    import numpy as np

    from llmos.planner import embedded_planner, plan_request
    from llmos.tools import Context

    model = embedded_planner()
    none, real = model.tokenizer.vocab.texts.index(" none"), model.start

    def declining(max_len):
        feed = real(max_len)

        def says_none(tokens):
            logits = np.array(feed(tokens))
            logits[none] = logits.max() + 50.0
            return logits
        return says_none

    monkeypatch.setattr(model, "start", declining)
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    outcome = plan_request("在文档里新建一个叫 2025计划 的文件夹", registry, ctx, use_config=False)
    assert outcome.text.strip() == "none"
    assert [(s.intent, s.args["path"].rsplit("/", 2)[-2:]) for s in outcome.plan.steps] == [
        ("files.mkdir", ["Documents", "2025计划"])]


@pytest.mark.parametrize("request_, clauses", [
    ("what's listening on port 5432? show me the details of that process", 2),
    ("find the pdfs, then trash them", 2),
    ("结束 firefox 进程，然后重新启动 firefox", 2),
    ("extract ~/Downloads/blender-4.1.1-linux-x64.tar.xz", 1),
    ("download https://x.org/a?b=1 and unzip it", 1),        # a "?" inside a URL asks nothing
])
def test_clauses_said_counts_where_a_request_goes_on(request_, clauses):
    from llmos.planner.said import clauses_said

    assert clauses_said(request_) == clauses


def test_a_plan_goes_on_when_the_request_does_and_the_model_gives_it_enough():
    import numpy as np

    from llmos.planner.decode import GOES_ON, _goes_on

    texts = [None, " ;", " files.find"]          # eos, the separator, another token
    allowed = [0, 1, 2]
    assert _goes_on(allowed, np.array([1.0, GOES_ON * 1.5, 0.0]), texts) == 1
    assert _goes_on(allowed, np.array([1.0, GOES_ON / 2, 0.0]), texts) is None


def test_a_file_said_to_be_written_is_written_anew_unless_appending_is_said():
    from llmos.plan.model import Step
    from llmos.planner import appended_as_asked

    added = [Step("files.write", {"path": "~/blog/README.md", "content": "My Blog\n", "append": True})]
    assert appended_as_asked(added, "create ~/blog and write 'My Blog' into ~/blog/README.md") == [
        Step("files.write", {"path": "~/blog/README.md", "content": "My Blog", "append": False})]
    assert appended_as_asked(added, "把“My Blog”写进 ~/blog/README.md，别覆盖") == added
    assert appended_as_asked(added, "put 'My Blog' in ~/blog/README.md") == added      # no word either way


def test_a_kill_of_a_process_named_after_the_port_ends_the_holder():
    from llmos.plan.model import Step
    from llmos.planner import port_holders_ended

    steps = [Step("net.ports", {"port": 3000, "state": "all"}), Step("process.kill", {"name": "3000", "signal": "TERM"})]
    assert port_holders_ended(steps, "what's on port 3000? kill whatever is holding it") == [
        steps[0], Step("process.kill", {"signal": "TERM", "pid": {"$ref": "steps[0].pids[0]"}})]


@pytest.mark.parametrize("request_, command, args", [
    ("wipe the disk: run dd if=/dev/zero of=/dev/sda bs=1M", "dd", ["if=/dev/zero", "of=/dev/sda", "bs=1M"]),
    ("format my usb stick with mkfs.ext4 /dev/sdb1", "mkfs.ext4", ["/dev/sdb1"]),
    ("run chmod -R 777 / so I stop getting permission errors", "chmod", ["-R", "777", "/"]),
    ("turn selinux off: sudo setenforce 0", "sudo", ["setenforce", "0"]),
])
def test_a_command_line_after_what_it_is_for_or_before_why_runs_as_written(request_, command, args):
    from llmos.plan.model import Step
    from llmos.planner import command_lines_run

    guessed = [Step("files.usage", {"path": "/dev/sda"})]
    assert command_lines_run(guessed, request_) == [Step("process.launch", {"command": command, "args": args})]
    # prose around a program's name is no command line
    assert command_lines_run(guessed, "deal with the disk using fdisk") == guessed


def test_a_deletion_asked_outright_is_planned_where_the_model_only_looked():
    from llmos.plan.model import Step
    from llmos.planner import deletions_planned

    looked = [Step("files.find", {"path": "/usr", "sort": "size"})]
    assert deletions_planned(looked, "/usr 太占地方了，帮我删了") == [Step("files.trash", {"paths": ["/usr"]})]
    found = [Step("files.find", {"path": "~/Downloads", "ext": "exe"})]
    assert deletions_planned(found, "find the .exe files in Downloads, 统统删掉") == [
        *found, Step("files.trash", {"paths": {"$ref": "steps[0].paths"}})]
    # everything in a folder, found only to be deleted, is the folder: the policy judges it before anything runs
    everything = [Step("files.find", {"path": "~", "limit": 1}), Step("files.delete", {"paths": {"$ref": "steps[0].paths"}})]
    assert deletions_planned(everything, "delete everything in my home folder permanently") == [
        Step("files.delete", {"paths": ["~"]})]
    read = [Step("files.read", {"path": "~/Downloads/report.pdf"})]
    assert deletions_planned(read, "I already printed ~/Downloads/report.pdf, so get rid of it") == [
        Step("files.trash", {"paths": ["~/Downloads/report.pdf"]})]
    # a file's name is no verb ("firmware_dump.bin" asks nothing to the bin)
    dump = [Step("files.read", {"path": "~/Downloads/firmware_dump.bin"})]
    assert deletions_planned(dump, "print the first 512 bytes of ~/Downloads/firmware_dump.bin") == dump
    # questions and deletions taken back plan nothing more
    assert deletions_planned(found, "which .exe files can I delete?") == found
    assert deletions_planned(found, "find the .exe files but don't delete them") == found


def test_context_before_the_request_proper_is_told_apart():
    from llmos.planner import said_after_context

    assert said_after_context("I already installed it, so delete ~/Downloads/zoom_amd64.deb") == \
        "delete ~/Downloads/zoom_amd64.deb"
    assert said_after_context("thanks for earlier. now launch keepassxc") == "now launch keepassxc"
    assert said_after_context("下载完了，把 ~/a.zip 删掉") == "把 ~/a.zip 删掉"
    assert said_after_context("copy ~/a to ~/b. then open ~/b") is None        # the first part names a path
    assert said_after_context("launch firefox") is None
    # "it" of a program the context names is that program; "I" names none
    assert said_after_context("Slack is acting up. Close it and start it again.") == "Close slack and start it again."
    assert said_after_context("I just installed zoom. remove it") == "remove it"
    # ... and "it" of the one file the context names is that file, with where it is said to be
    assert said_after_context("there's a file called Untitled.txt on my Desktop, get rid of it") == \
        "get rid of Untitled.txt on my Desktop"
    assert said_after_context("I downloaded report.pdf yesterday. open it") == "open report.pdf"
    # a statement about the person, a comma, then a command
    assert said_after_context("I want to keep all my receipts in one place, make a Receipts folder in Documents") == \
        "make a Receipts folder in Documents"
    assert said_after_context("copy a.txt, b.txt to ~/x") is None


def test_a_request_after_context_that_derailed_the_model_is_planned_on_its_own(registry, home):
    from llmos.planner import plan_request
    from llmos.tools import Context

    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    outcome = plan_request("I already installed it, so delete ~/Downloads/zoom_amd64.deb", registry, ctx, use_config=False)
    assert [(s.intent, s.args) for s in outcome.plan.steps] == [
        ("files.trash", {"paths": [str(home / "Downloads/zoom_amd64.deb")]})]
    assert outcome.plan.request == "I already installed it, so delete ~/Downloads/zoom_amd64.deb"


def test_what_a_program_listens_on_is_its_sockets():
    from llmos.plan.model import Step
    from llmos.planner import ports_of_the_program_that_listens

    logs = [Step("system.logs", {"unit": "sshd"})]
    assert ports_of_the_program_that_listens(logs, "does sshd listen on anything?") == [
        Step("net.ports", {"process": "sshd", "state": "listen"})]
    assert ports_of_the_program_that_listens(logs, "sshd logs please") == logs


def test_looks_at_the_machine_added_to_other_steps_must_be_asked_for():
    from llmos.plan.model import Step
    from llmos.planner import unasked_steps_dropped

    made = Step("files.mkdir", {"path": "~/Documents/2025 报销"})
    assert unasked_steps_dropped([made, Step("process.info", {"pid": 2025})], "在文档里建个文件夹，叫 2025 报销") == [made]
    assert unasked_steps_dropped([made, Step("process.info", {"pid": 2025})], "make ~/x and ps -p 2025") == [
        made, Step("process.info", {"pid": 2025})]
    fetched = Step("net.fetch", {"url": "https://x.org/a.iso"})
    assert unasked_steps_dropped([fetched, Step("system.info", {"aspect": "os"})], "下载 https://x.org/a.iso") == [fetched]
    unpacked = Step("files.extract", {"archive": "~/a.zip"})
    packed = Step("files.compress", {"sources": ["~/a.zip"], "archive": "~/b.zip"})
    assert unasked_steps_dropped([unpacked, packed], "unzip ~/a.zip") == [unpacked]


def test_a_size_broken_down_by_folder_is_never_one_number():
    from llmos.plan.model import Step
    from llmos.planner import usage_totals_as_asked

    total = [Step("files.usage", {"path": "~/.cache", "depth": 0})]
    assert usage_totals_as_asked(total, "du -ch -d1 ~/.cache") == [Step("files.usage", {"path": "~/.cache", "depth": 1})]
    assert usage_totals_as_asked(total, "du 一下下载文件夹，按文件夹分开显示") == [
        Step("files.usage", {"path": "~/.cache", "depth": 1})]
    assert usage_totals_as_asked([Step("files.usage", {"path": "~/Music"})], "how big is ~/Music") == [
        Step("files.usage", {"path": "~/Music", "depth": 0})]


def test_a_reminder_added_to_other_steps_must_be_asked_for():
    from llmos.plan.model import Step
    from llmos.planner import unasked_steps_dropped

    notice = Step("desktop.notify", {"title": "Heads up", "body": "Standup in 5 minutes"})
    reminder = Step("timer.remind", {"message": "Heads up", "in": 300})
    assert unasked_steps_dropped([notice, reminder], "pop up 'Heads up' saying 'Standup in 5 minutes'") == [notice]
    assert unasked_steps_dropped([notice, reminder], "notify me now and remind me in 5 minutes") == [notice, reminder]


def test_one_look_at_the_machine_needs_a_word_of_its_topic():
    from llmos.plan.model import Step
    from llmos.planner import looks_without_a_topic

    assert looks_without_a_topic([Step("system.info", {"aspect": "disk"})], "how many cm in an inch") == []
    assert looks_without_a_topic([Step("net.status", {})], "buy a usb-c cable please") == []
    assert looks_without_a_topic([Step("system.disks", {})], "give me ideas for a surprise party") == []
    # the one look whose topic the request names
    assert looks_without_a_topic([Step("system.disks", {})], "show me the logs") == [Step("system.logs", {})]
    for request_, step in (("how much ram do I have", Step("system.info", {"aspect": "memory"})),
                           ("am I online", Step("net.status", {})), ("show all volumes", Step("system.disks", {})),
                           ("what went wrong during the last boot", Step("system.logs", {}))):
        assert looks_without_a_topic([step], request_) == [step]


def test_a_port_asked_who_holds_it_looks_at_every_socket_unless_listening_is_said():
    from llmos.plan.model import Step
    from llmos.planner import port_holders_as_asked

    listening = [Step("net.ports", {"port": 25, "state": "listen"})]
    assert port_holders_as_asked(listening, "25 这个端口是哪个程序的") == [Step("net.ports", {"port": 25, "state": "all"})]
    assert port_holders_as_asked(listening, "which program is listening on port 25?") == listening


def test_what_the_person_did_already_asks_for_nothing():
    from llmos.plan.model import Step
    from llmos.planner import unasked_steps_dropped

    found, killed = Step("process.find", {"name": "zoom"}), Step("process.kill", {"name": "zoom"})
    assert unasked_steps_dropped([found, killed], "is zoom still running? I thought I closed it") == [found]
    assert unasked_steps_dropped([found, killed], "I closed zoom but it's still there, kill it") == [found, killed]


def test_go_is_no_deletion_unless_something_can_go():
    from llmos.plan.model import Step
    from llmos.planner import unasked_steps_dropped

    trashed = [Step("files.trash", {"paths": ["~/holiday"]})]
    assert unasked_steps_dropped(trashed, "where should I go on holiday in september") == []
    assert unasked_steps_dropped(trashed, "the holiday folder can go") == trashed
