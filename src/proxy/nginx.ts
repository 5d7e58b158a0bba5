// The nginx site for a relay behind TLS: pure text from validated input (tested without nginx; nginx -t checks
// it on the host before it is used).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { dnsName, hostOrIp, isIP, port } from '../core/net.js';

export const SITE_MARK = '# Managed by commbase-admin (proxy nginx).';
export const DEFAULT_WEBROOT = '/var/www/commbase-admin-acme';

const oneUpstream = (v: string, ctx: z.RefinementCtx): { host: string; port: number } | undefined => {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s,]+):(\d{1,5})$/.exec(v);
  const host = m?.[1]?.replace(/^\[|\]$/g, '');
  if (!m || !host || !hostOrIp.safeParse(host).success || !port.safeParse(m[2]).success) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v.slice(0, 80))} must be HOST:PORT of the relay, e.g. 127.0.0.1:5000 or [::1]:5000` });
    return undefined;
  }
  return { host, port: Number(m[2]) };
};

/** One relay, or several sharing one Redis (repeated, or separated by commas): at most 16, each once. */
const upstream = z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
  const items = (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');
  if (items.length === 0 || items.length > 16) {
    ctx.addIssue({ code: 'custom', message: 'must name 1 to 16 relays as HOST:PORT' });
    return z.NEVER;
  }
  const parsed = items.map((x) => oneUpstream(x, ctx));
  if (parsed.some((p) => p === undefined)) return z.NEVER;
  if (new Set(items).size !== items.length) {
    ctx.addIssue({ code: 'custom', message: 'names one relay twice' });
    return z.NEVER;
  }
  return parsed as Array<{ host: string; port: number }>;
});

const absolute = z.string().refine((v) => v.startsWith('/') && !v.split('/').includes('..') && !/[\p{Cc}\s;{}"'$\\]/u.test(v), { message: 'must be an absolute path without "..", spaces, quotes or ; { } $ \\' });

export const siteInput = z.object({
  domain: dnsName,
  upstream,
  'http-port': port.default(80),
  'https-port': port.default(443),
  webroot: absolute.default(DEFAULT_WEBROOT),
}).superRefine((v, ctx) => {
  if (v['http-port'] === v['https-port']) ctx.addIssue({ code: 'custom', path: ['https-port'], message: 'must differ from --http-port' });
});
export type SiteInput = z.output<typeof siteInput>;

const upstreamAddress = (u: { host: string; port: number }) => (isIP(u.host) === 6 ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`);

/** Where a domain's files go on the host (Debian's layout). */
export function sitePaths(d: string) {
  return {
    site: `/etc/nginx/sites-available/commbase-admin-${d}.conf`,
    enabled: `/etc/nginx/sites-enabled/commbase-admin-${d}.conf`,
    dir: `/etc/nginx/commbase-admin/${d}`,
    cert: `/etc/nginx/commbase-admin/${d}/cert.pem`,
    key: `/etc/nginx/commbase-admin/${d}/key.pem`,
  };
}

/**
 * Port 80 answers ACME's http-01 from the webroot and sends everything else to https with a 301; 443 terminates
 * TLS and proxies to the relay with what Socket.IO needs: HTTP/1.1, the Upgrade/Connection pair for websockets,
 * read/send timeouts above its ping interval + timeout (25 s + 20 s), no response buffering (long polling), and
 * the client's address in X-Forwarded-For (the relay trusts it from this proxy with --trusted-proxy).
 */
export function renderSite(i: SiteInput): string {
  const p = sitePaths(i.domain);
  // nginx keeps variable names in hash buckets of 64 bytes by default: a long domain in the name would make
  // `nginx -t` fail ("could not build variables_hash"), so a long one is shortened and made unique by a hash.
  const slug = i.domain.replace(/[^a-z0-9]/g, '_');
  const upgradeVar = `$commbase_admin_upgrade_${slug.length <= 17 ? slug : `${slug.slice(0, 8)}_${createHash('sha256').update(i.domain).digest('hex').slice(0, 8)}`}`;
  const httpsSuffix = i['https-port'] === 443 ? '' : `:${i['https-port']}`;
  const addresses = i.upstream.map(upstreamAddress);
  // Several relays (on one Redis): one upstream group, sticky by the client's address (long polling keeps its
  // session on one relay), a relay that fails taken out for 10 s; an upload is never sent to a second relay
  // (nginx retries only idempotent requests), so none is stored twice.
  const group = `commbase_admin_${slug.length <= 40 ? slug : `${slug.slice(0, 24)}_${createHash('sha256').update(i.domain).digest('hex').slice(0, 8)}`}`;
  const up = addresses.length === 1 ? addresses[0]! : group;
  const upstreamBlock = addresses.length === 1 ? '' : `
upstream ${group} {
    ip_hash;
${addresses.map((a) => `    server ${a} max_fails=1 fail_timeout=10s;`).join('\n')}
}
`;
  return `${SITE_MARK}
# ${i.domain} → http://${addresses.join(', http://')}. Replaced by the next \`commbase-admin proxy nginx --domain ${i.domain}\`; edit there.
${upstreamBlock}
map $http_upgrade ${upgradeVar} {
    default upgrade;
    ''      close;
}

server {
    listen ${i['http-port']};
    listen [::]:${i['http-port']};
    server_name ${i.domain};

    location ^~ /.well-known/acme-challenge/ {
        root ${i.webroot};
        default_type text/plain;
        try_files $uri =404;
    }

    location / {
        return 301 https://$host${httpsSuffix}$request_uri;
    }
}

server {
    listen ${i['https-port']} ssl;
    listen [::]:${i['https-port']} ssl;
    server_name ${i.domain};

    ssl_certificate ${p.cert};
    ssl_certificate_key ${p.key};
    ssl_protocols TLSv1.2 TLSv1.3;

    client_max_body_size 2m;

    location / {
        proxy_pass http://${up};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection ${upgradeVar};
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;
        proxy_read_timeout 75s;
        proxy_send_timeout 75s;
        proxy_buffering off;${addresses.length > 1 ? '\n        proxy_next_upstream error timeout http_502 http_503;\n        proxy_connect_timeout 5s;' : ''}
    }
}
`;
}
