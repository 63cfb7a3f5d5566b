#!/usr/bin/env bash
# Build the vendored GOV.UK Frontend assets into sv_grants/static/govuk/
# from the pinned npm package (see package.json and package-lock.json).
# Run from the repository root: scripts/build-assets.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

SRC=node_modules/govuk-frontend/dist/govuk
OUT=sv_grants/static/govuk

if [[ ! -d node_modules ]]; then
  npm ci
fi

# GOV.UK Frontend images we ship. Each file in $SRC/assets/images/ was checked:
#   favicon.ico, favicon.svg, govuk-icon-180.png, govuk-icon-192.png,
#   govuk-icon-512.png, govuk-icon-mask.svg: the crown
#   govuk-opengraph-image.png: the crown and the GOV.UK logotype
#   govuk-crest.svg: the Royal Coat of Arms, which includes the crown
# so none is copied (our own favicon is sv_grants/static/images/favicon.svg,
# and assets/sv-grants.scss hides the footer crest). Fonts and manifest.json
# are never copied. Add a file here only after checking it shows no crown.
IMAGES=()

rm -rf "$OUT"
mkdir -p "$OUT"

npm run --silent build:css

cp "$SRC/govuk-frontend.min.js" "$OUT/govuk-frontend.min.js"

if (( ${#IMAGES[@]} )); then
  mkdir -p "$OUT/assets/images"
  for image in "${IMAGES[@]}"; do
    cp "$SRC/assets/images/$image" "$OUT/assets/images/$image"
  done
fi

version=$(node -p 'require("./node_modules/govuk-frontend/package.json").version')
cat > "$OUT/VERSION" <<VERSION
govuk-frontend $version
built by scripts/build-assets.sh from the npm package; do not edit by hand
VERSION

# Guard against the font or the crown creeping back in.
css="$OUT/sv-grants.min.css"
if grep -q 'GDS Transport' "$css" || grep -q 'fonts/' "$css"; then
  echo "build-assets: $css refers to GDS Transport or its fonts" >&2
  exit 1
fi
if grep -o 'url([^)]*)' "$css" | grep -v '/static/govuk/assets/images/' | grep -q .; then
  echo "build-assets: $css has a url() outside /static/govuk/assets/images/" >&2
  exit 1
fi

echo "build-assets: govuk-frontend $version built into $OUT"
