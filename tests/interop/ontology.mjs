// ontology-ts-sdk 1.2.0, unchanged, against `qrconform serve node`: an ONG transfer built
// with the SDK's transfer builder, an invoke of a NeoVM contract built from parameters, and
// one built from a dAPI invokeConfig, each pre-executed, signed, sent and its event queried,
// on REST and on JSON-RPC; and a demo ONT ID's keys, key state, DDO and DID document
// resolved with the SDK's own helpers (which pre-execute ONT ID 2.0's `getDocumentJson` and
// `getPublicKeysJson` first).

import { createRequire } from 'node:module';

import { check, runFlows, startServer, urlAfter } from './lib.mjs';

const require = createRequire(import.meta.url);
const Ont = require('ontology-ts-sdk');

const FLOW_TIMEOUT_MS = 20_000;

/** A fixed key for the wallet side: any key is a valid payer on the mock node. */
const WALLET_KEY = '7c47df9664e7db85c1308c080f398400cb24283f5d922e76b478b5429e821b95';

function readBanner(lines) {
    const identities = lines
        .filter((l) => l.startsWith('identity '))
        .map((l) => {
            const [, ontid, , keys] = l.split(/\s+/);
            return { ontid, keys: keys.split(',') };
        });
    check(identities.length > 0, 'the banner lists no demo identity');
    return {
        rest: urlAfter(lines, 'REST listening on'),
        rpc: urlAfter(lines, 'JSON-RPC listening on'),
        identities,
    };
}

/** The hash the node reports for a transaction: its display (reversed) hash. */
function displayHash(tx) {
    return Ont.utils.reverseHex(tx.getHash());
}

/** A REST or JSON-RPC client with one shape: `send(hex, preExec)` and `event(hash)` give
 * the node's `Result`, or throw the node's error code and text. */
function clientFor(api, node) {
    if (api === 'REST') {
        const rest = new Ont.RestClient(node.rest);
        const unwrap = (answer) => {
            if (answer.Error !== 0) throw new Error(`node error ${answer.Error} (${answer.Desc}): ${JSON.stringify(answer.Result)}`);
            return answer.Result;
        };
        return {
            send: async (hex, preExec) => unwrap(await rest.sendRawTransaction(hex, preExec)),
            event: async (hash) => unwrap(await rest.getSmartCodeEvent(hash)),
        };
    }
    const rpc = new Ont.RpcClient(node.rpc);
    const unwrap = (answer) => {
        if (answer.error !== 0) throw new Error(`node error ${answer.error} (${answer.desc}): ${JSON.stringify(answer.result)}`);
        return answer.result;
    };
    return {
        send: async (hex, preExec) => unwrap(await rpc.sendRawTransaction(hex, preExec)),
        event: async (hash) => unwrap(await rpc.getSmartCodeEvent(hash)),
    };
}

/** Pre-executes, signs, sends and queries `tx`; checks the event with `eventCheck`. */
async function roundTrip(client, tx, key, eventCheck) {
    const pre = await client.send(tx.serialize(), true);
    check(pre && pre.State === 1, `pre-execution answered ${JSON.stringify(pre)}`);
    Ont.TransactionBuilder.signTransaction(tx, key);
    const hash = await client.send(tx.serialize(), false);
    check(hash === displayHash(tx), `the node answered hash ${hash}, not ${displayHash(tx)}`);
    const event = await client.event(hash);
    check(event && event.State === 1, `the event is ${JSON.stringify(event)}`);
    check(event.TxHash === hash, `the event is of ${event.TxHash}`);
    eventCheck(event);
    return `${hash.slice(0, 12)}…, gas ${pre.Gas}`;
}

function invokeFlows(node) {
    const key = new Ont.Crypto.PrivateKey(WALLET_KEY);
    const from = Ont.Crypto.Address.fromPubKey(key.getPublicKey());
    const to = new Ont.Crypto.Address('AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ');
    const flows = [];
    for (const api of ['REST', 'JSON-RPC']) {
        const client = clientFor(api, node);
        flows.push([
            `ontology-ts-sdk 1.2.0 ONG transfer (makeTransferTx): pre-execute, sign, send, event over ${api}`,
            () => {
                const tx = Ont.OntAssetTxBuilder.makeTransferTx('ONG', from, to, 1, '500', '20000', from);
                return roundTrip(client, tx, key, (event) => {
                    const states = event.Notify[0].States;
                    check(
                        states[0] === 'transfer' && states[1] === from.toBase58() && states[2] === to.toBase58(),
                        `the transfer notified ${JSON.stringify(states)}`,
                    );
                });
            },
        ]);
        flows.push([
            `ontology-ts-sdk 1.2.0 NeoVM invoke (makeInvokeTransaction): pre-execute, sign, send, event over ${api}`,
            () => {
                const contract = new Ont.Crypto.Address(Ont.utils.reverseHex('ab'.repeat(20)));
                const params = [
                    new Ont.Parameter('key', Ont.ParameterType.String, 'qrconform'),
                    new Ont.Parameter('value', Ont.ParameterType.Integer, 7),
                ];
                const tx = Ont.TransactionBuilder.makeInvokeTransaction('put', params, contract, '500', '20000', from);
                return roundTrip(client, tx, key, (event) => {
                    const states = event.Notify[0].States;
                    check(states[0] === Ont.utils.str2hexstr('put'), `the invoke notified ${JSON.stringify(states)}`);
                });
            },
        ]);
    }
    flows.push([
        'ontology-ts-sdk 1.2.0 dAPI invokeConfig (makeTransactionsByJson): pre-execute, sign, send, event over REST',
        () => {
            const config = {
                action: 'invoke',
                params: {
                    invokeConfig: {
                        contractHash: 'cd'.repeat(20),
                        functions: [{
                            operation: 'hello',
                            args: [
                                { name: 'who', value: 'String:qrconform' },
                                { name: 'count', value: 3 },
                                { name: 'flag', value: true },
                            ],
                        }],
                        payer: from.toBase58(),
                        gasLimit: 20000,
                        gasPrice: 500,
                    },
                },
            };
            const [tx] = Ont.TransactionBuilder.makeTransactionsByJson(config);
            return roundTrip(clientFor('REST', node), tx, key, (event) => {
                const states = event.Notify[0].States;
                check(states[0] === Ont.utils.str2hexstr('hello'), `the invoke notified ${JSON.stringify(states)}`);
            });
        },
    ]);
    return flows;
}

