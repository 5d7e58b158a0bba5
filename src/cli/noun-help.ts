// Each noun's one line of help: shown by --help with no noun (without loading any noun) and by the noun itself.
export const NOUN_HELP = {
  cert: 'make and check TLS certificates: a local CA, server and client certificates, CSRs',
  hosts: 'the hosts commbase-admin reaches over SSH ("local" is this machine)',
  fw: 'open and close ports with ufw or iptables, on this machine or a host over SSH',
  forward: 'timed port forwards on a router: DNAT for one source, ending by themselves (iptables time match)',
  config: 'read, check and edit commbase.conf without losing comments, order or unknown keys',
  relay: 'the Commbase-compatible relay: HTTP API + Socket.IO, with TLS, tokens and limits',
  clients: 'who may use the relay: pending requests, approvals, tokens, revocation',
  proxy: 'a reverse proxy in front of the relay: TLS on 443, port 80 redirected',
  client: 'a Commbase client host: set it up for the relay in one previewed step, and probe it as Commbase would',
  monitor: 'open the console on the Monitor: relay health, clients, pending approvals and rule timers, live',
  dashboard: 'a full-screen wall display (blessed-contrib) over the same monitoring service; q or Ctrl-C leaves',
  audit: 'show what commbase-admin changed (certificates, ports, forwards, commbase.conf, clients): when, who, where, how it ended',
  completion: 'print a shell completion script: commbase-admin completion bash|zsh|fish (see README)',
} as const;
