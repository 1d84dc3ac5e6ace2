"""The plan language and its grammar: every training target is accepted, malformed plans are not."""

from __future__ import annotations

import pytest

from llmos.planner.data import Generator
from llmos.planner.grammar import DecodeState, Grammar, TokenMasker, accepts, feed, next_chars, quantity_spans
from llmos.planner.language import parse_plan, render_plan


@pytest.fixture(scope="module")
def grammar(registry):
    return Grammar.for_registry(registry)


DROPPED: list[bool] = []   # per sample the generator made: whether the copy check dropped it


@pytest.fixture(scope="module")
def samples(intents):
    gen = Generator(intents, seed=1)
    check = gen.valid

    def counted(sample):
        ok = check(sample)
        DROPPED.append(not ok)
        return ok
    gen.valid = counted
    return gen.generate("train", 1) + gen.generate("dev", 1)


def _into_itself(steps) -> bool:
    """A generator artefact: a folder copied or moved into itself ("将 下载目录 拷贝到~/Downloads":
    下载目录 is ~/Downloads).  The grammar rightly refuses to name one path twice in a step."""
    return any(isinstance(args.get("sources"), list) and args.get("destination") in args["sources"]
               for _, args in steps)


def test_grammar_accepts_every_training_target(samples, grammar, intents):
    """Every target, for the request as the planner reads it: typos of its words mended (a
    title that ends at "thaat reads" ends at "that reads")."""
    from llmos.planner.models import MODEL_DIR
    from llmos.planner.spelling import Speller, programs_folded

    speller = Speller.for_model(MODEL_DIR)
    assert len(samples) > 500
    rejected = [(s.request, text) for s in samples if not _into_itself(s.steps)
                for text in [render_plan(list(s.steps), intents)]
                if not accepts(grammar, s.request, text)
                and not accepts(grammar, programs_folded(speller.correct(s.request)), text)]
    assert rejected == []


def test_the_copy_check_drops_few_generated_samples(samples):
    """The generator keeps only samples whose values the grammar can copy, so a grammar rule
    that forbids what people say shows up as samples dropped, not as targets rejected (a rule
    that no path begins inside Chinese text had dropped 0.6 % of the dev split).  About 0.8 %
    are dropped: generator artefacts the grammar rightly refuses."""
    assert DROPPED and sum(DROPPED) / len(DROPPED) < 0.012


def test_render_and_parse_round_trip(samples, intents):
    for s in samples:
        steps = parse_plan(render_plan(list(s.steps), intents), intents)
        assert [(st.intent, st.args) for st in steps] == [(i, a) for i, a in s.steps]


@pytest.mark.parametrize("request_, text", [
    ("kill firefox", ' process.kill name=" chrome"'),                 # not copied from the request
    ("kill firefox", " process.kill"),                                 # pid or name is required
    ("kill firefox", " process.kil name=\" firefox\""),                # no such intent
    ("kill 12", " process.kill pid=12 pid=13"),                        # an argument twice
    ("kill 12", " process.kill signal=KILL pid=12"),                   # out of schema order
    ("kill 12", " process.kill pid=12 signal=BOOM"),                   # not in the enum
    ("kill 12", " process.kill pid=\" 12\""),                          # an integer is bare
    ("find pdfs in ~/x", ' files.find path=" ~/x" limit=5 ; files.trash paths=@1.paths'),  # ref forward
    ("find pdfs in ~/x", ' files.trash paths=@0.paths'),               # ref with no earlier step
    ("files over 2 GB in ~/x", ' files.find path=" ~/x" larger_than=" 2"'),   # not a size said
    ("hello", " none ; files.find path=\" ~\""),                      # none is the whole plan
    ("zip ~/d into ~/d.zip", ' files.compress sources=[" ~/d"] archive=" ~/d"'),  # the schema pattern
    ("show ~/a", ' files.read path=" ~/a'),                            # unterminated
    ("show ~/a", ' files.read path=" ~/a" extra=1'),                   # unknown argument
])
def test_grammar_rejects_malformed_plans(grammar, request_, text):
    assert not accepts(grammar, request_, text)


@pytest.mark.parametrize("request_, text", [
    ("show the 5 biggest files in my downloads", ' files.find path=" ~/Downloads" sort=size order=desc limit=5'),
    ("copy report.pdf from Downloads to /mnt/x", ' files.copy sources=[" ~/Downloads/report.pdf"] destination=" /mnt/x"'),
    ("find logs in /var/log and trash them", ' files.find path=" /var/log" ; files.trash paths=@0.paths'),
    ("查找桌面上最近三天修改过的文件", ' files.find path=" ~/Desktop" modified_within=" 三天"'),
    ("tell me a joke", " none"),
])
def test_grammar_accepts_good_plans(grammar, request_, text):
    assert accepts(grammar, request_, text)


def test_quantities_are_pieces_that_parse():
    assert quantity_spans("files bigger than 1.5GiB, older than 3 days", "size") == ("1.5GiB",)
    assert "3 days" in quantity_spans("files bigger than 1.5GiB, older than 3 days", "duration")
    assert quantity_spans("top 5 files", "size") == ()


def test_masks_follow_the_grammar_and_bytes_assemble(grammar):
    texts = [None, None, None, ' files.find', ' path=', '"', ' ~', '/', 'x', ' ', b'\xe4', b'\xb8', b'\x8b', 'f']
    masker = TokenMasker(texts, eos=2)
    state = DecodeState(grammar.start("find ~/x下"))
    assert set(masker.allowed(state)) == {3, 9}  # the intent, or a space to spell it out
    for token in (3, 4, 5, 6, 7, 8):
        state = masker.advance(state, texts[token])
    # after ' ~/x' the request goes on with 下 (three bytes) or the string closes
    allowed = set(masker.allowed(state))
    assert {5, 10} <= allowed and 2 not in allowed
    for b in (10, 11, 12):
        state = masker.advance(state, texts[b])
    assert state.pending == b"" and 5 in masker.allowed(state)


@pytest.mark.parametrize("request_, text", [
    ("create a folder called Projects in my home", ' files.mkdir path=" ~/e a"'),
    ("show me the processes, alphabetically", ' process.list user=" cally"'),
    ("new folder on the Desktop named Inbox", ' files.mkdir path=" ~/Desktop/box"'),
])
def test_copies_never_start_or_end_inside_a_word(grammar, request_, text):
    assert not accepts(grammar, request_, text)


@pytest.mark.parametrize("request_, text", [
    ("new folder on the Desktop named Inbox", ' files.mkdir path=" ~/Desktop/Inbox"'),
    ("find mp3s in ~/Music", ' files.find path=" ~/Music" ext=" mp3"'),
    ("把 ~/下载/报告.pdf 移到桌面", ' files.move sources=[" ~/下载/报告.pdf"] destination=" ~/Desktop"'),
])
def test_copies_take_whole_words_and_any_cjk_piece(grammar, request_, text):
    assert accepts(grammar, request_, text)


@pytest.mark.parametrize("request_, text", [
    # a known folder + "/" + a name: the name is said on its own, never a path's tail or a second path
    ("zip the Pictures folder into ~/pictures.zip",
     ' files.compress sources=[" ~/Pictures"] archive=" ~/Desktop/zip the Pictures folder into ~/pictures.zip"'),
    ("zip the Pictures folder into ~/pictures.zip", ' files.compress sources=[" ~/Pictures"] archive=" ~/Desktop/pictures.zip"'),
    ("extract ~/Downloads/update.tar.gz into /usr/lib", ' files.extract archive=" ~/Downloads/usr/lib"'),
    ("zip ~/.ssh into ~/Desktop/keys.zip", ' files.compress sources=[" ~/.ssh"] archive=" ~/Desktop/Desktop/keys.zip"'),
])
def test_a_known_folder_takes_only_a_name_said_on_its_own(grammar, request_, text):
    assert not accepts(grammar, request_, text)


@pytest.mark.parametrize("request_, text", [
    ("open report.pdf in Downloads", ' desktop.open target=" ~/Downloads/report.pdf"'),
    ("open 'Q3 Budget.xlsx' in Documents", ' desktop.open target=" ~/Documents/Q3 Budget.xlsx"'),
    ("打开图片里的报告.pdf", ' desktop.open target=" ~/Pictures/报告.pdf"'),
    ("zip ~/.ssh into ~/Desktop/keys.zip", ' files.compress sources=[" ~/.ssh"] archive=" ~/Desktop/keys.zip"'),
])
def test_a_known_folder_with_a_name_or_a_whole_copy_is_fine(grammar, request_, text):
    assert accepts(grammar, request_, text)


