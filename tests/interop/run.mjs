// The interop runner: the real client libraries, unchanged, against `qrconform serve node`
// (Ontology) and `serve node --protocol eos`, each started on OS-chosen loopback ports.
//
//   node tests/interop/run.mjs target/release/qrconform
//
// Prints one line per library version and flow (PASS or FAIL and why), then a closing
// "N passed, N failed" line; exits non-zero when any flow failed or could not run. Every step
// has a deadline, and the servers are stopped at the end whatever happened.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { runEos } from './eos.mjs';
import { runOntology } from './ontology.mjs';

/** The whole run's deadline: a hung server or library cannot hold CI. */
const RUN_TIMEOUT_MS = 5 * 60_000;

async function main() {
    const binary = process.argv[2] && resolve(process.argv[2]);
    if (!binary || !existsSync(binary)) {
        console.error('usage: node tests/interop/run.mjs PATH/TO/qrconform');
        return 2;
    }
    const results = [];
    const only = process.argv[3];
    const suites = [
        ['ontology', runOntology],
        ['eos', runEos],
    ].filter(([name]) => !only || name === only);
    for (const [name, run] of suites) {
        try {
            await run(binary, results);
        } catch (error) {
            results.push({ label: name, ok: false });
            console.log(`FAIL ${name}: the suite could not run: ${error && error.message}`);
        }
    }
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(`interop: ${passed} passed, ${failed} failed`);
    return failed === 0 && passed > 0 ? 0 : 1;
}

const deadline = setTimeout(() => {
    console.log(`FAIL interop: the run did not finish within ${RUN_TIMEOUT_MS / 1000} s`);
    process.exit(1);
}, RUN_TIMEOUT_MS);
deadline.unref();

main().then(
    (code) => process.exit(code),
    (error) => {
        console.log(`FAIL interop: ${error && error.stack}`);
        process.exit(1);
    },
);
