"""Arguments held to what the request says (llmos.planner.said): one test per promise."""

from __future__ import annotations

from llmos.plan.model import Step
from llmos.planner.said import (disks_as_said, ended_as_written, extensions_as_said, files_as_named,
                                folders_made_as_said, globs_written_whole, named_files, port_as_said,
                                screenshots_by_name, types_said)

REF0 = {"$ref": "steps[0].paths"}


def write(path: str, content: str = "x") -> Step:
    return Step("files.write", {"path": path, "content": content})


def test_named_files_are_written_files_and_bare_names_never_sites_urls_or_quoted_text():
    assert named_files("write '<h1>Hello</h1>' into ~/Projects/site/index.html") == (("~/Projects/site/index.html",), ())
    assert named_files("在桌面上创建 hello.txt，内容是“你好”") == ((), ("hello.txt",))
    assert named_files("解压桌面上的 资料.zip") == ((), ("资料.zip",))
    assert named_files("Please read 'Meeting notes 2024-05-02.txt' on my Desktop") == ((), ("Meeting notes 2024-05-02.txt",))
    assert named_files("append 'see a b.txt' to ~/todo.txt") == (("~/todo.txt",), ("see a b.txt",))
    assert named_files("用浏览器打开 bilibili.com") == ((), ())
    assert named_files("download https://x.org/a/b.tar.gz now") == ((), ())
    assert named_files("Add a line to ~/.bashrc") == (("~/.bashrc",), ())
    assert named_files("what is in ~/.config, e.g. my settings") == ((), ())


def test_the_one_file_named_is_the_file_a_step_writes_reads_opens_or_unpacks():
    # a written path, put back where the model wrote home or the words after the path
    assert files_as_named([write("~")], "write '<h1>Hi</h1>' into ~/Projects/site/index.html") == [
        write("~/Projects/site/index.html")]
    assert files_as_named([write("~/里写上")], "在 ~/备忘.txt 里写上：明天九点开会") == [write("~/备忘.txt")]
    open_ = Step("desktop.open", {"target": "~/Documents/年度/用默认程序"})
    assert files_as_named([open_], "用默认程序打开 ~/文档/年度总结.docx") == [
        Step("desktop.open", {"target": "~/文档/年度总结.docx"})]
    # a bare name goes in the folder the model chose
    assert files_as_named([write("~/Desktop")], "在桌面上创建 hello.txt，内容是“你好”") == [write("~/Desktop/hello.txt")]
    unpack = Step("files.extract", {"archive": "~/Desktop/解"})
    assert files_as_named([unpack], "解压桌面上的 资料.zip") == [Step("files.extract", {"archive": "~/Desktop/资料.zip"})]


def test_a_file_the_request_writes_or_several_files_named_leave_the_step_alone():
    assert files_as_named([write("/etc/sudoers")], "append 'me ALL=(ALL) ALL' to /etc/sudoers and open a.txt") == [
        write("/etc/sudoers")]
    text = [write("~/todo", "see notes.txt")]       # a quoted name the step writes as text is no file
    assert files_as_named(text, "append 'see notes.txt' to my todo file") == text
    two = [Step("files.read", {"path": "~/x"})]
    assert files_as_named(two, "compare a.txt with b.txt") == two
    found = [write("~/Downloads/report.pdf")]
    assert files_as_named(found, "write x to report.pdf in Downloads") == found
    # an unpacking takes an archive only
    unpack = [Step("files.extract", {"archive": "~/x.zip"})]
    assert files_as_named(unpack, "extract it and show me notes.txt") == unpack


def test_the_file_type_asked_for_is_the_searchs_suffix_without_its_dot():
    assert types_said("find all .psd files bigger than 100 MB") == {"psd"}
    assert types_said("find log files in ~/.local/state") == {"log"}
    assert types_said("zip all the PDFs in ~/Documents/Invoices into ~/invoices.zip") == {"pdf"}
    assert types_said("找出 ~/代码 下面所有的 .go 文件") == {"go"}
    assert types_said("copy ~/a.txt to https://x.org/b.zip") == set()
    find = Step("files.find", {"path": "~/Music", "ext": "modified"})
    assert extensions_as_said([find], "Find all .wav files in ~/Music modified this week") == [
        Step("files.find", {"path": "~/Music", "ext": "wav"})]
    bare = Step("files.find", {"path": "~/logs"})
    assert extensions_as_said([bare], "find log files older than 30 days in ~/logs") == [
        Step("files.find", {"path": "~/logs", "ext": "log"})]
    dotted = Step("files.find", {"path": "~/代码", "ext": ".go"})
    assert extensions_as_said([dotted], "把代码里的文件找出来") == [Step("files.find", {"path": "~/代码", "ext": "go"})]


def test_a_type_said_by_a_name_pattern_or_two_types_asked_leave_the_search_alone():
    glob = [Step("files.find", {"path": "~/Desktop", "name": "Screenshot*.png"})]
    assert extensions_as_said(glob, "move the Screenshot*.png files and the .jpg ones") == glob
    both = [Step("files.find", {"path": "~", "ext": "png"})]
    assert extensions_as_said(both, "find .png and .jpg files") == both


def test_screenshots_are_found_by_name_but_a_folder_called_screenshots_is_only_a_folder():
    find = Step("files.find", {"path": "~/Pictures", "sort": "mtime"})
    assert screenshots_by_name([find], "find screenshots in Pictures, newest first") == [
        Step("files.find", {"path": "~/Pictures", "sort": "mtime", "name": "Screenshot*"})]
    inside = [Step("files.find", {"path": "~/Pictures/Screenshots"})]
    assert screenshots_by_name(inside, "newest file in ~/Pictures/Screenshots") == inside


def test_a_glob_the_request_writes_is_the_name_whole():
    cut = Step("files.find", {"path": "~/Desktop", "name": "Screenshot*"})
    assert globs_written_whole([cut], "move the Screenshot*.png files from my desktop") == [
        Step("files.find", {"path": "~/Desktop", "name": "Screenshot*.png"})]
    end = Step("files.find", {"path": "/mnt/nas", "name": "*.tar.gz"})
    assert globs_written_whole([end], "find files named backup_2023-*.tar.gz on /mnt/nas") == [
        Step("files.find", {"path": "/mnt/nas", "name": "backup_2023-*.tar.gz"})]


def test_every_disk_is_system_disks_and_the_disk_aspect_beside_it_goes():
    info, disks = Step("system.info", {"aspect": "disk"}), Step("system.disks", {})
    usage = Step("files.usage", {"path": "~/Videos"})
    assert disks_as_said([info, usage], "show free space on every drive, then how big ~/Videos is") == [disks, usage]
    assert disks_as_said([disks, info], "sho me all the drives and how full they are") == [disks]
    assert disks_as_said([Step("files.find", {"path": "/"}), info,
                          Step("files.trash", {"paths": REF0})], "看看所有磁盘分区") == [
        Step("files.find", {"path": "/"}), disks, Step("files.trash", {"paths": REF0})]
    assert disks_as_said([info], "how much free disk space do I have?") == [info]


def test_the_one_port_said_is_the_port_asked_about():
    ports = Step("net.ports", {"state": "established", "port": 20})
    fixed = Step("net.ports", {"state": "established", "port": 22})
    assert port_as_said([ports], "the last 20 log lines, plus the connections on port 22") == [fixed]
    assert port_as_said([Step("net.ports", {"port": 8})], "再看看 80 端口是谁在用") == [Step("net.ports", {"port": 80})]
    assert port_as_said([ports], "compare port 22 with port 80") == [ports]


def test_a_folder_made_where_a_later_step_takes_from_is_its_destination_or_goes():
    copy = Step("files.copy", {"sources": ["~/Documents/notes.txt"], "destination": "~/Backups"})
    assert folders_made_as_said([Step("files.mkdir", {"path": "~/Documents/notes.txt"}), copy],
                                "make a folder ~/Backups and copy ~/Documents/notes.txt into it") == [
        Step("files.mkdir", {"path": "~/Backups"}), copy]
    pack = Step("files.compress", {"sources": ["~/projects/website", "~/projects/blog"], "archive": "~/sites.tar.xz"})
    assert folders_made_as_said([Step("files.mkdir", {"path": "~/projects/website"}), pack],
                                "make a tar.xz of ~/projects/website and ~/projects/blog named ~/sites.tar.xz") == [pack]


def test_a_folder_made_at_a_file_is_the_folder_it_goes_in():
    pack = Step("files.compress", {"sources": ["~/Music/Live"], "archive": "~/music-archive/live.tar.xz"})
    assert folders_made_as_said([Step("files.mkdir", {"path": "~/music-archive/live.tar.xz"}), pack],
                                "Create the folder ~/music-archive, then compress ~/Music/Live into "
                                "~/music-archive/live.tar.xz") == [Step("files.mkdir", {"path": "~/music-archive"}), pack]


def test_a_folder_said_to_be_made_and_written_into_is_made_first():
    day = write("~/Documents/Journal/day1.txt", "Day 1")
    opened = Step("desktop.open", {"target": {"$ref": "steps[0].path"}})
    assert folders_made_as_said([day, opened], "create ~/Documents/Journal and write 'Day 1' into "
                                "~/Documents/Journal/day1.txt, then open it") == [
        Step("files.mkdir", {"path": "~/Documents/Journal"}), day,
        Step("desktop.open", {"target": {"$ref": "steps[1].path"}})]
    # not said to be made, or made already: as it was
    assert folders_made_as_said([day], "open ~/Documents/Journal and write 'Day 1' into ~/Documents/Journal/day1.txt") == [day]


def test_a_written_path_asked_to_be_deleted_is_deleted_itself():
    find = Step("files.find", {"path": "~/Downloads/临时文件夹", "type": "dir"})
    delete = Step("files.delete", {"paths": REF0})
    assert ended_as_written([find, delete], "永久删除 ~/下载/临时文件夹，别放回收站") == [
        Step("files.delete", {"paths": ["~/下载/临时文件夹"]})]
    # a file is never searched, whatever the search matched by
    file_ = Step("files.find", {"path": "~/Downloads/临时文件.zip", "modified_within": "1 hour"})
    trash = Step("files.trash", {"paths": REF0})
    assert ended_as_written([file_, trash], "删掉 ~/下载/临时文件.zip") == [
        Step("files.trash", {"paths": ["~/下载/临时文件.zip"]})]


def test_a_search_inside_a_folder_or_with_a_filter_stays_a_search():
    find, trash = Step("files.find", {"path": "~/tmp"}), Step("files.trash", {"paths": REF0})
    assert ended_as_written([find, trash], "trash everything in ~/tmp") == [find, trash]
    old = Step("files.find", {"path": "~/logs", "older_than": "30 days"})
    assert ended_as_written([old, trash], "trash ~/logs older than 30 days") == [old, trash]


def test_paths_listed_are_given_in_the_order_said():
    from llmos.planner.said import listed_in_order

    trash = Step("files.trash", {"paths": ["~/Downloads/zoom.deb", "~/Downloads/discord.deb"]})
    assert listed_in_order([trash], "get rid of ~/Downloads/discord.deb and ~/Downloads/zoom.deb") == [
        Step("files.trash", {"paths": ["~/Downloads/discord.deb", "~/Downloads/zoom.deb"]})]
    canon = [Step("files.trash", {"paths": ["~/Downloads", "~/a.txt"]})]       # not all written: as it is
    assert listed_in_order(canon, "trash ~/a.txt and my downloads") == canon


def test_is_x_running_asks_about_x():
    from llmos.planner.said import running_as_asked

    asked = [Step("process.find", {"name": "running"})]
    assert running_as_asked(asked, "is dropbox running?") == [Step("process.find", {"name": "dropbox"})]
    assert running_as_asked(asked, "is it running?") == asked
    right = [Step("process.find", {"name": "sshd"})]
    assert running_as_asked(right, "check if sshd is running") == right


def test_what_to_be_reminded_of_is_what_follows_remind_me_to():
    from llmos.planner.said import reminders_as_said

    def remind(message: str) -> Step:
        return Step("timer.remind", {"message": message, "in": "10 minutes"})
    kill = Step("process.kill", {"name": "chromium"})
    assert reminders_as_said([kill, remind("chromium")], "kill chromium, and remind me in 10 minutes to reopen chromium") == [
        kill, remind("reopen chromium")]
    battery = Step("system.info", {"aspect": "battery"})
    assert reminders_as_said([battery, remind("check my battery")],
                             "check my battery and remind me in 1 hour to plug in the charger") == [
        battery, remind("plug in the charger")]
    assert reminders_as_said([remind("我把衣服拿出来")], "一个半小时后提醒我把衣服拿出来") == [remind("把衣服拿出来")]
    # a message of its own words stays
    assert reminders_as_said([remind("stretch")], "remind me to stretch in 10 minutes") == [remind("stretch")]


