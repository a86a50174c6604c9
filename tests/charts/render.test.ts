import { describe, expect, it } from "vitest";
import { renderChart, type MemoryBreakdownChart, type MemoryCurveChart } from "../../src/charts.js";

describe("renderChart", () => {
  it("draws a small breakdown: two segments, exact bytes in the tooltips, a GB axis", () => {
    const chart: MemoryBreakdownChart = {
      kind: "memory-breakdown",
      title: "tiny: memory to serve",
      unit: "gb",
      segments: [
        { label: "Weights", bytes: 3_000_000_000 },
        { label: "KV cache", bytes: 1_000_000_000 },
      ],
      totalBytes: 4_000_000_000,
      id: "t",
    };
    expect(renderChart(chart).replaceAll("><", ">\n<")).toMatchInlineSnapshot(`
      "<svg xmlns="http://www.w3.org/2000/svg" width="640" height="210" viewBox="0 0 640 210" role="img" aria-labelledby="t-title t-desc" class="vramfit-chart memory-breakdown" font-family="system-ui, -apple-system, &#39;Segoe UI&#39;, Roboto, sans-serif" font-size="12" fill="#1a1a1a">
      <title id="t-title">tiny: memory to serve</title>
      <desc id="t-desc">Stacked bar of 4.00 GB in all: Weights 3.00 GB (3,000,000,000 bytes), 75.0 %; KV cache 1.00 GB (1,000,000,000 bytes), 25.0 %.</desc>
      <rect width="640" height="210" fill="#ffffff"/>
      <text x="16" y="24" font-size="15" font-weight="600">tiny: memory to serve</text>
      <rect class="segment" x="16" y="58" width="450" height="40" fill="#0072B2" stroke="#ffffff" stroke-width="1" data-bytes="3000000000">
      <title>Weights: 3.00 GB (3,000,000,000 bytes), 75.0 %</title>
      </rect>
      <rect class="segment" x="466" y="58" width="150" height="40" fill="#E69F00" stroke="#ffffff" stroke-width="1" data-bytes="1000000000">
      <title>KV cache: 1.00 GB (1,000,000,000 bytes), 25.0 %</title>
      </rect>
      <line x1="16" y1="98" x2="616" y2="98" stroke="#333333"/>
      <line x1="16" y1="98" x2="16" y2="103" stroke="#333333"/>
      <text x="16" y="116" text-anchor="middle">0</text>
      <line x1="166" y1="98" x2="166" y2="103" stroke="#333333"/>
      <text x="166" y="116" text-anchor="middle">1</text>
      <line x1="316" y1="98" x2="316" y2="103" stroke="#333333"/>
      <text x="316" y="116" text-anchor="middle">2</text>
      <line x1="466" y1="98" x2="466" y2="103" stroke="#333333"/>
      <text x="466" y="116" text-anchor="middle">3</text>
      <line x1="616" y1="98" x2="616" y2="103" stroke="#333333"/>
      <text x="616" y="116" text-anchor="middle">4</text>
      <text x="616" y="132" text-anchor="end" fill="#555555" font-size="11">GB (10^9 bytes)</text>
      <g class="legend-row">
      <rect x="16" y="139" width="12" height="12" fill="#0072B2"/>
      <text x="36" y="150">Weights</text>
      <text x="380" y="150" text-anchor="end">3.00 GB</text>
      <text x="446" y="150" text-anchor="end" fill="#555555">75.0 %</text>
      <text x="616" y="150" text-anchor="end" fill="#555555">3,000,000,000 bytes</text>
      <title>Weights: 3.00 GB (3,000,000,000 bytes)</title>
      </g>
      <g class="legend-row">
      <rect x="16" y="161" width="12" height="12" fill="#E69F00"/>
      <text x="36" y="172">KV cache</text>
      <text x="380" y="172" text-anchor="end">1.00 GB</text>
      <text x="446" y="172" text-anchor="end" fill="#555555">25.0 %</text>
      <text x="616" y="172" text-anchor="end" fill="#555555">1,000,000,000 bytes</text>
      <title>KV cache: 1.00 GB (1,000,000,000 bytes)</title>
      </g>
      <line x1="16" y1="181" x2="616" y2="181" stroke="#e3e3e3"/>
      <text x="36" y="196" font-weight="600">Total</text>
      <text x="380" y="196" text-anchor="end" font-weight="600" class="total" data-bytes="4000000000">4.00 GB</text>
      <text x="616" y="196" text-anchor="end" fill="#555555">4,000,000,000 bytes</text>
      </svg>"
    `);
  });

  it("draws a small curve: the line, the crossing marker where a person would put it", () => {
    const chart: MemoryCurveChart = {
      kind: "memory-curve",
      title: "tiny: memory vs context length",
      unit: "gb",
      axis: "context",
      curveLabel: "weights + KV cache",
      points: [
        { x: 1, bytes: 10e9 },
        { x: 1024, bytes: 20e9 },
        { x: 2048, bytes: 30e9 },
      ],
      lines: [
        {
          label: "1 × T",
          gpuCount: 1,
          usableBytes: 25e9,
          crossing: { x: 1536, bytes: 25e9, wholeRange: false },
        },
      ],
      current: 1024,
      id: "c",
    };
    const svg = renderChart(chart);
    // By hand: x from 0 to 2,048 tokens over pixels 64 to 620, so 1,536 tokens sit at
    // 64 + 0.75 × 556 = 481; y from 0 to 30 GB (ticks of 5) over pixels 326 to 76, so
    // 25 GB sits at 326 − 250 × 25 / 30 = 117.67.
    expect(svg).toContain('<circle cx="481" cy="117.67" r="5"');
    expect(svg).toContain('<line x1="64" y1="117.67" x2="620" y2="117.67"');
    expect(svg.match(/<text[^>]*text-anchor="end">(\d+)<\/text>/g)?.length).toBe(7); // 0, 5, ... 30 GB
    expect(svg.replaceAll("><", ">\n<")).toMatchInlineSnapshot(`
      "<svg xmlns="http://www.w3.org/2000/svg" width="640" height="424" viewBox="0 0 640 424" role="img" aria-labelledby="c-title c-desc" class="vramfit-chart memory-curve" font-family="system-ui, -apple-system, &#39;Segoe UI&#39;, Roboto, sans-serif" font-size="12" fill="#1a1a1a">
      <title id="c-title">tiny: memory vs context length</title>
      <desc id="c-desc">Line chart of weights + KV cache against tokens per sequence, with the memory groups of cards can hold. 1 × T: 25.00 GB usable; at most 1,536 tokens per sequence.</desc>
      <rect width="640" height="424" fill="#ffffff"/>
      <text x="16" y="24" font-size="15" font-weight="600">tiny: memory vs context length</text>
      <line x1="64" y1="326" x2="620" y2="326" stroke="#e3e3e3"/>
      <text x="58" y="330" text-anchor="end">0</text>
      <line x1="64" y1="284.33" x2="620" y2="284.33" stroke="#e3e3e3"/>
      <text x="58" y="288.33" text-anchor="end">5</text>
      <line x1="64" y1="242.67" x2="620" y2="242.67" stroke="#e3e3e3"/>
      <text x="58" y="246.67" text-anchor="end">10</text>
      <line x1="64" y1="201" x2="620" y2="201" stroke="#e3e3e3"/>
      <text x="58" y="205" text-anchor="end">15</text>
      <line x1="64" y1="159.33" x2="620" y2="159.33" stroke="#e3e3e3"/>
      <text x="58" y="163.33" text-anchor="end">20</text>
      <line x1="64" y1="117.67" x2="620" y2="117.67" stroke="#e3e3e3"/>
      <text x="58" y="121.67" text-anchor="end">25</text>
      <line x1="64" y1="76" x2="620" y2="76" stroke="#e3e3e3"/>
      <text x="58" y="80" text-anchor="end">30</text>
      <line x1="64" y1="326" x2="64" y2="331" stroke="#333333"/>
      <text x="64" y="344" text-anchor="middle">0</text>
      <line x1="133.5" y1="326" x2="133.5" y2="331" stroke="#333333"/>
      <text x="133.5" y="344" text-anchor="middle">256</text>
      <line x1="203" y1="326" x2="203" y2="331" stroke="#333333"/>
      <text x="203" y="344" text-anchor="middle">512</text>
      <line x1="272.5" y1="326" x2="272.5" y2="331" stroke="#333333"/>
      <text x="272.5" y="344" text-anchor="middle">768</text>
      <line x1="342" y1="326" x2="342" y2="331" stroke="#333333"/>
      <text x="342" y="344" text-anchor="middle">1K</text>
      <line x1="411.5" y1="326" x2="411.5" y2="331" stroke="#333333"/>
      <text x="411.5" y="344" text-anchor="middle">1,280</text>
      <line x1="481" y1="326" x2="481" y2="331" stroke="#333333"/>
      <text x="481" y="344" text-anchor="middle">1,536</text>
      <line x1="550.5" y1="326" x2="550.5" y2="331" stroke="#333333"/>
      <text x="550.5" y="344" text-anchor="middle">1,792</text>
      <line x1="620" y1="326" x2="620" y2="331" stroke="#333333"/>
      <text x="620" y="344" text-anchor="middle">2K</text>
      <line x1="64" y1="326" x2="620" y2="326" stroke="#333333"/>
      <line x1="64" y1="76" x2="64" y2="326" stroke="#333333"/>
      <text x="342" y="362" text-anchor="middle" fill="#555555" font-size="11">Context length (tokens per sequence; K = 1,024)</text>
      <text x="16" y="64" fill="#555555" font-size="11">GB (10^9 bytes): weights + KV cache</text>
      <g class="asked" data-x="1024">
      <line x1="342" y1="76" x2="342" y2="326" stroke="#555555" stroke-dasharray="3 3"/>
      <text x="345" y="320" fill="#555555" font-size="10">asked 1,024</text>
      </g>
      <g class="capacity" data-gpus="1">
      <line x1="64" y1="117.67" x2="620" y2="117.67" stroke="#D55E00" stroke-width="1.5" stroke-dasharray="6 3"/>
      <text x="618" y="113.67" text-anchor="end" font-size="11">1 × T</text>
      <title>1 × T: 25.00 GB usable (25,000,000,000 bytes)</title>
      </g>
      <path class="curve" d="M64.27 242.67 L342 159.33 L620 76" fill="none" stroke="#0072B2" stroke-width="2.5">
      <title>weights + KV cache, from 10.00 GB to 30.00 GB</title>
      </path>
      <g class="crossing" data-gpus="1" data-max-x="1536" data-bytes="25000000000">
      <circle cx="481" cy="117.67" r="5" fill="#ffffff" stroke="#D55E00" stroke-width="2.5"/>
      <text x="488" y="131.67" font-size="11" font-weight="600">1,536</text>
      <title>1 × T: at most 1,536 tokens per sequence (25.00 GB)</title>
      </g>
      <g class="legend-row">
      <line x1="16" y1="380" x2="40" y2="380" stroke="#0072B2" stroke-width="2.5"/>
      <text x="48" y="384" font-size="11">weights + KV cache (the curve)</text>
      </g>
      <g class="legend-row">
      <line x1="16" y1="400" x2="40" y2="400" stroke="#D55E00" stroke-width="2.5" stroke-dasharray="6 3"/>
      <text x="48" y="404" font-size="11">1 × T: 25.00 GB usable; at most 1,536 tokens per sequence</text>
      </g>
      </svg>"
    `);
  });
});
