#!/usr/bin/env bash
# Refresh the GraphiQL assets served by the API (api/static/graphiql/) from the npm registry.
# Usage: scripts/vendor-graphiql.sh   (or: make graphiql-assets). Needs npm; works in a temp folder.
# Pinned versions: GraphiQL 3 is the last line with a UMD bundle that runs without a build step.
set -euo pipefail
GRAPHIQL=3.9.0
REACT=18.3.1
cd "$(dirname "$0")/.."
target=api/static/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for archive in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
    package=${archive%-*}
    mkdir -p "$work/$package"
    tar -xzf "$work/$archive.tgz" -C "$work/$package"
done
mkdir -p "$target/licenses"
cp "$work/graphiql/package/graphiql.min.js" "$work/graphiql/package/graphiql.min.css" "$target/"
cp "$work/react/package/umd/react.production.min.js" "$target/"
cp "$work/react-dom/package/umd/react-dom.production.min.js" "$target/"
cp "$work/graphiql/package/LICENSE" "$target/licenses/graphiql.LICENSE"
cp "$work/react/package/LICENSE" "$target/licenses/react.LICENSE"
cp "$work/react-dom/package/LICENSE" "$target/licenses/react-dom.LICENSE"
cat > "$target/VERSIONS" <<VERSIONS
graphiql $GRAPHIQL (graphiql.min.js, graphiql.min.css; MIT)
react $REACT (umd/react.production.min.js; MIT)
react-dom $REACT (umd/react-dom.production.min.js; MIT)
graphiql.min.js bundles graphiql's own dependencies (graphql, @graphiql/react, codemirror, markdown-it and others, under MIT-style licences; see \`npm view graphiql@$GRAPHIQL dependencies\`).
Refresh: make graphiql-assets (scripts/vendor-graphiql.sh).
VERSIONS
echo "vendored into $target:"
cat "$target/VERSIONS"
