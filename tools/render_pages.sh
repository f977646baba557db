#!/usr/bin/env bash
# Render page 1 and page 2 (a middle page: the editions run to 2-4 pages) of each default
# edition into docs/pages/ for the README. Needs pdftoppm (poppler-utils); run after `make brief`.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/pages
for pdf in output/rusia-korea-utara-*.pdf; do
  name=$(basename "$pdf" .pdf)
  for page in 1 2; do
    pdftoppm -r 60 -f "$page" -l "$page" -singlefile -png "$pdf" "docs/pages/$name-p$page"
  done
done
