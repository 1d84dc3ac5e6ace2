"""The things a request asks for, clause by clause, by the verb that opens each clause.

"make a folder ~/backup, copy Documents/notes.txt into it, then zip the folder to
~/backup.zip" asks for three things; the small model planned the folder and the zip and
dropped the copy in between.  A clause that opens with a verb for an intent ("copy",
"unzip", 解压, 复制一份) and that no step of the plan serves is a thing the plan left out:
the planner then asks the model for a plan that goes on to that intent at that place
(``llmos.planner.plan_request``), and keeps it only if it still holds every step the
first plan had.  Pure functions over text; no model here.
"""

from __future__ import annotations

import re

from llmos.planner.canon import taken_back

# Where one clause ends and the next begins: a mark, "then", "and" before a verb, 然后, 再.
# (a run of them is one break: "，然后", ", and then")
_CLAUSE_BREAK = re.compile(r"(?:\s*(?:[,;，；。!?！？]|\.(?=\s)|\band\s+then\b|\bthen\b|\band\b|\bafter that\b|"
                           r"然后|接着|之后|并且|顺便|再(?=[\u4e00-\u9fff])|最后)\s*)+", re.IGNORECASE)
# Words a clause may open with before its verb.
_LEAD = re.compile(r"^(?:(?:and|then|also|please|pls|plz|now|finally|next|first|after that|afterwards|"
                   r"can you|could you|you should|i want you to|go ahead and|just)\s+)*", re.IGNORECASE)
_LEAD_ZH = re.compile(r"^(?:再|先|也|还|请|帮我|给我|把它|最后|都)*")

# The verb that opens a clause, and the intents that serve it.  Only verbs that name one
# kind of step: "show", "check" and "get" name too many.
_VERBS = (
    (r"copy|cp|duplicate", ("files.copy",)),
    (r"(?:move|put|throw|send)(?: \S+){0,3}? (?:to|in|into) (?:the )?(?:trash|bin|recycle bin)", ("files.trash",)),
    (r"move|mv|relocate", ("files.move",)),
    (r"zip(?: up)?|compress|tar up|pack(?: up)?", ("files.compress",)),
    (r"extract|unzip|unpack|untar|decompress", ("files.extract",)),
    (r"download|fetch|wget", ("net.fetch",)),
    (r"trash|delete|remove|rm|erase", ("files.trash", "files.delete")),
    (r"notify(?: me)?|send (?:me )?a (?:desktop )?notification|pop up", ("desktop.notify",)),
    (r"remind(?: me)?", ("timer.remind",)),
    (r"ping(?! me\b| us\b)", ("net.ping",)),
    (r"kill|terminate", ("process.kill",)),
    (r"mkdir|(?:make|create)(?: a| the| an)?(?: new| empty)?(?: [\w.-]+)? (?:folder|directory|dir)|"
     r"(?:make|create) (?=[~/][^\s.,]*(?:[\s,]|$))",
     ("files.mkdir",)),
    (r"write|append|add (?:a line|a note|['\"“][^'\"”]{1,60}['\"”]) (?:to|at|into)\b", ("files.write",)),
    (r"launch|relaunch|restart|reopen|start (?:it|them|\w[\w.-]*) (?:again|back up)", ("process.launch",)),
    (r"find|search for|look for|locate", ("files.find", "process.find")),
    (r"(?:what(?:'s| is)|which folders are) (?:taking|eating|using|hogging) (?:up )?(?:the most |all the |my )?(?:space|room|disk)",
     ("files.usage",)),
    (r"(?:(?:show|list|give|tell)(?: me)? )?the (?:\d+ |two |three |four |five |ten |few )?"
     r"(?:biggest|largest|smallest|newest|oldest|latest|most recent) files?\b", ("files.find",)),
    (r"(?:list|show)(?: me)?(?: the| all| my)? (?:established |open |active |listening )?(?:connections|ports)\b", ("net.ports",)),
    (r"(?:show|check|read|grab|get|pull)(?: me)?(?: the| its| my)?(?: [\w.-]+)? (?:logs?|journal)\b", ("system.logs",)),
    (r"read|show me the (?:first|last) [\w ]{1,12} of", ("files.read",)),
    (r"(?:show|tell|list)(?: me)? what(?:'s| is) (?:left |still |now )?(?:in|on|inside)(?! (?:it|that|them|this)\b)",
     ("files.find",)),
    (r"open (?:it|that|them|the folder|that folder|this folder|the new folder)\b|(?:play|watch) (?:it|that|them)\b",
     ("desktop.open",)),
    (r"(?:show|check|give|tell)(?: me)?(?: my| the)? (?:network|wifi|wi-fi|internet|connection) status", ("net.status",)),
)
_VERB_EN = [(re.compile(rf"(?:{words})(?!\w)", re.IGNORECASE), frozenset(intents)) for words, intents in _VERBS]
_VERBS_ZH = (
    (r"复制|拷贝", ("files.copy",)),
    (r"移动|挪到|移到|挪进|移进", ("files.move",)),
    (r"解压", ("files.extract",)),
    (r"压缩|打包", ("files.compress",)),
    (r"下载(?!目录|文件夹|里|中|的|夹|完|好|了|按)", ("net.fetch",)),  # 下载目录, 下载里的: the Downloads folder; 下载完了: done
    (r"删掉|删除|扔进回收站|扔到回收站|放进回收站|丢进回收站", ("files.trash", "files.delete")),
    (r"(?:弹|发)(?:一)?(?:个|条)?(?:桌面)?通知", ("desktop.notify",)),
    (r"提醒我", ("timer.remind",)),
    (r"(?:查|看)(?:一下|下)?[^，。？]{0,20}日志", ("system.logs",)),
    (r"\bping\b(?! me\b| us\b)", ("net.ping",)),
    (r"(?<![谁何])(?:重新)?启动(?![的了过时])", ("process.launch",)),     # (谁启动的: who started it)
    (r"结束(?![后了时的])|杀掉|杀死|干掉|(?:关掉|关闭)(?=\s*[A-Za-z])", ("process.kill",)),
    (r"(?:新建|创建|建)(?:一个|个)?\s*[^\s，。]{0,12}?\s*文件夹", ("files.mkdir",)),
)
_VERB_ZH = [(re.compile(words), frozenset(intents)) for words, intents in _VERBS_ZH]


