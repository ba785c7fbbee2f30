import type { DeliveryReceipt, DeliveryResult } from '../connector/sender.js';

/** The runtime's side of a {@link DeliveryReceipt}: settles its `delivered` promise. */
export interface ReceiptSettler {
  resolve(result: DeliveryResult): void;
  reject(error: Error): void;
}

/**
 * Creates a receipt and its settler. `delivered` is marked handled at birth, so a receipt
 * nobody awaits never causes an unhandled rejection; whoever awaits it still sees the error.
 */
export function createReceipt(): { receipt: DeliveryReceipt; settler: ReceiptSettler } {
  let settler: ReceiptSettler | undefined;
  const delivered = new Promise<DeliveryResult>((resolve, reject) => {
    settler = { resolve, reject };
  });
  delivered.catch(() => undefined);
  return { receipt: { delivered }, settler: settler as ReceiptSettler };
}
