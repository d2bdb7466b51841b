// Node-only: checkpoints as folders on disk, through @rnnkit/trainer/node (the format itself,
// in @rnnkit/trainer, is pure). Kept as the CLI's own names so commands read the same.
import type { CheckpointData } from '@rnnkit/trainer';
import { findCheckpoint as find, loadCheckpoint, saveCheckpoint } from '@rnnkit/trainer/node';

/**
 * The checkpoint folder a path names: the folder holding model.json, a model.json file, or a
 * run's folder (then its `prefer` subfolder, else the other one of latest/ and best/).
 */
export const findCheckpoint = (path: string, prefer: 'best' | 'latest'): Promise<string> =>
  find(path, prefer);

/** Reads and checks a checkpoint folder: model.json, then every weights file it names. */
export const readCheckpoint = (folder: string): Promise<CheckpointData> => loadCheckpoint(folder);

/** Writes a checkpoint folder atomically (see saveCheckpoint). */
export const writeCheckpoint = (folder: string, data: CheckpointData): Promise<void> =>
  saveCheckpoint(folder, data);
