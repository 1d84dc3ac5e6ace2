"""The things a request asks for, clause by clause (llmos.planner.clauses), and the plan that
goes on to a clause the model left out (llmos.planner.plan_request)."""

from __future__ import annotations

from llmos.planner.clauses import asked_by_clause, first_unplanned


def intents(request: str) -> list[str]:
    return ["/".join(sorted(names)) for _, names in asked_by_clause(request)]


def test_each_clause_opened_by_a_verb_asks_for_its_intent():
    assert intents("make a folder ~/backup, copy Documents/notes.txt into it, then zip the folder to ~/backup.zip") == [
        "files.mkdir", "files.copy", "files.compress"]
    assert intents("下载 https://example.com/data.zip，然后解压") == ["net.fetch", "files.extract"]
    assert intents("find log files in ~/projects, zip them into ~/old.zip, and then trash the originals") == [
        "files.find/process.find", "files.compress", "files.delete/files.trash"]
    # a run of breaks is one ("，然后", ", and then"); a list of names is no clause
    assert intents("把 ~/文档/论文 压缩成 ~/论文.tar.gz，再复制到 /media/usb") == ["files.compress", "files.copy"]
    assert intents("copy a.txt and b.txt to ~/x") == ["files.copy"]


def test_verbs_taken_back_or_too_broad_ask_for_nothing():
    assert intents("zip ~/a into ~/a.zip but don't delete ~/a") == ["files.compress"]
    assert intents("show me ~/a.txt and check the disk") == []


def test_the_first_clause_no_step_serves_and_where_it_goes():
    request = "make a folder ~/backup, copy Documents/notes.txt into it, then zip the folder to ~/backup.zip"
    assert first_unplanned(request, ["files.mkdir", "files.compress"]) == (1, "files.copy")
    assert first_unplanned(request, ["files.mkdir", "files.copy", "files.compress"]) is None
    # after the step that serves the clause before it, whatever steps go between
    found = "find the .tmp files in ~/x, trash them, then ping example.org"
    assert first_unplanned(found, ["files.find", "files.trash"]) == (2, "net.ping")
    # one thing asked: nothing can have been left out between steps
    assert first_unplanned("copy ~/a.txt to ~/b", []) is None


def test_a_clause_the_model_left_out_is_planned_where_it_was_said(registry, home, monkeypatch):
    import llmos.planner as planner
    from llmos.tools import Context

    import numpy as np

    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    request = "帮我把文档文件夹压缩成 ~/docs.zip，然后复制一份到桌面"
    want = [("files.compress", {"sources": [str(home / "Documents")], "archive": str(home / "docs.zip")}),
            ("files.copy", {"sources": {"$ref": "steps[0].paths"}, "destination": str(home / "Desktop")})]
    outcome = planner.plan_request(request, registry, ctx, use_config=False)
    assert [(s.intent, s.args) for s in outcome.plan.steps] == want

    # a model that stops after the packing, as an earlier shipped model did: the clause it
    # left out is asked of it again, from the step separator on
    model = planner.embedded_planner()
    texts, eos = model.tokenizer.vocab.texts, model.tokenizer.vocab.eos
    prompt = len(model.tokenizer.prompt(request))
    real = model.start

    def stops_after_one_step(max_len):
        feed, seen = real(max_len), []

        def stopping(tokens):
            seen.extend(tokens)
            logits = np.array(feed(tokens))
            written = "".join(t for t in texts_of(seen[prompt:]) if t)
            if written.startswith(" files.compress") and written.endswith('"') and " ;" not in written:
                logits[eos] = logits.max() + 50.0
            return logits
        return stopping

    def texts_of(tokens):
        return [texts[t] if isinstance(texts[t], str) else "" for t in tokens]

    monkeypatch.setattr(model, "start", stops_after_one_step)
    asked_again = planner.plan_request(request, registry, ctx, use_config=False)
    assert [(s.intent, s.args) for s in asked_again.plan.steps] == want
    monkeypatch.setattr(planner, "_CLAUSES_ASKED_AGAIN", 0)
    alone = planner.plan_request(request, registry, ctx, use_config=False)
    assert [s.intent for s in alone.plan.steps] == ["files.compress"]


def test_the_verb_said_first_opens_a_chinese_clause_and_the_downloads_folder_is_no_download():
    assert intents("彻底删除文件夹 下载目录里的 周杰伦，顺便路由器 router.lan 通不通？ping 5 次") == [
        "files.delete/files.trash", "net.ping"]
    assert intents("把下载里的 a.zip 解压") == ["files.extract"]


def test_folders_made_by_path_writes_logs_and_opening_it_are_asked_for():
    assert intents("create ~/projects/notes, write 'todo' into ~/projects/notes/README.md, open the folder") == [
        "files.mkdir", "files.write", "desktop.open"]
    assert intents("网站打不开了，帮我查一下 nginx 最近一小时的错误日志") == ["system.logs"]
    assert intents("make ~/notes.txt") == []           # a file's name: no folder asked


def test_the_request_after_context_is_planned_again_when_it_asks_what_the_plan_does_not():
    from llmos.plan.model import Step
    from llmos.planner import _asks_beyond

    status = [Step("net.status", {})]
    assert _asks_beyond("帮我 ping 一下 github.com", status)
    assert not _asks_beyond("ping github.com", [Step("net.ping", {"host": "github.com"})])
    assert not _asks_beyond("what is using the wifi?", status)