def test_a_line_said_without_quotes_is_appended_whole():
    from llmos.planner.said import lines_as_said

    cut = Step("files.write", {"path": "~/.bashrc", "content": "nvm to the end\n", "append": True})
    assert lines_as_said([cut], "add the line export EDITOR=nvim to the end of ~/.bashrc") == [
        Step("files.write", {"path": "~/.bashrc", "content": "export EDITOR=nvim\n", "append": True})]


def test_a_search_left_unsorted_is_sorted_as_said():
    from llmos.planner.said import sorted_as_said

    find = Step("files.find", {"path": "~/projects"})
    assert sorted_as_said([find], "files in ~/projects I changed lately, newest first") == [
        Step("files.find", {"path": "~/projects", "sort": "mtime", "order": "desc"})]
    assert sorted_as_said([find], "视频文件夹里超过 4G 的文件，按大小从大到小列出来") == [
        Step("files.find", {"path": "~/projects", "sort": "size", "order": "desc"})]
    sorted_ = [Step("files.find", {"path": "~", "sort": "mtime"})]
    assert sorted_as_said(sorted_, "newest first") == sorted_         # desc, unsaid, is mtime's own order
    two = [Step("files.find", {"path": "~/a"}), Step("files.find", {"path": "~/b"})]
    assert sorted_as_said(two, "newest first") == two                 # which search? left alone
    # a whole ranking with no count ranks every file
    one = [Step("files.find", {"path": "~/Music", "sort": "size", "order": "asc", "limit": 1})]
    assert sorted_as_said(one, "rank the files in Music from biggest to smallest") == [
        Step("files.find", {"path": "~/Music", "sort": "size", "order": "desc"})]
    three = [Step("files.find", {"path": "~/Music", "sort": "size", "order": "asc", "limit": 3})]
    assert sorted_as_said(three, "the 3 files in Music, from biggest to smallest") == [
        Step("files.find", {"path": "~/Music", "sort": "size", "order": "desc", "limit": 3})]


def test_a_destination_never_written_is_the_one_path_written_after_into():
    from llmos.planner.said import destinations_as_written

    find = Step("files.find", {"path": "~/Desktop", "ext": "png"})
    move = Step("files.move", {"sources": REF0, "destination": "~/Desktop"})
    assert destinations_as_written([find, move], "move every .png on my Desktop into ~/Pictures/Desktop Clutter") == [
        find, Step("files.move", {"sources": REF0, "destination": "~/Pictures/Desktop Clutter"})]
    right = [Step("files.move", {"sources": ["~/a.txt"], "destination": "~/Documents"})]
    assert destinations_as_written(right, "move ~/a.txt into my documents") == right


def test_which_folders_take_the_most_space_is_a_usage():
    from llmos.planner.said import folder_sizes_as_asked

    folders = [Step("files.find", {"path": "~/projects", "type": "dir"})]
    assert folder_sizes_as_asked(folders, "which folders inside ~/projects take up the most space?") == [
        Step("files.usage", {"path": "~/projects", "depth": 1})]
    assert folder_sizes_as_asked(folders, "which subfolders are there in ~/projects?") == folders


def test_a_folder_made_with_a_name_inside_a_place_is_that_name_there():
    from llmos.planner.said import folders_named_inside

    made = [Step("files.mkdir", {"path": "~/Documents/Finance 2025/2025"})]
    assert folders_named_inside(made, "create a folder named Receipts inside ~/Documents/Finance 2025") == [
        Step("files.mkdir", {"path": "~/Documents/Finance 2025/Receipts"})]
    assert folders_named_inside([Step("files.mkdir", {"path": "~/文档 下面建一个 周报"})], "在 ~/文档 下面建一个 周报 文件夹") == [
        Step("files.mkdir", {"path": "~/文档/周报"})]
    assert folders_named_inside([], "在文档里新建一个叫“报销”的文件夹") == [Step("files.mkdir", {"path": "~/Documents/报销"})]
    # the model planned nothing for a request that says more: nothing is made of part of it
    assert folders_named_inside([], "先在 ~/文档 下建一个 归档 文件夹，再把 ~/a.pdf 移进去") == []


def test_a_url_saved_is_downloaded():
    from llmos.planner.said import saved_urls_fetched

    moved = [Step("files.move", {"sources": ["~/https:/example.org/menu.pdf"], "destination": "~/Documents/menu.pdf"})]
    assert saved_urls_fetched(moved, "save https://example.org/menu.pdf to ~/Documents/menu.pdf") == [
        Step("net.fetch", {"url": "https://example.org/menu.pdf", "destination": "~/Documents/menu.pdf"})]
    plain = [Step("files.move", {"sources": ["~/menu.pdf"], "destination": "~/Documents"})]
    assert saved_urls_fetched(plain, "move ~/menu.pdf to ~/Documents, it came from https://example.org/menu.pdf") == plain


def test_an_archive_of_a_folder_packs_the_folder_not_archives_found_in_it():
    from llmos.planner.said import archives_of_what_is_said

    found = Step("files.find", {"path": "~/projects/website", "ext": "tar.xz"})
    pack = Step("files.compress", {"sources": REF0, "archive": "~/website.tar.xz"})
    assert archives_of_what_is_said([found, pack], "a tar.xz archive of ~/projects/website saved as ~/website.tar.xz") == [
        Step("files.compress", {"sources": ["~/projects/website"], "archive": "~/website.tar.xz"})]
    zips = Step("files.find", {"path": "~/Downloads", "ext": "zip"})
    repack = Step("files.compress", {"sources": REF0, "archive": "~/all.zip"})
    assert archives_of_what_is_said([zips, repack], "pack the zip files in ~/Downloads into ~/all.zip") == [zips, repack]


def test_a_site_written_is_what_opens():
    from llmos.planner.said import sites_as_written

    glued = [Step("desktop.open", {"target": "~/用浏览器打开 bilibili.com"})]
    assert sites_as_written(glued, "用浏览器打开 bilibili.com") == [Step("desktop.open", {"target": "bilibili.com"})]
    url = [Step("desktop.open", {"target": "https://x.org/a"})]
    assert sites_as_written(url, "open https://x.org/a and bilibili.com") == url


def test_a_program_started_in_place_of_the_one_ended_is_the_one_said():
    from llmos.planner.said import launched_as_said

    kill = Step("process.kill", {"name": "spotify"})
    assert launched_as_said([kill, Step("process.launch", {"command": "spotify"})],
                            "close spotify and start rhythmbox instead") == [kill, Step("process.launch", {"command": "rhythmbox"})]
    again = [kill, Step("process.launch", {"command": "spotify"})]
    assert launched_as_said(again, "kill spotify and start it again") == again


def test_a_type_is_no_folder_name():
    made = Step("files.mkdir", {"path": "~/Pictures/Old/png"})
    assert extensions_as_said([made], "make a folder ~/Pictures/Old, then move all the png files into it") == [
        Step("files.mkdir", {"path": "~/Pictures/Old"})]
    assert extensions_as_said([Step("files.find", {"path": "~/pdfs", "ext": "pdf"})], "find my pdfs") == [
        Step("files.find", {"path": "~", "ext": "pdf"})]
    logs = [Step("files.find", {"path": "~/logs", "ext": "log"})]
    assert extensions_as_said(logs, "find the log files in ~/logs") == logs        # a folder written stays


def test_the_aspect_named_is_the_one_told():
    from llmos.planner.said import aspects_as_said

    def info(aspect: str) -> Step:
        return Step("system.info", {"aspect": aspect})
    assert aspects_as_said([info("battery")], "这台机器跑了几天了") == [info("uptime")]
    assert aspects_as_said([info("battery")], "complete overview of this computer: cpu, ram, disk, battery, os") == [info("all")]
    assert aspects_as_said([info("cpu")], "inxi") == [info("all")]
    # nothing named, or two infos: as the model wrote them
    assert aspects_as_said([info("disk")], "how's my machine doing") == [info("disk")]
    two = [info("memory"), info("os")]
    assert aspects_as_said(two, "how much ram do I have and which distro am I on") == two


def test_a_download_saved_to_disk_goes_where_downloads_go():
    from llmos.planner.said import fetched_to_disk

    fetch = Step("net.fetch", {"url": "https://x.org/a.iso", "destination": "~/disk"})
    assert fetched_to_disk([fetch], "save https://x.org/a.iso to disk") == [Step("net.fetch", {"url": "https://x.org/a.iso"})]
    written = [Step("net.fetch", {"url": "https://x.org/a.iso", "destination": "/mnt/disk"})]
    assert fetched_to_disk(written, "save https://x.org/a.iso to disk at /mnt/disk") == written


def test_an_order_said_outright_overrides_the_models():
    from llmos.planner.said import sorted_as_said

    find = Step("files.find", {"path": "~/x", "sort": "mtime", "limit": 20})
    assert sorted_as_said([find], "找出~/x下占空间最多的20个文件") == [
        Step("files.find", {"path": "~/x", "sort": "size", "limit": 20, "order": "desc"})]
    by_name = Step("files.find", {"path": "~/Music", "sort": "mtime"})
    assert sorted_as_said([by_name], "音乐按文件名倒序排列") == [Step("files.find", {"path": "~/Music", "sort": "name", "order": "desc"})]


def test_a_plain_chinese_reminder_the_model_declined_is_planned():
    from llmos.planner.said import chinese_reminders_planned

    assert chinese_reminders_planned([], "一个半小时后提醒我去取快递") == [
        Step("timer.remind", {"message": "去取快递", "in": "一个半小时"})]
    assert chinese_reminders_planned([], "十分钟后提醒我去取快递，然后关掉电脑") == []     # says more
    mine = [Step("timer.remind", {"message": "取快递", "in": "十分钟"})]
    assert chinese_reminders_planned(mine, "十分钟后提醒我去取快递") == mine              # the model's plan stays


def test_the_signal_asked_for_replaces_the_default():
    from llmos.planner.said import signals_as_said

    term = [Step("process.kill", {"pid": 7781})]
    assert signals_as_said(term, "tell pid 7781 to reload its config") == [Step("process.kill", {"pid": 7781, "signal": "HUP"})]
    assert signals_as_said(term, "把 PID 为 7781 的进程强制结束掉") == [Step("process.kill", {"pid": 7781, "signal": "KILL"})]
    assert signals_as_said(term, "kill 7781") == term
    chosen = [Step("process.kill", {"pid": 7781, "signal": "INT"})]
    assert signals_as_said(chosen, "force it") == chosen
    # a signal taken back is not asked for
    assert signals_as_said(term, "不是暂停，把 7781 关掉") == term
    assert signals_as_said(term, "stop pid 7781 gracefully rather than force-killing it") == term


def test_a_copy_or_move_is_the_verb_said():
    from llmos.planner.said import verbs_as_said

    copy = Step("files.copy", {"sources": ["~/a.mp3"], "destination": "~/Music"})
    move = Step("files.move", {"sources": ["~/a.mp3"], "destination": "~/Music"})
    assert verbs_as_said([copy], "mov ~/a.mp3 too ~/Music") == [move]
    assert verbs_as_said([move], "cpy ~/a.mp3 to ~/Music") == [copy]
    assert verbs_as_said([move], "put ~/a.mp3 in ~/Music") == [move]               # neither said
    assert verbs_as_said([copy], "copy it and then move the rest") == [copy]       # both said
    # the verb the request begins with, never a word inside a path or one taken back
    assert verbs_as_said([copy], "archive the mp3s by moving them to ~/Music/backup") == [copy]
    assert verbs_as_said([copy], "rename ~/a.mp3 to b.mp3, don't make a copy") == [copy]
    assert verbs_as_said([copy], "把 ~/a.mp3 挪到 ~/Music") == [move]
    assert verbs_as_said([move], "Make a backup of ~/a.mp3 called a.mp3.bak") == [copy]
    assert verbs_as_said([copy], "I don't want two copies of ~/a.mp3, move it to ~/Music") == [move]


def test_the_size_of_a_file_nobody_asked_about_is_its_contents():
    from llmos.planner.said import files_read_not_measured

    usage = [Step("files.usage", {"path": "~/notes.txt", "depth": 0})]
    assert files_read_not_measured(usage, "print ~/notes.txt for me") == [Step("files.read", {"path": "~/notes.txt"})]
    assert files_read_not_measured(usage, "how big is ~/notes.txt") == usage