function identityFlows(node) {
    const { ontid, keys } = node.identities[0];
    const rest = new Ont.RestClient(node.rest);
    const result = async (tx) => {
        const answer = await rest.sendRawTransaction(tx.serialize(), true);
        check(answer.Error === 0, `node error ${answer.Error} (${answer.Desc}): ${JSON.stringify(answer.Result)}`);
        return answer.Result.Result;
    };
    return [
        [
            'ontology-ts-sdk 1.2.0 Credentials.retrievePublicKey (getDocumentJson first)',
            async () => {
                const key = await Ont.Credentials.retrievePublicKey(`${ontid}#keys-1`, node.rest);
                check(key.key === keys[0], `the SDK resolved ${key.key}, not ${keys[0]}`);
                return key.key;
            },
        ],
        [
            'ontology-ts-sdk 1.2.0 Credentials.retrievePublicKeyState (getKeyState)',
            async () => {
                const state = await Ont.Credentials.retrievePublicKeyState(`${ontid}#keys-1`, node.rest);
                check(state && state.label === 'in use', `the key state is ${JSON.stringify(state)}`);
                return state.label;
            },
        ],
        [
            'ontology-ts-sdk 1.2.0 OntidContract.getDocumentJson (the DID document)',
            async () => {
                const doc = await Ont.OntidContract.getDocumentJson(ontid, node.rest);
                check(doc.id === ontid, `the document is of ${doc.id}`);
                check(doc.publicKey[0].publicKeyHex === keys[0], `its key is ${doc.publicKey[0].publicKeyHex}`);
                check(doc.publicKey[0].id === `${ontid}#keys-1`, `its key id is ${doc.publicKey[0].id}`);
                return `${doc.publicKey.length} key(s), ${doc.authentication.length} authentication entr(ies)`;
            },
        ],
        [
            'ontology-ts-sdk 1.2.0 buildGetPublicKeysTx (getPublicKeysJson)',
            async () => {
                const hex = await result(Ont.OntidContract.buildGetPublicKeysTx(ontid));
                const list = JSON.parse(Ont.utils.hexstr2str(hex));
                check(list.length === keys.length && list[0].publicKeyHex === keys[0], `the keys are ${JSON.stringify(list)}`);
                return list.map((k) => k.id).join(', ');
            },
        ],
        [
            'ontology-ts-sdk 1.2.0 buildGetDDOTx and DDO.deserialize (getDDO)',
            async () => {
                const ddo = Ont.DDO.deserialize(await result(Ont.OntidContract.buildGetDDOTx(ontid)));
                check(ddo.publicKeys.length === keys.length, `the DDO has ${ddo.publicKeys.length} keys`);
                check(ddo.publicKeys[0].pk.key === keys[0], `its first key is ${ddo.publicKeys[0].pk.key}`);
                return ddo.publicKeys[0].id;
            },
        ],
        [
            'ontology-ts-sdk 1.2.0 refusal carries the node text (an unregistered ONT ID\'s getDDO)',
            async () => {
                const unknown = 'did:ont:AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ';
                const answer = await rest.sendRawTransaction(Ont.OntidContract.buildGetDDOTx(unknown).serialize(), true);
                check(answer.Error === 47001, `node error ${answer.Error}`);
                check(typeof answer.Result === 'string' && answer.Result.includes(unknown), `the node said ${JSON.stringify(answer.Result)}`);
                return `47001: ${answer.Result}`;
            },
        ],
    ];
}

/** Runs every ontology-ts-sdk flow against a fresh Ontology node; pushes a result per flow. */
export async function runOntology(binary, results) {
    const server = await startServer(binary, [
        'serve', 'node', '--rest', '127.0.0.1:0', '--rpc', '127.0.0.1:0',
    ]);
    try {
        const node = readBanner(server.lines);
        await runFlows(results, [...invokeFlows(node), ...identityFlows(node)], FLOW_TIMEOUT_MS);
    } finally {
        if (results.some((r) => !r.ok)) {
            console.log(`Ontology node request log (last lines):\n  ${server.log.join('\n  ')}`);
        }
        await server.stop();
    }
}
