#!/usr/bin/env python3
"""Runs a command with its stdout on a pipe, as a container runtime reads a container's stdout, and
measures it from start until EXPECT lines came out: wall time, CPU seconds (utime + stime from
/proc/PID/stat), peak RSS (VmHWM) and the most descriptors it held on files under WATCH (sampled from
/proc/PID/fd). Then it sends SIGTERM and waits for the exit. A process that exited before the last
line was read (cat) is measured by its rusage instead (CPU only: a forked child's ru_maxrss includes
the parent's pages from before exec).

usage: pipe-run.py EXPECT WATCH SAVE -- COMMAND [ARGS...]

SAVE, if not '-', receives the bytes read (for a `cat SAVE` baseline through the same pipe).
Prints one JSON object.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

expect, watch, save = int(sys.argv[1]), sys.argv[2].rstrip("/") + "/", sys.argv[3]
command = sys.argv[sys.argv.index("--") + 1:]
tick = os.sysconf("SC_CLK_TCK")


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def open_under_watch(pid):
    count = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(watch):
                    count += 1
            except OSError:
                pass
    except OSError:
        pass
    return count


start = time.monotonic()
process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
state = {"lines": 0, "bytes": 0, "done": None, "cpu": None, "rss": None, "fds": 0}
out = open(save, "wb") if save != "-" else None


def reader():
    fd = process.stdout.fileno()
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return
        if out:
            out.write(chunk)
        state["lines"] += chunk.count(b"\n")
        state["bytes"] += len(chunk)
        if state["done"] is None and state["lines"] >= expect:
            state["done"] = time.monotonic() - start
            stat = read(f"/proc/{process.pid}/stat").rsplit(b")", 1)[-1].split()
            state["cpu"] = (int(stat[11]) + int(stat[12])) / tick if len(stat) > 12 else None
            for line in read(f"/proc/{process.pid}/status").split(b"\n"):
                if line.startswith(b"VmHWM:"):
                    state["rss"] = int(line.split()[1]) / 1024


def exited():
    # Without reaping it, so that its rusage can still be collected.
    return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


thread = threading.Thread(target=reader, daemon=True)
thread.start()
while state["done"] is None and not exited() and time.monotonic() - start < 600:
    state["fds"] = max(state["fds"], open_under_watch(process.pid))
    time.sleep(0.005)
if not exited():
    process.send_signal(signal.SIGTERM)
deadline = time.monotonic() + 60
while True:
    pid, status, usage = os.wait4(process.pid, os.WNOHANG)
    if pid:
        break
    if time.monotonic() > deadline:
        process.kill()
    time.sleep(0.01)
process.returncode = os.waitstatus_to_exitcode(status)
if state["cpu"] is None:
    state["cpu"] = usage.ru_utime + usage.ru_stime
thread.join(5)
if out:
    out.close()
print(json.dumps({"wall_s": state["done"], "cpu_s": state["cpu"], "peak_rss_mb": state["rss"], "max_open_fds": state["fds"],
                  "out_lines": state["lines"], "out_bytes": state["bytes"], "exit": process.returncode}))
