/**
 * A session's `messageDeliveryRate` is a percentage (the original system's field, what the host
 * sets); the engine's link model takes a probability. The one place one becomes the other.
 */
export function deliveryProbability(percent: number): number {
  return percent / 100
}
