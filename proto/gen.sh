#!/bin/sh
# Regenerates proto/gen/ from the .proto files. Runs offline: pbjs/pbts come
# from the protobufjs-cli devDependency. Commit the output.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/../node_modules/.bin"
mkdir -p "$here/gen"
"$bin/pbjs" -t static-module -w es6 --force-number --no-beautify --no-delimited --no-verify \
  -o "$here/gen/wattprint.js" "$here/wattprint/v1/wattprint.proto"
# protobufjs 8 ships ESM-compatible "protobufjs/minimal.js"
sed -i 's#from "protobufjs/minimal"#from "protobufjs/minimal.js"#' "$here/gen/wattprint.js"
"$bin/pbts" -o "$here/gen/wattprint.d.ts" "$here/gen/wattprint.js"