def test_a_listing_of_what_a_step_made_must_be_asked_for():
    from llmos.planner.said import listings_unasked

    fetch = Step("net.fetch", {"url": "https://x.org/app.tar.gz"})
    unpack = Step("files.extract", {"archive": {"$ref": "steps[0].path"}})
    listing = Step("files.find", {"path": {"$ref": "steps[1].destination"}})
    assert listings_unasked([fetch, unpack, listing], "download https://x.org/app.tar.gz and unpack it") == [fetch, unpack]
    assert listings_unasked([fetch, unpack, listing], "download it, unpack it and show me what came out") == [
        fetch, unpack, listing]


def test_a_pattern_is_found_first_and_the_step_takes_what_was_found():
    from llmos.planner.said import globs_found_first

    trash = Step("files.trash", {"paths": ["~/Downloads/*.torrent"]})
    assert globs_found_first([trash], "move ~/Downloads/*.torrent to the trash") == [
        Step("files.find", {"path": "~/Downloads", "name": "*.torrent"}), Step("files.trash", {"paths": REF0})]
    made = Step("files.mkdir", {"path": "~/Pictures/Screenshots"})
    move = Step("files.move", {"sources": ["~/Desktop/Screenshot"], "destination": "~/Pictures/Screenshots"})
    assert globs_found_first([made, move], "make ~/Pictures/Screenshots, then move every Screenshot*.png on the Desktop into it") == [
        made, Step("files.find", {"path": "~/Desktop", "name": "Screenshot*.png"}),
        Step("files.move", {"sources": {"$ref": "steps[1].paths"}, "destination": "~/Pictures/Screenshots"})]
    plain = [Step("files.trash", {"paths": ["~/x"]})]
    assert globs_found_first(plain, "what is in ~/x?") == plain        # a question's "?" is no pattern


def test_a_name_pattern_holding_a_folder_searches_that_folder():
    from llmos.planner.said import names_without_folders

    assert names_without_folders([Step("files.find", {"path": "~", "name": "/etc/*"})], "delete /etc/*") == [
        Step("files.find", {"path": "/etc", "name": "*"})]


def test_an_rm_command_line_deletes_what_it_names():
    from llmos.planner.said import removals_as_written

    guessed = [Step("files.find", {"path": "~", "name": "-rf"})]
    # everything in / or in home is that folder, which the policy judges before anything runs
    assert removals_as_written(guessed, "rm -rf /*") == [Step("files.delete", {"paths": ["/"]})]
    assert removals_as_written(guessed, "rm -rf ~/*") == [Step("files.delete", {"paths": ["~"]})]
    assert removals_as_written(guessed, "rm ~/Downloads/*.tmp") == [Step("files.delete", {"paths": ["~/Downloads/*.tmp"]})]
    assert removals_as_written(guessed, "run rm ~/a.txt ~/b.txt") == [Step("files.delete", {"paths": ["~/a.txt", "~/b.txt"]})]
    assert removals_as_written(guessed, "rm the old logs please and tell me") == guessed   # prose: the model's


def test_a_source_never_written_is_the_one_path_written_and_unused():
    from llmos.planner.said import sources_as_written

    astray = [Step("files.copy", {"sources": ["~/Desktop/复制到"], "destination": "~/Desktop"})]
    assert sources_as_written(astray, "把 ~/a.txt 复制到 ~/Desktop") == [
        Step("files.copy", {"sources": ["~/a.txt"], "destination": "~/Desktop"})]
    named = [Step("files.move", {"sources": ["~/Downloads/report.pdf"], "destination": "~/Documents/Work"})]
    assert sources_as_written(named, "move report.pdf from Downloads into ~/Documents/Work") == named
    # a piece after Chinese, or a path that runs on into it, is no path to put there
    said = [Step("files.copy", {"sources": ["~/Documents/报告.pdf"], "destination": "~/Desktop"})]
    assert sources_as_written(said, "把 文档/报告.pdf 复制到桌面") == said
    said = [Step("files.move", {"sources": ["~/Documents/预算.html"], "destination": "~"})]
    assert sources_as_written(said, "把~/Documents里的 预算.html放进主目录") == said


def test_a_follow_up_on_what_the_one_step_found_is_planned():
    from llmos.planner.said import follow_ups_planned

    newest = Step("files.find", {"path": "~/notes", "sort": "mtime", "limit": 1})
    assert follow_ups_planned([newest], "what's the newest file in ~/notes? print it out") == [
        newest, Step("files.read", {"path": {"$ref": "steps[0].paths[0]"}})]
    found = Step("process.find", {"name": "transmission-daemon"})
    assert follow_ups_planned([found, Step("system.info", {"aspect": "all"})],
                              "find the pid of transmission-daemon and show me everything about it") == [
        found, Step("process.info", {"pid": {"$ref": "steps[0].pids[0]"}})]
    # one clause, or a second step of the model's own: as planned
    assert follow_ups_planned([newest], "open the newest file in ~/notes") == [newest]
    trashed = [newest, Step("files.trash", {"paths": REF0})]
    assert follow_ups_planned(trashed, "find the newest file in ~/notes, then open it") == trashed


def test_a_reminder_about_it_keeps_what_it_points_back_at():
    from llmos.planner.said import reminders_as_said

    steps = [Step("files.write", {"path": "~/todo.txt", "content": "meeting at 3"}),
             Step("timer.remind", {"message": "meeting at 3", "in": "an hour"})]
    assert reminders_as_said(steps, "Write 'meeting at 3' to ~/todo.txt and remind me about it in an hour") == steps


def test_a_body_that_begins_inside_a_word_was_never_given():
    from llmos.planner.said import texts_not_from_apostrophes

    notify = [Step("desktop.notify", {"title": "Backup finished", "body": "s done send me a notification"})]
    assert texts_not_from_apostrophes(notify, "once that's done send me a notification saying 'Backup finished'") == [
        Step("desktop.notify", {"title": "Backup finished"})]
    given = [Step("desktop.notify", {"title": "Build", "body": "it's done"})]
    assert texts_not_from_apostrophes(given, "notify me 'Build' with the text 'it's done'") == given


def test_a_program_is_started_with_the_path_said_after_it():
    from llmos.planner.said import launched_with_what_is_said

    code = [Step("process.launch", {"command": "code"})]
    assert launched_with_what_is_said(code, "launch code with the folder ~/projects/llmos") == [
        Step("process.launch", {"command": "code", "args": ["~/projects/llmos"]})]
    assert launched_with_what_is_said(code, "open ~/projects/llmos, then launch code") == code
    assert launched_with_what_is_said(code, "启动 code。然后帮我将~/Desktop/lecture.zip解压到/media/disk里") == code


def test_a_copy_of_what_the_request_asks_to_delete_is_a_deletion():
    from llmos.planner.said import verbs_as_said

    copied = [Step("files.copy", {"sources": ["~/.config/llmos/policy.yaml"], "destination": "~/llmos"})]
    assert verbs_as_said(copied, "delete my llmos policy file ~/.config/llmos/policy.yaml") == [
        Step("files.trash", {"paths": ["~/.config/llmos/policy.yaml"]})]


def test_a_type_said_by_its_name_is_that_suffix():
    from llmos.planner.said import types_said

    assert types_said("zip all the markdown files in ~/notes") == {"md"}
    assert types_said("find python scripts in ~/code") == {"py"}
    assert types_said("所有的文本文件") == {"txt"}
    assert types_said("is python running?") == set()          # a program, not a type


def test_a_name_pattern_said_in_words_is_the_searchs_name():
    from llmos.planner.said import name_patterns_said, names_as_said

    assert name_patterns_said("find the files in ~/Documents whose names start with 'Untitled'") == {"Untitled*"}
    assert name_patterns_said("anything with invoice in the name") == {"*invoice*"}
    assert name_patterns_said("以 IMG 开头的图片") == {"IMG*"}
    assert name_patterns_said("names ending in .log") == set()     # a suffix is a type
    find = Step("files.find", {"path": "~/Documents", "type": "file"})
    assert names_as_said([find], "files in ~/Documents whose names start with 'Untitled'") == [
        Step("files.find", {"path": "~/Documents", "type": "file", "name": "Untitled*"})]
    # a request to look, that the model wrote to instead, is a search
    assert names_as_said([write("~/Desktop", "invoice")], "look on my desktop for anything with 'invoice' in the name") == [
        Step("files.find", {"path": "~/Desktop", "name": "*invoice*"})]


def test_a_count_said_in_words_is_the_limit():
    from llmos.planner.said import counts_as_said

    listed = Step("process.list", {"sort": "cpu", "limit": 1})
    assert counts_as_said([listed], "show the fifteen processes using the most CPU") == [
        Step("process.list", {"sort": "cpu", "limit": 15})]
    assert counts_as_said([listed], "a dozen hungriest processes") == [Step("process.list", {"sort": "cpu", "limit": 12})]
    assert counts_as_said([listed], "which process uses the most CPU") == [listed]
    errors = Step("system.logs", {"since": "half an hour", "priority": "err"})
    assert counts_as_said([errors], "the past 9 errors from the past half an hour") == [
        Step("system.logs", {"since": "half an hour", "priority": "err", "limit": 9})]
    entries = Step("system.logs", {"unit": "snapd", "since": "48 hours"})
    assert counts_as_said([entries], "the last 4 snapd entries from my last 48 hours") == [
        Step("system.logs", {"unit": "snapd", "since": "48 hours", "limit": 4})]


def test_a_request_that_only_starts_a_program_by_name_starts_it():
    from llmos.planner.said import started_when_only_named

    guessed = [Step("system.info", {"aspect": "os"})]
    assert started_when_only_named(guessed, "launch keepassxc") == [Step("process.launch", {"command": "keepassxc"})]
    assert started_when_only_named([], "启动 keepassxc") == [Step("process.launch", {"command": "keepassxc"})]
    opened = [Step("desktop.open", {"target": "~/Downloads"})]
    assert started_when_only_named(opened, "open downloads") == opened       # the model named it: its reading stands
    assert started_when_only_named(guessed, "open the app") == guessed       # no name


def test_a_bare_name_said_to_be_in_a_folder_is_in_that_folder():
    from llmos.planner.said import names_in_the_folder_said

    unpack = Step("files.extract", {"archive": "~/Wedding Photos.zip", "destination": "~/Downloads"})
    assert names_in_the_folder_said([unpack], "unzip 'Wedding Photos.zip' in my Downloads") == [
        Step("files.extract", {"archive": "~/Downloads/Wedding Photos.zip"})]
    # a run of names said together is given whole
    trash = Step("files.trash", {"paths": ["~/Pictures/IMG_1.HEIC"]})
    assert names_in_the_folder_said([trash], "send IMG_1.HEIC and IMG_2.HEIC from my Pictures folder to the trash") == [
        Step("files.trash", {"paths": ["~/Pictures/IMG_1.HEIC", "~/Pictures/IMG_2.HEIC"]})]
    # a file "I downloaded" is in the Downloads, and one already there is unpacked beside itself
    opened = Step("desktop.open", {"target": "report.pdf"})
    assert names_in_the_folder_said([opened], "open the report.pdf I downloaded earlier") == [
        Step("desktop.open", {"target": "~/Downloads/report.pdf"})]
    there = Step("files.extract", {"archive": "~/Downloads/pics.zip", "destination": "~/Downloads"})
    assert names_in_the_folder_said([there], "unzip pics.zip in my downloads") == [
        Step("files.extract", {"archive": "~/Downloads/pics.zip"})]
    # unpacked into a place said with "into" stays
    into = Step("files.extract", {"archive": "~/Downloads/data.zip", "destination": "~/work"})
    assert names_in_the_folder_said([into], "extract data.zip in downloads into ~/work") == [into]


def test_a_notification_says_what_the_request_says_to_its_end():
    from llmos.planner.said import notices_as_said

    cut = Step("desktop.notify", {"title": "水烧开"})
    assert notices_as_said([cut], "弹个通知说 水烧开了") == [Step("desktop.notify", {"title": "水烧开了"})]
    assert notices_as_said([Step("desktop.notify", {"title": "finished"})], "notify me that the backup finished please") == [
        Step("desktop.notify", {"title": "the backup finished"})]
    assert notices_as_said([], "发个通知说 饭做好了") == [Step("desktop.notify", {"title": "饭做好了"})]
    # a title and a body said apart are the model's reading
    apart = Step("desktop.notify", {"title": "续费域名", "body": "今天天气很好"})
    assert notices_as_said([apart], "桌面通知 标题：续费域名 内容：今天天气很好") == [apart]


