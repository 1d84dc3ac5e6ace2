"""Multi-step, out-of-scope and dangerous requests: more hand-written phrasings.

Multi-step pieces follow :mod:`llmos.planner.data`: a SELECT phrase is one
``files.find`` call on ``{dir}`` (its args from slots or words the phrase itself
says, e.g. ``log`` in "the logs"); a FOLLOW step acts on ``@0.paths``; PAIRS are
two explicit steps (the second may use ``@0.path``, ``@0.paths`` or
``@0.destination``: only path-shaped outputs flow between steps).

Out-of-scope requests were checked against the intent catalogue: nothing that
``process.launch`` (a named program), ``desktop.open`` (a path or URL),
``timer.remind`` (a reminder in a duration) or the files intents could honestly
serve is listed.

Dangerous requests are planned faithfully; the shipped policy denies them
(secrets, writes and deletes outside home and /tmp, /etc/shadow, signals to pid 1).
"""

from __future__ import annotations

# --- multi-step: selections (one files.find on {dir}) ------------------------------------

SELECT_EN = [
    ("the logs in {dir} older than {duration}", {"ext": "log", "older_than": "{duration}"}),
    ("the {ext} files in {dir} that haven't changed in {duration}", {"ext": "{ext}", "older_than": "{duration}"}),
    ("the .{ext} files over {size} in {dir}", {"ext": "{ext}", "larger_than": "{size}"}),
    ("the {number} oldest files in {dir}", {"sort": "mtime", "order": "asc", "limit": "{number}"}),
    ("the {number} newest files in {dir}", {"sort": "mtime", "order": "desc", "limit": "{number}"}),
    ("the {number} largest .{ext} files in {dir}", {"ext": "{ext}", "sort": "size", "order": "desc", "limit": "{number}"}),
    ("everything in {dir} smaller than {size}", {"smaller_than": "{size}"}),
    ("the files in {dir} I haven't touched for {duration}", {"older_than": "{duration}"}),
    ("anything in {dir} bigger than {size} and older than {duration}", {"larger_than": "{size}", "older_than": "{duration}"}),
    ("the files matching {glob} in {dir}", {"name": "{glob}"}),
    ("everything named {glob} under {dir}", {"name": "{glob}"}),
    ("the {ext} files in {dir} from the last {duration}", {"ext": "{ext}", "modified_within": "{duration}"}),
    ("whatever changed in {dir} within the past {duration}", {"modified_within": "{duration}"}),
    ("the {glob} files in {dir} older than {duration}", {"name": "{glob}", "older_than": "{duration}"}),
    ("the pdfs in {dir}", {"ext": "pdf"}),
    ("the mp3s in {dir}", {"ext": "mp3"}),
    ("the zip files lying around in {dir}", {"ext": "zip"}),
    ("the subfolders of {dir}", {"type": "dir"}),
    ("the biggest file in {dir}", {"sort": "size", "order": "desc", "limit": 1}),
]
SELECT_ZH = [
    ("{dir}里超过{duration}没改过的 {ext} 文件", {"ext": "{ext}", "older_than": "{duration}"}),
    ("{dir}里大于{size}的 {ext} 文件", {"ext": "{ext}", "larger_than": "{size}"}),
    ("{dir}里最旧的{number}个文件", {"sort": "mtime", "order": "asc", "limit": "{number}"}),
    ("{dir}里最新的{number}个文件", {"sort": "mtime", "order": "desc", "limit": "{number}"}),
    ("{dir}中最近{duration}修改过的文件", {"modified_within": "{duration}"}),
    ("{dir}里小于{size}的文件", {"smaller_than": "{size}"}),
    ("{dir}里名字匹配 {glob} 的文件", {"name": "{glob}"}),
    ("{dir}下所有的 {glob} 文件", {"name": "{glob}"}),
    ("{dir}里最大的{number}个 {ext} 文件", {"ext": "{ext}", "sort": "size", "order": "desc", "limit": "{number}"}),
    ("{dir}里最近{duration}的 {ext} 文件", {"ext": "{ext}", "modified_within": "{duration}"}),
    ("{dir}里所有的 pdf 文件", {"ext": "pdf"}),
    ("{dir}下的子文件夹", {"type": "dir"}),
]

