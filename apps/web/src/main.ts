// The page: reads the controls, talks to the training worker, draws what it reports.
// Everything heavy (tfjs, the model, the chart library, zip) is elsewhere or loaded on demand,
// so this thread stays free for typing and scrolling while a model trains.
import { del, get, keys, set } from 'idb-keyval';
import type { LossChart, LossSeries } from './chart.js';
import {
  backendNote,
  formatBytes,
  formatDuration,
  formatRate,
  lectureLine,
  workersNote,
} from './format.js';
import { renderInside } from './heatmap.js';
import { type ModelSettings, PRESETS, presetById, TEXT_DEFAULTS } from './presets.js';
import type {
  BackendChoice,
  ErrorContext,
  FromWorker,
  InsideView,
  ModelSummary,
  ToWorker,
  WorkersChoice,
} from './protocol.js';
import {
  InputError,
  intField,
  LECTURE_MAX_CHARS,
  numberField,
  parseSettings,
  trainOptions,
} from './settings.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};

const ui = {
  backendStatus: $('backend-status'),
  preset: $<HTMLSelectElement>('preset'),
  file: $<HTMLInputElement>('file'),
  clearText: $<HTMLButtonElement>('clear-text'),
  text: $<HTMLTextAreaElement>('text'),
  textInfo: $('text-info'),
  modelForm: $<HTMLFormElement>('model-form'),
  backend: $<HTMLSelectElement>('backend'),
  threads: $<HTMLInputElement>('threads'),
  workers: $<HTMLSelectElement>('workers'),
  backendNote: $('backend-note'),
  workersNote: $('workers-note'),
  start: $<HTMLButtonElement>('start'),
  pause: $<HTMLButtonElement>('pause'),
  resume: $<HTMLButtonElement>('resume'),
  stop: $<HTMLButtonElement>('stop'),
  continueLoaded: $<HTMLInputElement>('continue-loaded'),
  statStep: $('stat-step'),
  statLoss: $('stat-loss'),
  statVal: $('stat-val'),
  statSpeed: $('stat-speed'),
  statEta: $('stat-eta'),
  statTensors: $('stat-tensors'),
  trainState: $('train-state'),
  chart: $('chart'),
  lecture: $('lecture'),
  seqTarget: $('seq-target'),
  seqPred: $('seq-pred'),
  lectureLog: $('lecture-log'),
  evalBox: $('eval-box'),
  evalSample: $('eval-sample'),
  insideText: $<HTMLInputElement>('inside-text'),
  insideK: $<HTMLInputElement>('inside-k'),
  heatmaps: $('heatmaps'),
  topk: $('topk'),
  sampleForm: $<HTMLFormElement>('sample-form'),
  sample: $<HTMLButtonElement>('sample'),
  sampleStop: $<HTMLButtonElement>('sample-stop'),
  sampleOutput: $('sample-output'),
  sampleState: $('sample-state'),
  saveName: $<HTMLInputElement>('save-name'),
  saveIdb: $<HTMLButtonElement>('save-idb'),
  download: $<HTMLButtonElement>('download'),
  exportSt: $<HTMLButtonElement>('export-st'),
  savedList: $<HTMLSelectElement>('saved-list'),
  loadIdb: $<HTMLButtonElement>('load-idb'),
  deleteIdb: $<HTMLButtonElement>('delete-idb'),
  ckptFile: $<HTMLInputElement>('ckpt-file'),
  storeState: $('store-state'),
  errors: {
    text: $('text-error'),
    train: $('train-error'),
    inside: $('inside-error'),
    sample: $('sample-error'),
    store: $('store-error'),
  },
};

type ErrorBox = keyof typeof ui.errors;
const BOX_OF: Record<ErrorContext, ErrorBox> = {
  init: 'train',
  decode: 'text',
  train: 'train',
  inside: 'inside',
  sample: 'sample',
  save: 'store',
  load: 'store',
  export: 'store',
};

function showError(box: ErrorBox, message: string): void {
  const el = ui.errors[box];
  el.textContent = message;
  el.hidden = false;
}
function clearError(box: ErrorBox): void {
  ui.errors[box].hidden = true;
  ui.errors[box].textContent = '';
}
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---- state -------------------------------------------------------------------------------