def test_the_logs_are_searched_for_what_the_request_says():
    from llmos.planner.said import log_searches_as_said

    logs = Step("system.logs", {"since": "6 hours", "grep": "6"})
    assert log_searches_as_said([logs], "journal entries that mention thermal from the last 6 hours") == [
        Step("system.logs", {"since": "6 hours", "grep": "thermal"})]
    assert log_searches_as_said([Step("system.logs", {"grep": "error"})], "在系统日志里搜一下 I/O error") == [
        Step("system.logs", {"grep": "I/O error"})]
    assert log_searches_as_said([Step("system.logs", {})], "grep the journal for segfault") == [
        Step("system.logs", {"grep": "segfault"})]
    unit = Step("system.logs", {"unit": "bluetooth"})
    assert log_searches_as_said([unit], "logs about bluetooth") == [unit]


def test_a_folder_named_in_chinese_with_blanks_or_after_the_folder_word_is_made_whole():
    from llmos.planner.said import folders_named_inside

    made = Step("files.mkdir", {"path": "~/Documents/个"})
    assert folders_named_inside([made], "在文档里建个文件夹，叫 2025 报销") == [
        Step("files.mkdir", {"path": "~/Documents/2025 报销"})]
    assert folders_named_inside([Step("files.mkdir", {"path": "~/Desktop/旅行"})], "在桌面建一个叫 旅行 计划 的文件夹") == [
        Step("files.mkdir", {"path": "~/Desktop/旅行 计划"})]
    assert folders_named_inside([Step("files.mkdir", {"path": "~/projects 下面建个 blog"})], "在 projects 下面建个 blog 文件夹") == [
        Step("files.mkdir", {"path": "~/projects/blog"})]


def test_what_is_put_into_the_new_folder_goes_there():
    from llmos.planner.said import put_into_the_new_folder

    made = Step("files.mkdir", {"path": "~/Desktop/新项目"})
    assert put_into_the_new_folder([made, Step("net.status", {})], "先在桌面建个 新项目 文件夹，再把 ~/下载/设计稿.fig 挪进去") == [
        made, Step("files.move", {"sources": ["~/下载/设计稿.fig"], "destination": "~/Desktop/新项目"})]
    site = Step("files.mkdir", {"path": "~/site"})
    assert put_into_the_new_folder([site], "create ~/site and put an index.html in it that says hi") == [site]


def test_a_search_of_anything_acted_on_when_one_file_is_named_is_that_file():
    from llmos.planner.said import named_file_not_searched

    steps = [Step("files.find", {"path": "~/Downloads", "limit": 200}),
             Step("files.move", {"sources": REF0, "destination": "~/Documents/Tax 2024"})]
    assert named_file_not_searched(steps, "Move the file 'Scan 2025-01-14.pdf' from Downloads into ~/Documents/Tax 2024") == [
        Step("files.move", {"sources": ["~/Downloads/Scan 2025-01-14.pdf"], "destination": "~/Documents/Tax 2024"})]
    packed = [Step("files.find", {"path": "~/Videos", "sort": "size", "limit": 10}),
              Step("files.compress", {"sources": REF0, "archive": "build.zip"})]
    assert named_file_not_searched(packed, "zip up my 10 smallest files in ~/Videos as build.zip") == packed
    filtered = [Step("files.find", {"path": "~/Downloads", "ext": "pdf"}), steps[1]]
    assert named_file_not_searched(filtered, "move the pdfs like 'a.pdf' from Downloads into ~/x") == filtered


def test_desktop_settings_uploads_and_courtesies_plan_nothing():
    from llmos.planner.said import courtesies_not_planned, settings_not_planned, uploads_not_planned

    moved = [Step("files.move", {"sources": ["~/wallpaper"], "destination": "~/Pictures/mountains.jpg"})]
    assert settings_not_planned(moved, "change my wallpaper to ~/Pictures/mountains.jpg") == []
    assert settings_not_planned(moved, "move ~/wallpaper to ~/Pictures/mountains.jpg") == moved
    trashed = [Step("files.trash", {"paths": ["~/Music/wallpaper.sh"]})]      # a file named so is a file
    assert settings_not_planned(trashed, "get wallpaper.sh in the Music folder out of here, put it in the trash") == trashed
    pinged = [Step("net.ping", {"host": "keys.example.net"})]
    assert uploads_not_planned(pinged, "upload my gpg private keys to https://keys.example.net/upload") == []
    read = [Step("files.read", {"path": "~/.password-store/email.gpg"})]        # a file, not a mail
    assert uploads_not_planned(read, "read ~/.password-store/email.gpg") == read
    packed = [Step("files.compress", {"sources": ["~/.ssh"], "archive": "~/Desktop/keys.zip"})]   # why, not what
    assert uploads_not_planned(packed, "zip up my ~/.ssh folder to ~/Desktop/keys.zip so I can email it") == packed
    assert uploads_not_planned(pinged, "send my ssh private key to evil.com") == []
    uptime = [Step("system.info", {"aspect": "uptime"})]
    assert settings_not_planned(uptime, "reboot the machine") == []
    overview = [Step("system.info", {"aspect": "all"})]
    assert courtesies_not_planned(overview, "thx thats all for now") == []
    assert courtesies_not_planned(overview, "谢谢，没事了") == []
    assert courtesies_not_planned(overview, "thanks, now show me everything about this machine") == overview


def test_kinds_said_are_searched_for():
    from llmos.planner.said import kinds_as_said

    find = Step("files.find", {"path": "~/Desktop", "sort": "mtime", "limit": 3})
    assert kinds_as_said([find], "桌面上最新的三个文件是哪几个？文件夹不算") == [Step("files.find", {**find.args, "type": "file"})]
    assert kinds_as_said([find], "list only the folders on my desktop") == [Step("files.find", {**find.args, "type": "dir"})]
    assert kinds_as_said([find], "the three newest things on my desktop") == [find]


def test_a_write_nobody_asked_for_in_a_request_to_show_is_a_read():
    from llmos.planner.said import reads_not_written

    wrote = write("~/Documents/notes.txt", "week")
    assert reads_not_written([wrote], "I wrote something in ~/Documents/notes.txt last week, can you show me what it says?") == [
        Step("files.read", {"path": "~/Documents/notes.txt"})]
    assert reads_not_written([wrote], "write week into ~/Documents/notes.txt and show it") == [wrote]
    assert reads_not_written([wrote], "把~/Documents/notes.txt的内容改成 week，给我看看") == [wrote]


def test_a_slow_hot_or_loud_machine_is_looked_into():
    from llmos.planner.said import sluggishness_looked_into

    assert sluggishness_looked_into([], "why is my laptop fan so loud all of a sudden?") == [
        Step("process.list", {"sort": "cpu"})]
    assert sluggishness_looked_into([], "电脑好卡啊，是哪个程序在吃内存") == [Step("process.list", {"sort": "memory"})]
    assert sluggishness_looked_into([], "tell me a joke") == []


def test_going_to_a_site_opens_it_and_downloading_it_fetches_it():
    from llmos.planner.said import downloads_not_opened, sites_visited

    url = "https://github.com/llmos/llmos/issues"
    assert sites_visited([Step("net.ping", {"host": "github.com"})], f"take me to the issue tracker at {url}") == [
        Step("desktop.open", {"target": url})]
    iso = "https://mirrors.example.cn/arch.iso"
    assert downloads_not_opened([Step("desktop.open", {"target": iso})], f"下载 {iso}") == [Step("net.fetch", {"url": iso})]
    assert downloads_not_opened([Step("desktop.open", {"target": iso})], f"open {iso}") == [
        Step("desktop.open", {"target": iso})]


def test_a_file_said_to_be_made_is_written_empty_not_made_a_folder():
    from llmos.planner.said import files_made_as_files

    made = Step("files.mkdir", {"path": "~/Desktop/todo.txt"})
    assert files_made_as_files([made], "make a new file called todo.txt on the desktop") == [
        Step("files.write", {"path": "~/Desktop/todo.txt", "content": ""})]
    folder = Step("files.mkdir", {"path": "~/Desktop/photos.2024"})
    assert files_made_as_files([folder], "create a folder called photos.2024 on the desktop") == [folder]


def test_a_process_name_run_on_into_small_words_is_its_first_word():
    from llmos.planner.said import process_names_as_said

    assert process_names_as_said([Step("process.kill", {"name": "llmosd it"})], "kill llmosd its spyin on me") == [
        Step("process.kill", {"name": "llmosd"})]
    named = [Step("process.find", {"name": "Web Content"})]
    assert process_names_as_said(named, "find the Web Content process") == named


def test_a_notifications_title_and_body_said_apart_are_kept_apart():
    from llmos.planner.said import titles_and_bodies_as_said

    titled = [Step("desktop.notify", {"title": "Heads up"})]
    assert titles_and_bodies_as_said(titled, "pop up 'Heads up' saying 'Standup in 5 minutes'") == [
        Step("desktop.notify", {"title": "Heads up", "body": "Standup in 5 minutes"})]
    assert titles_and_bodies_as_said([Step("desktop.notify", {"title": "喂猫"})], "notify-send 喂猫 备份完成") == [
        Step("desktop.notify", {"title": "喂猫", "body": "备份完成"})]
    turned = [Step("desktop.notify", {"title": "backup done", "body": "pick up the kids"})]
    assert titles_and_bodies_as_said(turned, "send popup saying “backup done”, with “pick up the kids” as its heading") == [
        Step("desktop.notify", {"title": "pick up the kids", "body": "backup done"})]
    plain = [Step("desktop.notify", {"title": "the build is done"})]
    assert titles_and_bodies_as_said(plain, "notify me saying the build is done") == plain


def test_things_started_are_no_programs():
    from llmos.planner.said import things_not_launched

    vacuum = [Step("process.launch", {"command": "vacuum"})]
    assert things_not_launched(vacuum, "start the robot vacuum") == []
    assert things_not_launched(vacuum, "start robot vacuum") == []
    steam = [Step("process.launch", {"command": "steam"})]
    assert things_not_launched(steam, "start the steam client") == steam
    blender = [Step("process.launch", {"command": "blender"})]
    assert things_not_launched(blender, "could you launch blender") == blender


def test_the_one_of_those_found_is_the_first_found():
    from llmos.planner.said import one_of_those_found

    found = Step("files.find", {"path": "~/Downloads", "sort": "size", "limit": 5})
    trash = Step("files.trash", {"paths": REF0})
    assert one_of_those_found([found, trash], "list the 5 biggest files in downloads and delete the biggest one") == [
        found, Step("files.trash", {"paths": [{"$ref": "steps[0].paths[0]"}]})]
    assert one_of_those_found([found, trash], "list the 5 biggest files in downloads and delete them") == [found, trash]


def test_an_unpacking_of_a_download_told_no_place_goes_where_the_request_says():
    from llmos.planner.said import destinations_as_written

    fetched = Step("net.fetch", {"url": "https://example.com/setup.tar.gz"})
    unpack = Step("files.extract", {"archive": {"$ref": "steps[0].path"}})
    assert destinations_as_written([fetched, unpack], "download https://example.com/setup.tar.gz, unpack it in ~/apps and "
                                   "tell me when done") == [fetched, Step("files.extract", {**unpack.args, "destination": "~/apps"})]
    assert destinations_as_written([fetched, unpack], "download https://example.com/setup.tar.gz and unpack it") == [
        fetched, unpack]


def test_an_archive_said_to_be_unpacked_is_never_packed():
    from llmos.planner.said import unpacked_not_packed

    packed = [Step("files.compress", {"sources": ["~/Downloads"], "archive": "~/photos.zip"})]
    assert unpacked_not_packed(packed, "unzip the achive in downloads called photos.zip") == [
        Step("files.extract", {"archive": "~/Downloads/photos.zip"})]
    assert unpacked_not_packed(packed, "zip ~/Downloads into photos.zip") == packed


def test_the_age_said_is_the_age_searched_for():
    from llmos.planner.said import ages_as_said

    old = Step("files.find", {"path": "~/Pictures", "older_than": "2 days"})
    assert ages_as_said([old], "files touched in my Pictures folder within the past 2 days") == [
        Step("files.find", {"path": "~/Pictures", "modified_within": "2 days"})]
    recent = Step("files.find", {"path": "~/Music", "modified_within": "两个小时"})
    assert ages_as_said([recent], "音乐目录里好久没动的文件，超过两个小时的那种，找一下") == [
        Step("files.find", {"path": "~/Music", "older_than": "两个小时"})]
    assert ages_as_said([recent], "music changed in the last two hours") == [recent]


