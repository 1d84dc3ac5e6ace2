"""Paths as a request writes them: what counts as one written path, and a step's path cut
short by the model put back whole."""

import pytest

from llmos.plan.model import Step
from llmos.planner.paths import paths_as_written, whole_path, written_paths


@pytest.mark.parametrize("request_, paths", [
    ("copy ~/a.txt to /media/usb", ("~/a.txt", "/media/usb")),
    ("show ~/Downloads.", ("~/Downloads",)),
    ("把 ~/照片/2023年旅行 打包成 ~/旅行2023.tar.gz", ("~/照片/2023年旅行", "~/旅行2023.tar.gz")),
    ("复制到 /media/u盘，然后通知我", ("/media/u盘",)),
    ("把~/视频/婚礼 挪到 ~/备份", ("~/视频/婚礼", "~/备份")),
    ("copy '~/Music/Live Recordings' to /tmp", ("~/Music/Live Recordings", "/tmp")),
    # words after a blank: a name that ends in its extension, or capitalised words
    ("play ~/Music/Mötley Crüe/Kickstart My Heart.mp3", ("~/Music/Mötley Crüe/Kickstart My Heart.mp3",)),
    ("play ~/Music/Daft Punk - Get Lucky.mp3", ("~/Music/Daft Punk - Get Lucky.mp3",)),
    ("copy ~/Music/Queen - now", ("~/Music/Queen",)),
    ("pictures in ~/Pictures/Camera Roll that are small", ("~/Pictures/Camera Roll",)),
    ("anything over 4 GB in ~/Videos/OBS Recordings 2024?", ("~/Videos/OBS Recordings 2024",)),
    # a title with small words, up to its file: never after a verb that sends it elsewhere
    ("open my slides ~/Documents/Talks/Intro to Rust.odp", ("~/Documents/Talks/Intro to Rust.odp",)),
    ("rename ~/Documents/Report to Final.txt", ("~/Documents/Report",)),
    # ... but never a word that leads on, a pronoun, or a size
    ("make a zip of ~/Documents/Taxes 2023 called taxes2023.zip", ("~/Documents/Taxes 2023",)),
    ("tar up /data/course-report ino Family Photos.tar.xz", ("/data/course-report",)),
    ("rank ~/Pictures/photos's stuff", ("~/Pictures/photos",)),
    ("everything in ~/Desktop I touched today", ("~/Desktop",)),
    ("anything in ~/Music/Édith Piaf? Those are broken", ("~/Music/Édith Piaf",)),
    ("files in ~/Downloads 500 MB or bigger", ("~/Downloads",)),
    ("move ~/a.txt to ~/b", ("~/a.txt", "~/b")),
    # a URL's path is no written path, and neither is a slash inside a word
    ("download https://example.org/a/b.tar.gz to ~/opt", ("~/opt",)),
    ("is it tcp/udp?", ()),
])
def test_written_paths(request_, paths):
    assert written_paths(request_) == paths


@pytest.mark.parametrize("request_, value, whole", [
    # stopped early, before a blank that the name goes on past, or at a slash
    ("pictures in ~/Pictures/Camera Roll that are small", "~/Pictures/Camera", "~/Pictures/Camera Roll"),
    ("tar up ~/projects/app-v2 now", "~/projects/app", "~/projects/app-v2"),
    # a cut name glued to a folder
    ("play ~/Music/Mötley Crüe/Kickstart My Heart.mp3", "~/Music/Mötley Crüe/Kickstart/Heart.mp3",
     "~/Music/Mötley Crüe/Kickstart My Heart.mp3"),
    # a mark that ends the path copied with it, or run on past
    ("先新建 ~/文档/扫描件，再把桌面上的 扫描001.pdf 移进去", "~/文档/扫描件，再", "~/文档/扫描件"),
    ("anything in ~/Music/Édith Piaf? Those are broken", "~/Music/Édith Piaf Those", "~/Music/Édith Piaf"),
    # numbers that run into Chinese, up to a blank, are one name
    ("把 ~/照片/2023年旅行 打包成 ~/旅行2023.tar.gz", "~/照片/2023", "~/照片/2023年旅行"),
])
def test_a_cut_path_is_put_back_whole(request_, value, whole):
    assert whole_path(value, request_, written_paths(request_)) == whole


