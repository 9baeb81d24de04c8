#!/usr/bin/env node
// A capturing SMTP server built on nodemailer's smtp-server, for bench/run.
//
// Keeps every message's bytes in memory (as a test harness built on smtp-server would) and
// reports how many it holds:
//
//     node smtp_server_capture.js [--listen HOST:PORT]
//
// stdout: `listening on HOST:PORT` once the socket accepts connections (port 0 picks a free
// port). On SIGTERM or SIGINT it prints `captured N messages B bytes` and exits 0.
// smtp-server is loaded from bench/peers (installed by bench/run from bench/package.json).
'use strict';

const path = require('path');
const { SMTPServer } = require(path.join(__dirname, 'peers', 'node_modules', 'smtp-server'));

function parseListen(argv) {
    let listen = '127.0.0.1:0';
    for (let i = 0; i < argv.length; ++i) {
        if (argv[i] === '--listen' && i + 1 < argv.length) listen = argv[++i];
        else if (argv[i].startsWith('--listen=')) listen = argv[i].slice('--listen='.length);
        else throw new Error(`unknown argument '${argv[i]}' (expected --listen HOST:PORT)`);
    }
    const colon = listen.lastIndexOf(':');
    const port = Number(listen.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--listen expects HOST:PORT, got '${listen}'`);
    return { host: listen.slice(0, colon) || '127.0.0.1', port };
}

const messages = [];
let capturedBytes = 0;

const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true, // a DNS lookup per connection would measure the resolver
    size: 64 * 1024 * 1024,
    onData(stream, session, callback) {
        const chunks = [];
        stream.on('data', (chunk) => chunks.push(chunk));
        stream.on('end', () => {
            const content = Buffer.concat(chunks);
            messages.push({
                from: session.envelope.mailFrom && session.envelope.mailFrom.address,
                to: session.envelope.rcptTo.map((r) => r.address),
                content,
            });
            capturedBytes += content.length;
            callback(null, 'OK');
        });
    },
});

server.on('error', (err) => {
    process.stderr.write(`smtp-server: ${err.message}\n`);
});

function stop() {
    process.stdout.write(`captured ${messages.length} messages ${capturedBytes} bytes\n`, () => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

let listen;
try {
    listen = parseListen(process.argv.slice(2));
} catch (err) {
    process.stderr.write(`smtp_server_capture.js: ${err.message}\n`);
    process.exit(2);
}
server.listen(listen.port, listen.host, () => {
    process.stdout.write(`listening on ${listen.host}:${server.server.address().port}\n`);
});
