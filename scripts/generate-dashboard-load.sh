#!/usr/bin/env bash
# HyperCache's name for the dashboard load generator: runs ./scripts/generate-load.sh with the same options.
exec "$(dirname "$0")/generate-load.sh" "$@"
