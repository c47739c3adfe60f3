#!/bin/sh
# Applies pending migrations (what `npm run migration:run` runs), then replaces itself with the
# command, the API by default, so the container's stop signal (SIGTERM) reaches node directly.
set -eu
cd /app
node dist/src/database/migrate.js
exec "$@"
