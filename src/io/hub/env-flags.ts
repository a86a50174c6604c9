/** The environment flags huggingface_hub reads as switches. */

/** `1`, `on`, `yes` and `true`, any case, as huggingface_hub's `_is_true`. */
export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^(?:1|on|yes|true)$/i.test(value.trim());
}

/** Whether the environment says offline: `HF_HUB_OFFLINE`, else `TRANSFORMERS_OFFLINE`. */
export function offlineFromEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  return isTruthy(env.HF_HUB_OFFLINE ?? env.TRANSFORMERS_OFFLINE);
}
