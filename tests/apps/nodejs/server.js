'use strict';
const http = require('http');
const ms = require('ms');
const build = require('./build-info.json');

const started = Date.now();
const port = Number(process.env.PORT || 5000);

http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(
    'hello from nodejs\n' +
    `GIT_REV=${process.env.GIT_REV || ''}\n` +
    `NODE_ENV=${process.env.NODE_ENV || ''}\n` +
    `built at ${build.builtAt}\n` +
    `up for ${ms(Date.now() - started, { long: true })}\n`);
}).listen(port, '0.0.0.0', () => {
  console.log(`listening on 0.0.0.0:${port}`);
});
