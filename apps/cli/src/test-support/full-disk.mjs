// Test only, loaded with `node --import`: a disk that fills up, for machines where a small tmpfs
// cannot be mounted. Once the file RNNKIT_FULL_DISK_TRIGGER exists, every FileHandle.writeFile
// under RNNKIT_FULL_DISK_DIR writes at most RNNKIT_FULL_DISK_AFTER bytes (in all) and then fails
// as the kernel's write(2) does on a full disk: an Error with code ENOSPC, errno -28.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve, sep } from 'node:path';

const dir = resolve(process.env.RNNKIT_FULL_DISK_DIR ?? '/nonexistent') + sep;
const trigger = process.env.RNNKIT_FULL_DISK_TRIGGER ?? '/nonexistent';
let room = Number(process.env.RNNKIT_FULL_DISK_AFTER ?? 0);

const paths = new WeakMap();
const open = fs.promises.open;
fs.promises.open = async function openTracked(path, ...rest) {
  const handle = await open.call(this, path, ...rest);
  paths.set(handle, resolve(String(path)));
  return handle;
};
syncBuiltinESMExports(); // `import { open } from 'node:fs/promises'` now gets the tracked one

const probe = await open('/dev/null', 'r');
const FileHandle = Object.getPrototypeOf(probe);
await probe.close();
const writeFile = FileHandle.writeFile;
FileHandle.writeFile = async function writeFileUntilFull(data, ...rest) {
  const path = paths.get(this);
  if (!path?.startsWith(dir) || !fs.existsSync(trigger)) return writeFile.call(this, data, ...rest);
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data)
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length <= room) {
    room -= bytes.length;
    return writeFile.call(this, bytes, ...rest);
  }
  await writeFile.call(this, bytes.subarray(0, room));
  room = 0;
  throw Object.assign(new Error(`ENOSPC: no space left on device, write`), {
    errno: -28,
    code: 'ENOSPC',
    syscall: 'write',
  });
};
