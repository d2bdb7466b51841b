// '@rnnkit/trainer/node': what needs Node's file system. Kept out of the main entry so that
// browser bundles of '@rnnkit/trainer' never see `fs`.
export {
  findCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  whyWriteFailed,
} from './node/checkpoint-folder.js';
