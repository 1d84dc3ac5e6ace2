"""A new name said apart from the folder it goes in: the plan joins them into one path.

"make a Receipts folder inside Documents" names the folder (Documents) and the new
leaf (Receipts) in different places; the path is ``~/Documents/Receipts``.  Earlier
areas taught this with a handful of fixed names, which the model learnt as names;
here ``{leaf}`` (a folder name) and ``{fname}`` (a file name) are drawn afresh for
every sample and joined to ``{dir}`` as it canonicalises (``"{dir}/{leaf}"``).
"""

from __future__ import annotations

TEMPLATES = [
    ("files.mkdir", {"path": "{dir}/{leaf}"},
     ["make a {leaf} folder inside {dir}", "create a folder called {leaf} in {dir}",
      "in {dir}, make a new folder named {leaf}", "add a folder {leaf} to {dir}",
      "new directory {leaf} under {dir}", "I need a {leaf} subfolder in {dir}",
      "set up a folder named '{leaf}' inside {dir}", "mkdir {leaf} in {dir}"],
     ["在{dir}里新建一个 {leaf} 文件夹", "{dir}下面建个叫 {leaf} 的目录", "帮我在{dir}中创建文件夹 {leaf}",
      "给{dir}加一个子文件夹 {leaf}"]),
    ("files.write", {"path": "{dir}/{fname}", "content": "{content}"},
     ["write '{content}' into a new file {fname} in {dir}", "create {fname} in {dir} containing \"{content}\"",
      "in {dir}, make a file called {fname} that says '{content}'",
      "save the text '{content}' as {fname} in {dir}"],
     ["在{dir}里新建 {fname}，内容写“{content}”", "把“{content}”保存到{dir}下的 {fname}"]),
    ("files.extract", {"archive": "{archive}", "destination": "{dir}/{leaf}"},
     ["extract {archive} into a new folder {leaf} in {dir}", "unzip {archive} to a folder called {leaf} inside {dir}"],
     ["把 {archive} 解压到{dir}里的 {leaf} 文件夹"]),
    ("files.copy", {"sources": "{files}", "destination": "{dir}/{leaf}"},
     ["copy {files} into the {leaf} folder in {dir}", "copy {files} to {dir}, into the subfolder {leaf}"],
     ["把{files}复制到{dir}的 {leaf} 子文件夹"]),
    ("files.move", {"sources": "{files}", "destination": "{dir}/{leaf}"},
     ["move {files} to the {leaf} folder inside {dir}", "file {files} under {leaf} in {dir}"],
     ["把{files}移到{dir}里面的 {leaf} 文件夹"]),
]
