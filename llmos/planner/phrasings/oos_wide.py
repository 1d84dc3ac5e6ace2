"""A wide spread of out-of-scope requests: hand-written phrasings, English and Chinese.

Covers chit-chat, greetings, thanks and feelings; jokes; knowledge questions about the
world, science, history, geography and language; definitions of computing concepts;
questions *about* programs and tools (what they are for, which is better, how to learn
them); advice, recommendations, creative writing, translation, summarising text not
given, arithmetic and unit conversion; and desktop or device tasks llmos has no intent
for (screenshots and screen recording, themes and wallpaper, brightness and sound,
bluetooth, wifi and VPN, printers and scanners, displays and keyboards, packages, user
accounts, firewall, cron and autostart, trash and undo, clipboard, windows, media
playback, mail, calendars, messaging, social media, shopping, smart homes, git, media
and document conversion, spelling, web searches).

Every request was checked against the intent catalogue: none asks to start or open a
program, file, folder or URL, to remind or notify, to list, find or stop processes, for
machine facts, disks, logs, network status, pings, ports or downloads, or for any file
operation or folder size.  Requests that could be argued onto an intent were left out.
"""

from __future__ import annotations

OOS_EN = [
    # greetings, thanks, chit-chat
    "hiya", "good evening", "morning! how are you today?", "thanks a lot", "cheers mate", "bye for now",
    "can you be my friend?", "what's your favourite colour", "that's hilarious", "merry christmas!",
    # feelings
    "I'm feeling a bit lonely tonight", "i'm really stressed about my exams", "I just got a promotion!!",
    "I can't sleep", "how do I deal with a breakup",
    # jokes and games of chance
    "tell me a dad joke", "got any programmer jokes?", "tell me a riddle", "flip a coin for me",
    "pick a number between 1 and 10",
    # the world: science, history, geography
    "how far is mars from earth", "how tall is the eiffel tower", "how many bones are in the human body",
    "why do leaves change colour in autumn", "how does a rainbow form", "what is dark matter", "who was cleopatra",
    "when did the berlin wall fall", "how many countries are in africa", "what's the deepest point in the ocean",
    "how old is the universe?", "what language do they speak in brazil", "why do we have leap years",
    "how do airplanes stay in the air", "what's the difference between weather and climate",
    "who invented the light bulb", "how hot is the surface of the sun", "how many moons does jupiter have",
    "why is the ocean salty", "what's the fastest land animal", "difference between a virus and a bacterium",
    "what year did the titanic sink", "what currency does switzerland use", "is pluto still a planet?",
    "how do noise cancelling headphones work", "who wrote one hundred years of solitude",
    "why did the roman empire fall",
    # language and words
    "what's the plural of octopus", "what does 'ubiquitous' mean", "where does the word 'robot' come from",
    "how do you pronounce worcestershire", "is 'irregardless' a real word?",
    # computing concepts
    "difference between RAM and ROM", "hard link vs symbolic link?", "what is an inode",
    "what's the difference between http and https", "what's a checksum", "explain recursion like I'm five",
    "what is an API", "compiler vs interpreter, what's the difference",
    "what's the difference between a cpu and a gpu",
    "what does a router actually do", "how does public key cryptography work",
    "process vs thread, what's the difference", "is git the same thing as github?", "what's a race condition",
    "what is utf-8", "what does the bios do", "how does a vpn work", "is python compiled or interpreted",
    "what are browser cookies", "ssd or hdd for a gaming pc?",
    # questions about programs and tools (asking, not doing)
    "what is blender used for", "is gimp better than krita", "what are the basic vim commands", "what does grep do",
    "what does sed do", "is inkscape good for making logos?", "vlc or mpv, which is better", "is audacity free?",
    "what's obs studio for", "can kdenlive edit 4k video", "is libreoffice calc as good as excel",
    "what is wireshark used for", "what is cron", "vim or emacs, which should I learn?",
    "is signal more private than whatsapp", "what is steam proton", "what can ffmpeg do",
    "what's the best pdf reader for linux", "snap vs flatpak?", "what is tmux for", "what's a good password manager",
    "does zoom work on linux?", "what is rsync", "what's the difference between bash and zsh",
    # advice and recommendations
    "what laptop should I buy for college", "any tips for a job interview?", "how can I sleep better",
    "recommend a podcast about history", "should I learn rust or go", "how do I ask for a raise",
    "best way to learn touch typing", "is it worth buying an electric car", "good board games for 4 people?",
    "what should I get my wife for our anniversary", "how do I stop procrastinating",
    "where should I go on holiday in september",
    # creative writing
    "write a sonnet about the sea", "write a short horror story", "compose a toast for my brother's wedding",
    "give me a slogan for a coffee shop", "make up a story about a dragon who loves tea",
    "help me come up with a plot twist", "draft a linkedin post about my new job",
    "write a funny out-of-office message",
    # translation, and summaries of text not given
    "translate 'happy new year' to chinese", "how do you say cheers in german", "what does carpe diem mean",
    "say 'nice to meet you' in russian", "summarize this article for me", "give me the tl;dr of this thread",
    "sum up what we talked about", "can you shorten this text",
    # arithmetic and conversion
    "what's 7 cubed", "convert 3 cups to milliliters", "how many ounces in a pound", "what's 2 to the power of 16",
    "integral of sin x", "average of 4, 8, 15, 16, 23 and 42", "split a $120 bill between 5 people",
    "convert 30 mph to km/h", "what's 255 in binary", "what's 15% VAT on 240",
    # weather
    "what's the weather going to be like this weekend", "is it windy outside?",
    # screenshots and screen recording
    "screenshot the current window", "grab a screenshot of a selected area", "start recording my screen",
    "stop the screen recording",
    # theme, wallpaper, appearance
    "turn on light mode", "change the accent colour to green", "make the icons bigger", "switch to high contrast",
    "set sunset.jpg as my desktop background",
    # brightness and sound
    "dim the screen a little", "max brightness please", "turn off the keyboard backlight", "volume up",
    "lower the volume to 20", "louder",
    # bluetooth, wifi, vpn
    "pair the new keyboard", "connect to my jbl speaker over bluetooth", "disconnect my headphones",
    "connect to wifi StarbucksWiFi", "switch to the 5ghz network", "turn on the vpn", "import this wireguard config",
    # printing and scanning
    "print two copies of this in colour", "set the hp as my default printer", "print double sided in black and white",
    "scan the document in the scanner to pdf",
    # displays, keyboard, touchpad
    "set the refresh rate to 144hz", "make the second monitor the primary one", "set scaling to 150%",
    "switch the keyboard to french azerty", "swap caps lock and ctrl", "turn off the touchpad",
    "invert the scrolling direction",
    # packages
    "apt install htop", "install gimp with flatpak", "uninstall zoom completely", "update all my flatpaks",
    "upgrade to ubuntu 24.04", "install the microsoft fonts",
    # users, login, firewall
    "create an account for my kid", "add alice to the sudo group", "turn on automatic login",
    "set up fingerprint login", "allow ssh through the firewall", "block all incoming connections",
    # scheduling, autostart, power, system settings
    "add a cron job that runs cleanup.sh every hour", "make syncthing run at login", "hibernate the laptop",
    "change the system language to spanish",
    # trash, undo, clipboard
    "empty the recycle bin", "bring back what I just threw in the trash", "ctrl+z", "redo that",
    "clear the clipboard", "what did I copy last?",
    # windows and workspaces
    "maximise this window", "tile all the windows", "snap the terminal to the right half", "go to the next workspace",
    "keep this window always on top",
    # media playback
    "next track", "go back to the previous song", "shuffle my playlist", "skip ahead 30 seconds",
    "put this song on repeat",
    # mail, calendar, messaging, social media
    "draft an email to the landlord about the heating", "mark all emails as read",
    "add lunch with sam on thursday at noon to my calendar", "am I free friday afternoon?", "cancel tomorrow's standup",
    "reply 'sounds good' to mark on slack", "set my slack status to away", "tweet 'just finished my first marathon'",
    "post my holiday photos on facebook",
    # shopping and smart home
    "add batteries to my amazon cart", "reorder my usual coffee beans", "set the living room lamp to warm white",
    "is the front door locked?", "make the bedroom 22 degrees",
    # git
    "git status", "merge dev into main", "rebase my branch onto main", "tag this commit as v1.0",
    "resolve the merge conflict in app.py", "squash my last three commits",
    # converting and editing media and documents
    "convert song.flac to mp3", "convert notes.md to html", "make this photo black and white",
    "remove the background from this picture", "trim the silence from podcast.mp3", "add subtitles to movie.mp4",
    "ocr this image", "transcribe this voice memo",
    # spelling
    "spell check my cover letter", "is accomodate spelled right?",
    # web searches
    "google how to fix a leaky tap", "search the web for cheap flights to rome",
    "look up reviews of the framework laptop", "search duckduckgo for vegan recipes",
]

