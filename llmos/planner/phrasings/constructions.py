"""Hand-written phrasings for sentence *constructions* the other areas cover thinly.

Covered here:

1. content introduced by a verb of saying instead of quotes: a notification "that says …",
   "saying …", "with the text …", "titled …"; a reminder "to …" with the delay before or
   after the message; files.write of a file "that reads …"; a line or note added "to the
   end of" a file (``append: True``, the text ending in a newline, as in args_relations);
2. reading a file rather than finding it: "the first N bytes / the beginning / the top of
   FILE", "peek at FILE", "cat FILE" → files.read, ``max_bytes`` only where an amount is
   said (a literal, since a slot cannot be joined with a unit and the manifest caps it);
3. time conditions said negatively or indirectly: "not touched / modified / opened in N",
   "untouched for N", "stale for N", "haven't changed since N ago", 半年没动过 →
   ``older_than``; "changed in the past N", "new since N ago" → ``modified_within``; with
   ext, sizes ("20 megs", "1.5 gigs", "500k") and a folder in the same request;
4. destinations made of a folder and a new name: "zip FOLDER into NAME.zip on the Desktop"
   (the archive is that folder + NAME.zip), "save it as NAME in FOLDER", renames (a
   ``{newname}`` slot lands in the file's own folder, as data.TEMPLATES does), "copy FILE
   to FOLDER as NAME"; a name *in* a folder is written out literally, as args_relations
   does (slots cannot be joined into one path);
5. two-step chains: a folder made and then filled; a copy and then the copy opened (its
   path written out: files.copy declares no single ``path`` output, and only paths flow
   between steps); process.find then process.kill of the same program; one program
   closed and another started; a notification and a reminder with two different texts;
   a port and a unit's logs; numbers that are a limit ("the last 200 matches", "top 15");
6. a few realistic typos and dropped words in all of the above (besides the generator's
   own noise).

"who is on port N" follows the earlier areas' convention (``state: all``).  Literal
names avoid the words :func:`llmos.planner.data.paraphrase` swaps ("copy" in a file
name, "end" as a program name) and Chinese literals avoid 的/了/吧, which the noise drops.
"""

from __future__ import annotations