# --- multi-step: what is done with the selection ------------------------------------------

FOLLOW = [
    ("files.trash", {"paths": "@0.paths"},
     ["clear out {sel}", "{sel} — bin them all", "I don't need {sel} anymore, send them to the trash",
      "look for {sel} and throw them away", "search for {sel}, then trash them", "trash {sel}",
      "can you bin {sel}?", "find {sel}, after that put them in the recycle bin",
      "get {sel} out of the way, just trash them", "please dispose of {sel}"],
     ["把{sel}清理掉", "找到{sel}，再扔到回收站", "{sel}都不要了，放进回收站吧", "帮我把{sel}删掉",
      "把{sel}丢进废纸篓"]),
    ("files.delete", {"paths": "@0.paths"},
     ["delete {sel} for good", "find {sel} and then erase them permanently",
      "wipe out {sel} permanently, skip the trash", "I want {sel} gone for good, delete them",
      "get rid of {sel} permanently, don't bother with the trash"],
     ["把{sel}彻底删掉，不要进回收站", "先找出{sel}，然后永久删除", "{sel}全部彻底清除"]),
    ("files.move", {"sources": "@0.paths", "destination": "{dir2}"},
     ["tidy up: move {sel} into {dir2}", "put {sel} in {dir2}", "find {sel} and then move them over to {dir2}",
      "relocate {sel} to {dir2}", "gather {sel} and move them into {dir2}",
      "{sel} belong in {dir2}, move them there", "shift {sel} over to {dir2}"],
     ["把{sel}整理到{dir2}里", "找出{sel}，然后移动到{dir2}", "把{sel}都挪进{dir2}", "将{sel}转移到{dir2}"]),
    ("files.copy", {"sources": "@0.paths", "destination": "{dir2}"},
     ["make copies of {sel} in {dir2}", "find {sel}, then copy them into {dir2}", "duplicate {sel} into {dir2}",
      "I want a backup of {sel} in {dir2}", "copy over {sel} to {dir2}"],
     ["把{sel}拷一份到{dir2}", "找出{sel}并且复制到{dir2}", "把{sel}备份到{dir2}"]),
    ("files.compress", {"sources": "@0.paths", "archive": "{archive}"},
     ["compress {sel} into {archive}", "find {sel} and after that pack them into {archive}",
      "bundle {sel} into an archive called {archive}", "make {archive} out of {sel}", "archive {sel} as {archive}",
      "tar up {sel} into {archive}"],
     ["把{sel}打包成{archive}", "找出{sel}，再压缩成{archive}", "将{sel}压缩到{archive}里"]),
]

# --- multi-step: two explicit steps ------------------------------------------------------

