import type { VisionEncoder } from "../../model-spec.js";

/**
 * What a vision encoder costs the cache: the tokens each image adds to every sequence, which
 * the KV cache then holds like text tokens (memory/inference-options.ts adds them to the
 * sequence length). See docs/methodology.md#multimodal-models.
 */

/** An image's size in pixels. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** Qwen2-VL's image processor bounds (`min_pixels`, `max_pixels`) in pixels. */
const QWEN_MIN_PIXELS = 56 * 56;
const QWEN_MAX_PIXELS = 28 * 28 * 16_384;
/** Llama-4's image processor tiles an image into at most 16 tiles, plus one global tile. */
const LLAMA4_MAX_TILES = 16;

/**
 * Tokens one image adds to the sequence:
 *
 * - fixed (LLaVA 576, Gemma-3 256): the same for every image;
 * - patches (Qwen2-VL, Qwen2.5-VL): one token per 28 × 28 pixels of the image resized to
 *   multiples of 28 within the processor's pixel bounds (`smart_resize`);
 * - tiles (Llama-4): `tokensPerTile` per 336-pixel tile (at most 16), plus one global tile
 *   when the image needs more than one.
 *
 * See docs/methodology.md#multimodal-models.
 */
export function imageTokensPerImage(vision: VisionEncoder, size: ImageSize): number {
  const tokens = vision.imageTokens;
  switch (tokens.kind) {
    case "fixed":
      return tokens.tokensPerImage;
    case "patches": {
      const unit = tokens.tokenPixels;
      let rows = Math.max(1, Math.round(size.height / unit));
      let columns = Math.max(1, Math.round(size.width / unit));
      const pixels = rows * columns * unit * unit;
      if (pixels > QWEN_MAX_PIXELS || pixels < QWEN_MIN_PIXELS) {
        const scale = Math.sqrt(
          (pixels > QWEN_MAX_PIXELS ? QWEN_MAX_PIXELS : QWEN_MIN_PIXELS) / pixels,
        );
        const round = pixels > QWEN_MAX_PIXELS ? Math.floor : Math.ceil;
        rows = Math.max(1, round(rows * scale));
        columns = Math.max(1, round(columns * scale));
      }
      return rows * columns;
    }
    case "tiles": {
      const tiles = Math.min(
        LLAMA4_MAX_TILES,
        Math.ceil(size.width / tokens.tilePixels) * Math.ceil(size.height / tokens.tilePixels),
      );
      return (tiles > 1 ? tiles + 1 : 1) * tokens.tokensPerTile;
    }
  }
}