OOS_ZH = [
    # 问候、感谢、闲聊
    "早啊", "晚上好", "多谢多谢", "好的收到", "拜拜", "你喜欢什么颜色", "你可以当我的朋友吗", "无聊死了，说点啥吧",
    "中秋快乐",
    # 情感
    "我失恋了", "最近压力好大", "今天升职了，好开心", "我睡不着", "被老板骂了，心情很差",
    # 笑话和小游戏
    "讲个程序员的笑话", "出个脑筋急转弯", "帮我抛个硬币",
    # 天气
    "这周末天气怎么样", "后天上海会下雪吗", "明天要穿外套吗",
    # 百科问答
    "地球有多少岁了", "黄山在哪个省", "李白是哪个朝代的", "秦始皇是哪一年统一六国的", "大熊猫平时吃什么",
    "彩虹是怎么形成的", "海水为什么是咸的", "人体有多少块骨头", "火星离地球有多远", "埃菲尔铁塔有多高",
    "三国演义的作者是谁", "端午节为什么要吃粽子", "飞机为什么能飞起来", "恐龙是怎么灭绝的", "奥运会几年举办一次",
    # 语言文字
    "“卧薪尝胆”的典故是什么", "“内卷”是什么意思", "“龘”这个字怎么读", "“的地得”怎么区分",
    # 计算机概念
    "RAM 和 ROM 有什么区别", "什么是软链接", "DNS 是干什么用的", "HTTP 和 HTTPS 有什么区别", "什么是 API",
    "编译器和解释器有啥区别", "CPU 和 GPU 有什么不同", "git 和 github 是一回事吗", "固态硬盘和机械硬盘哪个好",
    "什么是递归",
    # 关于程序（只是问，不是要做）
    "blender 是做什么的", "gimp 和 krita 哪个好", "vim 怎么用啊", "grep 命令是干嘛的", "ffmpeg 能做什么",
    "obs 是什么软件", "wps 和 office 兼容吗", "audacity 是免费的吗", "linux 上有什么好用的输入法",
    "flatpak 和 snap 有什么区别", "bash 和 zsh 哪个好",
    # 建议和推荐
    "推荐几本好看的科幻小说", "大学生买什么笔记本好", "面试有什么技巧吗", "学 rust 还是学 go 呢",
    "送女朋友什么生日礼物好", "有没有适合新手的健身计划", "怎么克服拖延症", "国庆去哪旅游人少",
    # 写作
    "帮我写一段年会致辞", "写一首关于故乡的现代诗", "给我编个鬼故事", "给我的奶茶店想个广告语",
    "帮我想个小红书标题", "写封道歉信给朋友",
    # 翻译和总结（没给原文）
    "“一路顺风”用英语怎么说", "把这句话翻译成韩语", "butterfly 是什么意思", "帮我总结一下这篇文章",
    "把这段话缩写一下", "总结一下刚才会议的要点",
    # 数学和换算
    "7的立方是多少", "25乘以36等于多少", "1加到100是多少", "3公里是多少英里", "256转成二进制是多少",
    "五个人平摊360块，每人多少", "鸡兔同笼怎么算",
    # 截图和录屏
    "截个全屏", "帮我截一下当前窗口", "开始录屏",
    # 主题、壁纸、外观
    "换成浅色主题", "开启夜间模式", "把壁纸换成纯黑色", "图标调大一点",
    # 亮度和声音
    "屏幕太亮了，调暗点", "亮度调到最大", "声音小一点", "音量开到最大", "取消静音",
    # 蓝牙、wifi、vpn
    "连上我的蓝牙音箱", "断开蓝牙耳机", "连一下公司的 wifi", "切到 5G 的那个 wifi", "连上 vpn", "断开 vpn",
    # 打印和扫描
    "打印一份彩色的", "用双面打印", "把默认打印机设成惠普那台", "扫描一下这份合同",
    # 显示器、键盘、触摸板
    "刷新率调到144", "把外接显示器设成主屏", "屏幕缩放改成125%", "键盘布局改成美式", "禁用触摸板",
    # 安装和卸载软件
    "安装 vscode", "用 apt 装个 htop", "卸载 zoom", "把所有软件都更新一下", "升级到 ubuntu 24.04", "装个搜狗输入法",
    # 用户、登录、防火墙、定时任务
    "给孩子建个账号", "把 alice 加到 sudo 组", "设置指纹登录", "开启防火墙", "每小时跑一次清理脚本",
    "让 syncthing 开机自启",
    # 回收站、撤销、剪贴板
    "把回收站清空吧", "把昨天扔进回收站的照片还原", "撤销", "清空剪贴板", "粘贴一下",
    # 窗口和工作区
    "把这个窗口最大化", "窗口平铺", "切换到下一个工作区", "窗口置顶",
    # 音乐播放
    "暂停音乐", "上一首", "随机播放", "放首周杰伦的歌", "单曲循环",
    # 邮件、日历、聊天、社交
    "给房东写封邮件说暖气坏了", "把这封邮件转发给我爸", "周四中午和小王吃饭，加到日历里", "取消明天的例会",
    "在钉钉上跟领导说我晚点到", "发个朋友圈", "在小红书上发一篇笔记",
    # 购物和智能家居
    "在拼多多上买几卷纸", "帮我抢张火车票", "把客厅的空调关了", "热水器调到50度",
    # git
    "git status", "把 dev 分支合并到 main", "打个 v1.0 的 tag", "解决一下合并冲突",
    # 图片、音视频、文档转换
    "把这张 png 转成 jpg", "把照片变成黑白的", "抠图，把背景去掉", "把 flac 转成 mp3", "把 ppt 转成 pdf",
    "识别一下图片里的文字", "把这段录音转成文字",
    # 拼写和语病
    "检查一下这段话有没有语病", "这句话有错别字吗",
    # 网上查
    "百度一下感冒了吃什么药", "上网查一下最新的 iphone 价格", "帮我网上查查附近有什么好吃的火锅",
]
