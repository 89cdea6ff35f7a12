// `npm run build`: records when the app was built, to show the build step ran.
'use strict';
const fs = require('fs');
fs.writeFileSync('build-info.json', JSON.stringify({ builtAt: new Date().toISOString() }) + '\n');
console.log('wrote build-info.json');