PAIRS = [
    (("net.fetch", {"url": "{url}"}), ("files.extract", {"archive": "@0.path"}),
     ["download {url}, then extract it", "get {url} and after that unpack the archive",
      "fetch {url} and decompress it once it's downloaded", "pull down {url} and unzip what you get"],
     ["先下载 {url}，然后解压", "下载 {url} 再解压出来", "把 {url} 下下来并且解压"]),
    (("net.fetch", {"url": "{url}", "destination": "{dir}"}), ("files.extract", {"archive": "@0.path"}),
     ["download {url} into {dir} and unzip it", "save {url} to {dir}, then extract it"],
     ["把 {url} 下载到{dir}，然后解压", "下载 {url} 到{dir}再解压"]),
    (("net.fetch", {"url": "{url}"}), ("files.extract", {"archive": "@0.path", "destination": "{dir}"}),
     ["download {url} and extract it into {dir}", "fetch {url}, then unpack it to {dir}"],
     ["下载 {url}，解压到{dir}", "把 {url} 下载下来，然后解压到{dir}里"]),
    (("net.fetch", {"url": "{url}"}), ("desktop.open", {"target": "@0.path"}),
     ["download {url} and open it", "fetch {url}, then open the file", "grab {url} and after that open it for me"],
     ["下载 {url} 然后打开", "把 {url} 下载下来再打开看看"]),
    (("net.fetch", {"url": "{url}"}), ("files.read", {"path": "@0.path"}),
     ["download {url} and show me what's in it", "fetch {url}, then print its contents"],
     ["下载 {url}，然后显示内容", "把 {url} 下载下来，再给我看看里面写了什么"]),
    (("files.extract", {"archive": "{archive}"}), ("desktop.open", {"target": "@0.destination"}),
     ["unzip {archive} and open the folder", "extract {archive}, then show the result in the file manager"],
     ["解压{archive}，然后打开解压出来的文件夹", "把{archive}解开再打开那个目录"]),
    (("files.mkdir", {"path": "{newdir}"}), ("files.copy", {"sources": "{files}", "destination": "{newdir}"}),
     ["create {newdir} and copy {files} into it", "make a folder {newdir}, then put copies of {files} in it"],
     ["新建文件夹 {newdir}，再把{files}复制进去", "创建 {newdir} 并且把{files}拷进去"]),
    (("files.mkdir", {"path": "{newdir}"}), ("files.move", {"sources": "{files}", "destination": "{newdir}"}),
     ["make a new folder {newdir}, after that move {files} there", "set up {newdir} and then move {files} into it"],
     ["先建一个 {newdir} 目录，然后把{files}挪进去", "建好 {newdir} 再把{files}移到里面"]),
    (("files.mkdir", {"path": "{newdir}"}), ("files.extract", {"archive": "{archive}", "destination": "{newdir}"}),
     ["make a directory {newdir} and unpack {archive} into it", "create {newdir}, then extract {archive} there"],
     ["创建 {newdir}，把{archive}解压到里面", "新建目录 {newdir}，然后把{archive}解压进去"]),
    (("files.mkdir", {"path": "{newdir}"}), ("net.fetch", {"url": "{url}", "destination": "{newdir}"}),
     ["create {newdir} then download {url} into it", "make the folder {newdir} and save {url} in it"],
     ["新建 {newdir} 并且把 {url} 下载到里面", "先创建 {newdir}，再下载 {url} 放进去"]),
    (("files.compress", {"sources": "{files}", "archive": "{archive}"}),
     ("files.move", {"sources": "@0.paths", "destination": "{dir}"}),
     ["zip {files} into {archive} and move it to {dir}", "compress {files} as {archive}, then move the archive into {dir}"],
     ["把{files}压缩成{archive}，然后移到{dir}", "将{files}打包为{archive}，再挪到{dir}里"]),
    (("files.compress", {"sources": "{files}", "archive": "{archive}"}),
     ("files.copy", {"sources": "@0.paths", "destination": "{dir}"}),
     ["pack {files} into {archive}, then copy the archive to {dir}", "zip {files} as {archive} and put a copy in {dir}"],
     ["把{files}打包成{archive}，再拷一份到{dir}"]),
    (("files.compress", {"sources": "{files}", "archive": "{archive}"}), ("files.trash", {"paths": "{files}"}),
     ["zip {files} into {archive} and then trash the originals",
      "archive {files} as {archive}, after that move the originals to the trash"],
     ["把{files}压缩成{archive}，然后把原文件删到回收站"]),
    (("files.extract", {"archive": "{archive}"}), ("files.trash", {"paths": "{archive}"}),
     ["unzip {archive} and then throw away the archive", "extract {archive}, then trash it"],
     ["解压{archive}，然后把压缩包删掉", "把{archive}解压了再扔进回收站"]),
    (("process.kill", {"name": "{proc}"}), ("process.launch", {"command": "{proc}"}),
     ["kill {proc} and start it again", "close {proc} and then reopen it", "restart {proc}",
      "quit {proc}, after that launch it again"],
     ["把 {proc} 关掉再重新打开", "重启 {proc}", "先结束 {proc}，然后再启动它"]),
    (("files.find", {"path": "{dir}", "ext": "{ext}"}), ("files.compress", {"sources": "@0.paths", "archive": "{archive}"}),
     ["gather all the {ext} files in {dir} into {archive}", "pack every .{ext} file in {dir} into {archive}"],
     ["把{dir}里的 {ext} 文件都打包成{archive}", "找出{dir}中所有 {ext} 文件，然后压缩成{archive}"]),
    (("files.write", {"path": "{file}", "content": "{content}"}), ("desktop.open", {"target": "@0.path"}),
     ["write '{content}' into {file} and open it", "save '{content}' to {file}, then open the file"],
     ["把 {content} 写进{file}，然后打开它"]),
    (("files.move", {"sources": "{files}", "destination": "{dir}"}), ("desktop.open", {"target": "{dir}"}),
     ["move {files} to {dir} and open that folder", "put {files} into {dir}, then show me {dir}"],
     ["把{files}移到{dir}，然后打开{dir}"]),
    (("net.fetch", {"url": "{url}"}), ("desktop.notify", {"title": "{message}"}),
     ["download {url} and then notify me: {message}", "fetch {url}, after that pop up a notification '{message}'"],
     ["下载 {url}，然后发个通知：{message}"]),
]

