// Reads package.json for the nodejs buildpack (run with the stack's node).
//
//   node package.js facts FILE [NPM_PACKAGE_JSON]
//                                      validate FILE, then print one fact per line:
//                                        node VERSION / npm VERSION
//                                        script NAME   (each non-empty script)
//                                        dev           (devDependencies not empty)
//                                        engine RANGE  (engines.node)
//                                        deps SHA256   (of the dependency fields)
//                                      invalid JSON: print "error LINE<TAB>DETAIL", exit 1
//   node package.js has-script FILE S  exit 0 when scripts[S] is a non-empty string
'use strict';
const fs = require('fs');

const [cmd, file, arg] = process.argv.slice(2);

function readText() {
  let text = fs.readFileSync(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

function lineOf(text, pos) {
  return text.slice(0, pos).split('\n').length;
}

function validate() {
  let text;
  try {
    text = readText();
  } catch (e) {
    process.stdout.write(`error 1\t${e.message}\n`);
    process.exit(1);
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = e.message;
    let line;
    let m = /\(line (\d+) column \d+\)/.exec(msg); // newer node
    if (m) {
      line = Number(m[1]);
    } else if ((m = /at position (\d+)/.exec(msg))) { // node 18
      line = lineOf(text, Number(m[1]));
    } else { // "Unexpected end of JSON input": the last line
      line = text.replace(/\s+$/, '').split('\n').length;
    }
    process.stdout.write(`error ${line}\t${msg}\n`);
    process.exit(1);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    process.stdout.write('error 1\tthe top level must be an object ({ ... })\n');
    process.exit(1);
  }
  return value;
}

function load() {
  return JSON.parse(readText());
}

switch (cmd) {
  case 'facts': {
    const pkg = validate();
    const out = [`node ${process.version}`];
    if (arg) {
      try {
        out.push(`npm ${JSON.parse(fs.readFileSync(arg, 'utf8')).version}`);
      } catch (e) { /* the caller asks npm itself */ }
    }
    const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {};
    for (const [name, s] of Object.entries(scripts)) {
      if (/^[A-Za-z0-9:._-]+$/.test(name) && typeof s === 'string' && s.trim() !== '') out.push(`script ${name}`);
    }
    const dev = pkg.devDependencies && typeof pkg.devDependencies === 'object' ? pkg.devDependencies : {};
    if (Object.keys(dev).length > 0) out.push('dev');
    const engines = pkg.engines && typeof pkg.engines === 'object' ? pkg.engines : {};
    if (typeof engines.node === 'string') out.push(`engine ${engines.node.replace(/[\r\n]/g, ' ')}`);
    const fields = ['name', 'version', 'dependencies', 'devDependencies', 'optionalDependencies',
      'peerDependencies', 'bundleDependencies', 'bundledDependencies', 'overrides', 'workspaces'];
    const deps = {};
    for (const f of fields) if (f in pkg) deps[f] = pkg[f];
    out.push(`deps ${require('crypto').createHash('sha256').update(JSON.stringify(deps)).digest('hex')}`);
    process.stdout.write(`${out.join('\n')}\n`);
    break;
  }
  case 'has-script': {
    const scripts = load().scripts || {};
    const s = scripts[arg];
    process.exit(typeof s === 'string' && s.trim() !== '' ? 0 : 1);
    break;
  }
  default:
    process.stderr.write(`package.js: unknown command ${cmd}\n`);
    process.exit(2);
}
