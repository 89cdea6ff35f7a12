'use strict';
// Never deployed: package.json is invalid (single quotes on line 4), so the build fails.
require('http').createServer((req, res) => res.end('hello from failing-build\n')).listen(process.env.PORT || 5000, '0.0.0.0');
