# Time from exec to the first frame in a pseudo-terminal (100x30), for commands run in turn (A B A B ...), so a
# noisy machine weighs on all of them alike. A frame has arrived when the pty has shown MARK.
# usage: /usr/bin/python3 first_frame.py RUNS MARK -- CMD1... -- CMD2... ; prints one JSON line per command.
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

def once(cmd, mark):
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
    seen, took = b'', None
    deadline = t0 + 10
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if not ready:
            continue
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
        if mark in seen:
            took = (time.monotonic() - t0) * 1000
            break
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return took

runs, mark = int(sys.argv[1]), sys.argv[2].encode()
cmds, cur = [], None
for a in sys.argv[3:]:
    if a == '--':
        cur = []
        cmds.append(cur)
    else:
        cur.append(a)
times = [[] for _ in cmds]
for _ in range(runs):
    for i, c in enumerate(cmds):
        times[i].append(once(c, mark))
for c, t in zip(cmds, times):
    print(json.dumps({'cmd': ' '.join(c), 'ms': t}), flush=True)
