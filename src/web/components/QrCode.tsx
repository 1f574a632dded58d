import qrcode from 'qrcode-generator';

/** A QR code drawn as SVG rectangles (no innerHTML), so a phone can scan a feed URL. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const cells: preact.JSX.Element[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) cells.push(<rect x={c + 4} y={r + 4} width="1" height="1" />);
  return (
    <svg class="qr" viewBox={`0 0 ${n + 8} ${n + 8}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={n + 8} height={n + 8} fill="#fff" />
      <g fill="#111">{cells}</g>
    </svg>
  );
}
