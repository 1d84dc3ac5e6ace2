"""Everyday wordings of requests the other areas already cover, said another way.

The planner generalises from phrasings, not from intents: a request whose verb or frame
it never saw in training goes to the intent of its loudest word (a notification with a
title *and* a text became two notifications).  This
area adds fresh wordings, written without looking at the dev split, for:

- desktop.notify with a title and a text introduced by heading / text / message words,
  and a title alone after a colon (English and Chinese);
- timer.remind with the message before or after the delay and the delay said with
  after / from now / 之后 / 以后;
- process.kill of a program called a service process, window, app or program; process.list asked
  for as "what's running"; system.logs of a unit asked for as its journal;
- desktop.open of a web address (visit / load / head to, 访问 / 打开网页);
- files.find listing a folder ("what do I have in …"), folders only ("which folders …");
- files.move said as put / stick / shove / file … in (for named files and a selection);
- files.delete said with 清除 / 清掉 / 删光 and 彻底 (for named files and a selection);
- PAIRS: a notification then a reminder, a new folder then a copy into it, a check that a
  program runs then closing it;
- more out-of-scope requests that borrow an intent's verb for the world outside the
  computer (start the washing machine, open the garage, find my keys), questions of fact,
  and network tasks llmos has no intent for (joining a Wi-Fi network, a VPN).
"""

from __future__ import annotations

TEMPLATES: list = [
    # === desktop.notify ====================================================================
    ("desktop.notify", {"title": "{message}", "body": "{content}"},
     ["show me a popup with the heading '{message}' and the message '{content}'",
      "I want an on-screen alert: heading {message}, text {content}",
      "create a desktop notification - title: '{message}', text: '{content}'",
      "throw up a notification titled '{message}' and have it say '{content}'",
      "notify me with a popup titled {message} whose message is '{content}'",
      "desktop popup please, '{message}' on top and '{content}' underneath"],
     ["弹出桌面通知，标题用“{message}”，内容用“{content}”", "发条通知，题目 {message}，内容 {content}",
      "来个弹窗，标题是{message}，下面写{content}", "桌面提醒一下，标题：{message}，正文：{content}"]),
    ("desktop.notify", {"title": "{message}"},
     ["flash '{message}' on my screen", "pop a notification up saying {message}",
      "throw a desktop notification with '{message}' in it", "on-screen alert: \"{message}\"",
      "give me a desktop notification reading {message}"],
     ["弹出提示：{message}", "通知栏显示：{message}", "发一条桌面提醒，写“{message}”", "显示个通知，内容是“{message}”",
      "屏幕上弹一下：{message}"]),

    # === timer.remind ======================================================================
    ("timer.remind", {"message": "{message}", "in": "{duration}"},
     ["remind me in {duration} that I need to {message}", "set a reminder for {duration} from now to {message}",
      "could you give me a reminder in {duration} to {message}", "remind me to {message} after {duration}",
      "after {duration} remind me: {message}", "reminder to {message} in {duration} please",
      "in {duration} tell me to {message}", "I need to {message} in {duration}, please remind me"],
     ["{duration}之后提醒我一下{message}", "设个提醒，{duration}后{message}", "{duration}后记得提醒我{message}",
      "等{duration}提醒我去{message}", "过{duration}叫我一声：{message}"]),

    # === process.kill / process.list / system.logs =========================================
    ("process.kill", {"name": "{proc}"},
     ["terminate the {proc} service process", "stop the running {proc} process",
      "close every {proc} window", "shut the {proc} app down",
      "please end the {proc} program"],
     ["{proc} 卡死了，把它关掉", "把后台的 {proc} 进程杀了", "不用 {proc} 了，关掉吧", "结束掉 {proc} 这个程序"]),
    ("process.list", {},
     ["what's running on this machine right now?", "which programs are running", "show me everything that's running",
      "give me the process list"],
     ["现在都在跑些什么程序", "看看后台进程", "当前运行的进程有哪些", "列一下系统里正在跑的东西"]),
    ("system.logs", {"unit": "{unit}"},
     ["{unit}'s journal please", "pull the journal for {unit}", "get me the {unit} logs",
      "what's in the {unit} journal"],
     ["看看 {unit} 的日志", "{unit} 日志给我看下", "调出 {unit} 的 journal"]),

    # === desktop.open of a web address =====================================================
    ("desktop.open", {"target": "{url}"},
     ["load {url} in my browser", "show me the page {url}", "bring up {url} in a browser tab"],
     ["在浏览器里看看 {url}", "用浏览器访问一下 {url}"]),

    # === files.find: listing a folder ======================================================
    ("files.find", {"path": "{dir}"},
     ["what do I have in {dir}", "what files are sitting in {dir}?", "list everything inside {dir}",
      "show the contents of {dir}", "what's inside {dir}?"],
     ["{dir}里都有些什么", "列出{dir}里的东西", "{dir}下面有哪些文件", "看看{dir}里面装了什么"]),
    ("files.find", {"path": "{dir}", "type": "dir"},
     ["which folders are in {dir}", "subfolders of {dir}?",
      "show me the directories inside {dir}", "what folders do I have under {dir}"],
     ["只列出{dir}下的目录", "{dir}里面的子文件夹有哪些"]),

    # === files.move said as put / stick / shove =============================================
    ("files.move", {"sources": "{files}", "destination": "{dir}"},
     ["stick {files} in {dir}", "shove {files} over into {dir}",
      "file {files} away in {dir}", "{files} belong in {dir}, put them there"],
     ["把{files}放到{dir}里", "{files}放进{dir}", "把{files}挪进{dir}去", "{files}归到{dir}里"]),

    # === files.delete said with 清除 / 清掉 / 删光 ============================================
    ("files.delete", {"paths": "{files}"},
     [],
     ["把{files}彻底清除", "{files}清除干净，不留在回收站", "{files}给我彻底删光"]),
]