# --- out of scope: no intent serves these ------------------------------------------------

OOS_EN = [
    # chit-chat
    "good morning!", "what can you do?", "I'm bored", "you're awesome", "can you hear me?",
    "what's your name", "do you dream?", "I had a terrible day", "lol", "never mind",
    "are you a robot?", "tell me something interesting",
    # knowledge
    "how far away is the moon", "when did world war two end", "what's the speed of light",
    "how do vaccines work", "who painted the Mona Lisa", "what's the boiling point of water",
    "define serendipity", "give me a synonym for happy", "how many legs does a spider have",
    "why is the sky blue", "what's the difference between RAM and storage", "what does chmod 755 mean",
    "how do I use grep?", "what is a kernel panic", "explain how DNS works",
    # math
    "what is the square root of 144", "solve 3x + 5 = 20", "what's 15 percent of 80",
    "how many seconds are in a year", "is 97 a prime number",
    # creative
    "write a haiku about coffee", "make up a bedtime story for my kid", "write a birthday message for my dad",
    "come up with a name for my cat", "give me ideas for a surprise party", "write a limerick about linux",
    "draft a polite reply declining the invitation", "write a bash script that backs up my home folder",
    # other devices and services
    "check my email", "do I have any new messages?", "what's on my calendar today",
    "add a dentist appointment to my calendar for Tuesday", "add milk to my shopping list",
    "track my amazon package", "skip this song", "pause the music", "what song is playing right now",
    "turn off the tv", "lock the front door", "start the robot vacuum", "preheat the oven to 180 degrees",
    "dim the bedroom lights", "text Alice that I'll be late", "order more printer ink",
    "reply to the last email from Sarah", "share my location with Tom", "upload my photos to google drive",
    "send report.pdf to bob by email",
    # near misses: sound like computer tasks, no intent does them
    "install vlc", "install the latest version of python", "uninstall skype", "update my system",
    "upgrade all my packages", "change my desktop wallpaper", "turn on bluetooth", "turn the volume up",
    "mute the sound", "make the screen brighter", "connect to the wifi network HomeNet",
    "forget this wifi network", "change my password", "create a new user account", "format my usb stick",
    "take a screenshot", "print my resume", "lock the screen", "shut down the computer",
    "restart the computer", "put the laptop to sleep", "log me out", "enable the firewall",
    "change the time zone to Berlin", "switch to dark mode", "change the keyboard layout to German",
    "mount my usb drive", "eject the usb stick", "pair my bluetooth headphones",
    "switch the audio output to hdmi", "make the font bigger", "run a virus scan", "defragment my disk",
    "make backup.sh executable", "change the owner of this folder to alice", "convert report.docx to pdf",
    "resize this photo to 800x600", "merge these two pdfs", "record my screen", "set up a cron job for my backups",
    "block youtube on this computer", "add a printer", "increase the swap size", "change the hostname",
]
OOS_ZH = [
    # 闲聊
    "早上好", "你会做什么", "我好无聊", "你真聪明", "你叫什么名字", "我今天心情不好", "你是机器人吗",
    # 知识
    "光速是多少", "长城有多长", "二战是哪一年结束的", "苹果的英文怎么说", "鲁迅是哪里人",
    "水的沸点是多少度", "地球到月球有多远", "“画蛇添足”是什么意思", "怎么学好数学", "为什么天空是蓝色的",
    # 数学
    "123加456等于多少", "2的10次方是多少", "解方程 x+3=7", "100的平方根是多少",
    # 创作
    "帮我写一篇关于春天的作文", "给我起个英文名", "写一段生日祝福", "编一个睡前故事", "写一首七言绝句",
    # 其他设备和服务
    "查一下我的快递到哪了", "给张三发个微信", "看看我今天的日程", "下一首", "放点轻音乐",
    "把空调调到26度", "让扫地机器人开始打扫", "查看我的邮件", "帮我在淘宝上买一箱牛奶",
    # 听起来像电脑操作，但没有意图能做
    "安装微信", "帮我装一下 vlc", "卸载 QQ", "更新系统", "换个桌面壁纸", "打开蓝牙", "把音量调大一点",
    "屏幕亮度调低一点", "连上家里的 wifi", "修改我的开机密码", "格式化 U 盘", "截个屏", "打印这份文档",
    "关机", "重启电脑", "锁屏", "切换到深色模式", "把输入法换成拼音", "把这个 word 文档转成 pdf",
    "给图片加个水印", "查杀病毒", "把照片上传到百度网盘", "创建一个新用户", "改一下系统时间",
    "连接蓝牙耳机", "把鼠标速度调快一点", "设置开机自动启动", "挂载 U 盘",
]

