#!/usr/bin/env bash
# Makes docs/report.png, the README's picture of report.html: a demo run's report in headless Chromium at a laptop's
# width (from the spillover section down) beside a phone's (from the top). Needs chromium; pngquant, if present,
# shrinks the file.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet run --project src/GpuInference.Cli -c Release -- demo --out "$work/demo" >/dev/null
cat > "$work/demo/report/showcase.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>report.html</title><style>
body { margin: 0; background: #d9dde3; }
.pair { display: flex; gap: 28px; padding: 20px; align-items: flex-start; }
iframe { display: block; border: 1px solid #9aa3ad; background: #fff; box-shadow: 0 2px 8px rgba(0, 0, 0, .15); }
</style></head><body><div class="pair">
<iframe src="report.html#spillover" width="1000" height="1280" scrolling="no"></iframe>
<iframe src="report.html" width="390" height="1280" scrolling="no" style="border-radius: 14px"></iframe>
</div></body></html>
HTML
chromium --headless --disable-gpu --no-sandbox --hide-scrollbars --force-device-scale-factor=0.8 \
  --window-size=1480,1322 --screenshot="$work/report.png" "file://$work/demo/report/showcase.html" 2>/dev/null
if command -v pngquant >/dev/null 2>&1; then
  pngquant --quality=80-95 --speed 1 --force --output docs/report.png "$work/report.png"
else
  cp "$work/report.png" docs/report.png
fi
ls -l docs/report.png
