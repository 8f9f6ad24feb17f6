/**
 * Secrets planted in logs and events by the redaction tests. Built from pieces at run time so
 * that no credential-shaped string is stored in the repository (secret scanners would flag it).
 */
const join = (...parts: string[]) => parts.join('');

export const CANARY = {
  bearer: join('CANARYbearer', 'Zq8xW2vT5nR7kP3m'),
  jwt: join('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.', 'eyJzdWIiOiJjYW5hcnkiLCJuYW1lIjoiQ0FOQVJZIn0', '.', 'CANARYsig_4f8e2a9c1b7d'),
  pemBody: join('MIIEowIBAAKCAQEA', 'CANARYpemBodyLine7x9QkLmN2pR4sT6uV8wY0zA'),
  aws: join('AKIA', 'CANARY7EXAMPLE12'),
  awsSecret: join('CANARYawsSecret', '/K7MDENG/bPxRfiCYEXAMPLEKEY'),
  dbPassword: join('CANARY', 'dbPass', 'w0rd'),
  github: join('ghp_', 'CANARY0123456789abcdefghijklmnopqrstuv'),
} as const;

export const PEM_KEY = [join('-----BEGIN ', 'RSA PRIVATE KEY-----'), CANARY.pemBody, 'Zm9vYmFyYmF6CANARYline2', join('-----END ', 'RSA PRIVATE KEY-----')].join('\n');

/** A previous-container log of a crashing service that leaks every kind of credential. */
export function leakyLog(): string {
  return [
    '2024-05-14T09:31:40.101Z INFO  starting payments-api 2024.05.1',
    `2024-05-14T09:31:40.205Z DEBUG outgoing request headers: {"Authorization": "Bearer ${CANARY.bearer}"}`,
    `2024-05-14T09:31:40.206Z DEBUG session token ${CANARY.jwt}`,
    `2024-05-14T09:31:40.301Z INFO  connecting to postgres://payments:${CANARY.dbPassword}@payments-db:5432/payments`,
    `2024-05-14T09:31:40.302Z DEBUG aws credentials: access key ${CANARY.aws}, aws_secret_access_key=${CANARY.awsSecret}`,
    `2024-05-14T09:31:40.303Z DEBUG loaded signing key:\n${PEM_KEY}`,
    `2024-05-14T09:31:40.304Z DEBUG github token=${CANARY.github}`,
    '2024-05-14T09:31:44.900Z ERROR java.lang.OutOfMemoryError: Java heap space',
    '\tat com.acme.payments.LedgerCache.load(LedgerCache.java:88)',
  ].join('\n');
}
