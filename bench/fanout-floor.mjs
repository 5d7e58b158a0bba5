// Socket.IO's own broadcast, as the floor for one push to many listeners: POST /api/save_json keeps the body in
// memory (no disk, no tokens, no limits, no pacing) and calls io.emit('update_saved_data', everything), which
// encodes the packet once and writes it to every socket. bench/relay-cluster.ts times one such push to K listeners
// against our relay's. usage: node fanout-floor.mjs PORT
import { Buffer } from 'node:buffer';
import http from 'node:http';
import process from 'node:process';
import { Server } from 'socket.io';

const docs = [];
const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !req.url?.startsWith('/api/save_json')) { res.writeHead(404).end(); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    docs.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"JSON data saved successfully"}');
    io.emit('update_saved_data', docs);
  });
});
const io = new Server(server, { cors: { origin: [] } });
io.on('connection', (s) => s.emit('update_saved_data', docs));
server.listen(Number(process.argv[2]), '127.0.0.1');
