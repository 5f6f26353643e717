// eosjs 20, 21 and 22, unchanged, against `qrconform serve node --protocol eos`: each
// version's ordinary `api.transact` of an eosio.token transfer with its defaults
// (`blocksBehind: 3, expireSeconds: 30`, compression off and, where the version offers it,
// on), the transfer read back with `history_get_transaction` and the balance with
// `get_currency_balance`; MYKEY's `keydata` row read as MYKEY's SDK reads it; a
// `mykeymanager::sendaction` pushed by the MYKEY account and one taken from mainnet,
// deserialized with eosjs's serializer and the ABIs the node serves; and eosjs-ecc 4.0.7
// recovering a pushed transfer's signer from the history.

import { createRequire } from 'node:module';

import { check, runFlows, startServer, urlAfter } from './lib.mjs';

const require = createRequire(import.meta.url);

/** The data of a real mainnet `mykeymanager::sendaction` (mykey-js-sdk's test transaction
 * d65431c2…): `sendexternal`, whose data forwards an eosio.token transfer by `gettinbetter`. */
const MAINNET_SENDACTION =
    '10cdbc2a7795a6c2bd01002065c24490afc44e66fe1d061b125af974e64064a36731a5b00c4365ab9576f0' +
    '7850d7d9a57363a632ea1b7878c0e3c9e53069d8a77173ab4f867eacf8b17242427a00a6823403ea3055000000572d3c' +
    'cdcd7055ceea4c97b362617055ceea4c97b362309d4c462197b23ae80300000000000004454f530000000040616374' +
    '696f6e3a6265742c736565643a583976774b53496868374d55435675496d7a2c726f6c6c556e6465723a35302c7265' +
    '663a6d796b657975736572787878';

const FLOW_TIMEOUT_MS = 20_000;

/** What the EOS node's banner says: its URL, and the demo accounts' and MYKEY keys. */
function readBanner(lines) {
    const accounts = {};
    const mykey = {};
    for (const line of lines) {
        const words = line.split(/\s+/);
        if (words[0] === 'account' && words[2] === 'active') {
            accounts[words[1]] = { active: words[3], wif: words[4] };
        } else if (words[0] === 'mykey' && words[4] === 'keydata') {
            mykey.account = words[1];
            mykey.manager = words[3];
            mykey.keys = mykey.keys || {};
            mykey.keys[Number(words[5])] = { pubkey: words[6], wif: words[7] };
        }
    }
    return { url: urlAfter(lines, 'HTTP listening on'), accounts, mykey };
}

function eosjs(version) {
    const lib = require(`eosjs${version}`);
    const { JsSignatureProvider } = require(`eosjs${version}/dist/eosjs-jssig`);
    return { ...lib, JsSignatureProvider };
}

function transfer(from, to, quantity, memo) {
    return {
        account: 'eosio.token',
        name: 'transfer',
        authorization: [{ actor: from, permission: 'active' }],
        data: { from, to, quantity, memo },
    };
}

/** Reads back a pushed transfer and checks the chain shows it as executed. */
async function readBack(rpc, result, memo) {
    const id = result.transaction_id;
    check(/^[0-9a-f]{64}$/.test(id || ''), `no transaction id in ${JSON.stringify(result)}`);
    const tx = await rpc.history_get_transaction(id);
    check(tx.id === id, `history answered transaction ${tx.id}, not ${id}`);
    check(tx.trx.receipt.status === 'executed', `status ${tx.trx.receipt.status}`);
    const action = tx.trx.trx.actions[0];
    check(
        action.account === 'eosio.token' && action.name === 'transfer' && action.data.memo === memo,
        `history shows ${JSON.stringify(action)}`,
    );
    return `${id.slice(0, 12)}…, block ${tx.block_num}`;
}

async function balance(rpc, account) {
    const rows = await rpc.get_currency_balance('eosio.token', account, 'EOS');
    check(Array.isArray(rows) && rows.length === 1, `get_currency_balance answered ${JSON.stringify(rows)}`);
    return Math.round(parseFloat(rows[0]) * 10_000);
}

