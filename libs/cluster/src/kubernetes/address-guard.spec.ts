import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { guardAgent } from './address-guard';

const strict = { allowHostCredentials: false, allowLoopback: false };
const loopbackAllowed = { allowHostCredentials: false, allowLoopback: true };

/** Opens a connection through the agent's (guarded) createConnection and answers the error it gives, if any. */
function connectThrough(agent: HttpAgent, host: string): Promise<Error | null> {
  const open = (
    agent as unknown as {
      createConnection(
        options: object,
        callback: (error: Error | null, socket?: { destroy(): void }) => void,
      ): { destroy(): void } | undefined;
    }
  ).createConnection;
  return new Promise((resolve) => {
    const socket = open.call(agent, { host, port: 1 }, (error) => resolve(error));
    if (socket) {
      socket.destroy();
      resolve(null);
    }
  });
}

describe('guardAgent', () => {
  it.each([
    ['no agent', undefined],
    ['an object without options', { createConnection: () => undefined }],
    ['an agent without createConnection', { options: {} }],
  ])('fails closed on %s when loopback is not allowed', (_what, agent) => {
    expect(() => guardAgent(agent, strict)).toThrow(/cannot be checked/);
  });

  it('leaves any agent alone when loopback is allowed', () => {
    expect(() => guardAgent(undefined, loopbackAllowed)).not.toThrow();
  });

  it.each([
    ['http', new HttpAgent()],
    ['https', new HttpsAgent()],
  ])("guards Node's %s agent: a loopback literal is refused as the socket is created", async (_kind, agent) => {
    guardAgent(agent, strict);
    expect(await connectThrough(agent, '127.0.0.1')).toMatchObject({ code: 'EADDRREFUSED' });
    expect(await connectThrough(agent, '[::1]')).toMatchObject({ code: 'EADDRREFUSED' });
  });
});
