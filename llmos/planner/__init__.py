"""The planner: a request in natural language → a plan of registered intents.

    from llmos.planner import plan_request
    outcome = plan_request("show the 5 biggest files in Downloads", registry, ctx)
    outcome.plan      # a prepared Plan: normalised, validated arguments
    outcome.planner   # "embedded" | "llm" | "none"

Routing: the embedded planner first; if it is not confident, or it finds no
step for something that looks like a task, and an LLM is configured, the LLM
plans.  The planner never decides safety: dangerous requests are planned as
asked and the policy engine judges them.  Heavy imports (torch, the engine)
happen only when a model is loaded.
"""

from __future__ import annotations

import posixpath
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from llmos.errors import PlanError
from llmos.plan.model import Plan, Step
from llmos.plan.refs import is_ref, moved_refs, referenced_steps
from llmos.planner.canon import EXTRACT_WORD, LOGS_NAMED, taken_back
from llmos.planner.language import NONE, STEP_SEPARATOR
from llmos.planner.spelling import PROGRAMS

CONFIDENT = 0.5      # the least certain free choice of a plan the embedded planner keeps
# A plan whose first choice gave this much to "none" is one the model nearly declined.  On
# the dev split such plans were mostly out-of-scope requests (36 of 55 at 0.1, for an earlier
# model; 6 right plans): declining them, or asking the configured LLM, wins several times what
# it loses.  The averaged model gives "none" more to plain requests ("inxi", "what program is
# 535?" at 0.13): at 0.2 the dev split plans 9 more right and declines every out-of-scope
# request it did at 0.1, and the blind hand-written sets are unchanged.
DOUBTS_NONE = 0.2
# How many clauses left out of one plan are asked of the model again, one after another.
_CLAUSES_ASKED_AGAIN = 3

_TASK_WORDS = re.compile(
    r"\b(find|show|list|delete|remove|trash|move|copy|open|kill|start|launch|run|stop|download|"
    r"fetch|extract|unzip|zip|compress|create|make|write|read|search|ping|check|clean|free|install|"
    r"rename|backup|back up|send|remind|notify)\b|[/~]|查找|删除|打开|关闭|下载|复制|移动|列出|显示|"
    r"清理|压缩|解压|启动|结束|提醒|通知|新建|创建", re.IGNORECASE)


def looks_like_task(request: str) -> bool:
    """A cheap guess that a request asks for an action (only used to call a configured LLM)."""
    return bool(_TASK_WORDS.search(request))


NOTHING_TO_DO = 'Tell me what to do, for example: ask "show the 5 biggest files in Downloads".'


