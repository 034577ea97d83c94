#!/usr/bin/env python3
"""samples/execsnoop end to end: its consumer attached, known commands run,
each seen with the right pid, parent pid, uid, comm and file name.

    tests/kernel/test_execsnoop.py BUILD_DIR

Starts BUILD_DIR/samples/execsnoop/execsnoop_consume on the sample's object
for a few seconds, waits for its header (attached), runs /bin/true,
/bin/echo and /usr/bin/env as children of this process, and looks for a
line per child: its pid, this process's pid as the parent (read by the
program through CO-RE: task->real_parent->tgid), uid 0, the comm and the
path exec'd (bprm->filename, CO-RE). Prints PASS/FAIL lines and
"execsnoop: N passed, M failed"; exit 1 if any failed.
"""
import os
import subprocess
import sys
import time

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail), flush=True)


def main():
    build = sys.argv[1]
    d = os.path.join(build, "samples", "execsnoop")
    cons = subprocess.Popen([os.path.join(d, "execsnoop_consume"), os.path.join(d, "execsnoop.bpf.o"), "4"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    header = cons.stdout.readline()
    check("the consumer attached (its header)", header.startswith("PID"), header + cons.stderr.read()
          if not header.startswith("PID") else "")
    cmds = [(["/bin/true"], "true"), (["/bin/echo", "hello"], "echo"), (["/usr/bin/env", "true"], "env")]
    pids = []
    for argv, comm in cmds:
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
        p.wait()
        pids.append((p.pid, argv[0], comm))
    time.sleep(0.5)
    cons.terminate()
    out, _ = cons.communicate(timeout=10)
    lines = [l.split() for l in out.splitlines()]
    me = os.getpid()
    for pid, path, comm in pids:
        seen = [l for l in lines if len(l) >= 5 and l[0] == str(pid) and l[3] == comm]
        check("%s (pid %d) seen" % (path, pid), seen, out[-800:])
        if seen:
            l = seen[0]
            check("%s: parent pid %d (CO-RE real_parent->tgid)" % (path, me), l[1] == str(me), " ".join(l))
            check("%s: uid 0" % path, l[2] == "0", " ".join(l))
            check("%s: file name %s (CO-RE bprm->filename)" % (path, path), l[4] == path, " ".join(l))
    passed = sum(results)
    print("execsnoop: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
