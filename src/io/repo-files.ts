/**
 * The files vramfit reads from a model repo or folder besides the weights' headers. Kept apart
 * from the Node file code so the Hub reader (which also runs in a browser) can name them.
 */

/**
 * The file NVIDIA ModelOpt writes beside config.json to declare a checkpoint's quantization
 * (`{"producer": {"name": "modelopt"}, "quantization": {"quant_algo": "FP8", …}}`).
 */
export const HF_QUANT_CONFIG_FILE = "hf_quant_config.json";
