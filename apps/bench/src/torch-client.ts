import type { Readable, Writable } from 'node:stream';
import {
  encodeRequest,
  lineSplitter,
  parseReply,
  type StepsReply,
  type TorchHello,
  TorchProtocolError,
  type TorchRequest,
  type TurnReply,
} from './torch-protocol.js';

interface Pending {
  id: number;
  resolve(body: Record<string, unknown>): void;
  reject(error: Error): void;
}

/**
 * Requests to the torch runner over its stdin/stdout, one at a time in order (the runner is
 * single-threaded Python, so there is never more than one request in flight to wait for).
 * Takes plain streams so that the protocol is testable without Python.
 */
export class TorchClient {
  private nextId = 1;
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;

  constructor(
    private readonly input: Writable,
    output: Readable,
    /** What to say when the output ends before a reply (e.g. the child's stderr tail). */
    private readonly describeExit: () => string = () => 'the torch runner exited',
  ) {
    output.setEncoding('utf8');
    output.on(
      'data',
      lineSplitter((line) => this.onLine(line)),
    );
    output.on('end', () => this.fail(new TorchProtocolError(this.describeExit())));
    output.on('error', (error) => this.fail(error));
    input.on('error', (error) => this.fail(error));
  }

  request(request: TorchRequest): Promise<Record<string, unknown>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.push({ id, resolve, reject });
      this.input.write(encodeRequest(id, request));
    });
  }

  async hello(): Promise<TorchHello> {
    return (await this.request({ op: 'hello' })) as unknown as TorchHello;
  }

  async build(request: Extract<TorchRequest, { op: 'build' }>): Promise<number> {
    const { model } = await this.request(request);
    if (typeof model !== 'number') throw new TorchProtocolError('build replied without a model');
    return model;
  }

  async steps(model: number, count: number): Promise<StepsReply> {
    return (await this.request({ op: 'steps', model, count })) as unknown as StepsReply;
  }

  async turn(model: number, ms: number): Promise<TurnReply> {
    return (await this.request({ op: 'turn', model, ms })) as unknown as TurnReply;
  }

  async free(model: number): Promise<void> {
    await this.request({ op: 'free', model });
  }

  /** Asks the runner to exit and closes its stdin; pending requests fail. */
  async close(): Promise<void> {
    if (this.failure) return;
    try {
      await this.request({ op: 'quit' });
    } finally {
      this.input.end();
      this.fail(new TorchProtocolError('the torch runner was closed'));
    }
  }

  private onLine(line: string): void {
    const next = this.pending.shift();
    if (!next) {
      this.fail(new TorchProtocolError(`torch runner replied without a request: ${line}`));
      return;
    }
    try {
      const { id, body } = parseReply(line);
      if (id !== next.id) {
        throw new TorchProtocolError(`torch runner answered request ${id}, expected ${next.id}`);
      }
      next.resolve(body);
    } catch (error) {
      next.reject(error as Error);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}
