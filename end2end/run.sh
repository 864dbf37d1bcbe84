#!/usr/bin/env bash
# Used by `cargo leptos end-to-end`; scripts/test.sh runs Playwright itself.
exec npx playwright test "$@"