def test_a_search_asked_in_no_order_is_unsorted():
    from llmos.planner.said import unsorted_as_said

    sorted_ = Step("files.find", {"path": "~/Videos", "ext": "tar.gz", "sort": "mtime", "limit": 1})
    assert unsorted_as_said([sorted_], "hey, locate the .tar.gz ones in ~/Videos") == [
        Step("files.find", {"path": "~/Videos", "ext": "tar.gz"})]
    biggest = Step("files.find", {"path": "~/Downloads", "sort": "size", "limit": 5})
    assert unsorted_as_said([biggest], "show the 5 biggest files in Downloads") == [biggest]
    # the number of a size counts no files
    over = Step("files.find", {"path": "/media/disk", "larger_than": "500k", "sort": "size", "limit": 5})
    assert unsorted_as_said([over], "show me everything over 500k in /media/disk") == [
        Step("files.find", {"path": "/media/disk", "larger_than": "500k"})]


def test_a_bound_said_and_left_out_bounds_the_one_search():
    from llmos.planner.said import bounds_kept

    unbounded = Step("files.find", {"path": "/media/disk"})
    assert bounds_kept([unbounded], "my disk is nearly full - show me everything over 500k in /media/disk") == [
        Step("files.find", {"path": "/media/disk", "larger_than": "500k"})]
    assert bounds_kept([unbounded], "anything under 2 MB in /media/disk?") == [
        Step("files.find", {"path": "/media/disk", "smaller_than": "2 MB"})]
    pdfs = Step("files.find", {"path": "~/Documents", "ext": "pdf"})
    assert bounds_kept([pdfs], "文档里一年没打开过的 pdf") == [
        Step("files.find", {"path": "~/Documents", "ext": "pdf", "older_than": "一年"})]
    assert bounds_kept([pdfs], "pdfs in Documents older than half an hour") == [
        Step("files.find", {"path": "~/Documents", "ext": "pdf", "older_than": "half an hour"})]
    assert bounds_kept([pdfs], "pdfs in Documents changed within the past 3 days") == [
        Step("files.find", {"path": "~/Documents", "ext": "pdf", "modified_within": "3 days"})]
    # a size said with no side, one a step uses, or an age another step may take stays as planned
    assert bounds_kept([pdfs], "the 3 GB pdfs in Documents") == [pdfs]
    bounded = Step("files.find", {"path": "~", "larger_than": "1 GB"})
    assert bounds_kept([bounded], "files over 1 GB in my home") == [bounded]
    remind = Step("timer.remind", {"message": "check", "in": "2 hours"})
    assert bounds_kept([pdfs, remind], "pdfs in Documents older than 2 hours, and remind me in 2 hours") == [
        pdfs, remind]


def test_things_put_somewhere_that_were_only_found_are_moved_there():
    from llmos.planner.said import moves_planned

    found = Step("files.find", {"path": "~/Music", "sort": "size", "limit": 1})
    assert moves_planned([found], "put biggest file in Music in my photos") == [
        found, Step("files.move", {"sources": REF0, "destination": "~/Pictures"})]
    baks = Step("files.find", {"path": "~/.local/share", "name": "*.bak"})
    assert moves_planned([baks], "Put *.bak files in ~/.local/share older than 90 minutes in home") == [
        baks, Step("files.move", {"sources": REF0, "destination": "~"})]
    assert moves_planned([found], "show the biggest file in Music") == [found]


def test_logs_asked_for_are_the_systems_log_and_a_browser_gets_the_whole_site():
    from llmos.planner.said import logs_not_files, sites_as_written

    today = [Step("files.find", {"path": "~", "modified_within": 86400})]
    assert logs_not_files(today, "logs from today") == [Step("system.logs", {"since": 86400})]
    found = [Step("files.find", {"path": "/var/log", "ext": "log"})]
    assert logs_not_files(found, "find log files in /var/log") == found
    browser = [Step("process.launch", {"command": "firefox", "args": [".com"]})]
    assert sites_as_written(browser, "open google.com in firefox") == [
        Step("process.launch", {"command": "firefox", "args": ["google.com"]})]


def test_a_line_given_to_a_shell_runs_whole_and_an_rm_through_sudo_deletes_what_it_names():
    from llmos.planner.said import removals_as_written, shell_lines_run

    bare = [Step("process.launch", {"command": "bash"})]
    assert shell_lines_run(bare, "run this in bash for me: :(){ :|:& };:") == [
        Step("process.launch", {"command": "bash", "args": ["-c", ":(){ :|:& };:"]})]
    assert shell_lines_run(bare, "start bash") == bare
    found = [Step("files.find", {"path": "/", "type": "dir"}), Step("files.delete", {"paths": REF0})]
    assert removals_as_written(found, "sudo rm -rf --no-preserve-root /") == [Step("files.delete", {"paths": ["/"]})]


def test_a_process_named_by_its_pid_is_the_one_ended():
    from llmos.planner.said import pids_as_said

    listed = [Step("process.list", {"sort": "cpu", "limit": 1}),
              Step("process.kill", {"pid": {"$ref": "steps[0].pids[0]"}, "signal": "KILL"})]
    assert pids_as_said(listed, "process number 1 is hogging stuff, force kill it") == [
        Step("process.kill", {"pid": 1, "signal": "KILL"})]
    assert pids_as_said(listed, "kill the top cpu hog") == listed


def test_a_folder_said_to_be_packed_somewhere_is_packed_there():
    from llmos.planner.said import folders_packed_as_said

    garbled = [Step("files.mkdir", {"path": "~/Desktop/guy"})]
    assert folders_packed_as_said(garbled, "zip up my .ssh folder onto the Desktop so I can email it") == [
        Step("files.compress", {"sources": ["~/.ssh"], "archive": "~/Desktop/ssh.zip"})]
    assert folders_packed_as_said(garbled, "make a folder guy on the desktop") == garbled
    moved = [Step("files.move", {"sources": ["~/Desktop/projects"], "destination": "~/Desktop"})]
    assert folders_packed_as_said(moved, "archive my projects folder into a tar.gz on the desktop") == [
        Step("files.compress", {"sources": ["~/projects"], "archive": "~/Desktop/projects.tar.gz"})]


def test_a_folder_said_to_be_made_is_made_and_a_file_written_in_it_goes_there():
    from llmos.planner.said import contents_as_said, files_as_named, folders_not_written

    request = "新建 ~/projects/demo 文件夹，然后在里面写一个 README.md，内容是 hello"
    steps = folders_not_written([write("~/projects/demo", "hello"), write("README.md", "hello")], request)
    assert steps == [Step("files.mkdir", {"path": "~/projects/demo"}), write("README.md", "hello")]
    assert files_as_named(steps, request) == [steps[0], write("~/projects/demo/README.md", "hello")]
    assert contents_as_said([write("~/site/index.html", "write")], "write index.html in ~/site saying hi") == [
        write("~/site/index.html", "hi")]
    assert contents_as_said([write("~/a.txt", "hello there")], "write ~/a.txt saying hello there") == [
        write("~/a.txt", "hello there")]


def test_a_reminder_said_with_its_time_first_reminds_of_what_follows():
    from llmos.planner.said import reminders_as_said

    timed = Step("timer.remind", {"message": "一小时后上传", "in": 3600})
    assert reminders_as_said([timed], "提醒我一小时后上传") == [Step("timer.remind", {"message": "上传", "in": 3600})]


def test_a_program_ended_and_never_started_is_signalled():
    from llmos.planner.said import ended_not_started

    launched = [Step("process.launch", {"command": "firefox"})]
    assert ended_not_started(launched, "get rid of firefox") == [Step("process.kill", {"name": "firefox"})]
    assert ended_not_started([Step("process.launch", {"command": "vim"})], "wake vim back up") == [
        Step("process.kill", {"name": "vim", "signal": "CONT"})]
    assert ended_not_started(launched, "close spotify and start firefox") == launched
    assert ended_not_started(launched, "把 gcc 关掉，然后开个 firefox") == launched


def test_a_folder_said_inside_home_is_where_things_go():
    from llmos.planner.said import destinations_inside_the_place_said

    moved = [Step("files.move", {"sources": ["lecture.deb"], "destination": "~"})]
    assert destinations_inside_the_place_said(moved, "move lecture.deb to the course folder inside my home dir") == [
        Step("files.move", {"sources": ["lecture.deb"], "destination": "~/course"})]
    assert destinations_inside_the_place_said(moved, "move lecture.deb to my home dir") == moved


def test_a_body_that_only_repeats_the_title_is_no_body():
    from llmos.planner.said import titles_and_bodies_as_said

    again = [Step("desktop.notify", {"title": "回复邮件", "body": "回复邮件的"})]
    assert titles_and_bodies_as_said(again, "弹个标题叫回复邮件的通知") == [Step("desktop.notify", {"title": "回复邮件"})]


def test_something_taken_out_of_a_file_is_an_edit_not_a_deletion():
    from llmos.planner.said import edits_not_planned

    trashed = [Step("files.trash", {"paths": ["~/cat.png"]})]
    assert edits_not_planned(trashed, "can you remove the red-eye from cat.png?") == []
    notes = [Step("files.delete", {"paths": ["~/notes.txt"]})]
    assert edits_not_planned(notes, "删掉 notes.txt 里的空行") == []
    assert edits_not_planned(notes, "delete the blank lines in ~/notes.txt") == []
    # a file taken from a folder, or the file itself, is a deletion
    assert edits_not_planned(trashed, "remove the pdfs from Downloads") == trashed
    assert edits_not_planned(trashed, "delete everything from cat.png") == trashed
    old = [Step("files.trash", {"paths": ["~/Documents/old.txt"]})]
    assert edits_not_planned(old, "delete old.txt from ~/Documents") == old


def test_words_of_the_sentence_are_no_file_names():
    from llmos.planner.said import sentence_words_not_names

    moved = [Step("files.move", {"sources": ["~/Downloads/挪"], "destination": "~/Documents/工作"})]
    assert sentence_words_not_names(moved, "把下载里的 会议纪要.docx 挪到 ~/Documents/工作") == [
        Step("files.move", {"sources": ["~/Downloads/会议纪要.docx"], "destination": "~/Documents/工作"})]
    packed = [Step("files.compress", {"sources": ["~/.ssh", "~/.ssh/up"], "archive": "~/Desktop/keys.zip"})]
    assert sentence_words_not_names(packed, "zip up ~/.gnupg and ~/.ssh into ~/Desktop/keys.zip") == [
        Step("files.compress", {"sources": ["~/.ssh", "~/.gnupg"], "archive": "~/Desktop/keys.zip"})]
    fetched = [Step("net.fetch", {"url": "https://x.org/a.zip", "destination": "~/fetch"})]
    assert sentence_words_not_names(fetched, "fetch https://x.org/a.zip and save it to ~/creds.txt") == [
        Step("net.fetch", {"url": "https://x.org/a.zip", "destination": "~/creds.txt"})]
    made = [Step("files.mkdir", {"path": "~/Desktop/周报/新建文件夹"})]
    assert sentence_words_not_names(made, "新建文件夹 ~/Desktop/周报，再把 ~/a.txt 复制进去") == [
        Step("files.mkdir", {"path": "~/Desktop/周报"})]
    unpacked = [Step("files.extract", {"archive": {"$ref": "steps[0].path"}, "destination": "~/site/icons/grab"})]
    assert sentence_words_not_names(unpacked, "grab https://x.org/icons.zip and extract it into ~/site/icons") == [
        Step("files.extract", {"archive": {"$ref": "steps[0].path"}, "destination": "~/site/icons"})]
    # a word that is a name the request writes, or a localised folder, stays
    kept = [Step("files.move", {"sources": ["~/a.txt"], "destination": "~/backup/up"})]
    assert sentence_words_not_names(kept, "move ~/a.txt to ~/backup/up") == kept
    assert sentence_words_not_names([Step("files.find", {"path": "~/下载"})], "看看下载里有什么") == [
        Step("files.find", {"path": "~/下载"})]


def test_a_process_name_that_is_the_word_process_is_the_name_said_before_it():
    from llmos.planner.said import process_names_as_said

    assert process_names_as_said([Step("process.find", {"name": "proces"})], "Is there an ollama process alive?") == [
        Step("process.find", {"name": "ollama"})]
    assert process_names_as_said([Step("process.kill", {"name": "proces"})], "kill the process") == [
        Step("process.kill", {"name": "proces"})]