def test_a_verb_inside_a_written_path_asks_for_nothing():
    assert intents("找出~/Downloads/照片/新建文件夹中的 csv 文件，丢回收站") == []


def test_a_clause_after_words_with_no_verb_goes_after_the_steps_that_serve_them():
    # "what's hogging the CPU?" has no verb of a clause: its step comes first
    assert first_unplanned("the fan is screaming, what's hogging the CPU? kill it", ["process.list"]) == (1, "process.kill")
    assert first_unplanned("the fan is screaming, what's hogging the CPU? kill it", ["process.list", "process.kill"]) is None
    assert intents("结束 firefox 进程，然后重新启动 firefox") == ["process.kill", "process.launch"]
    assert intents("进程号 2718 是哪个程序，谁启动的？") == []
    assert intents("trash a.txt, then show me what's left on the Desktop") == ["files.delete/files.trash", "files.find"]
    assert intents("find the .deb files and move them to the trash") == ["files.find/process.find", "files.trash"]
    assert intents("move ~/a.mp3 into ~/Music, then play it") == ["files.move", "desktop.open"]


def test_the_place_of_a_clause_in_a_draft_that_rules_changed():
    from llmos.planner import _draft_place

    # a folder made first by a rule: the draft's write is its first step
    assert _draft_place(["files.write"], ["files.mkdir", "files.write"], 2) == 1
    # a repeat dropped: the draft's second step went
    assert _draft_place(["process.kill", "process.kill"], ["process.kill"], 1) == 1
    assert _draft_place(["files.find"], ["net.ping"], 1) is None


def test_the_context_said_before_is_no_clause_and_its_folder_is_there():
    from llmos.planner import said_after_context

    assert said_after_context("结束 firefox 进程，然后重新启动 firefox") is None
    assert said_after_context("My Downloads folder is a mess. Find the .deb installers in there and trash them") == (
        "Find the .deb installers in my Downloads folder and trash them")
    assert said_after_context("Slack has been flaky, grab its logs from today") == "grab slack's logs from today"
    assert said_after_context("firefox 又卡住了，帮我把它关掉") == "帮我把 firefox 关掉"


def test_a_question_is_no_context_and_a_context_copied_into_a_path_is_told():
    from llmos.plan.model import Step
    from llmos.planner import _copies_context, said_after_context

    assert said_after_context("how full are my disks? also what's taking space in ~/Videos") is None
    assert said_after_context("is the fan this loud normally? show me what's using the cpu") == "show me what's using the cpu"
    request = "简历已经更新了，把 ~/下载/旧简历.pdf 扔到回收站吧"
    main = said_after_context(request)
    searched = [Step("files.find", {"path": "~/简历已经更新了"}), Step("files.trash", {"paths": ["~/下载/旧简历.pdf"]})]
    assert _copies_context(request, main, searched)
    assert not _copies_context(request, main, searched[1:])
    # a file the "context" names is what the request is about; and texts may come from it
    written = "覆盖掉桌面里的 日记.tar.gz，只写 今天天气很好"
    assert not _copies_context(written, said_after_context(written), [Step("files.write", {"path": "~/Desktop/日记.tar.gz"})])
    reminded = "别让我忘了午饭时间到了，7天后提醒我"
    assert not _copies_context(reminded, said_after_context(reminded), [Step("timer.remind", {"message": "午饭时间到了"})])


class _Writes:
    """A planner that goes on as it is told: each go_on_to returns the next text (the
    model's part is not what these tests are about; the bookkeeping around it is)."""

    def __init__(self, *texts: str) -> None:
        self.texts = list(texts)
        self.asked: list[tuple[int, str]] = []

    def go_on_to(self, draft, before, intent, grammar):
        from llmos.planner.decode import Decoded
        from llmos.planner.models import Draft

        self.asked.append((before, intent))
        return Draft("embedded", self.texts.pop(0), Decoded([], [0.9]), read=draft.read) if self.texts else None


def test_a_step_the_model_wrote_on_the_way_may_give_way_and_nothing_breaks(registry, home):
    from llmos.planner import _clause_left_out_planned, _try
    from llmos.planner.decode import Decoded
    from llmos.planner.models import Draft
    from llmos.tools import Context

    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    request = "copy ~/a.txt to ~/b, then zip ~/b into ~/b.zip, then ping example.org"
    first = Draft("embedded", 'files.copy sources=[" ~/a.txt"] destination=" ~/b"', Decoded([], [0.9]), read=request)
    outcome = _try(request, first, registry, ctx)[0]
    # on the way, the model writes a look at the disks where the ping goes; asked again there,
    # it pings: that look gives way, and the plan keeps every step of the first
    planner = _Writes('files.copy sources=[" ~/a.txt"] destination=" ~/b" ; files.compress sources=[" ~/b"] archive=" ~/b.zip"'
                      ' ; system.disks',
                      'files.copy sources=[" ~/a.txt"] destination=" ~/b" ; files.compress sources=[" ~/b"] archive=" ~/b.zip"'
                      ' ; net.ping host=" example.org"')
    draft, planned = _clause_left_out_planned(planner, request, first, outcome, None, registry, ctx)
    assert [s.intent for s in planned.plan.steps] == ["files.copy", "files.compress", "net.ping"]
    assert planner.asked == [(1, "files.compress"), (2, "net.ping")]
