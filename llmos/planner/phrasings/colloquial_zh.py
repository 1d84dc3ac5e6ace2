"""Colloquial Chinese phrasings for every built-in intent.

Chinese requests as people actually type them: 口语 (帮我…/给我…/能不能…/…一下),
terse commands, questions (…吗/…多少/…哪些), topic-first sentences (下载目录里…),
把-constructions, measure words, mixed Chinese with English program and file names,
full-width punctuation.  English lists are empty.  Also Chinese out-of-scope requests
(OOS_ZH) and two-step requests joined with 然后/再/顺便/并且/接着/先…再… (PAIRS).
Chinese literals in args avoid 的/了/吧.
"""

from __future__ import annotations

TEMPLATES: list = [
    # --- files.find --------------------------------------------------------------------
    ("files.find", {"path": "{dir}", "ext": "{ext}"},
     [],
     ["{dir}里的 {ext} 文件都给我列出来", "能不能帮我翻翻{dir}，看有没有 .{ext} 文件", "{dir}下面都有哪些 {ext}？",
      "搜一搜{dir}，把 {ext} 格式的都找出来", "给我找找{dir}里后缀是 {ext} 的文件", "{dir}里 .{ext} 的有几个？列一下",
      "找 {ext}，在{dir}里", "我记得{dir}里有些 {ext} 文件，帮我找出来看看"]),
    ("files.find", {"path": "{dir}", "sort": "size", "order": "desc", "limit": "{number}"},
     [],
     ["{dir}里哪{number}个文件最占地方？", "帮我把{dir}里最大的{number}个文件揪出来", "给我看看{dir}体积排前{number}的文件",
      "{dir}里挑出最大的{number}个文件给我", "能不能按大小排一下{dir}，只要前{number}个", "{dir}太满了，最大的{number}个文件是啥"]),
    ("files.find", {"path": "{dir}", "larger_than": "{size}"},
     [],
     ["{dir}里有没有超过{size}的大文件？", "帮我找找{dir}里{size}以上的文件", "{dir}下面大于{size}的都列出来",
      "给我看看{dir}中体积超过{size}的东西", "{dir}里比{size}还大的文件有哪些", "能不能查一下{dir}，{size}以上的文件"]),
    ("files.find", {"path": "{dir}", "modified_within": "{duration}"},
     [],
     ["{dir}里最近{duration}动过哪些文件？", "帮我看下{dir}这{duration}里改过的文件", "{duration}内{dir}有哪些文件被修改过",
      "给我列一下{dir}里近{duration}更新过的文件", "这{duration}我在{dir}里改过啥文件", "能不能找出{dir}中最近{duration}新改的文件"]),
    ("files.find", {"path": "{dir}", "older_than": "{duration}"},
     [],
     ["{dir}里那些放了{duration}还没人动的文件，列给我", "帮我找{dir}中放了超过{duration}的老文件", "{dir}下面{duration}以上没改过的都列出来",
      "给我看看{dir}里躺了{duration}以上的旧东西", "{dir}里好久没动的文件，超过{duration}的那种，找一下"]),
    ("files.find", {"path": "{dir}", "name": "{glob}"},
     [],
     ["{dir}里搜一下 {glob}", "帮我在{dir}找匹配 {glob} 的文件", "{dir}下面有没有叫 {glob} 的？",
      "给我 find 一下{dir}里的 {glob}", "按 {glob} 这个模式搜{dir}", "能不能在{dir}中查查 {glob}"]),
    ("files.find", {"path": "{dir}", "sort": "mtime", "order": "desc", "limit": "{number}"},
     [],
     ["{dir}里最近的{number}个文件给我看看", "帮我列出{dir}中最新改过的{number}个文件", "{dir}最新的{number}个文件是哪些？",
      "按修改时间排，{dir}里最新的前{number}个", "给我看下{dir}里刚动过的{number}个文件"]),
    ("files.find", {"path": "{dir}", "type": "dir"},
     [],
     ["{dir}里都有哪些子文件夹？", "帮我列一下{dir}下面的目录，文件不用", "{dir}里只看文件夹", "给我看看{dir}里有几个文件夹"]),

    # --- files.usage -------------------------------------------------------------------
    ("files.usage", {"path": "{dir}"},
     [],
     ["{dir}这个文件夹吃掉多少硬盘？", "帮我看看{dir}有多大", "{dir}现在多大了", "能不能算一下{dir}的大小",
      "给我查查{dir}用掉多少硬盘", "{dir}大概几个G？", "du 一下{dir}看看"]),
    ("files.usage", {"path": "{dir}", "depth": 1},
     [],
     ["{dir}里每个文件夹各占多少？", "帮我把{dir}下面的子目录按大小列一下", "{dir}里哪个文件夹最吃空间",
      "给我看看{dir}各个子文件夹的大小", "{dir}分文件夹统计一下占用"]),

    # --- files.read --------------------------------------------------------------------
    ("files.read", {"path": "{file}"},
     [],
     ["{file}里头都写了些啥？", "给我看看{file}", "帮我打开{file}念一下内容", "能不能把{file}的内容贴出来",
      "{file}，内容显示一下", "瞄一眼{file}里面", "把{file}读给我听", "{file}是什么内容？给我看下"]),

    # --- files.write -------------------------------------------------------------------
    ("files.write", {"path": "{file}", "content": "{content}"},
     [],
     ["帮我新建个{file}，里面写：{content}", "给我在{file}里写上“{content}”", "{file}，内容就写 {content}",
      "能不能建一个{file}，写入 {content}", "把“{content}”这句话存进{file}", "写个文件{file}：{content}"]),
    ("files.write", {"path": "{file}", "content": "{content}\n", "append": True},
     [],
     ["给{file}后面再加一行：{content}", "{file}末尾补上 {content}", "帮我往{file}里追加一句“{content}”",
      "在{file}最后添上 {content}，前面的别动", "把 {content} 接到{file}的结尾", "能不能在{file}底下追加 {content}"]),

    # --- files.mkdir -------------------------------------------------------------------
    ("files.mkdir", {"path": "{newdir}"},
     [],
     ["帮我建个文件夹 {newdir}", "给我新建一个目录：{newdir}", "能不能创建一个 {newdir} 文件夹", "mkdir 一个 {newdir}",
      "新开一个文件夹，叫 {newdir}", "{newdir} 这个目录帮我建一下"]),

    # --- files.copy --------------------------------------------------------------------
    ("files.copy", {"sources": "{files}", "destination": "{dir}"},
     [],
     ["帮我把{files}复制到{dir}", "{files}拷一份放进{dir}", "给{dir}里也来一份{files}", "能不能把{files}复制一份到{dir}去",
      "把{files}备份到{dir}，原来的不要动", "cp 一下{files}到{dir}", "{files}复制过去，放{dir}"]),
    ("files.copy", {"sources": ["{file}"], "destination": "{file2}"},
     [],
     ["把{file}复制一个出来，名字叫{file2}", "{file}拷一份，另存成{file2}", "帮我复制{file}，副本叫{file2}", "cp {file} 一份成{file2}"]),

    # --- files.move --------------------------------------------------------------------
    ("files.move", {"sources": "{files}", "destination": "{dir}"},
     [],
     ["帮我把{files}挪到{dir}", "{files}移进{dir}去", "能不能把{files}搬到{dir}里", "把{files}拖到{dir}",
      "{files}放到{dir}里，不用留原件", "mv 一下{files}到{dir}", "给我把{files}转到{dir}"]),
    ("files.move", {"sources": ["{file}"], "destination": "{file2}"},
     [],
     ["把{file}改名成{file2}", "{file}换个名字，叫{file2}", "帮我把{file}重命名为{file2}", "能不能把{file}的名字改为{file2}",
      "{file}名字不好，改成{file2}", "mv {file} 成 {file2}"]),

    # --- files.trash -------------------------------------------------------------------
    ("files.trash", {"paths": "{files}"},
     [],
     ["帮我把{files}删掉", "{files}不要了，丢回收站", "把{files}扔进垃圾桶", "能不能删一下{files}", "{files}给我删了",
      "{files}清理掉，放回收站就好", "{files}删一删，回收站里留着", "把{files}移到回收站里去", "{files}没啥用，扔掉"]),

    # --- files.delete ------------------------------------------------------------------
    ("files.delete", {"paths": "{files}"},
     [],
     ["把{files}永久删掉，别进回收站", "{files}一步到位彻底删除，别留后路", "帮我把{files}彻底清掉，恢复不了也没关系",
      "{files}删干净，回收站也不要留", "能不能把{files}永久抹掉", "rm -f 掉{files}，彻底删", "{files}给我彻底干掉，不进回收站"]),

    # --- files.compress ----------------------------------------------------------------
    ("files.compress", {"sources": "{files}", "archive": "{archive}"},
     [],
     ["帮我把{files}打个包，叫{archive}", "{files}压缩一下，存成{archive}", "把{files}压到{archive}里", "能不能把{files}打包成{archive}",
      "给我用{files}弄个压缩包{archive}", "{files}打成一个包：{archive}"]),
    ("files.compress", {"sources": ["{dir}"], "archive": "{archive}"},
     [],
     ["{dir}连同里面所有东西一起压成{archive}", "{dir}压缩一下，文件名{archive}", "帮我把{dir}压成{archive}备份", "能不能把{dir}整个压到{archive}里"]),

    # --- files.extract -----------------------------------------------------------------
    ("files.extract", {"archive": "{archive}"},
     [],
     ["{archive}下好了，帮我解一下", "{archive}解开看看", "把{archive}给我解了", "能不能把{archive}里的东西解出来",
      "{archive}，解压一下", "给 {archive} 来个 unzip", "解开这个包：{archive}"]),
    ("files.extract", {"archive": "{archive}", "destination": "{dir}"},
     [],
     ["把{archive}解压到{dir}里", "{archive}解开，放到{dir}", "帮我把{archive}解到{dir}去", "能不能把{archive}解压进{dir}",
      "{archive}里的文件解出来放{dir}"]),

    # --- process.list ------------------------------------------------------------------
    ("process.list", {},
     [],
     ["现在都有哪些进程在跑？", "给我看看进程列表", "帮我列一下正在运行的程序", "ps 一下", "电脑上跑着哪些东西",
      "把所有进程都列出来看看"]),
    ("process.list", {"sort": "cpu"},
     [],
     ["电脑好卡，谁在占CPU？", "哪个程序把CPU吃满了", "帮我看看CPU被谁占了", "风扇狂转，是哪个进程在耗CPU",
      "按CPU占用给我排一下进程", "CPU怎么这么高，哪些进程搞的"]),
    ("process.list", {"sort": "memory", "limit": "{number}"},
     [],
     ["最占内存的{number}个程序是哪些？", "帮我列出吃内存最多的前{number}个进程", "内存排前{number}的进程给我看看",
      "哪{number}个进程最耗内存", "给我看下内存占用前{number}名"]),
    ("process.list", {"user": "{user}"},
     [],
     ["{user} 这个用户在跑哪些进程？", "帮我看看 {user} 开了哪些程序", "列一下 {user} 名下的进程", "{user} 都运行着啥"]),

    # --- process.find ------------------------------------------------------------------
    ("process.find", {"name": "{proc}"},
     [],
     ["{proc} 这会儿还在后台跑着没？", "帮我看看 {proc} 开着没有", "{proc} 进程在不在", "有没有 {proc} 在运行？",
      "能不能查一下 {proc} 的进程号", "pgrep 一下 {proc}", "{proc} 是不是还开着", "找找 {proc} 进程"]),

    # --- process.info ------------------------------------------------------------------
    ("process.info", {"pid": "{pid}"},
     [],
     ["{pid} 这个进程是干嘛的？", "帮我看看进程 {pid} 的情况", "PID 是 {pid} 的那个是啥程序", "给我查下 {pid} 号进程的详细信息",
      "进程 {pid} 占了多少内存？", "{pid} 是谁启动的"]),

    # --- process.kill ------------------------------------------------------------------
    ("process.kill", {"name": "{proc}"},
     [],
     ["帮我把 {proc} 关掉", "{proc} 给我结束掉", "不用 {proc} 了，退出它", "能不能把 {proc} 杀掉", "关一下 {proc}",
      "把 {proc} 那个程序停了", "{proc} 退掉"]),
    ("process.kill", {"name": "{proc}", "signal": "KILL"},
     [],
     ["{proc} 卡住不动，给我强杀", "{proc} 点不动了，强制关掉", "直接 kill -9 掉 {proc}", "帮我强行结束 {proc}",
      "{proc} 关不掉，来硬的"]),
    ("process.kill", {"pid": "{pid}"},
     [],
     ["把 {pid} 号进程干掉", "帮我结束进程 {pid}", "{pid} 这个进程关掉", "能不能 kill 一下 {pid}", "PID {pid}，结束它"]),

    # --- process.launch ----------------------------------------------------------------
    ("process.launch", {"command": "{proc}"},
     [],
     ["帮我开一下 {proc}", "{proc} 给我打开", "启动个 {proc}", "能不能把 {proc} 开起来", "我要用 {proc}，运行一下",
      "开 {proc}", "{proc} 跑一个", "把 {proc} 启动起来"]),

    # --- system.info -------------------------------------------------------------------
    ("system.info", {"aspect": "cpu"},
     [],
     ["我这电脑是什么CPU？", "处理器几核的", "CPU现在忙不忙", "帮我看看CPU信息", "处理器型号给我看下", "CPU负载高不高？"]),
    ("system.info", {"aspect": "memory"},
     [],
     ["内存还够用吗？", "帮我看看内存用了多少", "电脑一共多少内存", "内存剩多少了", "给我查下内存占用", "可用内存还有几个G？"]),
    ("system.info", {"aspect": "disk"},
     [],
     ["硬盘还剩多少地方？", "磁盘空间够不够", "帮我看看硬盘满没满", "存储还剩几个G", "硬盘空间给我查一下"]),
    ("system.info", {"aspect": "battery"},
     [],
     ["还剩多少电？", "电池还有多少", "帮我看看电量", "现在在充电没有", "电还能撑多久？", "电量百分比是多少"]),
    ("system.info", {"aspect": "uptime"},
     [],
     ["电脑开机多久了？", "这台机器跑了几天了", "帮我看看开机时间", "多久没重启了", "系统运行时长是多少"]),
    ("system.info", {"aspect": "os"},
     [],
     ["我用的是什么系统？", "系统版本多少", "帮我看下内核版本", "这是 Ubuntu 还是别的发行版", "操作系统信息给我看看", "主机名叫啥"]),
    ("system.info", {"aspect": "all"},
     [],
     ["把电脑的所有信息都给我看看", "系统信息全都列出来", "帮我来个全面的系统报告", "CPU、内存、硬盘、电池全部看一下"]),

    # --- system.disks ------------------------------------------------------------------
    ("system.disks", {},
     [],
     ["都插了哪些盘？", "帮我看看各个分区还剩多少", "U盘认出来了吗", "给我列一下所有磁盘和挂载点", "移动硬盘挂上没有",
      "每块盘的使用情况看一下", "df 一下所有分区"]),

    # --- system.logs -------------------------------------------------------------------
    ("system.logs", {"priority": "err"},
     [],
     ["系统最近报错了吗？", "帮我看看有什么错误日志", "给我翻翻日志里的报错", "出错的日志列一下", "系统日志里有哪些 error"]),
    ("system.logs", {"unit": "{unit}"},
     [],
     ["帮我看看 {unit} 的日志", "{unit} 日志里写了啥", "给我翻一下 {unit} 服务的日志", "{unit} 最近在记录些什么",
      "journalctl 看一下 {unit}"]),
    ("system.logs", {"unit": "{unit}", "priority": "err"},
     [],
     ["{unit} 又挂掉，看看报什么错", "{unit} 起不来，帮我查查错误日志", "给我看看 {unit} 的报错", "{unit} 出啥错了？"]),
    ("system.logs", {"since": "{duration}"},
     [],
     ["这{duration}系统都记了些什么", "帮我看看最近{duration}的日志", "给我翻翻过去{duration}的系统日志", "近{duration}的 journal 看一下"]),
    ("system.logs", {"grep": "{grep}"},
     [],
     ["日志里搜一下 {grep}", "帮我在系统日志中找找 {grep}", "给我 grep 一下日志里的 {grep}", "日志有没有提到 {grep}？"]),

    # --- net.status --------------------------------------------------------------------
    ("net.status", {},
     [],
     ["我现在有网吗？", "帮我看看网络通不通", "我这台电脑的IP是啥？", "连的是哪个 WiFi？", "网好像断掉，帮我查查",
      "给我看看网卡和IP", "网关是哪个地址", "网络状态怎么样"]),

    # --- net.ports ---------------------------------------------------------------------
    ("net.ports", {"state": "listen"},
     [],
     ["我电脑上开着哪些端口？", "帮我看看有什么服务在监听", "给我列一下监听中的端口", "本机对外开放了哪些端口"]),
    ("net.ports", {"port": "{port}", "state": "all"},
     [],
     ["{port} 端口被谁占着？", "帮我看看谁在用 {port}", "{port} 这个端口是哪个程序的", "端口 {port} 怎么被占用，查一下"]),

    # --- net.ping ----------------------------------------------------------------------
    ("net.ping", {"host": "{host}"},
     [],
     ["从这儿能连到 {host} 不？", "帮我 ping 下 {host}", "{host} 现在通着没有", "看看 {host} 有没有挂", "ping 一把 {host}", "{host} 延迟多少？"]),
    ("net.ping", {"host": "{host}", "count": "{number}"},
     [],
     ["帮我 ping {host}，来{number}次", "给 {host} ping 上{number}个包", "{host} ping {number}下看看", "对着 {host} 发{number}次 ping"]),

    # --- net.fetch ---------------------------------------------------------------------
    ("net.fetch", {"url": "{url}"},
     [],
     ["帮我下个 {url}", "{url} 下载下来", "把这个下一下：{url}", "能不能帮我下载 {url}", "给我把 {url} 存到本地", "下 {url}"]),
    ("net.fetch", {"url": "{url}", "destination": "{dir}"},
     [],
     ["把 {url} 下到{dir}里", "{url} 下载好放{dir}", "帮我下载 {url}，存{dir}", "能不能把 {url} 下载到{dir}去"]),

    # --- desktop.open ------------------------------------------------------------------
    ("desktop.open", {"target": "{url}"},
     [],
     ["帮我打开 {url} 这个网页", "浏览器开一下 {url}", "{url} 打开看看", "给我在浏览器里开 {url}", "上 {url} 看看"]),
    ("desktop.open", {"target": "{file}"},
     [],
     ["帮我打开{file}", "{file}打开一下", "给我开一下{file}看看", "能不能用默认软件打开{file}", "双击一下{file}"]),
    ("desktop.open", {"target": "{dir}"},
     [],
     ["帮我打开{dir}这个文件夹", "{dir}打开看看", "在文件管理器里开一下{dir}", "给我把{dir}打开"]),

    # --- desktop.notify ----------------------------------------------------------------
    ("desktop.notify", {"title": "{message}"},
     [],
     ["给我弹个通知：{message}", "桌面上提示一下“{message}”", "帮我发个通知，写{message}", "弹窗显示 {message}",
      "现在就通知我：{message}"]),

    # --- timer.remind ------------------------------------------------------------------
    ("timer.remind", {"message": "{message}", "in": "{duration}"},
     [],
     ["{duration}后记得叫我{message}", "帮我定个{duration}的提醒，{message}", "过{duration}喊我一声：{message}",
      "能不能{duration}之后提醒我{message}", "{message}这事，{duration}后提醒一下", "给我设个闹钟，{duration}后{message}",
      "{duration}一到就提醒我去{message}", "{duration}后提个醒：{message}"]),
]