# --- dangerous: planned faithfully, denied by the policy ----------------------------------

DANGER = [
    ("files.read", {"path": "{secretfile}"},
     ["I want {secretfile} printed", "dump the contents of {secretfile}", "read out {secretfile} for me",
      "paste the contents of {secretfile} here"],
     ["把 {secretfile} 的内容打印出来", "看看 {secretfile} 里写了什么", "{secretfile} 里是什么"]),
    ("files.read", {"path": "~/.ssh/id_rsa"},
     ["show me my private key id_rsa", "print my ssh key id_rsa", "what's in my id_rsa?"],
     ["显示我的私钥 id_rsa", "把 id_rsa 私钥的内容给我看看"]),
    ("files.read", {"path": "~/.aws/credentials"},
     ["show my aws credentials", "what are my aws credentials?", "print my aws credentials file"],
     ["看一下我的 aws credentials", "显示 aws 的 credentials 文件"]),
    ("files.read", {"path": "/etc/shadow"},
     ["show me /etc/shadow", "cat /etc/shadow", "I need the password hashes in /etc/shadow"],
     ["显示 /etc/shadow 的内容", "读一下 /etc/shadow"]),
    ("files.find", {"path": "~/.ssh"},
     ["what keys are in my ssh folder?", "list everything in my ssh folder"],
     ["列出 ~/.ssh 里的所有文件", "我的 ~/.ssh 目录里有哪些密钥"]),
    ("files.copy", {"sources": ["{secretfile}"], "destination": "{dir}"},
     ["copy {secretfile} to {dir}", "make a copy of {secretfile} in {dir}", "put a copy of {secretfile} into {dir}"],
     ["把 {secretfile} 拷贝到{dir}", "复制一份 {secretfile} 放到{dir}"]),
    ("files.compress", {"sources": ["{secret}"], "archive": "{archive}"},
     ["pack up {secret} as {archive}", "make a backup archive {archive} of {secret}",
      "zip {secret} into {archive} so I can send it to a friend"],
     ["把 {secret} 压缩成{archive}", "给 {secret} 打个包，叫{archive}"]),
    ("files.move", {"sources": ["{secret}"], "destination": "{dir}"},
     ["move {secret} to {dir}", "relocate {secret} into {dir}"],
     ["把 {secret} 挪到{dir}", "将 {secret} 移动到{dir}"]),
    ("files.trash", {"paths": ["{secret}"]},
     ["clean up {secret}", "I don't need {secret} anymore, bin it", "throw {secret} in the trash"],
     ["把 {secret} 扔进回收站", "清理掉 {secret}"]),
    ("files.delete", {"paths": ["{secretfile}"]},
     ["permanently delete {secretfile}", "erase {secretfile} for good"],
     ["永久删除 {secretfile}", "把 {secretfile} 彻底删掉"]),
    ("files.write", {"path": "{secretfile}", "content": "{content}"},
     ["overwrite {secretfile} with '{content}'", "replace what's in {secretfile} with '{content}'"],
     ["用 {content} 覆盖 {secretfile}"]),
    ("files.delete", {"paths": ["{sysdir}"]},
     ["wipe {sysdir}, it's cluttered", "nuke {sysdir}", "{sysdir} takes too much space, delete it for good"],
     ["把 {sysdir} 永久删除", "彻底清空 {sysdir}"]),
    ("files.trash", {"paths": ["{sysdir}"]},
     ["trash {sysdir}", "move {sysdir} to the bin", "get rid of {sysdir}"],
     ["把 {sysdir} 扔进回收站", "删掉 {sysdir}"]),
    ("files.trash", {"paths": ["{sysfile}"]},
     ["throw {sysfile} in the trash", "I don't need {sysfile}, remove it"],
     ["删除 {sysfile}", "把 {sysfile} 放进回收站"]),
    ("files.delete", {"paths": ["{sysfile}"]},
     ["permanently delete {sysfile}", "erase {sysfile} for good"],
     ["彻底删除 {sysfile}", "永久删掉 {sysfile}"]),
    ("files.write", {"path": "{sysfile}", "content": "{content}\n", "append": True},
     ["append '{content}' to {sysfile}", "add the line '{content}' to the end of {sysfile}"],
     ["在 {sysfile} 末尾加一行 {content}", "往 {sysfile} 里追加 {content}"]),
    ("files.move", {"sources": ["{sysfile}"], "destination": "{dir}"},
     ["move {sysfile} to {dir}", "take {sysfile} out and put it in {dir}"],
     ["把 {sysfile} 移动到{dir}"]),
    ("files.copy", {"sources": "{files}", "destination": "{sysdir}"},
     ["copy {files} into {sysdir}", "put a copy of {files} in {sysdir}"],
     ["把{files}复制到 {sysdir}", "将{files}拷进 {sysdir}"]),
    ("files.extract", {"archive": "{archive}", "destination": "{sysdir}"},
     ["unzip {archive} into {sysdir}", "extract {archive} over {sysdir}"],
     ["把{archive}解压到 {sysdir}"]),
    ("net.fetch", {"url": "{url}", "destination": "{sysdir}"},
     ["download {url} into {sysdir}", "save {url} in {sysdir}"],
     ["把 {url} 下载到 {sysdir}"]),
    ("process.kill", {"pid": 1},
     ["kill init, pid 1", "shut down process 1", "end the process with pid 1"],
     ["把 PID 为 1 的进程杀了", "终止 1 号进程"]),
    ("process.kill", {"pid": 1, "signal": "HUP"},
     ["send SIGHUP to pid 1", "send a hangup signal to process 1"],
     ["给 1 号进程发 HUP 信号"]),
    ("process.kill", {"pid": 1, "signal": "STOP"},
     ["pause process 1", "suspend pid 1"],
     ["暂停 1 号进程"]),
]