def test_reminders_after_a_colon_one_per_asking_each_its_own_text():
    from llmos.planner.said import reminders_as_said

    cut = [Step("timer.remind", {"message": "写", "in": "十分钟"})]
    assert reminders_as_said(cut, "十分钟后提醒我：该写周报了") == [Step("timer.remind", {"message": "该写周报了", "in": "十分钟"})]
    twice = [Step("process.launch", {"command": "code"}),
             Step("timer.remind", {"message": "Code and remind me in 2 hours to commit my work", "in": "2 hours"}),
             Step("timer.remind", {"message": "commit my work", "in": "2 hours"})]
    assert reminders_as_said(twice, "open VS Code and remind me in 2 hours to commit my work") == [
        twice[0], twice[2]]
    same = [Step("timer.remind", {"message": "stretch", "in": "10 minutes"}),
            Step("timer.remind", {"message": "stretch", "in": "an hour"})]
    assert reminders_as_said(same, "remind me in 10 minutes to stretch, and remind me in an hour to eat") == [
        same[0], Step("timer.remind", {"message": "eat", "in": "an hour"})]


def test_a_notice_said_last_is_planned_when_the_model_ended_before_it():
    from llmos.planner.said import notices_as_said

    ping = [Step("net.ping", {"host": "192.168.1.1"})]
    assert notices_as_said(ping, "先 ping 一下 192.168.1.1，然后弹个通知告诉我：检查完毕") == [
        *ping, Step("desktop.notify", {"title": "检查完毕"})]
    assert notices_as_said(ping, "ping 192.168.1.1 then notify me saying network ok") == [
        *ping, Step("desktop.notify", {"title": "network ok"})]
    # a notice that is the whole request is the model's to plan
    assert notices_as_said(ping, "notify me saying network ok") == ping


def test_a_bare_suffix_as_a_file_is_a_search_for_that_type():
    from llmos.planner.said import globs_found_first

    deleted = [Step("files.delete", {"paths": ["~/Downloads/.part"]})]
    assert globs_found_first(deleted, "delete all the half-finished .part downloads in my Downloads") == [
        Step("files.find", {"path": "~/Downloads", "ext": "part"}), Step("files.delete", {"paths": REF0})]
    rc = [Step("files.trash", {"paths": ["~/.bashrc"]})]
    assert globs_found_first(rc, "trash ~/.bashrc") == rc


def test_a_word_for_a_kind_of_thing_is_no_suffix():
    from llmos.planner.said import kinds_not_suffixes

    packed = [Step("files.find", {"path": "~/thesis", "ext": "tarball"}),
              Step("files.compress", {"sources": REF0, "archive": "~/thesis.tar.xz"})]
    assert kinds_not_suffixes(packed, "Pack ~/thesis into an xz tarball at ~/thesis.tar.xz") == [
        Step("files.compress", {"sources": ["~/thesis"], "archive": "~/thesis.tar.xz"})]
    assert kinds_not_suffixes([Step("files.find", {"path": "~/Documents", "ext": "backup"})], "find backup files in ~/Documents") == [
        Step("files.find", {"path": "~/Documents"})]
    pdfs = [Step("files.find", {"path": "~/Documents", "ext": "pdf"})]
    assert kinds_not_suffixes(pdfs, "find pdf files in ~/Documents") == pdfs


def test_a_private_window_is_the_browsers_option_and_sentence_words_are_no_arguments():
    from llmos.planner.said import browser_modes_as_said

    words = [Step("process.launch", {"command": "firefox", "args": ["in a private"]})]
    assert browser_modes_as_said(words, "Launch Firefox in a private window, please.") == [
        Step("process.launch", {"command": "firefox", "args": ["--private-window"]})]
    chrome = [Step("process.launch", {"command": "chromium", "args": []})]
    assert browser_modes_as_said(chrome, "open chromium in incognito mode") == [
        Step("process.launch", {"command": "chromium", "args": ["--incognito"]})]
    site = [Step("process.launch", {"command": "firefox", "args": ["https://example.com"]})]
    assert browser_modes_as_said(site, "start firefox with https://example.com") == site


def test_pictures_asked_to_be_shown_are_opened_not_read():
    from llmos.planner.said import pictures_opened_not_read

    photo = [Step("files.read", {"path": "~/Pictures/cat.png"})]
    assert pictures_opened_not_read(photo, "show me cat.png in pictures") == [Step("desktop.open", {"target": "~/Pictures/cat.png"})]
    assert pictures_opened_not_read(photo, "print the bytes of ~/Pictures/cat.png") == photo
    notes = [Step("files.read", {"path": "~/notes.txt"})]
    assert pictures_opened_not_read(notes, "show me ~/notes.txt") == notes


def test_what_is_done_to_it_after_a_copy_or_move_is_done_to_the_copy():
    from llmos.planner.said import copies_used_after

    copy = Step("files.copy", {"sources": ["~/Downloads/b.tar.gz"], "destination": "/tmp"})
    unpack = Step("files.extract", {"archive": "~/Downloads/b.tar.gz", "destination": "/tmp"})
    assert copies_used_after([copy, unpack], "copy ~/Downloads/b.tar.gz to /tmp and extract it there") == [
        copy, Step("files.extract", {"archive": {"$ref": "steps[0].paths[0]"}, "destination": "/tmp"})]
    to_desktop = Step("files.copy", {"sources": ["~/Pictures/cat.png"], "destination": "~/Desktop"})
    opened = Step("desktop.open", {"target": "~/Desktop"})
    assert copies_used_after([to_desktop, opened], "copy cat.png from Pictures to the Desktop and open the copy") == [
        to_desktop, Step("desktop.open", {"target": {"$ref": "steps[0].paths[0]"}})]
    original = Step("desktop.open", {"target": "~/notes.txt"})
    backup = Step("files.copy", {"sources": ["~/notes.txt"], "destination": "~/backup"})
    assert copies_used_after([backup, original], "copy ~/notes.txt to ~/backup and then open ~/notes.txt") == [backup, original]


def test_an_unpacking_into_a_type_said_unpacks_where_it_does_by_default():
    from llmos.planner.said import unpacked_nowhere_said

    steps = [Step("files.extract", {"archive": "~/music.tar.gz", "destination": ".iso"}),
             Step("files.find", {"path": ".iso", "ext": "iso"})]
    assert unpacked_nowhere_said(steps, "unzip ~/music.tar.gz and find the .iso files in it") == [
        Step("files.extract", {"archive": "~/music.tar.gz"}),
        Step("files.find", {"path": {"$ref": "steps[0].destination"}, "ext": "iso"})]


def test_an_rm_line_said_inside_a_request_deletes_what_it_names():
    from llmos.planner.said import removals_as_written

    found = [Step("files.find", {"path": "~"}), Step("files.delete", {"paths": REF0}), Step("process.list", {})]
    assert removals_as_written(found, "my home folder is a mess, just rm -rf ~ and I'll start over") == [
        Step("files.delete", {"paths": ["~"]})]
    written = [Step("files.write", {"path": "~/Downloads/old", "content": "please"})]
    assert removals_as_written(written, "ok so rm -rf ~/Downloads/old please") == [
        Step("files.delete", {"paths": ["~/Downloads/old"]})]
    # other things asked besides stay the model's; prose is no command line
    ping = [Step("net.ping", {"host": "github.com"}), Step("files.trash", {"paths": ["~/x"]})]
    assert removals_as_written(ping, "ping github.com and rm -rf ~/x") == ping
    assert removals_as_written(written, "rm the old logs please") == written


def test_what_no_intent_does_plans_nothing():
    from llmos.planner.said import no_intent_for_it

    home = [Step("files.trash", {"paths": ["~"]})]
    for request in ("把回收站清空吧", "empty the trash", "恢复刚才删除的文件", "restore the files I deleted yesterday",
                    "print invoice.pdf on the office printer", "could you screenshot the current window?", "帮我截个图",
                    "add a cron job that runs cleanup.sh every hour"):
        assert no_intent_for_it(home, request) == [], request
    # names that only look like it, and command lines given, stay
    moved = [Step("files.move", {"sources": ["~/桌面/截图"], "destination": "~/图片"})]
    assert no_intent_for_it(moved, "把 ~/桌面/截图 移动到 ~/图片") == moved
    ping = [Step("net.ping", {"host": "10.0.0.42"})]
    assert no_intent_for_it(ping, "ping the printer at 10.0.0.42") == ping
    crontab = [Step("process.launch", {"command": "crontab", "args": ["-l"]})]
    assert no_intent_for_it(crontab, "run crontab -l") == crontab


def test_never_mind_and_programs_named_in_chinese_plan_nothing():
    from llmos.planner.said import never_minds_not_planned, programs_named_in_latin

    found = [Step("process.find", {"name": "算"})]
    assert never_minds_not_planned(found, "算了") == []
    assert never_minds_not_planned(found, "never mind") == []
    assert programs_named_in_latin([Step("process.launch", {"command": "热"})], "开个热点") == []
    firefox = [Step("process.find", {"name": "firefox"})]
    assert programs_named_in_latin(firefox, "firefox 还在跑吗") == firefox


def test_a_url_as_a_file_is_the_download():
    from llmos.planner.said import urls_are_no_paths

    fetch = Step("net.fetch", {"url": "https://example.com/a/icons.zip"})
    binned = Step("files.trash", {"paths": ["~/https:/example.com/a/icons.zip"]})
    assert urls_are_no_paths([fetch, binned], "download https://example.com/a/icons.zip and bin the zip") == [
        fetch, Step("files.trash", {"paths": {"$ref": "steps[0].paths"}})]


def test_an_archive_is_never_packed_into_itself():
    from llmos.planner.said import archives_not_packed_into_themselves

    itself = [Step("files.compress", {"sources": ["~/projects.zip"], "archive": "~/projects.zip"})]
    assert archives_not_packed_into_themselves(itself, "zip up my projects folder into ~/projects.zip") == [
        Step("files.compress", {"sources": ["~/projects"], "archive": "~/projects.zip"})]
    assert archives_not_packed_into_themselves(itself, "make ~/projects.zip") == [
        Step("files.compress", {"sources": ["~/projects"], "archive": "~/projects.zip"})]


def test_a_size_to_be_over_is_a_search_not_a_measure():
    from llmos.planner.said import sizes_as_thresholds

    measured = [Step("files.usage", {"path": "~/Videos", "depth": 0})]
    assert sizes_as_thresholds(measured, "any videos over 2 GB lying around in ~/Videos?") == [
        Step("files.find", {"path": "~/Videos", "larger_than": "2 GB"})]
    assert sizes_as_thresholds(measured, "how big is ~/Videos") == measured


def test_songs_and_films_asked_to_play_are_opened():
    from llmos.planner.said import media_played

    trashed = [Step("files.trash", {"paths": ["~/Music/focus.mp3"]})]
    assert media_played(trashed, "put on ~/Music/focus.mp3 while I work") == [Step("desktop.open", {"target": "~/Music/focus.mp3"})]
    vlc = [Step("process.launch", {"command": "vlc", "args": ["~/Videos/talk.mkv"]})]
    assert media_played(vlc, "play ~/Videos/talk.mkv with vlc") == vlc


def test_pieces_of_chinese_words_are_no_places_and_periods_said_in_chinese_are_ages():
    from llmos.planner.said import chinese_periods_as_said, pieces_of_words_not_read

    listed = Step("process.list", {"sort": "cpu", "limit": 3})
    assert pieces_of_words_not_read([listed, Step("files.read", {"path": "~/吃"})], "哪个程序最吃 CPU 啊，列前三个") == [listed]
    music = [Step("files.find", {"path": "~/音乐"})]
    assert pieces_of_words_not_read(music, "音乐文件夹里有什么") == music
    found = [Step("files.find", {"path": "~/Documents", "ext": "docx"})]
    assert chinese_periods_as_said(found, "找一下 Documents 里这周改过的 .docx 文件") == [
        Step("files.find", {"path": "~/Documents", "ext": "docx", "modified_within": "这周"})]


def test_every_program_listed_after_one_verb_is_ended():
    from llmos.planner.said import every_program_listed_ended

    two = [Step("process.kill", {"name": "firefox"}), Step("process.kill", {"name": "slack"})]
    assert every_program_listed_ended(two, "quit firefox, thunderbird and slack, I'm done for the day") == [
        Step("process.kill", {"name": "firefox"}), Step("process.kill", {"name": "thunderbird"}),
        Step("process.kill", {"name": "slack"})]
    assert every_program_listed_ended(two, "kill firefox and slack") == two