_POINTS_BACK = re.compile(r"\b(?:it|them|that|those|its|there)\b|它|它们|这些|那些", re.IGNORECASE)
_DONE_TO_IT = re.compile(r"(?:出来|出|好|完|过|后)?的")     # 解压出来的文件夹: what was done, no verb
_NAMES_A_FILE = re.compile(r"\.[A-Za-z0-9]{1,5}\b")      # 新建文件夹.zip: the verb is the name, no verb


def _in_a_path(text: str, at: int) -> bool:
    """Whether ``at`` is inside a path written in ``text`` ("~/Downloads/照片/新建文件夹")."""
    start = max(text.rfind(" ", 0, at), text.rfind("，", 0, at)) + 1
    return "/" in text[start:at]


def asked_by_clause(request: str) -> list[tuple[int, frozenset[str]]]:
    """Each clause that opens with a verb for an intent: (where the clause starts, the intents
    that serve it), in the order said.  A verb taken back ("don't delete it") asks nothing."""
    out = []
    starts = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(request)]
    for start in dict.fromkeys(starts):
        clause = request[start:]
        lead = _LEAD.match(clause).end()
        for verb, intents in _VERB_EN:
            if verb.match(clause, lead) and not taken_back(request, start + lead):
                out.append((start, intents))
                break
        else:
            zh = _LEAD_ZH.match(clause).end()
            head = re.split(r"[,;，；。!?！？]", clause[zh:], maxsplit=1)[0][:24]
            found = sorted((m.start(), intents) for verb, intents in _VERB_ZH for m in verb.finditer(head)
                           if not _in_a_path(head, m.start()) and not _NAMES_A_FILE.match(head, m.end())
                           and not _DONE_TO_IT.match(head, m.end()))
            if found and not taken_back(request, start + zh + found[0][0]):
                out.append((start, found[0][1]))        # the verb said first
    return out


def first_unplanned(request: str, planned: list[str]) -> tuple[int, str] | None:
    """The first clause no planned step serves, as (how many steps go before it, the intent to
    plan there), or None.  The steps that serve the clauses in the order said are matched in
    the plan's order; the one left out goes after the step of the clause before it."""
    asked = asked_by_clause(request)
    if not asked or (len(asked) == 1 and (asked[0][0] == 0 or not _POINTS_BACK.search(request, asked[0][0]))):
        # one thing asked: nothing of it can be left between other steps, unless it is done
        # to what the words before it found ("what's hogging the CPU? kill it")
        return None
    last = -1           # the step that serves the clause before
    if len(asked) == 1:
        # "what's hogging the CPU? kill it": what is said before the verb is served by the
        # steps before the one that serves the clause
        serving = [j for j, name in enumerate(planned) if name in asked[0][1]]
        last = (serving[0] if serving else len(planned)) - 1
    for _, intents in asked:
        served = next((j for j, name in enumerate(planned) if name in intents and j > last), None)
        if served is None:
            return last + 1, "files.trash" if "files.trash" in intents else sorted(intents)[0]
        last = served
    return None
