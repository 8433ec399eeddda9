/**
 * How a CNN's activations spread over a photo, from its feature map before pooling ([C, H, W],
 * post-ReLU): the mean over channels of the outer ring of cells against the central third. A product
 * shot on a plain background has a quiet border (~0.3 on MobileNetV2's 7x7 map); a shelf, a pile or
 * a tight crop of a product is busy up to the edges (~0.7).
 */
export function borderToCentre(map: Float32Array, channels: number, height: number, width: number): number {
  const cells = height * width;
  const energy = new Float64Array(cells);
  for (let c = 0; c < channels; c++) {
    const plane = c * cells;
    for (let i = 0; i < cells; i++) energy[i]! += map[plane + i]!;
  }
  const rowLo = Math.floor(height / 3);
  const colLo = Math.floor(width / 3);
  let ring = 0;
  let ringCells = 0;
  let centre = 0;
  let centreCells = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const e = energy[y * width + x]!;
      if (y === 0 || x === 0 || y === height - 1 || x === width - 1) {
        ring += e;
        ringCells++;
      } else if (y >= rowLo && y < height - rowLo && x >= colLo && x < width - colLo) {
        centre += e;
        centreCells++;
      }
    }
  }
  if (ringCells === 0 || centreCells === 0) return 1; // too small a map to tell: treat as busy
  const c = centre / centreCells;
  return c > 0 ? ring / ringCells / c : 1;
}
