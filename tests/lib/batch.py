"""The `--batch` protocol of docs/cli.md, spoken to one answering process:
`wasm2bpf run --batch` (the kernel side of the spec and differential
tests) or node's reference runner. Shared by tests/spec/run_spec.py and
tests/diff/diffcommon.py.

A Batch starts the process, reads `skip HEX REASON` lines up to `ready`
(state "ready"), or sees it refuse the module (exit 1: state "refused",
reason its first diagnostic) or fail otherwise (state "broken"); then
each request gets one answer line, with timeouts, and a process that
dies is told apart from one that answers.
"""
import os
import re
import selectors
import signal
import subprocess
import time

START_TIMEOUT = 120     # compile + verify + load of one module


def exit_desc(status):
    if status is None:
        return "still running"
    if status < 0:
        try:
            return "signal %d (%s)" % (-status, signal.Signals(-status).name)
        except ValueError:
            return "signal %d" % -status
    return "status %d" % status


def is_crash(status):
    """wasm2bpf exits 0..3 by design; 4 is an internal compiler error,
    anything higher or a signal is a crash."""
    return status is not None and (status < 0 or status > 3)


class Batch:
    """A process speaking the `--batch` protocol of docs/cli.md: `skip HEX
    REASON` lines, `ready`, then one answer line per `invoke` line."""

    def __init__(self, argv, log_path, cpu=None):
        self.argv = argv
        self.log_path = log_path
        self.cpu = cpu
        self.proc = None
        self.buf = b""
        self.skips = {}
        self.state = None       # "ready" | "refused" | "broken"
        self.reason = None
        self.status = None      # exit status once it ended
        self.killed = False     # we killed it (timeout)

    def start(self, timeout=START_TIMEOUT):
        """Start the process and read up to `ready`; sets state/reason.
        May be called again after the process died."""
        self.buf = b""
        self.skips = {}
        self.state = self.reason = self.status = None
        self.killed = False
        self.errf = open(self.log_path, "wb")
        cpu = self.cpu

        def pin():
            if cpu is not None:
                try:
                    os.sched_setaffinity(0, {cpu})
                except OSError:
                    pass
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.errf, start_new_session=True, preexec_fn=pin)
        except OSError as e:
            self.errf.close()
            self.state, self.reason = "broken", "cannot start %s: %s" % (self.argv[0], e)
            return
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(deadline)
            if line is None:
                self.kill()
                self.state, self.reason = "broken", "timeout while compiling and loading the module"
                return
            if line is False:
                self.status = self.proc.wait()
                err = self.first_stderr_line()
                if self.status == 1:
                    self.state, self.reason = "refused", err or "module refused"
                else:
                    self.state = "broken"
                    self.reason = "exited with %s before ready%s" % (
                        exit_desc(self.status), ": " + err if err else "")
                return
            if line == "ready":
                self.state = "ready"
                return
            if line.startswith("skip "):
                parts = line.split(" ", 2)
                self.skips[parts[1].lower()] = parts[2] if len(parts) > 2 else "unsupported"
                continue
            if line.strip() == "":
                continue
            self.kill()
            self.state, self.reason = "broken", "protocol: unexpected line before ready: %r" % line[:200]
            return

    def first_stderr_line(self):
        """The first line of the diagnostic; for a program the kernel's
        verifier rejected, with the verifier's own reason appended (the
        line before its `processed N insns` summary)."""
        try:
            with open(self.log_path, "rb") as f:
                lines = [l.strip() for l in f.read().decode(errors="replace").splitlines() if l.strip()]
        except OSError:
            return None
        if not lines:
            return None
        first = lines[0]
        for i, l in enumerate(lines):
            if re.match(r"processed \d+ insns", l) and i > 0 and lines[i - 1] != first:
                return first.rstrip(":") + ": " + verifier_reason(lines[i - 1])
        return first

    def _readline(self, deadline):
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(fd, 65536)
                if not chunk:
                    return False
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode(errors="replace").rstrip("\r")

    def send(self, line, timeout):
        """One request line; the answer line ('ok ...', 'trap MSG', 'error
        MSG'), or 'timeout', or 'died: DESC'."""
        try:
            self.proc.stdin.write((line + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return "died: " + self._died()
        answer = self._readline(time.monotonic() + timeout)
        if answer is None:
            return "timeout"
        if answer is False:
            return "died: " + self._died()
        return answer.strip()

    def invoke(self, func, args, timeout):
        """One call of export func (a name; hex-encoded on the wire) with
        TYPE:VALUE args: send()'s answer."""
        return self.send("invoke %s %s" % (func.encode().hex(), " ".join(args)), timeout)

    def verified_insns(self, func, timeout):
        """What the kernel's verifier processed for export func's program
        (the `stats` command), or None if the runner does not say."""
        m = re.match(r"ok verified_insns=(\d+)", self.send("stats " + func.encode().hex(), timeout))
        return int(m.group(1)) if m else None

    def _died(self):
        try:
            self.status = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            self.status = self.proc.returncode
        err = self.first_stderr_line()
        return exit_desc(self.status) + (": " + err if err else "")

    def close(self, timeout=10):
        if not self.proc:
            return
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        try:
            self.errf.close()
        except OSError:
            pass

    def kill(self):
        """SIGKILL (after a timeout): the status that follows is ours, not
        a crash."""
        self.killed = True
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        if self.proc:
            self.status = self.proc.returncode



def verifier_reason(line):
    """The kernel verifier's complaint without the instruction it was at."""
    m = re.search(r"(BPF program is too large.*|The sequence of .*|combined stack size .*)$", line)
    if m:
        return m.group(1).strip()
    line = re.sub(r"^\d+: \([0-9a-f]{2}\) .*?; ", "", line)
    return line.strip()