@pytest.mark.parametrize("request_, text, ok", [
    # identifiers (no default) are only numbers the request states; knobs may take round ones
    ("set the volume to 50%", " process.kill pid=500", False),
    ("set the volume to 50%", " process.kill pid=50", True),
    ("what's the capital of Australia?", " process.info pid=1", False),
    ("show the biggest file in Downloads", ' files.find path=" ~/Downloads" sort=size order=desc limit=1', True),
    # a round number that only begins a stated one is a copy stopped short
    ("give me the last 200 journal lines", " system.logs limit=20", False),
    ("give me the last 200 journal lines", " system.logs limit=200", True),
    # the number of a size or a duration is no count
    ("请显示图片目录下比10k大的文件", ' files.find path=" ~/Pictures" larger_than=" 10k" limit=10', False),
    ("请显示图片目录下比10k大的文件", ' files.find path=" ~/Pictures" larger_than=" 10k"', True),
    ("errors from the past 2 hours", ' system.logs priority=err since=" 2 hours" limit=2', False),
    ("the biggest file over 1 GB in ~/Videos",
     ' files.find path=" ~/Videos" larger_than=" 1 GB" sort=size order=desc limit=1', True),
    ("the biggest of the 10 newest files in Downloads", " system.logs limit=1", True),
])
def test_identifiers_are_stated_numbers_knobs_may_be_round(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a copy that begins inside quotes runs to the closing quote
    ("send me a notification titled 'Backup finished'", ' desktop.notify title=" Backup"', False),
    ("send me a notification titled 'Backup finished'", ' desktop.notify title=" Backup finished"', True),
    ("发一个桌面通知，标题是“下班了”", ' desktop.notify title=" 下班"', False),
    ("发一个桌面通知，标题是“下班了”", ' desktop.notify title=" 班"', False),
    ("发一个桌面通知，标题是“下班了”", ' desktop.notify title=" 下班了"', True),
    ("is firefox's process running?", ' process.find name=" firefox"', True),   # an apostrophe, not a quote
])
def test_quoted_text_is_copied_whole(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a folder the request writes out as a path is copied as written, not re-used as a prefix
    ("read ~/.password-store/email.gpg", ' files.read path=" ~/.password-store/read"', False),
    ("read ~/.password-store/email.gpg", ' files.read path=" ~/.password-store/email.gpg"', True),
    ("open report.pdf in Downloads", ' desktop.open target=" ~/Downloads/report.pdf"', True),
])
def test_a_written_out_folder_is_copied_as_written(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a path is copied from where it starts, never from a "/" inside it; "/" itself only when said
    ("cpoy Documents/notes.txt to the Desktop", ' files.copy sources=[" /notes.txt"] destination=" ~/Desktop"', False),
    ("cpoy Documents/notes.txt to the Desktop",
     ' files.copy sources=[" Documents/notes.txt"] destination=" ~/Desktop"', True),
    ("permanently delete Pictures/cat.png, skip the trash", ' files.delete paths=[" /"]', False),
    ("rm -rf /", ' files.delete paths=[" /"]', True),
    ("unpack Downloads/linux-6.8.tar.xz into ~/src", ' files.extract archive=" linux-6.8.tar.xz"', False),
])
def test_paths_are_copied_from_their_start(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a written folder + "/" + a name said on its own: a rename lands beside the old file
    ("rename ~/Documents/notes.txt to todo.txt",
     ' files.move sources=[" ~/Documents/notes.txt"] destination=" ~/Documents/todo.txt"', True),
    ("make a folder Invoices under ~/Documents/Finance", ' files.mkdir path=" ~/Documents/Finance/Invoices"', True),
    # what the request calls the thing, or does to it, is not its name, unless it is named so
    ("make a folder /opt/hack", ' files.mkdir path=" /opt/hack/folder"', False),
    ("create ~/notes and write 'hi' to ~/notes/first.txt", ' files.write path=" ~/notes/write" content=" hi"', False),
    ("create a folder named new in /tmp", ' files.mkdir path=" /tmp/new"', True),
    ("Downloads/file(1).pdf should be called lease.pdf",
     ' files.move sources=[" ~/Downloads/file(1).pdf"] destination=" ~/Downloads/be"', False),
    # a contraction goes on past its apostrophe; a possessive ends the name before it
    ("save http://github.com/v1/recipe.sh to disk, don't open anything",
     ' net.fetch url=" http://github.com/v1/recipe.sh" destination=" don"', False),
    ("save http://github.com/v1/recipe.sh to disk, don't open anything",
     ' net.fetch url=" http://github.com/v1/recipe.sh" destination=" don\'t"', False),
    ("the last 10 lines from gdm's log", ' system.logs unit=" gdm" limit=10', True),
    ("Downloads/file(1).pdf should be called lease.pdf",
     ' files.move sources=[" ~/Downloads/file(1).pdf"] destination=" ~/Downloads/lease.pdf"', True),
    ("in ~/projects, new folder for files older than a week", ' files.mkdir path=" ~/projects/older"', False),
    # after the folder of a written file only a file name (with a suffix) may follow
    ("rename ~/Documents/notes.txt to todo", ' files.move sources=[" ~/Documents/notes.txt"] destination=" ~/Documents/todo"', False),
    # a path does not end where a name goes on: "file(1).pdf"
    ("Downloads/file(1).pdf should be called lease.pdf",
     ' files.move sources=[" ~/Downloads/file(1).pdf"] destination=" ~/Downloads/file"', False),
    # a written file is no folder
    ("move ~/Downloads/a.pdf to Documents",
     ' files.move sources=[" ~/Downloads/a.pdf"] destination=" ~/Downloads/a.pdf/Documents"', False),
    # the folder of a written folder, or of a name that goes on past a blank, takes no new name
    ("copy the 'Q3 Budget.xlsx' in Documents to /mnt/share/finance",
     ' files.copy sources=[" ~/Documents/Q3 Budget.xlsx"] destination=" /mnt/share/Q3 Budget.xlsx"', False),
    ("shred-delete ~/Pictures/Übersicht scan.png, I don't need it in the bin",
     ' files.delete paths=[" ~/Pictures/scan.png"]', False),
])
def test_a_name_may_follow_a_folder_the_request_writes(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # one path holds no second path, nor a known folder twice in a row
    ("zip the Pictures folder into ~/pictures.zip",
     ' files.compress sources=[" ~/Pictures"] archive=" the Pictures folder into ~/pictures.zip"', False),
    ("zip the Pictures folder into ~/pictures.zip", ' files.compress sources=[" ~/Pictures"] archive=" ~/pictures.zip"', True),
    ("move Downloads/report.pdf to Documents",
     ' files.move sources=[" ~/Downloads/Downloads/report.pdf"] destination=" ~/Documents"', False),
    # nor a second URL, nor an empty part
    ("opne https://news.ycombinator.com", ' desktop.open target=" https://opne https://news.ycombinator.com"', False),
    ("opne https://news.ycombinator.com", ' desktop.open target=" https://news.ycombinator.com"', True),
    ("take me to the docs at /media/usb",
     ' files.move sources=[" /media/usb"] destination=" ~/Documents//media/usb"', False),
    # a hidden folder is not cut off the written path it begins
    ("show me ~/.kube/config", ' files.read path=" ~/.kube"', False),
    ("show me ~/.kube/config", ' files.read path=" ~/.kube/config"', True),
    ("what is in my kube folder", ' files.read path=" ~/.kube"', True),
    # the current folder only when said
    ("delete notes.txt", ' files.trash paths=[" ."]', False),
    ("delete everything in this folder", ' files.trash paths=[" ."]', True),
    ("解压到当前目录 ~/a.zip", ' files.extract archive=" ~/a.zip" destination=" ."', True),
    # a canon its examples hold in another case ("PDFs" → pdf) only when the request says it
    ("find .tmp files in projects", ' files.find path=" projects" ext=" pdf"', False),
    ("find PDF files in projects", ' files.find path=" projects" ext=" pdf"', True),
    # a translation canon stays offered ("火狐" → firefox)
    ("打开火狐浏览器", ' process.launch command=" firefox"', True),
    # an extension is a word of letters and digits, never a piece of a Chinese name or path
    ("找出 ~/下载/临时文件.zip", ' files.find path=" ~/下载/临时文件.zip" ext=" 载/临"', False),
    ("找出 ~/代码 下面所有的 .go 文件", ' files.find path=" ~/代码" ext=" 找"', False),
    ("找出 ~/代码 下面所有的 .go 文件", ' files.find path=" ~/代码" ext=" go"', True),
    ("find the .tar.gz files in ~/x", ' files.find path=" ~/x" ext=" tar.gz"', True),
])
def test_paths_and_canons_offered_only_when_the_request_supports_them(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # no copy starts inside a path the request writes, also in Chinese without blanks
    ("把 ~/图片/cat.png 复制到桌面", ' files.copy sources=[" ~/Pictures/片/cat.png"] destination=" ~/Desktop"', False),
    ("把 ~/图片/cat.png 复制到桌面", ' files.copy sources=[" ~/图片/cat.png"] destination=" ~/Desktop"', True),
    ("把音乐文件夹打包成 ~/音乐备份.tar.xz", ' files.compress sources=[" ~/Music"] archive=" ~/备份.tar.xz"', False),
    ("把音乐文件夹打包成 ~/音乐备份.tar.xz", ' files.compress sources=[" ~/Music"] archive=" 备份.tar.xz"', False),
    ("把音乐文件夹打包成 ~/音乐备份.tar.xz", ' files.compress sources=[" ~/Music"] archive=" ~/音乐备份.tar.xz"', True),
    # a Chinese name in a written path is named whole ("结.docx" of "年度总结.docx" is none)
    ("用默认程序打开 ~/文档/年度总结.docx", ' desktop.open target=" ~/文档/结.docx"', False),
    ("用默认程序打开 ~/文档/年度总结.docx", ' desktop.open target=" ~/文档/年度总结.docx"', True),
    ("打开 ~/文档里的报告.pdf", ' desktop.open target=" ~/文档/报告.pdf"', True),
    # a folder made anew in Chinese holds the name it is given ("建一个 周报 文件夹" is no ~/文档)
    ("在 ~/文档 下面建一个 周报 文件夹", ' files.mkdir path=" ~/文档"', False),
    ("在 ~/文档 下面建一个 周报 文件夹", ' files.mkdir path=" ~/文档/周报"', True),
    ("在桌面新建一个文件夹，叫 照片", ' files.mkdir path=" ~/Desktop"', False),
    ("新建两个文件夹：~/a 和 ~/b", ' files.mkdir path=" ~/a" ; files.mkdir path=" ~/b"', True),
    # a courtesy is no name
    ("Please get rid of the 'New Folder (2)' on my Desktop", ' files.trash paths=[" ~/Desktop/Please"]', False),
    ("Please get rid of the 'New Folder (2)' on my Desktop", ' files.trash paths=[" ~/Desktop/New Folder (2)"]', True),
    # the machine said as a word is no place, and an option is no name
    ("save https://x.org/recipe.iso to disk", ' net.fetch url=" https://x.org/recipe.iso" destination=" disk"', False),
    ("copy a.txt to /media/disk", ' files.copy sources=[" a.txt"] destination=" /media/disk"', True),
    ("could you unzip -o ~/music.tar.xz?", ' files.extract archive=" ~/music.tar.xz" destination=" ~/-o"', False),
    # a path ended by a Chinese word leaves the names after it free
    ("把~/Music中的婚礼.flac移到回收站", ' files.trash paths=[" ~/Music/婚礼.flac"]', True),
    # a localised folder written as a path is copied as written, not re-used in English
    ("显示 ~/文档/notes.txt 的内容", ' files.read path=" ~/Documents/notes.txt"', False),
    ("显示 ~/文档/notes.txt 的内容", ' files.read path=" ~/文档/notes.txt"', True),
])
def test_copies_never_start_inside_a_written_path(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # copies start neither inside quoted text, nor at separating punctuation, nor a path at an option
    ("add the line 'dentist on friday 10am' to ~/notes.txt", ' files.write path=" ~/notes.txt" content=" 10am"', False),
    ("add the line 'dentist on friday 10am' to ~/notes.txt",
     ' files.write path=" ~/notes.txt" content=" dentist on friday 10am"', True),
    ("notfy me: render done", ' desktop.notify title=" : render done"', False),
    ("notfy me: render done", ' desktop.notify title=" render done"', True),
    ("kil -9 5521", ' files.find path=" -9 5521"', False),
])
def test_copies_start_where_a_value_can(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


def test_a_path_never_starts_inside_a_url(grammar):
    # "//example.org/…" out of "https://example.org/…" could never close: refused as it begins
    request = "下载 https://example.org/file.zip 然后解压"
    assert not accepts(grammar, request, ' files.mkdir path=" //example.org/file.zip"')
    assert accepts(grammar, request, ' net.fetch url=" https://example.org/file.zip"')


@pytest.mark.parametrize("request_, text, ok", [
    # an option canon only when the request says its words (or is Chinese, where it is a translation)
    ("run libreoffice --writer", ' process.launch command=" libreoffice" args=[" --incognito"]', False),
    ("open chrome in incognito mode", ' process.launch command=" chrome" args=[" --incognito"]', True),
    ("用无痕模式启动 chrome", ' process.launch command=" chrome" args=[" --incognito"]', True),
    # an option is copied whole, never as its dashes
    ("run libreoffice --writer", ' process.launch command=" libreoffice" args=[" --"]', False),
    ("run libreoffice --writer", ' process.launch command=" libreoffice" args=[" --writer"]', True),
])
def test_options_are_said_or_copied_whole(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a program name the examples translate is offered in English only for a word of it
    ("please start the robot vacuum", ' process.launch command=" google-chrome"', False),
    ("launch chrome", ' process.launch command=" google-chrome"', True),
    ("open a terminal", ' process.launch command=" x-terminal-emulator"', True),
    ("open a terminal", ' process.launch command=" gnome-calculator"', False),
    ("打开谷歌浏览器", ' process.launch command=" google-chrome"', True),
    # in Chinese, only for its Chinese name: "开个热点" names no program
    ("打开火狐浏览器", ' process.launch command=" firefox"', True),
    ("开个热点", ' process.launch command=" firefox"', False),
    ("帮我出门要带伞吗", ' process.find name=" firefox"', False),
])
def test_translated_program_names_need_a_word_of_them(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a signal stated as kill(1) states it is the signal, and the step says it
    ("kill -15 84316 pls", " process.kill pid=84316 signal=KILL", False),
    ("kill -15 84316 pls", " process.kill pid=84316 signal=TERM", True),
    ("kil -9 5521", " process.kill pid=5521", False),
    ("kil -9 5521", " process.kill pid=5521 signal=KILL", True),
    ("send SIGHUP to nginx", ' process.kill name=" nginx" signal=HUP', True),
    ("force quit chrome", ' process.kill name=" chrome" signal=KILL', True),
    ("kill the top-10 hogs", ' process.kill name=" hogs" signal=TERM', True),
    # a signal named only to be refused is not the signal
    ("stop pid 7803 gracefully rather than force-killing it", " process.kill pid=7803 signal=KILL", False),
    ("stop pid 7803 gracefully rather than force-killing it", " process.kill pid=7803", True),
    ("结束进程 17954，不是暂停", " process.kill pid=17954 signal=STOP", False),
    ("don't kill firefox, just pause it", ' process.kill name=" firefox" signal=STOP', True),
    ("firefox won't quit normally - kill -9 it", ' process.kill name=" firefox" signal=KILL', True),
    # a count for head or tail is no signal
    ("process 13825 is frozen, force kill it, then ps aux | head -1", " process.kill pid=13825 signal=KILL", True),
    # a refusal leaves the default or a signal asked for in words, never another
    ("结束进程 47308，不是暂停", " process.kill pid=47308 signal=HUP", False),
    ("结束进程 47308，不是暂停", " process.kill pid=47308", True),
])
def test_a_stated_signal_is_the_signal(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # an order the request states is the order; two stated (or none) leave it to the model
    ("the 5 smallest files in ~/Videos", ' files.find path=" ~/Videos" sort=size order=desc limit=5', False),
    ("the 5 smallest files in ~/Videos", ' files.find path=" ~/Videos" sort=size order=asc limit=5', True),
    ("把~/Pictures的文件从小到大列一下", ' files.find path=" ~/Pictures" sort=size order=desc', False),
    ("按修改时间从旧到新列出 ~/Music", ' files.find path=" ~/Music" sort=mtime order=asc', True),
    ("音乐目录按文件名倒序排列", ' files.find path=" ~/Music" sort=name order=asc', False),
    ("files in ~/Music, oldest first, and the biggest of them", ' files.find path=" ~/Music" sort=size order=desc', True),
    ("files in ~/Music, oldest first, and the biggest of them", ' files.find path=" ~/Music" sort=mtime order=asc', True),
    ("big files in ~/Music", ' files.find path=" ~/Music" sort=size order=asc', True),
    # a Chinese numeral is read whole: 十五 is 15, never the 5 or 10 inside it
    ("列出 ~/Music 里的前十五个文件", ' files.find path=" ~/Music" limit=5', False),
    ("列出 ~/Music 里的前十五个文件", ' files.find path=" ~/Music" limit=15', True),
    ("列出 ~/Music 里最大的三十五个文件", ' files.find path=" ~/Music" sort=size limit=30', False),
    ("列出 ~/Music 里最大的五个文件", ' files.find path=" ~/Music" sort=size limit=5', True),
    ("按修改时间列出 ~/Music 里的前十五个文件", ' files.find path=" ~/Music" sort=mtime limit=50', False),
    # a count stated for a ranked list is the limit; a number with a unit is no count
    ("back up the 20 hugest files in ~/Music", ' files.find path=" ~/Music" sort=size limit=1', False),
    ("back up the 20 hugest files in ~/Music", ' files.find path=" ~/Music" sort=size limit=20', True),
    ("the five oldest files in ~/Music", ' files.find path=" ~/Music" sort=mtime limit=15', False),
    ("the five oldest files in ~/Music", ' files.find path=" ~/Music" sort=mtime limit=5', True),
    ("first 4 processes owned by bob", ' process.list limit=4 user=" bob"', True),
    ("first 4 processes owned by bob", ' process.list limit=1 user=" bob"', False),
    ("最大的20个文件 in ~/Music", ' files.find path=" ~/Music" sort=size limit=10', False),
    ("usb logs from the last 5 minutes", ' system.logs grep=" usb" limit=1', True),
    # the plural with no count anywhere asks for the ranking, not for a limit
    ("what are the biggest files in ~/Music?", ' files.find path=" ~/Music" sort=size limit=1', False),
    ("what are the biggest files in ~/Music?", ' files.find path=" ~/Music" sort=size order=desc', True),
    ("shwo me the bigest files in ~/Music", ' files.find path=" ~/Music" sort=size limit=10', False),
    ("top processes by memory", ' process.list sort=memory limit=1', False),
    # the number of a size is no count: a plural ranking stays whole
    ("the biggest files over 100 MB in ~/Music", ' files.find path=" ~/Music" larger_than=" 100 MB" limit=1', False),
    ("the biggest files over 100 MB in ~/Music", ' files.find path=" ~/Music" larger_than=" 100 MB" sort=size', True),
    ("the biggest file in ~/Music", ' files.find path=" ~/Music" sort=size limit=1', True),
    ("back up the 5 largest files in ~/Music into a single file ~/a.zip", ' files.find path=" ~/Music" sort=size limit=1', False),
    ("the single biggest file in ~/Music and the 10 newest", ' files.find path=" ~/Music" sort=size limit=1', True),
    ("找到 ~/Music 里最大的一个文件", ' files.find path=" ~/Music" sort=size limit=1', True),
    ("show 20 processes, then pack biggest file in Desktop into ~/a.zip",
     ' process.list limit=20 ; files.find path=" ~/Desktop" sort=size order=desc limit=1', True),
    ("ls -lS ~/Music | head -47", ' files.find path=" ~/Music" sort=size limit=47', True),
    ("ls -lS ~/Music | head -47", ' files.find path=" ~/Music" sort=size limit=40', False),
])
def test_a_stated_order_or_count_is_the_one(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a known folder said by its own name is no name inside it
    ("在桌面上创建 hello.txt，内容是“你好”", ' files.write path=" ~/Desktop/桌面" content=" 你好"', False),
    ("在桌面上创建 hello.txt，内容是“你好”", ' files.write path=" ~/Desktop/hello.txt" content=" 你好"', True),
    ("put notes.txt in the documents folder", ' files.move sources=[" notes.txt"] destination=" ~/Documents/documents"', False),
    ("put notes.txt in the screenshots folder in Pictures",
     ' files.move sources=[" notes.txt"] destination=" ~/Pictures/screenshots"', True),
    # a Chinese word for what a path is stays out of it
    ("彻底删除 ~/下载/temp 文件夹", ' files.delete paths=[" ~/下载/temp 文件夹"]', False),
    ("彻底删除 ~/下载/temp 文件夹", ' files.delete paths=[" ~/下载/temp"]', True),
    ("彻底删除 ~/下载/temp 文件夹", ' files.delete paths=[" ~/下载/temp 文件夹/文件夹"]', False),
    ("在桌面上创建 hello.txt", ' files.write path=" ~/Desktop/桌面上创建" content=" 你好"', False),
    ("在桌面上创建 hello.txt", ' files.write path=" ~/Desktop/桌面上创建 hello.txt" content=" 你好"', False),
    ("彻底删除 ~/下载/temp 文件夹，不要放回收站", ' files.delete paths=[" ~/下载/temp 文件夹，"]', False),
    ("彻底删除音乐里的 音乐.json", ' files.delete paths=[" ~/Music/音乐.json"]', True),
    # a folder named as the place of another is not that other folder
    ("delete the untitled folder on my desktop", ' files.trash paths=[" ~/Desktop"]', False),
    ("delete the untitled folder on my desktop", ' files.trash paths=[" ~/Desktop/untitled"]', True),
    ("move the photos folder on my Desktop to Documents",
     ' files.move sources=[" ~/Desktop/photos"] destination=" ~/Documents"', True),
    # a name never ends on a word that leads on, nor opens a bracket it does not close
    ("delete ~/Desktop/Screenshot from 2024-03-01 14-22-10.png", ' files.trash paths=[" ~/Desktop/Screenshot from"]', False),
    ("delete ~/Desktop/Screenshot from 2024-03-01 14-22-10.png",
     ' files.trash paths=[" ~/Desktop/Screenshot from/2024-03-01"]', False),
    ("delete ~/Desktop/Screenshot from 2024-03-01 14-22-10.png",
     ' files.trash paths=[" ~/Desktop/Screenshot from 2024-03-01 14-22-10.png"]', True),
    ("rename ~/Music/mix.mp3 to ~/Music/Señorita (live).mp3",
     ' files.move sources=[" ~/Music/live).mp3"] destination=" ~/Music/Señorita"', False),
    ("rename ~/Music/mix.mp3 to ~/Music/Señorita (live).mp3",
     ' files.move sources=[" ~/Music/mix.mp3"] destination=" ~/Music/Señorita (live).mp3"', True),
    # a copy never ends inside a hyphenated word
    ("run code with --new-window", ' process.launch command=" code" args=[" --new"]', False),
    ("run code with --new-window", ' process.launch command=" code" args=[" --new-window"]', True),
    ("open ~/Documents/tax-2023.pdf", ' desktop.open target=" ~/Documents/tax"', False),
    # the command verb is no value; a first word that is no verb may be one
    ("kill the llmosd daemon", ' process.kill name=" kill"', False),
    ("kill the llmosd daemon", ' process.kill name=" llmosd"', True),
    ("run htop", ' process.launch command=" run"', False),
    ("htop", ' process.launch command=" htop"', True),
    # an archive's name said apart from a folder the request writes out elsewhere
    ("把 thesis 打包成桌面上的 论文.zip，接着给 ~/Desktop/archive.zip 来个 unzip",
     ' files.compress sources=[" thesis"] archive=" ~/Desktop/论文.zip"', True),
])
def test_a_path_or_word_is_copied_whole(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a request that quotes two texts says its texts in quotes
    ('Pop up a notification that says "Render done" with the text "frame 240 of 240"',
     ' desktop.notify title=" Render done" body=" a notification"', False),
    ('Pop up a notification that says "Render done" with the text "frame 240 of 240"',
     ' desktop.notify title=" Render done" body=" frame 240 of 240"', True),
    ("notify me 'Backup started' and remind me in 2 hours to check the backup",     # one quoted text
     ' desktop.notify title=" Backup started" ; timer.remind message=" check the backup" in=" 2 hours"', True),
    ("notify me 'done' and remind me in 2 hours to check ~/a.txt and 'b.txt'",      # file names are no texts
     ' desktop.notify title=" done" ; timer.remind message=" check ~/a.txt" in=" 2 hours"', True),
])
def test_quoted_texts_are_the_texts(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a Chinese colon introduces the text: prose never starts before it in its clause
    ("在 ~/文档/notes.txt 后面追加一行：明天交报告", ' files.write path=" ~/文档/notes.txt" content=" 后面追\\n" append=true', False),
    ("在 ~/文档/notes.txt 后面追加一行：明天交报告",
     ' files.write path=" ~/文档/notes.txt" content=" 明天交报告\\n" append=true', True),
    ("桌面通知 标题：检查一下洗衣机 内容：备份完成", ' desktop.notify title=" 检查一下洗衣机" body=" 备份完成"', True),
    ("先弹个通知：下班了，然后一小时后提醒我吃药", ' desktop.notify title=" 下班了" ; timer.remind message=" 吃药" in=" 一小时"', True),
    # a courtesy hands over to the text that follows it
    ("请喂猫这事，一个月后提醒一下", ' timer.remind message=" 喂猫" in=" 一个月"', True),
])
def test_a_chinese_colon_introduces_the_text(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a folder the request names anew is made with that name, not as the folder it goes in
    ("make a new folder called Receipts in ~/Documents", ' files.mkdir path=" ~/Documents"', False),
    ("make a new folder called Receipts in ~/Documents", ' files.mkdir path=" ~/Documents/Receipts"', True),
    ("create a folder named invoices in Documents", ' files.mkdir path=" ~/Documents"', False),
    ("create a folder on the Desktop and call it inbox", ' files.mkdir path=" ~/Desktop/inbox"', True),
    ("make a folder called ~/code/api", ' files.mkdir path=" ~/code/api"', True),
    ("make a Receipts folder inside Documents", ' files.mkdir path=" ~/Documents"', False),
    ("make a Receipts folder inside Documents", ' files.mkdir path=" ~/Documents/Receipts"', True),
    ("make a new folder inside Documents", ' files.mkdir path=" ~/Documents"', True),   # no name given
    ("set up a scratch directory at ~/.cache", ' files.mkdir path=" ~/.cache"', True),   # the path is the folder
    # only in its own clause: another step's folder is the one the request writes
    ("unzip a.tar.gz to a folder called res in Videos, and new folder: /tmp/backup01",
     ' files.extract archive=" a.tar.gz" destination=" ~/Videos/res" ; files.mkdir path=" /tmp/backup01"', True),
    # "the file named x" is one that exists; the rule is for the folder a step makes
    ("mkdir ~/Documents and move the file named a.txt into it", ' files.mkdir path=" ~/Documents"', True),
])
def test_a_folder_named_anew_is_made_with_its_name(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a name said after a folder never ends on a word that leads on, nor on a courtesy
    ("create a dir named api in ~/projects", ' files.mkdir path=" ~/projects/api in"', False),
    ("create a dir named api in ~/projects", ' files.mkdir path=" ~/projects/api"', True),
    ("inside ~/projects make a folder called api real quick", ' files.mkdir path=" ~/projects/api real quick"', False),
    ("inside ~/projects make a folder called api real quick", ' files.mkdir path=" ~/projects/api"', True),
    ("make a folder called Plan A in ~/Documents", ' files.mkdir path=" ~/Documents/Plan A"', True),
    ("add a folder recipe lecture to ~/code", ' files.mkdir path=" ~/code/recipe lecture"', True),
])
def test_a_name_ends_where_the_name_does(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a known folder only when the request names it: by word, in Chinese, or with a typo
    ("用浏览器打开 bilibili.com", ' desktop.open target=" ~/Videos/bilibili.com"', False),
    ("delete my llmos policy file ~/.config/llmos/policy.yaml", ' files.trash paths=[" ~/Music/llmos"]', False),
    ("shwo me the biggest fiels in downlaods", ' files.find path=" ~/Downloads"', True),
    ("视频文件夹有多大", ' files.usage path=" ~/Videos"', True),
    ("how big are my movies", ' files.usage path=" ~/Videos"', True),
    ("show my private key id_rsa", ' files.read path=" ~/.ssh/id_rsa"', True),
    ("how big is my home folder", ' files.usage path=" ~"', True),
    # a folder's word inside a written path does not name it
    ("show me ~/.kube/config", ' files.find path=" ~/.config"', False),
    ("show me my config folder", ' files.find path=" ~/.config"', True),
    ("Please move report.pdf from Downloads into ~/Documents/Work",
     ' files.move sources=[" ~/Downloads/report.pdf"] destination=" ~/Documents"', False),
    ("Please move report.pdf from Downloads into ~/Documents/Work",
     ' files.move sources=[" ~/Downloads/report.pdf"] destination=" ~/Documents/Work"', True),
    ("move ~/Documents/old.txt to my documents folder", ' files.move sources=[" ~/Documents/old.txt"] destination=" ~/Documents"', True),
    # everyday words that are one slip from a folder word name no folder; real slips do
    ("move the files from Downloads", ' files.find path=" ~/Videos"', False),
    ("shred the old lecture notes", ' files.find path=" ~/Pictures"', False),
    ("show me the dowbloads folder", ' files.find path=" ~/Downloads"', True),
])
def test_a_known_folder_only_when_the_request_names_it(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a copied path does not stop at a "/" the written path goes on after
    ("永久删除 ~/下载/临时文件夹，别放回收站", ' files.delete paths=[" ~/下载/"]', False),
    ("永久删除 ~/下载/临时文件夹，别放回收站", ' files.delete paths=[" ~/下载/临时文件夹"]', True),
    # free text neither starts nor ends inside a written path
    ("在 ~/文档/notes.txt 后面追加一行：明天交报告", ' files.write path=" ~/文档/notes.txt" content=" 文档/notes.txt"', False),
    ("add the line dentist to the end of ~/Documents/notes.txt",
     ' files.write path=" ~/Documents/notes.txt" content=" of ~"', False),
    # a name glued to Chinese text is copied from its start, not from its suffix
    ("解压桌面上的 资料.zip", ' files.extract archive=" ~/Desktop/.zip"', False),
    ("解压桌面上的 资料.zip", ' files.extract archive=" ~/Desktop/资料.zip"', True),
])
def test_copies_respect_written_paths_and_names(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # prose (a message, a title, a file's text) is never the request's command word…
    ("pop up a notification that says Lunch time!", ' desktop.notify title=" pop"', False),
    ("please overwrite ~/a.txt with hello", ' files.write path=" ~/a.txt" content=" overwrite"', False),
    ("pop up a notification that says Lunch time!", ' desktop.notify title=" Lunch time!"', True),
    ("pop up a notification that says Lunch time!",
     ' desktop.notify title=" pop up a notification that says Lunch time"', False),
    # …and what a notification says in quotes is its title; a quotation besides a labelled
    # title is its body
    ("Pop up a notification that says 'Render complete'", ' desktop.notify title=" a notification"', False),
    ("Pop up a notification that says 'Render complete'", ' desktop.notify title=" Render complete"', True),
    ("a notification with 'laundry' as my title and 'tests' as the message", ' desktop.notify title=" laundry" body=" tests"', True),
    ("pop up a desktop notification titled Reminder with the text 'Stand up and stretch'",
     ' desktop.notify title=" Reminder" body=" notification titled Reminder"', False),
    ("pop up a notification titled Reminder with the text 'Stand up and stretch'",
     ' desktop.notify title=" Reminder" body=" Stand up and stretch"', True),
    # a second notice in a clause of its own has no label: its title is what it quotes
    ("notify me: heading 'Build', text 'all green' and then pop up a note saying 'go home'",
     ' desktop.notify title=" Build" body=" all green" ; desktop.notify title=" go home"', True),
    ("notify me: heading 'Build', text 'all green' and then pop up a note saying 'go home'",
     ' desktop.notify title=" all green" body=" Build"', False),
    ("create ~/Journal and write 'Day 1' into ~/Journal/day1.txt",
     ' files.write path=" ~/Journal/day1.txt" content=" create ~/Journal"', False),
    ("create ~/Journal and write 'Day 1' into ~/Journal/day1.txt",
     ' files.write path=" ~/Journal/day1.txt" content=" into ~/Journal/day1"', False),
    # the command word is no name either
    ("make a new folder called Receipts in ~/Documents", ' files.mkdir path=" ~/Documents/make"', False),
    ("move all the png files from my Desktop into it", ' files.trash paths=[" ~/Desktop/all the"]', False),
    ("make a new folder called Receipts in ~/Documents", ' files.mkdir path=" ~/Documents/Receipts"', True),
    ('save "buy milk" to ~/shopping.txt', ' files.mkdir path=" ~/save"', False),
    ("notes.txt, open it", ' desktop.open target=" notes.txt"', True),
    ("remind me to back up ~/thesis.tex in 2 hours",
     ' timer.remind message=" back up ~/thesis.tex" in=" 2 hours"', True),
    ("check my battery and remind me in 1 hour to plug it in", ' timer.remind message=" check" in=" 1 hour"', False),
    # a first clause that is the message itself
    ("buy milk, remind me in 2 hours", ' timer.remind message=" buy milk" in=" 2 hours"', True),
    ("take the pizza out in 20 minutes, remind me", ' timer.remind message=" take the pizza out" in=" 20 minutes"', True),
    ("buy milk, remind me in 2 hours", ' timer.remind message=" buy" in=" 2 hours"', False),
    # …but not a clause that quotes the message
    ("pop up a notification with the title 'Meeting' and the text 'Standup'",
     ' desktop.notify title=" pop up a notification with the title \'Meeting\'"', False),
    ("pop up a notification with the title 'Meeting' and the text 'Standup'",
     ' desktop.notify title=" Meeting" body=" Standup"', True),
    # …nor stops just before a quotation: those are the words that introduce it
    ("create ~/site and write '<h1>Hello</h1>' into ~/site/index.html",
     ' files.write path=" ~/site/index.html" content=" write"', False),
    ("create ~/site and write '<h1>Hello</h1>' into ~/site/index.html",
     ' files.write path=" ~/site/index.html" content=" <h1>Hello</h1>"', True),
    ("发一个桌面通知，标题是“下班了”", ' desktop.notify title=" 标题是"', False),
    # a name is no quote mark either
    ("create ~/notes/2024, write 'first entry' to ~/notes/2024/jan.txt",
     ' files.write path=" ~/notes/2024/\'first entry" content=" first entry"', False),
    ("create ~/notes/2024, write 'first entry' to ~/notes/2024/jan.txt and open that file",
     ' files.write path=" ~/notes/2024/open" content=" first entry"', False),
    # prose begun outside quotes does not run into them
    ("create ~/site and write '<h1>Hello</h1>' into ~/site/index.html",
     ' files.write path=" ~/site/index.html" content=" write \'"', False),
    # a number written with a separator is copied whole
    ("put text deploy finished at 14:05 into /tmp/status", ' files.write path=" /tmp/status" content=" 14:"', False),
    ("put text deploy finished at 14:05 into /tmp/status", ' files.write path=" /tmp/status" content=" 05"', False),
    ("put text deploy finished at 14:05 into /tmp/status",
     ' files.write path=" /tmp/status" content=" deploy finished at 14:05"', True),
    # …and a step never says one text twice
    ("pop up a notification with the title 'Meeting' and the text 'Standup'",
     ' desktop.notify title=" Meeting" body=" Meeting"', False),
    ("弹个标题叫回复邮件的通知", ' desktop.notify title=" 回复邮件" body=" 回复邮件"', False),
    # …nor a path the request writes, unless quoted
    ('overwrite /etc/resolv.conf with "nameserver 1.1.1.1"',
     ' files.write path=" /etc/resolv.conf" content=" /etc/resolv.conf"', False),
    ('write "/etc is read-only" to ~/note.txt', ' files.write path=" ~/note.txt" content=" /etc is read-only"', True),
    # …nor begins with a word that joins it to the rest, nor at a quote mark
    ("create ~/Journal and write 'Day 1' into ~/Journal/day1.txt",
     ' files.write path=" ~/Journal/day1.txt" content=" and write"', False),
    ("notify me that the oven is done", ' desktop.notify title=" the oven is done"', True),
    ("notify me that the oven is done", ' desktop.notify title=" that the oven is done"', False),
    ("remind me to text Alice in 5 minutes", ' timer.remind message=" text Alice" in=" 5 minutes"', True),
    ('notify me with the text "frame 240"', ' desktop.notify title=" with the text"', False),
    ("write 'hi' to ~/a.txt", ' files.write path=" ~/a.txt" content=" \' to ~/a.txt"', False),
    ("write 'hi' to ~/a.txt", ' files.write path=" ~/a.txt" content=" \'hi\'"', False),
    ("write 'hi' to ~/a.txt", ' files.write path=" ~/a.txt" content=" hi"', True),
    # a line break follows a piece that ends a word and holds one
    ("append hello to ~/notes.txt", ' files.write path=" ~/notes.txt" content=" hello\\n" append=true', True),
    ("append hello to ~/notes.txt", ' files.write path=" ~/notes.txt" content=" hel\\n" append=true', False),
    ("launch firefox help", ' process.launch command=" firefox\\nhelp"', False),
    ("notify me: tea is ready", ' desktop.notify title=" tea is ready\\n"', False),
])
def test_prose_is_what_the_request_says_to_write(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


def test_the_decoder_may_write_every_character_the_grammar_accepts(samples, grammar, intents):
    """The decoder masks tokens by next_chars, so a character feed accepts but next_chars does
    not offer is one the model can never write: an append's "\\n" had been unreachable, and a
    name after a folder the request writes ("/media/usb/logo-big.png")."""
    unreachable = []
    for s in samples:
        text = render_plan(list(s.steps), intents)
        state = grammar.start(s.request)
        for k, ch in enumerate(text):
            if ch not in next_chars(state):
                unreachable.append((s.request, text[:k + 1]))
                break
            state = feed(state, ch)
    # the generator's noise may misspell a courtesy word the grammar cannot end a copy on
    assert len(unreachable) <= len(samples) // 500, unreachable[:5]


@pytest.mark.parametrize("request_, text, ok", [
    # a step never names one path twice
    ("extract ~/Downloads/backup.tar.gz into ~/restore",
     ' files.extract archive=" ~/Downloads/backup.tar.gz" destination=" ~/Downloads/backup.tar.gz"', False),
    ("extract ~/Downloads/backup.tar.gz into ~/restore",
     ' files.extract archive=" ~/Downloads/backup.tar.gz" destination=" ~/restore"', True),
    ("copy ~/a.txt and ~/b.txt to ~/c", ' files.copy sources=[" ~/a.txt"," ~/a.txt"] destination=" ~/c"', False),
    ("copy ~/a.txt and ~/b.txt to ~/c", ' files.copy sources=[" ~/a.txt"] destination=" ~/a.txt"', False),
    ("copy ~/a.txt and ~/b.txt to ~/c", ' files.copy sources=[" ~/a.txt"," ~/b.txt"] destination=" ~/c"', True),
    # a file's suffix ends its name: the copy does not run on into the sentence
    ("copy ~/a.txt into it", ' files.copy sources=[" ~/a.txt"] destination=" ~/a.txt into it"', False),
    ("delete ~/Desktop/Screenshot 1.png", ' files.trash paths=[" ~/Desktop/Screenshot 1.png"]', True),
    # two steps may (copy, then open what was copied), and a program's options may repeat
    ("copy ~/a.txt to ~/c and open ~/a.txt",
     ' files.copy sources=[" ~/a.txt"] destination=" ~/c" ; desktop.open target=" ~/a.txt"', True),
    ("run ls -l -l", ' process.launch command=" ls" args=[" -l"," -l"]', True),
])
def test_a_step_names_a_path_once(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # free text does not stop on a word that leads on ("… in" before a time, "… and", "… the")
    ("remind me to check the washing machine in 40 min",
     ' timer.remind message=" check the washing machine in" in=" 40 min"', False),
    ("remind me to check the washing machine in 40 min",
     ' timer.remind message=" check the washing machine" in=" 40 min"', True),
    ("remind me to log in in 5 minutes", ' timer.remind message=" log in" in=" 5 minutes"', True),  # a phrase's end
    ("notify me: buy milk and eggs", ' desktop.notify title=" buy milk and"', False),
    # what a colon introduces is copied to the end of its clause, or before the courtesy after it
    ("notfy me: render done", ' desktop.notify title=" render"', False),
    ("notfy me: render done please", ' desktop.notify title=" render done"', True),
    ("弹个通知：下载完成", ' desktop.notify title=" 下载"', False),
    ("弹个通知：下载完成", ' desktop.notify title=" 下载完成"', True),
    ("toast: move the car, and list my disks", ' desktop.notify title=" move the car" ; system.disks', True),
    ("桌面通知 标题：喂猫 内容：备份完成", ' desktop.notify title=" 喂猫" body=" 备份完成"', True),
    ("remind me in 20 minutes: call mom", ' timer.remind message=" call" in=" 20 minutes"', False),
    # nor stops just before the colon that introduces the text, nor on "titled"
    ("显示一条通知：茶泡好了", ' desktop.notify title=" 知"', False),
    ("显示一条通知：茶泡好了", ' desktop.notify title=" 知："', False),
    ("显示一条通知：茶泡好了", ' desktop.notify title=" 茶泡好了"', True),
    ("pop up a notification titled Reminder", ' desktop.notify title=" notification titled"', False),
    ("pop up a notification titled Reminder", ' desktop.notify title=" Reminder"', True),
    # nor cuts its phrase: before an article, before the particle that ends it, inside a
    # word or a quantity; nor starts inside a noun phrase or past the verb after "to"
    ("remind me in 1h30m to take the laundry out", ' timer.remind message=" take" in=" 1h30m"', False),
    ("remind me in 1h30m to take the laundry out", ' timer.remind message=" take the laundry" in=" 1h30m"', False),
    ("remind me in 1h30m to take the laundry out", ' timer.remind message=" take the laundry out" in=" 1h30m"', True),
    ("remind me to call the bank in 2 hours", ' timer.remind message=" call the bank in 2" in=" 2 hours"', False),
    ("remind me to call the bank in 2 hours", ' timer.remind message=" call the bank in 2 hour" in=" 2 hours"', False),
    ("remind me to call the bank in 2 hours", ' timer.remind message=" call the bank in 2 hours" in=" 2 hours"', False),
    ("remind me to call the bank in 2 hours", ' timer.remind message=" call the bank" in=" 2 hours"', True),
    ("remind me in 10 minutes to check the download", ' timer.remind message=" the download" in=" 10 minutes"', False),
    ("remind me in 10 minutes to check the download", ' timer.remind message=" download" in=" 10 minutes"', False),
    ("remind me in 10 minutes to check the download", ' timer.remind message=" in 10 minutes" in=" 10 minutes"', False),
    ("remind me to buy milk a day from now", ' timer.remind message=" buy milk" in=" a day"', True),
    # a message never begins with the words that ask to be told, nor inside a short duration
    ("in 10 minutes remind me to flip the pancakes", ' timer.remind message=" remind me" in=" 10 minutes"', False),
    ("in 10 minutes remind me to flip the pancakes", ' timer.remind message=" flip the pancakes" in=" 10 minutes"', True),
    ("in 90s remind me to flip the pancakes", ' timer.remind message=" 90s remind me" in=" 90s"', False),
    ("in 90s remind me to flip the pancakes", ' timer.remind message=" flip the pancakes" in=" 90s"', True),
    ("write 'remind me later' to ~/a.txt", ' files.write path=" ~/a.txt" content=" remind me later"', True),
    # 一下 softens a verb before the text ("看一下 …"), but at the text's end it is part of it
    ("弹个通知，标题是 提醒，内容是 起来活动一下", ' desktop.notify title=" 提醒" body=" 起来活动"', False),
    ("弹个通知，标题是 提醒，内容是 起来活动一下", ' desktop.notify title=" 提醒" body=" 起来活动一下"', True),
    # a notification takes no time apart: its text may end on one
    ("notify me: title Heads up, body Standup in 5 minutes",
     ' desktop.notify title=" Heads up" body=" Standup in 5 minutes"', True),
])
def test_free_text_ends_where_its_phrase_does(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a number of times said is the count: never a piece of the address
    ("ping 一下 114.114.114.114，发 6 个包", ' net.ping host=" 114.114.114.114" count=14', False),
    ("ping 一下 114.114.114.114，发 6 个包", ' net.ping host=" 114.114.114.114" count=6', True),
    ("ping 8.8.8.8 3 times", ' net.ping host=" 8.8.8.8" count=8', False),
    ("ping 8.8.8.8 3 times", ' net.ping host=" 8.8.8.8" count=3', True),
    ("ping -c 20 debian.org", ' net.ping host=" debian.org" count=20', True),
    ("ping it twice: example.org", ' net.ping host=" example.org" count=2', True),
    # none said: a round number may still stand for "a couple"
    ("ping example.org a couple of times", ' net.ping host=" example.org" count=2', True),
])
def test_a_count_said_is_the_count(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, fmt, want, not_want", [
    ("remnd me in 20 minuts to take the pizza out", "duration", set(), {"in 20"}),   # no unit said
    ("一个半小时后提醒我去接孩子", "duration", {"一个半小时"}, {"半小时", "个半小时"}),    # not inside a number
    ("设个半年的定时提醒：收衣服", "duration", {"半年"}, set()),
])
def test_quantities_are_whole_and_name_a_unit(request_, fmt, want, not_want):
    spans = set(quantity_spans(request_, fmt))
    assert want <= spans and not (not_want & spans)