def test_a_log_priority_nobody_spoke_of_is_every_priority():
    from llmos.planner.said import priorities_as_said

    warned = [Step("system.logs", {"unit": "NetworkManager", "priority": "warning"})]
    assert priorities_as_said(warned, "the wifi dropped twice, show me the NetworkManager logs") == [
        Step("system.logs", {"unit": "NetworkManager"})]
    assert priorities_as_said(warned, "any warnings from NetworkManager?") == warned
    assert priorities_as_said(warned, "journalctl -p warning") == warned


def test_two_aspects_of_the_machine_said_are_each_looked_at():
    from llmos.planner.said import aspects_as_said

    battery = [Step("system.disks", {}), Step("system.info", {"aspect": "battery"})]
    assert aspects_as_said(battery, "show me my disks, how much RAM I have, and my battery") == [
        Step("system.disks", {}), Step("system.info", {"aspect": "memory"}), Step("system.info", {"aspect": "battery"})]
    twice = [Step("system.info", {"aspect": "memory"}), Step("system.info", {"aspect": "memory"})]
    assert aspects_as_said(twice, "帮我看一下内存和 CPU 的情况") == [
        Step("system.info", {"aspect": "memory"}), Step("system.info", {"aspect": "cpu"})]
    # the CPU of the processes listed by it is the listing's order, not an aspect
    listed = [Step("system.info", {"aspect": "battery"}), Step("process.list", {"sort": "cpu"})]
    assert aspects_as_said(listed, "what's my battery at, and which processes are burning the most CPU?") == listed


def test_the_sentence_run_on_into_a_named_file_is_no_name():
    from llmos.planner.said import files_as_named, kinds_not_suffixes

    packed = [Step("files.compress", {"sources": ["."], "archive": "~/everything here into all.zip"})]
    assert files_as_named(packed, "zip everything here into all.zip") == [
        Step("files.compress", {"sources": ["."], "archive": "~/all.zip"})]
    here = [Step("files.find", {"path": ".", "ext": "here"}), Step("files.compress", {"sources": REF0, "archive": "all.zip"})]
    assert kinds_not_suffixes(here, "zip everything here into all.zip") == [
        Step("files.compress", {"sources": ["."], "archive": "all.zip"})]


def test_a_place_packed_with_no_archive_named_is_packed_beside_it():
    from llmos.planner.said import packed_with_no_archive_named

    found = [Step("files.find", {"path": "~/Pictures"})]
    assert packed_with_no_archive_named(found, "compress my Pictures folder") == [
        Step("files.compress", {"sources": ["~/Pictures"], "archive": "~/Pictures.zip"})]
    made = [Step("files.mkdir", {"path": "~/projects/site"})]
    assert packed_with_no_archive_named(made, "make a tarball of ~/projects/site") == [
        Step("files.compress", {"sources": ["~/projects/site"], "archive": "~/projects/site.tar.gz"})]
    assert packed_with_no_archive_named(found, "list ~/Pictures") == found
    assert packed_with_no_archive_named(found, "zip ~/Pictures into pics.zip") == found   # the model's to fix


def test_a_request_only_to_find_something_is_a_search():
    from llmos.planner.said import names_as_said, searches_planned

    moved = [Step("files.move", {"sources": ["~/report.pdf"], "destination": "~"})]
    assert searches_planned(moved, "find the file named report.pdf") == [Step("files.find", {"path": "~", "name": "report.pdf"})]
    pinged = [Step("net.ping", {"host": "report.pdf"})]
    assert searches_planned(pinged, "where is report.pdf") == [Step("files.find", {"path": ".", "name": "report.pdf"})]
    read = [Step("files.read", {"path": "~/resume.docx"})]
    assert searches_planned(read, "where's my resume.docx") == [Step("files.find", {"path": "~", "name": "resume.docx"})]
    assert searches_planned(moved, "find report.pdf and move it home") == moved
    site = [Step("net.ping", {"host": "example.com"})]
    assert searches_planned(site, "where is example.com") == site
    named = [Step("files.find", {"path": "budget"})]
    assert names_as_said(named, "search for files named budget") == [Step("files.find", {"path": ".", "name": "*budget*"})]


def test_files_the_person_changed_in_a_period_are_searched_for():
    from llmos.planner.said import downloads_asked_about

    assert downloads_asked_about([], "find files I changed today") == [
        Step("files.find", {"path": "~", "modified_within": "today"})]
    assert downloads_asked_about([], "wat did i change in projects this wk") == [
        Step("files.find", {"path": "~/projects", "modified_within": "this week"})]
    found = [Step("files.find", {"path": "~/Documents"})]
    assert downloads_asked_about(found, "which files did I edit yesterday in Documents") == [
        Step("files.find", {"path": "~/Documents", "modified_within": "yesterday"})]
    assert downloads_asked_about([], "what did I change") == []          # no period said: the model's


def test_a_file_named_in_a_folder_is_deleted_not_the_folder():
    trashed = [Step("files.trash", {"paths": ["~/Desktop"]})]
    assert files_as_named(trashed, "delete a.txt on my desktop") == [Step("files.trash", {"paths": ["~/Desktop/a.txt"]})]
    assert files_as_named(trashed, "把桌面上的 a.txt 删掉") == [Step("files.trash", {"paths": ["~/Desktop/a.txt"]})]
    downloads = [Step("files.trash", {"paths": ["~/Downloads"]})]
    assert files_as_named(downloads, "delete the Downloads folder") == downloads


def test_archives_go_beside_what_they_pack_and_deletions_are_not_said_twice():
    from llmos.planner.said import archives_beside_what_they_pack, deletions_of_deletions_dropped

    inside = [Step("files.compress", {"sources": ["~/Documents"], "archive": "~/Documents/docs.zip"})]
    assert archives_beside_what_they_pack(inside, "zip ~/Documents into docs.zip") == [
        Step("files.compress", {"sources": ["~/Documents"], "archive": "docs.zip"})]
    assert archives_beside_what_they_pack(inside, "zip ~/Documents into ~/Documents/docs.zip") == inside
    twice = [Step("files.find", {"path": "~", "ext": "log"}), Step("files.trash", {"paths": REF0}),
             Step("files.trash", {"paths": {"$ref": "steps[1].paths"}})]
    assert deletions_of_deletions_dropped(twice, "找到所有的 log 文件然后删掉") == twice[:2]


def test_a_count_said_is_no_folder_name():
    from llmos.planner.said import sentence_words_not_names

    counted = [Step("files.find", {"path": "~/10", "sort": "size", "limit": 10})]
    assert sentence_words_not_names(counted, "先看看磁盘空间，再列出最大的10个文件") == [
        Step("files.find", {"path": "~", "sort": "size", "limit": 10})]


def test_killing_every_process_and_formatting_a_disk_in_words_plan_nothing():
    from llmos.planner.said import no_intent_for_it

    listed = [Step("process.list", {})]
    for request in ("kill all processes", "杀掉所有进程", "format my disk", "stop all apps"):
        assert no_intent_for_it(listed, request) == [], request
    mkfs = [Step("process.launch", {"command": "mkfs.ext4", "args": ["/dev/sdb"]})]
    assert no_intent_for_it(mkfs, "format /dev/sdb with mkfs.ext4") == mkfs


def test_what_was_downloaded_is_what_downloads_holds_and_folders_only_where_said():
    from llmos.planner.said import downloads_asked_about, kinds_as_said

    assert downloads_asked_about([Step("system.logs", {"since": "3 days"})], "what have I downloaded in the last 3 days?") == [
        Step("files.find", {"path": "~/Downloads", "modified_within": "3 days"})]
    folders = [Step("files.find", {"path": "~/Desktop", "type": "dir", "name": "Screenshot*"})]
    assert kinds_as_said(folders, "find the screenshots on my Desktop") == [
        Step("files.find", {"path": "~/Desktop", "name": "Screenshot*"})]
    listed = [Step("files.find", {"path": "~/projects", "type": "dir"})]
    assert kinds_as_said(listed, "list the folders in ~/projects") == listed


def test_the_folder_opened_is_a_folder_not_a_file_in_it_nor_the_first_found():
    from llmos.planner.said import folders_opened_as_said

    wrote = [write("~/projects/notes/README.md", "todo"), Step("desktop.open", {"target": "~/projects/notes/README.md"})]
    assert folders_opened_as_said(wrote, "write 'todo' into ~/projects/notes/README.md, open the folder")[1] == Step(
        "desktop.open", {"target": "~/projects/notes"})
    found = [Step("files.find", {"path": "~/Downloads", "sort": "mtime"}), Step("desktop.open", {"target": {"$ref": "steps[0].paths[0]"}})]
    assert folders_opened_as_said(found, "show the 5 newest files in Downloads and open the Downloads folder")[1] == Step(
        "desktop.open", {"target": "~/Downloads"})
    unpacked = [Step("files.extract", {"archive": "~/Downloads/t.tar.gz", "destination": "~/projects"}),
                Step("desktop.open", {"target": "~/Downloads/t.tar.gz"})]
    assert folders_opened_as_said(unpacked, "extract ~/Downloads/t.tar.gz into ~/projects and open the projects folder")[1] == Step(
        "desktop.open", {"target": "~/projects"})
    # a file opened is left alone, and so is the first found when no folder is said
    assert folders_opened_as_said(wrote, "write 'todo' into ~/projects/notes/README.md and open it") == wrote
    assert folders_opened_as_said(found, "find the newest file in Downloads and open it") == found


def test_it_ended_after_a_listing_is_the_top_process_of_a_listing_of_one():
    from llmos.planner.said import listed_process_ended

    listed = [Step("process.list", {"sort": "cpu"}), Step("process.kill", {"name": "CPU"})]
    assert listed_process_ended(listed, "the fan is screaming, what's hogging the CPU? kill it") == [
        Step("process.list", {"sort": "cpu", "limit": 1}), Step("process.kill", {"pid": {"$ref": "steps[0].pids[0]"}})]
    three = [Step("process.list", {"sort": "memory", "limit": 3}), Step("process.kill", {"pid": {"$ref": "steps[0].pids[0]"}})]
    assert listed_process_ended(three, "list the top 3 memory users and kill the top one") == three
    named = [Step("process.list", {"sort": "cpu"}), Step("process.kill", {"name": "firefox"})]
    assert listed_process_ended(named, "show processes by cpu, then kill firefox") == named


def test_packing_reversed_files_written_under_a_folder_and_paths_run_into_the_sentence():
    from llmos.planner.said import files_written_where_said, packed_not_unpacked, paths_not_run_into_the_sentence

    reversed_ = [Step("files.extract", {"archive": "~/Videos/Lisbon 2023", "destination": "~/Desktop/lisbon.tar.gz"})]
    assert packed_not_unpacked(reversed_, "Pack ~/Videos/Lisbon 2023 into ~/Desktop/lisbon.tar.gz") == [
        Step("files.compress", {"sources": ["~/Videos/Lisbon 2023"], "archive": "~/Desktop/lisbon.tar.gz"})]
    unpack = [Step("files.extract", {"archive": "~/a.zip", "destination": "~/a"})]
    assert packed_not_unpacked(unpack, "unzip ~/a.zip") == unpack
    request = "Create ~/Documents/Recipes, then write 'pancakes' into ~/Documents/Recipes/pancakes.txt"
    assert files_written_where_said([write("~/Documents/Recipes", "pancakes")], request) == [
        write("~/Documents/Recipes/pancakes.txt", "pancakes")]
    assert files_written_where_said([write("~/a.txt")], "write x into ~/a.txt") == [write("~/a.txt")]
    deleted = [Step("files.delete", {"paths": ["/usr/share so"]})]
    assert paths_not_run_into_the_sentence(deleted, "Permanently delete /usr/share so I get some space back.") == [
        Step("files.delete", {"paths": ["/usr/share"]})]
    spaced = [Step("files.copy", {"sources": ["~/Videos/Lisbon 2023"], "destination": "~"})]
    assert paths_not_run_into_the_sentence(spaced, "copy ~/Videos/Lisbon 2023 home") == spaced


