# ../shared/tools/relay_load.py, unchanged, with every Socket.IO listener held to HTTP long-polling (what a proxy
# without websockets leaves a client), counting the listeners' dropped connections (Socket.IO disconnects; the
# engine.io client's warnings that say why, e.g. "Unexpected packet from server, aborting", go to stderr).
# usage: /usr/bin/python3 polling_load.py RELAY_LOAD_PY BASE K N [QUERY] [P]; prints relay_load's line + "drops=D".
import logging, multiprocessing as mp, runpy, sys

import socketio

drops = mp.Value('i', 0)

class Say(logging.Handler):
    def emit(self, record):
        sys.stderr.write(f"listener: {record.getMessage()}\n")

for name in ('engineio.client', 'socketio.client'):
    logger = logging.getLogger(name)
    logger.setLevel(logging.WARNING)
    logger.addHandler(Say())

def dropped(*_):
    with drops.get_lock():
        drops.value += 1
    sys.stderr.write("listener: disconnected\n")

_connect = socketio.Client.connect
def polling_only(self, *args, **kwargs):
    kwargs['transports'] = ['polling']
    self.on('disconnect', dropped)
    return _connect(self, *args, **kwargs)
socketio.Client.connect = polling_only

script = sys.argv[1]
sys.argv = [script] + sys.argv[2:]
try:
    runpy.run_path(script, run_name='__main__')
finally:
    print(f"drops={drops.value}", flush=True)
