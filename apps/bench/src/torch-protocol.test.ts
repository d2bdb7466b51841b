// The bench <-> torch runner protocol, without Python: request lines, reply parsing, line
// framing across chunks, and the client's ordering and failure reporting over plain streams.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TorchClient } from './torch-client.js';
import { encodeRequest, lineSplitter, parseReply, TorchProtocolError } from './torch-protocol.js';

/** A fake runner: answers each request line with `answer(request)` as one JSON line. */
function fakeRunner(answer: (req: Record<string, unknown>) => Record<string, unknown> | string) {
  const toRunner = new PassThrough();
  const fromRunner = new PassThrough();
  const seen: Record<string, unknown>[] = [];
  toRunner.setEncoding('utf8');
  toRunner.on(
    'data',
    lineSplitter((line) => {
      const req = JSON.parse(line);
      seen.push(req);
      const reply = answer(req);
      fromRunner.write(typeof reply === 'string' ? reply : `${JSON.stringify(reply)}\n`);
    }),
  );
  return { client: new TorchClient(toRunner, fromRunner, () => 'runner gone'), seen, fromRunner };
}

describe('torch runner protocol', () => {
  it('numbers each request on one line', () => {
    expect(encodeRequest(7, { op: 'turn', model: 2, ms: 400 })).toBe(
      '{"id":7,"op":"turn","model":2,"ms":400}\n',
    );
  });

  it('reads replies, and turns failures and stray output into TorchProtocolError', () => {
    expect(parseReply('{"id":3,"ok":true,"model":1}')).toEqual({ id: 3, body: { model: 1 } });
    expect(() => parseReply('{"id":3,"ok":false,"error":"ValueError: no model 9"}')).toThrow(
      /torch runner: ValueError: no model 9/,
    );
    expect(() => parseReply('Warning: something')).toThrow(TorchProtocolError);
    expect(() => parseReply('{"id":1}')).toThrow(/without 'ok'/);
  });

  it('frames lines split across chunks and skips blank lines', () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split('{"a":');
    split('1}\n\n{"b"');
    split(':2}\n{"c":3}');
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    split('\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('matches replies to requests in order and passes the payload through', async () => {
    const { client, seen } = fakeRunner((req) =>
      req.op === 'turn'
        ? { id: req.id, ok: true, steps: 3, chars: 6144, ms: 401.5, peakRssMb: 250 }
        : { id: req.id, ok: true, model: 4 },
    );
    const model = await client.build({
      op: 'build',
      suite: 'train',
      cell: 'gru',
      hidden: 8,
      layers: 1,
      batch: 2,
      seqLength: 3,
      vocab: 5,
      threads: 2,
      seed: 0,
      ids: [
        [0, 1, 2, 3],
        [4, 3, 2, 1],
      ],
    });
    const [a, b] = await Promise.all([client.turn(model, 400), client.turn(model, 400)]);
    expect(model).toBe(4);
    expect(a).toEqual({ steps: 3, chars: 6144, ms: 401.5, peakRssMb: 250 });
    expect(b.chars).toBe(6144);
    expect(seen.map((r) => [r.id, r.op])).toEqual([
      [1, 'build'],
      [2, 'turn'],
      [3, 'turn'],
    ]);
    expect(seen[0]).toMatchObject({ cell: 'gru', threads: 2, vocab: 5 });
  });

  it('rejects a runner error, a reply to the wrong request, and requests after the runner exits', async () => {
    const { client, fromRunner } = fakeRunner((req) =>
      req.op === 'free'
        ? { id: req.id, ok: false, error: 'ValueError: no model 9' }
        : { id: 99, ok: true },
    );
    await expect(client.free(9)).rejects.toThrow(/no model 9/);
    await expect(client.steps(1, 1)).rejects.toThrow(/answered request 99, expected 2/);
    fromRunner.end();
    await new Promise((r) => setImmediate(r));
    await expect(client.hello()).rejects.toThrow('runner gone');
  });
});