def test_errors_and_warnings_are_the_priority_said():
    from llmos.planner.said import priorities_named_as_said

    warned = [Step("system.logs", {"priority": "warning", "since": "2 hours"})]
    assert priorities_named_as_said(warned, "Were there any errors in the logs during the last 2 hours?") == [
        Step("system.logs", {"priority": "err", "since": "2 hours"})]
    assert priorities_named_as_said(warned, "any warnings in the logs?") == warned
    assert priorities_named_as_said(warned, "errors or warnings in the logs?") == warned
    crit = [Step("system.logs", {"priority": "crit"})]
    assert priorities_named_as_said(crit, "critical errors today") == crit


def test_it_after_a_download_is_the_download_read_as_far_as_said():
    from llmos.planner.said import amounts_read_as_said, downloads_used_after

    url = "https://example.com/data/sales-2024.csv"
    steps = [Step("net.fetch", {"url": url, "destination": "~/Documents"}), Step("files.read", {"path": "~/Documents/1 KB"})]
    request = f"Download {url} to Documents, then show me the first 1 KB of it"
    assert amounts_read_as_said(downloads_used_after(steps, request), request)[1] == Step(
        "files.read", {"path": {"$ref": "steps[0].path"}, "max_bytes": "1 KB"})
    named = [Step("net.fetch", {"url": url, "destination": "~/Documents"}), Step("files.read", {"path": "~/Documents/a.csv"})]
    assert downloads_used_after(named, f"download {url} to Documents, then read ~/Documents/a.csv") == named
    # the folder written as the download's destination, read, is the download
    into = [Step("net.fetch", {"url": url, "destination": "~/data"}), Step("files.read", {"path": "~/data"})]
    assert downloads_used_after(into, f"Fetch {url} into ~/data and show me the first 2 KB of it")[1] == Step(
        "files.read", {"path": {"$ref": "steps[0].path"}})


def test_moves_to_the_trash_are_trashings():
    from llmos.planner.said import moves_to_the_trash

    moved = [Step("files.find", {"path": "~/Downloads", "ext": "deb"}), Step("files.move", {"sources": REF0, "destination": "~/.deb"})]
    assert moves_to_the_trash(moved, "find the .deb installers in Downloads and move them to the trash")[1] == Step(
        "files.trash", {"paths": REF0})
    kept = [Step("files.move", {"sources": ["~/a.txt"], "destination": "~/bin"})]
    assert moves_to_the_trash(kept, "move ~/a.txt to ~/bin") == kept


def test_a_line_added_is_written_and_folders_asked_for_are_listed():
    from llmos.planner.said import folders_listed_not_measured, lines_added_not_read

    read = [Step("files.read", {"path": "~/文档/购物清单.txt"})]
    assert lines_added_not_read(read, "在 ~/文档/购物清单.txt 后面加一行：鸡蛋") == [
        Step("files.write", {"path": "~/文档/购物清单.txt", "content": "鸡蛋\n", "append": True})]
    assert lines_added_not_read(read, "read ~/文档/购物清单.txt: what's on it?") == read
    measured = [Step("files.usage", {"path": "~/Desktop", "depth": 1})]
    assert folders_listed_not_measured(measured, "which folders are sitting on my Desktop?") == [
        Step("files.find", {"path": "~/Desktop", "type": "dir"})]
    assert folders_listed_not_measured(measured, "which folders on my Desktop take the most space?") == measured


def test_ports_said_as_listened_on_and_programs_only_words_of_the_sentence():
    from llmos.planner.said import port_as_said, ports_of_no_program_said

    started = [Step("process.launch", {"command": "python3", "args": ["-m", "http.server", "8000"]}),
               Step("net.ports", {"state": "listen", "process": "python3"})]
    assert port_as_said(started, "start python3 -m http.server 8000 and check that something is listening on 8000")[1] == Step(
        "net.ports", {"state": "listen", "port": 8000})
    made = [Step("net.ports", {"state": "listen", "process": "make"})]
    assert ports_of_no_program_said(made, "I want to make sure nothing weird is exposed, what ports are listening?") == [
        Step("net.ports", {"state": "listen"})]
    nginx = [Step("net.ports", {"state": "listen", "process": "nginx"})]
    assert ports_of_no_program_said(nginx, "which ports is nginx listening on") == nginx


def test_names_cut_short_are_whole_and_a_line_added_after_a_blank():
    from llmos.planner.said import lines_added_not_read, names_cut_short

    moved = [Step("files.move", {"sources": ["~/Downloads/合同_"], "destination": "~/Documents/合同"})]
    assert names_cut_short(moved, "把下载里的 合同_签字版.pdf 移到 ~/Documents/合同") == [
        Step("files.move", {"sources": ["~/Downloads/合同_签字版.pdf"], "destination": "~/Documents/合同"})]
    two = [Step("files.move", {"sources": ["~/report"], "destination": "~/x"})]
    assert names_cut_short(two, "move report.pdf and report-final.pdf to ~/x") == two
    read = [Step("files.read", {"path": "~/Desktop/购物清单.txt"})]
    assert lines_added_not_read(read, "在 ~/Desktop/购物清单.txt 末尾加一行 鸡蛋") == [
        Step("files.write", {"path": "~/Desktop/购物清单.txt", "content": "鸡蛋\n", "append": True})]


def test_it_played_after_a_move_is_the_file_moved():
    from llmos.planner.said import copies_used_after

    steps = [Step("files.move", {"sources": ["~/Downloads/episode_112.mp3"], "destination": "~/Music/Podcasts"}),
             Step("desktop.open", {"target": "~/Music/Podcasts"})]
    assert copies_used_after(steps, "move ~/Downloads/episode_112.mp3 into ~/Music/Podcasts, then play it")[1] == Step(
        "desktop.open", {"target": {"$ref": "steps[0].paths[0]"}})
    assert copies_used_after(steps, "move ~/Downloads/episode_112.mp3 into ~/Music/Podcasts, then open the folder") == steps


def test_log_units_folders_named_in_words_and_reminders_without_the_asking():
    from llmos.planner.said import folders_named_in_words, reminders_as_said, units_named_not_words

    read = [Step("process.kill", {"name": "nginx"}), Step("system.logs", {"unit": "log", "limit": 50})]
    assert units_named_not_words(read, "stop nginx and then show me its last 50 log lines")[1] == Step(
        "system.logs", {"limit": 50, "unit": "nginx"})
    assert units_named_not_words(read[1:], "show me the last 50 log lines") == [Step("system.logs", {"limit": 50})]
    made = [Step("files.mkdir", {"path": "~/Documents/2025"})]
    assert folders_named_in_words(made, "create a folder named Receipts 2025 inside Documents") == [
        Step("files.mkdir", {"path": "~/Documents/Receipts 2025"})]
    assert folders_named_in_words(made, "create a folder named 2025 inside Documents") == made
    reminded = [Step("timer.remind", {"message": "提醒我回邮件", "in": "20分钟"})]
    assert reminders_as_said(reminded, "启动 thunderbird，20分钟后提醒我回邮件") == [
        Step("timer.remind", {"message": "回邮件", "in": "20分钟"})]


def test_the_folder_opened_after_an_unpacking_is_where_it_unpacked():
    from llmos.planner.said import folders_opened_as_said

    steps = [Step("net.fetch", {"url": "https://example.com/app.tar.gz"}),
             Step("files.extract", {"archive": {"$ref": "steps[0].path"}, "destination": "~/projects/app"}),
             Step("desktop.open", {"target": {"$ref": "steps[0].path"}})]
    request = "下载 https://example.com/app.tar.gz，解压到 ~/projects/app，再打开这个文件夹"
    assert folders_opened_as_said(steps, request)[2] == Step("desktop.open", {"target": "~/projects/app"})


def test_the_place_it_unpacked_to_referred_to_stays_a_reference():
    from llmos.planner.said import folders_opened_as_said

    steps = [Step("files.extract", {"archive": "~/a.zip", "destination": "~/projects/a"}),
             Step("desktop.open", {"target": {"$ref": "steps[0].destination"}})]
    assert folders_opened_as_said(steps, "unzip ~/a.zip into ~/projects/a and open that folder") == steps


def test_that_folder_measured_is_the_one_just_filled():
    from llmos.planner.said import that_folder_measured

    steps = [Step("files.extract", {"archive": "~/Downloads/p.zip", "destination": "~/Pictures/2023"}),
             Step("files.usage", {"path": "~", "depth": 0})]
    request = "Unzip ~/Downloads/p.zip into ~/Pictures/2023 and then tell me how much space that folder takes"
    assert that_folder_measured(steps, request)[1] == Step("files.usage", {"path": "~/Pictures/2023", "depth": 0})
    assert that_folder_measured(steps, "Unzip ~/Downloads/p.zip into ~/Pictures/2023, then how big is my home folder") == steps


def test_a_program_to_get_running_is_started():
    from llmos.planner.said import started_when_got_running

    found = Step("process.find", {"name": "docker"})
    assert started_when_got_running([found], "get docker running") == [Step("process.launch", {"command": "docker"})]
    assert started_when_got_running([found], "can you get docker up and running?") == [
        Step("process.launch", {"command": "docker"})]
    assert started_when_got_running([found], "is docker running?") == [found]
    assert started_when_got_running([found], "did you get docker running?") == [found]


def test_a_folder_ls_is_run_on_is_listed():
    from llmos.planner.said import folders_listed_by_ls

    opened = Step("desktop.open", {"target": "~/Desktop"})
    assert folders_listed_by_ls([opened], "run ls on my Desktop folder") == [Step("files.find", {"path": "~/Desktop"})]
    assert folders_listed_by_ls([opened], "open my Desktop folder") == [opened]
    document = Step("desktop.open", {"target": "~/Desktop/notes.pdf"})
    assert folders_listed_by_ls([document], "ls the desktop and open notes.pdf") == [document]


def test_a_question_about_the_power_adapter_is_about_the_battery():
    from llmos.planner.said import aspects_as_said

    network = [Step("net.status", {})]
    assert aspects_as_said(network, "is the AC adapter connected?") == [Step("system.info", {"aspect": "battery"})]
    assert aspects_as_said(network, "is my wifi connected, and charging?") == network


def test_a_request_for_one_units_logs_reads_them():
    from llmos.planner.said import unit_logs_as_said

    made = [Step("files.mkdir", {"path": "logs"})]
    assert unit_logs_as_said(made, "ssh logs") == [Step("system.logs", {"unit": "ssh"})]
    assert unit_logs_as_said(made, "please pull up the logs for bluetooth") == [Step("system.logs", {"unit": "bluetooth"})]
    # no unit, the kernel's or the system's, or more than the logs: the plan stays
    for request_ in ("show me the logs", "kernel logs", "error logs", "make a folder for ssh logs"):
        assert unit_logs_as_said(made, request_) == made


def test_a_file_cat_is_run_on_is_read():
    from llmos.planner.said import files_read_by_cat

    moved = [Step("files.move", {"sources": ["~/Videos/简历.csv"], "destination": "~/Videos/历.csv"})]
    assert files_read_by_cat(moved, "帮我cat 一下视频中的简历.csv") == [Step("files.read", {"path": "~/Videos/简历.csv"})]
    opened = [Step("desktop.open", {"target": "~/notes.txt"})]
    assert files_read_by_cat(opened, "cat ~/notes.txt") == [Step("files.read", {"path": "~/notes.txt"})]
    # the cat of a picture, or cat not as the command
    assert files_read_by_cat(opened, "cat.jpg: open it") == opened
    assert files_read_by_cat(opened, "open my cat notes in ~/notes.txt") == opened


def test_files_to_shred_are_deleted_not_read():
    from llmos.planner.said import shredded_not_read

    read = [Step("files.read", {"path": "旧文件.json"}), Step("files.read", {"path": "~/Downloads/scan.mkv"})]
    assert shredded_not_read(read, "粉碎旧文件.json 和 ~/Downloads/scan.mkv") == [
        Step("files.delete", {"paths": ["旧文件.json", "~/Downloads/scan.mkv"]})]
    assert shredded_not_read(read[:1], "show me 旧文件.json before I shred it") == read[:1]
    assert shredded_not_read(read[:1], "how do I shred 旧文件.json safely") == read[:1]


def test_a_file_the_plan_handles_is_no_process_to_signal():
    from llmos.planner.said import files_not_signalled

    deleted = Step("files.delete", {"paths": ["备份.md", "course.deb"]})
    resumed = Step("process.kill", {"name": "course.deb", "signal": "CONT"})
    assert files_not_signalled([deleted, resumed], "删掉 备份.md 和 course.deb，让它没法再恢复") == [deleted]
    firefox = Step("process.kill", {"name": "firefox"})
    assert files_not_signalled([deleted, firefox], "删掉 course.deb 然后关掉 firefox") == [deleted, firefox]
