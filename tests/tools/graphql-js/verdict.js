#!/usr/bin/env node
// verdict.js - the reference parser's verdict on GraphQL documents.
//
//   node verdict.js MODULE_DIR [FILE...]     (no FILE: one path a line
//                                             on standard input)
//
// MODULE_DIR holds node_modules/graphql (scripts/graphql-js.sh installs
// it).  Each file is read as bytes, checked to be UTF-8 (the text of a
// GraphQL document is Unicode; graphql-js itself reads JavaScript
// strings, so the check is done here) and parsed by graphql-js's parse().
// One line per file, fields separated by tabs:
//
//   FILE  exec                       a valid executable document made of
//                                    operations only
//   FILE  unsupported  KIND          valid, but with fragments (KIND
//                                    fragment: definitions, spreads,
//                                    inline fragments) or type-system
//                                    definitions or extensions (KIND sdl)
//   FILE  syntax  LINE  LAST  MSG    rejected: the first error is on LINE;
//                                    LAST is the line just past the last
//                                    token when the error is at the end
//                                    of the file, else 0; MSG is
//                                    graphql-js's message, or "invalid
//                                    UTF-8, before " and it when a byte
//                                    that is not UTF-8 comes first
//   FILE  deep                       graphql-js ran out of stack
'use strict';

const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
if (!dir) {
	process.stderr.write('usage: verdict.js MODULE_DIR [FILE...]\n');
	process.exit(2);
}
const gql = require(path.resolve(dir, 'node_modules', 'graphql'));

// Byte offset of the first sequence that is not UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF), or -1.
function badUtf8(b) {
	for (let i = 0; i < b.length;) {
		const c = b[i];
		let n, lo = 0x80, hi = 0xbf;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			if (c === 0xe0) lo = 0xa0;
			if (c === 0xed) hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			if (c === 0xf0) lo = 0x90;
			if (c === 0xf4) hi = 0x8f;
		} else {
			return i;
		}
		if (i + n > b.length || b[i + 1] < lo || b[i + 1] > hi)
			return i;
		for (let k = 2; k < n; k++)
			if ((b[i + k] & 0xc0) !== 0x80)
				return i;
		i += n;
	}
	return -1;
}

// The line of offset off in s (a string or a byte buffer): \r\n, \n and
// \r each end a line, as in GraphQL.
function lineAt(s, off) {
	const at = typeof s === 'string' ? (k) => s.charCodeAt(k) : (k) => s[k];
	let line = 1;
	for (let k = 0; k < off; k++) {
		const c = at(k);
		if (c === 0x0a) {
			line++;
		} else if (c === 0x0d) {
			line++;
			if (k + 1 < off && at(k + 1) === 0x0a)
				k++;
		}
	}
	return line;
}

// The line where the last token ends (an error at the end of the file).
function lastTokenLine(body) {
	const lexer = new gql.Lexer(new gql.Source(body));
	let end = 0;
	for (let t = lexer.advance(); t.kind !== gql.TokenKind.EOF;
	    t = lexer.advance())
		end = t.end;
	return lineAt(body, end);
}

function unsupported(doc) {
	let kind = null;
	for (const d of doc.definitions) {
		if (d.kind === gql.Kind.FRAGMENT_DEFINITION)
			kind = kind || 'fragment';
		else if (d.kind !== gql.Kind.OPERATION_DEFINITION)
			return 'sdl';
	}
	gql.visit(doc, {
		FragmentSpread() { kind = kind || 'fragment'; },
		InlineFragment() { kind = kind || 'fragment'; },
	});
	return kind;
}

function verdict(file) {
	const bytes = fs.readFileSync(file);
	const bad = badUtf8(bytes);
	// graphql-js on the text with bad bytes as U+FFFD: an error it finds
	// before the first bad byte comes first
	const body = bytes.toString('utf8');
	let doc;
	try {
		doc = gql.parse(body);
	} catch (e) {
		if (e instanceof RangeError)
			return ['deep'];
		if (!e.locations)
			throw e;
		const line = e.locations[0].line;
		const last = e.message.includes('<EOF>') ?
		    lastTokenLine(body) : 0;
		// (graphql-js's own message follows: an unterminated
		// string it reads to its end may hold the bad byte)
		if (bad >= 0 && lineAt(bytes, bad) < line)
			return ['syntax', lineAt(bytes, bad), last,
			    'invalid UTF-8, before ' +
			    e.message.replace(/\s+/g, ' ')];
		return ['syntax', line, last, e.message.replace(/\s+/g, ' ')];
	}
	if (bad >= 0)
		return ['syntax', lineAt(bytes, bad), 0, 'invalid UTF-8'];
	const kind = unsupported(doc);
	return kind ? ['unsupported', kind] : ['exec'];
}

let files = process.argv.slice(3);
if (files.length === 0)
	files = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l !== '');
const out = [];
for (const f of files)
	out.push([f].concat(verdict(f)).join('\t'));
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
