import { ServerCredentials } from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  ca: string;
  server: { certificate: string; key: string };
  client: { certificate: string; key: string };
  /** A CA that signed nothing here: a client trusting it must refuse the server. */
  otherCa: string;
}

/**
 * A CA, a server certificate for `serverName` (and 127.0.0.1) and a client certificate, made now with the
 * openssl CLI (EC P-256, valid one day): nothing secret is checked in.
 */
export function makeCertificates(serverName: string): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-certs-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  try {
    const key = (name: string) => openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', name);
    const selfSigned = (name: string) => {
      key(`${name}.key`);
      openssl('req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-days', '1', '-out', `${name}.crt`);
    };
    selfSigned('ca');
    selfSigned('other-ca');
    const signed = (name: string, extensions: string) => {
      key(`${name}.key`);
      openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
      writeFileSync(join(dir, `${name}.ext`), extensions);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      );
    };
    signed('server', `subjectAltName=DNS:${serverName},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`);
    signed('client', 'extendedKeyUsage=clientAuth\n');
    // grpc-js (BoringSSL-free Node TLS) wants PKCS#8 keys.
    for (const name of ['server', 'client']) openssl('pkcs8', '-topk8', '-nocrypt', '-in', `${name}.key`, '-out', `${name}.pk8`);
    return {
      ca: read('ca.crt'),
      otherCa: read('other-ca.crt'),
      server: { certificate: read('server.crt'), key: read('server.pk8') },
      client: { certificate: read('client.crt'), key: read('client.pk8') },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a fake flow server listens with: mTLS (client certificates required) with `tls`, plain gRPC without. */
export function serverCredentials(tls?: { ca: string; certificate: string; key: string }): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    Buffer.from(tls.ca),
    [{ cert_chain: Buffer.from(tls.certificate), private_key: Buffer.from(tls.key) }],
    true,
  );
}