TEMPLATES: list = [
    # === 1. content introduced by a verb of saying ============================================

    # --- desktop.notify: the title said after "that says / saying / with the text / titled" ---
    ("desktop.notify", {"title": "{message}"},
     ["can you pop up something that says {message}", "put up a notice saying {message}",
      "I want a desktop notification with the text {message}", "make a popup titled {message}",
      "shoot me a notification that just says {message}", "a notification saying {message} please",
      "notification, text: {message}", "show me a little bubble that reads {message}",
      "notifiy me with a message saying {message}", "send a notifcation that says {message}"],
     ["弹一个内容是{message}的通知", "发个通知，内容写{message}", "给我来个通知，上面写着{message}",
      "弹个窗，写着{message}", "发一条通知，文字是{message}", "桌面上弹出一句话：{message}",
      "弹个标题叫{message}的通知", "通知一下，就说{message}"]),
    ("desktop.notify", {"title": "{message}", "body": "{content}"},
     ["a notification titled {message} that says {content}", "popup called {message}, and under it the text {content}",
      "notify me with the heading {message} and the words {content}",
      "titled {message}, saying {content} - send that as a notification",
      "send a notification with the title {message} that reads {content}",
      "notification titel {message} text {content}"],
     ["发一条标题为{message}、内容是{content}的通知", "通知标题写{message}，正文写{content}",
      "弹个通知，标题{message}，下面写着{content}", "来一个标题是{message}的通知，内容写{content}"]),

    # --- timer.remind: the message after "to …", the delay before or after it ------------------
    ("timer.remind", {"message": "{message}", "in": "{duration}"},
     ["in {duration}, remind me that I need to {message}", "{duration} from now I need a reminder to {message}",
      "set a reminder to {message}, {duration} from now", "reminder: {message}, in {duration}",
      "can you remind me to {message}? in like {duration}", "remind me in {duration} that I have to {message}",
      "after {duration} remind me to {message}", "give me a nudge in {duration} to {message}",
      "remnid me to {message} in {duration}", "remind me {message} in {duration}",
      "in {duration} tell me to {message} ok", "set reminder {duration} {message}"],
     ["{duration}后提醒我一下，要{message}", "提醒我{duration}后{message}", "设个提醒：{duration}以后{message}",
      "等{duration}叫我去{message}", "别让我忘了{message}，{duration}后提醒我", "过{duration}提个醒，{message}",
      "{duration}以后提醒我该{message}", "记得过{duration}喊我{message}"]),
    ("timer.remind", {"message": "{message}", "in": "20 minutes"},
     ["remind me to {message} in 20 minutes", "in 20 minutes remind me to {message}",
      "20 minutes from now, a reminder to {message}"],
     []),
    ("timer.remind", {"message": "{message}", "in": "十分钟"},
     [],
     ["十分钟后提醒我{message}", "过十分钟提醒我去{message}"]),

    # --- files.write: a file "that reads …" ------------------------------------------------
    ("files.write", {"path": "{file}", "content": "{content}"},
     ["make a file {file} that reads {content}", "create {file} with the text {content}",
      "write a note to {file} saying {content}", "new file {file}, it should say {content}",
      "put a file at {file} containing the words {content}", "save the words {content} as {file}",
      "creat {file} that says {content}"],
     ["新建{file}，内容是{content}", "创建一个{file}，里面写上{content}", "写个{file}，写着{content}",
      "把“{content}”这句话存成{file}", "弄一个{file}，内容就写{content}"]),
    ("files.write", {"path": "~/Desktop/shopping.txt", "content": "{content}"},
     ["make a shopping.txt on the desktop that reads {content}",
      "write {content} and save it as shopping.txt on my Desktop"],
     ["在桌面上建一个 shopping.txt，内容是{content}", "把{content}写下来，存成桌面上的 shopping.txt"]),
    ("files.write", {"path": "~/Documents/ideas.txt", "content": "{content}"},
     ["note down {content} and save it as ideas.txt in Documents",
      "save a file called ideas.txt in my docs that says {content}"],
     ["把{content}记下来，存到文档里，叫 ideas.txt"]),

    # --- files.write append: a line or a note "to the end of" ---------------------------------
    ("files.write", {"path": "{file}", "content": "{content}\n", "append": True},
     ["add a line saying {content} to the end of {file}", "put a note at the end of {file}: {content}",
      "tack {content} onto the end of {file}", "add a line to {file} that says {content}",
      "append a note to the end of {file} that reads {content}", "at the end of {file} add the line {content}",
      "{file}: one more line at the end, {content}", "apend a line to {file} saying {content}",
      "add {content} as the last line of {file}", "write {content} at the end of {file}, don't replace anything"],
     ["在{file}末尾加一行{content}", "{file}的最后追加一行：{content}", "往{file}结尾添一句{content}",
      "给{file}末尾补一行，写{content}", "在{file}最后面加个备注：{content}", "{file}最后再写一行{content}，别覆盖"]),
    ("files.write", {"path": "~/Documents/log.txt", "content": "{content}\n", "append": True},
     ["add a line that says {content} to the end of log.txt in Documents",
      "put a note at the end of Documents/log.txt saying {content}"],
     ["在文档里的 log.txt 末尾加一行{content}"]),
    ("files.write", {"path": "~/Desktop/todo.md", "content": "{content}\n", "append": True},
     ["add a todo saying {content} to the end of todo.md on my desktop", "todo.md on the Desktop needs a new line at the end saying {content}"],
     ["在桌面上 todo.md 的最后加一条：{content}", "往桌面的 todo.md 末尾追加一行，写着{content}"]),

    # === 2. reading a file, not finding it =====================================================

    ("files.read", {"path": "{file}"},
     ["peek at {file}", "cat {file}", "show me the top of {file}", "what's at the beginning of {file}?",
      "let me see the start of {file}", "dump {file} to the screen", "just print {file}, don't open an app",
      "what does {file} say", "peak at {file}", "cat {file} pls", "read me {file}"],
     ["看看{file}开头写了什么", "cat 一下{file}", "瞄一眼{file}", "{file}的开头给我看看", "把{file}的内容打出来",
      "{file}里写的啥", "读一下{file}"]),
    ("files.read", {"path": "{file}", "max_bytes": "500 bytes"},
     ["show the first 500 bytes of {file}", "just the first 500 bytes of {file}", "read 500 bytes from the start of {file}",
      "peek at the first 500 bytes of {file}"],
     []),
    ("files.read", {"path": "{file}", "max_bytes": "500字节"},
     [],
     ["看一下{file}的前500字节", "{file}开头500字节给我看看"]),
    ("files.read", {"path": "{file}", "max_bytes": "500 字节"},
     [],
     ["只读{file}前 500 字节"]),
    ("files.read", {"path": "{file}", "max_bytes": "2 KB"},
     ["give me the beginning of {file}, 2 KB is enough", "read the top 2 KB of {file}", "first 2 KB of {file}"],
     ["显示{file}开头的 2 KB"]),
    ("files.read", {"path": "{file}", "max_bytes": "1KB"},
     ["peek at {file}, only 1KB", "the top 1KB of {file}"],
     ["{file}只看前1KB", "读{file}的前1KB就行"]),
    ("files.read", {"path": "{file}", "max_bytes": "4k"},
     ["cat just the first 4k of {file}", "only the beginning of {file}, 4k max"],
     ["看{file}前4k"]),
    ("files.read", {"path": "{file}", "max_bytes": "200 bytes"},
     ["first 200 bytes of {file}?", "the first 200 bytes in {file}, nothing more"],
     []),
    ("files.read", {"path": "{file}", "max_bytes": "200字节"},
     [],
     ["{file}的前200字节是什么"]),
    ("files.read", {"path": "~/Downloads/data.csv", "max_bytes": "1000 bytes"},
     ["what's in the first 1000 bytes of data.csv in Downloads"],
     []),
    ("files.read", {"path": "~/Desktop/notes.txt"},
     ["peek at notes.txt on the desktop", "cat the notes.txt on my Desktop", "what's at the top of notes.txt on the desktop?"],
     ["看看桌面上的 notes.txt 开头写了啥", "瞄一眼桌面的 notes.txt"]),

    # === 3. time conditions said negatively or indirectly ======================================

    ("files.find", {"path": "{dir}", "older_than": "{duration}"},
     ["files in {dir} not touched in {duration}", "what in {dir} hasn't been modified in {duration}?",
      "stuff in {dir} untouched for {duration}", "list things in {dir} that have been stale for {duration}",
      "which files in {dir} haven't changed since {duration} ago", "files in {dir} I haven't opened in {duration}",
      "anything in {dir} that's sat there unchanged for {duration}", "what's gone stale in {dir}? nothing touched for {duration}",
      "files in {dir} nobody modifed in {duration}", "not touched for {duration}: show those files in {dir}"],
     ["{dir}里{duration}没动过的文件", "{dir}中超过{duration}没改过的东西", "{dir}里有哪些{duration}都没碰过的文件",
      "找出{dir}下{duration}以上没修改的文件", "{dir}里放了{duration}没动的文件有哪些", "{dir}有啥{duration}没打开过的"]),
    ("files.find", {"path": "{dir}", "older_than": "半年"},
     [],
     ["{dir}里半年没动过的文件", "找一下{dir}中半年都没改过的东西"]),
    ("files.find", {"path": "{dir}", "older_than": "a year"},
     ["stuff in {dir} nobody has touched in a year", "what in {dir} hasn't changed in a year or more"],
     []),
    ("files.find", {"path": "{dir}", "modified_within": "{duration}"},
     ["what changed in {dir} in the past {duration}", "files in {dir} that are new since {duration} ago",
      "anything in {dir} modified during the past {duration}?", "what's new in {dir} over the past {duration}",
      "files touched in {dir} within the past {duration}", "show {dir} stuff edited in the last {duration}",
      "whats chnaged in {dir} past {duration}"],
     ["{dir}里最近{duration}改过的文件", "{dir}中过去{duration}新增的文件", "这{duration}里{dir}里动过哪些文件",
      "{dir}最近{duration}有哪些新文件"]),
    ("files.find", {"path": "{dir}", "ext": "{ext}", "older_than": "{duration}"},
     ["{ext} files in {dir} that nobody touched for {duration}", "find .{ext} stuff in {dir} untouched for {duration}",
      "which {ext} files in {dir} haven't been modified since {duration} ago?"],
     ["{dir}里{duration}没动过的 {ext} 文件", "找出{dir}中超过{duration}没改过的 .{ext} 文件"]),
    ("files.find", {"path": "{dir}", "ext": "{ext}", "modified_within": "{duration}"},
     ["{ext} files in {dir} changed in the past {duration}", "new .{ext} files in {dir} since {duration} ago"],
     ["{dir}里最近{duration}改过的 {ext} 文件"]),
    ("files.find", {"path": "{dir}", "larger_than": "{size}", "older_than": "{duration}"},
     ["files over {size} in {dir} that haven't been modified in {duration}",
      "big stale stuff in {dir}: more than {size}, not touched in {duration}",
      "anything bigger than {size} in {dir} sitting untouched for {duration}"],
     ["{dir}里超过{size}、而且{duration}没动过的文件", "{dir}中大于{size}又{duration}没改过的东西"]),
    ("files.find", {"path": "{dir}", "larger_than": "20 megs", "older_than": "{duration}"},
     ["anything in {dir} bigger than 20 megs that I haven't touched in {duration}",
      "files over 20 megs in {dir}, untouched for {duration}"],
     []),
    ("files.find", {"path": "~/Downloads", "larger_than": "1.5 gigs", "older_than": "6 months"},
     ["stuff in Downloads over 1.5 gigs, untouched for 6 months",
      "which downloads are larger than 1.5 gigs and haven't been opened in 6 months?"],
     []),
    ("files.find", {"path": "{dir}", "smaller_than": "500k", "modified_within": "{duration}"},
     ["files smaller than 500k in {dir} that changed in the past {duration}",
      "tiny files in {dir}, less than 500k, modified in the past {duration}"],
     []),
    ("files.find", {"path": "{dir}", "ext": "{ext}", "larger_than": "{size}", "modified_within": "{duration}"},
     ["{ext} files over {size} in {dir} that are new since {duration} ago",
      "any .{ext} bigger than {size} in {dir} changed in the past {duration}?"],
     ["{dir}里最近{duration}新出现的、大于{size}的 {ext} 文件"]),
    ("files.find", {"path": "{dir}", "ext": "{ext}", "smaller_than": "{size}", "older_than": "{duration}"},
     ["small {ext} files in {dir}, under {size}, that haven't changed in {duration}"],
     ["{dir}里小于{size}并且{duration}没动过的 {ext} 文件"]),
    ("files.find", {"path": "~/Desktop", "larger_than": "1G", "older_than": "半年"},
     [],
     ["桌面上半年没动过、大于1G的文件", "找出桌面上超过1G而且半年没碰过的东西"]),
    ("files.find", {"path": "~/Documents", "ext": "pdf", "older_than": "一年"},
     [],
     ["文档里一年没打开过的 pdf", "文档中一年都没动过的 pdf 文件"]),
    ("files.find", {"path": "~/Pictures", "ext": "png", "modified_within": "两天"},
     [],
     ["图片文件夹里过去两天新加的 png", "图片里这两天改过的 png 文件"]),
    ("files.find", {"path": "~/Videos", "larger_than": "2 gigs", "older_than": "three months"},
     ["videos bigger than 2 gigs that I haven't watched in three months",
      "anything in Videos over 2 gigs, not touched in three months"],
     []),

    # === 4. destinations made of a folder and a new name ========================================

    ("files.compress", {"sources": ["{dir}"], "archive": "~/Desktop/backup.zip"},
     ["zip {dir} into backup.zip on the Desktop", "compress {dir} and put it on my desktop as backup.zip",
      "make backup.zip on the Desktop out of {dir}", "zip up {dir}, call it backup.zip, on the desktop"],
     ["把{dir}打包成桌面上的 backup.zip", "{dir}压缩一下，放桌面，名字叫 backup.zip"]),
    ("files.compress", {"sources": ["{dir}"], "archive": "~/Documents/old-work.tar.gz"},
     ["pack {dir} up as old-work.tar.gz in Documents", "tar {dir} into old-work.tar.gz inside my docs"],
     ["把{dir}压缩成 old-work.tar.gz，存到文档里"]),
    ("files.compress", {"sources": ["~/Music"], "archive": "~/Desktop/songs.zip"},
     ["zip my Music folder into songs.zip on the desktop", "songs.zip on the Desktop, made from my music folder"],
     ["把音乐文件夹打包成桌面上的 songs.zip"]),
    ("files.compress", {"sources": ["~/Pictures/2023"], "archive": "/media/usb/photos-2023.zip"},
     ["zip the 2023 folder in Pictures straight to /media/usb/photos-2023.zip"],
     ["把图片里的 2023 文件夹压缩成 /media/usb/photos-2023.zip"]),
    ("files.compress", {"sources": ["~/Documents/cv.pdf", "~/Documents/letter.pdf"], "archive": "~/Desktop/application.zip"},
     ["zip cv.pdf and letter.pdf from Documents into application.zip on the Desktop",
      "put cv.pdf and letter.pdf (both in my docs) in an application.zip on my desktop"],
     ["把文档里的 cv.pdf 和 letter.pdf 打包成桌面上的 application.zip"]),
    ("files.compress", {"sources": ["~/Documents/thesis"], "archive": "~/Desktop/论文.zip"},
     [],
     ["把文档里的 thesis 文件夹打包成桌面上的 论文.zip", "文档中的 thesis 压缩一下，存成桌面上的 论文.zip"]),
    # a download or a copy saved under a new name in a folder
    ("net.fetch", {"url": "{url}", "destination": "~/Documents/manual.pdf"},
     ["download {url} and save it as manual.pdf in Documents", "grab {url}, save it in my docs as manual.pdf"],
     ["下载 {url}，存到文档里，叫 manual.pdf"]),
    ("net.fetch", {"url": "{url}", "destination": "~/Desktop/setup.sh"},
     ["fetch {url} to the desktop as setup.sh", "save {url} on my Desktop, name it setup.sh"],
     ["把 {url} 下载到桌面，文件名叫 setup.sh"]),
    ("files.copy", {"sources": ["~/Desktop/config.yaml"], "destination": "~/Documents/config-old.yaml"},
     ["copy config.yaml from the desktop to Documents as config-old.yaml",
      "put a copy of config.yaml on my Desktop into my docs, named config-old.yaml"],
     ["把桌面上的 config.yaml 复制到文档里，叫 config-old.yaml"]),
    ("files.copy", {"sources": ["~/Pictures/logo.png"], "destination": "/media/usb/logo-big.png"},
     ["copy logo.png from Pictures to /media/usb as logo-big.png"],
     ["把图片里的 logo.png 拷到 /media/usb，改名 logo-big.png"]),
    ("files.copy", {"sources": ["~/Downloads/report.pdf"], "destination": "~/Desktop/report-final.pdf"},
     ["copy report.pdf from Downloads onto the desktop as report-final.pdf"],
     []),
    # renames: the new name lands in the file's own folder
    ("files.move", {"sources": ["{file}"], "destination": "{newname}"},
     ["{file} should be called {newname}", "give {file} the new name {newname}", "can you rename {file}? call it {newname}",
      "rnemae {file} as {newname}", "rename {file} -> {newname}", "{file}, rename to {newname}"],
     ["{file}改个名，叫{newname}", "把{file}的名字改成{newname}", "{file}重命名一下，新名字{newname}",
      "给{file}换个名字：{newname}"]),
    ("files.move", {"sources": ["~/Downloads/scan001.pdf"], "destination": "~/Downloads/passport.pdf"},
     ["in Downloads, scan001.pdf should be called passport.pdf", "rename scan001.pdf in my downloads to passport.pdf"],
     []),
    ("files.move", {"sources": ["~/Desktop/截图.png"], "destination": "~/Desktop/发票.png"},
     [],
     ["把桌面上的 截图.png 改成 发票.png", "桌面那张 截图.png 重命名为 发票.png"]),
    ("files.move", {"sources": ["~/Documents/cv.docx"], "destination": "~/Desktop/resume-2024.docx"},
     ["move cv.docx from my docs to the desktop as resume-2024.docx"],
     ["把文档里的 cv.docx 移到桌面，改名为 resume-2024.docx"]),

    # === 5. numbers that are a limit ============================================================

    ("system.logs", {"grep": "{grep}", "limit": "{number}"},
     ["the last {number} log lines that mention {grep}", "show me {number} recent log entries containing {grep}",
      "search the logs for {grep}, last {number} hits only"],
     ["日志里最近{number}条带{grep}的记录", "搜一下日志里的{grep}，只要最后{number}条"]),
    ("system.logs", {"unit": "{unit}", "grep": "{grep}", "limit": 200},
     ["the last 200 matches for {grep} in the {unit} log", "grep the {unit} logs for {grep}, last 200 matches"],
     ["{unit} 日志里最后200条包含{grep}的"]),
    ("system.logs", {"unit": "{unit}", "limit": "{number}"},
     ["last {number} entries from {unit}", "tail the {unit} log, {number} lines", "only the newest {number} lines of {unit} logs"],
     ["{unit} 的最后{number}条日志", "看看{unit}最新的{number}行日志"]),
    ("process.list", {"sort": "memory", "limit": "{number}"},
     ["top {number} memory hogs", "which {number} processes eat the most ram", "the {number} processes using the most memory"],
     ["内存占用最多的前{number}个进程", "吃内存最多的{number}个程序"]),
    ("process.list", {"sort": "cpu", "limit": 15},
     ["top 15 by cpu", "the 15 processes using the most cpu right now"],
     ["cpu 占用前15的进程"]),
    ("files.find", {"path": "{dir}", "sort": "mtime", "order": "desc", "limit": "{number}"},
     ["the last {number} files I changed in {dir}", "the {number} most recently edited files in {dir}"],
     ["{dir}里最近改过的{number}个文件"]),
    ("files.find", {"path": "{dir}", "sort": "size", "order": "desc", "limit": 15},
     ["top 15 biggest things in {dir}", "the 15 largest files under {dir}"],
     ["{dir}里最大的15个文件"]),
]