let text = '';
let textName = '';
let lecture = false;
let phase: 'idle' | 'running' | 'paused' | 'done' = 'idle';
let model: ModelSummary | undefined;
let loadedCheckpoint = false;
let workerReady = false;
let worker: Worker | undefined;
let sampleId = 0;
let sampling = false;
const series: LossSeries = { steps: [], loss: [], val: [] };
let chart: LossChart | undefined;
let chartDirty = false;
let target = '';

// ---- worker ------------------------------------------------------------------------------

const wasmPaths = new URL('tfjs-wasm/', document.baseURI).href;

function send(message: ToWorker, transfer: Transferable[] = []): void {
  worker?.postMessage(message, transfer);
}

/** Replies the page waits for (save, export), keyed by message type. */
const waiting = new Map<string, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
function request<T extends FromWorker['type']>(
  message: ToWorker,
  reply: T,
  context: ErrorContext,
): Promise<Extract<FromWorker, { type: T }>> {
  return new Promise((resolve, reject) => {
    waiting.set(reply, { resolve: resolve as (m: FromWorker) => void, reject });
    waiting.set(`error:${context}`, { resolve: () => {}, reject });
    send(message);
  });
}

function startWorker(restore?: { modelJson: unknown; weightData: ArrayBuffer }): void {
  worker?.terminate();
  workerReady = false;
  model = undefined;
  updateButtons();
  ui.backendStatus.textContent = 'Starting the training worker…';
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onWorker(event.data);
  worker.onerror = (event) => {
    showError('train', `The training worker failed to start: ${event.message}. Reload the page.`);
  };
  const threads = readThreads();
  send({ type: 'init', backend: ui.backend.value as BackendChoice, threads, wasmPaths });
  if (restore)
    send({ type: 'load', modelJson: restore.modelJson, weightData: restore.weightData }, [
      restore.weightData,
    ]);
}

function readThreads(): number {
  try {
    return intField('wasm threads', ui.threads.value, 1, 8);
  } catch {
    ui.threads.value = '1';
    return 1;
  }
}

function readWorkers(): WorkersChoice {
  const v = ui.workers.value;
  return v === '1' ? 1 : v === '2' ? 2 : 'auto';
}

function onWorker(m: FromWorker): void {
  const w = waiting.get(m.type);
  if (w) {
    waiting.delete(m.type);
    w.resolve(m);
  }
  switch (m.type) {
    case 'ready': {
      workerReady = true;
      const s = m.status;
      ui.backendStatus.textContent = `Ready: ${s.name} backend, tfjs ${s.tfjsVersion}${s.crossOriginIsolated ? ', cross-origin isolated' : ''}.`;
      ui.backendNote.textContent = backendNote(s, readThreads());
      document.body.dataset.backend = s.name;
      document.body.dataset.ready = 'true';
      document.body.dataset.readyAt ??= String(Math.round(performance.now()));
      updateButtons();
      break;
    }
    case 'decoded':
      setText(m.text, m.name, { chars: m.chars, distinct: m.distinct });
      break;
    case 'started':
      onStarted(m);
      break;
    case 'workers':
      ui.workersNote.textContent = workersNote(m);
      document.body.dataset.workers = String(m.workers);
      break;
    case 'progress':
      onProgress(m);
      break;
    case 'eval':
      if (m.valLoss !== null) {
        ui.statVal.textContent = `${m.valLoss.toFixed(4)} (${m.valBpc?.toFixed(3)} bits/char)`;
        const i = series.steps.lastIndexOf(m.step);
        if (i >= 0) series.val[i] = m.valLoss;
        chartDirty = true;
      }
      if (m.sample) {
        ui.evalBox.hidden = false;
        ui.evalSample.textContent = `step ${m.step}:\n${m.sample}`;
      }
      break;
    case 'ended':
      phase = m.reason === 'paused' ? 'paused' : 'done';
      ui.statTensors.textContent = String(m.numTensors);
      ui.trainState.textContent =
        m.reason === 'paused'
          ? `Paused at step ${m.step}. Resume, sample, look inside or save.`
          : m.reason === 'stopped'
            ? `Stopped at step ${m.step}. Sample, look inside or save the model.`
            : `Done: ${m.step} steps. Sample, look inside or save the model.`;
      document.body.dataset.phase = phase;
      if (model) model = { ...model, step: m.step };
      updateButtons();
      break;
    case 'inside':
      clearError('inside');
      renderInsideView(m);
      if (phase !== 'running') ui.statTensors.textContent = String(m.numTensors);
      break;
    case 'sample-chunk':
      if (m.id === sampleId) ui.sampleOutput.append(m.text);
      break;
    case 'sample-end':
      if (phase !== 'running') ui.statTensors.textContent = String(m.numTensors);
      if (m.id === sampleId) {
        sampling = false;
        ui.sampleOutput.removeAttribute('aria-busy');
        ui.sampleState.textContent =
          m.skipped.length > 0
            ? `Done. Skipped prime characters the model never saw: ${JSON.stringify([...new Set(m.skipped)].join(''))}.`
            : 'Done.';
        document.body.dataset.sampling = 'done';
        updateButtons();
      }
      break;
    case 'loaded':
      model = m.summary;
      loadedCheckpoint = true;
      phase = 'idle';
      ui.storeState.textContent = `Loaded: ${describe(m.summary)}.`;
      ui.trainState.textContent = `Loaded a checkpoint (${describe(m.summary)}). Sample or look inside, or tick "continue the loaded model" and Start.`;
      updateButtons();
      requestInside();
      break;
    case 'memory':
      ui.statTensors.textContent = String(m.numTensors);
      break;
    case 'error': {
      const w2 = waiting.get(`error:${m.context}`);
      if (w2) {
        waiting.delete(`error:${m.context}`);
        w2.reject(new Error(m.message));
      }
      showError(BOX_OF[m.context], m.message);
      // The refused file leaves the text as it was: say so instead of "Reading …".
      if (m.context === 'decode') updateTextInfo();
      if (m.context === 'train') {
        phase = model ? 'done' : 'idle';
        ui.trainState.textContent = 'Training stopped with an error.';
        document.body.dataset.phase = phase;
      }
      if (m.context === 'sample') {
        sampling = false;
        ui.sampleOutput.removeAttribute('aria-busy');
      }
      updateButtons();
      break;
    }
    default:
      break;
  }
}