def _in_chinese(request: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", request) is not None


def no_step_reply(request: str) -> str:
    if _in_chinese(request):
        return "抱歉，这件事我在这台电脑上做不了。用 `llmosctl intents list` 看看我能做什么。"
    return "Sorry, that is not something I can do on this computer. See `llmosctl intents list` for what I can do."


def unsure_reply(request: str) -> str:
    if _in_chinese(request):
        return "我不确定你想让我做什么，这也许不是我在这台电脑上能做的事。请说得具体一些，或者用 `llmosctl intents list` 看看我能做什么。"
    return ("I am not sure what you want done, and it may not be something I can do on this computer. "
            "Say it as a task, or see `llmosctl intents list` for what I can do.")


@dataclass
class Outcome:
    request: str
    plan: Plan
    planner: str                    # embedded | llm | none
    confidence: float = 0.0
    none_prob: float = 0.0          # what the planner's first choice gave to planning nothing
    text: str = ""                  # the plan language the model wrote
    error: str | None = None        # why a draft was rejected, when it was
    timings: dict = field(default_factory=dict)


def finalise(request: str, text: str, registry: Any, ctx: Any, read: str = "") -> Plan:
    """Plan text → a prepared Plan (normalised by the foundation's code); PlanError if invalid.
    ``read``: the request as the model read it, typos mended, for the words it states."""
    from llmos.intents.manifest import _format_of
    from llmos.plan.executor import prepare_plan
    from llmos.planner.canon import is_pathish
    from llmos.planner.language import parse_plan
    from llmos.planner.paths import paths_as_written
    from llmos.planner.said import held_to_the_request

    intents = {i.name: i for i in registry}
    path_args = {i.name: frozenset(k for k, p in i.properties.items() if is_pathish(_format_of(p))) for i in registry}
    said = read or request
    steps = paths_as_written(parse_plan(text.strip(), intents), said, path_args)
    steps = held_to_the_request(steps, said, request)
    steps = line_breaks_only_append(beside_the_source(renamed_beside_source(without_repeats(steps)), said))
    steps = into_the_new_folder(sources_up_to_destination(source_before_destination(steps, said), said), said)
    steps = fetched_where_asked(appended_as_asked(deleted_as_asked(deletions_planned(steps, said), said), said), said)
    steps = unpacked_where_said(downloads_named_as_asked(steps, said), said)
    steps = ports_of_the_process_named(ports_of_the_program_that_listens(steps, said), said)
    steps = port_holders_as_asked(usage_totals_as_asked(steps, said), said)
    steps = connections_as_asked(steps, said)
    steps = status_is_no_change(options_as_said(given_paths_written_out(steps), said), said)
    steps = command_lines_run(piped_into_a_shell(steps, said), said)
    steps = downloads_run_as_asked(port_holders_ended(steps, said), said)
    asked = read_or_listed(looks_without_a_topic(unasked_steps_dropped(steps, said), said),
                           lambda path: kind_on_disk(path, ctx))
    reply = None if asked else unsure_reply(request) if steps else no_step_reply(request)
    plan = Plan(asked, reply, request)
    return prepare_plan(plan, registry, ctx)


# How a request asks to delete: for good, or to the trash.  A word for permanence
# ("permanently", "for good", rm, shred, 彻底, 永久, ...) asks for it unless a negation just
# before takes it back ("not permanently", "rather than erasing them", 不要永久删除); a way
# back refused ("so it can't be restored", 不可恢复) or the trash refused ("skip the trash",
# "not just to the trash", 不要放回收站) asks for it too; any other mention of the trash asks
# for the trash, and so does a permanence taken back.  A negation reaches across a clause,
# never across a sentence (a dot in "a.txt" is none).
_REACH = r"(?:[^.;]|\.(?=\S)){0,40}"
_TRASH = r"(trash\w*|(?=\w{4,7}\b)t+r*a*s*a*h+\b)"   # and its slips the speller leaves: trsh, trah, ttash, traash, trassh
_PERMANENCE_WORD = re.compile(
    r"perman\w*|for good|forever|for ever|once and for all|irrecoverabl\w*|unrecoverabl\w*|irreversibl\w*|"
    r"irretrievabl\w*|\bsecure(ly)?\b|"
    r"(^|[\s;&|(])(sudo )?rm\b|\bshred\w*|\bwip(e|ed|ing)\b|\bnuk(e|ed|ing)\b|\bhard[- ]?delet\w*|\bpurg\w*|"
    r"\berase\w*|\bobliterat\w*|\bdestroy\w*|\bcompletely\b|\bentirely\b|\boutright\b|shift\s*\+\s*del\w*|"
    r"彻底|永久|永远|粉碎|硬删|删干净|删除干净|清除干净", re.IGNORECASE)
_NO_WAY_BACK = re.compile(
    r"nothing to (restore|recover|undo)|"
    rf"\b(can'?t|cannot|can not|won'?t|never|no way to|not|don'?t|nobody|no one)\b{_REACH}"
    r"\b(restor|recover|undo|undone|get\w* \w+ back|bring \w+ back)|"
    r"不可恢复|找不回|(不|没|无|别).{0,6}恢复", re.IGNORECASE)
_TRASH_REFUSED = re.compile(
    r"\b(no|not|without|skip\w*|bypass\w*|avoid\w*|don'?t|do not|never|instead of|rather than|won'?t|isn'?t|"
    rf"aren'?t)\b{_REACH}\b({_TRASH}|bin\b|recycl\w*|wastebasket)|"
    r"(不|别|无需|不用|不要|跳过|绕过|绕开|不经|不走|不进|不放|不丢|不扔|而不是|不是).{0,8}(回收站|废纸篓)|"
    r"(回收站|废纸篓)[^，。,；;！!]{0,3}(别|不)(用|要|放|进|走|去)", re.IGNORECASE)
_TRASH_WORD = re.compile(rf"\b{_TRASH}|\bbin\b|recycl\w*|wastebasket|回收站|废纸篓", re.IGNORECASE)
# a refusal refused: "don't skip the trash", 不用跳过回收站 ask for the trash
_SKIP_REFUSED = re.compile(r"\b(don'?t|do not|never|no need to)\s+(skip|bypass|avoid)\w*|(不用|不要|别|无需|不必)(跳过|绕过|绕开)",
                           re.IGNORECASE)


def deletion_asked(request: str) -> tuple[bool, bool]:
    """(permanence asked, trash asked) in the request's words; both may hold ("permanently
    delete the logs and trash the rest"), or neither ("delete ~/a.txt")."""
    permanent = trash = False
    for m in _PERMANENCE_WORD.finditer(request):
        if taken_back(request, m.start()):
            trash = True
        else:
            permanent = True
    refused = [m.span() for m in _TRASH_REFUSED.finditer(request) if not _SKIP_REFUSED.match(request, m.start())]
    permanent = permanent or bool(refused) or bool(_NO_WAY_BACK.search(request))
    trash = trash or any(not any(a <= m.start() < b for a, b in refused) for m in _TRASH_WORD.finditer(request))
    return permanent, trash


def deleted_as_asked(steps: list, request: str) -> list:
    """files.delete cannot be undone; its manifest says to use it only when the person asks
    for that.  A small model that learnt "delete X, bypass the trash" sometimes hears only
    "delete X", or hears "trash" in "for real, not just to the trash".  So a permanent
    deletion the request never asks for goes to the trash, and a trashing goes for good only
    when the request asks for permanence and never for the trash.  Both keep the same paths;
    every files.delete still asks the person before it runs (policy default)."""
    permanent, trash = deletion_asked(request)
    if not permanent:
        return [Step("files.trash", s.args) if s.intent == "files.delete" else s for s in steps]
    if not trash:
        return [Step("files.delete", s.args) if s.intent == "files.trash" else s for s in steps]
    return steps


# Asked outright to delete: a verb for it, not asked about ("can I delete …?", "safe to remove",
# 可以删吗) nor taken back ("don't delete").
_DELETE_VERB = re.compile(r"(?<![\w./~-])(?:delete|remove|rm|trash|erase|wipe|nuke|get rid of|bin|toss|throw (?:it |them )?away)"
                          r"(?![\w/-]|\.\w)|"
                          r"删|清空|扔|干掉|抹掉|除掉|丢掉", re.IGNORECASE)
_ASKED_ABOUT = re.compile(r"\b(?:can|could|should|shall|may|might|safe to|ok(?:ay)? to|which|what)\b[^.;,!?]{0,30}$|"
                          r"(?:可以|能|该|能不能|可不可以|哪些)[^，。]{0,6}$", re.IGNORECASE)
_EVERYTHING_IN = re.compile(r"\b(?:everything|every\s+(?:file|thing)|all\s+(?:the\s+)?(?:files|stuff|contents?))\s+(?:in|inside|under|on)\b|"
                            r"\bwhole\b|\bentire\b|整个|所有东西|全部东西|所有文件|全部文件|里面的东西", re.IGNORECASE)


def deletions_planned(steps: list, request: str) -> list:
    """"/usr 太占地方了，帮我删了", "I already printed ~/Downloads/report.pdf, so get rid of it": a
    request that says outright to delete, whose plan only looks at one place or reads one file
    (the model dropped the deletion), deletes what it looked at: what a search
    found, or the folder itself when the search names nothing to look for.  And a search of
    everything in a folder only to delete all it finds ("delete everything in my home folder
    permanently") deletes that folder, which the policy can judge before anything runs.
    Questions ("which files can I delete?") and deletions taken back plan nothing more."""
    verb = next((m for m in _DELETE_VERB.finditer(request)
                 if not taken_back(request, m.start()) and not _ASKED_ABOUT.search(request[:m.start()])), None)
    if verb is None or request.rstrip().endswith(("?", "？", "吗")):
        return steps
    permanent, trash = deletion_asked(request)
    intent = "files.delete" if permanent and not trash else "files.trash"
    deleting = [k for k, s in enumerate(steps) if s.intent in ("files.trash", "files.delete")]
    finds = [k for k, s in enumerate(steps) if s.intent == "files.find"]
    unfiltered = lambda s: not any(a in s.args for a in ("name", "ext", "type", "larger_than", "smaller_than",
                                                         "older_than", "newer_than", "modified_within"))
    if not deleting and len(steps) == 1 and steps[0].intent in ("files.find", "files.usage", "files.read") \
            and isinstance(steps[0].args.get("path"), str):
        look = steps[0]
        if look.intent == "files.find" and not unfiltered(look):
            return [look, Step(intent, {"paths": {"$ref": "steps[0].paths"}})]
        return [Step(intent, {"paths": [look.args["path"]]})]
    if (len(steps) == 2 and finds == [0] and deleting == [1] and unfiltered(steps[0])
            and steps[1].args.get("paths") == {"$ref": "steps[0].paths"} and _EVERYTHING_IN.search(request)
            and isinstance(steps[0].args.get("path"), str)):
        return [Step(steps[1].intent, {"paths": [steps[0].args["path"]]})]
    return steps


# The words a request uses to ask for an end: of files (delete, trash, "get rid of", "dispose
# of", "can go", 删, 扔, 回收站, ...) or of a process (kill, stop, quit, close, pause, resume,
# restart, 结束, 关, 杀, 停, ...), with the slips the speller leaves in short words.  Broad
# on purpose: they only tell whether such a step was asked for at all.
# a word, even right beside Chinese ("同时killall掉"), never a piece of a path or file name ("~/go", ".go")
_LATIN_WORD = r"(?<![A-Za-z0-9_./~])(?:{})(?![A-Za-z0-9_/]|\.\w)"
_ENDS_FILES = re.compile(_LATIN_WORD.format(
    rf"delet\w*|del|remov\w*|rm|rmdir|unlink\w*|{_TRASH}|bin|recycl\w*|wastebasket|eras\w*|wip(e|ed|es|ing)|wpe|wie|"
    r"nuk\w*|purg\w*|shred\w*|destroy\w*|obliterat\w*|discard\w*|throw\w*|threw|thrown|toss\w*|dump\w*|"
    r"ju?nk\w*|chuck\w*|dispos\w*|rid|clean\w*|clear\w*|eliminat\w*|scrap\w*|ditch\w*|empty\w*|zap\w*|axe|"
    r"drop\w*|lose|gone|(?:can|could|should|must|may|has to|have to|needs? to|gotta|got to|let (?:it|them|those|these)) go|"
    r"away|bye|goodbye|forever|for good|perman\w*|anymore|(don'?t|no longer) need") +
    r"|删|清|扔|回收|废纸篓|垃圾|丢|去掉|移除|干掉|不要了|不需要|用不着|粉碎|抹掉|除掉", re.IGNORECASE)
_ENDS_PROCESSES = re.compile(_LATIN_WORD.format(
    r"kill\w*|kil+|kll|klil|pkill|stop\w*|stp|sotp|end|ends|ending|quit\w*|qut|quti|qiut|clos\w*|"
    r"terminat\w*|term|shut\w*|halt\w*|paus\w*|suspend\w*|freez\w*|froze\w*|free|resum\w*|continu\w*|"
    r"unpaus\w*|unfreez\w*|wak\w*|woke|signal\w*|si+g\w*|hup|int|ctrl[- +]?c|reload\w*|restart\w*|"
    r"interrupt\w*|abort\w*|rid|murder\w*|nuk\w*|exit\w*|eit|die|dies|dead|finish\w*|cancel\w*|hang\w*|"
    r"hung|stuck|sleep\w*|down|off|out|away|hold|carry|swap\w*|shoot|forc\w*") +
    r"|结束|关|杀|停|暂停|恢复|退|终止|信号|干掉|重载|重启|中断|继续|接着|唤醒|冻结|挂起|弄死|干死|卡死|卡住", re.IGNORECASE)
# and the words for making a folder (make, create, new, mkdir, folder, directory, 建, 文件夹, 目录)
_MAKES_FOLDERS = re.compile(_LATIN_WORD.format(
    r"mkdir|md|mk\w*|mak\w*|made|creat\w*|new|set up|setup|build|prepare|"
    r"[A-Za-z]*folder\w*|[A-Za-z]*dir\w*|directory|directories") + r"|建|文件夹|目录|夹", re.IGNORECASE)
_ASKED_BY = {"files.delete": _ENDS_FILES, "files.trash": _ENDS_FILES, "process.kill": _ENDS_PROCESSES,
             "files.mkdir": _MAKES_FOLDERS}


# Steps a small model adds as an afterthought: a process list after "which DNS servers is this
# machine using?" or after a kill, an open of the folder just made ("make a folder ~/Music/Vinyl Rips"),
# a process's details or the network's status beside a new folder ("在文档里建个文件夹，叫 2025 报销"),
# the OS beside a download, a folder's size beside a search.  They go
# when the request has no word for them and they are not the whole plan ("what's slowing my
# machine down?" needs no word for processes).
_LISTS_PROCESSES = re.compile(_LATIN_WORD.format(
    r"process\w*|procs?|programs?|apps?|applications?|tasks?|running|cpus?|memory|mem|ram|hog\w*|top|htop|ps|"
    r"resources?|load|slow\w*|heavy|hungry|alive|active|live") + r"|进程|程序|应用|软件|内存|占用|运行|资源|CPU|cpu|卡|慢", re.IGNORECASE)
_OPENS = re.compile(_LATIN_WORD.format(
    r"open\w*|show\w*|view\w*|launch\w*|brows\w*|display\w*|look|see|reveal\w*|start\w*|play\w*|watch\w*|read\w*|"
    r"edit\w*|go|take me|bring up|pull up|visit\w*") + r"|打开|看|显示|浏览|开|播放|访问|进入", re.IGNORECASE)
_ABOUT_A_PROCESS = re.compile(_LATIN_WORD.format(
    r"process\w*|procs?|pids?|programs?|apps?|applications?|tasks?|running|daemons?|services?|details?|info\w*|"
    r"about|it|its|that|this|them|cmdline|command|ps|top|htop") + r"|进程|程序|应用|软件|服务|详情|信息|它", re.IGNORECASE)
_ABOUT_THE_NETWORK = re.compile(_LATIN_WORD.format(
    r"net\w*|internet|online|offline|connect\w*|wi-?fi|wlan|wireless|ethernet|ip|ips|dns|gateway|routes?|router|"
    r"interfaces?|ssid|hotspot|vpn|lan|web|status|mac|address\w*|hostname|ifconfig|nmcli|iwconfig") +
    r"|网|联网|上网|连接|热点|路由|接口|状态|地址|网卡|MAC|mac", re.IGNORECASE)
_ABOUT_THE_MACHINE = re.compile(_LATIN_WORD.format(
    r"system|sys|os|kernel|distro\w*|version|release|cpus?|processors?|cores?|memory|mem|ram|swap|batter\w*|charg\w*|"
    r"uptime|up|boot\w*|disks?|storage|space|specs?|machine|computer|laptop|pc|hardware|info\w*|neofetch|inxi|overview|"
    r"health|status|temperature|temps?|hot|reboot\w*|restart\w*|since|long|free|load|"
    r"average|adapter|power|plugged|ac|running|fast|slow|model|arch\w*|64-?bit|32-?bit|hostname|distribution|gpu|"
    r"graphics") +
    # and inside a path or a command line ("cat /proc/cpuinfo")
    r"|cpuinfo|meminfo|os-release|uname|lscpu|系统|内核|版本|处理器|内存|电池|电量|充电|多少电|电源|笔记本|开机|配置|"
    r"硬件|磁盘|硬盘|机器|电脑|信息|状态|多久|核|线程|负载|温度|型号", re.IGNORECASE)
_ABOUT_SIZES = re.compile(_LATIN_WORD.format(
    r"big\w*|large\w*|size\w*|space|room|usage|du|storage|disk|heav\w*|weigh\w*|much|total|hog\w*|full") +
    r"|大小|空间|占用|多大|容量|占了|总共|一共|用掉|用了|硬盘|磁盘", re.IGNORECASE)
_PACKS = re.compile(_LATIN_WORD.format(r"zip\w*|compress\w*|pack\w*|archiv\w*|tar\w*|tgz|gz|xz|7z|bundle\w*|backup\w*|back up")
                    + r"|压缩|打包|归档|备份", re.IGNORECASE)
_REMINDS = re.compile(_LATIN_WORD.format(r"remind\w*|alarm\w*|timer|wake|ping me|nudge") + r"|提醒|闹钟|定时|叫我",
                      re.IGNORECASE)
_ABOUT_DISKS = re.compile(_LATIN_WORD.format(
    r"disks?|drives?|volumes?|partitions?|mount\w*|storage|space|room|free|full|df|lsblk|findmnt|usb|ssd|hdd|nvme|"
    r"filesystems?|file systems?") + r"|磁盘|硬盘|分区|挂载|空间|存储|U盘|u盘|盘", re.IGNORECASE)
_ABOUT_LOGS = re.compile(_LATIN_WORD.format(
    r"logs?|logged|logging|journal\w*|dmesg|syslog|errors?|warn\w*|crash\w*|fail\w*|boot\w*|kernel|messages?|"
    r"events?|happened|wrong|broke\w*|panic\w*|segfault\w*|oom|said|says|records?|entr(?:y|ies)|lines?|output|"
    r"complain\w*|going on|went on|history") +
    r"|日志|报错|错误|崩溃|记录|失败|异常|警告", re.IGNORECASE)
# Looks at the machine a plan of one step must have been asked about, and the words of each
# topic (`looks_without_a_topic`).
_LOOKS_NEED = {"system.info": _ABOUT_THE_MACHINE, "system.disks": _ABOUT_DISKS, "system.logs": _ABOUT_LOGS,
               "net.status": _ABOUT_THE_NETWORK}
_NOTIFIES = re.compile(_LATIN_WORD.format(r"notif\w*|alert\w*|pop\s*up|popup|banner|toast|message|let me know|tell me|ping me|"
                                          r"say\w*|shout|announce|remind\w*") + r"|通知|弹|提示|提醒|告诉我|说一声|喊我", re.IGNORECASE)
_ADDED_UNLESS = {"timer.remind": _REMINDS, "files.compress": _PACKS, "process.list": _LISTS_PROCESSES,
                 "desktop.notify": _NOTIFIES,
                 "desktop.open": _OPENS, "process.info": _ABOUT_A_PROCESS, "net.status": _ABOUT_THE_NETWORK,
                 "system.info": _ABOUT_THE_MACHINE, "files.usage": _ABOUT_SIZES}


def _afterthought(steps: list, k: int) -> bool:
    """An open of what another step of the plan already names ("make a folder X" and open X);
    a packing beside an unpacking; any other look at the machine."""
    if steps[k].intent == "files.compress":       # the archive just unpacked, packed again: 解压 … 放到 …
        return any(s.intent == "files.extract" and steps[k].args.get("sources") == [s.args.get("archive")] for s in steps)
    if steps[k].intent != "desktop.open":
        return True
    target = steps[k].args.get("target")
    return any(target in (v if isinstance(v, list) else [v]) for j, s in enumerate(steps) if j != k for v in s.args.values())


_NAMED_LOOKS = {"system.logs": LOGS_NAMED,
                "net.status": re.compile(r"\b(?:wi-?fi|internet|network|ip address)\b|网络|联网", re.IGNORECASE)}


def looks_without_a_topic(steps: list, request: str) -> list:
    """A plan of nothing but one look at the machine (its info, disks, logs or network), in a
    request with no word of that topic, answers something else: "how many cm in an inch" is
    no question about the disk, and there is nothing to plan (the reply says so); "show me the
    logs", answered with the disks, is the one look whose topic the request does name."""
    if len(steps) != 1 or steps[0].intent not in _LOOKS_NEED or _LOOKS_NEED[steps[0].intent].search(request):
        return steps
    # "show me the logs" had looked at the disks: the one look whose topic the request names
    named = [intent for intent, words in _NAMED_LOOKS.items() if words.search(request)]
    return [Step(named[0], {})] if len(named) == 1 else []


# What the person says they did already: "I thought I closed it", "I've deleted the old ones".
_DONE_ALREADY = re.compile(r"\b(?:I|I've|I have|I had|we|we've)\s+(?:already\s+|just\s+)?(?:\w+ed|quit|shut|made)\b",
                           re.IGNORECASE)


# What a program does or fails to do, said of it beside a question: "Is Slack still running?
# It never seems to quit properly." ("vlc won't close, force it" still asks for the end.)
_WHAT_IT_DOES = re.compile(r"\b(?:never|won'?t|doesn'?t|didn'?t|can'?t|cannot|refuses to|fails to|seems to|seem to|tends to)"
                           r"(?:\s+\w+){0,2}?\s+(?:quit|close|exit|stop|die|end|shut\s+down)\w*", re.IGNORECASE)


def unasked_steps_dropped(steps: list, request: str) -> list:
    """A small model that learnt "find the .tmp files and trash them" sometimes adds the
    trashing to "list every .docx in ~/Documents", a deletion to "create a directory", a
    kill to a question about a process, or answers "take a screenshot" with a new folder.  A
    step that deletes files, signals processes or makes a folder, in a request with no word
    for that, was not asked for, and goes; so does a process list or an open added to other
    steps (``_ADDED_UNLESS``); later steps' references move with the steps they
    name.  A step that a later step refers to stays: the plan would not hold without it.
    Every such step that does stay is still one the policy decides."""
    referred = set().union(*(referenced_steps(s.args) for s in steps))
    asked = _DONE_ALREADY.sub(" ", request)      # "I thought I closed it" asks for no closing
    if "?" in request:                           # nor, beside a question, "it never seems to quit"
        asked = _WHAT_IT_DOES.sub(" ", asked)
    kept = [k for k, s in enumerate(steps)
            if s.intent not in _ASKED_BY or _ASKED_BY[s.intent].search(asked) or k in referred]
    extra = [k for k in kept if steps[k].intent in _ADDED_UNLESS and k not in referred
             and not _ADDED_UNLESS[steps[k].intent].search(request) and _afterthought(steps, k)]
    if extra and len(extra) < len(kept):
        kept = [k for k in kept if k not in extra]
    if len(kept) == len(steps):
        return steps
    return [Step(steps[k].intent, moved_refs(steps[k].args, kept.index)) for k in kept]


# A request to change the network: connect to, join, forget or leave a wifi network, turn
# bluetooth or a VPN on or off (连上, 断开, 忘记 …); no intent does that.
_CHANGES_NETWORK = re.compile(
    r"\b(connect|join|forget|disconnect|reconnect|switch|turn on|turn off|enable|disable|toggle)\b|"
    r"连上(?!了?吗|没|了没)|连接到|连到|连一下|断开|忘记|忘掉|切换到|打开|关闭|关掉|开启", re.IGNORECASE)
_NETWORK_THING = re.compile(r"\b(wi-?fi|wlan|wireless|network|ssid|hotspot|vpn|bluetooth)\b|无线|网络|热点|蓝牙|wifi|vpn",
                            re.IGNORECASE)


def status_is_no_change(steps: list, request: str) -> list:
    """"connect to the wifi network homenet", 断开无线网络: a plan of nothing but
    ``net.status`` (or other looks at the machine) for a request to change the network only reads it; no intent makes the
    change, so there is nothing to plan (the reply says so)."""
    if (steps and all(s.intent in _ONLY_LOOKS for s in steps)
            and _CHANGES_NETWORK.search(request) and _NETWORK_THING.search(request)):
        return []
    return steps


# Steps that only look at the machine: none of them changes a network ("连上名叫 Home-5G 的 Wi-Fi"
# had listed processes).
_ONLY_LOOKS = frozenset({"net.status", "process.list", "system.info", "net.ports"})


def read_or_listed(steps: list, kind_of: Callable[[str], str | None]) -> list:
    """"what's in X?" is X's text when X is a file and its listing when X is a folder; the
    words do not say which, the disk does.  A ``files.read`` of a folder (it would fail) lists
    the folder, and a bare ``files.find`` of a file (it would list that one file) reads it.
    ``kind_of(path)`` is "file", "dir" or None (not there, or not known)."""
    out = []
    for s in steps:
        path = s.args.get("path")
        if isinstance(path, str):
            if s.intent == "files.read" and kind_of(path) == "dir":
                s = Step("files.find", {"path": path})
            elif s.intent == "files.find" and set(s.args) == {"path"} and kind_of(path) == "file":
                s = Step("files.read", {"path": path})
        out.append(s)
    return out


def kind_on_disk(path: str, ctx: Any) -> str | None:
    """"file" or "dir" for a path as a step names it, read as the plan's normaliser reads it
    (~, the working folder, ~/下载 for ~/Downloads); None when nothing is there or it is no
    path.  Only the path's kind is looked at, never its content."""
    import os

    from llmos.errors import NormaliseError
    from llmos.plan.normalise import normalise_path

    try:
        full = normalise_path(path, ctx.cwd, ctx.home)
    except NormaliseError:
        return None
    return "dir" if os.path.isdir(full) else "file" if os.path.isfile(full) else None


# How a request asks to add to a file rather than write it anew: "append", "at the end of",
# "to the bottom of", "a new line", "don't overwrite", echo … >>, "log 'x' to", 追加, 末尾,
# 最后面, 补一行, 别覆盖 ... ; a negation before takes it back ("don't append, overwrite it").
_APPEND_WORD = re.compile(
    r"\bappend\w*|\b(at|to|on)(?: the)? (end|bottom)\b|\b(a )?new line\b|\banother line\b|>>|"
    r"\blog\s+['\"“‘]|"
    r"\bdon'?t overwrite|\bwithout overwriting|\bnot overwrite|"
    r"追加|末尾|结尾|最后面|后面加|后面添|后面写|后面补|最后加|最后添|最后再写|最后写|再加一行|加一行|添一行|补一行|"
    r"再写一行|(别|不要|不用|勿)覆盖", re.IGNORECASE)


# Words for writing a file anew: write, overwrite, replace, 写入, 覆盖 (not "don't overwrite").
_WRITTEN_ANEW = re.compile(r"\b(write|writes|overwrite\w*|replace\w*|clobber\w*)\b|写入|写进|写成|(?<![别不勿])(?<!不要)(?<!不用)覆盖",
                           re.IGNORECASE)


def appended_as_asked(steps: list, request: str) -> list:
    """"append 'PermitRootLogin yes' to /etc/ssh/sshd_config" keeps the file and adds a line:
    a request in the words of appending makes its one files.write step an append, whatever
    the model chose (writing the file anew would lose what it held), and the line it adds
    ends its line, as the appends the model was trained on do (the next append would
    otherwise run on in the same line).  And a request in the words of writing anew
    ("write 'My Blog' into …/README.md", 写入) and none of appending writes the file anew, where
    the model had appended."""
    writes = [s for s in steps if s.intent == "files.write"]
    asked = any(not taken_back(request, m.start()) for m in _APPEND_WORD.finditer(request))
    if len(writes) == 1 and not asked and writes[0].args.get("append") is True and _WRITTEN_ANEW.search(request):
        # "create ~/blog and write 'My Blog' into ~/blog/README.md": written, not added to
        args = {**writes[0].args, "append": False}
        return line_breaks_only_append([Step(s.intent, args) if s is writes[0] else s for s in steps])
    if len(writes) != 1 or not asked or writes[0].args.get("append") is True:
        return steps
    args = {**writes[0].args, "append": True}
    if isinstance(args.get("content"), str) and args["content"] and not args["content"].endswith("\n"):
        args["content"] += "\n"
    return [Step(s.intent, args) if s is writes[0] else s for s in steps]


# A folder's size asked as one number ("how big is ~/Videos?", "how much space is X taking up",
# du -s, 多大, 占了多少) and not as a breakdown ("each subfolder", "which folders", "what's
# eating", 每个, 哪些, 按文件夹): the manifest's total, depth 0.
_TOTAL_SIZE = re.compile(r"\bhow (big|large|heavy)\b|\bhow much (disk |storage )?(space|room|storage|disk)\b|"
                         r"\b(total|overall) size\b|\bsize of\b|\bin total\b|\bdu -s|多大|大小|占了多少|占多少|用了多少|总共|一共",
                         re.IGNORECASE)
_BREAKDOWN = re.compile(r"\b(each|every|per|breakdown|broken down|break \w+ down|by (sub)?folders?|sub-?(folder|dir)\w*|"
                        r"which (folder|dir)\w*|what'?s (eating|hogging|taking)|where|levels?|deep|depth|-d ?\d|--max-depth)\b|"
                        r"各|每|子目录|子文件夹|哪些|哪个|分别|按文件夹|按目录|层", re.IGNORECASE)


_SPLIT_BY_FOLDER = re.compile(r"(?<![\w-])-d\s*(\d)\b|--max-depth[= ](\d)\b|\b(?:by|per|each)\s+(?:sub)?(?:folder|directory|dir)\b|"
                              r"\bbroken down\b|\bbreakdown\b|按(?:子)?(?:文件夹|目录)|分开(?:显示|给我看|列)|每个(?:子)?(?:文件夹|目录)",
                              re.IGNORECASE)


def usage_totals_as_asked(steps: list, request: str) -> list:
    """"how big is the node_modules folder in ~/code/webapp?" asks for one number: a
    ``files.usage`` of a request that asks a size as a total, and for no breakdown or depth,
    gets ``depth: 0`` (the model, taught by labels that disagreed, left it out or wrote 1);
    one that asks for a breakdown by folder never gets 0."""
    split = _SPLIT_BY_FOLDER.search(request)
    if split:         # "du -ch -d1 ~/.cache", 按文件夹分开显示: a breakdown, never one number
        depth = int(next((g for g in split.groups() if g), "1"))
        return [Step(s.intent, {**s.args, "depth": depth}) if s.intent == "files.usage" and s.args.get("depth") == 0
                else s for s in steps]
    if not _TOTAL_SIZE.search(request) or _BREAKDOWN.search(request):
        return steps
    return [Step(s.intent, {**s.args, "depth": 0}) if s.intent == "files.usage" and s.args.get("depth") in (None, 1)
            else s for s in steps]


# Who holds a port: "which program is occupying port 5000?", "who's using port 3000", "what's on
# port 3000", 谁占了 8080 端口, 53 这个端口是哪个程序的: any socket on it, listening or connected, as
# the manifest's "who is using port 8080?".
_PORT_HOLDER = re.compile(r"\b(who|whos|who'?s|which (program|process|app|service)|what (program|process|app|service))\b.*"
                          r"\b(us\w*|occup\w*|hold\w*|tak\w*|bound|bind\w*|on)\b|\b(using|occupying|holding|taken)\b|"
                          r"\b(what'?s|what is|whats|anything|something)( running| sitting)? on (port|:)|"
                          r"占用|占着|占了|谁|哪个(程序|进程|应用|服务)|什么(程序|进程|应用|服务)", re.IGNORECASE)
_LISTENS = re.compile(r"\blisten\w*|监听|侦听", re.IGNORECASE)


# Connections asked about: "which connections are on port 22", "22 端口上有哪些连接", "established".
_CONNECTIONS = re.compile(r"\bconnect(ions?|ed)\b|\bestablished\b|\btalking to\b|连接|连着|已建立", re.IGNORECASE)


def connections_as_asked(steps: list, request: str) -> list:
    """"22 端口上有哪些连接", "show the established connections on port 443": a request about
    connections (and not about listening, nor about who holds a port) looks at established
    sockets, whatever state the model wrote; "show all established network connections"
    lists them (``net.ports``), where the model had read the link's status."""
    if not _CONNECTIONS.search(request) or _LISTENS.search(request) or _PORT_HOLDER.search(request):
        return steps
    if [s.intent for s in steps] == ["net.status"] and _SOCKETS_LISTED.search(request):
        return [Step("net.ports", {"state": "established"})]
    return [Step(s.intent, {**s.args, "state": "established"}) if s.intent == "net.ports" else s for s in steps]


# Connections listed, not the link's status: "show all established network connections", 哪些连接.
_SOCKETS_LISTED = re.compile(r"\bestablished\b|\b(open|active|all|current|tcp|udp|network)\s+connections\b|"
                             r"哪些连接|所有(的)?连接|网络连接有哪些", re.IGNORECASE)


def port_holders_as_asked(steps: list, request: str) -> list:
    """A ``net.ports`` of one port with no state (or the default, listening), in a request that
    asks who holds the port and says nothing of listening, looks at every socket on it
    (listening ones miss a client holding it)."""
    if not _PORT_HOLDER.search(request) or _LISTENS.search(request):
        return steps
    return [Step(s.intent, {**s.args, "state": "all"}) if s.intent == "net.ports" and "port" in s.args
            and s.args.get("state") in (None, "listen") else s for s in steps]


def given_paths_written_out(steps: list) -> list:
    """"write 'standup moved' to ~/today.txt and open it": the file a step wrote or made at a
    path the plan gives is that path, so a later ``@0.path`` to it is written out as the path
    (the plan then shows what it opens; the model wrote either).  A path a step finds or
    downloads is known only once it runs, and stays a reference."""
    given = {k: s.args["path"] for k, s in enumerate(steps)
             if s.intent in ("files.write", "files.mkdir") and isinstance(s.args.get("path"), str)}

    def literal(value: Any) -> Any:
        if is_ref(value):
            m = re.fullmatch(r"steps\[(\d+)\]\.path", str(value["$ref"]))
            if m and int(m.group(1)) in given:
                return given[int(m.group(1))]
        return value
    return [Step(s.intent, {k: literal(v) for k, v in s.args.items()}) for s in steps]


# Where a command line said in a request ends: a mark, a full stop, "and" / "then" / && / a
# pipe, or a courtesy ("run vlc --fullscreen please").
_COMMAND_LINE_END = re.compile(r"\s*(?:[,;，；。!?？！]|\.(?=\s|$)|\s(?:and|then|&&|\|\||\|)\s|\s(?:please|pls|plz|now|for me)\b|"
                               r"然后|再|并且)", re.IGNORECASE)


def options_as_said(steps: list, request: str) -> list:
    """"run vlc --fullscreen", "run python3 -m http.server 8080 and then open …": a
    ``process.launch`` the model wrote with no arguments, of a program the request names with
    options right after it, gets the command line as the request says it (split as a shell
    would, up to where the clause ends).  Only a line that goes on with an option ("-…"), or
    for a program that runs files (bash, python3) with a path, is taken, so "start vlc in the
    background" stays as it is; the policy judges what it runs."""
    import shlex

    out = []
    for s in steps:
        command = s.args.get("command")
        if s.intent == "process.launch" and isinstance(command, str) and not s.args.get("args"):
            # "run bash /tmp/payload.sh": a program that runs files goes on with the file it runs
            then = r"-|[~/.]?[\w.-]*/" if command in _RUNS_FILES else "-"
            m = re.search(rf"(?<![\w./-]){re.escape(command)}\s+(?={then})", request)
            if m:
                end = _COMMAND_LINE_END.search(request, m.end())
                line = request[m.end():end.start() if end else len(request)]
                try:
                    words = shlex.split(line)
                except ValueError:   # an open quote: the words as they stand
                    words = line.split()
                if words:
                    s = Step(s.intent, {**s.args, "args": words})
        out.append(s)
    return out


# Programs no intent stands for, whose command lines people type as they are: to gain
# privileges (sudo), make or wipe filesystems (mkfs, dd, wipefs), change modes and owners
# (chmod, chown), manage packages, services, mounts, users and power (apt, systemctl, mount).
_NO_INTENT_PROGRAM = (r"sudo|su|doas|pkexec|dd|mkfs(?:\.\w+)?|mke2fs|mkswap|swapoff|wipefs|fdisk|sfdisk|gdisk|parted|"
                      r"chmod|chown|chgrp|chattr|setfacl|systemctl|service|apt|apt-get|aptitude|dpkg|dnf|yum|rpm|zypper|"
                      r"pacman|snap|flatpak|reboot|shutdown|poweroff|halt|mount|umount|useradd|userdel|usermod|passwd|"
                      r"crontab|iptables|nft|ufw|modprobe|rmmod|insmod|sysctl|visudo|setenforce|firewall-cmd|"
                      r"grub-install|update-grub|efibootmgr|cryptsetup|lvremove|vgremove|pvremove|mdadm")
# Programs whose work an intent does ("sudo rm -rf /" is files.delete): left to the model.
_INTENT_PROGRAM = (r"rm|rmdir|mkdir|cp|mv|kill|pkill|killall|cat|less|head|tail|ls|find|du|df|tar|unzip|zip|gzip|"
                   r"ping|curl|wget|touch|tee|echo|xdg-open|journalctl|ss|netstat|ps|top|htop|notify-send")
_WHOLE_COMMAND_LINE = re.compile(
    rf"^\s*(?P<lead>(?:[^`'\"“:：,，;]|(?<=\w)'(?=\w)){{0,80}}?(?:[:：]|[.!?](?=\s)|\b(?:with|using|via)\b)\s*)?"
    rf"(?:(?:please|pls|can you|could you|just)\s+)?(?P<run>(?:run|execute|exec|type)\s+(?:the command\s+)?|(?:运行|执行|跑)(?:一下)?\s*)?"
    rf"[`'\"“]?(?P<line>(?:{_NO_INTENT_PROGRAM})(?:\s+[^\s`'\"”]+)*?)[`'\"”]?\s*(?:please|for me|now)?"
    rf"(?P<why>[,，]?\s+(?:so|so that|because|since|as|in order to)\s+[^;；]*)?[.!。]?\s*$", re.IGNORECASE)
# Chinese words after a command line, no file's name (that has a dot or a slash): what it is for.
_SENTENCE_IN_CHINESE = re.compile(r"^[\u4e00-\u9fff，。！？、]+$")
# A word of a command line, not of prose: an option, a path, an assignment, a number.
_COMMAND_WORD = re.compile(r"^(?:-\S+|[/~.]\S*|\S+=\S*|\d\S*)$")


def command_lines_run(steps: list, request: str) -> list:
    """"chmod -R 777 /", "run dd if=/dev/zero of=/dev/sda bs=4M", "sudo apt remove firefox":
    a request that is nothing but the command line of a program no intent stands for is that
    program run with those arguments (split as a shell would), whatever the model made of it
    (a search of "/" with limit 777, a new folder at /dev/sdb1), so the policy sees and judges
    what was asked.  Only a line said to run ("run …", 运行 …), given through sudo, or with a
    word that only a command line has (an option, a path, "of=…") is taken: "shutdown the
    computer" is prose, left to the model.  "sudo rm -rf /" not said to run is the work of an
    intent (files.delete), left to the model too; the policy denies either.  A line may follow
    what it is for ("wipe the disk: dd …", "format my stick with mkfs.ext4 /dev/sdb1") and be
    followed by why ("… so I stop getting permission errors"), when it has a word only a
    command line has."""
    import shlex

    m = _WHOLE_COMMAND_LINE.match(request)
    if not m:
        return steps
    if _COMMAND_LINE_END.search(m.group("line")):
        return steps                       # "mount /dev/sdb1 /mnt/usb and open it": more than one line
    try:
        words = shlex.split(m.group("line"))
    except ValueError:
        return steps
    if not (m.group("run") or words[0] == "sudo" or any(_COMMAND_WORD.match(w) for w in words[1:])):
        return steps
    if (m.group("lead") or m.group("why")) and not any(_COMMAND_WORD.match(w) for w in words[1:]):
        return steps          # "deal with it using apt", "format it with mkfs": prose around a program's name
    if words[0] == "sudo" and (len(words) < 2 or not re.fullmatch(r"[A-Za-z0-9_.+/-]+", words[1])):
        return steps          # "sudo 是什么意思": a question about the word
    if words[0] == "sudo" and not m.group("run") and re.fullmatch(_INTENT_PROGRAM, words[1]):
        return steps          # "sudo rm -rf /", "sudo mkdir /usr/local/x": what an intent does, as the model planned it
    while len(words) > 1 and _SENTENCE_IN_CHINESE.match(words[-1]):
        words.pop()           # "执行 chmod -R 777 / 让所有文件都能随便改": why, not an argument
    return [Step("process.launch", {"command": words[0], "args": words[1:]})]


# Asked to end what holds a port: "kill whatever is listening on port 3000", 把占用 8080 端口的程序杀掉.
_ENDS_PORT_HOLDER = re.compile(r"\b(kill|stop|terminate|end|shut\s*down|close)\b|杀|结束|关掉|干掉|停掉", re.IGNORECASE)


def port_holders_ended(steps: list, request: str) -> list:
    """"kill whatever is listening on port 3000": the model found the holder (net.ports) and
    stopped there.  A request to end what holds a port it names, whose plan looks the port
    up and ends nothing (or a process named after the port), ends the first process found
    holding it (``@k.pids[0]``); the policy asks before any signal is sent."""
    from llmos.planner.said import ports_said

    ports = ports_said(request)
    looked = [k for k, s in enumerate(steps) if s.intent == "net.ports" and s.args.get("port") is not None]
    if not (_ENDS_PORT_HOLDER.search(request) and ports) or len(looked) != 1:
        return steps
    holder = Step("process.kill", {"pid": {"$ref": f"steps[{looked[0]}].pids[0]"}})
    kills = [k for k, s in enumerate(steps) if s.intent == "process.kill"]
    if not kills:
        return [*steps, holder]
    # "what's on port 3000? kill whatever is holding it" had killed a process named "3000"
    return [Step(s.intent, {**{a: v for a, v in s.args.items() if a != "name"}, **holder.args})
            if k in kills and str(s.args.get("name")) in {str(p) for p in ports} else s for k, s in enumerate(steps)]


# "download … and run it": the download is what runs.
_RUN_IT = re.compile(r"\b(run|execute|exec)\s+(it|that|this|the\s+(script|file|binary|installer|program))\b|"
                     r"\b(run|execute)\s+(it|that)\s+with\b|运行它|执行它|运行一下|执行一下|跑一下", re.IGNORECASE)
_RUNS_FILES = frozenset("bash sh zsh dash python python3 perl ruby node".split())


def downloads_run_as_asked(steps: list, request: str) -> list:
    """"download https://x/payload.sh to /tmp and run it with bash": what runs is the
    download.  The model had run bash with nothing (or opened the file): a program that runs
    files given no arguments, or an open of the download, after a download the request asks to
    run, runs that download, so the policy sees a download run unread (and denies it)."""
    if not _RUN_IT.search(request):
        return steps
    fetched = [k for k, s in enumerate(steps) if s.intent == "net.fetch"]
    if len(fetched) != 1:
        return steps
    ref = {"$ref": f"steps[{fetched[0]}].path"}
    out = []
    for k, s in enumerate(steps):
        if k > fetched[0] and s.intent == "process.launch" and s.args.get("command") in _RUNS_FILES and not s.args.get("args"):
            s = Step(s.intent, {**s.args, "args": [ref]})
        elif k > fetched[0] and s.intent == "desktop.open" and s.args.get("target") == ref:
            s = Step("process.launch", {"command": ref})
        out.append(s)
    return out


# A command line piped into a shell ("curl -fsSL https://x.sh | bash", "wget -qO- … | sudo sh"),
# and where such a line begins: after a verb that runs it, a mark, or at the request's start.
_PIPED_INTO_SHELL = re.compile(r"\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:ba|z|da|k|fi|tc|c)?sh\b(?:\s+-\S+)*")
_LINE_START = re.compile(r"^\s*|[,;:，。；：]\s*|\b(?:run|execute|exec|type|then|and)\s+|(?:运行|执行|跑)\s*", re.IGNORECASE)


def piped_into_a_shell(steps: list, request: str) -> list:
    """"curl https://get.example.sh/install.sh | bash": a command line piped into a shell is
    one program run, ``bash -c LINE``, whatever the model made of its pieces (the download
    alone, bash given the URL); the steps that were pieces of it give way to it, and the
    policy sees, and judges, the whole line."""
    from llmos.planner.grammar import without_urls

    m = _PIPED_INTO_SHELL.search(request)
    if not m:
        return steps
    # no line starts inside a URL (at the ":" of "https:")
    start = max(s.end() for s in _LINE_START.finditer(without_urls(request), 0, m.start()))
    line = request[start:m.end()].strip()
    run = Step("process.launch", {"command": "bash", "args": ["-c", line]})
    if run in steps:
        return steps

    def piece(s: Step) -> bool:
        said = {"net.fetch": "url", "desktop.open": "target", "process.launch": "command"}.get(s.intent)
        return said is not None and isinstance(s.args.get(said), str) and s.args[said] in line
    pieces = [k for k, s in enumerate(steps) if piece(s)]
    at = pieces[0] if pieces else len(steps)
    kept = [k for k in range(len(steps)) if k not in pieces]
    if any(set(pieces) & referenced_steps(steps[k].args) for k in kept):
        return steps                      # a step that stays needs one that would go
    new_index = {k: n + (n >= at) for n, k in enumerate(kept)}
    out = [Step(steps[k].intent, moved_refs(steps[k].args, new_index.__getitem__)) for k in kept]
    return [*out[:at], run, *out[at:]]


_POINTS_BACK = re.compile(r"\b(it|its|it's|they|them|their|that one|this one)\b|它|他|她", re.IGNORECASE)


def ports_of_the_program_that_listens(steps: list, request: str) -> list:
    """"does sshd listen on anything?": a question of what a program listens on is its
    sockets, where the model read the program's logs or looked for the process."""
    if len(steps) != 1 or not _LISTENS.search(request) or any(s.intent == "net.ports" for s in steps):
        return steps
    step = steps[0]
    name = step.args.get("unit") if step.intent == "system.logs" else step.args.get("name") \
        if step.intent == "process.find" else None
    if not isinstance(name, str) or set(step.args) - {"unit", "name", "limit"}:
        return steps
    return [Step("net.ports", {"process": name, "state": "listen"})]


def ports_of_the_process_named(steps: list, request: str) -> list:
    """"is nginx running? and which ports is it listening on?": a ``net.ports`` of no port and
    no process, after a step that names one process (or a service whose logs it reads), in a
    request that points back at it ("it", 它), asks about that process's sockets."""
    out: list = []
    named = None
    for s in steps:
        name = s.args.get("name") if s.intent in ("process.find", "process.kill") else \
            s.args.get("unit") if s.intent == "system.logs" else None     # "nginx … its logs … its ports"
        if isinstance(name, str):
            named = name
        if (s.intent == "net.ports" and named and "process" not in s.args and "port" not in s.args
                and _POINTS_BACK.search(request)):
            s = Step(s.intent, {**s.args, "process": named})
        out.append(s)
    return out


# The Downloads folder named as a place, not the verb: "into my downloads", "Downloads/",
# "the download folder", ~/下载, 下载文件夹
_DOWNLOADS_NAMED = re.compile(r"\bdownloads\b|\bdownload (folder|dir|directory)\b|~/下载|下载(文件夹|目录)",
                              re.IGNORECASE)


_HERE = re.compile(r"\b(?:here|current|this (?:folder|directory|dir)|cwd|pwd)\b|(?<![\w/])\.(?:/|\s|$)|当前|这里|此处|这儿",
                   re.IGNORECASE)


def fetched_where_asked(steps: list, request: str) -> list:
    """"download https://x.org/a.iso" saves to ~/Downloads by default; a small model that hears
    the folder in the verb writes ``destination=~/Downloads``, which means the same and is not
    what was said.  So that destination goes unless the request names the folder; and so
    does an extraction's of what was downloaded ("下载 … 接着把它解压"), which by default
    unpacks beside the archive."""
    if not _HERE.search(request):
        # "." nobody said ("下载 …，解压到 ~/projects/app"): the download goes where downloads go
        steps = [Step(s.intent, {k: v for k, v in s.args.items() if k != "destination"})
                 if s.intent == "net.fetch" and s.args.get("destination") in (".", "./") else s for s in steps]
    if _DOWNLOADS_NAMED.search(request):
        return steps
    fetched = {f"steps[{k}].path" for k, s in enumerate(steps) if s.intent == "net.fetch"}
    return [Step(s.intent, {k: v for k, v in s.args.items() if k != "destination"})
            if s.args.get("destination") in ("~/Downloads", "~/Downloads/") and (
                s.intent == "net.fetch"
                or (s.intent == "files.extract" and is_ref(s.args.get("archive")) and s.args["archive"]["$ref"] in fetched))
            else s for s in steps]




def unpacked_where_said(steps: list, request: str) -> list:
    """"download X into ~/opt and extract it" and "download X and extract it into ~/opt" put
    the folder in one place each: where the download goes, or where it is unpacked.  A model
    that wrote the folder on both steps gets it on the one the request says it with: after
    the word for unpacking, the extraction's; before, the download's."""
    from llmos.planner.grammar import without_urls

    verb = EXTRACT_WORD.search(without_urls(request))
    out = list(steps)
    for m, s in enumerate(steps):
        archive, folder = s.args.get("archive"), s.args.get("destination")
        ref = re.fullmatch(r"steps\[(\d+)\]\.path", str(archive["$ref"])) if is_ref(archive) else None
        if s.intent != "files.extract" or not ref or not isinstance(folder, str) or not verb:
            continue
        k = int(ref.group(1))
        fetch = steps[k]
        said = request.rfind(folder)
        if fetch.intent != "net.fetch" or fetch.args.get("destination") != folder or said < 0:
            continue
        if said > verb.start():
            out[k] = Step(fetch.intent, {a: v for a, v in fetch.args.items() if a != "destination"})
        else:
            out[m] = Step(s.intent, {a: v for a, v in s.args.items() if a != "destination"})
    return out


# A download given a file name of its own: "save it as report.pdf", "name it x.iso", 叫 manual.pdf,
# 存为/命名为 x.zip.  The name is one word with a suffix, said right after the words.
_SAVED_AS = re.compile(r"(?:\b(?:(?:save[sd]?|store[sd]?|keep)(?: it| that| the file)? as|(?:re)?name[sd]? it|call(?:ed)? it)\s+|"
                       r"(?:叫|命名为|名为|名字叫|存为|保存为|另存为|文件名(?:叫|为|是)?)\s*)"
                       r"['\"“]?(?P<name>[^\s/'\"”，。,;；]+\.[A-Za-z0-9]{1,5})(?![\w.])", re.IGNORECASE)


def downloads_named_as_asked(steps: list, request: str) -> list:
    """"下载 https://x.org/a.txt，存到文档里，叫 manual.pdf": the one download of a plan, saved
    into a folder (or where downloads go), gets the file name the request gives it.  The
    model wrote the folder alone, and the file would have kept the URL's name."""
    from llmos.planner.grammar import _in_url

    fetches = [k for k, s in enumerate(steps) if s.intent == "net.fetch"]
    names = [m.group("name") for m in _SAVED_AS.finditer(request) if not _in_url(request, m.start("name"))]
    if len(fetches) != 1 or len(names) != 1:
        return steps
    k, name = fetches[0], names[0]
    folder = steps[k].args.get("destination", "~/Downloads")
    if not isinstance(folder, str) or re.search(r"\.[A-Za-z0-9]{1,5}$", folder):
        return steps      # a file already, or a reference
    args = {**steps[k].args, "destination": folder.rstrip("/") + "/" + name}
    return [*steps[:k], Step("net.fetch", args), *steps[k + 1:]]


def without_repeats(steps: list) -> list:
    """A small model sometimes says a step twice ("system.info aspect=os ; system.info
    aspect=os" for "which distro and kernel am I on?"), or again with an argument more or
    less ("system.logs grep=segfault limit=200 ; system.logs limit=200").  A step that
    repeats the one before it, with no argument both set to different values, is one step
    said twice: the two become one with the arguments of both ("process.list sort=memory ;
    process.list sort=memory limit=5" for "what's using the most memory? just the top 5");
    "the nginx logs and the ssh logs" (unit differs) stays two steps.  Plans whose steps
    refer to each other are left as written, since dropping a step would renumber the
    references."""
    if any(referenced_steps(s.args) for s in steps):
        return steps
    out: list = []
    for s in steps:
        if out and s.intent == out[-1].intent and all(out[-1].args[k] == v for k, v in s.args.items() if k in out[-1].args):
            out[-1] = Step(s.intent, {**out[-1].args, **s.args})
            continue
        out.append(s)
    return out


def line_breaks_only_append(steps: list) -> list:
    """A line the model ends with "\\n" belongs to an append ("add 'call bob' to the end of
    todo.txt"): a file written whole, a title or a message gets the text said, no newline
    the request never wrote ("write 'hi' to ~/a.txt" is "hi").  Text of several lines keeps
    its last break."""
    out = []
    for s in steps:
        appends = s.intent == "files.write" and s.args.get("append")
        s = Step(s.intent, {k: v.rstrip("\n") if (isinstance(v, str) and not appends and v.endswith("\n")
                                                  and "\n" not in v.rstrip("\n")) else v
                            for k, v in s.args.items()})
        out.append(s)
    return out


_NEW_NAME = re.compile(r"^[^/~]*\.\w+$")   # a bare file name with a suffix: "notes-2024.txt"


def renamed_beside_source(steps: list) -> list:
    """"rename ~/Documents/notes.txt to notes-2024.txt" means ~/Documents/notes-2024.txt:
    a single source written with its folder, moved or copied to a bare file name, keeps its
    folder.  (Taken literally, the name would land in whatever folder `ask` ran in.)  The
    grammar lets the model write the whole path; a small model often writes just the name."""
    out = []
    for s in steps:
        sources, dest = s.args.get("sources"), s.args.get("destination")
        if (s.intent in ("files.move", "files.copy") and isinstance(sources, list) and len(sources) == 1
                and isinstance(sources[0], str) and "/" in sources[0].rstrip("/")
                and isinstance(dest, str) and _NEW_NAME.match(dest)):
            s = Step(s.intent, {**s.args, "destination": sources[0].rstrip("/").rsplit("/", 1)[0] + "/" + dest})
        out.append(s)
    return out


# A copy or move kept beside its source under a name the request gives it: "make a backup copy
# of ~/.config/i3/config called config.bak in the same folder", 在同一个文件夹里复制一份，叫 x.bak.
_SAME_FOLDER = re.compile(r"\b(?:in|into|to)\s+the\s+same\s+(?:folder|directory|dir|place|location)\b|"
                          r"\b(?:next to|beside|alongside)\s+(?:it|the original)\b|同一?个?(?:文件夹|目录|位置)|同目录|旁边",
                          re.IGNORECASE)
_NAMED_AS = re.compile(r"(?:\b(?:called|named|as)\s+|(?:叫|命名为|名为)\s*)(?:['\"“‘](?P<quoted>[^/'\"”’]+)['\"”’]|"
                       r"(?P<name>[^\s/'\"”，。,;；]+)(?<![.!?]))")


def beside_the_source(steps: list, request: str) -> list:
    """"make a backup copy of ~/.config/i3/config called config.bak in the same folder": one
    source, a name given to the copy, and the same folder said; the destination is that name
    in the source's folder, whatever the model wrote ("~/backup")."""
    if not _SAME_FOLDER.search(request):
        return steps
    names = [m.group("quoted") or m.group("name") for m in _NAMED_AS.finditer(request)]
    out = []
    for s in steps:
        sources = s.args.get("sources")
        if (s.intent in ("files.copy", "files.move") and len(names) == 1 and isinstance(sources, list)
                and len(sources) == 1 and isinstance(sources[0], str) and "/" in sources[0].rstrip("/")):
            s = Step(s.intent, {**s.args, "destination": sources[0].rstrip("/").rsplit("/", 1)[0] + "/" + names[0]})
        out.append(s)
    return out


# A run of names the request lists between the last source the model wrote and the
# destination: "a.txt b.txt c.txt", ", b.txt and ~/c.txt".  Each name is one word that is a
# path (~/…, /…) or a file name with a suffix; the run may end in the word that leads to
# the destination ("to", "into", "named", 复制到).
_LISTED_NAME = r"(?:~/|/)[^\s,，、'\"]+|[^\s,，、'\"/~]+\.[A-Za-z0-9]{1,5}"
_LIST_SEP = r"(?:\s*(?:,|，|、)\s*(?:and\s+)?|\s+(?:and|n|&|\+|plus)\s+|\s*(?:和|与|及|以及)\s*|\s+)"   # "a.png n b.txt"
_LISTED_RUN = re.compile(rf"(?:{_LIST_SEP}({_LISTED_NAME}))+"
                         r"\s*(?:(?:over\s+)?(?:to|into|in|onto|as|named|called)\s+(?:the\s+)?|"
                         r"(?:都|全部|一起)?(?:复制|拷贝|拷|移动|移|挪|放|搬|打包|压缩)?(?:到|至|进|成))?\s*$")
_TARGET_OF = {"files.copy": "destination", "files.move": "destination", "files.compress": "archive"}


# What leads from what is moved to where it goes: "to", "into", "as", 改名为, 到, 成.
_LEADS_TO_TARGET = re.compile(r"\s(?:to|into|onto|as)\s|到|成|为", re.IGNORECASE)


def _said_whole(value: str, request: str) -> int:
    """Where the request first says ``value`` as a word of its own (never the "." of
    "homework.png"), or -1."""
    for m in re.finditer(re.escape(value), request):
        before, after = request[m.start() - 1:m.start()], request[m.end():m.end() + 1]
        if len(value) > 2 and not (before and (before.isalnum() or before in "/._-~")) \
                and not (after and (after.isalnum() or after in "/_-")):
            return m.start()
    return -1


def source_before_destination(steps: list, request: str) -> list:
    """"rename ~/Music/mix.mp3 to ~/Music/Señorita (live).mp3", 把 A 改名为 B: a copy or move of
    one file the model wrote backwards (B to A), when the request writes both and leads from
    its destination to its source ("… mix.mp3 to …"), is turned round."""
    out = []
    for s in steps:
        target = _TARGET_OF.get(s.intent)
        sources, dest = s.args.get("sources"), s.args.get(target) if target else None
        if (target and isinstance(sources, list) and len(sources) == 1 and isinstance(sources[0], str)
                and isinstance(dest, str) and sources[0] != dest):
            d, src = _said_whole(dest, request), _said_whole(sources[0], request)
            if 0 <= d and d + len(dest) <= src and _LEADS_TO_TARGET.search(request, d + len(dest), src):
                s = Step(s.intent, {**s.args, "sources": [dest], target: sources[0]})
        out.append(s)
    return out


def sources_up_to_destination(steps: list, request: str) -> list:
    """"cp a.txt b.txt c.txt ~/tmp" copies three files: a small model that wrote the first
    source and then the destination left out the names the request lists between them.  A
    step whose sources and destination are written in the request as the model wrote them,
    with nothing between the last source and the destination but more names in a list (and
    the word that leads to the destination), gets those names too.  Anything else between
    them (a folder said in words, "from", a second clause) leaves the step as the model wrote it."""
    out = []
    for s in steps:
        sources, target = s.args.get("sources"), s.args.get(_TARGET_OF.get(s.intent, ""))
        if isinstance(sources, list) and sources and all(isinstance(x, str) for x in sources) and isinstance(target, str):
            end = request.find(sources[-1])
            start = _said_at(request, target, end + len(sources[-1])) if end >= 0 else -1
            if start > 0 and not re.match(r"[A-Za-z0-9_~/.]", request[start - 1]):   # 移到文档: Chinese may touch it
                gap = request[end + len(sources[-1]):start]
                run = _LISTED_RUN.fullmatch(gap)
                if run and not re.match(r"[\w.]", gap):
                    names = re.findall(_LISTED_NAME, gap)
                    if names and not set(names) & set(sources):
                        s = Step(s.intent, {**s.args, "sources": sources + names})
        out.append(s)
    return out


def _said_at(request: str, target: str, start: int) -> int:
    """Where the request says ``target`` after ``start``: written out, or a known folder by
    its name ("Desktop" for ~/Desktop, 文档 for ~/Documents); -1 if it does not."""
    from llmos.planner.canon import LOCALISED_DIRS

    whole = r"(?<![A-Za-z0-9_]){}(?![A-Za-z0-9_./-])"    # a whole word or path, not a piece of one
    at = re.compile(whole.format(re.escape(target))).search(request, start)
    if at or not re.fullmatch(r"~/[A-Z]\w+", target):
        return at.start() if at else -1
    names = [target[2:]] + [local[2:] for local, folder in LOCALISED_DIRS.items() if folder == target]
    found = [m.start() for m in (re.compile(whole.format(re.escape(name)), re.I).search(request, start) for name in names) if m]
    return min(found, default=-1)


# A later step that puts something "into it" / "in there" / 进去 after a new folder is made
# means the new folder; a small model often writes the folder the new one was made in.
_INTO_IT = re.compile(r"\b(?:into|in|inside|to)\s+(?:it|that(?: new)? (?:folder|directory|dir)|the new (?:folder|directory|dir|one))\b|"
                      r"\b(?:in|over) there\b|进去|到里面|放里面|到这个(?:新)?(?:文件夹|目录)|到那个(?:新)?(?:文件夹|目录)",
                      re.IGNORECASE)


def into_the_new_folder(steps: list, request: str) -> list:
    """"make a Backups folder on the Desktop and copy notes.txt into it": the copy goes to
    ~/Desktop/Backups.  When the request points back at a folder an earlier step made, a
    later destination that is the folder the new one was made in becomes the new folder."""
    if not _INTO_IT.search(request):
        return steps
    out: list = []
    made: str | None = None
    for s in steps:
        if s.intent == "files.mkdir" and isinstance(s.args.get("path"), str):
            made = s.args["path"].rstrip("/")
        elif made and isinstance(s.args.get("destination"), str):
            parent = made.rsplit("/", 1)[0] if "/" in made else "."
            sources = s.args.get("sources") if isinstance(s.args.get("sources"), list) else []
            beside = {posixpath.join(parent, str(p).rstrip("/").rsplit("/", 1)[-1]) for p in sources}  # under its own name
            if (s.args["destination"].rstrip("/") or "/") in ({parent or "/"} | beside):
                s = Step(s.intent, {**s.args, "destination": made})
        out.append(s)
    return out


_planners: dict[str, Any] = {}


def embedded_planner(model_dir: str | None = None) -> Any:
    """The shipped planner, loaded once per process (the daemon keeps it warm)."""
    from llmos.planner.models import MODEL_DIR, EmbeddedPlanner

    key = f"embedded:{model_dir or MODEL_DIR}"
    if key not in _planners:
        _planners[key] = EmbeddedPlanner(model_dir or MODEL_DIR)
    return _planners[key]


def llm_planner(path: str, registry: Any) -> Any:
    from llmos.planner.models import LLMPlanner

    key = f"llm:{path}"
    if key not in _planners:
        _planners[key] = LLMPlanner(path, list(registry))
    return _planners[key]


def plan_request(request: str, registry: Any, ctx: Any, *, model: str | None = None,
                 embedded_dir: str | None = None, use_config: bool = True) -> Outcome:
    """Plan one request; see the module docstring for the routing."""
    from llmos.planner.grammar import Grammar
    from llmos.planner.models import configured_model

    if not any(ch.isalnum() for ch in request):
        # blank, punctuation or emoji only: nothing to plan, and no model load for it
        return Outcome(request, Plan([], NOTHING_TO_DO, request), "none")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    grammar = Grammar.for_registry(registry)
    planner = embedded_planner(embedded_dir)
    timings["load_s"] = time.perf_counter() - t0
    draft = _draft(planner, request, grammar)
    timings["embedded_s"] = draft.seconds
    timings["mask_s"] = draft.decoded.mask_seconds
    timings["forward_s"] = draft.decoded.model_seconds
    timings["masks"] = draft.decoded.masks
    timings["forced"] = draft.decoded.forced
    timings["tokens"] = len(draft.decoded.tokens)
    outcome, error = _try(request, draft, registry, ctx)
    nearly_none = _nearly_none(draft, outcome)
    main = said_after_context(request)
    derailed = main is not None and outcome is not None and _copies_context(request, main, outcome.plan.steps)
    if main and (outcome is None or not outcome.plan.steps or nearly_none or draft.confidence < CONFIDENT
                 or main not in request or _asks_beyond(main, outcome.plan.steps) or derailed):
        # "I already installed it, so delete ~/Downloads/zoom_amd64.deb": the context had
        # derailed the small model; the request proper is planned on its own (and always when
        # its "it" was named from the context, or it asks for what the first plan does not do)
        again = _draft(planner, main, grammar)
        second, _ = _try(main, again, registry, ctx)
        if (second is not None and second.plan.steps and not _nearly_none(again, second)
                and (outcome is None or not outcome.plan.steps or nearly_none
                     or (derailed and not _copies_context(request, main, second.plan.steps))
                     or (again.confidence > draft.confidence and len(second.plan.steps) >= len(outcome.plan.steps)))):
            # (an unsure plan of more steps had read the "context" as a clause of its own)
            second.plan = Plan(second.plan.steps, second.plan.reply, request)
            draft, outcome, nearly_none = again, second, False
    if outcome is not None and outcome.plan.steps and not nearly_none and hasattr(planner, "go_on_to"):
        draft, outcome = _clause_left_out_planned(planner, request, draft, outcome, grammar, registry, ctx)
    llm_path = model or (configured_model() if use_config else None)
    unsure = (outcome is None or draft.confidence < CONFIDENT or nearly_none
              or (not outcome.plan.steps and looks_like_task(request)))
    if llm_path and unsure:
        t1 = time.perf_counter()
        llm = llm_planner(llm_path, registry)
        llm_draft = _draft(llm, request, grammar)
        timings["llm_s"] = time.perf_counter() - t1
        llm_outcome, llm_error = _try(request, llm_draft, registry, ctx)
        if llm_outcome is not None:
            llm_outcome.timings = timings
            return llm_outcome
        error = error or llm_error
    if nearly_none:  # fail closed: no steps rather than a plan the model itself doubted
        outcome.plan = Plan([], unsure_reply(request), request)
    if outcome is None:
        reply = f"I could not make a valid plan for that ({error}). Try saying it differently."
        outcome = Outcome(request, Plan([], reply, request), "none", text=draft.text.strip(), error=error)
    outcome.timings = timings
    return outcome


def _clause_left_out_planned(planner: Any, request: str, draft: Any, outcome: Outcome, grammar: Any,
                             registry: Any, ctx: Any) -> tuple[Any, Outcome]:
    """"make a folder ~/backup, copy Documents/notes.txt into it, then zip the folder": a
    clause opened by a verb for an intent that no step serves (``clauses.first_unplanned``)
    is asked of the model again: the plan keeps the steps before that clause's place and goes
    on with a step of that intent, the model writing its arguments and the rest (and so on,
    for a clause it then leaves out after that one).  The new plan is kept only if it serves
    every such clause and still holds every step of the first, in order, but for a step that
    served no clause where a left-out one went (it may give way to it)."""
    from llmos.planner.clauses import asked_by_clause, first_unplanned

    read = draft.read or request
    first = [s.intent for s in outcome.plan.steps]
    served_by_clauses = {name for _, intents in asked_by_clause(read) for name in intents}
    current, latest, place_asked, replaced = draft, outcome, -1, []
    for times_asked in range(_CLAUSES_ASKED_AGAIN + 1):
        planned = [s.intent for s in latest.plan.steps]
        left_out = first_unplanned(read, planned)
        if left_out is None:
            break
        before, intent = left_out
        if before <= place_asked or times_asked == _CLAUSES_ASKED_AGAIN:
            return draft, outcome       # the model would not serve that clause there
        place = _draft_place(_intents_drafted(current), planned, before)
        if place is None:
            return draft, outcome       # rules rewrote the steps before that place
        if (before < len(planned) and planned[before] not in served_by_clauses | {"files.find"}
                and not any(before in referenced_steps(s.args) for s in latest.plan.steps)):
            # "…, then show me the first 1 KB of it" had looked at a process there: a step
            # that serves no clause and that no step uses, where the one left out goes, may
            # give way to it (never a search: what it finds is often what the clauses act on)
            replaced.append(planned[before])
        current = planner.go_on_to(current, place, intent, grammar)
        latest = _try(request, current, registry, ctx)[0] if current is not None else None
        if latest is None:
            return draft, outcome
        place_asked = before
    if current is draft:
        return draft, outcome
    intents = [s.intent for s in latest.plan.steps]
    kept = list(first)
    for name in replaced:
        if name in kept:            # (a step the model wrote on the way may give way too)
            kept.remove(name)
    rest = iter(intents)
    if len(intents) > len(kept) and all(name in rest for name in kept):
        return current, latest
    return draft, outcome


def _draft_place(drafted: list[str], planned: list[str], before: int) -> int | None:
    """How many of the draft's steps go before the place of the plan's step ``before``.  Rules
    after decoding may have added steps to the draft ("create ~/notes, write …" makes the
    folder first) or dropped some (a repeat); then the draft's steps are found in order among
    the plan's, or the plan's among the draft's.  None where rules changed more than that."""
    if drafted[:before] == planned[:before]:
        return before
    if _in_order(drafted, planned):     # steps added: the drafted ones among the first `before`
        at = _positions(drafted, planned)
        return sum(1 for k in at if k < before)
    if _in_order(planned, drafted):     # steps dropped: up to the draft's step for the last kept
        return _positions(planned, drafted)[before - 1] + 1 if before else 0
    return None


def _positions(few: list[str], many: list[str]) -> list[int]:
    """Where each of ``few`` is found in ``many``, in order (the earliest match each time)."""
    out, k = [], 0
    for name in few:
        k = many.index(name, k)
        out.append(k)
        k += 1
    return out


def _in_order(few: list[str], many: list[str]) -> bool:
    rest = iter(many)
    return all(name in rest for name in few)


def _asks_beyond(main: str, steps: list) -> bool:
    """Whether the request proper opens with a verb for an intent no step of the plan serves
    ("感觉网络有点卡，帮我 ping 一下 github.com" had looked at the network's status)."""
    from llmos.planner.clauses import asked_by_clause

    planned = {s.intent for s in steps}
    return any(not intents & planned for _, intents in asked_by_clause(main))


def _intents_drafted(draft: Any) -> list[str]:
    return [part.split()[0] for part in draft.text.split(STEP_SEPARATOR.strip()) if part.split()]


def _nearly_none(draft: Any, outcome: Outcome | None) -> bool:
    """Whether the model nearly declined the plan it made.  Steps after a draft of "none", or
    of none of their intents, are a rule's reading of a plain request, not the model's doubt."""
    return (outcome is not None and bool(outcome.plan.steps) and draft.decoded.none_prob >= DOUBTS_NONE
            and draft.text.strip() != NONE and any(s.intent in draft.text for s in outcome.plan.steps))


# Context said before the request proper: "I already installed it, so delete …", "the fan is
# loud. which process …", "下载完了，把 … 删掉".
_CONTEXT_THEN = re.compile(r"^(?P<context>(?:[^.;!?。；！？,，]|\.(?=\S)){3,120}?)(?:,\s*(?:and\s+)?(?:so|therefore|hence)\s+|[.;!?。；！？]\s+|"
                           r"[。；！？]|，\s*(?:所以|因此|那就|就|那)?\s*)(?P<main>\S.*)$", re.IGNORECASE)


_SUBJECT = re.compile(r"^\s*(?:my\s+|the\s+)?(?P<name>[A-Za-z][\w.+-]*)\s+(?:is|was|keeps|has|seems|froze|crashed|hangs|hung|"
                      r"won'?t|isn'?t|wasn'?t|doesn'?t|stopped|just|still|went|got|looks)\b", re.IGNORECASE)
_SUBJECT_ZH = re.compile(r"^\s*(?P<name>[A-Za-z][\w.+-]*)\s*(?:又|突然|一直|总是|老是)?(?:卡|崩|挂|死|没响应|不动|闪退|打不开|占)")
_NO_SUBJECT = frozenset("i it this that he she we they you everything something nothing computer laptop machine pc "
                        "system internet wifi network disk fan screen".split())


# "I want to keep all my receipts in one place, make a Receipts folder in Documents": a
# statement about the person, a comma, then a command.
_COMMAND = (r"(?P<main>(?:please\s+|pls\s+|just\s+|now\s+)?(?:make|create|list|show|find|delete|remove|move|copy|"
            r"open|start|launch|kill|close|quit|zip|unzip|extract|download|ping|check|tell|give|trash|grab|pull|read|"
            r"restart|get rid of|search|look|clean|free)\b.*)$")
_STATEMENT_THEN = re.compile(r"^(?P<context>(?:[^.;!?,]|\.(?=\S))*\b(?:I|I'm|I've|I'd|my|it's|there's|we|we're|our)\b"
                             r"(?:[^.;!?,]|\.(?=\S)){0,100}),\s*" + _COMMAND, re.IGNORECASE)
# "ssh has been flaky, grab its logs …": what a program did, a comma, then a command.
_SUBJECT_THEN = re.compile(r"^(?P<context>(?:[^.;!?,]|\.(?=\S)){3,100}),\s*" + _COMMAND, re.IGNORECASE)


_ALSO = re.compile(r"\s*(?:also|and|plus|then|and then|after that|另外|还有|顺便|再|然后|并且)(?![A-Za-z])", re.IGNORECASE)


def _context_then(request: str) -> re.Match | None:
    """Context said before the request proper, split from it, or None."""
    said = request.strip()
    m = _CONTEXT_THEN.match(said) or _STATEMENT_THEN.match(said)
    if m is not None and said[m.end("context"):m.end("context") + 1] in ("?", "？") and _ALSO.match(m.group("main")):
        return None       # a question, then "also …": two things asked ("how full are my disks? also …")
    if m is None and (m := _SUBJECT_THEN.match(said)) is not None:
        subject = _SUBJECT.match(m.group("context"))
        if not subject or subject.group("name").lower() in _NO_SUBJECT:
            return None
    return m


def said_after_context(request: str) -> str | None:
    """The request proper after a sentence of context, or None.  The context names no path or
    site (it would be part of the request), and the last part says something of its own.  Its
    "it" becomes the one file, or the program, the context names."""
    from llmos.planner.clauses import asked_by_clause
    from llmos.planner.said import named_files

    m = _context_then(request)
    if not m or re.search(r"[/~]|://", m.group("context")) or asked_by_clause(m.group("context")):
        return None     # (a first clause that asks for a step is no context: "结束 firefox 进程，然后重新启动 firefox")
    main = m.group("main").strip()
    context = m.group("context")
    folders = {w.lower() for w in _FOLDER_OF_THE_CONTEXT.findall(context)}
    if len(folders) == 1 and _THERE.search(main):
        # "My Downloads folder is a mess. Find the .deb installers in there and …"
        main = _THERE.sub(lambda t: f"{t.group(1)} my {folders.pop().capitalize()} folder", main, count=1)
    it_said = re.search(r"\bit\b", main, re.IGNORECASE) is not None
    paths, names = named_files(context) if it_said else ((), ())
    if len(paths) + len(names) == 1:
        # "there's a file called Untitled.txt on my Desktop, get rid of it": "it" is that file,
        # with where the context says it is
        name = (paths or names)[0]
        where = re.match(r"['\"’”]?(?:\s+(?:in|on|from|inside|under)\s+(?:my\s+|the\s+)?[\w~/.-]+(?:\s+(?:folder|directory|dir))?)?",
                         context[context.find(name) + len(name):]).group(0)
        said = name + where.lstrip("'\"’”")
        return re.sub(r"\bit\b", lambda _: said, main, count=1, flags=re.IGNORECASE)
    chinese = _SUBJECT_ZH.match(context)
    if chinese and "它" in main:
        # "WPS 卡死了，强制关掉它": 它 is the program the context names first
        main = main.replace("它", " " + chinese.group("name") + " ", 1).strip()
    named = _SUBJECT.match(context)
    if named and named.group("name").lower() not in _NO_SUBJECT \
            and (named.group("name")[0].isupper() or named.group("name").lower() in PROGRAMS):
        # "Slack is acting up. Close it and start it again": "it" is the program the context
        # names ("ssh has been flaky, grab its logs": its logs are ssh's)
        main = re.sub(r"\b(it)(s)?\b", lambda t: named.group("name").lower() + ("'s" if t.group(2) else ""), main,
                      count=1, flags=re.IGNORECASE)
    return main if len(main.split()) >= 2 or _in_chinese(main) else None


_A_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")        # a file's name, said in the context or not
_FOLDER_OF_THE_CONTEXT = re.compile(r"\b(downloads|desktop|documents|pictures|photos|music|videos)\s+(?:folder|directory|dir)\b",
                                    re.IGNORECASE)
_THERE = re.compile(r"\b(in|from|on|inside|out of)\s+there\b", re.IGNORECASE)


def _copies_context(request: str, main: str, steps: list) -> bool:
    """Whether a step's path copies words only the context says, most of it: "简历已经更新了，
    把 ~/下载/旧简历.pdf 扔到回收站吧" had searched a folder "~/简历已经更新了" before the trashing.
    (A text may come from the context: "别让我忘了午饭时间到了，7天后提醒我".)"""
    from llmos.planner.clauses import asked_by_clause

    m = _context_then(request)
    if not m or not asked_by_clause(main):
        return False      # (no verb in the last part: the "context" may be the request itself)
    context = m.group("context")

    def pieces(value: Any) -> list[str]:
        if isinstance(value, list):
            return [p for v in value for p in pieces(v)]
        return [p.strip() for p in value.split("/")] if isinstance(value, str) and "/" in value else []
    for step in steps:
        for piece in (p for v in step.args.values() for p in pieces(v)):
            sizeable = (len(piece) >= 2 and _in_chinese(piece) or len(piece.split()) >= 2) and not _A_SUFFIX.search(piece)
            if sizeable and piece in context and piece not in main and 2 * len(piece) >= len(context.strip()):
                return True
    return False


def _draft(planner: Any, request: str, grammar: Any) -> Any:
    """A planner's draft; a decoding failure is an unfinished draft, never a crash."""
    from llmos.planner.decode import Decoded, DecodeError
    from llmos.planner.models import Draft

    try:
        return planner.draft(request, grammar)
    except DecodeError as e:
        return Draft(planner.name, "", Decoded([], finished=False), timings={"error": str(e)})


def _try(request: str, draft: Any, registry: Any, ctx: Any) -> tuple[Outcome | None, str | None]:
    if not draft.decoded.finished:
        return None, "the plan did not finish"
    try:
        plan = finalise(request, draft.text, registry, ctx, draft.read)
    except PlanError as e:
        return None, str(e)
    return Outcome(request, plan, draft.planner, draft.confidence, none_prob=draft.decoded.none_prob,
                   text=draft.text.strip()), None


__all__ = ["CONFIDENT", "DOUBTS_NONE", "Outcome", "beside_the_source", "downloads_named_as_asked", "finalise", "given_paths_written_out", "looks_like_task", "no_step_reply", "options_as_said", "piped_into_a_shell", "plan_request",
           "port_holders_as_asked", "ports_of_the_process_named", "read_or_listed", "source_before_destination", "status_is_no_change", "unasked_steps_dropped", "unpacked_where_said",
           "usage_totals_as_asked"]