# === 5. multi-step: selections and what is done with them ======================================

SELECT_EN = [
    ("the files in {dir} nobody has touched in {duration}", {"older_than": "{duration}"}),
    ("the stuff in {dir} that hasn't changed since {duration} ago", {"older_than": "{duration}"}),
    ("the .{ext} files in {dir} untouched for {duration}", {"ext": "{ext}", "older_than": "{duration}"}),
    ("everything in {dir} over {size} that's been stale for {duration}", {"larger_than": "{size}", "older_than": "{duration}"}),
    ("the files in {dir} that are new since {duration} ago", {"modified_within": "{duration}"}),
    ("the top {number} biggest {ext} files in {dir}", {"ext": "{ext}", "sort": "size", "order": "desc", "limit": "{number}"}),
]
SELECT_ZH = [
    ("{dir}里{duration}没碰过的文件", {"older_than": "{duration}"}),
    ("{dir}中{duration}没改过的 {ext} 文件", {"ext": "{ext}", "older_than": "{duration}"}),
    ("{dir}里大于{size}又{duration}没动过的文件", {"larger_than": "{size}", "older_than": "{duration}"}),
    ("{dir}里最近{duration}新增的文件", {"modified_within": "{duration}"}),
]

FOLLOW = [
    ("files.compress", {"sources": "@0.paths", "archive": "~/Desktop/old-stuff.zip"},
     ["zip {sel} into old-stuff.zip on the Desktop", "pack {sel} up as old-stuff.zip on my desktop"],
     ["把{sel}打包成桌面上的 old-stuff.zip"]),
    ("files.move", {"sources": "@0.paths", "destination": "~/Documents/archive"},
     ["move {sel} into the archive folder in Documents", "shove {sel} into Documents/archive"],
     ["把{sel}挪到文档里的 archive 文件夹"]),
]