function describe(s: ModelSummary): string {
  return `${s.cell.toUpperCase()} ${s.numLayers}×${s.hiddenSize}, ${s.vocabSize} characters, step ${s.step}`;
}

// ---- text --------------------------------------------------------------------------------

// A textarea holding a long text costs the main thread a long layout whenever the page
// changes around it (measured: 100–150 ms tasks with the 137 KB sample). Longer texts are
// shown as a read-only excerpt; the whole text is still what trains.
const TEXTAREA_MAX = 32_000;

/** Code points and distinct characters of `text`, when known without walking it again. */
let textStats: { chars: number; distinct: number } | undefined;

function setText(value: string, name: string, stats?: { chars: number; distinct: number }): void {
  text = value;
  textName = name;
  textStats = stats;
  clearError('text');
  if (value.length <= TEXTAREA_MAX) {
    ui.text.value = value;
    ui.text.readOnly = false;
  } else {
    ui.text.value = `${value.slice(0, 4_000)}\n…`;
    ui.text.readOnly = true;
  }
  updateTextInfo();
}

function charCount(): number {
  textStats ??= { chars: [...text].length, distinct: new Set(text).size };
  return textStats.chars;
}

function updateTextInfo(): void {
  const n = charCount();
  const vocab = textStats?.distinct ?? 0;
  const bytes = n === 0 ? 0 : new Blob([text]).size;
  ui.textInfo.textContent =
    n === 0
      ? 'No text yet.'
      : `${textName}: ${n.toLocaleString('en-US')} characters, ${vocab} distinct, ${formatBytes(bytes)}.${ui.text.readOnly ? ' (Showing the start; the whole file is used.)' : ''}`;
}

function applySettings(s: ModelSettings): void {
  const f = ui.modelForm.elements;
  for (const [k, v] of Object.entries(s)) {
    const el = f.namedItem(k) as HTMLInputElement | HTMLSelectElement | null;
    if (el) el.value = String(v);
  }
}

function readSettings(): ModelSettings {
  const raw: Record<string, string> = {};
  for (const el of Array.from(ui.modelForm.elements) as HTMLInputElement[]) {
    if (el.name) raw[el.name] = el.value;
  }
  return parseSettings(raw);
}

