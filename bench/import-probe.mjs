// Cold-start probe, run in a fresh `node` per measurement: prints how long importing the given
// modules took (module evaluation included, as a Lambda init does). Plain JavaScript on purpose:
// a TypeScript loader would add its own start-up to what is measured.
const started = performance.now();
for (const specifier of process.argv.slice(2)) await import(specifier);
process.stdout.write(`${performance.now() - started}\n`);
