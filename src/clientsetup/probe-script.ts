// What `client probe` runs on a Commbase client host: the calls Commbase's own listener and updater make, with
// the same Python stack (Debian's python3-requests and python3-socketio), one JSON line per step. It reads the
// URLs from the scripts commbase.conf names and the CA from CERTS_AND_KEYS_CA_PEM_FILE, as they do. It changes
// nothing: the upload step writes document 1 back as it read it (what the updater does, with the same content).
export const PROBE_PY = String.raw`
import json, os, re, sys, time
# Long enough for a busy host (a loaded machine answered a working relay in seconds, not milliseconds); every wait
# that runs out says what it waited for and how long.
WAIT = 20
app = sys.argv[1]
def out(step, ok, detail='', fix='', needed=True, skipped=False):
    sys.stdout.write(json.dumps({"step": step, "ok": ok, "detail": detail[:400], "fix": fix, "needed": needed, "skipped": skipped}) + "\n")
    sys.stdout.flush()
try:
    import requests, socketio
except Exception as e:
    out("python3-requests and python3-socketio", False, str(e), "apt-get install python3-requests python3-socketio")
    sys.exit(0)
conf = {}
try:
    with open(os.path.join(app, "config", "commbase.conf")) as f:
        for line in f:
            name, value = line.strip().split("=")  # as Commbase reads it: a line it cannot split breaks it too
            conf[name] = value.strip()[1:-1]
except Exception as e:
    out("read commbase.conf as Commbase does", False, str(e), "commbase-admin config validate --file " + os.path.join(app, "config", "commbase.conf"))
    sys.exit(0)
def script(key):
    return conf.get(key, "").replace("$COMMBASE_APP_DIR", app).replace("$" + "{COMMBASE_APP_DIR}", app)
def literal(path, name):
    try:
        text = open(path).read()
    except Exception:
        return None
    m = re.search(r"^\s*" + name + r"\s*=\s*['\"]([^'\"]*)['\"]", text, re.M)
    return m.group(1) if m else None
listener = script("COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH")
updater = script("COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH")
api = literal(listener, "api_url")
sio_url = literal(listener, "socketio_url")
upd = literal(updater, "api_url")
if not api or not sio_url:
    out("find the listener's URLs", False, "no api_url/socketio_url literal in " + listener, "commbase-admin client setup --app-dir " + app + " …")
    sys.exit(0)
out("find the listener's URLs", True, listener)
ca = app + conf.get("CERTS_AND_KEYS_CA_PEM_FILE", "")
https = api.startswith("https://")
def get(verify):
    r = requests.get(api, verify=verify, timeout=WAIT)
    if r.status_code != 200:
        raise Exception("HTTP %d: %s" % (r.status_code, r.text[:200]))
    return r.json()
docs = None
if https:
    try:
        docs = get(ca)
        out("GET the saved data with commbase.conf's CA (" + ca + ")", True, "%d document(s)" % len(docs))
    except Exception as e:
        out("GET the saved data with commbase.conf's CA (" + ca + ")", False, str(e), "install the relay's CA: commbase-admin client setup --ca CA.pem … (it writes " + ca + ")")
    try:
        docs = get(True)
        out("GET the saved data trusting the system store", True, "the system store trusts the relay", needed=False)
    except Exception as e:
        out("GET the saved data trusting the system store", False, str(e), "Commbase's Socket.IO clients trust only the system store: commbase-admin client setup --trust-system …", needed=False)
else:
    try:
        docs = get(True)
        out("GET the saved data", True, "%d document(s)" % len(docs))
    except Exception as e:
        out("GET the saved data", False, str(e), "check the relay URL and the token in " + listener)
for transport in ("polling", "websocket"):
    got = []
    sio = socketio.Client(reconnection=False)
    sio.on("update_saved_data", lambda data: got.append(len(data)))
    step = "Socket.IO over " + transport + " (system trust store, as Commbase's clients)"
    try:
        sio.connect(sio_url, transports=[transport], wait_timeout=WAIT)
        t = time.time()
        while not got and time.time() - t < WAIT:
            time.sleep(0.05)
        sio.disconnect()
        if got:
            out(step, True, "update_saved_data with %d document(s)" % got[0])
        else:
            out(step, False, "connected, but no update_saved_data within %d s" % WAIT, "check the relay's token scope (read)")
    except Exception as e:
        fix = "install the relay's CA in this host's trust store: commbase-admin client setup --trust-system …" if https else "check socketio_url in " + listener
        out(step, False, "connecting (waited up to %d s): %s" % (WAIT, e), fix)
if not upd:
    out("upload (the updater's PUT)", False, "no api_url literal in " + updater, "commbase-admin client setup …", needed=False)
elif not docs:
    out("upload (the updater's PUT)", False, "not checked: nothing is stored yet to write back (upload a document, then probe again)", needed=False, skipped=True)
else:
    try:
        r = requests.put(upd + "/1", json=docs[0], verify=(ca if https and os.path.exists(ca) else True), timeout=WAIT)
        if r.status_code == 200:
            out("upload (the updater's PUT of document 1, unchanged)", True, r.text[:200])
        elif r.status_code == 403:
            out("upload (the updater's PUT of document 1, unchanged)", False, "not checked: this token may not upload", needed=False, skipped=True)
        else:
            out("upload (the updater's PUT of document 1, unchanged)", False, "HTTP %d: %s" % (r.status_code, r.text[:200]), "the updater's api_url must carry the token in its path: commbase-admin client setup …")
    except Exception as e:
        out("upload (the updater's PUT of document 1, unchanged)", False, str(e), "the updater uses the system trust store: commbase-admin client setup --trust-system …")
`;