FOLLOW = [
    ("files.move", {"sources": "@0.paths", "destination": "{dir2}"},
     ["stick {sel} into {dir2}", "{sel} should go in {dir2}"],
     ["把{sel}挪进{dir2}", "{sel}都放进{dir2}"]),
    ("files.delete", {"paths": "@0.paths"},
     [],
     ["{sel}彻底清除掉", "把{sel}全部清除干净", "{sel}统统彻底删光"]),
]

PAIRS = [
    (("desktop.notify", {"title": "{content}"}), ("timer.remind", {"message": "{message}", "in": "{duration}"}),
     ["pop up \"{content}\" now, then remind me to {message} in {duration}",
      "send a notification saying '{content}', and in {duration} remind me to {message}"],
     ["先弹个通知“{content}”，{duration}后再提醒我{message}", "通知我“{content}”，然后{duration}后提醒我{message}"]),
    (("files.mkdir", {"path": "{dir}/{leaf}"}), ("files.copy", {"sources": "{files}", "destination": "{dir}/{leaf}"}),
     ["create a folder called {leaf} inside {dir}, then copy {files} there",
      "new folder {leaf} under {dir}, and put copies of {files} in it"],
     ["在{dir}里建一个 {leaf} 文件夹，把{files}复制进去", "{dir}下新建 {leaf} 目录，然后把{files}拷进去"]),
    (("process.find", {"name": "{proc}"}), ("process.kill", {"name": "{proc}"}),
     ["see if {proc} is running and if so close it", "is {proc} still up? if it is, kill it",
      "check for a running {proc} and stop it"],
     ["看下 {proc} 还在不在跑，在的话关掉它", "查一下 {proc} 进程，然后结束它"]),
]

OOS_EN = [
    # an intent's verb, used for the world outside the computer
    "start the washing machine", "open the garage door", "turn on the kitchen lights", "find my car keys",
    "bake me a cake", "start the dishwasher", "close the curtains", "open a bottle of wine",
    "find a good restaurant nearby", "kill some time with me", "launch a rocket",
    "move my dentist appointment to friday", "delete my facebook account", "download more ram",
    # questions of fact
    "how deep is lake baikal", "what's the population of china", "what is the speed of light",
    "when was the printing press invented",
    # network tasks without an intent
    "connect me to the wifi called CoffeeShop", "hop onto my neighbour's wireless network", "forget the office wifi",
    "change my dns server to 1.1.1.1", "share my internet over a hotspot",
]

OOS_ZH = [
    "帮我把洗衣机打开", "打开车库门", "把客厅的灯关了", "帮我找一下车钥匙", "给我煮碗面", "帮我订一张去上海的机票",
    "长江有多长", "中国有多少人口", "蒙娜丽莎是谁画的", "煮鸡蛋要几分钟",
    "连上名叫 CoffeeShop 的无线网", "帮我开一下VPN", "把DNS改成 1.1.1.1", "开个热点给手机用",
]