PAIRS = [
    # a folder made, then filled
    (("files.mkdir", {"path": "~/Documents/invoices"}), ("files.move", {"sources": "{files}", "destination": "~/Documents/invoices"}),
     ["make a folder called invoices in Documents, then move {files} into it",
      "first create an invoices folder in my docs, then put {files} in there"],
     ["先在文档里建个 invoices 文件夹，再把{files}挪进去"]),
    (("files.mkdir", {"path": "~/Desktop/sorting"}), ("files.copy", {"sources": "{files}", "destination": "~/Desktop/sorting"}),
     ["new folder sorting on the desktop, and copy {files} into it",
      "make sorting on my Desktop and then copy {files} there"],
     ["桌面上新建一个 sorting 文件夹，然后把{files}复制进去"]),
    (("files.mkdir", {"path": "{newdir}"}), ("files.copy", {"sources": "{files}", "destination": "{newdir}"}),
     ["make folder {newdir}, then copy {files} into it", "mkdir {newdir} and cp {files} in there",
      "create {newdir} first, after that copy {files} over to it"],
     ["先建 {newdir} 文件夹，然后把{files}拷进去", "新建目录 {newdir}，再复制{files}到里面"]),
    (("files.mkdir", {"path": "{newdir}"}), ("files.move", {"sources": "{files}", "destination": "{newdir}"}),
     ["make folder {newdir} then move {files} inside", "creat {newdir} and mvoe {files} into it"],
     ["建个 {newdir}，把{files}移进去"]),
    # a copy, then the copy opened (its path written out)
    (("files.copy", {"sources": ["~/Downloads/slides.pdf"], "destination": "~/Desktop"}),
     ("desktop.open", {"target": "~/Desktop/slides.pdf"}),
     ["copy slides.pdf from Downloads to the desktop and open the copy",
      "put a copy of slides.pdf from my downloads on the Desktop, then open that one"],
     []),
    (("files.copy", {"sources": ["~/Documents/plan.odt"], "destination": "/media/usb"}),
     ("desktop.open", {"target": "/media/usb/plan.odt"}),
     ["copy plan.odt from Documents to /media/usb and open the copy on the stick"],
     ["把文档里的 plan.odt 复制到 /media/usb，然后打开 U 盘上那份"]),
    (("files.copy", {"sources": ["~/Pictures/cat.jpg"], "destination": "~/Desktop/cat-edit.jpg"}),
     ("desktop.open", {"target": "~/Desktop/cat-edit.jpg"}),
     ["copy cat.jpg from Pictures to the desktop as cat-edit.jpg and open it"],
     ["把图片里的 cat.jpg 复制到桌面叫 cat-edit.jpg，再打开它"]),
    # is it running? then close it
    (("process.find", {"name": "{proc}"}), ("process.kill", {"name": "{proc}"}),
     ["check whether {proc} is running, then kill it", "is {proc} running? if so close it",
      "see if {proc} is up and shut it down", "look for {proc} and kill it if it's there",
      "chek if {proc} runs and stop it"],
     ["先看看{proc}有没有在运行，然后关掉", "查一下{proc}在不在跑，在的话结束它", "{proc}开着吗？开着就关了它"]),
    # close one program and start another
    (("process.kill", {"name": "{proc}"}), ("process.launch", {"command": "{proc2}"}),
     ["kill {proc}, then launch {proc2}", "swap {proc} for {proc2}: quit one, open the other"],
     ["关掉{proc}换成{proc2}", "把{proc}关了，改开{proc2}"]),
    (("process.kill", {"name": "firefox"}), ("process.launch", {"command": "chromium"}),
     ["close firefox and open chromium instead", "quit firefox, I want chromium", "clsoe firefox and start chromium"],
     ["关掉 firefox 换成 chromium", "把 firefox 关了，打开 chromium"]),
    (("process.kill", {"name": "vlc"}), ("process.launch", {"command": "mpv"}),
     ["kill vlc and start mpv instead", "vlc is frozen, kill it and launch mpv"],
     ["vlc 卡住了，关掉它，改开 mpv"]),
    # a notification now and a reminder later, with two different texts
    (("desktop.notify", {"title": "{content}"}), ("timer.remind", {"message": "{message}", "in": "{duration}"}),
     ["pop up a notification that says {content}, and in {duration} remind me to {message}",
      "send me a notification saying {content}; also a reminder to {message} in {duration}"],
     ["发个通知说{content}，再在{duration}后提醒我{message}", "弹一个内容是{content}的通知，另外{duration}后提醒我{message}"]),
    # a port, then a unit's logs
    (("net.ports", {"port": "{port}", "state": "all"}), ("system.logs", {"unit": "{unit}", "since": "{duration}"}),
     ["who is on port {port}, and show the logs of {unit} from the last {duration}",
      "what's holding port {port}? also {unit} logs for the past {duration}"],
     ["{port} 端口被谁占着？再看看{unit}最近{duration}的日志"]),
    # a limit, then an action on the selection
    (("files.find", {"path": "{dir}", "ext": "{ext}", "sort": "size", "order": "desc", "limit": "{number}"}),
     ("files.compress", {"sources": "@0.paths", "archive": "{archive}"}),
     ["zip the top {number} biggest {ext} files in {dir} into {archive}"],
     ["把{dir}里最大的{number}个 {ext} 文件压缩成{archive}"]),
    (("files.find", {"path": "{dir}", "older_than": "{duration}"}), ("files.trash", {"paths": "@0.paths"}),
     ["anything in {dir} that hasn't been touched in {duration} can go to the trash",
      "trash whatever in {dir} has been stale for {duration}"],
     ["{dir}里{duration}没动过的都扔回收站"]),
]
