#!/usr/bin/env node
// The built CLI (npm run build, or nx run controller-app:build, makes dist/).
import '../dist/main.js';
