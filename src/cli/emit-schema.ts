import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printSdl } from '../schema';

/** `npm run schema`: writes schema.graphql from the type-graphql classes. */
printSdl()
  .then((sdl) => {
    const file = resolve(__dirname, '../../../schema.graphql');
    writeFileSync(file, sdl);
    process.stdout.write(`wrote ${file}\n`);
  })
  .catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