async function choosePreset(id: string): Promise<void> {
  const preset = presetById(id);
  if (!preset) {
    ui.text.focus();
    return;
  }
  applySettings(preset.settings);
  ui.insideText.value = preset.insideText;
  ui.sampleForm.prime.value = preset.lecture ? (preset.text?.[0] ?? '') : 'Two';
  (ui.sampleForm.elements.namedItem('length') as HTMLInputElement).value = preset.lecture
    ? '20'
    : '300';
  if (preset.text !== undefined) {
    setText(preset.text, preset.label);
    return;
  }
  ui.textInfo.textContent = `Loading ${preset.label}…`;
  try {
    const response = await fetch(new URL(preset.url ?? '', document.baseURI));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    setText(await response.text(), preset.label);
  } catch (error) {
    showError(
      'text',
      `Could not load the built-in sample (${messageOf(error)}). Reload the page, or paste a text.`,
    );
  }
}

ui.preset.addEventListener('change', () => void choosePreset(ui.preset.value));
ui.text.addEventListener('input', () => {
  text = ui.text.value;
  textName = 'Pasted text';
  textStats = undefined;
  if (ui.preset.value !== 'custom') {
    ui.preset.value = 'custom';
  }
  clearError('text');
  updateTextInfo();
});
ui.clearText.addEventListener('click', () => {
  ui.preset.value = 'custom';
  setText('', 'Pasted text');
  ui.text.focus();
});
ui.file.addEventListener('change', async () => {
  const file = ui.file.files?.[0];
  if (!file) return;
  clearError('text');
  ui.preset.value = 'custom';
  ui.textInfo.textContent = `Reading ${file.name}…`;
  const bytes = await file.arrayBuffer();
  // The worker decodes (and refuses empty or binary files) with @rnnkit/trainer's decodeText.
  send({ type: 'decode', bytes, name: file.name }, [bytes]);
  if (phase === 'idle' && !model) applySettings(TEXT_DEFAULTS);
});

// ---- training ----------------------------------------------------------------------------

function updateButtons(): void {
  const running = phase === 'running';
  ui.start.disabled = !workerReady || running || phase === 'paused';
  ui.pause.disabled = !running;
  ui.resume.disabled = phase !== 'paused';
  ui.stop.disabled = !(running || phase === 'paused');
  ui.continueLoaded.disabled = !loadedCheckpoint || running;
  const hasModel = model !== undefined && workerReady;
  ui.sample.disabled = !hasModel || sampling;
  ui.sampleStop.disabled = !sampling;
  ui.saveIdb.disabled = !hasModel || running;
  ui.download.disabled = !hasModel || running;
  ui.exportSt.disabled = !hasModel || running;
  ui.loadIdb.disabled = !workerReady || running || ui.savedList.value === '';
  ui.deleteIdb.disabled = ui.savedList.value === '';
  ui.ckptFile.disabled = !workerReady || running;
  ui.backend.disabled = running || phase === 'paused';
  ui.threads.disabled = running || phase === 'paused';
  ui.workers.disabled = running || phase === 'paused';
}

function startTraining(): void {
  clearError('train');
  clearError('text');
  let options: ReturnType<typeof trainOptions>;
  let settings: ModelSettings;
  try {
    settings = readSettings();
    if (text.trim().length === 0) {
      throw new InputError(
        'The text is empty: pick a preset, paste some text, or open a text file.',
      );
    }
    options = trainOptions(settings, charCount());
  } catch (error) {
    const box = /text/i.test(messageOf(error)) ? 'text' : 'train';
    showError(box, messageOf(error));
    return;
  }
  lecture = charCount() <= LECTURE_MAX_CHARS;
  tensorReports = 0;
  tensorRange = [Number.POSITIVE_INFINITY, 0];
  delete document.body.dataset.tensors;
  series.steps.length = 0;
  series.loss.length = 0;
  series.val.length = 0;
  chartDirty = true;
  ui.lectureLog.textContent = '';
  ui.lecture.hidden = !lecture;
  ui.evalBox.hidden = true;
  for (const el of [ui.statStep, ui.statLoss, ui.statVal, ui.statSpeed, ui.statEta])
    el.textContent = '–';
  delete document.body.dataset.step;
  lastPrediction = '';
  phase = 'running';
  document.body.dataset.phase = phase;
  ui.trainState.textContent = 'Starting…';
  updateButtons();
  send({
    type: 'train',
    text,
    name: textName,
    options,
    lecture,
    continueLoaded: ui.continueLoaded.checked && loadedCheckpoint,
    workers: readWorkers(),
  });
  void ensureChart();
}