function flowsFor(version, chain) {
    const { Api, JsonRpc, JsSignatureProvider, Serialize } = eosjs(version);
    const from = 'useraaaaaaaa';
    const to = 'useraaaaaaab';
    const keys = [chain.accounts[from].wif, chain.accounts.mykeymanager.wif];
    const rpc = new JsonRpc(chain.url, { fetch });
    const api = new Api({
        rpc,
        signatureProvider: new JsSignatureProvider(keys),
        textEncoder: new TextEncoder(),
        textDecoder: new TextDecoder(),
    });
    const name = `eosjs${version}`;
    const flows = [];
    const plainTransfer = async (options, label) => {
        const memo = `${name} ${label}`;
        const before = await balance(rpc, to);
        const result = await api.transact(
            { actions: [transfer(from, to, '0.0001 EOS', memo)] },
            { blocksBehind: 3, expireSeconds: 30, ...options },
        );
        const detail = await readBack(rpc, result, memo);
        const after = await balance(rpc, to);
        check(after === before + 1, `the balance of ${to} went from ${before} to ${after}`);
        return detail;
    };
    flows.push([`${name} transact transfer, compression off, blocksBehind 3`, () => plainTransfer({}, 'plain')]);
    if (version >= 21) {
        flows.push([
            `${name} transact transfer, compression on (zlib packed_trx)`,
            () => plainTransfer({ compression: true }, 'zlib'),
        ]);
    }
    if (version >= 22) {
        flows.push([
            `${name} transact transfer, useLastIrreversible`,
            async () => {
                const memo = `${name} lib`;
                const result = await api.transact(
                    { actions: [transfer(from, to, '0.0001 EOS', memo)] },
                    { useLastIrreversible: true, expireSeconds: 30 },
                );
                return readBack(rpc, result, memo);
            },
        ]);
        flows.push([
            `${name} send_transaction of a signed transfer`,
            async () => {
                const memo = `${name} send`;
                const signed = await api.transact(
                    { actions: [transfer(from, to, '0.0001 EOS', memo)] },
                    { blocksBehind: 3, expireSeconds: 30, broadcast: false },
                );
                const result = await rpc.send_transaction(signed);
                return readBack(rpc, result, memo);
            },
        ]);
    }
    flows.push([
        `${name} get_table_rows MYKEY keydata (reserved key, index 3)`,
        async () => {
            const { account, manager } = chain.mykey;
            const { permissions } = await rpc.get_account(account);
            const active = permissions.find((p) => p.perm_name === 'active');
            const found = active.required_auth.accounts[0].permission.actor;
            check(found === manager, `the account's active names ${found}, not ${manager}`);
            const result = await rpc.get_table_rows({
                json: true, code: manager, scope: account, table: 'keydata', lower_bound: 3, limit: 1,
            });
            const row = result.rows[0];
            check(row && row.index === 3, `rows ${JSON.stringify(result.rows)}`);
            check(row.key.pubkey === chain.mykey.keys[3].pubkey, `key ${row.key.pubkey}`);
            check(row.key.status === 0, `status ${row.key.status}`);
            return row.key.pubkey;
        },
    ]);
    flows.push([
        `${name} deserialize mainnet sendaction with the served mykeymanager and mykeylogica1 ABIs`,
        async () => {
            const te = new TextEncoder();
            const td = new TextDecoder();
            const manager = await api.getContract('mykeymanager');
            const logic = await api.getContract('mykeylogica1');
            const wrapped = Serialize.deserializeActionData(manager, 'mykeymanager', 'sendaction', MAINNET_SENDACTION, te, td);
            check(wrapped.act === 'sendexternal', `act ${wrapped.act}`);
            const external = Serialize.deserializeActionData(logic, 'mykeylogica1', 'sendexternal', wrapped.bin_data, te, td);
            check(/^SIG_K1_/.test(external.sig), `sig ${external.sig}`);
            const forward = Serialize.deserializeActionData(manager, 'mykeymanager', 'forward', external.data, te, td);
            check(
                forward.target_contract === 'eosio.token' && forward.act === 'transfer' && forward.signer === 'gettinbetter',
                `forward ${JSON.stringify(forward)}`,
            );
            const token = await api.getContract('eosio.token');
            const inner = Serialize.deserializeActionData(token, 'eosio.token', 'transfer', forward.data, te, td);
            check(inner.from === 'gettinbetter' && inner.quantity === '0.1000 EOS', `transfer ${JSON.stringify(inner)}`);
            return `${forward.signer} → ${inner.to} ${inner.quantity}`;
        },
    ]);
    flows.push([
        `${name} transact mykeymanager::sendaction as the MYKEY account, read it back and deserialize it`,
        async () => {
            const te = new TextEncoder();
            const td = new TextDecoder();
            const { account, manager } = chain.mykey;
            // Distinct per version, so each version's transaction is its own.
            const binData = `00${'11'.repeat(65)}04cafe00${version.toString(16).padStart(2, '0')}`;
            const result = await api.transact(
                {
                    actions: [{
                        account: manager,
                        name: 'sendaction',
                        authorization: [{ actor: account, permission: 'active' }],
                        data: { act: 'sendexternal', bin_data: binData },
                    }],
                },
                { blocksBehind: 3, expireSeconds: 30 },
            );
            const tx = await rpc.history_get_transaction(result.transaction_id);
            const action = tx.trx.trx.actions[0];
            check(action.name === 'sendaction', `history shows ${JSON.stringify(action)}`);
            const contract = await api.getContract(manager);
            const data = Serialize.deserializeActionData(contract, manager, 'sendaction', action.hex_data, te, td);
            check(data.act === 'sendexternal' && data.bin_data.toLowerCase() === binData, `data ${JSON.stringify(data)}`);
            return `${result.transaction_id.slice(0, 12)}…`;
        },
    ]);
    return flows;
}

