import type { Io } from '../../io.js';
import { classifyTask } from './classify.js';
import { generateTask } from './generate.js';
import { tagTask } from './tag.js';
import type { TaskOptions, TaskResult } from './task-support.js';
import { translateTask } from './translate.js';

/** The lecture's other wirings, one runnable example each: `rnnkit demo <name>`. */
export const TASKS = {
  classify: { run: classifyTask, wiring: 'many-to-one: is a bracket string balanced?' },
  generate: { run: generateTask, wiring: 'one-to-many: spell a number from its digits' },
  tag: { run: tagTask, wiring: 'many-to-many, bidirectional: tag word boundaries' },
  translate: { run: translateTask, wiring: 'encoder-decoder: reverse a string, greedy and beam' },
} as const;

export type TaskName = keyof typeof TASKS;
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

export function isTaskName(name: string | undefined): name is TaskName {
  return name !== undefined && Object.hasOwn(TASKS, name);
}

/** Runs one task demo under a heading; the result says whether it met its target. */
export function runTask(io: Io, name: TaskName, options: TaskOptions): TaskResult {
  io.out(`\n== ${name} (${TASKS[name].wiring}) ==\n`);
  return TASKS[name].run(io, options);
}