function onStarted(m: Extract<FromWorker, { type: 'started' }>): void {
  loadedCheckpoint = false;
  ui.continueLoaded.checked = false;
  const s = readSettings();
  model = {
    cell: s.cell,
    hiddenSize: s.hiddenSize,
    numLayers: s.numLayers,
    vocabSize: m.vocabSize,
    step: m.startStep,
    origin: 'trained',
  };
  target = m.target ?? '';
  renderSeq(ui.seqTarget, target, undefined);
  renderSeq(ui.seqPred, '', target);
  if (m.valChars === 0) ui.statVal.textContent = 'none (no validation split)';
  requestInside();
  ui.trainState.textContent = `Training: ${m.steps} steps, ${m.windowsPerEpoch} batches per epoch, ${m.trainChars.toLocaleString('en-US')} training and ${m.valChars.toLocaleString('en-US')} validation characters, vocabulary ${m.vocabSize}.`;
  updateButtons();
}

function renderSeq(el: HTMLElement, chars: string, against: string | undefined): void {
  const spans = [...chars].map((ch, i) => {
    const span = document.createElement('span');
    span.textContent = ch === ' ' ? '␣' : ch;
    if (against !== undefined) span.className = [...against][i] === ch ? 'hit' : 'miss';
    return span;
  });
  el.replaceChildren(...spans);
  el.setAttribute('aria-label', chars);
}

const MAX_LOG_LINES = 2000;
let tensorReports = 0;
let tensorRange: [number, number] = [Number.POSITIVE_INFINITY, 0];
let lastPrediction = '';

function onProgress(m: Extract<FromWorker, { type: 'progress' }>): void {
  for (const p of m.points) {
    series.steps.push(p.step);
    series.loss.push(p.loss);
    series.val.push(null);
  }
  chartDirty = true;
  const l = m.last;
  ui.statStep.textContent = `${l.step} / ${l.steps} (epoch ${l.epoch.toFixed(2)})`;
  ui.statLoss.textContent = l.loss.toFixed(4);
  ui.statSpeed.textContent = formatRate(l.charsPerSec);
  ui.statEta.textContent = formatDuration(l.etaSeconds);
  ui.statTensors.textContent = String(m.numTensors);
  document.body.dataset.step = String(l.step);
  // The live tensor count's range over the run, after its first report (which includes the
  // first step's one-off allocations): equal bounds mean no tensor leaks per step.
  tensorReports += 1;
  if (tensorReports > 1) {
    tensorRange = [Math.min(tensorRange[0], m.numTensors), Math.max(tensorRange[1], m.numTensors)];
    document.body.dataset.tensors = `${tensorRange[0]}-${tensorRange[1]}`;
  }
  if (m.lecture.length > 0) {
    const lines = m.lecture.map((x) => lectureLine(x.step, x.loss, x.prediction)).join('\n');
    ui.lectureLog.append(`${ui.lectureLog.textContent ? '\n' : ''}${lines}`);
    if (ui.lectureLog.childNodes.length > 200) {
      const all = (ui.lectureLog.textContent ?? '').split('\n');
      ui.lectureLog.textContent = all.slice(-MAX_LOG_LINES).join('\n');
    }
    ui.lectureLog.scrollTop = ui.lectureLog.scrollHeight;
    const last = m.lecture[m.lecture.length - 1];
    if (last && last.prediction !== lastPrediction) {
      lastPrediction = last.prediction;
      renderSeq(ui.seqPred, last.prediction, target);
    }
  }
}

async function ensureChart(): Promise<void> {
  if (chart) return;
  const { createLossChart } = await import('./chart.js');
  chart ??= createLossChart(ui.chart, series);
}