@pytest.mark.parametrize("request_, value", [
    ("copy ~/notes to ~/notes-backup", "~/notes"),                 # written whole itself
    ("move ~/Downloads/*.torrent to the trash", "~/Downloads"),    # a search's folder
    # Chinese runs on from a path without a blank: where the path ends is the model's call
    ("把~/下载里的文件都删了", "~/下载"),
    ("查找~/.config下最近一个月的新文件", "~/.config"),
    ("将~/Desktop/lecture.zip解压到/media/disk里", "~/Desktop/lecture.zip"),
    ("永久删掉~/Music里的 old_old.py 和 旅行.jpg", "~/Music/old_old.py"),
    ("~/x/2024解压到 ~/y", "~/x/2024"),              # (a verb after numbers is the sentence's)
    ("rename ~/Documents/draft.txt to final.txt", "~/Documents/final.txt"),   # a name beside it
    ("find report.pdf in ~/Downloads", "~/Downloads/report.pdf"),  # a name put in a folder
    ("open https://example.org/a/b", "https://example.org/a"),     # URLs are left alone
    ("show /etc/hosts and the space on /", "/"),
    ("copy ~/a and ~/ab.txt to /tmp", "~/a"),
    # a folder said in words beside a written path inside it
    ("put the mp4s in my photos folder in ~/Pictures/notes", "~/Pictures"),
    ("rank ~/Pictures/photos's stuff biggest first", "~/Pictures/photos"),
])
def test_a_path_not_cut_is_left_alone(request_, value):
    assert whole_path(value, request_, written_paths(request_)) == value


def test_only_path_arguments_are_held_to_the_written_paths():
    steps = [Step("files.find", {"path": "~/Pictures/Camera", "name": "~/Pictures/Camera"}),
             Step("files.trash", {"paths": {"$ref": "steps[0].paths"}}),
             Step("files.copy", {"sources": ["~/Pictures/Camera", "~/a"], "destination": "~/b"})]
    path_args = {"files.find": frozenset({"path"}), "files.trash": frozenset({"paths"}),
                 "files.copy": frozenset({"sources", "destination"})}
    held = paths_as_written(steps, "pictures in ~/Pictures/Camera Roll, and ~/a to ~/b", path_args)
    assert held == [Step("files.find", {"path": "~/Pictures/Camera Roll", "name": "~/Pictures/Camera"}),
                    steps[1],
                    Step("files.copy", {"sources": ["~/Pictures/Camera Roll", "~/a"], "destination": "~/b"})]


def test_a_written_folder_given_a_piece_of_a_chinese_phrase_is_the_folder():
    from llmos.planner.paths import whole_path, written_paths

    request = "新建 ~/音乐/收藏 文件夹，把 ~/下载 里的 flac 文件都移进去"
    assert whole_path("~/Downloads/文件都", request, written_paths(request)) == "~/Downloads"
    # a name standing on its own is a name
    request = "在 ~/文档 下面建一个 周报 文件夹"
    assert whole_path("~/文档/周报", request, written_paths(request)) == "~/文档/周报"


def test_a_path_run_on_past_a_comma_is_cut_there():
    from llmos.planner.paths import whole_path, written_paths

    request = "make a folder ~/Pictures/Old, then move the png files into it"
    assert whole_path("~/Pictures/Old, then", request, written_paths(request)) == "~/Pictures/Old"


def test_a_path_run_on_into_words_said_elsewhere_is_cut_back():
    from llmos.planner.paths import whole_path, written_paths

    request = "disk usage of /var/lib/docker, just the total please"
    assert whole_path("/var/lib/docker/just the total", request, written_paths(request)) == "/var/lib/docker"
    request = "inside ~/projects make a new folder called api"      # one word after it is a name
    assert whole_path("~/projects/api", request, written_paths(request)) == "~/projects/api"
    request = "make a folder ~/projects/todo-app and write 'work in progress' into ~/projects/todo-app/NOTES.txt"
    assert whole_path("~/projects/todo-app/work in progress", request, written_paths(request)) == "~/projects/todo-app"


def test_a_hidden_folder_cut_from_the_path_written_is_that_path():
    from llmos.planner.paths import whole_path, written_paths

    request = "pack ~/.config/nvim into ~/Backups/nvim-config.tar.gz"
    assert whole_path("~/.config", request, written_paths(request)) == "~/.config/nvim"
    # a folder said in words beside a path written inside it stays
    request = "the mp4s in my pictures folder and ~/Pictures/notes"
    assert whole_path("~/Pictures", request, written_paths(request)) == "~/Pictures"
