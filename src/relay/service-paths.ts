// Where a deployed relay (deploy.ts) lives on its host: one place, read by the deploy, the service control and
// by the admin client that finds a host's relay (without loading the deploy code).
export const SERVICE = 'commbase-relay';
export const SERVICE_USER = 'commbase-relay';
export const PATHS = {
  opt: '/opt/commbase-admin',
  etc: '/etc/commbase-admin',
  settings: '/etc/commbase-admin/relay.json',
  cert: '/etc/commbase-admin/tls/cert.pem',
  key: '/etc/commbase-admin/tls/key.pem',
  /** Redis's password for a relay deployed with --store (0600, the service user's only). */
  storePassword: '/etc/commbase-admin/redis.pw',
  data: '/var/lib/commbase-relay',
  unit: `/etc/systemd/system/${SERVICE}.service`,
} as const;