OOS_ZH = [
    "你好呀，今天过得怎么样", "说个段子逗我乐乐", "你背后是哪家公司做的？", "帮我点一份麻辣烫外卖", "把这张照片修一下，把人P掉",
    "帮我把这篇文章翻译成日文", "给我妈发条微信说我晚点回家", "明天会下雨吗？", "地球到月亮有多远",
    "推荐几部好看的电影", "帮我起草一封请假条", "今天股市涨了没有", "帮我叫个滴滴去机场", "一英里合多少公里",
    "帮我在淘宝上买个充电器", "给我唱首歌", "你觉得我该不该换工作", "黄河全长多少公里？", "帮我抢两张演唱会门票",
    "帮我约个周五的理发", "世界上最高的山是哪座", "今晚吃什么好呢", "帮我给这段视频加个字幕", "唐朝一共多少年",
    "帮我打个电话给快递员", "怎么学好英语？", "帮我在抖音上发个视频", "猫为什么喜欢睡觉", "陪我聊聊天吧",
    "给我算算今年运势", "帮我把简历润色一下", "红烧排骨怎么做才好吃", "谢谢你啊，辛苦啦",
]

PAIRS = [
    (("files.find", {"path": "{dir}", "ext": "{ext}"}), ("files.compress", {"sources": "@0.paths", "archive": "{archive}"}),
     [],
     ["帮我把{dir}里的 {ext} 文件都找出来，然后打个包叫{archive}", "{dir}里的 .{ext} 先找一下，再压成{archive}"]),
    (("files.find", {"path": "{dir}", "older_than": "{duration}"}), ("files.trash", {"paths": "@0.paths"}),
     [],
     ["找找{dir}里{duration}没碰过的文件，接着都丢回收站", "先把{dir}中超过{duration}的旧文件找出来，再删掉"]),
    (("net.fetch", {"url": "{url}"}), ("files.extract", {"archive": "@0.path"}),
     [],
     ["帮我下个 {url}，下完顺便解压", "先把 {url} 下载下来，然后解开"]),
    (("net.fetch", {"url": "{url}"}), ("desktop.open", {"target": "@0.path"}),
     [],
     ["{url} 下载下来，接着给我打开", "帮我下 {url}，下好就打开看看"]),
    (("process.find", {"name": "{proc}"}), ("process.kill", {"name": "{proc}"}),
     [],
     ["看下 {proc} 还开着没，开着就给我关掉", "先查查 {proc} 在不在跑，再把它结束"]),
    (("process.kill", {"name": "{proc}"}), ("process.launch", {"command": "{proc2}"}),
     [],
     ["把 {proc} 关掉，然后开个 {proc2}", "先退出 {proc}，再启动 {proc2}"]),
    (("system.info", {"aspect": "battery"}), ("timer.remind", {"message": "{message}", "in": "{duration}"}),
     [],
     ["看看还剩多少电，顺便{duration}后叫我{message}", "电量多少？再帮我定个{duration}的提醒：{message}"]),
    (("system.info", {"aspect": "memory"}), ("process.list", {"sort": "memory", "limit": "{number}"}),
     [],
     ["内存还剩多少？接着把最吃内存的{number}个进程列出来", "先看下内存，然后给我最占内存的前{number}个程序"]),
    (("net.ping", {"host": "{host}"}), ("net.status", {}),
     [],
     ["帮我 ping 下 {host}，顺便看看我的IP", "{host} 通不通？再查一下网络状态"]),
    (("files.mkdir", {"path": "{newdir}"}), ("files.move", {"sources": "{files}", "destination": "{newdir}"}),
     [],
     ["建个文件夹 {newdir}，然后把{files}挪进去", "先新建 {newdir} 目录，再把{files}移到 {newdir}"]),
    (("files.copy", {"sources": "{files}", "destination": "{dir}"}), ("desktop.notify", {"title": "{message}"}),
     [],
     ["把{files}复制到{dir}，完事给我弹个通知：{message}", "先拷{files}到{dir}，接着通知我 {message}"]),
    (("files.usage", {"path": "{dir}"}), ("system.info", {"aspect": "disk"}),
     [],
     ["{dir}多大？顺便看看硬盘还剩多少", "先算下{dir}占了多少，再看磁盘剩余空间"]),
    (("system.logs", {"unit": "{unit}", "priority": "err"}), ("net.ports", {"state": "listen"}),
     [],
     ["看看 {unit} 报了啥错，并且列一下监听的端口", "先查 {unit} 的错误日志，再看哪些端口在监听"]),
    (("process.launch", {"command": "{proc}"}), ("timer.remind", {"message": "{message}", "in": "{duration}"}),
     [],
     ["帮我开个 {proc}，然后{duration}后提醒我{message}", "启动 {proc}，并且过{duration}叫我{message}"]),
]
