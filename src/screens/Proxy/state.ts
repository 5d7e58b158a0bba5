// The Proxy screen's state: nginx in front of the relay on a host, asked one field at a time (checked by the
// schemas `proxy nginx` uses), previewed as a dry run (the site text and the files), then applied.
import type { FormField } from '../../ui/StepForm.js';
import { fieldCheck } from '../../present/fields.js';
import { siteInput } from '../../proxy/nginx.js';
import type { ProxyResult } from '../../proxy/service.js';
import { flowReduce, initialFlow, type FlowAction, type FlowState } from '../form-flow.js';

export type State = FlowState<ProxyResult>;
export type Action = FlowAction<ProxyResult>;

const shape = siteInput.shape;
const absolute = (what: string) => (v: string) => (v.startsWith('/') ? undefined : `${what} ${JSON.stringify(v)}: must be an absolute path on the host`);

export function fields(hosts: string[]): FormField[] {
  return [
    { key: 'host', label: 'Host where nginx runs (from the inventory)', hint: `one of: ${hosts.join(', ')}`, initial: 'local', validate: (v) => (hosts.includes(v) ? undefined : `must be one of ${hosts.join(', ')} (add hosts in Hosts)`) },
    { key: 'domain', label: 'The name clients use', hint: 'a DNS name pointing at that host, e.g. relay.example.org', validate: fieldCheck(shape.domain, 'domain') },
    { key: 'cert', label: 'Certificate with its chain, on that host', hint: 'cert.pem from the certificate wizard\'s ACME choice or cert acme', validate: absolute('certificate') },
    { key: 'key', label: 'Its key (unencrypted), on that host', hint: 'key.pem beside it', validate: absolute('key') },
    { key: 'upstream', label: 'Where the relay listens', hint: 'HOST:PORT, or several separated by commas (relays on one Redis); start them with --trusted-proxy 127.0.0.1 so they see clients\' addresses', initial: '127.0.0.1:5000', validate: fieldCheck(shape.upstream, 'upstream') },
    { key: 'http-port', label: 'Port for http (redirected to https)', initial: '80', validate: fieldCheck(shape['http-port'], 'http-port') },
    { key: 'https-port', label: 'Port for https', initial: '443', validate: fieldCheck(shape['https-port'], 'https-port') },
  ];
}

export const initialState = (): State => initialFlow<ProxyResult>();

export function reduce(s: State, a: Action, count: number): State {
  return flowReduce(s, a, count);
}

export function toInput(values: Record<string, string>, dryRun: boolean) {
  return { host: values.host ?? 'local', domain: values.domain ?? '', cert: values.cert ?? '', key: values.key ?? '', upstream: values.upstream ?? '', 'http-port': values['http-port'] ?? '80', 'https-port': values['https-port'] ?? '443', 'dry-run': dryRun };
}
