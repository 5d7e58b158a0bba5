// The least a durable upload server can do, as the ceiling for relay_load.py's one-at-a-time uploader on this
// machine: POST /api/save_json appends the body to a file and fdatasyncs it before answering 200; nothing else
// (no tokens, no Socket.IO, no JSON parsing). usage: node floor-server.mjs PORT FILE
import { fdatasyncSync, openSync, writeSync } from 'node:fs';
import http from 'node:http';
import { Buffer } from 'node:buffer';
import process from 'node:process';

const [port, file] = [Number(process.argv[2]), process.argv[3]];
const fd = openSync(file, 'a');
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    writeSync(fd, Buffer.concat([...chunks, Buffer.from('\n')]));
    fdatasyncSync(fd);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"message":"JSON data saved successfully"}');
  });
}).listen(port, '127.0.0.1');
