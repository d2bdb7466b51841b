// Starting a training worker and talking to it, in Node (`worker_threads`) and in browsers
// (module Web Workers), behind one small interface.

/** One side of a worker channel. */
export interface Endpoint {
  post(message: unknown, transfer?: Transferable[]): void;
  onMessage(listener: (message: unknown) => void): void;
  onError(listener: (error: Error) => void): void;
}

/** The main thread's handle on a worker. */
export interface WorkerHandle extends Endpoint {
  /** Node: whether the worker keeps the process alive (only while a step waits for it). */
  hold(on: boolean): void;
  terminate(): void;
}

// A computed file name: bundlers would otherwise bundle the worker with their default (IIFE)
// worker format, which cannot hold its dynamic imports, and fail the app's build, or copy the
// Node branch's file into the app as an unused asset. Bundled apps pass `create`.
const workerFile = ['train-worker', 'js'].join('.');

const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

// A computed specifier, so browser bundlers leave Node's built-ins alone.
const nodeImport = (name: string): Promise<Record<string, unknown>> =>
  import(/* @vite-ignore */ name);

/**
 * Starts `train-worker.js` (this folder's worker entry). Node: a `worker_threads` Worker that
 * does not keep the process alive; browsers: `create()` when given (a bundled app makes its
 * Worker from `@rnnkit/trainer/train-worker`), else a module Worker on this package's file as
 * served. When this module runs from TypeScript sources (the test runner), the worker runs
 * from the package's build output.
 */
export async function spawnTrainWorker(create?: () => Worker): Promise<WorkerHandle> {
  if (isNode() && create === undefined) {
    const { Worker } = (await nodeImport('node:worker_threads')) as {
      Worker: new (url: URL) => NodeWorker;
    };
    const { existsSync } = (await nodeImport('node:fs')) as { existsSync(p: URL): boolean };
    let url = new URL(workerFile, import.meta.url);
    if (!existsSync(url))
      url = new URL(`../../../dist/train/parallel/${workerFile}`, import.meta.url);
    const w = new Worker(url);
    w.unref();
    return {
      hold: (on) => (on ? w.ref() : w.unref()),
      post: (m, transfer) => w.postMessage(m, transfer),
      onMessage: (l) => w.on('message', l),
      onError: (l) => w.on('error', l),
      terminate: () => void w.terminate(),
    };
  }
  const w = create?.() ?? new Worker(new URL(workerFile, import.meta.url), { type: 'module' });
  return {
    hold: () => {},
    post: (m, transfer) => w.postMessage(m, transfer ?? []),
    onMessage: (l) => w.addEventListener('message', (e) => l(e.data)),
    onError: (l) =>
      w.addEventListener('error', (e) => l(new Error(e.message || 'training worker failed'))),
    terminate: () => w.terminate(),
  };
}

/** Inside a worker: the channel to the thread that started it. */
export async function parentEndpoint(): Promise<Endpoint> {
  if (isNode()) {
    const { parentPort } = (await nodeImport('node:worker_threads')) as {
      parentPort: NodePort | null;
    };
    if (parentPort == null) throw new Error('train-worker.js runs only as a worker');
    return {
      post: (m, transfer) => parentPort.postMessage(m, transfer),
      onMessage: (l) => parentPort.on('message', l),
      onError: () => {},
    };
  }
  const scope = globalThis as unknown as {
    postMessage(m: unknown, transfer: Transferable[]): void;
    addEventListener(type: 'message', l: (e: MessageEvent) => void): void;
  };
  return {
    post: (m, transfer) => scope.postMessage(m, transfer ?? []),
    onMessage: (l) => scope.addEventListener('message', (e) => l(e.data)),
    onError: () => {},
  };
}

/** The number of logical cores: the ceiling of `workers: 'auto'`. */
export async function coreCount(): Promise<number> {
  if (isNode()) {
    const os = (await nodeImport('node:os')) as {
      availableParallelism?: () => number;
      cpus(): unknown[];
    };
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return (
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ?? 1
  );
}

interface NodePort {
  postMessage(m: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', l: (m: unknown) => void): void;
}

interface NodeWorker extends NodePort {
  on(event: 'message', l: (m: unknown) => void): void;
  on(event: 'error', l: (e: Error) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}
