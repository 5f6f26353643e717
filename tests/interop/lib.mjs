// Shared helpers of the interop runner: start a `qrconform serve node` on OS-chosen loopback
// ports and read what its banner says, run one flow with a deadline, and report it.

import { spawn } from 'node:child_process';

/** How long a server may take to print its banner. */
const START_TIMEOUT_MS = 20_000;

/**
 * Starts `qrconform serve node ARGS…` and resolves once the banner's last line is out, with
 * the banner's lines and a `stop()` that ends the process. Standard error (the request log)
 * is kept, its last lines only, for a failure report.
 */
export function startServer(binary, args) {
    return new Promise((resolve, reject) => {
        const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        const lines = [];
        let pending = '';
        const log = [];
        let settled = false;
        const timer = setTimeout(() => {
            fail(new Error(`no banner within ${START_TIMEOUT_MS} ms: ${lines.join(' | ')}`));
        }, START_TIMEOUT_MS);
        const stop = () =>
            new Promise((done) => {
                if (child.exitCode !== null || child.signalCode !== null) {
                    done();
                    return;
                }
                const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
                child.once('exit', () => {
                    clearTimeout(kill);
                    done();
                });
                child.kill('SIGTERM');
            });
        function fail(error) {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            stop().then(() => reject(error));
        }
        child.on('error', fail);
        child.on('exit', (code, signal) => {
            if (!settled) fail(new Error(`the server exited (${code ?? signal}) before its banner`));
        });
        child.stderr.on('data', (chunk) => {
            log.push(...chunk.toString().split('\n').filter(Boolean));
            log.splice(0, Math.max(0, log.length - 40));
        });
        child.stdout.on('data', (chunk) => {
            pending += chunk.toString();
            let newline;
            while ((newline = pending.indexOf('\n')) >= 0) {
                const line = pending.slice(0, newline);
                pending = pending.slice(newline + 1);
                lines.push(line);
                if (line.startsWith('Ctrl-C stops it') && !settled) {
                    settled = true;
                    clearTimeout(timer);
                    resolve({ lines, log, stop });
                }
            }
        });
    });
}

/** The URL on the banner line that starts with `prefix`. */
export function urlAfter(lines, prefix) {
    const line = lines.find((l) => l.startsWith(prefix));
    const url = line && line.slice(prefix.length).trim();
    if (!url || !/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
        throw new Error(`no "${prefix}" line with a loopback URL in the banner`);
    }
    return url;
}

/** Rejects after `ms` with what timed out. */
export function withTimeout(promise, ms, what) {
    let timer;
    const deadline = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Throws `message` unless `condition` holds. */
export function check(condition, message) {
    if (!condition) throw new Error(message);
}

/** The text of an error, with a JSON body when the library attached one (eosjs's RpcError). */
export function describe(error) {
    const parts = [error && error.message ? error.message : String(error)];
    if (error && error.json) parts.push(JSON.stringify(error.json).slice(0, 600));
    return parts.join(' ').replace(/\s+/g, ' ');
}

/** Runs the flows in order, each with its own deadline, and prints one line for each. */
export async function runFlows(results, flows, timeoutMs) {
    for (const [label, flow] of flows) {
        try {
            const detail = await withTimeout(Promise.resolve().then(flow), timeoutMs, label);
            results.push({ label, ok: true });
            console.log(`PASS ${label}${detail ? ` (${detail})` : ''}`);
        } catch (error) {
            results.push({ label, ok: false });
            console.log(`FAIL ${label}: ${describe(error)}`);
        }
    }
}
