#!/usr/bin/env python3
"""Regenerate (or check) every generated block of docs/tour.md from the real tool.

    python3 tools/tour.py                 # rewrite docs/tour.md's blocks from ./build
    python3 tools/tour.py --check         # exit 1 (with a diff) if a block is stale
    python3 tools/tour.py --build DIR     # another build directory

A generated block sits between `<!-- tour:ID -->` and `<!-- /tour:ID -->`
in docs/tour.md; everything else in the page is prose and is left alone.  Each
block is one entry of BLOCKS below: the command as the reader types it (from
the build directory), run for real, its outputs normalised and trimmed here,
never by hand.

Every command runs in a scratch directory holding links to the build's
`ptrace-tour` and `examples/`, with a fixed environment, stdin from /dev/null
(unless the command pipes into it), and address-space randomisation off
(`setarch -R`, inherited by the traced programs), so that load addresses are
the same from run to run.  Then:
  - pids (and thread ids) are renumbered from 4100 in order of appearance,
    per block; pid 1 is left alone;
  - durations ("0.069 ms", "7.7ms", "69us") become "<time>";
  - peak RSS sizes of the summary tree ("rss  1.3M", "rss ≤420K") become "<size>";
  - pipe/socket inode numbers become "N";
  - the build directory's absolute path becomes "build";
  - stack frames (-k) lose their addresses and offsets (they change with the
    compiler), keeping function and module names;
  - runs of 2+ spaces in the process-tree summary become 2 spaces (the
    columns move with the width of pids and times);
  - the deaths of processes killed at the same moment (one SIGKILL to a
    process group) are put in pid order: the kernel reports them in any order.
Lines a block leaves out are replaced by one "[...]" line.
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOUR = os.path.join(REPO, "docs", "tour.md")
REGEN = "python3 tools/tour.py"
ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C",
    "TERM": "dumb",
    "HOME": "/root",
}
TIMEOUT = 30


# ---- trimming helpers: each takes and returns a list of lines ----

def elide(lines, drop):
    """Replaces each run of lines for which drop(i, line) holds by one "[...]"."""
    out, dropping = [], False
    for i, line in enumerate(lines):
        if drop(i, line):
            if not dropping:
                indent = len(line) - len(line.lstrip(" "))
                out.append(" " * indent + "[...]")
            dropping = True
        else:
            out.append(line)
            dropping = False
    return out


def exec_detail_of(lines):
    """For each line, the exec line whose detail (the indented lines under
    it: ELF anatomy, maps, fds, env, but not --explain's "= ..." lines nor -k
    frames) it is part of, or None."""
    owner, cur = [], None
    for line in lines:
        if not line.startswith(" "):
            cur = line if "execve(" in line and ") = 0" in line else None
            owner.append(None)
        elif cur and not re.match(r"    (= |#\d)", line):
            owner.append(cur)
        else:
            owner.append(None)
    return owner


def drop_exec_detail(match=None, keep=()):
    """Drops the detail of the execs whose line matches `match` (None: all),
    except the lines starting (after the indent) with one of `keep`."""
    def trim(lines):
        owner = exec_detail_of(lines)

        def drop(i, line):
            o = owner[i]
            if o is None or (match is not None and not re.search(match, o)):
                return False
            return not line.strip().startswith(tuple(keep))
        return elide(lines, drop)
    return trim


def chain(*fns):
    def trim(lines):
        for f in fns:
            lines = f(lines)
        return lines
    return trim


def readelf_lines(lines):
    """Keeps the lines of `readelf -h -S -l` that the ELF table of stop 2 uses."""
    keep = []
    for i, line in enumerate(lines):
        s = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if re.match(r"(Type|Entry point address|Start of program headers|Start of section headers):", s):
            keep.append(i)
        elif re.match(r"\[\s*\d+\] \.(text|data|bss|rodata)\s", s):
            keep += [i, i + 1]           # a section takes two lines
        elif re.match(r"(LOAD|INTERP)\s", s):
            keep += [i, i + 1]           # so does a program header
            if "Requesting program interpreter" in nxt:
                pass
        elif s.startswith("[Requesting program interpreter"):
            keep.append(i)
        elif re.match(r"(ELF Header:|Section Headers:|Program Headers:|\[Nr\] Name|Type\s+Offset|Name\s+Type|Size\s+EntSize|FileSiz)", s):
            keep.append(i)
    keep = set(keep)
    return elide(lines, lambda i, line: i not in keep)


# ---- the blocks ----
# id: (command as shown, what to show: "out" = the -o file, "stdout" = the
#      traced program's output, "cmd" = the command's own stdout; trim)

BLOCKS = {
    "fork": dict(
        cmd="./ptrace-tour --explain -e trace=lseek --maps=none -o tour.txt -- examples/fork_basics",
        show=["stdout", "out"]),
    "exec": dict(
        cmd="./ptrace-tour -v -o tour.txt -- examples/exec_sleep",
        show=["out"], trim=drop_exec_detail(r'execve\("examples/exec_sleep"')),
    "readelf": dict(
        cmd="readelf -h -S -l /bin/sleep",
        show=["cmd"], trim=readelf_lines),
    "fork_exec": dict(
        cmd="./ptrace-tour --maps=none -o tour.txt -- examples/fork_exec echo hello",
        show=["stdout", "out"]),
    "term": dict(
        cmd="./ptrace-tour -o tour.txt -- examples/term_wrapper /bin/sh -c 'test \"$TERM\" = hacked-xterm'",
        show=["out"], trim=drop_exec_detail(keep=("env:",))),
    "exit": dict(
        cmd="./ptrace-tour -k --maps=none -o tour.txt -- examples/exit_demo",
        show=["stdout", "out"]),
    "threads": dict(
        cmd="./ptrace-tour --maps=none -o tour.txt -- examples/threads_exit",
        show=["out"]),
    "wait": dict(
        cmd="./ptrace-tour --maps=none -o tour.txt -- examples/wait_statuses",
        show=["stdout", "out"]),
    "zombie": dict(
        cmd="./ptrace-tour --maps=none -o tour.txt -- examples/zombie",
        show=["stdout", "out"]),
    "double_fork": dict(
        cmd="./ptrace-tour --explain --maps=none -o tour.txt -- examples/double_fork",
        show=["stdout", "out"]),
    "leave": dict(
        cmd="./ptrace-tour --maps=none -o tour.txt -- examples/leave 0 'Time to leave!'",
        show=["stdout", "out"]),
    "fork_search": dict(
        cmd="./ptrace-tour --explain --maps=none -o tour.txt -- examples/fork_search 1000 777",
        show=["stdout", "out"]),
    "minishell": dict(
        cmd="printf 'echo hello\\nnosuch\\ntrue &\\nwait\\n' | ./ptrace-tour --maps=none -o tour.txt -- examples/minishell",
        show=["stdout", "out"]),
    "signals": dict(
        cmd="./ptrace-tour -e trace=kill,setpgid --maps=none -o tour.txt -- examples/signals",
        show=["stdout", "out"]),
}


# ---- running and normalising ----

def run_block(bid, spec, build):
    """Runs one block's command; returns {"out":..., "stdout":..., "cmd":...} and the exit code."""
    work = tempfile.mkdtemp(prefix="tour-")
    try:
        for name in ("ptrace-tour", "examples"):
            os.symlink(os.path.join(build, name), os.path.join(work, name))
        env = dict(ENV)
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        p = subprocess.run(["setarch", "-R", "sh", "-c", spec["cmd"]], cwd=work, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
        res = {"stdout": p.stdout.decode("utf-8", "replace"),
               "cmd": p.stdout.decode("utf-8", "replace"),
               "stderr": p.stderr.decode("utf-8", "replace")}
        try:
            with open(os.path.join(work, "tour.txt"), encoding="utf-8", errors="replace") as f:
                res["out"] = f.read()
        except FileNotFoundError:
            res["out"] = ""
        return res, p.returncode, work
    finally:
        shutil.rmtree(work, ignore_errors=True)


TREE_RE = re.compile(r"^[ │├└─]*(\d+) ")        # a line of the process-tree summary
TIME_RE = re.compile(r"\b\d+(?:\.\d+)? ?(?:ms|us|µs|ns|s)\b")
FRAME_RE = re.compile(r"^(\s+#\d+\s+)0x[0-9a-f]+ (.*)$")


def map_pid(num, pids):
    """A pid's new number.  A negative pid printed as an unsigned 32-bit
    number (kill(-pgid) shows so) keeps that form, with the new pid."""
    if num in pids:
        return pids[num]
    n = int(num)
    if 2**31 <= n < 2**32 and str(2**32 - n) in pids:
        return str(2**32 - int(pids[str(2**32 - n)]))
    return num


def pid_map(texts):
    """Pids (those of `[pid N]`, ptrace-tour's own and the tree's), numbered
    in the order in which the number first appears anywhere in the output
    (a child's pid first appears as fork's return value)."""
    found = set()
    pat = re.compile(r"\[pid +(\d+)\]|ptrace-tour \((\d+)|" + TREE_RE.pattern, re.M)
    for t in texts:
        for m in pat.finditer(t):
            found.add(next(g for g in m.groups() if g))
    found.discard("1")
    seen = []
    for t in texts:
        for m in re.finditer(r"\b\d+\b", t):
            if m.group(0) in found and m.group(0) not in seen:
                seen.append(m.group(0))
    return {p: str(4100 + i) for i, p in enumerate(seen)}


def normalise(text, pids, build, work):
    for root in sorted({build, os.path.realpath(build)}, key=len, reverse=True):
        text = text.replace(root, "build")
    text = text.replace(work, ".")
    if pids:
        text = re.sub(r"\b(\d+)\b", lambda m: map_pid(m.group(1), pids), text)
    text = TIME_RE.sub("<time>", text)
    text = re.sub(r"\brss( +)≤?\d+(?:\.\d+)?[KMG]\b", r"rss\1<size>", text)
    text = re.sub(r"\[pid +", "[pid ", text)     # "[pid %5d]": the padding moves with the pid
    text = re.sub(r"\b(pipe|socket|anon_inode:\[?\w*)\:\[\d+\]", r"\1:[N]", text)
    lines = []
    for line in text.split("\n"):
        m = FRAME_RE.match(line)
        if m:
            line = m.group(1) + re.sub(r"\+0x[0-9a-f]+", "", m.group(2))
        m = TREE_RE.match(line)
        if m and m.group(1) in pids.values():
            line = re.sub(r"(?<=\S) {2,}", "  ", line)      # the summary tree
        lines.append(line.rstrip())
    return sort_simultaneous_kills(lines)


def sort_simultaneous_kills(lines):
    """Puts runs of consecutive `+++ killed by SIGKILL +++` events (each with
    its indented lines) in pid order."""
    out, i = [], 0
    kill = re.compile(r"^\[pid (\d+)\] \+\+\+ killed by SIGKILL")
    while i < len(lines):
        if not kill.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        run = []
        while i < len(lines) and kill.match(lines[i]):
            ev = [lines[i]]
            i += 1
            while i < len(lines) and lines[i].startswith(" "):
                ev.append(lines[i])
                i += 1
            run.append(ev)
        run.sort(key=lambda ev: int(kill.match(ev[0]).group(1)))
        for ev in run:
            out += ev
    return out


def render(bid, spec, build):
    """The markdown of one generated block."""
    res, code, work = run_block(bid, spec, build)
    if "ptrace-tour" in spec["cmd"] and not res["out"]:
        raise SystemExit(f"tour: block {bid}: `{spec['cmd']}` wrote no output "
                         f"(exit {code}); stderr:\n{res['stderr']}")
    if code != spec.get("status", 0):
        raise SystemExit(f"tour: block {bid}: `{spec['cmd']}` exited {code}, not "
                         f"{spec.get('status', 0)}: the behaviour it shows did not happen; "
                         f"stderr:\n{res['stderr']}")
    pids = pid_map([res["out"]]) if "ptrace-tour" in spec["cmd"] else {}
    md = ["```sh", "$ " + spec["cmd"], "```"]
    for what in spec["show"]:
        lines = normalise(res[what], pids, build, work)
        while lines and not lines[-1]:
            lines.pop()
        if what == "out" or what == "cmd":
            lines = spec.get("trim", lambda x: x)(lines)
        if what == "stdout":
            if not lines:
                continue
            md.append("The program's own output:")
        elif what == "out":
            md.append(f"`tour.txt` (exit status {code}):")
        md += ["```text"] + lines + ["```"]
    return "\n".join(md) + "\n"


BLOCK_RE = re.compile(r"(<!-- tour:(\w+) -->\n)(.*?)(<!-- /tour:\2 -->)", re.S)


# Where the loader puts the shared libraries depends on the machine, not on
# ptrace-tour: ld.so maps /etc/ld.so.cache first, and its size changes with
# every package installed (a browser for the page tests moved libc by a page).
# --check compares those addresses as placeholders; the page keeps the real ones.
MMAP_ADDR_RE = re.compile(r"\b7f[0-9a-f]{10}\b")


def machine_neutral(text):
    return MMAP_ADDR_RE.sub("7f<mmap>", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"),
                    help="build directory holding ptrace-tour and examples/ (default: ./build)")
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    ap.add_argument("--tour", default=TOUR, help=argparse.SUPPRESS)
    ap.add_argument("--only", help="regenerate only these comma-separated block ids")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    for need in ("ptrace-tour", "examples/fork_basics"):
        if not os.path.exists(os.path.join(build, need)):
            sys.exit(f"tour: {os.path.join(build, need)} is missing: build the project first "
                     f"(cmake -S . -B build && cmake --build build -j2)")
    with open(a.tour, encoding="utf-8") as f:
        page = f.read()
    found = [m.group(2) for m in BLOCK_RE.finditer(page)]
    unknown = [b for b in found if b not in BLOCKS]
    missing = [b for b in BLOCKS if b not in found]
    if unknown or missing:
        sys.exit(f"tour: {a.tour}: unknown blocks {unknown}, blocks without a place {missing}")
    only = set(a.only.split(",")) if a.only else None

    def repl(m):
        bid = m.group(2)
        if only and bid not in only:
            return m.group(0)
        return m.group(1) + render(bid, BLOCKS[bid], build) + m.group(4)

    new = BLOCK_RE.sub(repl, page)
    if a.check:
        if machine_neutral(new) == machine_neutral(page):
            print(f"tour: all {len(found)} blocks of docs/tour.md match the tool's output")
            return 0
        diff = difflib.unified_diff(page.splitlines(True), new.splitlines(True),
                                    "docs/tour.md (committed)", "docs/tour.md (the tool now)")
        sys.stdout.writelines(diff)
        print(f"\ntour: docs/tour.md no longer matches what the tool prints. If the change is "
              f"intended, regenerate the blocks with:  {REGEN}  (after building ./build; --build DIR for another build directory), "
              f"read the diff, and fix the prose where it says something else.")
        return 1
    if new != page:
        with open(a.tour, "w", encoding="utf-8") as f:
            f.write(new)
        print(f"tour: docs/tour.md regenerated ({len(found)} blocks)")
    else:
        print("tour: docs/tour.md unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
