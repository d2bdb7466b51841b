#!/usr/bin/env node
// `pnpm rnnkit …` inside the repository. pnpm runs root scripts from the repository root, so
// this puts the user back in the folder they ran it from (pnpm passes it as INIT_CWD): relative
// paths mean what they typed. RNNKIT_INVOKED_AS tells the CLI how to print commands to run
// next (the Ctrl-C hint). Use `pnpm -s rnnkit …` (silent) to keep pnpm's own lines out of stdout.

if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
const agent = /^pnpm\/(\S+)/.exec(process.env.npm_config_user_agent ?? '');
process.env.RNNKIT_INVOKED_AS ??= agent ? `npx -y pnpm@${agent[1]} -s rnnkit` : 'pnpm -s rnnkit';
await import(new URL('../dist/bin.js', import.meta.url).href);