@pytest.mark.parametrize("request_, text, ok", [
    # a name after a known folder: not a word that only leads to it, nor the folder's own word
    ("create a folder called Projects in my home", ' files.mkdir path=" ~/called"', False),
    ("create a folder called Projects in my home", ' files.mkdir path=" ~/Projects"', True),
    ("new folder on my Desktop named Inbox", ' files.mkdir path=" ~/Desktop/Desktop named Inbox"', False),
    ("new folder on my Desktop named Inbox", ' files.mkdir path=" ~/Desktop/Inbox"', True),
    ("how big is ~/Music/music", ' files.usage path=" ~/Music/music"', True),
    # nor the inside of quoted text, nor a piece glued to Chinese text without a suffix
    ("pls read 'Meeting notes 2024-05-02.txt' on my Desktop", ' files.read path=" ~/Desktop/notes 2024-05-02.txt"', False),
    ("pls read 'Meeting notes 2024-05-02.txt' on my Desktop",
     ' files.read path=" ~/Desktop/Meeting notes 2024-05-02.txt"', True),
    ("桌面文件夹中所有后缀为 .mp4 的文件", ' files.mkdir path=" ~/Desktop/所"', False),
    ("帮我找文档里所有的PDF文件", ' files.find path=" ~/文档" ext=" pdf"', True),
])
def test_a_name_after_a_known_folder_is_a_name(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


def test_find_then_act_requests_are_a_minority_of_training_only(intents):
    """Every selection × every follow-up phrasing is a source of its own; at full weight they
    were over half the training samples.  Training thins them; the dev split does not."""
    gen = Generator(intents, seed=0)
    train = gen.generate("train", 5)
    dev = gen.generate("dev", 1)
    share = lambda samples: sum(s.template.startswith("m:") for s in samples) / len(samples)
    assert share(train) < 0.3 < share(dev)



@pytest.mark.parametrize("request_, text, ok", [
    # a clause's punctuation ends a path and no folder of it; a Chinese refusal is no name
    ("彻底删除 ~/下载/temp 文件夹，不要放回收站", ' files.delete paths=[" ~/下载/temp 文件夹，/文件夹，不要"]', False),
    ("彻底删除 ~/下载/temp 文件夹，不要放回收站", ' files.delete paths=[" ~/下载/temp/不要"]', False),
    ("彻底删除 ~/下载/temp 文件夹，不要放回收站", ' files.delete paths=[" ~/下载/temp"]', True),
    # a written name runs on past a blank while its words go on naming
    ("any PDFs in ~/Documents/Invoices 2023?", ' files.find path=" ~/Documents/Invoices" ext=" pdf"', False),
    ("any PDFs in ~/Documents/Invoices 2023?", ' files.find path=" ~/Documents/Invoices/2023" ext=" pdf"', False),
    ("any PDFs in ~/Documents/Invoices 2023?", ' files.find path=" ~/Documents/Invoices 2023" ext=" pdf"', True),
    ("mkae a folder ~/Music/Vinyl Rips", ' files.mkdir path=" ~/Music/Vinyl/Rips"', False),
    ("mkae a folder ~/Music/Vinyl Rips", ' files.mkdir path=" ~/Music/Vinyl Rips"', True),
    ("delete ~/old resume (1).docx", ' files.trash paths=[" ~/old resume"]', False),
    ("delete ~/old resume (1).docx", ' files.trash paths=[" ~/old resume (1).docx"]', True),
    # ... not into a quantity, a pronoun, an aside or a word that leads on
    ("find files in ~/Videos 4 GB or bigger", ' files.find path=" ~/Videos" larger_than=" 4 GB"', True),
    ("find the files in /var/log I haven't touched for a week", ' files.find path=" /var/log" older_than=" a week"', True),
    ("delete my jpgs in /media/usb (trash is fine)", ' files.find path=" /media/usb" ext=" jpg"', True),
    ("find jpgs in ~/Pictures/Cat Photos", ' files.find path=" ~/Pictures/Cat" ext=" jpg"', False),
    ("copy ~/notes.txt To the Desktop", ' files.copy sources=[" ~/notes.txt"] destination=" ~/Desktop"', True),
    # a name said after a known folder runs on too
    ("把桌面上的 截图 2024-05-01 10.23.45.png 移到图片文件夹",
     ' files.move sources=[" ~/Desktop/截图 2024-05-01"] destination=" ~/Pictures"', False),
    ("把桌面上的 截图 2024-05-01 10.23.45.png 移到图片文件夹",
     ' files.move sources=[" ~/Desktop/截图 2024-05-01 10.23.45.png"] destination=" ~/Pictures"', True),
    # no name begins inside a URL, nor runs into a quotation
    ("download https://get.example.net/tool to /usr/local/bin/tool",
     ' net.fetch url=" https://get.example.net/tool" destination=" /usr/local/bin/tool/https"', False),
    ("download https://get.example.net/tool to /usr/local/bin/tool",
     ' net.fetch url=" https://get.example.net/tool" destination=" /usr/local/bin/tool"', True),
    ("I need a new folder called 'Receipts 2025' on my desktop",
     ' files.mkdir path=" ~/Desktop/need a new folder called \'Receipts 2025"', False),
    ("I need a new folder called 'Receipts 2025' on my desktop", ' files.mkdir path=" ~/Desktop/Receipts 2025"', True),
    # a question's own words are no name
    ("what does the file CHANGELOG-v2.1.0.md say?", ' files.read path=" ~/does"', False),
    ("what does the file CHANGELOG-v2.1.0.md say?", ' files.read path=" CHANGELOG-v2.1.0.md"', True),
])
def test_a_written_path_ends_where_its_name_does(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a quotation a request writes is the file's text, and never the file's name
    ("create the folder ~/Projects/site and write '<h1>Hello</h1>' into ~/Projects/site/index.html",
     ' files.write path=" ~/Projects/site/index.html" content=" the folder ~/Projects/site"', False),
    ("create the folder ~/Projects/site and write '<h1>Hello</h1>' into ~/Projects/site/index.html",
     ' files.write path=" ~/Projects/site/index.html" content=" <h1>Hello</h1>"', True),
    ("create the folder ~/notes and write 'hello world' to ~/notes/first.txt",
     ' files.write path=" ~/notes/hello world" content=" hello world"', False),
    ("write 'hello' to a.txt", ' files.write path=" hello" content=" hello"', False),
    ("write 'hello' to a.txt", ' files.write path=" a.txt" content=" hello"', True),
    # with two quotations the other may be the file's text ("put" is no verb of writing here)
    ("put 'let the dog in' in a notification; also add a line to a.txt that says call mom",
     ' files.write path=" a.txt" content=" call mom"', True),
])
def test_a_quoted_text_written_is_the_files_text(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a title begins after its label ...
    ("pop up a desktop notification titled Reminder with the text 'Stand up and stretch'",
     ' desktop.notify title=" notification titled Reminder"', False),
    ("pop up a desktop notification titled Reminder with the text 'Stand up and stretch'",
     ' desktop.notify title=" Reminder" body=" Stand up and stretch"', True),
    ("弹个通知，标题是 提醒，内容是 起来活动一下", ' desktop.notify title=" 起来活动"', False),
    ("弹个通知，标题是 提醒，内容是 起来活动一下", ' desktop.notify title=" 提醒" body=" 起来活动一下"', True),
    ("来条通知，标题叫给妈妈打电话", ' desktop.notify title=" 给妈妈打电话"', True),
    # ... or, with none, after what the notification says, when nothing is quoted
    ("pop up a notification that says Lunch time!", ' desktop.notify title=" time"', False),
    ("pop up a notification that says Lunch time!", ' desktop.notify title=" Lunch time!"', True),
    ("display an alert 'Disk almost full' saying only 2 GB left",
     ' desktop.notify title=" Disk almost full" body=" only 2 GB left"', True),
    # a label said after its text is no label
    ("desktop notification with 'bring the bins in' as the title and 'water the plants' as the message",
     ' desktop.notify title=" bring the bins in" body=" water the plants"', True),
])
def test_a_labelled_title_begins_after_its_label(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # inside Chinese text, a text begins after a word that hands over to it, never mid-word
    ("一个半小时后提醒我把衣服从洗衣机里拿出来", ' timer.remind message=" 服" in=" 一个半小时"', False),
    ("一个半小时后提醒我把衣服从洗衣机里拿出来", ' timer.remind message=" 把衣服从洗衣机里拿出来" in=" 一个半小时"', True),
    ("在 ~/日记.md 最后加一行：今天跑了五公里", ' files.write path=" ~/日记.md" content=" 五" append=true', False),
    ("在 ~/日记.md 最后加一行：今天跑了五公里", ' files.write path=" ~/日记.md" content=" 今天跑了五公里" append=true', True),
    ("请设置提醒：48 hours后看一下烤箱", ' timer.remind message=" 看一下烤箱" in=" 48 hours"', True),
    # a short English text runs on to what ends or turns its clause
    ("send me a notification saying build finished", ' desktop.notify title=" build"', False),
    ("send me a notification saying build finished", ' desktop.notify title=" build finished"', True),
    ("kill chromium, and remind me in 10 minutes to reopen chromium now",
     ' process.kill name=" chromium" ; timer.remind message=" reopen chromium" in=" 10 minutes"', True),
    ("remind me to buy milk a day from now", ' timer.remind message=" buy milk" in=" a day"', True),
    ("a notification saying switch the heater off pzease", ' desktop.notify title=" switch the heater off"', True),
])
def test_a_short_text_is_a_whole_phrase(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # home by itself only where home is said, or where a step must search somewhere
    ("download https://example.org/a.iso", ' net.fetch url=" https://example.org/a.iso" destination=" ~"', False),
    ("download https://example.org/a.iso to my home folder",
     ' net.fetch url=" https://example.org/a.iso" destination=" ~"', True),
    ("open bilibili.com", ' desktop.open target=" ~"', False),
    ("open my home folder", ' desktop.open target=" ~"', True),
    ("find all my pdf files", ' files.find path=" ~" ext=" pdf"', True),
    # a folder made anew goes where the request writes it, not into home
    ('make a folder named "Old Stuff" in ~/x', ' files.mkdir path=" ~/Old Stuff"', False),
    ('make a folder named "Old Stuff" in ~/x', ' files.mkdir path=" ~/x/Old Stuff"', True),
    ("make a folder called Projects in my home", ' files.mkdir path=" ~/Projects"', True),
    # a new folder's name said in quotes is in its path
    ("I need a new folder called 'Receipts 2025' on my desktop", ' files.mkdir path=" ~/Desktop/need a new"', False),
])
def test_home_and_new_folders_only_where_said(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a written name runs on to a word with a file's suffix, and to its closing bracket
    ("move ~/Pictures/Übersicht scan.png to my desktop",
     ' files.move sources=[" ~/Pictures/Übersicht"] destination=" ~/Desktop"', False),
    ("move ~/Pictures/Übersicht scan.png to my desktop",
     ' files.move sources=[" ~/Pictures/Übersicht scan.png"] destination=" ~/Desktop"', True),
    ("copy ~/Documents/CV_v3.2 (final).pdf to /media/usb",
     ' files.copy sources=[" ~/Documents/(final).pdf"] destination=" /media/usb"', False),
    ("copy ~/Documents/CV_v3.2 (final).pdf to /media/usb",
     ' files.copy sources=[" ~/Documents/CV_v3.2 (final).pdf"] destination=" /media/usb"', True),
    # ... but not into Chinese words, nor into a known folder said as the destination
    ("把 ~/模板/截图/幻灯片 备份成压缩包结果.zip", ' files.compress sources=[" ~/模板/截图/幻灯片"] archive=" 结果.zip"', True),
    ("mv ~/code/homework Documents", ' files.move sources=[" ~/code/homework"] destination=" ~/Documents"', True),
    # the folder a glob is matched in holds no wildcard, nor stops where one begins
    ("find files named backup_2023-*.tar.gz on /mnt/nas/backups",
     ' files.find path=" backup_2023-*.tar.gz" name=" backup_2023-*.tar.gz"', False),
    ("find files named backup_2023-*.tar.gz on /mnt/nas/backups", ' files.find path=" backup_2023-"', False),
    ("find files named backup_2023-*.tar.gz on /mnt/nas/backups",
     ' files.find path=" /mnt/nas/backups" name=" backup_2023-*.tar.gz"', True),
    ("any .flac files somewhere in ~/Desktop/mixes?", ' files.find path=" ~/Desktop/mixes" ext=" flac"', True),
    ("find core.* files in this folder", ' files.find path=" ." name=" core.*"', True),
    ("the 5 chunkiest files under /media/usb??", ' files.find path=" /media/usb" sort=size order=desc limit=5', True),
    ("find IMG_????.jpg in /media/usb", ' files.find path=" IMG_" name=" IMG_????.jpg"', False),
    # the place of a folder named in it is not that folder; a question's words are no name
    ("How big is the node_modules folder in ~/code/webapp?", ' files.usage path=" ~/code/webapp" depth=0', False),
    ("How big is the node_modules folder in ~/code/webapp?", ' files.usage path=" ~/code/webapp/big" depth=0', False),
    ("How big is the node_modules folder in ~/code/webapp?",
     ' files.usage path=" ~/code/webapp/node_modules" depth=0', True),
    ("move my 20 oldest files in ~/Documents/Archive over to /mnt/cold-storage",
     ' files.find path=" ~/Documents/Archive" sort=mtime order=asc limit=20 ; files.move sources=@0.paths'
     ' destination=" /mnt/cold-storage/oldest"', False),
    ("move my 20 oldest files in ~/Documents/Archive over to /mnt/cold-storage",
     ' files.find path=" ~/Documents/Archive" sort=mtime order=asc limit=20 ; files.move sources=@0.paths'
     ' destination=" /mnt/cold-storage/20"', False),
    ("move my 20 oldest files in ~/Documents/Archive over to /mnt/cold-storage",
     ' files.find path=" ~/Documents/Archive" sort=mtime order=asc limit=20 ; files.move sources=@0.paths'
     ' destination=" /mnt/cold-storage/over"', False),
    ("move my 20 oldest files in ~/Documents/Archive over to /mnt/cold-storage",
     ' files.find path=" ~/Documents/Archive" sort=mtime order=asc limit=20 ; files.move sources=@0.paths'
     ' destination=" /mnt/cold-storage"', True),
    ("take the .csv files changed in the last day in ~/exports", ' files.find path=" ~/last day" ext=" csv"', False),
    ("take the .csv files changed in the last day in ~/exports", ' files.find path=" ~/changed" ext=" csv"', False),
    ("take the .csv files changed in the last day in ~/exports", ' files.find path=" ~/exports" ext=" csv"', True),
    ("将lecture中的 csv 文件压缩到~/备份.tar.xz里", ' files.find path=" ~/lecture" ext=" csv"', True),
    # a web site is no file in a folder; a Chinese command verb set apart is no name
    ("打开 bilibili.com", ' desktop.open target=" ~/bilibili.com"', False),
    ("打开 bilibili.com", ' desktop.open target=" ~/打开"', False),
    ("打开 bilibili.com", ' desktop.open target=" 开"', False),
    ("打开 bilibili.com", ' desktop.open target=" bilibili.com"', True),
])
def test_paths_are_whole_names_in_their_folders(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a reminder's time is its duration, never its text, in Chinese too
    ("一个半小时后提醒我把衣服从洗衣机里拿出来", ' timer.remind message=" 一" in=" 一个半小时"', False),
    ("一个半小时后提醒我把衣服从洗衣机里拿出来", ' timer.remind message=" 一个半小时后提醒我把衣服从洗衣机里拿出来"', False),
    ("nudge me in an hour and a half about the standup",
     ' timer.remind message=" the standup" in=" an hour and a half"', True),
    # the text after "remind me to VERB" is the whole of what to do
    ("remind me in 10 minutes to reopen the app", ' timer.remind message=" app" in=" 10 minutes"', False),
    ("remind me in 10 minutes to reopen the app", ' timer.remind message=" the app" in=" 10 minutes"', False),
    ("remind me in 10 minutes to reopen the app", ' timer.remind message=" reopen the app" in=" 10 minutes"', True),
    ("remind me to go to bed in 2 hours", ' timer.remind message=" remind me to go to bed" in=" 2 hours"', False),
    ("remind me to go to bed in 2 hours", ' timer.remind message=" me to go to bed" in=" 2 hours"', False),
    ("remind me to go to bed in 2 hours", ' timer.remind message=" go to bed" in=" 2 hours"', True),
    ("buy milk, remind me in 2 hours", ' timer.remind message=" buy milk" in=" 2 hours"', True),
    # a text said first ends where another request joins on ("plus", 另外)
    ("notify me: pick up the kids plus show my disks", ' desktop.notify title=" pick up the kids" ; system.disks', True),
    ("提醒我：交房租，另外看看内存", ' desktop.notify title=" 交房租" ; system.info aspect=memory', True),
    # a file's 内容 is no notification's text, a notification's 正文 no file's
    ("新建/tmp/a.txt，内容写 给妈妈打电话，再给我弹个通知：回复邮件",
     ' files.write path=" /tmp/a.txt" content=" 给妈妈打电话" ; desktop.notify title=" 回复邮件"', True),
    ("弹个通知，标题写 休息，正文写“起来走走”，再新建图片里的 预算.txt，写入：浇花",
     ' desktop.notify title=" 休息" body=" 起来走走" ; files.write path=" ~/Pictures/预算.txt" content=" 浇花"', True),
])
def test_texts_of_reminders_and_notifications(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a pid no request states is the first of an earlier step's pids
    ("what's hogging the most memory? kill it", ' process.list sort=memory limit=1 ; process.kill pid=@0.pids[0]', True),
    ("find the java process and show me its details", ' process.find name=" java" ; process.info pid=@0.pids[0]', True),
    ("kill it", ' process.kill pid=@0.pids[0]', False),                       # no earlier step
    ("show me my disks, then kill it", ' system.disks ; process.kill pid=@0.pids[0]', False),   # it gives no pids
    ("find java and show its details", ' process.find name=" java" ; process.info pid=@0.paths[0]', False),
    # a path no request states is the first an earlier search found
    ("open the newest file in Downloads",
     ' files.find path=" ~/Downloads" sort=mtime order=desc limit=1 ; desktop.open target=@0.paths[0]', True),
    ("read the latest log in /var/log",
     ' files.find path=" /var/log" sort=mtime order=desc limit=1 ; files.read path=@0.paths[0]', True),
    ("download https://x.org/a.zip and open it", ' net.fetch url=" https://x.org/a.zip" ; desktop.open target=@0.path[0]', False),
    ("open the biggest process", ' process.list sort=memory limit=1 ; desktop.open target=@0.pids[0]', False),
])
def test_one_item_of_an_earlier_result(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


def test_one_item_of_an_earlier_result_round_trips(intents):
    steps = [("process.list", {"sort": "memory", "limit": 1}), ("process.kill", {"pid": {"$ref": "steps[0].pids[0]"}})]
    text = render_plan(steps, intents)
    assert text == " process.list sort=memory limit=1 ; process.kill pid=@0.pids[0]"
    assert [(s.intent, s.args) for s in parse_plan(text, intents)] == steps


@pytest.mark.parametrize("request_, text, ok", [
    # a dotted name is copied whole, a sentence's full stop is no part of it
    ("What has bluetooth.service logged in the last 15 minutes?", ' system.logs unit=" bluetooth"', False),
    ("What has bluetooth.service logged in the last 15 minutes?", ' system.logs unit=" bluetooth.service"', True),
    ("ping google.com.", ' net.ping host=" google.com"', True),
])
def test_a_dotted_name_is_copied_whole(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a size said after a comparison bounds that side only
    ("Anything under 100 KB in ~/Music?", ' files.find path=" ~/Music" larger_than=" 100 KB"', False),
    ("Anything under 100 KB in ~/Music?", ' files.find path=" ~/Music" smaller_than=" 100 KB"', True),
    ("找出视频里大于 1GB 但不超过 4GB 的文件", ' files.find path=" ~/Videos" larger_than=" 4GB"', False),
    ("找出视频里大于 1GB 但不超过 4GB 的文件", ' files.find path=" ~/Videos" larger_than=" 1GB" smaller_than=" 4GB"', True),
    ("视频里 500MB以下 的文件", ' files.find path=" ~/Videos" larger_than=" 500MB"', False),
    ("files between 10MB and 1GB in /tmp", ' files.find path=" /tmp" larger_than=" 10MB" smaller_than=" 1GB"', True),
    # a Chinese comparison says the size between 比 and the adjective
    ("找出下载里比3GB大的文件", ' files.find path=" ~/Downloads" smaller_than=" 3GB"', False),
    ("找出下载里比3GB大的文件", ' files.find path=" ~/Downloads" larger_than=" 3GB"', True),
    ("下载里比 2 MB 还小的图片", ' files.find path=" ~/Downloads" larger_than=" 2 MB"', False),
    ("下载里比 2 MB 还小的图片", ' files.find path=" ~/Downloads" smaller_than=" 2 MB"', True),
    # a depth the request states is the depth
    ("Give me a du of /home, three levels deep", ' files.usage path=" /home" depth=2', False),
    ("Give me a du of /home, three levels deep", ' files.usage path=" /home" depth=3', True),
    ("统计 /var 下两层目录的大小", ' files.usage path=" /var" depth=1', False),
    ("统计 /var 下两层目录的大小", ' files.usage path=" /var" depth=2', True),
    # a Chinese text does not stop inside its phrase
    ("一个半小时后提醒我把衣服从洗衣机里拿出来", ' timer.remind message=" 衣" in=" 一个半小时"', False),
    ("一个半小时后提醒我把衣服从洗衣机里拿出来", ' timer.remind message=" 把衣服从洗衣机里拿出来" in=" 一个半小时"', True),
    ("在 ~/Documents/会议.md 里写上 周五下午三点开会，然后发个通知说 会议记录已保存",
     ' files.write path=" ~/Documents/会议.md" content=" 周五下午三点开会" ; desktop.notify title=" 会议记录"', False),
    ("在 ~/Documents/会议.md 里写上 周五下午三点开会，然后发个通知说 会议记录已保存",
     ' files.write path=" ~/Documents/会议.md" content=" 周五下午" ; desktop.notify title=" 会议记录已保存"', False),
    ("在 ~/Documents/会议.md 里写上 周五下午三点开会，然后发个通知说 会议记录已保存",
     ' files.write path=" ~/Documents/会议.md" content=" 周五下午三点开会" ; desktop.notify title=" 会议记录已保存"', True),
    ("提醒我喝水十分钟后", ' timer.remind message=" 喝水" in=" 十分钟"', True),
    ("在 ~/Documents/会议.md 里写上 周五下午三点开会，然后发个通知说 会议记录已保存",
     ' files.write path=" ~/Documents/会议.md" content=" 周五下午三点开会，然后"', False),
    ("把买牛奶记下来，存到文档里，叫 ideas.txt", ' files.write path=" ~/Documents/ideas.txt" content=" 买牛奶"', True),
    # 把 that begins a clause is no name; nor words that only join or place ("together", "the line")
    ("把下载目录里的 素材包.zip 解压到 ~/Videos/素材", ' files.extract archive=" ~/Downloads/把" destination=" ~/Videos/素材"', False),
    ("把下载目录里的 素材包.zip 解压到 ~/Videos/素材", ' files.extract archive=" ~/Downloads/素材包.zip" destination=" ~/Videos/素材"', True),
    ("Pack ~/blog and ~/notes together into /tmp/p.tar.xz", ' files.compress sources=[" ~/blog/together"] archive=" /tmp/p.tar.xz"', False),
    ("Pack ~/blog and ~/notes together into /tmp/p.tar.xz", ' files.compress sources=[" ~/blog"," ~/notes"] archive=" /tmp/p.tar.xz"', True),
    # the quoted line is the line added
    ("Add the line 'export EDITOR=vim' at the end of ~/.profile", ' files.write path=" ~/.profile" content=" the end\\n" append=true', False),
    ("Add the line 'export EDITOR=vim' at the end of ~/.profile", ' files.write path=" ~/.profile/line" content=" export EDITOR=vim\\n" append=true', False),
    ("Add the line 'export EDITOR=vim' at the end of ~/.profile", ' files.write path=" ~/.profile" content=" export EDITOR=vim\\n" append=true', True),
    # a URL whose file has a Chinese name is never cut where the Chinese begins
    ("下载 https://example.org/docs/手册.pdf 到桌面", ' net.fetch url=" https://example.org/docs/" destination=" ~/Desktop"', False),
    ("下载 https://example.org/docs/手册.pdf 到桌面", ' net.fetch url=" https://example.org/docs/手册.pdf" destination=" ~/Desktop"', True),
    ("然后http://x.org/a/壁纸.iso到桌面", ' net.fetch url=" http://x.org/a/壁纸.iso" destination=" ~/Desktop"', True),
    # a pid is never a number said only as a count or a port
    ("List the top 5 memory hogs, then kill the biggest one", ' process.list sort=memory limit=5 ; process.kill pid=5', False),
    ("List the top 5 memory hogs, then kill the biggest one",
     ' process.list sort=memory limit=5 ; process.kill pid=@0.pids[0]', True),
    ("看看 8080 端口被哪个进程占了，然后把它结束掉", ' net.ports port=8080 ; process.kill pid=8080', False),
    ("what's on port 8080? also kill pid 8080", ' net.ports port=8080 ; process.kill pid=8080', True),
    # a kind of file is said as one, never the end of a named file nor a verb
    ("Find all .wav files in ~/Music and zip them into ~/Desktop/new-recordings.zip", ' files.find path=" ~/Music" ext=" zip"', False),
    ("Find all .wav files in ~/Music and zip them into ~/Desktop/new-recordings.zip", ' files.find path=" ~/Music" ext=" wav"', True),
    ("find *.log in /var/log", ' files.find path=" /var/log" ext=" log"', True),
    ("zip up my 48 latest files in my Music as /tmp/a.tar.gz", ' files.find path=" ~/Music" ext=" files"', False),
    ("zip up files in /mnt/data older than 90 minutes as /tmp/a.zip", ' files.find path=" /mnt/data" ext=" older than"', False),
    # "into single file" is the archive, no count of one
    ("back up the five oldest files in ~/Documents into single file data_report.zip",
     ' files.find path=" ~/Documents" sort=mtime order=asc limit=1 ; files.compress sources=@0.paths archive=" data_report.zip"', False),
    ("back up the five oldest files in ~/Documents into single file data_report.zip",
     ' files.find path=" ~/Documents" sort=mtime order=asc limit=5 ; files.compress sources=@0.paths archive=" data_report.zip"', True),
    # listening sockets are listening ones, unless all are asked for
    ("show me my listening sockets", ' net.ports state=all', False),
    ("show me my listening sockets", ' net.ports state=listen', True),
    ("dump all sockets, listening and connected", ' net.ports state=all', True),
    # a refusal ends where the next request joins on
    ("don't trash them plus pause zoom", ' process.kill name=" zoom" signal=STOP', True),
    # what a verb of writing quotes is a text, never a path
    ("Write 'meeting moved to 10am' into ~/Desktop/note.txt",
     ' files.move sources=[" meeting moved to 10am"] destination=" ~/Desktop/note.txt"', False),
    ("Write 'meeting moved to 10am' into ~/Desktop/note.txt",
     ' files.write path=" ~/Desktop/note.txt" content=" meeting moved to 10am"', True),
    ("Write 'meeting moved to 10am' into ~/Desktop/note.txt",
     ' files.move sources=[" into"] destination=" ~/Desktop/note.txt"', False),
])
def test_comparisons_depths_and_phrases_as_said(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok


@pytest.mark.parametrize("request_, text, ok", [
    # a path ends where "and" or "then" and a verb begin the next clause
    ("create ~/Pictures/2024-Trip and move all the jpgs from ~/Downloads into it",
     ' files.mkdir path=" ~/Pictures/2024-Trip and move all the jpgs"', False),
    ("create ~/Pictures/2024-Trip and move all the jpgs from ~/Downloads into it",
     ' files.mkdir path=" ~/Pictures/2024-Trip"', True),
    ("find mp3s in ~/Music/Simon and Garfunkel", ' files.find path=" ~/Music/Simon and Garfunkel" ext=" mp3"', True),
    # a Chinese folder between two slashes belongs to its path: no path starts after it
    ("下载 https://mirrors.example.cn/archlinux/iso/latest/arch.iso 到 ~/下载/iso", ' files.extract archive=" /iso"', False),
    ("下载 https://mirrors.example.cn/archlinux/iso/latest/arch.iso 到 ~/下载/iso",
     ' net.fetch url=" https://mirrors.example.cn/archlinux/iso/latest/arch.iso" destination=" ~/下载/iso"', True),
    # ... but Chinese words that follow a path still end it
    ("将~/work/简历里最新的十个文件压缩到/tmp/草稿.zip里",
     ' files.find path=" ~/work/简历" sort=mtime order=desc limit=10 ; files.compress sources=@0.paths archive=" /tmp/草稿.zip"', True),
])
def test_paths_end_at_the_next_clause_and_keep_their_chinese_folders(grammar, request_, text, ok):
    assert accepts(grammar, request_, text) is ok