/** eosjs-ecc 4.0.7 (what SimpleWallet wallets sign with) recovers the key behind each
 * signature the history API shows, over the transaction's signing digest. */
function eccFlows(chain) {
    const ecc = require('eosjs-ecc');
    const { Api, JsonRpc, JsSignatureProvider } = eosjs(22);
    const from = 'useraaaaaaaa';
    const rpc = new JsonRpc(chain.url, { fetch });
    const api = new Api({
        rpc,
        signatureProvider: new JsSignatureProvider([chain.accounts[from].wif]),
        textEncoder: new TextEncoder(),
        textDecoder: new TextDecoder(),
    });
    return [[
        'eosjs-ecc 4.0.7 recovers the signer of a pushed transfer from history_get_transaction',
        async () => {
            const memo = 'eosjs-ecc recover';
            const result = await api.transact(
                { actions: [transfer(from, 'useraaaaaaab', '0.0001 EOS', memo)] },
                { blocksBehind: 3, expireSeconds: 30 },
            );
            const tx = await rpc.history_get_transaction(result.transaction_id);
            const packed = tx.trx.receipt.trx[1].packed_trx;
            const info = await rpc.get_info();
            const digest = ecc.sha256(Buffer.concat([
                Buffer.from(info.chain_id, 'hex'),
                Buffer.from(packed, 'hex'),
                Buffer.alloc(32),
            ]));
            const signatures = tx.trx.trx.signatures;
            check(signatures.length === 1, `${signatures.length} signatures`);
            const key = ecc.recoverHash(signatures[0], digest);
            check(key === chain.accounts[from].active, `recovered ${key}, not ${chain.accounts[from].active}`);
            check(ecc.verifyHash(signatures[0], digest, key), 'the signature does not verify');
            return key;
        },
    ]];
}

/** Runs every eosjs flow against a fresh EOS node; pushes a result per flow. */
export async function runEos(binary, results) {
    const server = await startServer(binary, ['serve', 'node', '--protocol', 'eos', '--port', '0']);
    try {
        const chain = readBanner(server.lines);
        for (const version of [20, 21, 22]) {
            await runFlows(results, flowsFor(version, chain), FLOW_TIMEOUT_MS);
            if (version === 20) {
                console.log('NOTE eosjs20 has no compression option: its push_transaction always sends compression 0');
            }
        }
        await runFlows(results, eccFlows(chain), FLOW_TIMEOUT_MS);
    } finally {
        if (results.some((r) => !r.ok)) {
            console.log(`EOS node request log (last lines):\n  ${server.log.join('\n  ')}`);
        }
        await server.stop();
    }
}
