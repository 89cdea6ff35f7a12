// Reads package.json for the nodejs buildpack (run with the stack's node).
//
//   node package.js facts FILE NPM_DIR  validate FILE, then print bash assignments
//                                       for bin/compile to source (it caches them):
//                                         node_version, node_arch, node_path, npm_version
//                                         scripts=([NAME]=SCRIPT ...) (non-empty ones)
//                                         has_dev (devDependencies not empty)
//                                         engine (engines.node), deps_sha (sha256 of
//                                           the dependency fields)
//                                         pkg_env=(npm_package_*=...) as npm run sets
//                                         pkg_id (NAME@VERSION, for npm's banner)
//                                         npm_gyp_bin, npm_node_gyp, npm_builtin_*
//                                           (npm's node-gyp-bin, node-gyp.js, npmrc)
//                                       invalid JSON: print "error LINE<TAB>DETAIL", exit 1
//   node package.js has-script FILE S   exit 0 when scripts[S] is a non-empty string
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
    const path = require('path');
    const q = (v) => `'${String(v).replace(/\0/g, '').replace(/'/g, "'\\''")}'`;
    const out = [`node_version=${q(process.version)}`, `node_arch=${q(process.arch)}`,
      `node_path=${q(process.execPath)}`];
    if (arg) {
      try {
        out.push(`npm_version=${q(JSON.parse(fs.readFileSync(path.join(arg, 'package.json'), 'utf8')).version)}`);
      } catch (e) { /* the caller asks npm itself */ }
      const resolve = (request) => {
        try {
          return require.resolve(request, { paths: [arg] });
        } catch (e) {
          return '';
        }
      };
      const runScript = resolve('@npmcli/run-script/package.json');
      out.push(`npm_gyp_bin=${q(runScript && path.join(path.dirname(runScript), 'lib', 'node-gyp-bin'))}`);
      out.push(`npm_node_gyp=${q(resolve('node-gyp/bin/node-gyp.js'))}`);
      let builtin = '';
      try {
        builtin = fs.readFileSync(path.join(arg, 'npmrc'), 'utf8');
      } catch (e) { /* none */ }
      for (const key of ['prefix', 'globalconfig', 'globalignorefile']) {
        const m = new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*$`, 'm').exec(builtin);
        out.push(`npm_builtin_${key}=${q(m ? m[1] : '')}`);
      }
    }
    const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {};
    const names = [];
    for (const [name, s] of Object.entries(scripts)) {
      if (/^[A-Za-z0-9:._-]+$/.test(name) && typeof s === 'string' && s.trim() !== '') names.push(`[${q(name)}]=${q(s)}`);
    }
    out.push(`scripts=(${names.join(' ')})`);
    const dev = pkg.devDependencies && typeof pkg.devDependencies === 'object' ? pkg.devDependencies : {};
    out.push(`has_dev=${Object.keys(dev).length > 0}`);
    const engines = pkg.engines && typeof pkg.engines === 'object' ? pkg.engines : {};
    out.push(`engine=${q(typeof engines.node === 'string' ? engines.node.replace(/[\r\n]/g, ' ') : '')}`);
    const fields = ['name', 'version', 'dependencies', 'devDependencies', 'optionalDependencies',
      'peerDependencies', 'bundleDependencies', 'bundledDependencies', 'overrides', 'workspaces'];
    const deps = {};
    for (const f of fields) if (f in pkg) deps[f] = pkg[f];
    out.push(`deps_sha=${require('crypto').createHash('sha256').update(JSON.stringify(deps)).digest('hex')}`);
    // What npm run exports from package.json (npm's package-envs).
    const env = [];
    const packageEnvs = (vals, prefix) => {
      for (const [key, val] of Object.entries(vals)) {
        if (val === undefined) continue;
        if (val && !Array.isArray(val) && typeof val === 'object') {
          packageEnvs(val, `${prefix}${key}_`);
        } else {
          const text = Array.isArray(val) ? val.map(String).join('\n\n') : val === null || val === false ? '' : String(val);
          env.push(q(`${prefix}${key}=${text}`));
        }
      }
    };
    packageEnvs({ name: pkg.name, version: pkg.version, config: pkg.config, engines: pkg.engines, bin: pkg.bin },
      'npm_package_');
    out.push(`pkg_env=(${env.join(' ')})`);
    const named = typeof pkg.name === 'string' || typeof pkg.version === 'string';
    out.push(`pkg_id=${q(named ? `${pkg.name || ''}@${pkg.version || ''}` : '')}`);
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
