"""One item of an earlier result, chains of three steps, and periods named from now.

Covered here:

1. one item of an earlier result: the process a ranking or a search puts first
   (``@0.pids[0]``: "what is eating my memory? kill it", "find gedit and show its details")
   and the file a search sorted newest first puts first (``@0.paths[0]``: "open the newest
   pdf in Downloads");
2. chains of three steps where a later step uses an earlier one's result: a folder made,
   files found and moved into it (``@1.paths``); files found, packed and then trashed (the
   same ``@0.paths`` twice); a download unpacked and its folder opened;
3. periods named from now as durations: "today", "since yesterday", "this week",
   今天, 本周 (``modified_within``; the normaliser turns them into seconds).

Literal names avoid the words :func:`llmos.planner.data.paraphrase` swaps, and Chinese
literals avoid 的/了/吧.
"""

from __future__ import annotations

_NEWEST = {"sort": "mtime", "order": "desc", "limit": 1}

PAIRS = [
    # === the first process of a ranking or a search ===
    (("process.list", {"sort": "memory", "limit": 1}), ("process.kill", {"pid": "@0.pids[0]"}),
     ["what's using the most memory? kill it", "find the biggest memory hog and end it",
      "which process eats the most ram? close that one", "kill whatever is using the most memory"],
     ["看看哪个进程最占内存，然后把它结束掉", "找出最吃内存的程序并杀掉它", "把占内存最多的那个进程关掉"]),
    (("process.list", {"sort": "cpu", "limit": 1}), ("process.kill", {"pid": "@0.pids[0]"}),
     ["something is hogging the cpu, find it and kill it", "stop the process using the most cpu",
      "top cpu user: terminate it"],
     ["哪个进程CPU占用最高？结束它", "把最耗CPU的那个程序杀掉"]),
    (("process.list", {"sort": "memory", "limit": 1}), ("process.info", {"pid": "@0.pids[0]"}),
     ["what's hogging my memory? show me the details of the top one",
      "find the process with the most ram and tell me more about it"],
     ["最占内存的是哪个进程？给我看看它的详细信息"]),
    (("process.list", {"sort": "cpu", "limit": 1}), ("process.info", {"pid": "@0.pids[0]"}),
     ["which process uses the most cpu, and what exactly is it?", "details of the top cpu process"],
     ["CPU占用最高的进程是什么？显示它的详情"]),
    (("process.find", {"name": "{proc}"}), ("process.info", {"pid": "@0.pids[0]"}),
     ["find the pid of {proc}, then show me its details", "look up the {proc} process and tell me more about it",
      "is {proc} running? if so, give me its info"],
     ["找到 {proc} 进程，然后显示它的详细信息", "查一下 {proc} 的进程号，再看看它的详情"]),
    (("process.find", {"name": "{proc}"}), ("process.kill", {"pid": "@0.pids[0]"}),
     ["find {proc} and kill the first one it finds", "look up {proc}'s pid and end that process"],
     ["找到 {proc} 的进程号，然后结束它"]),
    # === the first file of a search sorted newest first ===
    (("files.find", {"path": "{dir}", **_NEWEST}), ("desktop.open", {"target": "@0.paths[0]"}),
     ["open the newest file in {dir}", "find the most recent file in {dir} and open it",
      "show me whatever I saved last in {dir}"],
     ["打开{dir}里最新的文件", "找到{dir}中最近修改的那个文件并打开"]),
    (("files.find", {"path": "{dir}", "ext": "{ext}", **_NEWEST}), ("desktop.open", {"target": "@0.paths[0]"}),
     ["open the latest {ext} in {dir}", "find the newest .{ext} file in {dir} and open it"],
     ["打开{dir}里最新的 {ext} 文件"]),
    (("files.find", {"path": "{dir}", "ext": "{ext}", **_NEWEST}), ("files.read", {"path": "@0.paths[0]"}),
     ["show me what's in the newest {ext} file in {dir}", "read the most recent .{ext} in {dir}"],
     ["看看{dir}里最新那个 {ext} 文件的内容"]),
]

PAIRS += [
    # === chains of three steps ===
    (("files.mkdir", {"path": "{newdir}"}), ("files.find", {"path": "{dir}", "ext": "{ext}"}),
     ("files.move", {"sources": "@1.paths", "destination": "{newdir}"}),
     ["create {newdir} and move all the {ext} files from {dir} into it",
      "make a folder {newdir}, then put every .{ext} in {dir} there"],
     ["新建 {newdir} 文件夹，把{dir}里的 {ext} 文件都移进去", "先建一个 {newdir}，再把{dir}中所有 {ext} 文件挪过去"]),
    (("files.find", {"path": "{dir}", "ext": "{ext}"}), ("files.compress", {"sources": "@0.paths", "archive": "{archive}"}),
     ("files.trash", {"paths": "@0.paths"}),
     ["zip the {ext} files in {dir} into {archive} and then trash the originals",
      "find .{ext} files in {dir}, compress them to {archive}, then move them to the trash"],
     ["把{dir}里的 {ext} 文件压缩成 {archive}，然后把原文件删到回收站"]),
    (("files.find", {"path": "{dir}", "older_than": "{duration}"}),
     ("files.move", {"sources": "@0.paths", "destination": "{dir2}"}), ("desktop.notify", {"title": "{message}"}),
     ["move files in {dir} older than {duration} to {dir2}, then notify me with '{message}'"],
     ["把{dir}里超过{duration}的文件移到{dir2}，然后弹个通知说 {message}"]),
    (("net.fetch", {"url": "{url}"}), ("files.extract", {"archive": "@0.path"}),
     ("desktop.open", {"target": "@1.destination"}),
     ["download {url}, unpack it and open the folder", "fetch {url}, extract it, then show me what came out"],
     ["下载 {url}，解压，然后打开解压出来的文件夹"]),
]

TEMPLATES = [
    # === periods named from now ===
    ("files.find", {"path": "{dir}", "modified_within": "today"},
     ["what did I change in {dir} today?", "files in {dir} modified today", "anything new in {dir} today"], []),
    ("files.find", {"path": "{dir}", "modified_within": "since yesterday"},
     ["files in {dir} changed since yesterday", "what's new in {dir} since yesterday?"], []),
    ("files.find", {"path": "{dir}", "ext": "{ext}", "modified_within": "this week"},
     ["{ext} files in {dir} from this week", "which .{ext} files in {dir} did I touch this week?"], []),
    ("files.find", {"path": "{dir}", "modified_within": "this month"},
     ["show what changed in {dir} this month"], []),
    ("files.find", {"path": "{dir}", "modified_within": "今天"},
     [], ["{dir}里今天改过的文件", "今天{dir}里有哪些新文件"]),
    ("files.find", {"path": "{dir}", "modified_within": "本周"},
     [], ["本周{dir}里改动过的文件", "列出{dir}中本周更新的文件"]),
    ("files.find", {"path": "{dir}", "ext": "{ext}", "modified_within": "这个月"},
     [], ["{dir}里这个月修改过的 {ext} 文件"]),
]
