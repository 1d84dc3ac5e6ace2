"""English verb and idiom variety for every built-in intent, one step each.

The same action said many ways: plain, casual, terse, shell-ish (ls, du, cat, mv, cp, rm,
tar, unzip, ps, kill, ping, journalctl, df, lsblk, xdg-open, …), polite, as a question,
with the object before or after the verb, and with the folder said first ("in {dir}, …").
Idioms that were misread get their own phrasings: "file / shelve / stash / tuck X in Y" is
a files.move, "bin / chuck out / ditch / clear away" is files.trash, and only an explicit
"for good / shred / unrecoverable / bypass the bin" is files.delete.  English only; the
Chinese lists stay empty.
"""

from __future__ import annotations

TEMPLATES: list = [
    # --- files.find ---------------------------------------------------------------------
    ("files.find", {"path": "{dir}"},
     ["ls -lah {dir}", "in {dir}, what have I got?", "peek inside {dir}", "enumerate the contents of {dir}",
      "what lives in {dir}", "run ls on {dir}", "could you list out {dir} for me?", "{dir}: list it",
      "give me a listing of {dir}", "tell me what files sit in {dir}", "inventory {dir}",
      "which files are there in {dir}?"],
     []),
    ("files.find", {"path": "{dir}", "ext": "{ext}"},
     ["in {dir}, pull up every .{ext}", "ls the *.{ext} files in {dir}", "dig up the {ext} files under {dir}",
      "got any .{ext} files lying around in {dir}?", "round up all {ext} files from {dir}",
      "which .{ext} files does {dir} hold", "hunt down every {ext} file in {dir}",
      "locate the .{ext} ones in {dir}", "gather a list of {ext} files inside {dir}",
      "in {dir}, anything ending in .{ext}?"],
     []),
    ("files.find", {"path": "{dir}", "sort": "size", "order": "desc", "limit": "{number}"},
     ["in {dir}, which {number} files hog the most space?", "ls -lS {dir}, top {number} only",
      "the {number} heaviest files sitting in {dir}", "rank {dir}'s files biggest first and give me {number}",
      "spot the {number} space hogs among the files in {dir}", "{number} chunkiest files under {dir}?",
      "what {number} files are bloating {dir}", "name the {number} largest files inside {dir}"],
     []),
    ("files.find", {"path": "{dir}", "modified_within": "{duration}"},
     ["in {dir}, what got edited in the last {duration}?", "what's new in {dir} since {duration} ago",
      "anything touched in {dir} over the past {duration}?",
      "show me files in {dir} updated during the last {duration}",
      "which files in {dir} were changed within the past {duration}",
      "recent activity in {dir}: files changed in the last {duration}", "fresh files in {dir}, last {duration} only",
      "did anything in {dir} get saved in the last {duration}?"],
     []),

    # --- files.usage --------------------------------------------------------------------
    ("files.usage", {"path": "{dir}", "depth": 0},
     ["du -sh {dir} please", "how many gigabytes is {dir}?", "{dir} - how much room does it eat?",
      "weigh {dir} for me", "how heavy is {dir} on disk", "measure the size of {dir}",
      "what does {dir} add up to in total", "how much disk is {dir} using overall",
      "could you tell me the total footprint of {dir}?", "in {dir}, how much space is used altogether?",
      "tally up the size of {dir}"],
     []),
    ("files.usage", {"path": "{dir}", "depth": 1},
     ["du -ch -d1 {dir}", "run du on each folder inside {dir}", "in {dir}, which subfolder is the fattest?",
      "per-folder sizes inside {dir}", "where did all the space in {dir} go, folder by folder",
      "split up {dir}'s disk usage by directory", "how large are the subfolders in {dir}, one by one",
      "show me a size breakdown of {dir} one level down", "which directories in {dir} are eating my disk"],
     []),

    # --- files.read ---------------------------------------------------------------------
    ("files.read", {"path": "{file}"},
     ["batcat {file}", "view {file}", "let me read {file}", "what's in the file {file}, show me",
      "spit out {file}", "could you pull up the text of {file}?", "{file} - cat it", "open {file} as text",
      "echo back the contents of {file}", "skim {file} for me", "read {file} out to me",
      "show what {file} has inside"],
     []),

    # --- files.write --------------------------------------------------------------------
    ("files.write", {"path": "{file}", "content": "{content}"},
     ["jot '{content}' down in {file}", "write out {file} containing '{content}'",
      "fill {file} up with '{content}'", "printf '{content}' > {file}", "save the words '{content}' in {file}",
      "can you put '{content}' into {file}?", "create {file} and write '{content}' in it",
      "{file} should just say '{content}', write it", "record '{content}' in {file}",
      "scribble '{content}' into {file}"],
     []),
    ("files.write", {"path": "{file}", "content": "{content}\n", "append": True},
     ["add '{content}' onto {file}", "tee -a {file} with '{content}'", "attach the line '{content}' to the end of {file}",
      "in {file}, add a line at the bottom: '{content}'", "write '{content}' at the end of {file}, keep what's there",
      "extend {file} with '{content}'", "tack on '{content}' to {file}", "add one more line to {file} saying '{content}'"],
     []),

    # --- files.mkdir --------------------------------------------------------------------
    ("files.mkdir", {"path": "{newdir}"},
     ["mkdir -v {newdir}", "spin up a folder {newdir}", "make a new dir called {newdir}", "I'd like a directory {newdir}",
      "can you set up a folder named {newdir}?", "create the folder {newdir} please", "new folder: {newdir}",
      "establish a directory at {newdir}", "start a new folder called {newdir}", "put together an empty folder {newdir}",
      "a folder named {newdir}, make one"],
     []),

    # --- files.copy ---------------------------------------------------------------------
    ("files.copy", {"sources": "{files}", "destination": "{dir}"},
     ["cp -v {files} {dir}", "copy {files} across into {dir}", "replicate {files} into {dir}",
      "in {dir}, I want copies of {files}", "back up {files} into {dir}",
      "copy {files} over to {dir} and leave the originals", "can you drop copies of {files} into {dir}?",
      "mirror {files} into {dir}", "{files} - copy to {dir}", "place duplicates of {files} in {dir}",
      "copy and paste {files} into {dir}"],
     []),

    # --- files.move ---------------------------------------------------------------------
    ("files.move", {"sources": "{files}", "destination": "{dir}"},
     ["mv -v {files} {dir}", "file {files} away under {dir}", "file away {files} in {dir}", "stash {files} in {dir}",
      "shelve {files} in {dir}", "tuck {files} into {dir}", "park {files} in {dir}",
      "{files} belongs in {dir}, shift it over", "in {dir} please, move {files} there",
      "could you pop {files} into {dir}?", "sort {files} into {dir}", "cut {files} and paste into {dir}",
      "file {files} in the {dir} folder", "move {files} out of here into {dir}"],
     []),
    ("files.move", {"sources": ["{file}"], "destination": "{file2}"},
     ["mv {file} to {file2}", "rename {file}, call it {file2}", "switch the name of {file} to {file2}",
      "{file} should be named {file2} from now on", "relabel {file} as {file2}",
      "could you rename {file} into {file2}?", "change the filename {file} to {file2}",
      "{file} -> {file2}, rename"],
     []),

    # --- files.trash --------------------------------------------------------------------
    ("files.trash", {"paths": "{files}"},
     ["bin {files} please", "chuck {files}", "chuck out {files}", "throw {files} away", "throw {files} out",
      "clear away {files}", "ditch {files}", "lose {files}", "delete {files} now", "remove {files} please",
      "gio trash {files}", "trash-put {files}", "move {files} into the trash", "can you bin {files} for me?",
      "{files}: no longer needed, throw it away", "toss out {files}", "dispose of {files}",
      "clean up {files}, it's rubbish"],
     []),

    # --- files.delete -------------------------------------------------------------------
    ("files.delete", {"paths": "{files}"},
     ["delete {files} for good, please", "rm -fr {files}", "shred it: {files}",
      "shred -u {files}", "obliterate {files}, no trash", "purge {files} permanently",
      "delete {files} forever, I don't want it in the bin", "remove {files} and bypass the bin",
      "get rid of {files} permanently", "erase {files} so it's unrecoverable",
      "scrub {files} for good, don't bother with the trash", "wipe {files} off the disk for good",
      "delete {files} straight away, skip the bin", "remove {files} once and for all, no recycle bin"],
     []),

    # --- files.compress -----------------------------------------------------------------
    ("files.compress", {"sources": "{files}", "archive": "{archive}"},
     ["tar -czf {archive} {files}", "zip {files} up as {archive}", "wrap {files} up into {archive}",
      "roll {files} into {archive}", "pack {files} together into {archive}", "shrink {files} into {archive}",
      "can you make a zip {archive} of {files}?", "{archive} should contain {files}, create it",
      "build {archive} from {files}", "compress {files} into {archive} please", "archive {files} as {archive}"],
     []),

    # --- files.extract ------------------------------------------------------------------
    ("files.extract", {"archive": "{archive}"},
     ["unzip -o {archive}", "tar -xvf {archive}", "unpack {archive} please", "crack open {archive}",
      "inflate {archive}", "unarchive {archive} for me", "pull everything out of {archive}",
      "can you unzip {archive} for me?", "{archive} - extract it", "unroll {archive}", "decompress {archive} now"],
     []),
    ("files.extract", {"archive": "{archive}", "destination": "{dir}"},
     ["tar -xzf {archive} -C {dir}", "unzip {archive} into {dir}", "unpack {archive} to {dir}",
      "in {dir}, unpack {archive}", "dump the contents of {archive} into {dir}",
      "extract {archive} and put the files in {dir}", "can you decompress {archive} into {dir}?",
      "spill {archive} out into {dir}"],
     []),

    # --- process.list -------------------------------------------------------------------
    ("process.list", {},
     ["ps aux please", "ps -A", "what's up and running?", "list running programs", "what processes do I have going",
      "show active processes", "enumerate every running process", "can you show the process table?",
      "which tasks are alive right now", "what's this machine busy with"],
     []),
    ("process.list", {"sort": "cpu"},
     ["ps -eo pid,comm,%cpu --sort=-%cpu", "what's hammering the cpu", "which process is cooking my processor",
      "rank the processes by cpu", "who's burning cycles right now?", "what's got the cpu so busy",
      "sort running tasks by processor usage", "show cpu-heavy processes first"],
     []),
    ("process.list", {"sort": "memory"},
     ["ps -eo pid,comm,%mem --sort=-%mem", "what's gobbling my memory?", "rank processes by ram",
      "who's sitting on all my ram", "which programs are the ram hogs", "sort running processes by memory use",
      "show the memory-heavy processes first", "what's bloating my memory"],
     []),

    # --- process.find -------------------------------------------------------------------
    ("process.find", {"name": "{proc}"},
     ["pgrep -fl {proc}", "is {proc} up?", "is {proc} alive?", "{proc} - is it running?",
      "do I still have {proc} going?", "check whether {proc} is running", "spot any {proc} processes",
      "hunt for {proc} among the running processes", "what pid did {proc} get",
      "has {proc} started yet?", "is {proc} running at all?", "find the {proc} process"],
     []),

    # --- process.info -------------------------------------------------------------------
    ("process.info", {"pid": "{pid}"},
     ["ps -p {pid} -o pid,cmd", "inspect pid {pid}", "details on pid {pid}", "what's {pid}?",
      "tell me about pid {pid}", "identify process {pid}", "what program owns pid {pid}",
      "examine pid {pid}", "dig into process {pid}", "what's hiding behind pid {pid}?"],
     []),

    # --- process.kill -------------------------------------------------------------------
    ("process.kill", {"name": "{proc}"},
     ["kill {proc} now", "quit {proc} please", "close {proc} down", "stop {proc} now", "end {proc}",
      "terminate {proc} please", "shut {proc} off", "nuke {proc}", "can you close {proc} for me?",
      "{proc} is done, kill it", "bring {proc} down", "put an end to {proc}", "take {proc} down"],
     []),
    ("process.kill", {"name": "{proc}", "signal": "KILL"},
     ["force quit {proc} now", "force-close {proc}", "{proc} is frozen, force quit it", "kill -9 {proc} now",
      "{proc} hung, SIGKILL it", "{proc} is stuck, kill it hard", "brutally kill {proc}",
      "force {proc} to die"],
     []),
    ("process.kill", {"pid": "{pid}"},
     ["kill {pid} now", "kill off process {pid}", "terminate process {pid}", "end process number {pid}",
      "end pid {pid}", "take down pid {pid}", "can you kill pid {pid}?", "{pid} - kill it"],
     []),

    # --- process.launch -----------------------------------------------------------------
    ("process.launch", {"command": "{proc}"},
     ["run {proc} now", "please get {proc} launched", "start {proc} now", "open the {proc} program",
      "fire {proc} up now", "load up {proc}", "crank up {proc}", "get {proc} going", "{proc} & disown",
      "can you start {proc}?", "start {proc} for me please", "{proc}, launch it", "I want {proc} running"],
     []),

    # --- system.info --------------------------------------------------------------------
    ("system.info", {"aspect": "cpu"},
     ["cat /proc/cpuinfo", "what's the cpu model", "which chip does this box have",
      "how many cores have I got", "tell me about my processor", "cpu specs?", "how busy is the cpu",
      "what cpu am I running on"],
     []),
    ("system.info", {"aspect": "memory"},
     ["free -g", "cat /proc/meminfo", "how much memory have I got", "ram status?", "how much ram is in use",
      "tell me about my memory", "memory left?", "is the ram maxed out"],
     []),
    ("system.info", {"aspect": "disk"},
     ["df -h $HOME", "how much room is left on my disk", "space left on the drive?", "is my disk filling up",
      "free disk space?", "how much storage is used", "do I have enough disk space left"],
     []),
    ("system.info", {"aspect": "battery"},
     ["acpi -V battery", "battery level?", "how much juice is left", "battery percentage please", "am I low on battery",
      "am I plugged in or on battery", "how's the battery doing", "charge level?"],
     []),
    ("system.info", {"aspect": "uptime"},
     ["uptime please", "uptime --pretty", "how long has this been on", "when did this computer boot up",
      "time since last boot?", "how long have I been running without a reboot"],
     []),
    ("system.info", {"aspect": "os"},
     ["uname -a please", "cat /etc/os-release", "hostnamectl status", "which distro am I on", "what os is this",
      "kernel version?", "what flavour of linux is installed", "tell me which operating system I have"],
     []),

    # --- system.disks -------------------------------------------------------------------
    ("system.disks", {},
     ["df -hT", "lsblk -f", "list my drives", "what's mounted?", "show every partition",
      "which disks are attached", "is my usb stick mounted?", "mounted filesystems please",
      "list the drives and their free space", "how full is every partition"],
     []),

    # --- system.logs --------------------------------------------------------------------
    ("system.logs", {"unit": "{unit}"},
     ["journalctl -u {unit} -e", "{unit} logs", "show me what {unit} logged", "tail the {unit} log",
      "dig through {unit}'s journal", "pull up the logs for {unit}", "what does the {unit} log say?"],
     []),

    # --- net.status ---------------------------------------------------------------------
    ("net.status", {},
     ["ip -br addr", "nmcli device status", "ip route", "am I connected?", "is my internet up",
      "what's my local ip address", "network status?", "list my network interfaces", "am I connected to the internet at the moment?",
      "check the wifi connection", "what network am I on"],
     []),

    # --- net.ports ----------------------------------------------------------------------
    ("net.ports", {"state": "listen"},
     ["ss -tulpn", "netstat -lntp", "which ports are open?", "what's listening on this machine?",
      "list listening ports", "what services are listening on this box", "any open ports?",
      "show the ports in listen state"],
     []),
    ("net.ports", {"port": "{port}"},
     ["lsof -i tcp:{port}", "ss -lnp | grep {port}", "who's on port {port}?", "what's using port {port}",
      "is port {port} taken?", "which program holds port {port}", "look at port {port}"],
     []),

    # --- net.ping -----------------------------------------------------------------------
    ("net.ping", {"host": "{host}"},
     ["ping {host} please", "can I get through to {host}?", "is {host} up right now?", "is {host} reachable",
      "check {host} is alive", "see if the connection to {host} works", "does {host} reply to ping?",
      "how's the latency to {host}", "{host} - is it responding?", "probe {host}"],
     []),

    # --- net.fetch ----------------------------------------------------------------------
    ("net.fetch", {"url": "{url}"},
     ["wget --continue {url}", "curl -fLO {url}", "download {url} please", "grab {url} for me", "pull down the file {url}",
      "fetch {url} now", "save {url} to disk", "get me the file at {url}", "can you download {url}?",
      "snag {url} for me"],
     []),
    ("net.fetch", {"url": "{url}", "destination": "{dir}"},
     ["wget -P {dir} -c {url}", "download {url} into {dir}", "grab {url} and put it in {dir}",
      "save {url} into {dir}", "in {dir}, download {url}", "fetch {url} and store it in {dir}",
      "pull {url} into {dir}"],
     []),

    # --- desktop.open -------------------------------------------------------------------
    ("desktop.open", {"target": "{file}"},
     ["xdg-open {file}", "open {file}", "launch {file}", "pull up {file} in its app", "view {file} in its program",
      "show me {file} in the default app", "can you open {file}?", "{file} - open it", "fire up {file}"],
     []),
    ("desktop.open", {"target": "{url}"},
     ["xdg-open {url} please", "open {url}", "take me to {url}", "pull up {url}", "head to {url}",
      "open {url} in my browser", "can you open {url}?", "show me {url}"],
     []),

    # --- desktop.notify -----------------------------------------------------------------
    ("desktop.notify", {"title": "{message}"},
     ["notify-send '{message}' now", "notify me with '{message}' now", "ping me on screen with '{message}'",
      "pop up '{message}' for me", "show a notification saying '{message}' now", "put up an alert saying '{message}'",
      "flash the message '{message}' on screen", "give me a desktop popup that reads '{message}'",
      "throw a notification up with '{message}'"],
     []),

    # --- timer.remind -------------------------------------------------------------------
    ("timer.remind", {"message": "{message}", "in": "{duration}"},
     ["in {duration}, jog my memory to {message}", "remind me in {duration}, I need to {message}",
      "ping me in {duration} so I {message}", "poke me in {duration} to {message}",
      "{duration} from now, alert me to {message}", "don't let me forget to {message}; nudge me in {duration}",
      "buzz me in {duration} so I remember to {message}", "set a reminder to {message} for {duration} from now",
      "can you remind me in {duration} to {message}?", "give me a shout in {duration} to {message}"],
     []),
]