function frame(): void {
  if (chartDirty && chart) {
    chartDirty = false;
    chart.update();
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

ui.start.addEventListener('click', startTraining);
ui.pause.addEventListener('click', () => send({ type: 'pause' }));
ui.resume.addEventListener('click', () => {
  phase = 'running';
  document.body.dataset.phase = phase;
  ui.trainState.textContent = 'Training…';
  updateButtons();
  send({ type: 'resume' });
});
ui.stop.addEventListener('click', () => {
  send({ type: 'stop' });
  if (phase === 'paused') {
    phase = 'done';
    document.body.dataset.phase = phase;
    ui.trainState.textContent = 'Stopped. Sample, look inside or save the model.';
    updateButtons();
  }
});

async function switchBackend(): Promise<void> {
  if (phase === 'running' || phase === 'paused') return;
  clearError('train');
  let restore: { modelJson: unknown; weightData: ArrayBuffer } | undefined;
  if (model && workerReady) {
    try {
      restore = await request({ type: 'save' }, 'saved', 'save');
    } catch {
      restore = undefined;
    }
  }
  startWorker(restore);
}
ui.backend.addEventListener('change', () => void switchBackend());
ui.threads.addEventListener('change', () => void switchBackend());

// ---- inside view -------------------------------------------------------------------------

let insideTimer: ReturnType<typeof setTimeout> | undefined;
function requestInside(): void {
  clearTimeout(insideTimer);
  insideTimer = setTimeout(() => {
    let k = 5;
    try {
      k = intField('Top-k', ui.insideK.value, 1, 20);
    } catch (error) {
      showError('inside', messageOf(error));
      return;
    }
    if (!model) return;
    send({ type: 'inside', text: ui.insideText.value, topK: k });
  }, 150);
}

function renderInsideView(view: InsideView): void {
  renderInside(view, ui.heatmaps, ui.topk);
  if (view.skipped.length > 0) {
    showError(
      'inside',
      `The model never saw ${JSON.stringify([...new Set(view.skipped)].join(''))}, so those characters were left out. Type characters from the training text.`,
    );
  }
  document.body.dataset.inside = String(view.chars.length);
}
ui.insideText.addEventListener('input', requestInside);
ui.insideK.addEventListener('input', requestInside);

// ---- sampling ----------------------------------------------------------------------------

function readSample(): Omit<Extract<ToWorker, { type: 'sample' }>, 'type' | 'id'> {
  const f = ui.sampleForm.elements;
  const v = (n: string) => (f.namedItem(n) as HTMLInputElement).value;
  const topK = intField('Top-k', v('topK'), 0, 100_000);
  const topP = numberField('Top-p', v('topP'), 0, 1, true);
  return {
    prime: v('prime'),
    length: intField('Length', v('length'), 1, 100_000),
    temperature: numberField('Temperature', v('temperature'), 0, 100, true),
    topK: topK === 0 ? undefined : topK,
    topP: topP === 1 ? undefined : topP,
    seed: intField('Seed', v('seed'), 0, 2 ** 32 - 1),
    greedy: (f.namedItem('greedy') as HTMLInputElement).checked,
  };
}

ui.sample.addEventListener('click', () => {
  clearError('sample');
  let settings: ReturnType<typeof readSample>;
  try {
    settings = readSample();
  } catch (error) {
    showError('sample', messageOf(error));
    return;
  }
  sampleId += 1;
  sampling = true;
  document.body.dataset.sampling = 'running';
  ui.sampleOutput.textContent = settings.prime;
  ui.sampleOutput.setAttribute('aria-busy', 'true');
  ui.sampleState.textContent = 'Sampling…';
  updateButtons();
  send({ type: 'sample', id: sampleId, ...settings });
});
ui.sampleStop.addEventListener('click', () => {
  send({ type: 'cancel-sample' });
  sampling = false;
  ui.sampleOutput.removeAttribute('aria-busy');
  ui.sampleState.textContent = 'Stopped.';
  updateButtons();
});

// ---- save and load -----------------------------------------------------------------------

const KEY_PREFIX = 'rnnkit-checkpoint:';

interface StoredCheckpoint {
  modelJson: unknown;
  weightData: ArrayBuffer;
  summary: ModelSummary;
  savedAt: string;
}

async function refreshSaved(select?: string): Promise<void> {
  try {
    const names = (await keys())
      .map(String)
      .filter((k) => k.startsWith(KEY_PREFIX))
      .map((k) => k.slice(KEY_PREFIX.length))
      .sort();
    const options = names.map((n) => new Option(n, n));
    ui.savedList.replaceChildren(...(options.length ? options : [new Option('(none)', '')]));
    if (select && names.includes(select)) ui.savedList.value = select;
  } catch (error) {
    showError(
      'store',
      `This browser's storage (IndexedDB) is not available: ${messageOf(error)}. Download the checkpoint as a file instead.`,
    );
  }
  updateButtons();
}

function saveName(): string {
  const name = ui.saveName.value.trim();
  if (!name) throw new InputError('Give the model a name before saving it.');
  return name;
}

function downloadBlob(bytes: Uint8Array | string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

ui.saveIdb.addEventListener('click', async () => {
  clearError('store');
  try {
    const name = saveName();
    const saved = await request({ type: 'save' }, 'saved', 'save');
    const record: StoredCheckpoint = {
      modelJson: saved.modelJson,
      weightData: saved.weightData,
      summary: saved.summary,
      savedAt: new Date().toISOString(),
    };
    await set(KEY_PREFIX + name, record);
    ui.storeState.textContent = `Saved "${name}" in this browser (${describe(saved.summary)}, ${formatBytes(saved.weightData.byteLength)}).`;
    await refreshSaved(name);
  } catch (error) {
    showError('store', messageOf(error));
  }
});

ui.download.addEventListener('click', async () => {
  clearError('store');
  try {
    const name = saveName();
    const saved = await request({ type: 'save' }, 'saved', 'save');
    const { zipCheckpoint } = await import('./checkpoint-files.js');
    const zip = zipCheckpoint(name, saved.modelJson, saved.weightData);
    downloadBlob(zip, `${name}.zip`, 'application/zip');
    ui.storeState.textContent = `Downloaded ${name}.zip (${formatBytes(zip.length)}): unzip it and run "rnnkit sample ${name}".`;
  } catch (error) {
    showError('store', messageOf(error));
  }
});

ui.exportSt.addEventListener('click', async () => {
  clearError('store');
  try {
    const name = saveName();
    const out = await request({ type: 'export-safetensors' }, 'exported', 'export');
    downloadBlob(out.bytes, `${name}.safetensors`, 'application/octet-stream');
    downloadBlob(
      `${JSON.stringify(out.sidecar, null, 2)}\n`,
      `${name}.rnnkit.json`,
      'application/json',
    );
    ui.storeState.textContent = `Exported ${name}.safetensors and ${name}.rnnkit.json (PyTorch state_dict names).`;
  } catch (error) {
    showError('store', messageOf(error));
  }
});

ui.savedList.addEventListener('change', updateButtons);

ui.loadIdb.addEventListener('click', async () => {
  clearError('store');
  const name = ui.savedList.value;
  try {
    const record = (await get(KEY_PREFIX + name)) as StoredCheckpoint | undefined;
    if (!record) throw new InputError(`"${name}" is no longer in this browser's storage.`);
    ui.storeState.textContent = `Loading "${name}"…`;
    send({ type: 'load', modelJson: record.modelJson, weightData: record.weightData }, [
      record.weightData,
    ]);
  } catch (error) {
    showError('store', messageOf(error));
  }
});

ui.deleteIdb.addEventListener('click', async () => {
  const name = ui.savedList.value;
  if (!name) return;
  await del(KEY_PREFIX + name);
  ui.storeState.textContent = `Deleted "${name}".`;
  await refreshSaved();
});

ui.ckptFile.addEventListener('change', async () => {
  clearError('store');
  const files = Array.from(ui.ckptFile.files ?? []);
  if (files.length === 0) return;
  try {
    const picked = await Promise.all(
      files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
    );
    const { readCheckpointFiles } = await import('./checkpoint-files.js');
    const { modelJson, weightData } = readCheckpointFiles(picked);
    ui.storeState.textContent = `Loading ${files.map((f) => f.name).join(', ')}…`;
    send({ type: 'load', modelJson, weightData }, [weightData]);
  } catch (error) {
    showError('store', messageOf(error));
  } finally {
    ui.ckptFile.value = '';
  }
});

// ---- start -------------------------------------------------------------------------------

// Offline after the first load: the production build's service worker caches every file.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((error: unknown) => {
    $('offline-state').textContent =
      `Offline use is unavailable here (${messageOf(error)}): keep the server running.`;
  });
}

ui.preset.value = PRESETS[0]?.id ?? 'hihello';
void choosePreset(ui.preset.value);
updateButtons();
startWorker();
void refreshSaved();
